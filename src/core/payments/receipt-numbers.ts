// Receipt numbers: R-<REGIE>-<POSTE>-<YYYY>-<NNNNNN>, gapless per régie, per poste and per Paris
// calendar year. Several counters work offline, so each poste has its own sequence. The next
// number is drawn inside the payment's write transaction from the payments themselves (the
// UNIQUE index on regie, poste, year, seq makes the lookup instant and forbids a double): a
// rolled-back payment leaves no row, so it uses no number, and there is no separate counter
// that could drift from the ledger.
import type Database from 'better-sqlite3';
import { prepared } from '../db/prepared';

export function formatReceiptNumber(
  regieCode: string,
  posteCode: string,
  year: number,
  seq: number,
): string {
  return `R-${regieCode}-${posteCode}-${year}-${String(seq).padStart(6, '0')}`;
}

export function nextReceiptSeq(
  sqlite: Database.Database,
  regieId: number,
  posteCode: string,
  year: number,
): number {
  const row = prepared(
    sqlite,
    'SELECT COALESCE(MAX(receipt_seq), 0) + 1 AS seq FROM payment WHERE regie_id = ? AND poste_code = ? AND receipt_year = ?',
  ).get(regieId, posteCode, year) as { seq: number };
  return row.seq;
}
