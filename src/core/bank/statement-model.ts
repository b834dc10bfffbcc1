// The one shape both statement formats are read into (CFONB 120 and camt.053), so that import
// and matching never care which format a bank delivered. Amounts are signed integer cents
// (positive: money in, a credit on the régie's account); dates are YYYY-MM-DD business dates.
import { DomainError } from '../errors';

export const statementFormats = ['cfonb120', 'camt053'] as const;
export type StatementFormat = (typeof statementFormats)[number];

export interface StatementComplement {
  /** CFONB 05 qualifier (LIB, NPY, RCN, REF...) or the camt element it came from. */
  qualifier: string;
  text: string;
}

export interface StatementLine {
  /** Where the movement stands in the file: line number (CFONB) or entry rank (camt). */
  sourceLine: number;
  bookingDate: string;
  valueDate: string | null;
  amountCents: number;
  label: string;
  /** The bank's reference of the movement (CFONB 105-120, camt AcctSvcrRef or EndToEndId). */
  reference: string | null;
  /** CFONB entry number (82-88); null in camt. */
  entryNumber: string | null;
  /** CFONB interbank operation code (33-34) or camt bank transaction code. */
  operationCode: string | null;
  complements: StatementComplement[];
}

export interface Statement {
  /** Line number of the old balance (CFONB) or statement rank (camt). */
  sourceLine: number;
  /** CFONB: the 11-character account number; camt: the IBAN or other identifier. */
  account: string;
  bankCode: string | null;
  branchCode: string | null;
  currency: string;
  openingDate: string;
  openingCents: number;
  closingDate: string;
  closingCents: number;
  lines: StatementLine[];
}

export interface StatementFile {
  format: StatementFormat;
  statements: Statement[];
}

/**
 * A file that cannot be read as a statement. The message already says where (line or entry)
 * and why; the import adds that nothing was imported.
 */
export function fileError(message: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('VALIDATION', message, 'RELEVE_INVALIDE', details);
}

/** Every text a matcher may search for references: label, reference and complements. */
export function searchableText(
  line: Pick<StatementLine, 'label' | 'reference' | 'complements'>,
): string {
  return [line.label, line.reference ?? '', ...line.complements.map((c) => c.text)]
    .join(' ')
    .toUpperCase();
}
