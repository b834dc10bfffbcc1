// The documented sample files (resources/samples) imported into an empty commune whose three
// régies are configured, the way a commune without a portal starts: everything arrives, search
// finds the families, references are computed as the register computes them, the import is
// journaled with each file's SHA-256, and importing the same files again changes nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../../src/core/core';
import { computedRefdet } from '../../../src/core/imports/values';
import type { HandlerName, Input, Output } from '../../../src/shared/contract';
import { invoiceRefdet } from '../../../src/shared/demo/commune';
import { configureDemoRegies, dbFingerprint, root, sampleFile, sha256 } from './import-helpers';

const PASSWORD = 'Import-Regisseur-2026';
let core: Core;
let token: string;

async function call<K extends HandlerName>(name: K, args: Input<K>): Promise<Output<K>> {
  const r = await core.send(name, args, token);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as Output<K>;
}

beforeEach(async () => {
  process.env.GUICHET_ADMIN_PASSWORD = PASSWORD;
  core = await openCore({
    dbFile: ':memory:',
    seed: 'empty',
    now: () => new Date('2026-03-16T09:30:00.000Z'),
    logger: pino({ level: 'silent' }),
    sync: { background: false },
  });
  delete process.env.GUICHET_ADMIN_PASSWORD;
  configureDemoRegies(core.sqlite);
  const r = await core.send('auth.login', { login: 'regisseur', password: PASSWORD }, null);
  if (!r.ok) throw new Error(r.error.message);
  token = (r.value as { token: string }).token;
});

afterEach(() => core.close());

const files = () => ({
  families: sampleFile('familles.csv'),
  children: sampleFile('enfants.csv'),
  invoices: sampleFile('factures.csv'),
});

describe('sample files into an empty commune', () => {
  it('previews without error, then imports every family and invoice', async () => {
    const preview = await call('import.preview', files());
    expect(preview.errors).toEqual([]);
    expect(preview.ok).toBe(true);
    expect(preview.families).toMatchObject({
      fileName: 'familles.csv',
      encoding: 'utf-8',
      separator: ';',
      rows: 5,
      created: 5,
      updated: 0,
      unchanged: 0,
    });
    expect(preview.children).toMatchObject({ rows: 6, created: 6, updated: 0, unchanged: 0 });
    expect(preview.invoices).toMatchObject({ rows: 8, created: 8, updated: 0, unchanged: 0 });
    // The preview wrote nothing.
    expect(core.sqlite.prepare('SELECT count(*) AS n FROM family').get()).toEqual({ n: 0 });

    const result = await call('import.apply', { ...files(), commandId: crypto.randomUUID() });
    expect(result.journalSeq).toBeGreaterThan(0);
    const count = (t: string) =>
      (core.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect(count('family')).toBe(5);
    expect(count('responsable')).toBe(8);
    expect(count('invoice')).toBe(8);
    expect(count('child')).toBe(6);
    expect(count("invoice WHERE source = 'import'")).toBe(8);

    const entry = core.sqlite
      .prepare('SELECT kind, payload FROM journal_entry WHERE seq = ?')
      .get(result.journalSeq) as { kind: string; payload: string };
    expect(entry.kind).toBe('import_csv');
    const payload = JSON.parse(entry.payload) as {
      families: { sha256: string; created: number };
      invoices: { sha256: string; created: number };
    };
    const bytes = (n: string) => readFileSync(path.join(root, 'resources', 'samples', n));
    expect(payload.families.sha256).toBe(sha256(bytes('familles.csv')));
    expect(payload.invoices.sha256).toBe(sha256(bytes('factures.csv')));
    expect(payload.families.created).toBe(5);

    const verify = await call('journal.verify', {});
    expect(verify.ok).toBe(true);
  });

  it('lets the counter find and read the imported families', async () => {
    await call('import.apply', { ...files(), commandId: crypto.randomUUID() });
    // By family name, by the second responsable's name (accents folded), and by code.
    const byName = await call('families.search', { query: 'lafleur' });
    expect(byName.map((h) => h.code)).toEqual(['FAM1001']);
    const bySecond = await call('families.search', { query: 'aissatou' });
    expect(bySecond.map((h) => h.code)).toEqual(['FAM1002']);
    const byCode = await call('families.search', { query: 'FAM1004' });
    expect(byCode.map((h) => h.code)).toEqual(['FAM1004']);
    // By a child's first name, as at the counter ("the mother of Léonie").
    const byChild = await call('families.search', { query: 'leonie' });
    expect(byChild.map((h) => h.code)).toEqual(['FAM1001']);

    const detail = await call('families.get', { familyId: byName[0]?.familyId ?? 0 });
    expect(detail.familyName).toBe('LAFLEUR');
    expect(detail.responsables.map((r) => `${r.civility} ${r.firstName} ${r.lastName}`)).toEqual([
      'Mme Élodie LAFLEUR',
      'M. Grégoire LAFLEUR',
    ]);
    expect(detail.children.map((c) => [c.firstName, c.birthDate, c.school])).toEqual([
      ['Léonie', '2017-09-14', 'École élémentaire Jules Ferry'],
      ['Hugo', '2020-04-02', 'École maternelle Les Tilleuls'],
    ]);
    expect(detail.responsables[1]).toMatchObject({
      addressLine1: '12 rue des Écoles',
      postalCode: '49100',
      email: 'gregoire.lafleur@example.org',
    });
    const invoices = detail.regies.flatMap((r) =>
      r.invoices.map((i) => ({ ...i, regie: r.regieCode })),
    );
    expect(invoices.map((i) => [i.regie, i.number, i.amountCents, i.refdet])).toEqual([
      ['SCO', 'F26-SCO-0001', 8640, computedRefdet('F26-SCO-0001')],
      ['SPO', 'F26-SPO-0001', 6500, 'F26SPO0001PAYFIP'],
    ]);

    const n1002 = await call('families.search', { query: 'FAM1002' });
    const d1002 = await call('families.get', { familyId: n1002[0]?.familyId ?? 0 });
    const pen = d1002.regies.find((r) => r.regieCode === 'PEN')?.invoices[0];
    // 312,00 € of which 112,00 € paid before Guichet: 200,00 € remain.
    expect(pen).toMatchObject({ amountCents: 31200, paidCents: 11200, remainingCents: 20000 });

    const row = (n: string) =>
      core.sqlite
        .prepare(
          'SELECT status, paid_outside_cents, period, issue_date, due_date FROM invoice WHERE number = ?',
        )
        .get(n);
    expect(row('F26-SCO-0002')).toMatchObject({ status: 'prelevement' });
    expect(row('F26-SCO-0003')).toMatchObject({ status: 'tresorerie', paid_outside_cents: 2000 });
    expect(row('F26-SCO-0004')).toMatchObject({ status: 'annulee' });
    expect(row('F26-PEN-0001')).toMatchObject({ status: 'emise' });
    expect(row('F26-SPO-0002')).toMatchObject({
      status: 'emise',
      period: '2026-02',
      issue_date: '2026-03-05',
      due_date: '2026-04-04',
    });
    expect(
      core.sqlite.prepare('SELECT amount_cents FROM invoice WHERE number = ?').get('F26-PEN-0001'),
    ).toEqual({ amount_cents: 123450 });
  });

  it('imports the same files a second time as unchanged, writing nothing', async () => {
    const first = await call('import.apply', { ...files(), commandId: crypto.randomUUID() });
    const before = dbFingerprint(core.sqlite);
    const preview = await call('import.preview', files());
    expect(preview.families).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
    expect(preview.children).toMatchObject({ created: 0, updated: 0, unchanged: 6 });
    expect(preview.invoices).toMatchObject({ created: 0, updated: 0, unchanged: 8 });
    const again = await call('import.apply', { ...files(), commandId: crypto.randomUUID() });
    expect(again.journalSeq).toBeNull();
    expect(again.invoices).toMatchObject({ unchanged: 8 });
    expect(dbFingerprint(core.sqlite)).toEqual(before);
    expect(first.journalSeq).not.toBeNull();
  });
});

describe('computed PayFiP references', () => {
  it('are the register’s own for its own invoice numbers', () => {
    expect(computedRefdet('2026-SCO-004217')).toBe(invoiceRefdet(2026, 'SCO', 4217));
    expect(computedRefdet('2025-PEN-000001')).toBe(invoiceRefdet(2025, 'PEN', 1));
    expect(computedRefdet('ABC')).toBeNull();
    expect(computedRefdet('X'.repeat(29))).toBeNull();
  });
});
