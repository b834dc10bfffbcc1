// A CSV file read against the columns it must have: the header is matched to the documented
// columns whatever their case, accents or separators ("Code famille" = "code_famille"), with a
// few aliases that billing programs use; unknown, duplicated and missing required columns are
// reported by name. Every problem becomes an ImportIssue whose message already carries the line
// and the column, as the régisseur will read it.
import type { ImportFileKind, ImportIssue } from '../../shared/contract';
import { headerKey, readCsv, type DecodedFile, type Separator } from './csv-file';

export interface ColumnSpec<K extends string> {
  key: K;
  /** The documented name (docs/import-csv.md). */
  name: string;
  required: boolean;
  /** Other names accepted for the column. */
  aliases?: readonly string[];
}

export interface SheetRow<K extends string> {
  line: number;
  /** Trimmed cell of every known column; '' when the column is absent or the cell empty. */
  get(key: K): string;
  /** The column's name as written in this file's header, for messages. */
  header(key: K): string;
}

export interface Sheet<K extends string> {
  rows: SheetRow<K>[];
  /** Non-empty data lines, those refused for their shape included. */
  lineCount: number;
  present: ReadonlySet<K>;
}

/** Collects the problems of one import, in the order they are found. */
export class IssueList {
  readonly issues: ImportIssue[] = [];

  add(file: ImportFileKind, line: number | null, column: string | null, problem: string): void {
    const where =
      line === null
        ? ''
        : column === null
          ? `Ligne ${line} : `
          : `Ligne ${line}, colonne « ${column} » : `;
    const text = where === '' ? problem.charAt(0).toUpperCase() + problem.slice(1) : problem;
    this.issues.push({ file, line, column, message: `${where}${text}` });
  }

  get count(): number {
    return this.issues.length;
  }
}

export function readSheet<K extends string>(
  kind: ImportFileKind,
  file: DecodedFile,
  specs: readonly ColumnSpec<K>[],
  issues: IssueList,
): { separator: Separator; sheet: Sheet<K> | null } {
  const read = readCsv(file.text);
  if (!read.ok) {
    issues.add(kind, read.line, null, read.problem);
    return { separator: read.separator, sheet: null };
  }
  const byName = new Map<string, ColumnSpec<K>>();
  for (const s of specs) {
    for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(headerKey(n), s);
  }
  const index = new Map<K, number>();
  const headerOf = new Map<K, string>();
  let headerOk = true;
  read.header.forEach((raw, i) => {
    const name = raw.trim();
    if (name === '') {
      // Spreadsheets often leave a trailing separator: an empty, unnamed column is harmless
      // as long as it stays empty, which the row check below makes sure of.
      return;
    }
    const spec = byName.get(headerKey(name));
    if (!spec) {
      headerOk = false;
      issues.add(
        kind,
        1,
        null,
        `la colonne « ${name} » n’est pas une colonne connue. Renommez-la comme dans la documentation (${specs.map((s) => s.name).join(', ')}) ou supprimez-la.`,
      );
      return;
    }
    const first = index.get(spec.key);
    if (first !== undefined) {
      headerOk = false;
      issues.add(
        kind,
        1,
        null,
        `la colonne « ${name} » figure deux fois (colonnes ${first + 1} et ${i + 1}) : gardez-en une seule.`,
      );
      return;
    }
    index.set(spec.key, i);
    headerOf.set(spec.key, name);
  });
  const missing = specs.filter((s) => s.required && !index.has(s.key));
  if (missing.length > 0) {
    headerOk = false;
    issues.add(
      kind,
      1,
      null,
      missing.length === 1
        ? `la colonne obligatoire « ${missing[0]?.name} » est absente.`
        : `les colonnes obligatoires ${missing.map((s) => `« ${s.name} »`).join(', ')} sont absentes.`,
    );
  }
  if (!headerOk) return { separator: read.separator, sheet: null };

  const width = read.header.length;
  const rows: SheetRow<K>[] = [];
  let lineCount = 0;
  for (const r of read.rows) {
    // An empty line (or one holding only separators) is skipped, but still counts as a line.
    if (r.cells.every((c) => c.trim() === '')) continue;
    lineCount++;
    if (r.cells.length > width) {
      const extra = r.cells.slice(width).some((c) => c.trim() !== '');
      if (extra) {
        issues.add(
          kind,
          r.line,
          null,
          `${r.cells.length} valeurs pour ${width} colonnes : une valeur contient sans doute le séparateur « ${read.separator === 'tab' ? 'tabulation' : read.separator} » sans être entre guillemets.`,
        );
        continue;
      }
    }
    const unnamed = read.header.findIndex(
      (h, i) => h.trim() === '' && (r.cells[i] ?? '').trim() !== '',
    );
    if (unnamed >= 0) {
      issues.add(
        kind,
        r.line,
        null,
        `la colonne ${unnamed + 1} n’a pas de nom mais contient « ${(r.cells[unnamed] ?? '').trim()} » : donnez-lui un nom ou videz-la.`,
      );
      continue;
    }
    const cells = r.cells;
    rows.push({
      line: r.line,
      get: (key) => {
        const i = index.get(key);
        return i === undefined ? '' : (cells[i] ?? '').trim();
      },
      header: (key) => headerOf.get(key) ?? specs.find((s) => s.key === key)?.name ?? key,
    });
  }
  return { separator: read.separator, sheet: { rows, lineCount, present: new Set(index.keys()) } };
}
