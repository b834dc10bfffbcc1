// Start-up migration guard. drizzle's own migrator applies every file newer than the last one
// applied and silently skips a file slotted in before it; a register holding public money must
// instead refuse to run on a database it does not fully understand. So: the list of applied
// migrations (tag and SHA-256 of the SQL) must be a prefix of the shipped list; a database that
// knows migrations we do not ship comes from a newer version and is refused; before applying
// anything to a database that has data, a backup is written next to it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { DomainError } from '../errors';

export interface ShippedMigration {
  tag: string;
  sql: string;
  hash: string;
}

interface JournalFile {
  entries: { idx: number; tag: string }[];
}

export function loadShippedMigrations(dir: string): ShippedMigration[] {
  const journal = JSON.parse(
    readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8'),
  ) as JournalFile;
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const sql = readFileSync(path.join(dir, `${tag}.sql`), 'utf8');
      return { tag, sql, hash: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrationReport {
  applied: string[];
  backupPath: string | null;
  schemaVersion: number;
}

export async function migrate(
  db: Database.Database,
  shipped: ShippedMigration[],
  opts: { backupDir?: string; now?: () => Date } = {},
): Promise<MigrationReport> {
  db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
    idx INTEGER PRIMARY KEY,
    tag TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = db.prepare('SELECT idx, tag, hash FROM _migrations ORDER BY idx').all() as {
    idx: number;
    tag: string;
    hash: string;
  }[];

  if (applied.length > shipped.length) {
    throw new DomainError(
      'BASE_INCOMPATIBLE',
      `Cette base de données a été créée par une version plus récente de Guichet (${applied.length} migrations, cette version en connaît ${shipped.length}). Installez la dernière version de Guichet ; la base n’a pas été modifiée.`,
    );
  }
  applied.forEach((row, i) => {
    const expected = shipped[i];
    if (!expected || row.idx !== i || row.tag !== expected.tag || row.hash !== expected.hash) {
      throw new DomainError(
        'BASE_INCOMPATIBLE',
        `La base de données ne correspond pas à cette version de Guichet : la migration n°${i} appliquée (${row.tag}) diffère de celle livrée (${expected?.tag ?? 'aucune'}). Contactez le support ; la base n’a pas été modifiée.`,
      );
    }
  });

  const pending = shipped.slice(applied.length);
  let backupPath: string | null = null;
  const hasData =
    applied.length > 0 &&
    (
      db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
        n: number;
      }
    ).n > 1;
  if (pending.length > 0 && hasData && opts.backupDir) {
    mkdirSync(opts.backupDir, { recursive: true });
    const stamp = (opts.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    backupPath = path.join(opts.backupDir, `avant-migration-${applied.length}-${stamp}.sqlite`);
    if (existsSync(backupPath)) throw new Error(`Sauvegarde déjà présente : ${backupPath}`);
    await db.backup(backupPath);
  }

  const insert = db.prepare(
    'INSERT INTO _migrations (idx, tag, hash, applied_at) VALUES (?, ?, ?, ?)',
  );
  for (const [offset, m] of pending.entries()) {
    const idx = applied.length + offset;
    // One transaction per migration: a failure leaves the database at the previous version.
    db.transaction(() => {
      db.exec(m.sql);
      insert.run(idx, m.tag, m.hash, new Date().toISOString());
      db.pragma(`user_version = ${idx + 1}`);
    })();
  }
  return { applied: pending.map((m) => m.tag), backupPath, schemaVersion: shipped.length };
}
