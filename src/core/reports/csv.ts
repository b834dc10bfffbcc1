// CSV as a French spreadsheet opens it without an import wizard: UTF-8 with a byte-order mark
// (so accents are read right), semicolons between fields (the comma is the decimal separator),
// CRLF line ends, amounts as "1234,56", dates as JJ/MM/AAAA and times in Paris.
//
// Fields holding a separator, a quote or a line break are quoted, quotes doubled (RFC 4180).
// A text field that begins with = + - @, a tab or a carriage return would be read as a formula
// by a spreadsheet (CSV injection: a family name typed as "=HYPERLINK(…)" would run when the
// comptable opens the file), so it is prefixed with an apostrophe, which the spreadsheet shows
// as text. Amounts and counts are numbers written by the register and are never prefixed, so a
// negative amount stays a number.
import { TIME_ZONE } from '../../shared/dates';

export type CsvKind =
  /** Free text: guarded against formulas, quoted when needed. */
  | 'text'
  /** Integer cents, written as euros with a decimal comma. */
  | 'cents'
  | 'integer'
  /** A UTC instant: its Paris date (JJ/MM/AAAA) or its Paris time (HH:MM:SS). */
  | 'date'
  | 'time'
  /** A calendar date YYYY-MM-DD, written JJ/MM/AAAA. */
  | 'day';

export interface CsvColumn<R> {
  header: string;
  kind: CsvKind;
  value: (row: R) => string | number | null;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[;"\r\n]/;

export function csvText(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** 123456 -> "1234,56", -5 -> "-0,05". */
export function csvCents(amount: number): string {
  const abs = Math.abs(amount);
  return `${amount < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

// One formatter for both parts: building an Intl formatter costs far more than using one.
const parisFormat = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

// A date column is usually followed by the time of the same instant: remember the last one.
let last: { iso: string; parts: [string, string] } | null = null;

/** A UTC instant in Paris: ["05/03/2026", "14:07:09"]. */
export function parisDateAndTime(iso: string): [string, string] {
  if (last?.iso === iso) return last.parts;
  const text = parisFormat.format(new Date(iso));
  const space = text.indexOf(' ');
  const parts: [string, string] = [text.slice(0, space), text.slice(space + 1)];
  last = { iso, parts };
  return parts;
}

function cell(kind: CsvKind, value: string | number | null): string {
  if (value === null || value === '') return '';
  switch (kind) {
    case 'text':
      return csvText(String(value));
    case 'cents':
      return csvCents(Number(value));
    case 'integer':
      return String(value);
    case 'date':
      return parisDateAndTime(String(value))[0];
    case 'time':
      return parisDateAndTime(String(value))[1];
    case 'day': {
      const [y, m, d] = String(value).split('-');
      return `${d}/${m}/${y}`;
    }
  }
}

/**
 * The file's bytes: a header line, then one line per row. Lines are collected in an array and
 * joined once, so the cost grows with the size of the file, not with its square.
 */
export function writeCsv<R>(columns: readonly CsvColumn<R>[], rows: Iterable<R>): Uint8Array {
  const lines: string[] = [columns.map((c) => csvText(c.header)).join(';')];
  for (const row of rows) {
    lines.push(columns.map((c) => cell(c.kind, c.value(row))).join(';'));
  }
  lines.push('');
  return new Uint8Array(Buffer.from(`\uFEFF${lines.join('\r\n')}`, 'utf8'));
}
