// Hand-built CFONB 120 records for the tests: each field put at its documented position
// (shared/domain/cfonb120.md), so a test reads like the layout table.
import { encodeCfonbAmount } from '../../../src/core/bank/cfonb-amount';

export const ACCOUNT = '00012345678';

function put(line: string[], from: number, value: string): void {
  for (let i = 0; i < value.length; i++) line[from - 1 + i] = value[i]!;
}

/** 2026-03-05 -> 050326 */
export const jjmmaa = (iso: string) => `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(2, 4)}`;

export interface RecordFields {
  account?: string;
  currency?: string;
  decimals?: number;
  date?: string;
  amountCents?: number;
  /** Raw 14-character amount field, to write an unreadable one. */
  rawAmount?: string;
  valueDate?: string;
  label?: string;
  reference?: string;
  entry?: string;
  interbank?: string;
  qualifier?: string;
  info?: string;
  /** Fill the reserved zones with junk, as some banks do. */
  junkReserved?: boolean;
}

export function record(code: '01' | '04' | '05' | '07' | string, f: RecordFields = {}): string {
  const line = Array.from({ length: 120 }, () => ' ');
  put(line, 1, code);
  put(line, 3, '30004');
  put(line, 12, '00123');
  put(line, 17, f.currency ?? 'EUR');
  put(line, 20, String(f.decimals ?? 2));
  put(line, 22, (f.account ?? ACCOUNT).padEnd(11, ' '));
  if (f.junkReserved) {
    put(line, 8, 'XXXX');
    put(line, 21, 'Z');
    put(line, 41, code === '04' ? '' : 'ZZZZZZZZ');
  }
  put(line, 35, jjmmaa(f.date ?? '2026-03-02'));
  if (code === '05') {
    put(line, 46, (f.qualifier ?? 'LIB').padEnd(3, ' '));
    put(line, 49, (f.info ?? '').slice(0, 70));
    return line.join('');
  }
  if (code === '04') {
    put(line, 33, f.interbank ?? '05');
    put(line, 43, jjmmaa(f.valueDate ?? f.date ?? '2026-03-02'));
    put(line, 49, (f.label ?? '').slice(0, 31));
    put(line, 82, (f.entry ?? '0000001').slice(0, 7));
    put(line, 105, (f.reference ?? '').slice(0, 16));
  }
  put(line, 91, f.rawAmount ?? encodeCfonbAmount(f.amountCents ?? 0, f.decimals ?? 2));
  return line.join('');
}

export interface Movement extends RecordFields {
  amountCents: number;
  complements?: { qualifier: string; info: string }[];
}

/** One balanced statement: 01, the movements with their 05s, 07. */
export function statement(
  opts: { account?: string; opening?: number; from?: string; to?: string; closing?: number },
  movements: Movement[],
): string[] {
  const opening = opts.opening ?? 100000;
  const closing = opts.closing ?? opening + movements.reduce((n, m) => n + m.amountCents, 0);
  const account = opts.account ?? ACCOUNT;
  return [
    record('01', { account, date: opts.from ?? '2026-03-01', amountCents: opening }),
    ...movements.flatMap((m) => [
      record('04', { ...m, account }),
      ...(m.complements ?? []).map((c) =>
        record('05', { account, date: m.date, qualifier: c.qualifier, info: c.info }),
      ),
    ]),
    record('07', { account, date: opts.to ?? '2026-03-31', amountCents: closing }),
  ];
}

export const lf = (lines: string[]) => `${lines.join('\n')}\n`;
export const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
