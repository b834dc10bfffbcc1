// Paged reading of the journals for the journal screen, newest first, with a French one-line
// summary of each entry.
import type Database from 'better-sqlite3';
import {
  journalKindLabels,
  movementKindLabels,
  reportKindLabels,
  slipKindLabels,
  type ReportKind,
  type SlipKind,
  type JournalBook,
  type JournalEntryView,
  type JournalPage,
  type MovementKind,
} from '../../shared/contract';
import { formatDate, parisDate } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { paymentModeLabels, type PaymentMode } from '../../shared/payment-modes';
import type { InvoiceStatus } from '../../shared/invoice-state';
import { statusLabels } from '../imports/values';
import { journalTables } from './chain';
import { nextDay, parisDayStart } from './paris-time';

export interface JournalQuery {
  book: JournalBook;
  kinds?: string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  page: number;
  pageSize: number;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function summarize(kind: string, p: Record<string, unknown>): string {
  switch (kind) {
    case 'paiement':
      return `Paiement ${str(p.receiptNumber)} : ${formatEuro(num(p.amountCents))} (${paymentModeLabels[str(p.mode) as PaymentMode] ?? str(p.mode)}), famille ${str(p.familyCode)}${num(p.creditCreatedCents) > 0 ? `, dont ${formatEuro(num(p.creditCreatedCents))} en avoir` : ''}`;
    case 'annulation':
      return `Annulation du paiement ${str(p.receiptNumber)} (${formatEuro(num(p.amountCents))}) : ${str(p.reason)}`;
    case 'duplicata':
      return `Duplicata du reçu ${str(p.receiptNumber)}${p.receiptKind === 'annulation' ? ' (annulation)' : ''}`;
    case 'utilisation_avoir':
      return `Utilisation d’avoir : ${formatEuro(num(p.amountCents))}, famille ${str(p.familyCode)}`;
    case 'annulation_avoir':
      return `Annulation d’une utilisation d’avoir (${formatEuro(num(p.amountCents))}) : ${str(p.reason)}`;
    case 'connexion':
      return `Connexion de ${str(p.login)}`;
    case 'deconnexion':
      return `Déconnexion de ${str(p.login)}`;
    case 'ouverture_caisse':
      return `Ouverture de caisse : fonds compté ${formatEuro(num(p.floatCountedCents))}${num(p.floatDifferenceCents) !== 0 ? ` (écart ${formatEuro(num(p.floatDifferenceCents))} sur le fonds attendu)` : ''}`;
    case 'mouvement_caisse':
      return `${movementKindLabels[str(p.movementKind) as MovementKind] ?? 'Mouvement'} ${formatEuro(Math.abs(num(p.amountCents)))}, régie ${str(p.regieCode)} : ${str(p.reason)}`;
    case 'derogation_plafond':
      return `Dérogation au plafond d’espèces, régie ${str(p.regieCode)} : ${str(p.reason)}`;
    case 'ecart_caisse':
      return `Écart de caisse (${paymentModeLabels[str(p.mode) as PaymentMode] ?? str(p.mode)}) : ${p.nature === 'deficit' ? 'déficit' : 'excédent'} de ${formatEuro(Math.abs(num(p.differenceCents)))} (attendu ${formatEuro(num(p.expectedCents))}, compté ${formatEuro(num(p.countedCents))}) : ${str(p.reason)}`;
    case 'cloture_caisse':
      return `Clôture de caisse : fonds laissé ${formatEuro(num(p.floatLeftCents))}`;
    case 'echec_connexion':
      return `Échec de connexion pour « ${str(p.login)} »`;
    case 'blocage_compte':
      return `Compte « ${str(p.login)} » bloqué jusqu’à ${str(p.lockedUntil)}`;
    case 'verification_integrite':
      return p.ok === true
        ? 'Vérification d’intégrité : conforme'
        : `Vérification d’intégrité : anomalie (${str(p.message)})`;
    case 'cloture_jour':
    case 'cloture_mois':
    case 'cloture_annee':
      return `${journalKindLabels[kind]} ${str(p.period)}, régie ${str(p.regieCode)} : net ${formatEuro(num(p.netCents))} (${num(p.paymentCount)} paiements)`;
    case 'bordereau_brouillon':
      return `Brouillon de bordereau (${slipKindLabels[str(p.slipKind) as SlipKind] ?? str(p.slipKind)}), régie ${str(p.regieCode)} : ${num(p.count)} pièce(s), ${formatEuro(num(p.totalCents))}`;
    case 'bordereau_valide':
      return `Bordereau ${str(p.number)} validé : ${num(p.count)} pièce(s), ${formatEuro(num(p.totalCents))}`;
    case 'depot_especes':
      return `Dépôt d’espèces ${str(p.number)}, régie ${str(p.regieCode)} : ${formatEuro(num(p.totalCents))}`;
    case 'code_acces_emis':
      return `Code d’accès émis pour la famille ${str(p.familyCode)} (réf. ${str(p.ref).slice(0, 8)}), valable jusqu’au ${formatDate(parisDate(new Date(str(p.expiresAt))))}`;
    case 'coupons_lot':
      return `Lot de coupons, régie ${str(p.regieCode)}${p.period ? ` (période ${str(p.period)})` : ''} : ${num(p.coupons)} coupon(s), ${num(p.codesIssued)} code(s) d’accès émis`;
    case 'configuration':
      if (p.scope === 'regie' && p.action === 'creation') {
        return `Régie ${str(p.regieCode)} créée`;
      }
      if (p.scope === 'commune') return 'Identité de la commune modifiée';
      return p.scope === 'regie'
        ? `Configuration de la régie ${str(p.regieCode)} modifiée`
        : `Configuration du poste ${str(p.posteCode)} modifiée`;
    case 'mise_en_service':
      return `Mise en service : commune ${str(p.communeName)}, poste ${str(p.posteCode)}, régisseur titulaire « ${str(p.login)} »`;
    case 'export':
      return `Édition « ${reportKindLabels[str(p.report) as ReportKind] ?? str(p.report)} » (${str(p.format).toUpperCase()}) : ${num(p.rows)} ligne(s)`;
    case 'sauvegarde':
      return p.status === 'ok'
        ? `Sauvegarde ${str(p.fileName)} (${str(p.reason)})`
        : `Échec de sauvegarde (${str(p.reason)}) : ${str(p.error)}`;
    case 'restauration':
      return p.status === 'ok'
        ? `Restauration de la sauvegarde ${str(p.fileName)}`
        : `Restauration refusée (${str(p.fileName)}) : ${str(p.problem)}`;
    case 'import_csv':
      return importSummary(p);
    case 'releve_importe':
      return `Relevé bancaire « ${str(p.fileName)} » importé : ${Array.isArray(p.statements) ? p.statements.length : 0} relevé(s), ${num(p.lineCount)} ligne(s), ${num(p.matchedCount)} rapprochée(s) automatiquement`;
    case 'rapprochement_manuel':
      return `Rapprochement manuel de la ligne du ${formatDate(str(p.bookingDate))} (${formatEuro(num(p.amountCents))}, compte ${str(p.account)}) : ${Array.isArray(p.targets) ? p.targets.length : 0} pièce(s)`;
    case 'rapprochement_annule':
      return `Rapprochement ${p.origin === 'manuel' ? 'manuel' : 'automatique'} annulé (ligne n° ${num(p.lineId)}) : ${str(p.reason)}`;
    case 'trop_percu_avoir':
    case 'trop_percu_remboursement':
      return `Trop-perçu en ligne de ${formatEuro(num(p.amountCents))} sur la facture ${str(p.invoiceNumber)} (famille ${str(p.familyCode)}) : ${kind === 'trop_percu_avoir' ? 'porté en avoir' : 'remboursement demandé'}. ${str(p.reason)}`;
    case 'verification_paiement_en_ligne':
      return `Vérification PayFiP du paiement en ligne ${str(p.idop) || str(p.onlinePaymentRef)} (${formatEuro(num(p.amountCents))}, famille ${str(p.familyCode) || '?'}) : ${str(p.message)}`;
    case 'correction_famille':
      return `Famille ${str(p.familyCode)} corrigée par import : ${Array.isArray(p.changes) ? p.changes.length : 0} champ(s) modifié(s)`;
    case 'correction_facture':
      return `Facture ${str(p.invoiceNumber)} corrigée par import : ${invoiceChangeText(p.changes)}`;
    default:
      return journalKindLabels[kind as keyof typeof journalKindLabels] ?? kind;
  }
}

/** "familles.csv : 3 créée(s), 1 mise(s) à jour ; factures.csv : 12 créée(s)". */
function importSummary(p: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of ['families', 'children', 'invoices'] as const) {
    const f = p[key];
    if (typeof f !== 'object' || f === null) continue;
    const r = f as Record<string, unknown>;
    parts.push(
      `${str(r.fileName)} : ${num(r.created)} créée(s), ${num(r.updated)} mise(s) à jour, ${num(r.unchanged)} inchangée(s)`,
    );
  }
  return `Import CSV : ${parts.join(' ; ')}`;
}

const invoiceFieldLabels: Record<string, string> = {
  label: 'libellé',
  period: 'période',
  issueDate: 'émission',
  dueDate: 'échéance',
  status: 'statut',
};

function invoiceChangeText(changes: unknown): string {
  if (!Array.isArray(changes)) return '';
  return changes
    .map((c: unknown) => {
      const r = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
      const value = (v: unknown) =>
        r.field === 'status' ? (statusLabels[str(v) as InvoiceStatus] ?? str(v)) : str(v);
      return `${invoiceFieldLabels[str(r.field)] ?? str(r.field)} ${value(r.old)} → ${value(r.new)}`;
    })
    .join(', ');
}

interface Row {
  seq: number;
  instant: string;
  kind: string;
  poste_code: string;
  payload: string;
  hash: string;
  agent_name: string | null;
  regie_code: string | null;
}

export function listJournal(sqlite: Database.Database, q: JournalQuery): JournalPage {
  const t = journalTables[q.book];
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.kinds && q.kinds.length > 0) {
    where.push(`j.kind IN (${q.kinds.map(() => '?').join(', ')})`);
    params.push(...q.kinds);
  }
  if (q.from) {
    where.push('j.instant >= ?');
    params.push(parisDayStart(q.from).toISOString());
  }
  if (q.to) {
    where.push('j.instant < ?');
    params.push(parisDayStart(nextDay(q.to)).toISOString());
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (
    sqlite.prepare(`SELECT count(*) AS n FROM ${t.entries} j ${clause}`).get(...params) as {
      n: number;
    }
  ).n;
  const rows = sqlite
    .prepare(
      `SELECT j.seq, j.instant, j.kind, j.poste_code, j.payload, j.hash,
              a.display_name AS agent_name, r.code AS regie_code
       FROM ${t.entries} j
       LEFT JOIN agent a ON a.id = j.agent_id
       LEFT JOIN regie r ON r.id = j.regie_id
       ${clause}
       ORDER BY j.seq DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, q.pageSize, (q.page - 1) * q.pageSize) as Row[];
  const entries: JournalEntryView[] = rows.map((r) => {
    const payload = JSON.parse(r.payload) as Record<string, unknown>;
    return {
      seq: r.seq,
      instant: r.instant,
      kind: r.kind,
      kindLabel: journalKindLabels[r.kind as keyof typeof journalKindLabels] ?? r.kind,
      agentName: r.agent_name,
      regieCode: r.regie_code,
      posteCode: r.poste_code,
      summary: summarize(r.kind, payload),
      payload,
      hash: r.hash,
    };
  });
  return { total, entries };
}
