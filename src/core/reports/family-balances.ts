// Every family's position with each régie, and the credits (avoirs) still held: the same two
// sums as the family page (payments/balances.ts), computed for all accounts at once with one
// grouped query each rather than two queries per account.
import type Database from 'better-sqlite3';
import type {
  BalanceRow,
  BalancesReport,
  CreditRow,
  CreditsReport,
} from '../../shared/contract/reports';
import { prepared } from '../db/prepared';
import { regieLabels } from './totals';

// What is due is the rule of dueBalance(): invoices à payer, partiellement payées or en
// prélèvement (status emise or prelevement, not fully paid); an invoice en trésorerie is owed
// to the Trésor, not to the régie.
const ACCOUNTS = (withEveryAccount: boolean) => `
  WITH due AS (
    SELECT family_id, regie_id, SUM(amount_cents - paid_cents) AS due FROM invoice
     WHERE status IN ('emise', 'prelevement') AND paid_cents < amount_cents
       AND (@regieId IS NULL OR regie_id = @regieId)
     GROUP BY family_id, regie_id),
  credit AS (
    SELECT family_id, regie_id, SUM(amount_cents) AS credit, MAX(created_at) AS since
      FROM credit_movement WHERE (@regieId IS NULL OR regie_id = @regieId)
     GROUP BY family_id, regie_id),
  accounts AS (
    SELECT family_id, regie_id FROM due WHERE due <> 0
    UNION SELECT family_id, regie_id FROM credit WHERE credit <> 0
    ${withEveryAccount ? 'UNION SELECT family_id, regie_id FROM family_account WHERE (@regieId IS NULL OR regie_id = @regieId)' : ''}),
  lines AS (
    SELECT f.code AS family_code, f.family_name, r.code AS regie_code,
           COALESCE(d.due, 0) AS due, COALESCE(c.credit, 0) AS credit, c.since
      FROM accounts k JOIN family f ON f.id = k.family_id JOIN regie r ON r.id = k.regie_id
      LEFT JOIN due d ON d.family_id = k.family_id AND d.regie_id = k.regie_id
      LEFT JOIN credit c ON c.family_id = k.family_id AND c.regie_id = k.regie_id)`;

interface LineSql {
  family_code: string;
  family_name: string;
  regie_code: string;
  due: number;
  credit: number;
  since: string | null;
}

// French alphabetical order, as the comptable reads a list of names: accents and case do not
// move a name (Émery sorts with the E, not after Z as SQLite's byte order would put it).
const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });
const byName = (a: LineSql, b: LineSql) =>
  collator.compare(a.family_name, b.family_name) ||
  collator.compare(a.family_code, b.family_code) ||
  collator.compare(a.regie_code, b.regie_code);

/** The lines of `source` (a CTE of `cte`) in family-name order, all of them or the first `limit`. */
function readLines(
  sqlite: Database.Database,
  cte: string,
  source: string,
  regieId: number | null,
  limit: number | null,
): LineSql[] {
  const lines = (
    prepared(sqlite, `${cte} SELECT * FROM ${source}`).all({ regieId }) as LineSql[]
  ).sort(byName);
  return limit === null ? lines : lines.slice(0, limit);
}

export function balancesReport(
  sqlite: Database.Database,
  opts: { regieId: number | null; nonZeroOnly: boolean; limit: number | null; at: string },
): BalancesReport {
  const cte = ACCOUNTS(!opts.nonZeroOnly);
  const sums = prepared(
    sqlite,
    `${cte} SELECT count(*) AS n, COALESCE(SUM(due), 0) AS due, COALESCE(SUM(credit), 0) AS credit FROM lines`,
  ).get({ regieId: opts.regieId }) as { n: number; due: number; credit: number };
  const rows = readLines(sqlite, cte, 'lines', opts.regieId, opts.limit).map((l): BalanceRow => ({
    familyCode: l.family_code,
    familyName: l.family_name,
    regieCode: l.regie_code,
    dueCents: l.due,
    creditCents: l.credit,
    balanceCents: l.due - l.credit,
  }));
  return {
    at: opts.at,
    regieId: opts.regieId,
    nonZeroOnly: opts.nonZeroOnly,
    rows,
    truncated: rows.length < sums.n,
    totalRows: sums.n,
    dueCents: sums.due,
    creditCents: sums.credit,
    balanceCents: sums.due - sums.credit,
    regies: regieLabels(sqlite),
  };
}

export function creditsReport(
  sqlite: Database.Database,
  opts: { regieId: number | null; limit: number | null; at: string },
): CreditsReport {
  const cte = `${ACCOUNTS(false)}, held AS (SELECT * FROM lines WHERE credit <> 0)`;
  const sums = prepared(
    sqlite,
    `${cte} SELECT count(*) AS n, COALESCE(SUM(credit), 0) AS credit FROM held`,
  ).get({ regieId: opts.regieId }) as { n: number; credit: number };
  const rows = readLines(sqlite, cte, 'held', opts.regieId, opts.limit).map((l): CreditRow => ({
    familyCode: l.family_code,
    familyName: l.family_name,
    regieCode: l.regie_code,
    creditCents: l.credit,
    since: l.since ?? '',
  }));
  return {
    at: opts.at,
    regieId: opts.regieId,
    rows,
    truncated: rows.length < sums.n,
    totalRows: sums.n,
    totalCents: sums.credit,
    regies: regieLabels(sqlite),
  };
}
