// Reading a CSV file as the commune's software or a spreadsheet writes it: UTF-8 with or without
// a byte order mark, or Windows-1252 (what French Excel and many older billing programs still
// export); ";" (French Excel), "," or tab as separator, found on the header line; CRLF or LF;
// quoted fields that may hold separators and line breaks. Line numbers are those a spreadsheet
// shows: the header is line 1 and a quoted line break does not start a new line.
import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import type { ImportFileSummary } from '../../shared/contract';
import { foldText } from '../../shared/text';

export type Separator = ImportFileSummary['separator'];

export interface DecodedFile {
  text: string;
  encoding: ImportFileSummary['encoding'];
  sha256: string;
  bytes: number;
}

/**
 * UTF-8 is tried first, strictly: Windows-1252 text with accents is never valid UTF-8 (an "é"
 * is the lone byte E9), while pure ASCII reads the same either way. So a file that fails
 * strict UTF-8 decoding is Windows-1252, which maps every byte to a character.
 */
export function decodeFile(bytes: Uint8Array): DecodedFile {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: 'utf-8', sha256, bytes: bytes.length };
  } catch {
    const text = new TextDecoder('windows-1252').decode(bytes);
    return { text, encoding: 'windows-1252', sha256, bytes: bytes.length };
  }
}

/** The separator used on the header line: the most frequent of ";", "," and tab outside quotes. */
export function detectSeparator(text: string): Separator {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) counts[ch]++;
  }
  // A tie (a one-column header, say) goes to ";", French Excel's separator.
  if (counts['\t'] > counts[';'] && counts['\t'] > counts[',']) return 'tab';
  return counts[','] > counts[';'] ? ',' : ';';
}

export interface CsvRow {
  /** Spreadsheet line number (header = 1). */
  line: number;
  cells: string[];
}

export type CsvReadResult =
  | { ok: true; separator: Separator; header: string[]; rows: CsvRow[] }
  | { ok: false; separator: Separator; line: number | null; problem: string };

export function readCsv(text: string): CsvReadResult {
  const separator = detectSeparator(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: separator === 'tab' ? '\t' : separator,
      bom: true,
      // Rows are checked against the header by the caller, with a French message.
      relax_column_count: true,
      // Empty lines are kept (and ignored by the caller) so that line numbers stay those of
      // the spreadsheet.
      skip_empty_lines: false,
    });
  } catch (e) {
    if (e instanceof CsvError) {
      const records = typeof e.records === 'number' ? e.records : null;
      const line = records === null ? null : records + 1;
      const problem =
        e.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'un guillemet ouvert n’est jamais refermé : vérifiez les guillemets de cette ligne.'
          : e.code === 'CSV_INVALID_CLOSING_QUOTE'
            ? 'un guillemet fermant est suivi d’autres caractères : un champ entre guillemets doit se terminer au séparateur.'
            : 'le fichier n’est pas un CSV lisible à partir de cette ligne.';
      return { ok: false, separator, line, problem };
    }
    throw e;
  }
  const [header, ...rest] = records;
  if (!header || header.every((h) => h.trim() === '')) {
    return {
      ok: false,
      separator,
      line: null,
      problem: 'le fichier est vide : la première ligne doit porter les noms des colonnes.',
    };
  }
  const rows = rest.map((cells, i) => ({ line: i + 2, cells }));
  return { ok: true, separator, header, rows };
}

/** "Code famille", "code_famille" and "CODE-FAMILLE" are the same column. */
export function headerKey(name: string): string {
  return foldText(name);
}
