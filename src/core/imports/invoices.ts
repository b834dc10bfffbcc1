// factures.csv: one line per invoice. A new invoice is created as the billing office issued it,
// with its PayFiP reference (given, or computed from its number as the register does). An
// invoice already in the register (same number) may only change what the billing office
// legitimately changes afterwards: its label, period and dates, and its status along the paths
// an invoice really takes (à payer → prélèvement, transmise au Trésor or annulée; a rejected
// direct debit back to à payer). Its régie, family and amount never change by import, the part
// paid outside Guichet is fixed when it is created (a trigger guards it), and an invoice that
// has received money cannot be cancelled by a file: the money already taken must be dealt with
// at the counter first.
import type Database from 'better-sqlite3';
import type { InvoiceStatus } from '../../shared/invoice-state';
import { formatDate } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import type { FieldChange } from './families';
import type { ColumnSpec, IssueList, Sheet } from './sheet';
import {
  computedRefdet,
  parseAmount,
  parseDate,
  parsePeriod,
  parseRefdet,
  parseStatus,
  shown,
  statusLabels,
} from './values';

export type InvoiceColumn =
  | 'regie'
  | 'number'
  | 'familyCode'
  | 'label'
  | 'period'
  | 'issueDate'
  | 'dueDate'
  | 'amount'
  | 'status'
  | 'paidOutside'
  | 'refdet';

export const invoiceColumns: readonly ColumnSpec<InvoiceColumn>[] = [
  { key: 'regie', name: 'regie', required: true, aliases: ['code regie'] },
  {
    key: 'number',
    name: 'numero_facture',
    required: true,
    aliases: ['numero', 'facture', 'n facture', 'no facture', 'numero de facture'],
  },
  { key: 'familyCode', name: 'code_famille', required: true, aliases: ['famille'] },
  { key: 'label', name: 'libelle', required: true, aliases: ['objet', 'designation'] },
  { key: 'period', name: 'periode', required: false, aliases: ['mois', 'periode facturee'] },
  {
    key: 'issueDate',
    name: 'date_emission',
    required: true,
    aliases: ['emission', 'date facture', 'date d emission'],
  },
  {
    key: 'dueDate',
    name: 'date_echeance',
    required: true,
    aliases: ['echeance', 'date limite', 'date limite de paiement'],
  },
  { key: 'amount', name: 'montant', required: true, aliases: ['montant ttc', 'total'] },
  { key: 'status', name: 'statut', required: false, aliases: ['etat'] },
  {
    key: 'paidOutside',
    name: 'deja_regle',
    required: false,
    aliases: ['montant regle', 'deja paye', 'regle'],
  },
  {
    key: 'refdet',
    name: 'reference_payfip',
    required: false,
    aliases: ['refdet', 'reference'],
  },
];

export interface InvoiceDraft {
  line: number;
  regieId: number;
  regieCode: string;
  number: string;
  familyCode: string;
  label: string;
  period: string;
  issueDate: string;
  dueDate: string;
  amountCents: number;
  status: InvoiceStatus;
  paidOutsideCents: number;
  refdet: string;
}

export type InvoicePlan =
  | { action: 'create'; draft: InvoiceDraft }
  | { action: 'update'; draft: InvoiceDraft; invoiceId: number; changes: FieldChange[] }
  | { action: 'unchanged'; draft: InvoiceDraft; invoiceId: number };

interface ExistingInvoice {
  id: number;
  regie_code: string;
  family_code: string;
  label: string;
  period: string;
  issue_date: string;
  due_date: string;
  amount_cents: number;
  paid_cents: number;
  paid_outside_cents: number;
  refdet: string;
  status: InvoiceStatus;
}

const NUMBER_RE = /^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,39}$/;

/** The status changes a later file may bring; anything else is refused with a reason. */
function statusChangeProblem(number: string, from: InvoiceStatus, to: InvoiceStatus, paid: number) {
  if (from === 'annulee') {
    return `la facture ${number} est annulée dans Guichet : une facture annulée ne redevient pas ${statusLabels[to]}. Émettez une nouvelle facture sous un autre numéro.`;
  }
  if (from === 'tresorerie' && to !== 'annulee') {
    return `la facture ${number} a été transmise au Trésor : elle ne peut plus redevenir ${statusLabels[to]} à la régie.`;
  }
  if (to === 'annulee' && paid > 0) {
    return `la facture ${number} a déjà reçu ${formatEuro(paid)} : elle ne peut pas être annulée par import. Annulez d’abord les paiements au guichet (ou voyez avec le comptable), puis importez à nouveau.`;
  }
  return null;
}

export function planInvoices(
  sqlite: Database.Database,
  sheet: Sheet<InvoiceColumn>,
  familyCodesInFile: ReadonlySet<string>,
  issues: IssueList,
): InvoicePlan[] {
  const regies = new Map(
    (sqlite.prepare('SELECT id, code FROM regie').all() as { id: number; code: string }[]).map(
      (r) => [r.code.toUpperCase(), r],
    ),
  );
  const familyExists = sqlite.prepare('SELECT 1 FROM family WHERE code = ?');
  const findInvoice = sqlite.prepare(
    `SELECT i.id, r.code AS regie_code, f.code AS family_code, i.label, i.period, i.issue_date,
            i.due_date, i.amount_cents, i.paid_cents, i.paid_outside_cents, i.refdet, i.status
       FROM invoice i JOIN regie r ON r.id = i.regie_id JOIN family f ON f.id = i.family_id
      WHERE i.number = ?`,
  );
  const findRefdet = sqlite.prepare('SELECT number FROM invoice WHERE refdet = ?');
  const numberLine = new Map<string, number>();
  const refdetLine = new Map<string, number>();
  const plans: InvoicePlan[] = [];

  for (const row of sheet.rows) {
    const before = issues.count;
    const cell = (key: InvoiceColumn) => row.get(key);
    const problem = (key: InvoiceColumn, text: string) =>
      issues.add('factures', row.line, row.header(key), text);

    const regieCode = cell('regie').toUpperCase();
    const regie = regies.get(regieCode);
    if (regieCode === '') problem('regie', 'le code de la régie est obligatoire.');
    else if (!regie) {
      problem(
        'regie',
        regies.size === 0
          ? `régie « ${regieCode} » inconnue : aucune régie n’est encore configurée sur ce poste. Les régies se créent avant d’importer leurs factures.`
          : `régie « ${regieCode} » inconnue. Régies de ce poste : ${[...regies.keys()].sort().join(', ')}.`,
      );
    }

    const number = cell('number');
    if (number === '') problem('number', 'le numéro de facture est obligatoire.');
    else if (!NUMBER_RE.test(number)) {
      problem(
        'number',
        `${shown(number)} n’est pas un numéro de facture valable (1 à 40 lettres, chiffres, espaces, points, tirets ou barres obliques).`,
      );
    } else {
      const first = numberLine.get(number);
      if (first !== undefined) {
        problem(
          'number',
          `la facture ${number} figure déjà ligne ${first} : une facture ne doit apparaître qu’une fois.`,
        );
      } else numberLine.set(number, row.line);
    }

    const familyCode = cell('familyCode');
    if (familyCode === '') problem('familyCode', 'le code famille est obligatoire.');
    else if (!familyCodesInFile.has(familyCode) && !familyExists.get(familyCode)) {
      problem(
        'familyCode',
        `la famille « ${familyCode} » n’existe ni dans le fichier des familles ni dans Guichet. Ajoutez-la au fichier des familles.`,
      );
    }

    const label = cell('label');
    if (label === '') problem('label', 'le libellé est obligatoire.');
    else if (label.length > 200) problem('label', `${shown(label)} dépasse 200 caractères.`);

    const date = (key: InvoiceColumn, what: string): string | null => {
      if (cell(key) === '') {
        problem(key, `${what} est obligatoire.`);
        return null;
      }
      const p = parseDate(cell(key));
      if (!p.ok) problem(key, p.problem);
      return p.ok ? p.value : null;
    };
    const issueDate = date('issueDate', 'la date d’émission');
    const dueDate = date('dueDate', 'la date d’échéance');
    if (issueDate && dueDate && dueDate < issueDate) {
      problem(
        'dueDate',
        `l’échéance (${formatDate(dueDate)}) précède la date d’émission (${formatDate(issueDate)}).`,
      );
    }

    let period = issueDate?.slice(0, 7) ?? '';
    if (cell('period') !== '') {
      const p = parsePeriod(cell('period'));
      if (p.ok) period = p.value;
      else problem('period', p.problem);
    }

    let amountCents = 0;
    if (cell('amount') === '') problem('amount', 'le montant est obligatoire.');
    else {
      const p = parseAmount(cell('amount'));
      if (!p.ok) problem('amount', p.problem);
      else if (p.value <= 0) {
        problem(
          'amount',
          `${shown(cell('amount'))} : le montant d’une facture doit être supérieur à zéro.`,
        );
      } else amountCents = p.value;
    }

    let status: InvoiceStatus = 'emise';
    const s = parseStatus(cell('status'));
    if (s.ok) status = s.value;
    else problem('status', s.problem);

    let paidOutsideCents: number | null = null;
    if (cell('paidOutside') !== '') {
      const p = parseAmount(cell('paidOutside'));
      if (!p.ok) problem('paidOutside', p.problem);
      else if (p.value < 0) {
        problem(
          'paidOutside',
          `${shown(cell('paidOutside'))} : un montant réglé ne peut pas être négatif.`,
        );
      } else if (amountCents > 0 && p.value > amountCents) {
        problem(
          'paidOutside',
          `${formatEuro(p.value)} déjà réglés dépassent le montant de la facture (${formatEuro(amountCents)}).`,
        );
      } else paidOutsideCents = p.value;
    }

    let refdet: string | null = null;
    if (cell('refdet') !== '') {
      const p = parseRefdet(cell('refdet'));
      if (p.ok) refdet = p.value;
      else problem('refdet', p.problem);
    }

    if (issues.count > before || !regie || !issueDate || !dueDate) continue;

    const existing = findInvoice.get(number) as ExistingInvoice | undefined;
    if (!existing) {
      refdet ??= computedRefdet(number);
      if (refdet === null) {
        problem(
          'number',
          `le numéro ${number} ne permet pas de calculer une référence PayFiP (4 à 28 lettres et chiffres) : ajoutez la colonne reference_payfip.`,
        );
        continue;
      }
      const refdetColumn = row.header(cell('refdet') === '' ? 'number' : 'refdet');
      if (!checkRefdet(refdet, number, row.line, refdetColumn)) continue;
      plans.push({
        action: 'create',
        draft: {
          line: row.line,
          regieId: regie.id,
          regieCode: regie.code,
          number,
          familyCode,
          label,
          period,
          issueDate,
          dueDate,
          amountCents,
          status,
          paidOutsideCents: paidOutsideCents ?? 0,
          refdet,
        },
      });
      continue;
    }

    // The invoice is known: only what may change is compared; the rest must agree.
    const where = (key: InvoiceColumn) => row.header(key);
    if (existing.regie_code !== regie.code) {
      issues.add(
        'factures',
        row.line,
        where('regie'),
        `la facture ${number} existe déjà dans la régie ${existing.regie_code} : une facture ne change pas de régie.`,
      );
    }
    if (existing.family_code !== familyCode) {
      issues.add(
        'factures',
        row.line,
        where('familyCode'),
        `la facture ${number} existe déjà pour la famille ${existing.family_code} : une facture ne change pas de famille. Annulez-la et émettez-en une nouvelle sous un autre numéro.`,
      );
    }
    if (existing.amount_cents !== amountCents) {
      issues.add(
        'factures',
        row.line,
        where('amount'),
        `la facture ${number} existe déjà avec un montant de ${formatEuro(existing.amount_cents)} : un montant ne se corrige pas par import. Annulez-la (statut « annulée ») et émettez-en une nouvelle sous un autre numéro.`,
      );
    }
    if (paidOutsideCents !== null && paidOutsideCents !== existing.paid_outside_cents) {
      issues.add(
        'factures',
        row.line,
        where('paidOutside'),
        `la facture ${number} a été importée avec ${formatEuro(existing.paid_outside_cents)} déjà réglés : ce montant est fixé à la création. Laissez la colonne vide ou remettez ${formatEuro(existing.paid_outside_cents)}.`,
      );
    }
    if (refdet !== null && refdet !== existing.refdet) {
      issues.add(
        'factures',
        row.line,
        where('refdet'),
        `la facture ${number} a déjà la référence PayFiP ${existing.refdet} : une référence ne change pas (un paiement en ligne peut la porter).`,
      );
    }
    if (status !== existing.status) {
      const p = statusChangeProblem(number, existing.status, status, existing.paid_cents);
      if (p) issues.add('factures', row.line, where('status'), p);
    }
    if (issues.count > before) continue;
    const draft: InvoiceDraft = {
      line: row.line,
      regieId: regie.id,
      regieCode: regie.code,
      number,
      familyCode,
      label,
      period,
      issueDate,
      dueDate,
      amountCents,
      status,
      paidOutsideCents: existing.paid_outside_cents,
      refdet: existing.refdet,
    };
    const changes: FieldChange[] = [];
    const compare = (field: string, old: string, value: string) => {
      if (old !== value) changes.push({ field, old, new: value });
    };
    compare('label', existing.label, label);
    compare('period', existing.period, period);
    compare('issueDate', existing.issue_date, issueDate);
    compare('dueDate', existing.due_date, dueDate);
    compare('status', existing.status, status);
    plans.push(
      changes.length === 0
        ? { action: 'unchanged', draft, invoiceId: existing.id }
        : { action: 'update', draft, invoiceId: existing.id, changes },
    );
  }
  return plans;

  function checkRefdet(refdet: string, number: string, line: number, column: string): boolean {
    const first = refdetLine.get(refdet);
    if (first !== undefined) {
      issues.add(
        'factures',
        line,
        column,
        `la référence PayFiP ${refdet} est déjà celle de la facture de la ligne ${first} : chaque facture doit avoir la sienne.`,
      );
      return false;
    }
    refdetLine.set(refdet, line);
    const other = findRefdet.get(refdet) as { number: string } | undefined;
    if (other && other.number !== number) {
      issues.add(
        'factures',
        line,
        column,
        `la référence PayFiP ${refdet} est déjà celle de la facture ${other.number} dans Guichet : chaque facture doit avoir la sienne.`,
      );
      return false;
    }
    return true;
  }
}

/** Writes the invoices to create or update. Runs inside the import's transaction. */
export function writeInvoices(
  sqlite: Database.Database,
  plans: InvoicePlan[],
  familyIds: ReadonlyMap<string, number>,
  createdAt: string,
): void {
  const familyId = sqlite.prepare('SELECT id FROM family WHERE code = ?');
  const insert = sqlite.prepare(
    `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date,
       amount_cents, paid_cents, paid_outside_cents, refdet, status, source, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?)`,
  );
  const update = sqlite.prepare(
    'UPDATE invoice SET label = ?, period = ?, issue_date = ?, due_date = ?, status = ? WHERE id = ?',
  );
  // The family's account with the régie, as the demo and the portal pull open it.
  const account = sqlite.prepare(
    'INSERT OR IGNORE INTO family_account (family_id, regie_id, created_at) VALUES (?, ?, ?)',
  );
  for (const plan of plans) {
    const d = plan.draft;
    if (plan.action === 'unchanged') continue;
    if (plan.action === 'update') {
      update.run(d.label, d.period, d.issueDate, d.dueDate, d.status, plan.invoiceId);
      continue;
    }
    const fid =
      familyIds.get(d.familyCode) ?? (familyId.get(d.familyCode) as { id: number } | undefined)?.id;
    if (fid === undefined) throw new Error(`Famille ${d.familyCode} absente à l’écriture`);
    account.run(fid, d.regieId, createdAt);
    insert.run(
      d.number,
      d.regieId,
      fid,
      d.label,
      d.period,
      d.issueDate,
      d.dueDate,
      d.amountCents,
      d.paidOutsideCents,
      d.paidOutsideCents,
      d.refdet,
      d.status,
      createdAt,
    );
  }
}
