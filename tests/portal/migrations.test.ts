// The portal's migrations and their start-up guard, on PGlite: a database that knows more
// migrations than shipped, or other ones, is refused untouched; a failing migration leaves the
// previous version; the data folder is locked against a second process and backed up before a
// migration changes it; and the register's own migration list ignores the portal's folder.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShippedMigrations } from '../../src/core/db/migrate';
import {
  defaultMigrationsDir,
  loadPortalMigrations,
  migratePortal,
  type RawSession,
  type ShippedMigration,
} from '../../src/portal/db/migrate';
import { openPortalDatabase } from '../../src/portal/db/open';
import { silentLog } from './helpers/portal-fixture';

const shipped = loadPortalMigrations();

describe('migrations du portail', () => {
  let client: PGlite;
  let session: RawSession;

  beforeAll(async () => {
    client = new PGlite();
    await client.waitReady;
    session = {
      exec: async (s) => {
        await client.exec(s);
      },
      query: async (s, p) => (await client.query<never>(s, p)).rows,
    };
  });
  afterAll(async () => {
    await client?.close();
  });

  const applied = async () =>
    (
      await client.query<{ tag: string }>('SELECT tag FROM portal_migrations ORDER BY idx')
    ).rows.map((r) => r.tag);

  it('applique les migrations livrées dans l’ordre, puis plus rien au démarrage suivant', async () => {
    // The first ones, in order; later versions append to the list (counted below as shipped).
    expect(shipped.map((m) => m.tag).slice(0, 5)).toEqual([
      '0000_foundation',
      '0001_change_feed',
      '0002_family_web',
      '0003_payfip',
      '0004_set_based_flush',
    ]);
    const first = await migratePortal(session, shipped);
    expect(first).toMatchObject({
      applied: shipped.map((m) => m.tag),
      before: 0,
      schemaVersion: shipped.length,
    });
    const second = await migratePortal(session, shipped);
    expect(second.applied).toEqual([]);
    expect(await applied()).toEqual(shipped.map((m) => m.tag));
  });

  it('refuse une base créée par une version plus récente, sans la modifier', async () => {
    await expect(migratePortal(session, shipped.slice(0, 1))).rejects.toMatchObject({
      code: 'BASE_INCOMPATIBLE',
      message: expect.stringContaining(
        `version plus récente de Guichet (${shipped.length} migrations, cette version en connaît 1)`,
      ),
    });
    expect(await applied()).toHaveLength(shipped.length);
  });

  it('refuse une base dont une migration appliquée diffère de celle livrée', async () => {
    const tampered: ShippedMigration[] = shipped.map((m, i) =>
      i === 1 ? { ...m, hash: '0'.repeat(64) } : m,
    );
    await expect(migratePortal(session, tampered)).rejects.toMatchObject({
      code: 'BASE_INCOMPATIBLE',
      message: expect.stringMatching(/migration n°1 appliquée \(0001_change_feed\) diffère/),
    });
    const renamed = shipped.map((m, i) => (i === 0 ? { ...m, tag: '0000_autre' } : m));
    await expect(migratePortal(session, renamed)).rejects.toMatchObject({
      code: 'BASE_INCOMPATIBLE',
    });
  });

  it('une migration qui échoue est annulée en entier et la version ne bouge pas', async () => {
    const broken: ShippedMigration = {
      tag: `${String(shipped.length).padStart(4, '0')}_broken`,
      sql: 'CREATE TABLE half_done (id int);\nSELECT * FROM table_qui_n_existe_pas;',
      hash: 'x',
    };
    await expect(migratePortal(session, [...shipped, broken])).rejects.toThrow(
      /table_qui_n_existe_pas/,
    );
    expect(await applied()).toHaveLength(shipped.length);
    const leftover = await client.query("SELECT to_regclass('half_done') AS t");
    expect(leftover.rows[0]).toEqual({ t: null });
  });

  it('la liste des migrations du registre (SQLite) ignore le dossier migrations/portal', () => {
    const registerDir = path.resolve(defaultMigrationsDir, '..');
    const register = loadShippedMigrations(registerDir);
    expect(register.length).toBeGreaterThan(0);
    const portalHashes = new Set(shipped.map((m) => m.hash));
    expect(register.some((m) => portalHashes.has(m.hash) || m.tag.endsWith('change_feed'))).toBe(
      false,
    );
    expect(() => loadPortalMigrations(registerDir)).toThrow(/migrations PostgreSQL du portail/);
  });
});

describe('dossier de données PGlite', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-portal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verrouille le dossier contre un second processus et sauvegarde la base avant une migration', async () => {
    const dataDir = path.join(dir, 'data');
    const first = await openPortalDatabase({ target: { kind: 'pglite', dataDir }, log: silentLog });
    try {
      expect(first.migration.applied).toHaveLength(shipped.length);
      expect(readFileSync(path.join(dataDir, 'portal.lock'), 'utf8')).toBe(String(process.pid));
      await expect(
        openPortalDatabase({ target: { kind: 'pglite', dataDir }, log: silentLog }),
      ).rejects.toMatchObject({
        code: 'DOSSIER_OCCUPE',
        message: expect.stringMatching(/déjà utilisé par un autre processus du portail/),
      });
      await first.withSession((s) =>
        s.exec(
          "INSERT INTO commune (name, address_line, postal_code, city) VALUES ('Ville', 'a', '1', 'c')",
        ),
      );
    } finally {
      await first.close();
    }
    expect(existsSync(path.join(dataDir, 'portal.lock'))).toBe(false);

    // A later version ships one more migration: the folder is backed up before it is applied.
    const newer = path.join(dir, 'migrations');
    cpSync(defaultMigrationsDir, newer, { recursive: true });
    const later = `${String(shipped.length).padStart(4, '0')}_later`;
    writeFileSync(path.join(newer, `${later}.sql`), 'ALTER TABLE commune ADD COLUMN motto text;');
    const journalPath = path.join(newer, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: object[] };
    journal.entries.push({
      idx: shipped.length,
      version: '7',
      when: 0,
      tag: later,
      breakpoints: true,
    });
    writeFileSync(journalPath, JSON.stringify(journal));

    const now = new Date('2026-03-10T09:00:00.000Z');
    const second = await openPortalDatabase({
      target: { kind: 'pglite', dataDir },
      log: silentLog,
      migrationsDir: newer,
      now: () => now,
    });
    try {
      expect(second.migration).toMatchObject({ applied: [later], before: shipped.length });
      const rowsLeft = await second.withSession((s) =>
        s.query<{ name: string }>('SELECT name FROM commune'),
      );
      expect(rowsLeft).toEqual([{ name: 'Ville' }]);
    } finally {
      await second.close();
    }
    const backups = readdirSync(path.join(dataDir, 'sauvegardes'));
    expect(backups).toEqual([`avant-migration-${shipped.length}-2026-03-10T09-00-00-000Z.tar.gz`]);
    // The backup is a real dump of the data folder (a gzipped tar of PostgreSQL's files).
    const dump = gunzipSync(readFileSync(path.join(dataDir, 'sauvegardes', backups[0]!))).toString(
      'latin1',
    );
    expect(dump).toContain('PG_VERSION');
    expect(dump).toContain('global/pg_control');
    // Three PGlite start-ups on disk: slow on a loaded machine, but each one is what is tested.
  }, 180_000);
});
