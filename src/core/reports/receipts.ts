// The journal of receipts of a period and the period's sums, read from the ledger.
//
// Which rows belong to a period is found through the operations journal: every payment and
// every cancellation is written with a journal entry whose instant is the row's own instant
// (journal.verify checks it column by column), and journal_entry.instant is indexed while
// payment.recorded_at and cancellation.cancelled_at are not. The range is read on that index and
// each entry leads to its row by the unique journal_seq index, so a month of a large ledger costs
// the month's rows, not the whole table. The row's own instant is tested too, so a row whose
// journal instant ever disagreed would be left out rather than put in the wrong period.
// `+j.kind` keeps SQLite from preferring the (kind, seq) index, which would walk every payment
// ever recorded.
import type Database from 'better-sqlite3';
import type {
  EarlierReceiptCancellation,
  ReceiptJournalRow,
  ReceiptSequence,
} from '../../shared/contract/reports';
import type { PaymentMode } from '../../shared/payment-modes';
import { prepared } from '../db/prepared';
import type { PeriodBounds } from './period';

export interface PeriodFilter {
  start: string;
  end: string;
  regieId: number | null;
}

export function periodFilter(bounds: PeriodBounds, regieId: number | null): PeriodFilter {
  return { start: bounds.start, end: bounds.end, regieId };
}

/** FROM … WHERE of the period's payments (alias p), with more joins if given. */
const periodPayments = (
  joins = '',
) => `journal_entry j JOIN payment p ON p.journal_seq = j.seq ${joins}
  WHERE j.instant >= @start AND j.instant < @end AND +j.kind = 'paiement'
    AND p.recorded_at >= @start AND p.recorded_at < @end
    AND (@regieId IS NULL OR p.regie_id = @regieId)`;

/** FROM … WHERE of the cancellations dated in the period (alias c, payment p). */
const periodCancellations = (
  joins = '',
) => `journal_entry j JOIN cancellation c ON c.journal_seq = j.seq
  JOIN payment p ON p.id = c.payment_id ${joins}
  WHERE j.instant >= @start AND j.instant < @end AND +j.kind = 'annulation'
    AND c.cancelled_at >= @start AND c.cancelled_at < @end
    AND (@regieId IS NULL OR p.regie_id = @regieId)`;

/** The SQL of the journal's rows, exported for the query-plan test. */
export const RECEIPT_ROWS_SQL = `SELECT p.id, p.receipt_number, p.recorded_at, r.code AS regie_code, p.poste_code,
       f.code AS family_code, f.family_name, p.mode, p.amount_cents, p.credit_created_cents,
       a.display_name AS agent,
       (SELECT group_concat(number, char(10)) FROM
          (SELECT i.number FROM allocation al JOIN invoice i ON i.id = al.invoice_id
            WHERE al.payment_id = p.id ORDER BY al.id)) AS invoices,
       c.cancelled_at, c.reason AS cancel_reason, ca.display_name AS cancel_agent
  FROM ${periodPayments(`JOIN regie r ON r.id = p.regie_id
  JOIN family f ON f.id = p.family_id
  JOIN agent a ON a.id = p.agent_id
  LEFT JOIN cancellation c ON c.payment_id = p.id
  LEFT JOIN agent ca ON ca.id = c.agent_id`)}
  ORDER BY r.code, p.poste_code, p.receipt_year, p.receipt_seq`;

interface ReceiptSqlRow {
  id: number;
  receipt_number: string;
  recorded_at: string;
  regie_code: string;
  poste_code: string;
  family_code: string;
  family_name: string;
  mode: PaymentMode;
  amount_cents: number;
  credit_created_cents: number;
  agent: string;
  invoices: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  cancel_agent: string | null;
}

function toRow(r: ReceiptSqlRow, f: PeriodFilter): ReceiptJournalRow {
  return {
    paymentId: r.id,
    receiptNumber: r.receipt_number,
    recordedAt: r.recorded_at,
    regieCode: r.regie_code,
    posteCode: r.poste_code,
    familyCode: r.family_code,
    familyName: r.family_name,
    mode: r.mode,
    amountCents: r.amount_cents,
    creditCents: r.credit_created_cents,
    agent: r.agent,
    invoices: r.invoices ? r.invoices.split('\n') : [],
    cancelled:
      r.cancelled_at === null
        ? null
        : {
            at: r.cancelled_at,
            reason: r.cancel_reason ?? '',
            agent: r.cancel_agent ?? '',
            inPeriod: r.cancelled_at >= f.start && r.cancelled_at < f.end,
          },
  };
}

/**
 * The period's receipts in receipt-number order (régie, poste, year, sequence): the order in
 * which the comptable checks that no number is missing, and, within one counter's sequence,
 * also the order in which they were issued.
 */
export function receiptRows(
  sqlite: Database.Database,
  f: PeriodFilter,
  limit: number | null,
): ReceiptJournalRow[] {
  const sql = limit === null ? RECEIPT_ROWS_SQL : `${RECEIPT_ROWS_SQL} LIMIT @limit`;
  const params = limit === null ? f : { ...f, limit };
  return (prepared(sqlite, sql).all(params) as ReceiptSqlRow[]).map((r) => toRow(r, f));
}

export interface ModeSums {
  regieId: number;
  mode: PaymentMode;
  paymentCount: number;
  collectedCents: number;
  cancellationCount: number;
  cancelledCents: number;
}

/** Payments of the period and cancellations dated in it, per régie and mode. */
export function periodSums(sqlite: Database.Database, f: PeriodFilter): ModeSums[] {
  const paid = prepared(
    sqlite,
    `SELECT p.regie_id, p.mode, count(*) AS n, SUM(p.amount_cents) AS total
       FROM ${periodPayments()} GROUP BY p.regie_id, p.mode`,
  ).all(f) as { regie_id: number; mode: PaymentMode; n: number; total: number }[];
  const cancelled = prepared(
    sqlite,
    `SELECT p.regie_id, p.mode, count(*) AS n, SUM(p.amount_cents) AS total
       FROM ${periodCancellations()} GROUP BY p.regie_id, p.mode`,
  ).all(f) as { regie_id: number; mode: PaymentMode; n: number; total: number }[];
  const sums = new Map<string, ModeSums>();
  const at = (regieId: number, mode: PaymentMode) => {
    const key = `${regieId}/${mode}`;
    let s = sums.get(key);
    if (!s) {
      s = {
        regieId,
        mode,
        paymentCount: 0,
        collectedCents: 0,
        cancellationCount: 0,
        cancelledCents: 0,
      };
      sums.set(key, s);
    }
    return s;
  };
  for (const p of paid) {
    const s = at(p.regie_id, p.mode);
    s.paymentCount = p.n;
    s.collectedCents = p.total;
  }
  for (const c of cancelled) {
    const s = at(c.regie_id, c.mode);
    s.cancellationCount = c.n;
    s.cancelledCents = c.total;
  }
  return [...sums.values()];
}

/** Cancellations dated in the period of receipts issued before it. */
export function earlierCancellations(
  sqlite: Database.Database,
  f: PeriodFilter,
): EarlierReceiptCancellation[] {
  const rows = prepared(
    sqlite,
    `SELECT p.receipt_number, p.recorded_at, r.code AS regie_code, fa.family_name, p.mode, p.amount_cents,
            c.cancelled_at, c.reason, a.display_name AS agent
       FROM ${periodCancellations(
         `JOIN regie r ON r.id = p.regie_id JOIN family fa ON fa.id = p.family_id
          JOIN agent a ON a.id = c.agent_id`,
       )} AND p.recorded_at < @start
       ORDER BY c.cancelled_at, c.id`,
  ).all(f) as {
    receipt_number: string;
    recorded_at: string;
    regie_code: string;
    family_name: string;
    mode: PaymentMode;
    amount_cents: number;
    cancelled_at: string;
    reason: string;
    agent: string;
  }[];
  return rows.map((r) => ({
    receiptNumber: r.receipt_number,
    recordedAt: r.recorded_at,
    regieCode: r.regie_code,
    familyName: r.family_name,
    mode: r.mode,
    amountCents: r.amount_cents,
    cancelledAt: r.cancelled_at,
    reason: r.reason,
    agent: r.agent,
  }));
}

/**
 * First and last receipt of each sequence (régie, poste, year) in the period, and how many
 * numbers in between the period does not hold: zero unless a clock was set back.
 */
export function receiptSequences(sqlite: Database.Database, f: PeriodFilter): ReceiptSequence[] {
  const rows = prepared(
    sqlite,
    `SELECT r.code AS regie_code, p.poste_code, p.receipt_year, count(*) AS n,
            MIN(p.receipt_seq) AS lo, MAX(p.receipt_seq) AS hi
       FROM ${periodPayments('JOIN regie r ON r.id = p.regie_id')}
       GROUP BY r.code, p.poste_code, p.receipt_year
       ORDER BY r.code, p.poste_code, p.receipt_year`,
  ).all(f) as {
    regie_code: string;
    poste_code: string;
    receipt_year: number;
    n: number;
    lo: number;
    hi: number;
  }[];
  const numberOf = prepared(
    sqlite,
    `SELECT p.receipt_number FROM payment p JOIN regie r ON r.id = p.regie_id
      WHERE r.code = ? AND p.poste_code = ? AND p.receipt_year = ? AND p.receipt_seq = ?`,
  );
  const number = (r: (typeof rows)[number], seq: number) =>
    (
      numberOf.get(r.regie_code, r.poste_code, r.receipt_year, seq) as
        { receipt_number: string } | undefined
    )?.receipt_number ?? '';
  return rows.map((r) => ({
    regieCode: r.regie_code,
    posteCode: r.poste_code,
    year: r.receipt_year,
    first: number(r, r.lo),
    last: number(r, r.hi),
    count: r.n,
    missing: r.hi - r.lo + 1 - r.n,
  }));
}
