// Start-up migration guard of the portal, on the model of the register's (core/db/migrate.ts):
// drizzle's own migrator applies whatever is newer than the last applied file and skips a file
// slotted in before it, so the portal keeps its own list (tag and SHA-256 of the SQL) and
// refuses a database whose applied list is not a prefix of the shipped one, which is what a
// database touched by a newer portal looks like. Each migration runs in its own transaction;
// an advisory lock keeps two portal processes starting together on one PostgreSQL server from
// migrating at the same time.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortalError } from '../errors';
import { portalText } from '../messages';

export interface ShippedMigration {
  tag: string;
  sql: string;
  hash: string;
}

/** One connection on which plain SQL runs in order (PGlite's only one, or a pool client). */
export interface RawSession {
  exec(sqlText: string): Promise<void>;
  query<T extends Record<string, unknown>>(sqlText: string, params?: unknown[]): Promise<T[]>;
}

export const defaultMigrationsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations/portal',
);

interface JournalFile {
  dialect: string;
  entries: { idx: number; tag: string }[];
}

export function loadPortalMigrations(dir: string = defaultMigrationsDir): ShippedMigration[] {
  const journal = JSON.parse(
    readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8'),
  ) as JournalFile;
  if (journal.dialect !== 'postgresql') {
    throw new Error(`${dir} ne contient pas les migrations PostgreSQL du portail.`);
  }
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const sql = readFileSync(path.join(dir, `${tag}.sql`), 'utf8');
      return { tag, sql, hash: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Any 64-bit constant will do, as long as nothing else on the server uses it. */
const MIGRATION_LOCK = 7_420_250_002;

export interface PortalMigrationReport {
  applied: string[];
  /** Number of migrations the database had before this start. */
  before: number;
  schemaVersion: number;
}

export async function migratePortal(
  session: RawSession,
  shipped: ShippedMigration[],
  opts: { beforeApplying?: (pending: ShippedMigration[], before: number) => Promise<void> } = {},
): Promise<PortalMigrationReport> {
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS portal_migrations (
      idx integer PRIMARY KEY,
      tag text NOT NULL UNIQUE,
      hash text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await session.query<{ idx: number; tag: string; hash: string }>(
      'SELECT idx, tag, hash FROM portal_migrations ORDER BY idx',
    );
    if (applied.length > shipped.length) {
      throw new PortalError(
        500,
        'BASE_INCOMPATIBLE',
        portalText.newerDatabase(applied.length, shipped.length),
      );
    }
    applied.forEach((row, i) => {
      const expected = shipped[i];
      if (!expected || row.idx !== i || row.tag !== expected.tag || row.hash !== expected.hash) {
        throw new PortalError(
          500,
          'BASE_INCOMPATIBLE',
          portalText.divergentMigration(i, row.tag, expected?.tag ?? 'aucune'),
        );
      }
    });
    const pending = shipped.slice(applied.length);
    if (pending.length > 0 && opts.beforeApplying) {
      await opts.beforeApplying(pending, applied.length);
    }
    for (const [offset, m] of pending.entries()) {
      const idx = applied.length + offset;
      await session.exec('BEGIN');
      try {
        await session.exec(m.sql);
        await session.query('INSERT INTO portal_migrations (idx, tag, hash) VALUES ($1, $2, $3)', [
          idx,
          m.tag,
          m.hash,
        ]);
        await session.exec('COMMIT');
      } catch (e) {
        await session.exec('ROLLBACK');
        throw e;
      }
    }
    return {
      applied: pending.map((m) => m.tag),
      before: applied.length,
      schemaVersion: shipped.length,
    };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
