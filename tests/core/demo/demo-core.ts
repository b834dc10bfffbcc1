// A core on a temporary file seeded with the demo commune at a fixed date, so the demo content
// (and therefore every name, code and invoice the tests look up) is the same on every run.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import type { HandlerName, Input } from '../../../src/shared/contract';

export const DEMO_NOW = new Date('2026-03-16T09:30:00.000Z');

export interface DemoCore {
  core: Core;
  sqlite: Database.Database;
  dir: string;
  dbFile: string;
  login(login: string, password: string): Promise<string>;
  send<K extends HandlerName>(
    name: K,
    args: Input<K> | Record<string, unknown>,
    token: string | null,
  ): ReturnType<Core['send']>;
  close(): void;
}

export function tempDir(prefix = 'guichet-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function openDemoCore(): Promise<DemoCore> {
  const dir = tempDir();
  const dbFile = path.join(dir, 'guichet.sqlite');
  const core = await openCore({
    dbFile,
    seed: 'demo',
    now: () => DEMO_NOW,
    logger: pino({ level: 'silent' }),
  });
  return {
    core,
    sqlite: core.sqlite,
    dir,
    dbFile,
    async login(login, password) {
      const r = await core.send('auth.login', { login, password }, null);
      if (!r.ok) throw new Error(`connexion refusée pour ${login} : ${r.error.message}`);
      return (r.value as { token: string }).token;
    },
    send: (name, args, token) => core.send(name, args, token),
    close() {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A digest of every table's rows in rowid order, FTS shadow tables included. Agents' password
 * hashes (random salts) and migration timestamps are the only columns left out.
 */
export function contentDigest(
  sqlite: Database.Database,
  opts: { skipTables?: readonly string[] } = {},
): string {
  const tables = (
    sqlite
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_migrations' ORDER BY name",
      )
      .all() as { name: string }[]
  )
    .map((t) => t.name)
    .filter((t) => !opts.skipTables?.includes(t));
  const h = createHash('sha256');
  for (const t of tables) {
    h.update(`\n#${t}\n`);
    const rows = sqlite.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][];
    for (const row of rows) {
      const cols =
        t === 'agent'
          ? row.filter((v) => !(typeof v === 'string' && v.startsWith('scrypt$')))
          : row;
      h.update(
        JSON.stringify(cols, (_k, v: unknown) =>
          v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
        ),
      );
      h.update('\n');
    }
  }
  return h.digest('hex');
}
