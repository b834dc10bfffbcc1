// What the Rapprochement screen reads: imported statements with their counts, a statement's
// lines with their match state (and, when not matched, what they could be), every credit still
// unmatched, and the credits expected but absent N working days after their date.
import type Database from 'better-sqlite3';
import type {
  BankLineView,
  BankMatchView,
  BankMissingResult,
  BankStatementDetail,
  BankStatementSummary,
  BankTargetKind,
  StatementFormatName,
} from '../../shared/contract';
import { notFound } from '../errors';
import { getSetting } from '../settings';
import {
  liveMatchedTargets,
  loadExpectations,
  targetKey,
  targetView,
  type ExpectedTarget,
} from './expected';
import { lineText } from './import';
import { candidateIndex, candidatesFor } from './matching';
import { addWorkingDays, workingDaysBetween } from './working-days';

export const DEFAULT_MISSING_WORKING_DAYS = 5;
export const MISSING_DAYS_SETTING = 'bank_missing_working_days';

const LIVE = 'NOT EXISTS (SELECT 1 FROM bank_unmatch u WHERE u.group_key = m.group_key)';

interface SummaryRow {
  id: number;
  import_id: number;
  file_name: string;
  format: StatementFormatName;
  account: string;
  regie_code: string | null;
  opening_date: string;
  opening_cents: number;
  closing_date: string;
  closing_cents: number;
  line_count: number;
  matched_count: number;
  unmatched_count: number;
  imported_at: string;
}

const SUMMARY_SQL = `
  SELECT s.id, s.import_id, i.file_name, i.format, s.account, r.code AS regie_code, s.opening_date,
         s.opening_cents, s.closing_date, s.closing_cents, i.imported_at,
         (SELECT count(*) FROM bank_line l WHERE l.statement_id = s.id) AS line_count,
         (SELECT count(DISTINCT m.line_id) FROM bank_match m JOIN bank_line l ON l.id = m.line_id
            WHERE l.statement_id = s.id AND ${LIVE}) AS matched_count,
         (SELECT count(*) FROM bank_line l WHERE l.statement_id = s.id AND l.amount_cents > 0
            AND NOT EXISTS (SELECT 1 FROM bank_match m WHERE m.line_id = l.id AND ${LIVE})) AS unmatched_count
  FROM bank_statement s JOIN bank_import i ON i.id = s.import_id LEFT JOIN regie r ON r.id = s.regie_id`;

function summary(r: SummaryRow): BankStatementSummary {
  return {
    statementId: r.id,
    importId: r.import_id,
    fileName: r.file_name,
    format: r.format,
    account: r.account,
    regieCode: r.regie_code,
    openingDate: r.opening_date,
    openingCents: r.opening_cents,
    closingDate: r.closing_date,
    closingCents: r.closing_cents,
    lineCount: r.line_count,
    matchedCount: r.matched_count,
    unmatchedCount: r.unmatched_count,
    importedAt: r.imported_at,
  };
}

export function listStatements(
  sqlite: Database.Database,
  importId?: number,
): BankStatementSummary[] {
  const rows = (
    importId === undefined
      ? sqlite.prepare(`${SUMMARY_SQL} ORDER BY s.closing_date DESC, s.id DESC`).all()
      : sqlite.prepare(`${SUMMARY_SQL} WHERE s.import_id = ? ORDER BY s.rank`).all(importId)
  ) as SummaryRow[];
  return rows.map(summary);
}

interface LineRow {
  id: number;
  statement_id: number;
  account: string;
  regie_id: number | null;
  source_line: number;
  booking_date: string;
  value_date: string | null;
  amount_cents: number;
  label: string;
  reference: string | null;
  complements: string;
}

const LINE_SQL = `
  SELECT l.id, l.statement_id, s.account, s.regie_id, l.source_line, l.booking_date, l.value_date,
         l.amount_cents, l.label, l.reference, l.complements
  FROM bank_line l JOIN bank_statement s ON s.id = l.statement_id`;

/** Everything a target view needs, for targets matched or expected, by kind|key. */
function targetCatalogue(sqlite: Database.Database) {
  const expectations = loadExpectations(sqlite);
  const all = new Map<string, ExpectedTarget>();
  for (const e of expectations) for (const t of e.targets) all.set(targetKey(t), t);
  const live = liveMatchedTargets(sqlite);
  const free = expectations.filter((e) => !e.targets.some((t) => live.has(targetKey(t))));
  return { all, index: candidateIndex(free), free };
}

function matchOf(
  sqlite: Database.Database,
  lineId: number,
  catalogue: ReturnType<typeof targetCatalogue>,
): BankMatchView | null {
  const rows = sqlite
    .prepare(
      `SELECT m.target_kind, m.target_key, m.amount_cents, m.group_key, m.origin, m.created_at,
              a.display_name AS agent_name
       FROM bank_match m LEFT JOIN agent a ON a.id = m.agent_id
       WHERE m.line_id = ? AND ${LIVE} ORDER BY m.id`,
    )
    .all(lineId) as {
    target_kind: BankTargetKind;
    target_key: string;
    amount_cents: number;
    group_key: string;
    origin: 'auto' | 'manuel';
    created_at: string;
    agent_name: string | null;
  }[];
  const first = rows[0];
  if (!first) return null;
  return {
    groupKey: first.group_key,
    origin: first.origin,
    matchedAt: first.created_at,
    agentName: first.agent_name,
    targets: rows.map((r) => {
      const known = catalogue.all.get(`${r.target_kind}|${r.target_key}`);
      return known
        ? targetView(known)
        : {
            kind: r.target_kind,
            key: r.target_key,
            label: `${r.target_kind} ${r.target_key}`,
            date: first.created_at.slice(0, 10),
            amountCents: r.amount_cents,
            regieCode: null,
          };
    }),
  };
}

function lineView(
  sqlite: Database.Database,
  r: LineRow,
  catalogue: ReturnType<typeof targetCatalogue>,
): BankLineView {
  const match = matchOf(sqlite, r.id, catalogue);
  const candidates =
    match || r.amount_cents <= 0
      ? []
      : candidatesFor(
          {
            id: r.id,
            bookingDate: r.booking_date,
            amountCents: r.amount_cents,
            text: lineText(r),
            regieId: r.regie_id,
          },
          catalogue.index,
        ).map((e) => ({
          description: e.description,
          amountCents: e.amountCents,
          targets: e.targets.map(targetView),
        }));
  return {
    lineId: r.id,
    statementId: r.statement_id,
    account: r.account,
    sourceLine: r.source_line,
    bookingDate: r.booking_date,
    valueDate: r.value_date,
    amountCents: r.amount_cents,
    label: r.label,
    reference: r.reference,
    complements: JSON.parse(r.complements) as BankLineView['complements'],
    state: match ? 'rapprochee' : r.amount_cents > 0 ? 'non_rapprochee' : 'debit',
    match,
    candidates,
  };
}

export function getLine(sqlite: Database.Database, lineId: number): BankLineView {
  const row = sqlite.prepare(`${LINE_SQL} WHERE l.id = ?`).get(lineId) as LineRow | undefined;
  if (!row) throw notFound('Ligne de relevé');
  return lineView(sqlite, row, targetCatalogue(sqlite));
}

export function getStatement(
  sqlite: Database.Database,
  statementId: number,
  onlyUnmatched: boolean,
): BankStatementDetail {
  const row = sqlite.prepare(`${SUMMARY_SQL} WHERE s.id = ?`).get(statementId) as
    SummaryRow | undefined;
  if (!row) throw notFound('Relevé');
  const catalogue = targetCatalogue(sqlite);
  const lines = (
    sqlite
      .prepare(`${LINE_SQL} WHERE l.statement_id = ? ORDER BY l.id`)
      .all(statementId) as LineRow[]
  )
    .map((r) => lineView(sqlite, r, catalogue))
    .filter((l) => !onlyUnmatched || l.state !== 'rapprochee');
  return { ...summary(row), lines };
}

export function unmatchedLines(sqlite: Database.Database): BankLineView[] {
  const catalogue = targetCatalogue(sqlite);
  const rows = sqlite
    .prepare(
      `${LINE_SQL} WHERE l.amount_cents > 0
         AND NOT EXISTS (SELECT 1 FROM bank_match m WHERE m.line_id = l.id AND ${LIVE})
       ORDER BY l.booking_date, l.id LIMIT 1000`,
    )
    .all() as LineRow[];
  return rows.map((r) => lineView(sqlite, r, catalogue));
}

export function missingWorkingDays(sqlite: Database.Database): number {
  const raw = Number(getSetting(sqlite, MISSING_DAYS_SETTING));
  return Number.isInteger(raw) && raw >= 1 && raw <= 60 ? raw : DEFAULT_MISSING_WORKING_DAYS;
}

/**
 * Expected credits absent from every statement: not matched, and dated at least N working days
 * before the last day the régie's statements cover (or `asOf`, if earlier). Items dated before
 * the first imported statement are not expected: no statement could show them.
 */
export function missingCredits(
  sqlite: Database.Database,
  opts: { asOf: string; workingDays?: number | undefined },
): BankMissingResult {
  const workingDays = opts.workingDays ?? missingWorkingDays(sqlite);
  const coverage = sqlite
    .prepare(
      `SELECT regie_id, min(opening_date) AS first, max(closing_date) AS last FROM bank_statement GROUP BY regie_id`,
    )
    .all() as { regie_id: number | null; first: string; last: string }[];
  const byRegie = new Map(coverage.map((c) => [c.regie_id, c]));
  const anyRegie = coverage.reduce<{ first: string; last: string } | null>(
    (acc, c) =>
      acc
        ? {
            first: c.first < acc.first ? c.first : acc.first,
            last: c.last > acc.last ? c.last : acc.last,
          }
        : { first: c.first, last: c.last },
    null,
  );
  const { free } = targetCatalogue(sqlite);
  const items: BankMissingResult['items'] = [];
  for (const e of free) {
    // A statement of an account no régie claims may hold any régie's credits.
    const cover =
      (e.regieId !== null ? byRegie.get(e.regieId) : undefined) ?? byRegie.get(null) ?? anyRegie;
    if (!cover || e.date < cover.first) continue;
    const expectedBy = addWorkingDays(e.date, workingDays);
    const seenUpTo = cover.last < opts.asOf ? cover.last : opts.asOf;
    if (expectedBy >= seenUpTo) continue;
    for (const t of e.targets) {
      items.push({
        target: targetView(t),
        expectedBy,
        workingDaysLate: workingDaysBetween(expectedBy, seenUpTo),
      });
    }
  }
  items.sort((a, b) =>
    a.target.date < b.target.date ? -1 : a.target.date > b.target.date ? 1 : 0,
  );
  return {
    asOf: opts.asOf,
    workingDays,
    coveredFrom: anyRegie?.first ?? null,
    items,
  };
}
