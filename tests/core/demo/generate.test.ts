// The demo generator: reproducible to the byte, plausible (every invoice state, amounts that add
// up, references PayFiP accepts), consistent with the search triggers it bypasses for speed,
// and leaving the ledger's pragmas as it found them.
import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../../../src/core/core';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { openSqlite } from '../../../src/core/db/open';
import { demoAgents, generateDemo, type DemoOptions } from '../../../src/core/demo/generate';
import { demoRegies } from '../../../src/shared/demo/commune';
import { verifyPassword } from '../../../src/core/auth/passwords';
import { invoiceState, invoiceStates, type InvoiceStatus } from '../../../src/shared/invoice-state';
import { paymentModes } from '../../../src/shared/payment-modes';
import { contentDigest } from './demo-core';

const shipped = loadShippedMigrations(defaultMigrationsDir());
const BASE: DemoOptions = { families: 120, seed: 42, today: '2026-03-16' };

async function demoDb(opts: Partial<DemoOptions> = {}): Promise<Database.Database> {
  const db = openSqlite(':memory:');
  await migrate(db, shipped);
  await generateDemo(db, { ...BASE, ...opts });
  return db;
}

function schema(db: Database.Database) {
  return db
    .prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name')
    .all();
}

describe('determinism', () => {
  it('gives byte-identical content for the same seed, size and date, and other content otherwise', async () => {
    const a = await demoDb();
    const b = await demoDb();
    const otherSeed = await demoDb({ seed: 43 });
    const otherDay = await demoDb({ today: '2026-04-16' });
    try {
      const digest = contentDigest(a);
      expect(contentDigest(b)).toBe(digest);
      expect(contentDigest(otherSeed)).not.toBe(digest);
      expect(contentDigest(otherDay)).not.toBe(digest);
      // Same families for another date, but other invoices.
      const families = (d: Database.Database) =>
        d.prepare('SELECT code, family_name FROM family').all();
      expect(families(otherDay)).toEqual(families(a));
    } finally {
      for (const d of [a, b, otherSeed, otherDay]) d.close();
    }
  });
});

describe('the demo commune', () => {
  it('has the commune, three régies with distinct PayFiP numbers, two postes and four agents', async () => {
    const db = await demoDb();
    try {
      const commune = db.prepare('SELECT name, demo, siret, portal_url FROM commune').all();
      expect(commune).toEqual([
        {
          name: 'Ville de Démo',
          demo: 1,
          siret: '21490099500017',
          portal_url: 'http://127.0.0.1:8790',
        },
      ]);
      const regies = db
        .prepare(
          'SELECT code, name, numcli, payfip_saisie, accepted_modes, allow_credit, creditor_label FROM regie ORDER BY id',
        )
        .all() as {
        code: string;
        numcli: string;
        accepted_modes: string;
        allow_credit: number;
        creditor_label: string;
      }[];
      expect(regies.map((r) => r.code)).toEqual(['SCO', 'PEN', 'SPO']);
      expect(new Set(regies.map((r) => r.numcli)).size).toBe(3);
      for (const r of regies) {
        expect(r.numcli).toMatch(/^\d{6}$/);
        expect(r.creditor_label).toMatch(/ de Ville de Démo$/);
        const modes = JSON.parse(r.accepted_modes) as string[];
        for (const m of modes) expect(paymentModes).toContain(m);
      }
      const modesOf = (code: string) =>
        JSON.parse(regies.find((r) => r.code === code)!.accepted_modes) as string[];
      expect(modesOf('PEN')).toContain('cesu');
      expect(modesOf('SCO')).not.toContain('cesu');
      expect(modesOf('SPO')).toContain('cheque_vacances');
      expect(regies.map((r) => r.allow_credit)).toEqual([1, 1, 0]);
      expect(db.prepare('SELECT code, name FROM poste ORDER BY code').all()).toEqual([
        { code: 'P01', name: 'Accueil mairie' },
        { code: 'P02', name: 'Guichet école' },
      ]);
      const agents = db
        .prepare('SELECT login, role, password_hash FROM agent ORDER BY id')
        .all() as {
        login: string;
        role: string;
        password_hash: string;
      }[];
      expect(agents.map((a) => [a.login, a.role])).toEqual(
        demoAgents.map((a) => [a.login, a.role]),
      );
      for (const [i, a] of agents.entries()) {
        expect(await verifyPassword(demoAgents[i]!.password, a.password_hash)).toBe(true);
        expect(await verifyPassword('autre-chose', a.password_hash)).toBe(false);
      }
    } finally {
      db.close();
    }
  });

  it('bills plausible invoices: every state, amounts equal to their lines, unique references', async () => {
    const db = await demoDb({ families: 300 });
    try {
      const invoices = db
        .prepare(
          `SELECT i.*, r.code AS regie_code,
             (SELECT sum(amount_cents) FROM invoice_line l WHERE l.invoice_id = i.id) AS lines_total,
             (SELECT count(*) FROM invoice_line l WHERE l.invoice_id = i.id AND l.amount_cents <> l.quantity * l.unit_price_cents) AS bad_lines,
             (SELECT count(*) FROM family_account a WHERE a.family_id = i.family_id AND a.regie_id = i.regie_id) AS account
           FROM invoice i JOIN regie r ON r.id = i.regie_id`,
        )
        .all() as {
        number: string;
        refdet: string;
        regie_code: string;
        label: string;
        period: string;
        issue_date: string;
        due_date: string;
        amount_cents: number;
        paid_cents: number;
        paid_outside_cents: number;
        status: InvoiceStatus;
        lines_total: number;
        bad_lines: number;
        account: number;
      }[];
      const families = db.prepare('SELECT count(*) FROM family').pluck().get() as number;
      expect(families).toBe(300);
      // About ten invoices per family over six months, as the benchmark base assumes.
      expect(invoices.length / families).toBeGreaterThan(7);
      expect(invoices.length / families).toBeLessThan(13);

      const states = new Set(
        invoices.map((i) => invoiceState(i.status, i.amount_cents, i.paid_cents)),
      );
      expect([...states].sort()).toEqual([...invoiceStates].sort());

      const periods = new Set(invoices.map((i) => i.period));
      expect([...periods].sort()).toEqual([
        '2025-09',
        '2025-10',
        '2025-11',
        '2025-12',
        '2026-01',
        '2026-02',
      ]);
      for (const i of invoices) {
        expect(i.amount_cents).toBeGreaterThan(0);
        expect(i.lines_total).toBe(i.amount_cents);
        expect(i.bad_lines).toBe(0);
        expect(i.account).toBe(1);
        expect(i.paid_cents).toBeGreaterThanOrEqual(0);
        expect(i.paid_cents).toBeLessThanOrEqual(i.amount_cents);
        // Settlements before the demo's date are history imported from outside the register.
        expect(i.paid_outside_cents).toBe(i.paid_cents);
        expect(i.number).toMatch(new RegExp(`^20\\d\\d-${i.regie_code}-\\d{6}$`));
        expect(i.refdet).toMatch(/^[A-Z0-9]{6,30}$/);
        expect(i.refdet.startsWith(i.number.replace(/-/g, ''))).toBe(true);
        expect(i.label).toMatch(
          /^[A-ZÀ-Ü ,]+ (JANVIER|FÉVRIER|MARS|AVRIL|MAI|JUIN|JUILLET|AOÛT|SEPTEMBRE|OCTOBRE|NOVEMBRE|DÉCEMBRE) 20\d\d$/,
        );
        expect(i.issue_date > `${i.period}-31`).toBe(true);
        expect(i.issue_date <= '2026-03-16').toBe(true);
        const days = (Date.parse(i.due_date) - Date.parse(i.issue_date)) / 86_400_000;
        expect(days).toBe(30);
        if (i.status === 'annulee') expect(i.paid_cents).toBe(0);
      }
      expect(new Set(invoices.map((i) => i.number)).size).toBe(invoices.length);
      expect(new Set(invoices.map((i) => i.refdet)).size).toBe(invoices.length);
      // The most recent invoices are not yet due, so none of them is en trésorerie.
      const latest = invoices.filter((i) => i.period === '2026-02');
      expect(latest.some((i) => i.status === 'tresorerie')).toBe(false);
      expect(
        latest.filter((i) => i.paid_cents === 0 && i.status === 'emise').length,
      ).toBeGreaterThan(latest.length / 3);
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('gives realistic families: codes, names, one or two responsables, children of school or crèche age', async () => {
    const db = await demoDb({ families: 200 });
    try {
      const codes = db.prepare('SELECT code, family_name FROM family ORDER BY id').all() as {
        code: string;
        family_name: string;
      }[];
      expect(codes.slice(0, 5).map((f) => f.family_name)).toEqual([
        'Lefèvre',
        "N'Diaye",
        'Da Silva',
        'Le Gall',
        'Müller-Petit',
      ]);
      for (const f of codes) expect(f.code).toMatch(/^[A-Z]{3}-\d{5}$/);
      expect(codes[0]!.code.startsWith('LEF-')).toBe(true);
      expect(codes[1]!.code.startsWith('NDI-')).toBe(true);
      const perFamily = db
        .prepare('SELECT family_id, count(*) AS n FROM responsable GROUP BY family_id')
        .all() as { n: number }[];
      expect(perFamily).toHaveLength(200);
      expect(perFamily.every((r) => r.n === 1 || r.n === 2)).toBe(true);
      const resp = db
        .prepare('SELECT civility, email, phone_mobile, postal_code FROM responsable')
        .all() as {
        civility: string;
        email: string | null;
        phone_mobile: string | null;
        postal_code: string;
      }[];
      for (const r of resp) {
        expect(['M.', 'Mme']).toContain(r.civility);
        if (r.email) expect(r.email).toMatch(/^[a-z0-9.-]+@example\.(org|net|com)$/);
        if (r.phone_mobile) expect(r.phone_mobile).toMatch(/^06 39 98 \d\d \d\d$/);
        expect(r.postal_code).toMatch(/^49\d{3}$/);
      }
      const children = db.prepare('SELECT birth_date, school FROM child').all() as {
        birth_date: string;
        school: string | null;
      }[];
      const today = Date.parse('2026-03-16');
      for (const c of children) {
        const years = (today - Date.parse(c.birth_date)) / (365.25 * 86_400_000);
        expect(years).toBeGreaterThan(0.2);
        expect(years).toBeLessThan(12.1);
        if (c.school?.startsWith('Multi-accueil') || c.school?.startsWith('Crèche'))
          expect(years).toBeLessThan(3);
        if (c.school?.startsWith('École maternelle')) expect(years).toBeGreaterThanOrEqual(3);
      }
    } finally {
      db.close();
    }
  });

  it('writes the search index exactly as the triggers would, and leaves schema and pragmas as they were', async () => {
    const db = openSqlite(':memory:');
    try {
      await migrate(db, shipped);
      const before = schema(db);
      const sync = db.pragma('synchronous', { simple: true });
      await generateDemo(db, BASE);
      // The triggers dropped for the bulk insert are back, with the same SQL.
      expect(schema(db)).toEqual(before);
      expect(db.pragma('synchronous', { simple: true })).toBe(sync);

      const snapshot = () =>
        db.prepare('SELECT rowid, code, names, children FROM family_search ORDER BY rowid').all();
      const written = snapshot();
      expect(written).toHaveLength(BASE.families);
      // Touching every row fires the update triggers, which recompute each family's entry.
      db.exec('UPDATE family SET family_name = family_name');
      db.exec('UPDATE child SET first_name = first_name');
      expect(snapshot()).toEqual(written);
      // And the triggers still work after generation: a new child is indexed.
      db.prepare(
        "INSERT INTO child (family_id, first_name, last_name, birth_date) VALUES (1, 'Zéphyrine', 'Lefèvre', '2020-01-01')",
      ).run();
      expect(
        db
          .prepare("SELECT rowid FROM family_search WHERE family_search MATCH 'zephyrine'")
          .pluck()
          .all(),
      ).toEqual([1]);
    } finally {
      db.close();
    }
  });

  it('refuses to generate into a database that already has a commune, and changes nothing', async () => {
    const db = await demoDb({ families: 5 });
    try {
      const digest = contentDigest(db);
      await expect(generateDemo(db, BASE)).rejects.toThrow(/déjà une commune/);
      expect(contentDigest(db)).toBe(digest);
    } finally {
      db.close();
    }
  });

  it('refuses a nonsensical size or date', async () => {
    const db = openSqlite(':memory:');
    try {
      await migrate(db, shipped);
      await expect(generateDemo(db, { ...BASE, families: 0 })).rejects.toThrow(
        /Nombre de familles invalide/,
      );
      await expect(generateDemo(db, { ...BASE, today: '16/03/2026' })).rejects.toThrow(
        /AAAA-MM-JJ/,
      );
      expect(db.prepare('SELECT count(*) FROM commune').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('keeps every régie described in the demo (SCO, PEN, SPO)', () => {
    expect(demoRegies.map((r) => r.code)).toEqual(['SCO', 'PEN', 'SPO']);
  });
});
