// Opens the portal's database: a real PostgreSQL server when a connection string is given
// (DATABASE_URL), otherwise PGlite, PostgreSQL compiled to WebAssembly, embedded in a data
// folder so that `npm run portal` needs no installation. Both speak the same SQL, run the same
// migrations and are used through the same drizzle API; the tests run on both.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from 'pino';
import { PortalError } from '../errors';
import { portalText } from '../messages';
import * as schema from './schema';
import {
  loadPortalMigrations,
  migratePortal,
  type PortalMigrationReport,
  type RawSession,
} from './migrate';

export type PortalDb = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface PortalDatabase {
  kind: 'pglite' | 'postgres';
  db: PortalDb;
  /** Runs fn on one connection, for plain SQL (migrations, tests). */
  withSession<T>(fn: (s: RawSession) => Promise<T>): Promise<T>;
  migration: PortalMigrationReport;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  /** dataDir null: in memory, for tests. */
  | { kind: 'pglite'; dataDir: string | null };

export interface OpenPortalOptions {
  target: DatabaseTarget;
  log?: Logger;
  migrationsDir?: string;
  now?: () => Date;
}

function pgliteSession(client: PGlite): RawSession {
  return {
    async exec(sqlText) {
      await client.exec(sqlText);
    },
    async query<T extends Record<string, unknown>>(sqlText: string, params?: unknown[]) {
      return (await client.query<T>(sqlText, params)).rows;
    },
  };
}

function pgSession(client: pg.PoolClient): RawSession {
  return {
    async exec(sqlText) {
      await client.query(sqlText);
    },
    async query<T extends Record<string, unknown>>(sqlText: string, params?: unknown[]) {
      return (await client.query<T>(sqlText, params)).rows;
    },
  };
}

// PGlite keeps its files in one folder that a second process would corrupt: nothing in PGlite
// stops that, so the portal holds a lock file naming its process while the folder is open.
function acquireFolderLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'portal.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = (err as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive) {
        throw new PortalError(500, 'DOSSIER_OCCUPE', portalText.folderInUse(dataDir, pid));
      }
      // The process that wrote the lock is gone (crash, kill -9): the folder is free.
      rmSync(lockPath, { force: true });
    }
  }
  throw new PortalError(500, 'DOSSIER_OCCUPE', portalText.folderInUse(dataDir, 0));
}

export async function openPortalDatabase(opts: OpenPortalOptions): Promise<PortalDatabase> {
  const shipped = loadPortalMigrations(opts.migrationsDir);
  const { target } = opts;

  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would end the process. The next query simply gets a fresh connection.
    pool.on('error', (e) => opts.log?.warn({ err: e }, portalText.poolError));
    const withSession = async <T>(fn: (s: RawSession) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        return await fn(pgSession(client));
      } finally {
        client.release();
      }
    };
    try {
      const migration = await withSession(async (s) => {
        const report = await migratePortal(s, shipped, {
          beforeApplying: async (pending, before) => {
            if (before > 0)
              opts.log?.warn({ pending: pending.map((m) => m.tag) }, portalText.pgBackupAdvice);
          },
        });
        return report;
      });
      const db: PortalDb = drizzlePg({ client: pool, schema });
      return { kind: 'postgres', db, withSession, migration, close: () => pool.end() };
    } catch (e) {
      await pool.end();
      throw e;
    }
  }

  let release = () => {};
  let pgliteDir: string | undefined;
  if (target.dataDir) {
    mkdirSync(target.dataDir, { recursive: true, mode: 0o700 });
    release = acquireFolderLock(target.dataDir);
    pgliteDir = path.join(target.dataDir, 'pgdata');
  }
  let client: PGlite | undefined;
  try {
    client = pgliteDir ? new PGlite(pgliteDir) : new PGlite();
    await client.waitReady;
    const session = pgliteSession(client);
    const opened = client;
    const migration = await migratePortal(session, shipped, {
      beforeApplying: async (pending, before) => {
        if (before === 0 || !target.dataDir) return;
        // A copy of the whole database before it changes shape, as the register does.
        const backupDir = path.join(target.dataDir, 'sauvegardes');
        mkdirSync(backupDir, { recursive: true, mode: 0o700 });
        const stamp = (opts.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
        const file = path.join(backupDir, `avant-migration-${before}-${stamp}.tar.gz`);
        if (existsSync(file)) throw new Error(`Sauvegarde déjà présente : ${file}`);
        const dump = await opened.dumpDataDir('gzip');
        writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
        opts.log?.info({ file, pending: pending.map((m) => m.tag) }, portalText.backupWritten);
      },
    });
    const db: PortalDb = drizzlePglite({ client: opened, schema });
    return {
      kind: 'pglite',
      db,
      withSession: (fn) => fn(session),
      migration,
      close: async () => {
        await opened.close();
        release();
      },
    };
  } catch (e) {
    await client?.close().catch(() => {});
    release();
    throw e;
  }
}
