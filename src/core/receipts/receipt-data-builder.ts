// Gathers a receipt's data from the database. Amounts, allocations with what remained due and
// the family's balance come from the journal entry written with the payment (or with its
// cancellation), not from today's state, so a duplicata printed months later shows exactly what
// the original showed; only the DUPLICATA marking differs.
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
  agent_name: string;
  family_id: number;
  family_code: string;
  family_name: string;
  regie_code: string;
  regie_name: string;
  service_address: string;
  service_phone: string | null;
  commune_name: string;
  commune_address: string;
  commune_postal_code: string;
  commune_city: string;
  payload: string;
  hash: string;
}

interface EntryPayload {
  allocations: {
    invoiceNumber: string;
    invoiceLabel: string;
    amountCents: number;
    remainingCents: number;
  }[];
  balance: { dueCents: number; creditCents: number };
}

export function buildReceiptData(
  sqlite: Database.Database,
  opts: { paymentId: number; kind: 'paiement' | 'annulation'; duplicata: boolean },
): ReceiptData {
  const p = prepared(
    sqlite,
    `SELECT p.id, p.mode, p.amount_cents, p.tendered_cents, p.change_cents, p.credit_created_cents, p.details,
              p.receipt_number, p.recorded_at, p.poste_code, a.display_name AS agent_name,
              f.id AS family_id, f.code AS family_code, f.family_name,
              r.code AS regie_code, r.name AS regie_name, r.service_address, r.service_phone,
              c.name AS commune_name, c.address_line AS commune_address, c.postal_code AS commune_postal_code,
              c.city AS commune_city, j.payload, j.hash
       FROM payment p
       JOIN agent a ON a.id = p.agent_id
       JOIN family f ON f.id = p.family_id
       JOIN regie r ON r.id = p.regie_id
       JOIN commune c ON c.id = r.commune_id
       JOIN journal_entry j ON j.seq = p.journal_seq
       WHERE p.id = ?`,
  ).get(opts.paymentId) as PaymentRow | undefined;
  if (!p) throw notFound('Paiement');

  const payer = prepared(
    sqlite,
    `SELECT civility, last_name, first_name, address_line1, address_line2, postal_code, city
       FROM responsable WHERE family_id = ? ORDER BY rank LIMIT 1`,
  ).get(p.family_id) as
    | {
        civility: string;
        last_name: string;
        first_name: string;
        address_line1: string;
        address_line2: string | null;
        postal_code: string;
        city: string;
      }
    | undefined;

  let entry = JSON.parse(p.payload) as EntryPayload;
  let hash = p.hash;
  let issuedAt = p.recorded_at;
  let agentName = p.agent_name;
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
    agentName = c.agent_name;
    cancellation = { reason: c.reason, cancelledBy: c.agent_name, cancelledAt: c.cancelled_at };
  }

  return {
    kind: opts.kind,
    receiptNumber: p.receipt_number,
    duplicata: opts.duplicata,
    commune: {
      name: p.commune_name,
      addressLine: p.commune_address,
      postalCode: p.commune_postal_code,
      city: p.commune_city,
    },
    regie: {
      code: p.regie_code,
      name: p.regie_name,
      serviceAddress: p.service_address,
      servicePhone: p.service_phone,
    },
    posteCode: p.poste_code,
    agentName,
    issuedAt,
    payer: payer
      ? {
          familyCode: p.family_code,
          name: `${payer.civility} ${payer.last_name} ${payer.first_name}`.trim(),
          addressLines: [
            payer.address_line1,
            ...(payer.address_line2 ? [payer.address_line2] : []),
            `${payer.postal_code} ${payer.city}`,
          ],
        }
      : { familyCode: p.family_code, name: p.family_name, addressLines: [] },
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
