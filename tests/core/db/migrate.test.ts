// The start-up migration guard on real database files: a fresh database gets the full schema
// with the ledger's pragmas; a database from a newer version, or whose applied migrations differ
// from the shipped ones, is refused and left byte for byte as it was; a database with data is
// backed up before being migrated; and every shipped migration applies on its own.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, openCore } from '../../../src/core/core';
import { DomainError } from '../../../src/core/errors';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { openSqlite } from '../../../src/core/db/open';
import { tempDir } from '../demo/demo-core';

const shipped = loadShippedMigrations(defaultMigrationsDir());
const silent = pino({ level: 'silent' });
const dirs: string[] = [];

function newFile(): { dir: string; file: string } {
  const dir = tempDir('guichet-migrate-');
  dirs.push(dir);
  return { dir, file: path.join(dir, 'guichet.sqlite') };
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function names(db: Database.Database, type: string): string[] {
  return (
    db.prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name').all(type) as {
      name: string;
    }[]
  ).map((r) => r.name);
}

function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map(
    (c) => c.name,
  );
}

/** A file database migrated with the shipped list, then closed (WAL checkpointed). */
async function migratedFile(list = shipped) {
  const f = newFile();
  const db = openSqlite(f.file);
  await migrate(db, list);
  return { ...f, db };
}

async function expectRefused(file: string, pattern: RegExp) {
  const before = sha(file);
  const err = await openCore({ dbFile: file, logger: silent }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('BASE_INCOMPATIBLE');
  expect((err as DomainError).message).toMatch(pattern);
  expect((err as DomainError).message).toMatch(/la base n’a pas été modifiée/);
  expect(sha(file)).toBe(before);
  expect(existsSync(path.join(path.dirname(file), 'sauvegardes'))).toBe(false);
}

describe('a new database', () => {
  it('gets every table, column, index, the search index and its triggers, and the ledger pragmas', async () => {
    const { file } = newFile();
    const core = await openCore({ dbFile: file, logger: silent });
    try {
      const db = core.sqlite;
      expect(core.migration.applied).toEqual(shipped.map((m) => m.tag));
      expect(core.migration.backupPath).toBeNull();

      const tables = names(db, 'table');
      for (const t of [
        '_migrations',
        'agent',
        'child',
        'commune',
        'family',
        'family_account',
        'family_search',
        'invoice',
        'invoice_line',
        'poste',
        'regie',
        'responsable',
        'setting',
      ]) {
        expect(tables).toContain(t);
      }
      // FTS5 keeps its data in shadow tables next to the virtual table.
      expect(tables).toEqual(expect.arrayContaining(['family_search_data', 'family_search_idx']));
      const fts = db
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'family_search'")
        .get() as { sql: string };
      expect(fts.sql).toMatch(/USING fts5/i);
      expect(fts.sql).toMatch(/remove_diacritics 2/);
      expect(fts.sql).toMatch(/prefix = '1 2 3'/);

      expect(columns(db, 'invoice')).toEqual(
        expect.arrayContaining([
          'id',
          'number',
          'regie_id',
          'family_id',
          'label',
          'period',
          'issue_date',
          'due_date',
          'amount_cents',
          'paid_cents',
          'refdet',
          'status',
          'source',
        ]),
      );
      expect(columns(db, 'regie')).toEqual(
        expect.arrayContaining([
          'code',
          'numcli',
          'payfip_saisie',
          'accepted_modes',
          'cash_ceiling_cents',
          'float_cents',
          'creditor_label',
          'allow_credit',
        ]),
      );
      expect(columns(db, 'responsable')).toEqual(
        expect.arrayContaining([
          'family_id',
          'rank',
          'civility',
          'last_name',
          'first_name',
          'postal_code',
          'city',
          'email',
          'phone_mobile',
        ]),
      );

      expect(names(db, 'index')).toEqual(
        expect.arrayContaining([
          'agent_login_uq',
          'family_code_uq',
          'invoice_number_uq',
          'invoice_refdet_uq',
          'invoice_family_regie_ix',
          'invoice_line_uq',
          'child_family_ix',
          'family_account_uq',
          'responsable_family_rank_uq',
          'regie_code_uq',
          'poste_code_uq',
        ]),
      );
      expect(names(db, 'trigger')).toEqual(
        expect.arrayContaining([
          'family_search_family_ai',
          'family_search_family_au',
          'family_search_resp_ai',
          'family_search_resp_au',
          'family_search_child_ai',
          'family_search_child_au',
        ]),
      );

      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('user_version', { simple: true })).toBe(shipped.length);
      expect(core.migration.schemaVersion).toBe(shipped.length);

      const rows = db.prepare('SELECT idx, tag, hash FROM _migrations ORDER BY idx').all();
      expect(rows).toEqual(shipped.map((m, idx) => ({ idx, tag: m.tag, hash: m.hash })));
    } finally {
      core.close();
    }
  });

  it('enforces the invoice constraints the schema promises (refdet, amounts, foreign keys)', async () => {
    const { db } = await migratedFile();
    try {
      db.exec(`INSERT INTO commune (id, name, address_line, postal_code, city) VALUES (1, 'C', 'a', '00000', 'c');
        INSERT INTO regie (id, commune_id, code, name, accepted_modes, cash_ceiling_cents, float_cents, creditor_label, service_name, service_address)
          VALUES (1, 1, 'SCO', 'R', '[]', 0, 0, 'x', 's', 'a');
        INSERT INTO family (id, code, family_name) VALUES (1, 'ABC-00001', 'Abc');`);
      const insert = db.prepare(
        `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, source)
         VALUES (?, 1, ?, 'L', '2026-01', '2026-02-05', '2026-03-07', ?, ?, 'demo')`,
      );
      expect(() => insert.run('N1', 1, 100, 'ABC12')).toThrow(
        /CHECK constraint failed: invoice_refdet_ck/,
      );
      expect(() => insert.run('N1', 1, 100, 'ABC-123')).toThrow(/invoice_refdet_ck/);
      expect(() => insert.run('N1', 1, 100, 'A'.repeat(31))).toThrow(/invoice_refdet_ck/);
      expect(() => insert.run('N1', 1, 0, 'ABC123')).toThrow(/invoice_amount_ck/);
      expect(() => insert.run('N1', 99, 100, 'ABC123')).toThrow(/FOREIGN KEY/);
      insert.run('N1', 1, 100, 'ABC123');
      expect(() => insert.run('N1', 1, 100, 'ABC124')).toThrow(
        /UNIQUE constraint failed: invoice.number/,
      );
      expect(() => insert.run('N2', 1, 100, 'ABC123')).toThrow(
        /UNIQUE constraint failed: invoice.refdet/,
      );
    } finally {
      db.close();
    }
  });
});

describe('the migration guard', () => {
  it('refuses a database created by a newer version and leaves the file untouched', async () => {
    const { file, db } = await migratedFile();
    db.prepare('INSERT INTO _migrations (idx, tag, hash, applied_at) VALUES (?, ?, ?, ?)').run(
      shipped.length,
      '9999_from_the_future',
      'f'.repeat(64),
      '2030-01-01T00:00:00.000Z',
    );
    db.close();
    await expectRefused(file, /version plus récente de Guichet/);
  });

  it('refuses a database whose applied migration has another hash', async () => {
    const { file, db } = await migratedFile();
    db.prepare('UPDATE _migrations SET hash = ? WHERE idx = 0').run('0'.repeat(64));
    db.close();
    await expectRefused(file, /migration n°0 appliquée \(0000_foundation\) diffère/);
  });

  it('refuses a database whose applied migration has another tag', async () => {
    const { file, db } = await migratedFile(shipped.slice(0, 1));
    db.prepare('UPDATE _migrations SET tag = ? WHERE idx = 0').run('0000_autre_chose');
    db.close();
    await expectRefused(file, /\(0000_autre_chose\) diffère de celle livrée \(0000_foundation\)/);
  });

  it('backs up a database holding data before migrating it, and the backup is the old version', async () => {
    const { file, dir, db } = await migratedFile(shipped.slice(0, 1));
    db.prepare(
      "INSERT INTO commune (name, address_line, postal_code, city) VALUES ('Ancienne', '1 rue', '49100', 'Ville')",
    ).run();
    db.close();

    const now = new Date('2026-03-16T09:30:00.000Z');
    const core = await openCore({ dbFile: file, logger: silent, now: () => now });
    try {
      expect(core.migration.applied).toEqual(shipped.slice(1).map((m) => m.tag));
      const backup = core.migration.backupPath;
      expect(backup).not.toBeNull();
      expect(path.dirname(backup!)).toBe(path.join(dir, 'sauvegardes'));
      expect(path.basename(backup!)).toBe('avant-migration-1-2026-03-16T09-30-00-000Z.sqlite');
      expect(readdirSync(path.join(dir, 'sauvegardes'))).toEqual([path.basename(backup!)]);

      const old = new Database(backup!, { readonly: true });
      try {
        expect(old.prepare('SELECT tag FROM _migrations').pluck().all()).toEqual([shipped[0]!.tag]);
        expect(old.prepare('SELECT name FROM commune').pluck().all()).toEqual(['Ancienne']);
        expect(
          old
            .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'family_search'")
            .pluck()
            .get(),
        ).toBe(0);
      } finally {
        old.close();
      }
      expect(core.sqlite.prepare('SELECT name FROM commune').pluck().all()).toEqual(['Ancienne']);
      expect(core.sqlite.pragma('user_version', { simple: true })).toBe(shipped.length);
    } finally {
      core.close();
    }
  });

  it('writes no backup and applies nothing when the database is up to date', async () => {
    const { file, dir, db } = await migratedFile();
    db.close();
    const schema = () => {
      const check = new Database(file, { readonly: true });
      try {
        return check.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
      } finally {
        check.close();
      }
    };
    const before = schema();
    const core = await openCore({ dbFile: file, logger: silent });
    // The start itself is journaled (demarrage): the file changes by that entry only.
    expect(core.sqlite.prepare('SELECT kind FROM tech_journal_entry').pluck().all()).toEqual([
      'demarrage',
    ]);
    core.close();
    expect(core.migration.applied).toEqual([]);
    expect(core.migration.backupPath).toBeNull();
    expect(existsSync(path.join(dir, 'sauvegardes'))).toBe(false);
    expect(schema()).toEqual(before);
  });

  it.each(shipped.map((m, i) => [i + 1, m.tag] as const))(
    'applies the first %i migration(s) alone (up to %s), then the rest on top',
    async (k) => {
      const { file, db } = await migratedFile(shipped.slice(0, k));
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(k);
        expect(db.prepare('SELECT tag FROM _migrations ORDER BY idx').pluck().all()).toEqual(
          shipped.slice(0, k).map((m) => m.tag),
        );
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const report = await migrate(db, shipped);
        expect(report.applied).toEqual(shipped.slice(k).map((m) => m.tag));
        expect(db.pragma('user_version', { simple: true })).toBe(shipped.length);
      } finally {
        db.close();
      }
      // The schema reached step by step is the schema of a fresh database.
      const fresh = await migratedFile();
      const schemaOf = (d: Database.Database) =>
        d
          .prepare(
            "SELECT type, name, sql FROM sqlite_master WHERE name <> '_migrations' ORDER BY type, name",
          )
          .all();
      const stepwise = new Database(file, { readonly: true });
      try {
        expect(schemaOf(stepwise)).toEqual(schemaOf(fresh.db));
      } finally {
        stepwise.close();
        fresh.db.close();
      }
    },
  );
});
