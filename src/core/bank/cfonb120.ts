// CFONB 120 ("relevé de compte 120 caractères", formerly AFB 120): French banks' fixed-width
// statement. Pure: text in, normalised statements out, or a French error naming the line and
// the reason. The hazards of real files (see shared/domain/cfonb120.md) are handled here: no
// line separators at all, CRLF or LF, trailing spaces trimmed, non-blank reserved zones,
// several accounts and statements in one file, two-digit years. Anything that does not make a
// coherent statement (a 05 without its 04, a new 01 before the 07, an unknown record, an
// unreadable amount, a statement that does not balance) refuses the whole file.
import { formatEuro } from '../../shared/money';
import { AmountFieldError, decodeCfonbAmount } from './cfonb-amount';
import {
  fileError,
  type Statement,
  type StatementComplement,
  type StatementFile,
  type StatementLine,
} from './statement-model';

export const CFONB_LINE_LENGTH = 120;

export interface CfonbRecord {
  /** 1-based line number in the file, as a person counts them. */
  lineNo: number;
  text: string;
}

/**
 * Cuts the file into 120-character records. A file with no line separator at all is one long
 * line: it is cut every 120 characters. Otherwise each line is one record, whatever the
 * separator (CRLF, LF, CR); lines whose trailing spaces were trimmed are padded back, and
 * blank lines (often a final newline) are skipped.
 */
export function splitCfonbRecords(text: string): CfonbRecord[] {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const records: CfonbRecord[] = [];
  if (!/[\r\n]/.test(body)) {
    const trimmed = trimTrailingSpaces(body);
    for (let i = 0; i * CFONB_LINE_LENGTH < trimmed.length; i++) {
      const chunk = trimmed.slice(i * CFONB_LINE_LENGTH, (i + 1) * CFONB_LINE_LENGTH);
      records.push({ lineNo: i + 1, text: chunk.padEnd(CFONB_LINE_LENGTH, ' ') });
    }
    return records;
  }
  const lines = body.split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const line = trimTrailingSpaces(raw);
    if (line.length === 0) return;
    if (line.length > CFONB_LINE_LENGTH) {
      throw fileError(
        `Ligne ${i + 1} : ${line.length} caractères au lieu de 120. Ce fichier n’est pas un relevé CFONB 120 ; demandez à la banque l’export « relevé 120 caractères ».`,
        { line: i + 1 },
      );
    }
    records.push({ lineNo: i + 1, text: line.padEnd(CFONB_LINE_LENGTH, ' ') });
  });
  return records;
}

/** The text without its trailing spaces (a loop: a regex anchored at the end backtracks). */
function trimTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return text.slice(0, end);
}

/** Characters at 1-based positions from..to inclusive, as the CFONB tables give them. */
const at = (text: string, from: number, to: number) => text.slice(from - 1, to);

/** JJMMAA -> YYYY-MM-DD; AA above 60 is 19AA, otherwise 20AA. Null when not a real date. */
const dateCache = new Map<string, string | null>();

export function cfonbDate(jjmmaa: string): string | null {
  // A statement repeats the same few dates thousands of times.
  const cached = dateCache.get(jjmmaa);
  if (cached !== undefined) return cached;
  const value = readCfonbDate(jjmmaa);
  if (dateCache.size < 10_000) dateCache.set(jjmmaa, value);
  return value;
}

function readCfonbDate(jjmmaa: string): string | null {
  if (!/^\d{6}$/.test(jjmmaa)) return null;
  const day = Number(jjmmaa.slice(0, 2));
  const month = Number(jjmmaa.slice(2, 4));
  const yy = Number(jjmmaa.slice(4, 6));
  const year = yy > 60 ? 1900 + yy : 2000 + yy;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return null;
  }
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

interface OpenStatement {
  statement: Statement;
  /** The movement the next 05 complements, if the previous record was a 04 or a 05. */
  lastMovement: StatementLine | null;
}

function failAt(lineNo: number, reason: string): never {
  throw fileError(`Ligne ${lineNo} : ${reason}`, { line: lineNo });
}

function amountOf(rec: string, lineNo: number): number {
  const decimalsChar = at(rec, 20, 20);
  if (!/^\d$/.test(decimalsChar)) {
    failAt(
      lineNo,
      `nombre de décimales « ${decimalsChar} » illisible en position 20 (un chiffre attendu).`,
    );
  }
  try {
    return decodeCfonbAmount(at(rec, 91, 104), Number(decimalsChar));
  } catch (e) {
    if (e instanceof AmountFieldError) return failAt(lineNo, `${e.message} (positions 91 à 104).`);
    throw e;
  }
}

function dateOf(rec: string, lineNo: number, from: number, what: string): string {
  const raw = at(rec, from, from + 5);
  return cfonbDate(raw) ?? failAt(lineNo, `${what} « ${raw} » n’est pas une date JJMMAA valable.`);
}

function sameAccount(open: OpenStatement | null, account: string, lineNo: number, what: string) {
  if (open && account !== open.statement.account) {
    failAt(
      lineNo,
      `${what} du compte ${account || '(vide)'} au milieu du relevé du compte ${open.statement.account} ouvert ligne ${open.statement.sourceLine}.`,
    );
  }
}

export function parseCfonb120(text: string): StatementFile {
  const records = splitCfonbRecords(text);
  if (records.length === 0) {
    throw fileError(
      'Le fichier est vide : il ne contient aucun enregistrement CFONB 120. Vérifiez le fichier exporté par la banque.',
    );
  }
  const statements: Statement[] = [];
  let open: OpenStatement | null = null;

  for (const { lineNo, text: rec } of records) {
    const code = at(rec, 1, 2);
    const account = at(rec, 22, 32).trim();
    const currency = at(rec, 17, 19);

    switch (code) {
      case '01': {
        if (open) {
          failAt(
            lineNo,
            `nouveau relevé (ancien solde, code 01) alors que le relevé du compte ${open.statement.account} ouvert ligne ${open.statement.sourceLine} n’a pas encore de nouveau solde (code 07). Le fichier est tronqué ou mal assemblé.`,
          );
        }
        if (currency !== 'EUR') {
          failAt(
            lineNo,
            `devise « ${currency.trim()} » : seuls les relevés en euros (EUR) sont acceptés.`,
          );
        }
        if (account === '') failAt(lineNo, 'numéro de compte absent (positions 22 à 32).');
        const openingCents = amountOf(rec, lineNo);
        const openingDate = dateOf(rec, lineNo, 35, 'la date de l’ancien solde');
        open = {
          statement: {
            sourceLine: lineNo,
            account,
            bankCode: at(rec, 3, 7).trim() || null,
            branchCode: at(rec, 12, 16).trim() || null,
            currency,
            openingDate,
            openingCents,
            closingDate: openingDate,
            closingCents: openingCents,
            lines: [],
          },
          lastMovement: null,
        };
        break;
      }
      case '04': {
        if (!open) {
          failAt(
            lineNo,
            'opération (code 04) hors de tout relevé : aucun ancien solde (code 01) ne la précède.',
          );
        }
        sameAccount(open, account, lineNo, 'Opération');
        const amountCents = amountOf(rec, lineNo);
        const bookingDate = dateOf(rec, lineNo, 35, 'la date comptable');
        const rawValue = at(rec, 43, 48);
        const valueDate = rawValue.trim() === '' ? null : cfonbDate(rawValue);
        if (rawValue.trim() !== '' && valueDate === null) {
          failAt(lineNo, `la date de valeur « ${rawValue} » n’est pas une date JJMMAA valable.`);
        }
        const line: StatementLine = {
          sourceLine: lineNo,
          bookingDate,
          valueDate,
          amountCents,
          label: at(rec, 49, 79).trim(),
          reference: at(rec, 105, 120).trim() || null,
          entryNumber: at(rec, 82, 88).trim() || null,
          operationCode: at(rec, 33, 34).trim() || null,
          complements: [],
        };
        open!.statement.lines.push(line);
        open!.lastMovement = line;
        break;
      }
      case '05': {
        if (!open || !open.lastMovement) {
          failAt(
            lineNo,
            'complément d’opération (code 05) sans l’opération (code 04) qu’il complète juste avant lui.',
          );
        }
        sameAccount(open, account, lineNo, 'Complément');
        const complement: StatementComplement = {
          qualifier: at(rec, 46, 48).trim(),
          text: at(rec, 49, 118).trim(),
        };
        open!.lastMovement!.complements.push(complement);
        break;
      }
      case '07': {
        if (!open) {
          failAt(lineNo, 'nouveau solde (code 07) sans ancien solde (code 01) avant lui.');
        }
        sameAccount(open, account, lineNo, 'Nouveau solde');
        const s = open!.statement;
        s.closingCents = amountOf(rec, lineNo);
        s.closingDate = dateOf(rec, lineNo, 35, 'la date du nouveau solde');
        const movements = s.lines.reduce((sum, l) => sum + l.amountCents, 0);
        if (s.openingCents + movements !== s.closingCents) {
          failAt(
            lineNo,
            `le relevé du compte ${s.account} ne s’équilibre pas : ancien solde ${formatEuro(s.openingCents)} + mouvements ${formatEuro(movements)} ≠ nouveau solde ${formatEuro(s.closingCents)}.`,
          );
        }
        statements.push(s);
        open = null;
        break;
      }
      default:
        failAt(
          lineNo,
          `code d’enregistrement « ${code} » inconnu : un relevé CFONB 120 ne contient que des lignes 01, 04, 05 et 07.`,
        );
    }
  }
  if (open) {
    throw fileError(
      `Fin du fichier : le relevé du compte ${open.statement.account} ouvert ligne ${open.statement.sourceLine} n’a pas de nouveau solde (code 07). Le fichier est tronqué : exportez-le de nouveau.`,
      { line: open.statement.sourceLine },
    );
  }
  return { format: 'cfonb120', statements };
}
