// The technical journal records the pre-migration backup (path and SHA-256 of the file), each
// start of the core, and a clock set back by more than two minutes.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, openCore } from '../../../src/core/core';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { openSqlite } from '../../../src/core/db/open';
import { tempDir } from '../demo/demo-core';
import { buildFixture, LOGINS, PASSWORDS, START } from '../fixtures';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newFile(): string {
  const dir = tempDir('guichet-start-');
  dirs.push(dir);
  return path.join(dir, 'guichet.sqlite');
}

type Row = { kind: string; instant: string; payload: string };
const tech = (sqlite: { prepare(sql: string): { all(): unknown[] } }) =>
  (
    sqlite
      .prepare('SELECT kind, instant, payload FROM tech_journal_entry ORDER BY seq')
      .all() as Row[]
  ).map((r) => ({
    kind: r.kind,
    instant: r.instant,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
  }));

describe('start-up events in the technical journal', () => {
  it('journals each start of the core', async () => {
    const file = newFile();
    const clock = { ms: START };
    const now = () => new Date(clock.ms);
    (await openCore({ dbFile: file, logger: silent, now })).close();
    clock.ms += 60_000;
    const core = await openCore({ dbFile: file, logger: silent, now });
    const shipped = loadShippedMigrations(defaultMigrationsDir());
    expect(tech(core.sqlite)).toEqual([
      {
        kind: 'demarrage',
        instant: new Date(START).toISOString(),
        payload: { schemaVersion: shipped.length, migrationsApplied: shipped.map((m) => m.tag) },
      },
      {
        kind: 'demarrage',
        instant: new Date(START + 60_000).toISOString(),
        payload: { schemaVersion: shipped.length, migrationsApplied: [] },
      },
    ]);
    core.close();
  });

  it('journals the pre-migration backup with the SHA-256 of the file', async () => {
    const file = newFile();
    const shipped = loadShippedMigrations(defaultMigrationsDir());
    // A database of the previous version, with data in it.
    const old = openSqlite(file);
    await migrate(old, shipped.slice(0, -1));
    old
      .prepare(
        `INSERT INTO commune (id, name, address_line, postal_code, city) VALUES (1, 'Ville', '1 place', '69100', 'Ville')`,
      )
      .run();
    old.close();
    const core = await openCore({ dbFile: file, logger: silent, now: () => new Date(START) });
    const backup = core.migration.backupPath;
    expect(backup).not.toBeNull();
    const entries = tech(core.sqlite);
    expect(entries.map((e) => e.kind)).toEqual(['sauvegarde', 'demarrage']);
    expect(entries[0]!.payload).toEqual({
      reason: 'avant_migration',
      path: backup,
      sha256: createHash('sha256').update(readFileSync(backup!)).digest('hex'),
      migrations: [shipped.at(-1)!.tag],
    });
    core.close();
  });

  it('journals a clock set back by more than two minutes, at start and while running', async () => {
    const file = newFile();
    const clock = { ms: START };
    const now = () => new Date(clock.ms);
    const first = await openCore({ dbFile: file, logger: silent, now });
    await buildFixture(first.sqlite);
    const login = await first.send(
      'auth.login',
      { login: LOGINS.mandataire, password: PASSWORDS.mandataire },
      null,
    );
    expect(login.ok).toBe(true);
    first.close();
    // One minute back is drift, not a jump.
    clock.ms = START - 60_000;
    (await openCore({ dbFile: file, logger: silent, now })).close();
    clock.ms = START - 10 * 60_000;
    const core = await openCore({ dbFile: file, logger: silent, now });
    const kinds = () => tech(core.sqlite).map((e) => e.kind);
    expect(kinds()).toEqual(['demarrage', 'demarrage', 'saut_horloge', 'demarrage']);
    expect(tech(core.sqlite)[2]!.payload).toEqual({
      lastKnownInstant: new Date(START).toISOString(),
      backwardsSeconds: 600,
    });
    // While running: forward is fine, back by three minutes is journaled once.
    clock.ms += 30 * 60_000;
    await core.send('system.status', {}, null);
    clock.ms -= 3 * 60_000;
    await core.send('system.status', {}, null);
    await core.send('system.status', {}, null);
    expect(kinds()).toEqual([
      'demarrage',
      'demarrage',
      'saut_horloge',
      'demarrage',
      'saut_horloge',
    ]);
    core.close();
  });
});
