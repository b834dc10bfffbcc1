// The family page: who the family is, and one panel per régie it has an account with, listing
// its invoices newest due date first with the state a person sees.
import type Database from 'better-sqlite3';
import type {
  Child,
  FamilyDetail,
  InvoiceView,
  RegiePanel,
  Responsable,
} from '../../shared/contract';
import { invoiceState, type InvoiceStatus } from '../../shared/invoice-state';
import { paymentModes, type PaymentMode } from '../../shared/payment-modes';
import { DomainError } from '../errors';
import { creditBalances } from '../payments/balances';

interface InvoiceRow {
  id: number;
  number: string;
  regie_id: number;
  label: string;
  period: string;
  issue_date: string;
  due_date: string;
  amount_cents: number;
  paid_cents: number;
  refdet: string;
  status: InvoiceStatus;
}

export function invoiceView(row: InvoiceRow): InvoiceView {
  return {
    id: row.id,
    number: row.number,
    regieId: row.regie_id,
    label: row.label,
    period: row.period,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    amountCents: row.amount_cents,
    paidCents: row.paid_cents,
    remainingCents: Math.max(0, row.amount_cents - row.paid_cents),
    refdet: row.refdet,
    status: row.status,
    state: invoiceState(row.status, row.amount_cents, row.paid_cents),
  };
}

/**
 * The régie's accepted modes, stored as JSON text. Unknown or malformed values are dropped
 * rather than trusted: the payment rules read the same column and refuse any mode not listed.
 */
function parseAcceptedModes(json: string): PaymentMode[] {
  let stored: unknown;
  try {
    stored = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  const listed: unknown[] = stored;
  return paymentModes.filter((m) => listed.includes(m));
}

/** What the family still owes the régie at the counter: à payer, partielle and prélèvement. */
function dueOf(invoices: readonly InvoiceView[]): number {
  let due = 0;
  for (const i of invoices) {
    if (i.state === 'a_payer' || i.state === 'partielle' || i.state === 'prelevement') {
      due += i.remainingCents;
    }
  }
  return due;
}

export function getFamilyDetail(sqlite: Database.Database, familyId: number): FamilyDetail {
  const family = sqlite
    .prepare('SELECT id, code, family_name FROM family WHERE id = ?')
    .get(familyId) as { id: number; code: string; family_name: string } | undefined;
  if (!family) {
    throw new DomainError(
      'INTROUVABLE',
      'Cette famille est introuvable : elle a peut-être été fusionnée ou supprimée. Relancez la recherche.',
    );
  }
  const responsables = (
    sqlite
      .prepare(
        `SELECT rank, civility, last_name, first_name, address_line1, address_line2, postal_code,
                city, email, phone_mobile, phone_home, phone_work
         FROM responsable WHERE family_id = ? ORDER BY rank`,
      )
      .all(familyId) as {
      rank: 1 | 2;
      civility: string;
      last_name: string;
      first_name: string;
      address_line1: string;
      address_line2: string | null;
      postal_code: string;
      city: string;
      email: string | null;
      phone_mobile: string | null;
      phone_home: string | null;
      phone_work: string | null;
    }[]
  ).map((r): Responsable => ({
    rank: r.rank,
    civility: r.civility,
    lastName: r.last_name,
    firstName: r.first_name,
    addressLine1: r.address_line1,
    addressLine2: r.address_line2,
    postalCode: r.postal_code,
    city: r.city,
    email: r.email,
    phoneMobile: r.phone_mobile,
    phoneHome: r.phone_home,
    phoneWork: r.phone_work,
  }));
  const children = (
    sqlite
      .prepare(
        'SELECT id, first_name, last_name, birth_date, school FROM child WHERE family_id = ? ORDER BY birth_date, id',
      )
      .all(familyId) as {
      id: number;
      first_name: string;
      last_name: string;
      birth_date: string;
      school: string | null;
    }[]
  ).map((c): Child => ({
    id: c.id,
    firstName: c.first_name,
    lastName: c.last_name,
    birthDate: c.birth_date,
    school: c.school,
  }));

  // A régie is shown when the family has an account there, or (defensively) an invoice.
  const regies = sqlite
    .prepare(
      `SELECT r.id, r.code, r.name, r.accepted_modes, r.creditor_label, r.allow_credit,
              r.allow_direct_debit_payment
       FROM regie r
       WHERE r.id IN (SELECT regie_id FROM family_account WHERE family_id = ?)
          OR r.id IN (SELECT DISTINCT regie_id FROM invoice WHERE family_id = ?)
       ORDER BY r.id`,
    )
    .all(familyId, familyId) as {
    id: number;
    code: string;
    name: string;
    accepted_modes: string;
    creditor_label: string;
    allow_credit: number;
    allow_direct_debit_payment: number;
  }[];
  const invoicesOf = sqlite.prepare(
    `SELECT id, number, regie_id, label, period, issue_date, due_date, amount_cents, paid_cents,
            refdet, status
     FROM invoice WHERE family_id = ? AND regie_id = ?
     ORDER BY due_date DESC, id DESC`,
  );
  // Credits (avoirs) are sums over the payments module's credit movements, never stored.
  const credits = creditBalances(sqlite, familyId);
  const panels = regies.map((r): RegiePanel => {
    const invoices = (invoicesOf.all(familyId, r.id) as InvoiceRow[]).map(invoiceView);
    return {
      regieId: r.id,
      regieCode: r.code,
      regieName: r.name,
      dueCents: dueOf(invoices),
      creditCents: credits.get(r.id) ?? 0,
      invoices,
      acceptedModes: parseAcceptedModes(r.accepted_modes),
      creditorLabel: r.creditor_label,
      allowCredit: r.allow_credit === 1,
      allowDirectDebitPayment: r.allow_direct_debit_payment === 1,
    };
  });

  return {
    id: family.id,
    code: family.code,
    familyName: family.family_name,
    responsables,
    children,
    regies: panels,
  };
}

/**
 * Finds an invoice from what is printed on it or on its coupon: its number or its PayFiP
 * reference, typed in any case and with stray spaces. Both columns have unique indexes, and the
 * forms tried are the stored (upper-case) ones, so every probe is one index lookup.
 */
export function lookupInvoice(
  sqlite: Database.Database,
  reference: string,
): { invoiceId: number; familyId: number; regieId: number } | null {
  const trimmed = reference.trim();
  const upper = trimmed.toUpperCase();
  const compact = upper.replace(/[^A-Z0-9]/g, '');
  const byNumber = sqlite.prepare('SELECT id, family_id, regie_id FROM invoice WHERE number = ?');
  const byRefdet = sqlite.prepare('SELECT id, family_id, regie_id FROM invoice WHERE refdet = ?');
  const probes: [Database.Statement, string][] = [
    [byNumber, trimmed],
    [byNumber, upper],
    [byNumber, upper.replace(/\s+/g, '')],
    [byRefdet, trimmed],
    [byRefdet, compact],
  ];
  for (const [stmt, value] of probes) {
    if (!value) continue;
    const row = stmt.get(value) as { id: number; family_id: number; regie_id: number } | undefined;
    if (row) return { invoiceId: row.id, familyId: row.family_id, regieId: row.regie_id };
  }
  return null;
}
