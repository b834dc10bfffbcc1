// A family's position with one régie: what is still due on its payable invoices and the credit
// (avoir) it holds. Both are sums over the ledger, never stored, so they cannot drift.
import type Database from 'better-sqlite3';
import { prepared } from '../db/prepared';

/** Credit held by a family with a régie, in cents (sum of its credit movements). */
export function creditBalance(
  sqlite: Database.Database,
  familyId: number,
  regieId: number,
): number {
  const row = prepared(
    sqlite,
    'SELECT COALESCE(SUM(amount_cents), 0) AS balance FROM credit_movement WHERE family_id = ? AND regie_id = ?',
  ).get(familyId, regieId) as { balance: number };
  return row.balance;
}

/** Credit held by a family with each régie where it has any movement: regieId -> cents. */
export function creditBalances(sqlite: Database.Database, familyId: number): Map<number, number> {
  const rows = prepared(
    sqlite,
    'SELECT regie_id, SUM(amount_cents) AS balance FROM credit_movement WHERE family_id = ? GROUP BY regie_id',
  ).all(familyId) as { regie_id: number; balance: number }[];
  return new Map(rows.map((r) => [r.regie_id, r.balance]));
}

/**
 * Still due on the family's open invoices with a régie: à payer, partiellement payée and
 * prélèvement; invoices en trésorerie are owed to the Trésor, not to the régie.
 */
export function dueBalance(sqlite: Database.Database, familyId: number, regieId: number): number {
  const row = prepared(
    sqlite,
    `SELECT COALESCE(SUM(amount_cents - paid_cents), 0) AS due FROM invoice
       WHERE family_id = ? AND regie_id = ? AND status IN ('emise', 'prelevement') AND paid_cents < amount_cents`,
  ).get(familyId, regieId) as { due: number };
  return row.due;
}
