// The CSV writer's rules one by one, and the query plans that keep a month of 50,000 receipts
// from reading the whole ledger: the period is found on the journal's instant index, and each
// row through unique indexes.
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/core/db/open';
import { defaultMigrationsDir } from '../../../src/core/core';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { csvCents, csvText, parisDateAndTime, writeCsv } from '../../../src/core/reports/csv';
import { RECEIPT_ROWS_SQL } from '../../../src/core/reports/receipts';
import { parseCsv } from './report-helpers';

describe('CSV writer', () => {
  it('writes amounts with a decimal comma and no thousands separator', () => {
    expect([0, 5, 100, 4900, 123456, -5, -12030, 100_000_000_00].map(csvCents)).toEqual([
      '0,00',
      '0,05',
      '1,00',
      '49,00',
      '1234,56',
      '-0,05',
      '-120,30',
      '100000000,00',
    ]);
  });

  it('guards text that a spreadsheet would take for a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvText(`${start}1+1`).replace(/^"/, ''), JSON.stringify(start)).toMatch(/^'/);
    }
    expect(csvText('DUPOND')).toBe('DUPOND');
    expect(csvText('Jean-Pierre')).toBe('Jean-Pierre');
    expect(csvText(' =1')).toBe(' =1');
  });

  it('quotes fields holding a separator, a quote or a line break, doubling quotes', () => {
    expect(csvText('a;b')).toBe('"a;b"');
    expect(csvText('dit "oui"')).toBe('"dit ""oui"""');
    expect(csvText('ligne\nsuite')).toBe('"ligne\nsuite"');
    expect(csvText('ligne\r\nsuite')).toBe('"ligne\r\nsuite"');
    expect(csvText('-1;2')).toBe('"\'-1;2"');
  });

  it('writes Paris dates and times, across daylight saving', () => {
    expect(parisDateAndTime('2026-03-29T00:59:59.000Z')).toEqual(['29/03/2026', '01:59:59']);
    expect(parisDateAndTime('2026-03-29T01:00:00.000Z')).toEqual(['29/03/2026', '03:00:00']);
    expect(parisDateAndTime('2026-12-31T23:30:00.000Z')).toEqual(['01/01/2027', '00:30:00']);
  });

  it('makes a file with BOM, header, CRLF and typed cells, and leaves negative amounts as numbers', () => {
    const bytes = writeCsv(
      [
        { header: 'Nom', kind: 'text', value: (r: { name: string; cents: number }) => r.name },
        { header: 'Montant', kind: 'cents', value: (r) => r.cents },
        { header: 'Jour', kind: 'day', value: () => '2026-03-05' },
        { header: 'Vide', kind: 'integer', value: () => null },
      ],
      [
        { name: '@SOMME(A1)', cents: -4900 },
        { name: 'Zoé', cents: 1 },
      ],
    );
    const text = Buffer.from(bytes).toString('utf8');
    expect(text).toBe(
      "\uFEFFNom;Montant;Jour;Vide\r\n'@SOMME(A1);-49,00;05/03/2026;\r\nZoé;0,01;05/03/2026;\r\n",
    );
    expect(parseCsv(text.slice(1))).toEqual([
      ['Nom', 'Montant', 'Jour', 'Vide'],
      ["'@SOMME(A1)", '-49,00', '05/03/2026', ''],
      ['Zoé', '0,01', '05/03/2026', ''],
    ]);
  });
});

describe('query plans', () => {
  it('reads a period’s receipts through indexes only, never a whole table', async () => {
    const db = openSqlite(':memory:');
    try {
      await migrate(db, loadShippedMigrations(defaultMigrationsDir()));
      const plan = (
        db
          .prepare(`EXPLAIN QUERY PLAN ${RECEIPT_ROWS_SQL}`)
          .all({ start: '2026-03-01', end: '2026-04-01', regieId: null }) as { detail: string }[]
      ).map((r) => r.detail);
      expect(plan[0]).toMatch(
        /SEARCH j USING INDEX journal_entry_instant_ix \(instant>\? AND instant<\?\)/,
      );
      expect(plan).toContain('SEARCH p USING INDEX payment_journal_uq (journal_seq=?)');
      expect(plan.some((d) => /SEARCH c USING INDEX cancellation_payment_uq/.test(d))).toBe(true);
      expect(plan.some((d) => /SEARCH al USING INDEX allocation_payment_ix/.test(d))).toBe(true);
      expect(plan.filter((d) => /^SCAN (j|p|c|a|f|r|journal_entry|payment)\b/.test(d))).toEqual([]);
    } finally {
      db.close();
    }
  });
});
