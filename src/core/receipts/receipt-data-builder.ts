// Gathers a receipt's data from the database. Amounts, allocations with what remained due and
// the family's balance come from the journal entry written with the payment (or with its
// cancellation), not from today's state, so a duplicata printed months later shows exactly what
// the original showed; only the DUPLICATA marking differs. The same goes for the names and
// addresses printed (payer, commune, régie, agent): they are snapshotted into the entry.
import type Database from 'better-sqlite3';
import type { PaymentMode } from '../../shared/payment-modes';
import { notFound } from '../errors';
import { verificationCode } from '../journal/chain';
import { modeDetailsForPrint } from '../payments/rules';
import type { ReceiptData } from './receipt-data';
import { prepared } from '../db/prepared';

interface PaymentRow {
  id: number;
  mode: PaymentMode;
  amount_cents: number;
  tendered_cents: number | null;
  change_cents: number | null;
  credit_created_cents: number;
  details: string;
  receipt_number: string;
  recorded_at: string;
  poste_code: string;
  agent_id: number;
  regie_id: number;
  family_id: number;
  payload: string;
  hash: string;
}

/**
 * What the receipt prints about the people and places involved, as they were when the
 * operation was recorded. It is written into the journal entry (so it is hashed with it) and a
 * duplicata is built from it: a family that moves, a régie renamed or an agent whose name is
 * corrected does not change a receipt already issued.
 */
export interface ReceiptHeader {
  commune: ReceiptData['commune'];
  regie: ReceiptData['regie'];
  payer: ReceiptData['payer'];
  agentName: string;
}

interface EntryPayload {
  allocations: {
    invoiceNumber: string;
    invoiceLabel: string;
    amountCents: number;
    remainingCents: number;
  }[];
  balance: { dueCents: number; creditCents: number };
  receiptHeader?: ReceiptHeader;
  /** Cancellation entries: the cancelling agent's name at the time. */
  cancelledByName?: string;
}

interface PayerRow {
  civility: string;
  last_name: string;
  first_name: string;
  address_line1: string;
  address_line2: string | null;
  postal_code: string;
  city: string;
}

function payerOf(
  sqlite: Database.Database,
  family: { id: number; code: string; name: string },
): ReceiptData['payer'] {
  const payer = prepared(
    sqlite,
    `SELECT civility, last_name, first_name, address_line1, address_line2, postal_code, city
       FROM responsable WHERE family_id = ? ORDER BY rank LIMIT 1`,
  ).get(family.id) as PayerRow | undefined;
  return payer
    ? {
        familyCode: family.code,
        name: `${payer.civility} ${payer.last_name} ${payer.first_name}`.trim(),
        addressLines: [
          payer.address_line1,
          ...(payer.address_line2 ? [payer.address_line2] : []),
          `${payer.postal_code} ${payer.city}`,
        ],
      }
    : { familyCode: family.code, name: family.name, addressLines: [] };
}

/** The agent's display name now, for the snapshot of an operation being recorded. */
export function agentDisplayName(sqlite: Database.Database, agentId: number): string {
  const row = prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(agentId) as
    { display_name: string } | undefined;
  return row?.display_name ?? '';
}

/**
 * The receipt's header as it stands now: called inside the recording transaction, and for
 * entries written before the snapshot existed.
 */
export function receiptHeaderNow(
  sqlite: Database.Database,
  ids: { familyId: number; regieId: number; agentId: number },
): ReceiptHeader {
  const r = prepared(
    sqlite,
    `SELECT r.code, r.name, r.service_address, r.service_phone, c.name AS commune_name,
            c.address_line, c.postal_code, c.city, f.code AS family_code, f.family_name
       FROM regie r JOIN commune c ON c.id = r.commune_id, family f
       WHERE r.id = ? AND f.id = ?`,
  ).get(ids.regieId, ids.familyId) as
    | {
        code: string;
        name: string;
        service_address: string;
        service_phone: string | null;
        commune_name: string;
        address_line: string;
        postal_code: string;
        city: string;
        family_code: string;
        family_name: string;
      }
    | undefined;
  if (!r) throw notFound('Régie ou famille');
  return {
    commune: {
      name: r.commune_name,
      addressLine: r.address_line,
      postalCode: r.postal_code,
      city: r.city,
    },
    regie: {
      code: r.code,
      name: r.name,
      serviceAddress: r.service_address,
      servicePhone: r.service_phone,
    },
    payer: payerOf(sqlite, { id: ids.familyId, code: r.family_code, name: r.family_name }),
    agentName: agentDisplayName(sqlite, ids.agentId),
  };
}

export function buildReceiptData(
  sqlite: Database.Database,
  opts: { paymentId: number; kind: 'paiement' | 'annulation'; duplicata: boolean },
): ReceiptData {
  const p = prepared(
    sqlite,
    `SELECT p.id, p.mode, p.amount_cents, p.tendered_cents, p.change_cents, p.credit_created_cents, p.details,
              p.receipt_number, p.recorded_at, p.poste_code, p.agent_id, p.regie_id, p.family_id,
              j.payload, j.hash
       FROM payment p
       JOIN journal_entry j ON j.seq = p.journal_seq
       WHERE p.id = ?`,
  ).get(opts.paymentId) as PaymentRow | undefined;
  if (!p) throw notFound('Paiement');

  const paymentEntry = JSON.parse(p.payload) as EntryPayload;
  // Entries written before the snapshot existed fall back to today's data.
  const header =
    paymentEntry.receiptHeader ??
    receiptHeaderNow(sqlite, { familyId: p.family_id, regieId: p.regie_id, agentId: p.agent_id });
  let entry = paymentEntry;
  let hash = p.hash;
  let issuedAt = p.recorded_at;
  let agentName = header.agentName;
  let cancellation: ReceiptData['cancellation'] = null;
  if (opts.kind === 'annulation') {
    const c = prepared(
      sqlite,
      `SELECT c.reason, c.cancelled_at, a.display_name AS agent_name, j.payload, j.hash
         FROM cancellation c JOIN agent a ON a.id = c.agent_id JOIN journal_entry j ON j.seq = c.journal_seq
         WHERE c.payment_id = ?`,
    ).get(p.id) as
      | { reason: string; cancelled_at: string; agent_name: string; payload: string; hash: string }
      | undefined;
    if (!c) throw notFound('Annulation de ce paiement');
    entry = JSON.parse(c.payload) as EntryPayload;
    hash = c.hash;
    issuedAt = c.cancelled_at;
    agentName = entry.cancelledByName ?? c.agent_name;
    cancellation = { reason: c.reason, cancelledBy: agentName, cancelledAt: c.cancelled_at };
  }

  return {
    kind: opts.kind,
    receiptNumber: p.receipt_number,
    duplicata: opts.duplicata,
    commune: header.commune,
    regie: header.regie,
    posteCode: p.poste_code,
    agentName,
    issuedAt,
    payer: header.payer,
    mode: p.mode,
    modeDetails: modeDetailsForPrint(p.mode, JSON.parse(p.details) as Record<string, unknown>),
    // A cancellation receipt states the original movements as positive amounts; the layout
    // prints them as reversed.
    amountCents: p.amount_cents,
    tenderedCents: p.tendered_cents,
    changeCents: p.change_cents,
    allocations: entry.allocations.map((a) => ({
      invoiceNumber: a.invoiceNumber,
      invoiceLabel: a.invoiceLabel,
      allocatedCents: a.amountCents,
      remainingCents: a.remainingCents,
    })),
    creditCreatedCents: p.credit_created_cents,
    creditUsedCents: 0,
    balanceDueCents: entry.balance.dueCents,
    balanceCreditCents: entry.balance.creditCents,
    cancellation,
    verificationCode: verificationCode(hash),
  };
}

export function receiptFileName(data: ReceiptData): string {
  return `recu-${data.receiptNumber}${data.kind === 'annulation' ? '-annulation' : ''}${data.duplicata ? '-duplicata' : ''}.pdf`;
}
