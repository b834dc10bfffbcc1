// The shapes real exports take: Windows-1252 from older billing programs, "," with quoted
// fields holding commas and line breaks, header names in any case and accent, French and
// English amounts and dates; and the cell parsers one by one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFile, detectSeparator } from '../../../src/core/imports/csv-file';
import {
  parseAmount,
  parseCivility,
  parseDate,
  parsePeriod,
  parsePostalCode,
  parseStatus,
} from '../../../src/core/imports/values';
import { openTestCore, type TestCore } from '../fixtures';
import { fileArg, fixtureFile } from './import-helpers';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore({ till: false });
  token = await t.login('regisseur');
});
afterEach(() => t.close());

describe('real exports', () => {
  it('reads a Windows-1252 ";" file and a "," file with quoted commas and line breaks', async () => {
    const files = {
      families: fixtureFile('familles-windows1252.csv'),
      invoices: fixtureFile('factures-virgule.csv'),
    };
    const preview = await t.call('import.preview', files, token);
    expect(preview.errors).toEqual([]);
    expect(preview.families).toMatchObject({
      encoding: 'windows-1252',
      separator: ';',
      created: 2,
    });
    expect(preview.invoices).toMatchObject({ encoding: 'utf-8', separator: ',', created: 2 });
    await t.call('import.apply', { ...files, commandId: crypto.randomUUID() }, token);

    const people = t.sqlite
      .prepare(
        `SELECT f.code, f.family_name, r.civility, r.first_name, r.address_line1, r.city, r.email
           FROM family f JOIN responsable r ON r.family_id = f.id
          WHERE f.code IN ('W001', 'W002') ORDER BY f.code`,
      )
      .all();
    expect(people).toEqual([
      {
        code: 'W001',
        family_name: 'BÉRANGER',
        civility: 'Mme',
        first_name: 'Hélène',
        address_line1: '7 rue de la Forêt',
        city: 'Angers',
        email: 'helene.beranger@example.org',
      },
      {
        code: 'W002',
        family_name: 'FRANÇOIS',
        civility: 'M.',
        first_name: 'Jérôme',
        address_line1: '3, allée des Châtaigniers',
        city: 'Écouflant',
        email: null,
      },
    ]);
    const invoices = t.sqlite
      .prepare(
        "SELECT number, label, amount_cents, period, issue_date, refdet FROM invoice WHERE number LIKE 'W-%' ORDER BY number",
      )
      .all();
    expect(invoices).toEqual([
      {
        number: 'W-2026-001',
        label: 'Cantine, mars 2026',
        amount_cents: 1250,
        period: '2026-04',
        issue_date: '2026-04-03',
        refdet: 'W202600194',
      },
      {
        number: 'W-2026-002',
        label: 'Stage multisports\nvacances de printemps',
        amount_cents: 123400,
        period: '2026-04',
        issue_date: '2026-04-03',
        refdet: 'W202600291',
      },
    ]);
    // Accents folded by the search index, as typed at the counter.
    const hits = await t.call('families.search', { query: 'francois jerome' }, token);
    expect(hits.map((h) => h.code)).toEqual(['W002']);
  });

  it('counts a quoted line break as one spreadsheet line', async () => {
    const file = [
      'regie,numero_facture,code_famille,libelle,date_emission,date_echeance,montant',
      'SCO,Q-0001,F00001,"Deux',
      'lignes",05/03/2026,04/04/2026,10',
      'SCO,Q-0002,F00001,Cantine,05/03/2026,04/04/2026,dix',
    ].join('\n');
    const r = await t.call('import.preview', { invoices: fileArg('q.csv', file) }, token);
    expect(r.errors.map((e) => e.message)).toEqual([
      'Ligne 3, colonne « montant » : « dix » n’est pas un montant (exemple : 12,50).',
    ]);
  });

  it('takes a UTF-8 byte order mark and header names in any case and accent', async () => {
    const text =
      '\ufeffCODE FAMILLE;Civilité;Nom;Prénom;Adresse;CP;Ville;E-mail\r\nB01;madame;ÉTÉ;Zoé;1 rue;1000;Bourg;\r\n';
    const r = await t.call('import.preview', { families: fileArg('b.csv', text) }, token);
    expect(r.errors).toEqual([]);
    expect(r.families).toMatchObject({ encoding: 'utf-8', created: 1 });
  });
});

describe('cell parsers', () => {
  it('reads amounts into cents without floating point', () => {
    const cents = (s: string) => {
      const p = parseAmount(s);
      return p.ok ? p.value : p.problem;
    };
    expect(cents('12,50')).toBe(1250);
    expect(cents('12.50')).toBe(1250);
    expect(cents('12,5')).toBe(1250);
    expect(cents('0,10')).toBe(10);
    expect(cents('1 234,56 €')).toBe(123456);
    expect(cents('1\u00a0234,56\u00a0€')).toBe(123456);
    expect(cents('1\u202f234,56')).toBe(123456);
    expect(cents('1.234,56')).toBe(123456);
    expect(cents('1,234.56')).toBe(123456);
    expect(cents('1234')).toBe(123400);
    expect(cents('-5')).toBe(-500);
    expect(cents('12,345')).toBe('« 12,345 » n’est pas un montant (exemple : 12,50).');
    expect(cents('1.234')).toBe('« 1.234 » n’est pas un montant (exemple : 12,50).');
    expect(cents('1.234.56')).toBe('« 1.234.56 » n’est pas un montant (exemple : 12,50).');
    expect(cents('12,5O')).toBe('« 12,5O » n’est pas un montant (exemple : 12,50).');
    expect(cents('')).toBe('«  » n’est pas un montant (exemple : 12,50).');
  });

  it('reads dates, periods, civilities, statuses and postal codes', () => {
    const v = <T>(p: { ok: true; value: T } | { ok: false; problem: string }) =>
      p.ok ? p.value : p.problem;
    expect(v(parseDate('05/03/2026'))).toBe('2026-03-05');
    expect(v(parseDate('5/3/2026'))).toBe('2026-03-05');
    expect(v(parseDate('2026-03-05'))).toBe('2026-03-05');
    expect(v(parseDate('05/03/2026 00:00'))).toBe('2026-03-05');
    expect(v(parseDate('29/02/2028'))).toBe('2028-02-29');
    expect(v(parseDate('29/02/2026'))).toBe('« 29/02/2026 » n’est pas une date du calendrier.');
    expect(v(parseDate('03/05/26'))).toBe(
      '« 03/05/26 » n’est pas une date (exemple : 05/03/2026).',
    );
    expect(v(parsePeriod('03/2026'))).toBe('2026-03');
    expect(v(parsePeriod('2026-03'))).toBe('2026-03');
    expect(v(parsePeriod('Février 2026'))).toBe('2026-02');
    expect(v(parsePeriod('13/2026'))).toBe(
      '« 13/2026 » n’est pas une période (exemple : 03/2026 ou 2026-03).',
    );
    expect(v(parseCivility('Monsieur'))).toBe('M.');
    expect(v(parseCivility('MME'))).toBe('Mme');
    expect(v(parseCivility('Mlle'))).toBe('Mme');
    expect(v(parseStatus(''))).toBe('emise');
    expect(v(parseStatus('A PAYER'))).toBe('emise');
    expect(v(parseStatus('Transmise au Trésor'))).toBe('tresorerie');
    expect(v(parseStatus('Prélèvement automatique'))).toBe('prelevement');
    expect(v(parseStatus('Annulée'))).toBe('annulee');
    expect(v(parsePostalCode('1000'))).toBe('01000');
    expect(v(parsePostalCode('2A004'))).toBe('« 2A004 » n’est pas un code postal (5 chiffres).');
  });

  it('detects the encoding and the separator', () => {
    expect(decodeFile(new Uint8Array([0x63, 0xe9])).encoding).toBe('windows-1252');
    expect(decodeFile(new Uint8Array([0x63, 0xe9])).text).toBe('cé');
    expect(decodeFile(Buffer.from('cé', 'utf8')).encoding).toBe('utf-8');
    expect(detectSeparator('a;b;c\n1,2;3;4')).toBe(';');
    expect(detectSeparator('a,b,c\n1;2')).toBe(',');
    expect(detectSeparator('"a;b",c,d\n')).toBe(',');
    expect(detectSeparator('a\tb\tc\n')).toBe('tab');
    expect(detectSeparator('seule\n')).toBe(';');
  });
});
