// A family's position with one régie: what is still due on its payable invoices and the credit
// (avoir) it holds. Both are sums over the ledger (and, for the credit, the portal's account for
// what other postes did), never stored, so they cannot drift.
import type Database from 'better-sqlite3';
import { prepared } from '../db/prepared';

/**
 * The register's own credit movements, except an avoir decided here on an online trop-perçu
 * that the portal refused (another poste had decided first): that decision stays "à traiter"
 * and gives the family nothing, while the first poste's avoir reaches this register through the
 * portal's account below. Counted whether or not the portal has acknowledged them yet.
 */
const OWN_MOVEMENTS = `FROM credit_movement m
  WHERE m.family_id = ? AND (m.online_overpayment_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM sync_rejected r
     WHERE r.kind = 'overpayment_resolution' AND r.entity_id = m.online_overpayment_id))`;

interface AccountMirror {
  regie_code: string;
  data: string;
}

/**
 * What the portal counts for the family's credit with each régie beyond this poste's own part
 * (regie code -> cents): the account's creditCents minus creditByPoste[this poste], exactly as
 * invoices combine countersPaidByPoste with the own ledger, so that an operation of this poste
 * is counted once whether or not its acknowledgement has arrived. Nothing while the poste is not
 * enrolled, or when the portal does not split the credit by poste.
 */
function creditElsewhere(sqlite: Database.Database, familyId: number): Map<string, number> {
  const out = new Map<string, number>();
  const state = prepared(sqlite, 'SELECT poste_code FROM sync_state WHERE id = 1').get() as
    { poste_code: string } | undefined;
  if (!state) return out;
  const rows = prepared(
    sqlite,
    `SELECT substr(s.key, length(f.code) + 2) AS regie_code, s.data
       FROM family f JOIN sync_mirror s ON s.entity = 'account'
        AND substr(s.key, 1, length(f.code) + 1) = f.code || '/'
      WHERE f.id = ? AND s.data IS NOT NULL`,
  ).all(familyId) as AccountMirror[];
  for (const r of rows) {
    const d = JSON.parse(r.data) as { creditCents?: unknown; creditByPoste?: unknown };
    if (
      typeof d.creditCents !== 'number' ||
      !d.creditByPoste ||
      typeof d.creditByPoste !== 'object'
    )
      continue;
    const own = (d.creditByPoste as Record<string, unknown>)[state.poste_code];
    out.set(r.regie_code, d.creditCents - (typeof own === 'number' ? own : 0));
  }
  return out;
}

/**
 * Credit of a family with a régie in this register's own ledger: what a credit use here may
 * spend. The ledger of a poste never goes below zero (journal.verify checks it), so credit
 * created on another poste is shown here but spent there.
 */
export function ownCreditBalance(
  sqlite: Database.Database,
  familyId: number,
  regieId: number,
): number {
  const own = prepared(
    sqlite,
    `SELECT COALESCE(SUM(m.amount_cents), 0) AS balance ${OWN_MOVEMENTS} AND m.regie_id = ?`,
  ).get(familyId, regieId) as { balance: number };
  return own.balance;
}

/** Credit held by a family with a régie, in cents: own ledger plus the other postes' part. */
export function creditBalance(
  sqlite: Database.Database,
  familyId: number,
  regieId: number,
): number {
  const code = prepared(sqlite, 'SELECT code FROM regie WHERE id = ?').get(regieId) as
    { code: string } | undefined;
  return (
    ownCreditBalance(sqlite, familyId, regieId) +
    (code ? (creditElsewhere(sqlite, familyId).get(code.code) ?? 0) : 0)
  );
}

/** Credit held by a family with each régie where it has any: regieId -> cents. */
export function creditBalances(sqlite: Database.Database, familyId: number): Map<number, number> {
  const rows = prepared(
    sqlite,
    `SELECT m.regie_id, SUM(m.amount_cents) AS balance ${OWN_MOVEMENTS} GROUP BY m.regie_id`,
  ).all(familyId) as { regie_id: number; balance: number }[];
  const out = new Map(rows.map((r) => [r.regie_id, r.balance]));
  for (const [code, cents] of creditElsewhere(sqlite, familyId)) {
    if (cents === 0) continue;
    const regie = prepared(sqlite, 'SELECT id FROM regie WHERE code = ?').get(code) as
      { id: number } | undefined;
    if (regie) out.set(regie.id, (out.get(regie.id) ?? 0) + cents);
  }
  return out;
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
