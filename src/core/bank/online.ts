// Online payments seen from the counter: the PayFiP payments the portal published (kept in
// sync_mirror), by day, each tied to the register's invoice by its number and checked against
// what the invoice still owed. Three anomalies: the invoice is unknown here, the amount is not
// what was left to pay, or the invoice was already settled (a trop-perçu: paid at the counter
// and online). A trop-perçu must never vanish: the régisseur decides, once, an avoir for the
// family or a refund request, both journaled. An avoir is real credit (a credit movement in the
// same transaction); the decision goes to the portal (outbox, written by a trigger), which
// closes its conflict, credits the family's account and refuses a second decision from any
// poste. A decision taken on another poste arrives with the online payment (pull) and is final.
import type Database from 'better-sqlite3';
import type {
  OnlineAnomaly,
  OnlineDayView,
  OnlinePaymentView,
  OnlineReconciliation,
  OverpaymentResolution,
} from '../../shared/contract';
import { formatEuro } from '../../shared/money';
import { DomainError, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { creditBalance, dueBalance } from '../payments/balances';
import { nextJournalSeq } from '../payments/ledger';
import { liveMatchedTargets, mirroredOnlinePayments } from './expected';

export const RESOLVE_HANDLER = 'online.resolveOverpayment';

interface InvoiceRow {
  id: number;
  number: string;
  amount_cents: number;
  paid_cents: number;
  remote_paid_cents: number;
  status: string;
  family_id: number;
  regie_id: number;
}

interface ResolutionRow {
  online_payment_ref: string;
  resolution: OverpaymentResolution;
  amount_cents: number;
  reason: string;
  resolved_at: string;
  agent_name: string;
  poste_code: string;
  /** The portal refused this decision (code and French message), kept "à traiter". */
  rejected_code: string | null;
  rejected_message: string | null;
}

type Resolution = NonNullable<OnlinePaymentView['resolution']> & { posteCode: string | null };

/** The decision the portal recorded for this online payment, whichever poste took it. */
function portalResolution(data: Record<string, unknown>): Resolution | null {
  const r = data.overpaymentResolution;
  if (!r || typeof r !== 'object') return null;
  const d = r as Record<string, unknown>;
  const agent = (d.agent ?? {}) as Record<string, unknown>;
  if (d.resolution !== 'avoir' && d.resolution !== 'remboursement') return null;
  return {
    resolution: d.resolution,
    amountCents: typeof d.amountCents === 'number' ? d.amountCents : 0,
    reason: typeof d.reason === 'string' ? d.reason : '',
    resolvedAt: typeof d.resolvedAt === 'string' ? d.resolvedAt : '',
    agentName: typeof agent.displayName === 'string' ? agent.displayName : '',
    posteCode: typeof d.posteCode === 'string' ? d.posteCode : null,
  };
}

function views(sqlite: Database.Database): OnlinePaymentView[] {
  const mirrored = mirroredOnlinePayments(sqlite);
  const invoices = new Map(
    (
      sqlite
        .prepare(
          'SELECT id, number, amount_cents, paid_cents, remote_paid_cents, status, family_id, regie_id FROM invoice',
        )
        .all() as InvoiceRow[]
    ).map((i) => [i.number, i]),
  );
  const resolutions = new Map(
    (
      sqlite
        .prepare(
          `SELECT o.online_payment_ref, o.resolution, o.amount_cents, o.reason, o.resolved_at,
                  a.display_name AS agent_name, o.poste_code,
                  r.code AS rejected_code, r.message AS rejected_message
           FROM online_overpayment o JOIN agent a ON a.id = o.agent_id
           LEFT JOIN sync_rejected r ON r.kind = 'overpayment_resolution' AND r.entity_id = o.id`,
        )
        .all() as ResolutionRow[]
    ).map((r) => [r.online_payment_ref, r]),
  );
  const matched = liveMatchedTargets(sqlite);
  // Paid shares per invoice in the order PayFiP took them: an earlier one is counted first.
  const paidByInvoice = new Map<string, typeof mirrored>();
  for (const p of mirrored) {
    if (p.status !== 'paye') continue;
    const list = paidByInvoice.get(p.invoiceNumber) ?? [];
    list.push(p);
    paidByInvoice.set(p.invoiceNumber, list);
  }
  const order = (a: (typeof mirrored)[number], b: (typeof mirrored)[number]) =>
    (a.paidAt ?? '').localeCompare(b.paidAt ?? '') || a.ref.localeCompare(b.ref);
  for (const list of paidByInvoice.values()) list.sort(order);

  return mirrored.map((p) => {
    const inv = invoices.get(p.invoiceNumber) ?? null;
    const anomalies: OnlineAnomaly[] = [];
    let remainingBefore: number | null = null;
    let overpayment = 0;
    if (p.status === 'paye') {
      if (!inv) {
        anomalies.push('facture_inconnue');
      } else {
        const shares = paidByInvoice.get(p.invoiceNumber) ?? [];
        const onlineTotal = shares.reduce((n, s) => n + s.amountCents, 0);
        // What was paid elsewhere than online: this register's ledger and history, plus the
        // part of the portal's figure (remote) that is not these online payments. Until the
        // invoice's new figure is pulled, remote may not count them yet: never below zero.
        const otherPaid =
          inv.paid_cents - inv.remote_paid_cents + Math.max(0, inv.remote_paid_cents - onlineTotal);
        const earlier = shares
          .slice(
            0,
            shares.findIndex((s) => s.ref === p.ref),
          )
          .reduce((n, s) => n + s.amountCents, 0);
        const owed = inv.status === 'annulee' ? 0 : inv.amount_cents;
        remainingBefore = owed - otherPaid - earlier;
        overpayment = p.amountCents - Math.max(0, Math.min(remainingBefore, p.amountCents));
        if (overpayment > 0) anomalies.push('trop_percu');
        if (remainingBefore > 0 && remainingBefore !== p.amountCents) {
          anomalies.push('montant_different');
        }
      }
    }
    const res = resolutions.get(p.ref);
    // This poste's decision counts unless the portal refused it; then the one the portal
    // recorded (another poste's), if any, is the decision.
    const resolution: Resolution | null =
      res && res.rejected_code === null
        ? {
            resolution: res.resolution,
            amountCents: res.amount_cents,
            reason: res.reason,
            resolvedAt: res.resolved_at,
            agentName: res.agent_name,
            posteCode: res.poste_code,
          }
        : portalResolution(p.data);
    return {
      ref: p.ref,
      day: p.day ?? '',
      paidAt: p.paidAt,
      status: p.status,
      resultrans: typeof p.data.resultrans === 'string' ? p.data.resultrans : null,
      refdet: p.refdet,
      invoiceNumber: p.invoiceNumber,
      invoiceId: inv?.id ?? null,
      familyId: inv?.family_id ?? null,
      familyCode: typeof p.data.familyCode === 'string' ? p.data.familyCode : '',
      regieCode: p.regieCode,
      amountCents: p.amountCents,
      idop: p.idop,
      numauto: p.numauto,
      invoiceAmountCents: inv?.amount_cents ?? null,
      remainingBeforeCents: remainingBefore,
      overpaymentCents: overpayment,
      anomalies,
      resolution: resolution
        ? {
            resolution: resolution.resolution,
            amountCents: resolution.amountCents,
            reason: resolution.reason,
            resolvedAt: resolution.resolvedAt,
            agentName: resolution.agentName,
          }
        : null,
      bankMatched: matched.has(`paiement_en_ligne|${p.ref}`),
    };
  });
}

const unresolved = (v: OnlinePaymentView) =>
  v.anomalies.length > 0 && !(v.resolution && v.anomalies.every((a) => a === 'trop_percu'));

export function onlineReconciliation(
  sqlite: Database.Database,
  q: { from: string; to: string; regieId?: number | undefined },
): OnlineReconciliation {
  const regieCode =
    q.regieId === undefined
      ? null
      : ((
          sqlite.prepare('SELECT code FROM regie WHERE id = ?').get(q.regieId) as
            { code: string } | undefined
        )?.code ?? '\u0000');
  const days = new Map<string, OnlinePaymentView[]>();
  for (const v of views(sqlite)) {
    if (v.day < q.from || v.day > q.to) continue;
    if (regieCode !== null && v.regieCode !== regieCode) continue;
    const list = days.get(v.day) ?? [];
    list.push(v);
    days.set(v.day, list);
  }
  const out: OnlineDayView[] = [...days.entries()]
    .sort(([a], [b]) => (a < b ? 1 : -1))
    .map(([day, payments]) => {
      payments.sort((a, b) => (a.paidAt ?? '').localeCompare(b.paidAt ?? ''));
      return {
        day,
        count: payments.length,
        totalCents: payments
          .filter((p) => p.status === 'paye')
          .reduce((n, p) => n + p.amountCents, 0),
        anomalyCount: payments.filter(unresolved).length,
        payments,
      };
    });
  return {
    from: q.from,
    to: q.to,
    days: out,
    anomalyCount: out.reduce((n, d) => n + d.anomalyCount, 0),
  };
}

export function resolveOverpayment(
  sqlite: Database.Database,
  input: {
    commandId: string;
    onlinePaymentRef: string;
    resolution: OverpaymentResolution;
    reason: string;
    agentId: number;
    posteCode: string;
    now: Date;
  },
): { replayed: boolean; payment: OnlinePaymentView } {
  const ref = input.onlinePaymentRef.toLowerCase();
  const hash = requestHash({
    onlinePaymentRef: ref,
    resolution: input.resolution,
    reason: input.reason,
  });
  const replayed = sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, RESOLVE_HANDLER, hash)) return true;
      const v = views(sqlite).find((p) => p.ref.toLowerCase() === ref);
      if (!v) {
        throw new DomainError(
          'INTROUVABLE',
          'Paiement en ligne introuvable sur ce poste. Synchronisez le poste avec le portail puis recommencez.',
        );
      }
      const local = sqlite
        .prepare(
          `SELECT o.poste_code, r.message AS rejected_message FROM online_overpayment o
             LEFT JOIN sync_rejected r ON r.kind = 'overpayment_resolution' AND r.entity_id = o.id
            WHERE o.online_payment_ref = ?`,
        )
        .get(v.ref) as { poste_code: string; rejected_message: string | null } | undefined;
      if (v.resolution) {
        const poste =
          local && local.rejected_message === null
            ? local.poste_code
            : (portalResolution(
                mirroredOnlinePayments(sqlite).find((p) => p.ref === v.ref)?.data ?? {},
              )?.posteCode ?? null);
        throw new DomainError(
          'CONFLIT',
          `Le trop-perçu de ce paiement en ligne a déjà été traité (${v.resolution.resolution === 'avoir' ? 'avoir' : 'remboursement'} de ${formatEuro(v.resolution.amountCents)} par ${v.resolution.agentName}${poste ? `, poste ${poste}` : ''}). Rien n’a été enregistré.`,
          'TROP_PERCU_DEJA_TRAITE',
        );
      }
      if (local) {
        // The portal refused the decision taken here and knows of no other: it stays in the
        // synchronisation's "à traiter" list, where the régisseur sees why.
        throw new DomainError(
          'CONFLIT',
          `La décision prise sur ce poste pour ce trop-perçu a été refusée par le portail : ${local.rejected_message ?? ''} Elle reste à traiter dans l’écran de synchronisation ; rien n’a été enregistré.`,
          'DECISION_REFUSEE_PAR_LE_PORTAIL',
        );
      }
      if (v.status !== 'paye' || v.invoiceId === null || v.familyId === null) {
        throw ruleError(
          'PAS_DE_TROP_PERCU',
          v.invoiceId === null
            ? `La facture ${v.invoiceNumber} est inconnue de ce poste : synchronisez-le avant de traiter ce paiement.`
            : 'Ce paiement en ligne n’est pas payé : il n’y a pas de trop-perçu à traiter.',
        );
      }
      if (v.overpaymentCents <= 0) {
        throw ruleError(
          'PAS_DE_TROP_PERCU',
          `Ce paiement en ligne ne dépasse pas ce que la facture ${v.invoiceNumber} devait : il n’y a pas de trop-perçu à traiter.`,
        );
      }
      const inv = sqlite
        .prepare(
          'SELECT i.regie_id, i.family_id, r.allow_credit, r.code, f.code AS family_code FROM invoice i JOIN regie r ON r.id = i.regie_id JOIN family f ON f.id = i.family_id WHERE i.id = ?',
        )
        .get(v.invoiceId) as {
        regie_id: number;
        family_id: number;
        allow_credit: number;
        code: string;
        family_code: string;
      };
      if (input.resolution === 'avoir' && !inv.allow_credit) {
        throw ruleError(
          'AVOIR_NON_ADMIS',
          `La régie ${inv.code} n’admet pas les avoirs : choisissez une demande de remboursement.`,
        );
      }
      const at = input.now.toISOString();
      const journalSeq = nextJournalSeq(sqlite);
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: RESOLVE_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const decision = sqlite
        .prepare(
          `INSERT INTO online_overpayment (command_id, online_payment_ref, invoice_id, family_id, regie_id, resolution,
             amount_cents, reason, agent_id, poste_code, resolved_at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.commandId,
          v.ref,
          v.invoiceId,
          inv.family_id,
          inv.regie_id,
          input.resolution,
          v.overpaymentCents,
          input.reason,
          input.agentId,
          input.posteCode,
          at,
          journalSeq,
        );
      if (input.resolution === 'avoir') {
        // The avoir is credit the family can spend at once: a movement of the ledger, whose
        // source is the decision (a trigger checks family, régie and amount against it).
        sqlite
          .prepare(
            `INSERT INTO credit_movement (family_id, regie_id, amount_cents, online_overpayment_id, created_at)
             VALUES (?, ?, ?, ?, ?)`,
          )
          .run(inv.family_id, inv.regie_id, v.overpaymentCents, decision.lastInsertRowid, at);
      }
      const entry = appendJournal(sqlite, 'operations', {
        kind: input.resolution === 'avoir' ? 'trop_percu_avoir' : 'trop_percu_remboursement',
        instant: at,
        agentId: input.agentId,
        regieId: inv.regie_id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          onlinePaymentRef: v.ref,
          idop: v.idop,
          numauto: v.numauto,
          invoiceNumber: v.invoiceNumber,
          familyCode: inv.family_code,
          regieCode: inv.code,
          paymentCents: v.amountCents,
          amountCents: v.overpaymentCents,
          resolution: input.resolution,
          reason: input.reason,
          balance: {
            dueCents: dueBalance(sqlite, inv.family_id, inv.regie_id),
            creditCents: creditBalance(sqlite, inv.family_id, inv.regie_id),
          },
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return false;
    })
    .immediate();
  const payment = views(sqlite).find((p) => p.ref.toLowerCase() === ref)!;
  return { replayed, payment };
}
