// Importing a statement file: parsed whole first (a malformed or unbalanced file is refused
// before anything is written), then its statements and lines written in one transaction with
// the journal entry, and every credit not matched yet reconciled automatically. The same file
// (same bytes) or the same statement (same account, dates and balances, from a re-export) is
// refused: importing it twice would confirm every credit twice.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { formatDate } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { nextJournalSeq } from '../payments/ledger';
import { liveMatchedTargets, loadExpectations, targetKey } from './expected';
import { matchLines, type MatchLine } from './matching';
import { parseStatementFile } from './read-file';
import {
  searchableText,
  type Statement,
  type StatementComplement,
  type StatementFile,
} from './statement-model';

export const IMPORT_HANDLER = 'bank.import';

export interface ImportInput {
  commandId: string;
  fileName: string;
  bytes: Uint8Array;
  agentId: number;
  posteCode: string;
  now: Date;
}

const normAccount = (a: string) => a.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

/**
 * The régie whose DFT account a statement is: same IBAN, or the 11-character account number
 * inside a French IBAN (FRkk BBBBB GGGGG CCCCCCCCCCC KK), which is what CFONB files carry.
 */
export function regieForAccount(
  regies: { id: number; dftAccount: string | null }[],
  account: string,
): number | null {
  const a = normAccount(account);
  const found = regies.filter((r) => {
    if (!r.dftAccount) return false;
    const d = normAccount(r.dftAccount);
    if (d === a) return true;
    return d.startsWith('FR') && d.length === 27 && d.slice(14, 25) === a;
  });
  return found.length === 1 ? found[0]!.id : null;
}

function regieAccounts(sqlite: Database.Database) {
  return (
    sqlite.prepare('SELECT id, dft_account FROM regie').all() as {
      id: number;
      dft_account: string | null;
    }[]
  ).map((r) => ({ id: r.id, dftAccount: r.dft_account }));
}

export function importStatementFile(
  sqlite: Database.Database,
  input: ImportInput,
): { importId: number; replayed: boolean; matched: number } {
  const fileSha256 = createHash('sha256').update(input.bytes).digest('hex');
  const hash = requestHash({ fileName: input.fileName, fileSha256 });
  // A replay of the same command answers before the file is even read.
  const first = sqlite
    .transaction(() =>
      alreadyExecuted(sqlite, input.commandId, IMPORT_HANDLER, hash)
        ? (sqlite
            .prepare('SELECT id FROM bank_import WHERE command_id = ?')
            .get(input.commandId) as { id: number } | undefined)
        : undefined,
    )
    .immediate();
  if (first) return { importId: first.id, replayed: true, matched: 0 };

  let parsed: StatementFile;
  try {
    parsed = parseStatementFile(input.bytes);
  } catch (e) {
    if (e instanceof DomainError) {
      throw new DomainError(
        e.code,
        `Le fichier « ${input.fileName} » est refusé, rien n’a été importé. ${e.message}`,
        e.reason,
        e.details,
      );
    }
    throw e;
  }

  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, IMPORT_HANDLER, hash)) {
        const row = sqlite
          .prepare('SELECT id FROM bank_import WHERE command_id = ?')
          .get(input.commandId) as { id: number };
        return { importId: row.id, replayed: true, matched: 0 };
      }
      refuseDuplicates(sqlite, input.fileName, fileSha256, parsed.statements);
      const at = input.now.toISOString();
      const journalSeq = nextJournalSeq(sqlite);
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: IMPORT_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const lineCount = parsed.statements.reduce((n, s) => n + s.lines.length, 0);
      const importId = Number(
        sqlite
          .prepare(
            `INSERT INTO bank_import (command_id, file_name, file_sha256, format, statement_count, line_count,
               imported_at, agent_id, poste_code, journal_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.commandId,
            input.fileName,
            fileSha256,
            parsed.format,
            parsed.statements.length,
            lineCount,
            at,
            input.agentId,
            input.posteCode,
            journalSeq,
          ).lastInsertRowid,
      );
      const regies = regieAccounts(sqlite);
      const insertStatement = sqlite.prepare(
        `INSERT INTO bank_statement (import_id, rank, account, bank_code, branch_code, currency, regie_id,
           opening_date, opening_cents, closing_date, closing_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertLine = sqlite.prepare(
        `INSERT INTO bank_line (statement_id, source_line, booking_date, value_date, amount_cents, label,
           reference, entry_number, operation_code, complements) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const summaries = parsed.statements.map((s, i) => {
        const regieId = regieForAccount(regies, s.account);
        const statementId = Number(
          insertStatement.run(
            importId,
            i + 1,
            s.account,
            s.bankCode,
            s.branchCode,
            s.currency,
            regieId,
            s.openingDate,
            s.openingCents,
            s.closingDate,
            s.closingCents,
          ).lastInsertRowid,
        );
        for (const l of s.lines) {
          insertLine.run(
            statementId,
            l.sourceLine,
            l.bookingDate,
            l.valueDate,
            l.amountCents,
            l.label,
            l.reference,
            l.entryNumber,
            l.operationCode,
            JSON.stringify(l.complements),
          );
        }
        return {
          account: s.account,
          regieId,
          openingDate: s.openingDate,
          openingCents: s.openingCents,
          closingDate: s.closingDate,
          closingCents: s.closingCents,
          lines: s.lines.length,
          creditsCents: s.lines.reduce((n, l) => n + Math.max(0, l.amountCents), 0),
        };
      });
      const matched = reconcile(sqlite, { groupPrefix: `auto:${importId}`, at });
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'releve_importe',
        instant: at,
        agentId: input.agentId,
        regieId: summaries.length === 1 ? summaries[0]!.regieId : null,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          importId,
          fileName: input.fileName,
          fileSha256,
          format: parsed.format,
          statements: summaries,
          lineCount,
          matchedCount: matched,
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return { importId, replayed: false, matched };
    })
    .immediate();
}

function refuseDuplicates(
  sqlite: Database.Database,
  fileName: string,
  fileSha256: string,
  statements: Statement[],
): void {
  const same = sqlite
    .prepare('SELECT file_name, imported_at FROM bank_import WHERE file_sha256 = ?')
    .get(fileSha256) as { file_name: string; imported_at: string } | undefined;
  if (same) {
    throw new DomainError(
      'CONFLIT',
      `Le fichier « ${fileName} » a déjà été importé le ${formatDate(same.imported_at.slice(0, 10))} (sous le nom « ${same.file_name} »). Rien n’a été importé de nouveau : ses lignes sont déjà dans le rapprochement.`,
      'RELEVE_DEJA_IMPORTE',
    );
  }
  const find = sqlite.prepare(
    `SELECT i.file_name FROM bank_statement s JOIN bank_import i ON i.id = s.import_id
     WHERE s.account = ? AND s.opening_date = ? AND s.closing_date = ? AND s.opening_cents = ? AND s.closing_cents = ?`,
  );
  for (const s of statements) {
    const dup = find.get(
      s.account,
      s.openingDate,
      s.closingDate,
      s.openingCents,
      s.closingCents,
    ) as { file_name: string } | undefined;
    if (dup) {
      throw new DomainError(
        'CONFLIT',
        `Le relevé du compte ${s.account} du ${formatDate(s.openingDate)} au ${formatDate(s.closingDate)} (nouveau solde ${formatEuro(s.closingCents)}) a déjà été importé avec le fichier « ${dup.file_name} ». Rien n’a été importé : retirez ce relevé du fichier s’il en contient d’autres.`,
        'RELEVE_DEJA_IMPORTE',
      );
    }
  }
}

interface LineRow {
  id: number;
  booking_date: string;
  amount_cents: number;
  label: string;
  reference: string | null;
  complements: string;
  regie_id: number | null;
}

export function lineText(r: Pick<LineRow, 'label' | 'reference' | 'complements'>): string {
  return searchableText({
    label: r.label,
    reference: r.reference,
    complements: JSON.parse(r.complements) as StatementComplement[],
  });
}

/**
 * Matches every credit line that has no live match and was never unmatched by hand (the
 * régisseur's undoing is not redone behind his back) against every expectation not matched
 * yet. Returns the number of lines matched.
 */
export function reconcile(
  sqlite: Database.Database,
  opts: { groupPrefix: string; at: string },
): number {
  const rows = sqlite
    .prepare(
      `SELECT l.id, l.booking_date, l.amount_cents, l.label, l.reference, l.complements, s.regie_id
       FROM bank_line l JOIN bank_statement s ON s.id = l.statement_id
       WHERE l.amount_cents > 0
         AND NOT EXISTS (SELECT 1 FROM bank_match m WHERE m.line_id = l.id)
         AND NOT EXISTS (SELECT 1 FROM bank_unmatch u WHERE u.line_id = l.id)`,
    )
    .all() as LineRow[];
  if (rows.length === 0) return 0;
  const lines: MatchLine[] = rows.map((r) => ({
    id: r.id,
    bookingDate: r.booking_date,
    amountCents: r.amount_cents,
    text: lineText(r),
    regieId: r.regie_id,
  }));
  const live = liveMatchedTargets(sqlite);
  const expectations = loadExpectations(sqlite).filter(
    (e) => !e.targets.some((t) => live.has(targetKey(t))),
  );
  const { matched } = matchLines(lines, expectations);
  const insert = sqlite.prepare(
    `INSERT INTO bank_match (line_id, target_kind, target_key, amount_cents, group_key, origin, created_at)
     VALUES (?, ?, ?, ?, ?, 'auto', ?)`,
  );
  for (const [lineId, e] of matched) {
    for (const t of e.targets) {
      insert.run(lineId, t.kind, t.key, t.amountCents, `${opts.groupPrefix}:${lineId}`, opts.at);
    }
  }
  return matched.size;
}
