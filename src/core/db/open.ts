import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens the ledger with the settings that keep every recorded payment on disk: WAL for
 * concurrent readers, foreign keys enforced, and synchronous=FULL so a commit survives a power
 * cut, not just a crash of the process.
 */
export function openSqlite(
  file: string,
  options: { nativeBinding?: string } = {},
): Database.Database {
  const sqlite = new Database(
    file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // Without this, INSERT OR REPLACE deletes the conflicting row without firing the DELETE
  // triggers that guard the ledger, so an immutable record could be silently rewritten.
  sqlite.pragma('recursive_triggers = ON');
  return sqlite;
}

export function wrapDrizzle(sqlite: Database.Database): Db {
  return drizzle({ client: sqlite, schema }) as Db;
}
