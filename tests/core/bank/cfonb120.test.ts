// CFONB 120 parsing against hand-built files: each hazard of real files (cfonb120.md) and each
// malformation, which must refuse the whole file with the line number and the reason in French.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCfonbAmount, encodeCfonbAmount } from '../../../src/core/bank/cfonb-amount';
import { cfonbDate, parseCfonb120, splitCfonbRecords } from '../../../src/core/bank/cfonb120';
import { DomainError } from '../../../src/core/errors';
import { formatEuro } from '../../../src/shared/money';
import { ACCOUNT, crlf, lf, record, statement } from './cfonb-builder';

function refusal(text: string): DomainError {
  try {
    parseCfonb120(text);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('refus attendu');
}

const sample = statement({ opening: 100000 }, [
  { date: '2026-03-03', amountCents: 4900, label: 'PAYFIP REF000001', reference: 'REFBANQUE01' },
  {
    date: '2026-03-04',
    amountCents: -1250,
    label: 'FRAIS TENUE COMPTE',
    complements: [
      { qualifier: 'LIB', info: 'COMMISSION MARS' },
      { qualifier: 'NPY', info: 'BANQUE DE TEST' },
    ],
  },
]);

describe('CFONB amount codec', () => {
  it('decodes the documented examples', () => {
    expect(decodeCfonbAmount('0000000001904}', 2)).toBe(-19040);
    expect(decodeCfonbAmount('0000000000322J', 2)).toBe(-3221);
    expect(decodeCfonbAmount('0000000000490{', 2)).toBe(4900);
    expect(decodeCfonbAmount('0000000000049{', 0)).toBe(49000);
    expect(decodeCfonbAmount('0000000004900{', 3)).toBe(4900);
    expect(() => decodeCfonbAmount('0000000004901A', 3)).toThrow(/fraction de centime/);
    expect(() => decodeCfonbAmount('00000000A1904}', 2)).toThrow(/13 chiffres/);
    expect(() => decodeCfonbAmount('00000000019045', 2)).toThrow(/signe CFONB/);
  });

  it('round-trips any amount in cents, for 0 to 3 decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }),
        fc.integer({ min: 0, max: 3 }),
        (raw, decimals) => {
          // With fewer than two decimals only whole tenths or euros can be written.
          const step = decimals >= 2 ? 1 : 10 ** (2 - decimals);
          const amount = raw - (raw % step);
          const field = encodeCfonbAmount(amount, decimals);
          expect(field).toHaveLength(14);
          expect(field.slice(0, 13)).toMatch(/^\d{13}$/);
          expect(amount < 0 ? '}JKLMNOPQR' : '{ABCDEFGHI').toContain(field[13]);
          expect(decodeCfonbAmount(field, decimals)).toBe(amount === 0 ? 0 : amount);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads the sign from the last character and the value from every digit', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{13}$/),
        fc.constantFrom(...'{ABCDEFGHI}JKLMNOPQR'),
        (digits, last) => {
          const cents = decodeCfonbAmount(digits + last, 2);
          const negative = '}JKLMNOPQR'.includes(last);
          const lastDigit = (negative ? '}JKLMNOPQR' : '{ABCDEFGHI').indexOf(last);
          expect(Math.abs(cents)).toBe(Number(digits) * 10 + lastDigit);
          if (cents !== 0) expect(cents < 0).toBe(negative);
        },
      ),
    );
  });

  it('refuses any non-digit among the 13 first characters', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{13}$/),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(...'AZ -.,{}x'),
        (digits, at, bad) => {
          const field = `${digits.slice(0, at)}${bad}${digits.slice(at + 1)}{`;
          expect(() => decodeCfonbAmount(field, 2)).toThrow(/illisible/);
        },
      ),
    );
  });
});

describe('CFONB 120 records', () => {
  it('splits a file without separators every 120 characters exactly as its lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            amountCents: fc.integer({ min: -5_000_000, max: 5_000_000 }),
            label: fc.stringMatching(/^[A-Z0-9 ]{0,31}$/),
          }),
          { maxLength: 30 },
        ),
        (moves) => {
          const lines = statement(
            {},
            moves.map((m) => ({ ...m, date: '2026-03-10' })),
          );
          const joined = lines.join('');
          expect(splitCfonbRecords(joined).map((r) => r.text)).toEqual(lines);
          expect(parseCfonb120(joined)).toEqual(parseCfonb120(lf(lines)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads statements the same whatever the separators, trimmed spaces or reserved zones', () => {
    const base = parseCfonb120(lf(sample));
    expect(base.statements).toHaveLength(1);
    const s = base.statements[0]!;
    expect(s).toMatchObject({
      account: ACCOUNT,
      bankCode: '30004',
      branchCode: '00123',
      currency: 'EUR',
      openingDate: '2026-03-01',
      openingCents: 100000,
      closingDate: '2026-03-31',
      closingCents: 103650,
    });
    expect(s.lines).toEqual([
      {
        sourceLine: 2,
        bookingDate: '2026-03-03',
        valueDate: '2026-03-03',
        amountCents: 4900,
        label: 'PAYFIP REF000001',
        reference: 'REFBANQUE01',
        entryNumber: '0000001',
        operationCode: '05',
        complements: [],
      },
      {
        sourceLine: 3,
        bookingDate: '2026-03-04',
        valueDate: '2026-03-04',
        amountCents: -1250,
        label: 'FRAIS TENUE COMPTE',
        reference: null,
        entryNumber: '0000001',
        operationCode: '05',
        complements: [
          { qualifier: 'LIB', text: 'COMMISSION MARS' },
          { qualifier: 'NPY', text: 'BANQUE DE TEST' },
        ],
      },
    ]);
    expect(parseCfonb120(crlf(sample))).toEqual(base);
    expect(parseCfonb120(sample.join('\r'))).toEqual(base);
    expect(parseCfonb120(lf(sample.map((l) => l.trimEnd())))).toEqual(base);
    expect(parseCfonb120(`\ufeff${lf(sample)}\n\n`)).toEqual(base);
    const junk = statement({ opening: 100000 }, [
      { date: '2026-03-03', amountCents: 4900, label: 'X', junkReserved: true },
    ]).map((l, i) => (i === 0 ? `${l.slice(0, 40)}ZZZZZZZZ${l.slice(48)}` : l));
    expect(parseCfonb120(lf(junk)).statements[0]!.lines[0]!.amountCents).toBe(4900);
  });

  it('reads several accounts and several statements in one file', () => {
    const file = lf([
      ...statement({ account: '00011111111', opening: 0 }, [
        { amountCents: 1000, date: '2026-03-02' },
      ]),
      ...statement({ account: '00022222222', opening: 5000 }, [
        { amountCents: -700, date: '2026-03-02' },
      ]),
      ...statement(
        { account: '00011111111', opening: 1000, from: '2026-04-01', to: '2026-04-30' },
        [],
      ),
    ]);
    const r = parseCfonb120(file);
    expect(
      r.statements.map((s) => [s.account, s.openingCents, s.closingCents, s.lines.length]),
    ).toEqual([
      ['00011111111', 0, 1000, 1],
      ['00022222222', 5000, 4300, 1],
      ['00011111111', 1000, 1000, 0],
    ]);
    expect(r.statements[1]!.lines[0]!.sourceLine).toBe(5);
  });

  it('reads two-digit years: above 60 is the 1900s', () => {
    expect(cfonbDate('311299')).toBe('1999-12-31');
    expect(cfonbDate('010161')).toBe('1961-01-01');
    expect(cfonbDate('010160')).toBe('2060-01-01');
    expect(cfonbDate('050326')).toBe('2026-03-05');
    expect(cfonbDate('300226')).toBeNull();
    expect(cfonbDate('0503AA')).toBeNull();
  });

  it('refuses an unbalanced statement with its line and the figures', () => {
    const lines = statement({ opening: 100000, closing: 130000 }, [
      { amountCents: 25000, date: '2026-03-02' },
    ]);
    // Three lines before: the 07 is line 3; put five blank-free lines before it to land on 7.
    const file = lf([
      ...statement({ account: '00099999999', opening: 0 }, [
        { amountCents: 100, date: '2026-03-02' },
        { amountCents: 200, date: '2026-03-02' },
      ]),
      ...lines,
    ]);
    const e = refusal(file);
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toBe(
      `Ligne 7 : le relevé du compte ${ACCOUNT} ne s’équilibre pas : ancien solde ${formatEuro(100000)} + mouvements ${formatEuro(25000)} ≠ nouveau solde ${formatEuro(130000)}.`,
    );
    expect(e.details).toEqual({ line: 7 });
  });

  it('refuses every malformation with the line and the reason', () => {
    const ok = sample;
    const cases: [string, RegExp][] = [
      [
        lf([ok[0]!, record('05', { info: 'ORPHELIN' }), ...ok.slice(1)]),
        /^Ligne 2 : complément d’opération \(code 05\) sans l’opération/,
      ],
      [
        lf([ok[0]!, ok[1]!, record('01', { amountCents: 0 }), ...ok.slice(2)]),
        /^Ligne 3 : nouveau relevé .* n’a pas encore de nouveau solde \(code 07\)/,
      ],
      [
        lf([ok[0]!, record('03', {}), ...ok.slice(1)]),
        /^Ligne 2 : code d’enregistrement « 03 » inconnu/,
      ],
      [
        lf([
          ok[0]!,
          record('04', { rawAmount: '00000000049A0{', date: '2026-03-03' }),
          ...ok.slice(2),
        ]),
        /^Ligne 2 : montant « 00000000049A0\{ » illisible/,
      ],
      [
        lf([
          ok[0]!,
          record('04', { rawAmount: '0000000004900X', date: '2026-03-03' }),
          ...ok.slice(2),
        ]),
        /^Ligne 2 : montant .* n’est pas un signe CFONB/,
      ],
      [
        lf(ok.slice(0, -1)),
        /^Fin du fichier : le relevé du compte 00012345678 ouvert ligne 1 n’a pas de nouveau solde/,
      ],
      [
        lf([record('04', { amountCents: 100 }), ...ok]),
        /^Ligne 1 : opération \(code 04\) hors de tout relevé/,
      ],
      [lf([record('01', { currency: 'FRF' }), ...ok.slice(1)]), /^Ligne 1 : devise « FRF »/],
      [
        lf([ok[0]!, record('04', { amountCents: 4900, date: '2026-02-30' }), ...ok.slice(2)]),
        /^Ligne 2 : la date comptable « 300226 » n’est pas une date/,
      ],
      [lf([ok[0]!, `${ok[1]!}XX`, ...ok.slice(2)]), /^Ligne 2 : 122 caractères au lieu de 120/],
      [
        lf([ok[0]!, record('04', { amountCents: 4900, account: '00077777777' }), ...ok.slice(2)]),
        /^Ligne 2 : Opération du compte 00077777777 au milieu du relevé du compte 00012345678/,
      ],
      ['', /^Le fichier est vide/],
    ];
    for (const [text, message] of cases) {
      const e = refusal(text);
      expect(e.code, String(message)).toBe('VALIDATION');
      expect(e.message).toMatch(message);
    }
  });
});
