// Small pieces shared by the commands that write to the ledger.
import type Database from 'better-sqlite3';
import { journalTip } from '../journal/chain';
import { prepared } from '../db/prepared';
import { insertCommand } from './commands';

export interface GrandTotals {
  collectedCents: number;
  cancelledCents: number;
  netCents: number;
}

/**
 * A régie's perpetual grand totals as carried by its last payment or cancellation entry. Each
 * new entry carries the updated totals, so they are part of the hash chain and journal.verify
 * recomputes them from the amounts.
 */
export function lastGrandTotals(sqlite: Database.Database, regieId: number): GrandTotals {
  const row = prepared(
    sqlite,
    `SELECT payload FROM journal_entry WHERE regie_id = ? AND kind IN ('paiement', 'annulation')
       ORDER BY seq DESC LIMIT 1`,
  ).get(regieId) as { payload: string } | undefined;
  if (!row) return { collectedCents: 0, cancelledCents: 0, netCents: 0 };
  const totals = (JSON.parse(row.payload) as { totals: GrandTotals }).totals;
  return {
    collectedCents: totals.collectedCents,
    cancelledCents: totals.cancelledCents,
    netCents: totals.netCents,
  };
}

/** The id the next row of a ledger table will get, chosen so the journal entry can name it. */
export function nextId(
  sqlite: Database.Database,
  table: 'payment' | 'credit_use' | 'cancellation',
): number {
  return (
    prepared(sqlite, `SELECT COALESCE(MAX(id), 0) + 1 AS id FROM ${table}`).get() as { id: number }
  ).id;
}

/** The seq the next operations-journal entry will get (the caller is inside its transaction). */
export function nextJournalSeq(sqlite: Database.Database): number {
  return journalTip(sqlite, 'operations').lastSeq + 1;
}

export function insertAllocation(
  sqlite: Database.Database,
  a: {
    invoiceId: number;
    amountCents: number;
    paymentId?: number;
    creditUseId?: number;
    cancellationId?: number;
  },
): void {
  prepared(
    sqlite,
    'INSERT INTO allocation (invoice_id, payment_id, credit_use_id, cancellation_id, amount_cents) VALUES (?, ?, ?, ?, ?)',
  ).run(
    a.invoiceId,
    a.paymentId ?? null,
    a.creditUseId ?? null,
    a.cancellationId ?? null,
    a.amountCents,
  );
}

export function insertCreditMovement(
  sqlite: Database.Database,
  m: {
    familyId: number;
    regieId: number;
    amountCents: number;
    at: string;
    paymentId?: number;
    creditUseId?: number;
    cancellationId?: number;
  },
): void {
  prepared(
    sqlite,
    `INSERT INTO credit_movement (family_id, regie_id, amount_cents, payment_id, credit_use_id, cancellation_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.familyId,
    m.regieId,
    m.amountCents,
    m.paymentId ?? null,
    m.creditUseId ?? null,
    m.cancellationId ?? null,
    m.at,
  );
}

export function remainingOf(sqlite: Database.Database, invoiceId: number): number {
  return (
    prepared(sqlite, 'SELECT amount_cents - paid_cents AS r FROM invoice WHERE id = ?').get(
      invoiceId,
    ) as {
      r: number;
    }
  ).r;
}

/**
 * Opens a cancellation of a payment or of a credit use: records the command (idempotency) and
 * the cancellation row that the journal entry written next will name. Returns the ids and the
 * instant the caller's counter-entries and journal entry use.
 */
export function insertCancellation(
  sqlite: Database.Database,
  c: {
    target: { paymentId: number } | { creditUseId: number };
    commandId: string;
    handler: string;
    hash: string;
    reason: string;
    agentId: number;
    posteCode: string;
    now: Date;
  },
): { cancellationId: number; journalSeq: number; at: string } {
  const at = c.now.toISOString();
  const cancellationId = nextId(sqlite, 'cancellation');
  const journalSeq = nextJournalSeq(sqlite);
  insertCommand(sqlite, {
    commandId: c.commandId,
    handler: c.handler,
    hash: c.hash,
    agentId: c.agentId,
    at,
  });
  prepared(
    sqlite,
    `INSERT INTO cancellation (id, command_id, payment_id, credit_use_id, reason, agent_id, poste_code, cancelled_at, journal_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    cancellationId,
    c.commandId,
    'paymentId' in c.target ? c.target.paymentId : null,
    'creditUseId' in c.target ? c.target.creditUseId : null,
    c.reason,
    c.agentId,
    c.posteCode,
    at,
    journalSeq,
  );
  return { cancellationId, journalSeq, at };
}
