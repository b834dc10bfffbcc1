// The checks a backup file must pass before it is kept or restored, as plain synchronous code
// on one connection. They read the whole file (half a minute for a 512 MB register), so the
// core never runs them on its own thread: backup-verify.ts hands them to a worker thread
// (verify-worker.ts) and only falls back to calling them here when no worker can be started.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ChainReport, LedgerReport } from '../../shared/contract';
import { verifyAll } from '../journal/verify';

export interface BackupCheck {
  ok: boolean;
  /** French, naming what is wrong: the SQLite check, or the first broken journal entry. */
  problem: string | null;
  operations: { lastSeq: number; lastHash: string } | null;
  technique: { lastSeq: number; lastHash: string } | null;
}

function chainProblem(label: string, c: ChainReport): string | null {
  return c.ok || !c.firstError
    ? null
    : `${label}, écriture n° ${c.firstError.seq} : ${c.firstError.message}`;
}

function ledgerProblem(l: LedgerReport): string | null {
  return l.ok || !l.firstError ? null : `Registre des paiements : ${l.firstError.message}`;
}

const failed = (problem: string): BackupCheck => ({
  ok: false,
  problem,
  operations: null,
  technique: null,
});

/**
 * SQLite's integrity_check (pages, indexes), then both journal chains and the ledger against
 * them (verifyAll).
 */
export function checkDatabase(sqlite: Database.Database): BackupCheck {
  const integrity = sqlite.pragma('integrity_check', { simple: false }) as {
    integrity_check: string;
  }[];
  const messages = integrity.map((r) => r.integrity_check);
  if (messages.length !== 1 || messages[0] !== 'ok') {
    return failed(`Fichier SQLite endommagé : ${messages.slice(0, 3).join(' ; ')}`);
  }
  let reports;
  try {
    reports = verifyAll(sqlite);
  } catch (e) {
    return failed(`Structure illisible par cette version de Guichet : ${(e as Error).message}`);
  }
  const problem =
    chainProblem('Journal des opérations', reports.operations) ??
    chainProblem('Journal des événements techniques', reports.technique) ??
    ledgerProblem(reports.ledger);
  return {
    ok: problem === null,
    problem,
    operations: { lastSeq: reports.operations.lastSeq, lastHash: reports.operations.lastHash },
    technique: { lastSeq: reports.technique.lastSeq, lastHash: reports.technique.lastHash },
  };
}

/** Opens a backup file read-only, with a connection of its own, and checks it. */
export function checkBackupFile(file: string, nativeBinding?: string): BackupCheck {
  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (e) {
    return failed(`Fichier illisible : ${(e as Error).message}`);
  }
  try {
    return checkDatabase(db);
  } catch (e) {
    // SQLite reports some damage (a page that is not a b-tree page, a truncated file) by
    // throwing rather than through integrity_check's rows.
    const code = (e as { code?: unknown }).code;
    return failed(
      code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB'
        ? `Fichier SQLite endommagé : ${(e as Error).message}`
        : `Fichier illisible : ${(e as Error).message}`,
    );
  } finally {
    db.close();
  }
}

/**
 * The file's SHA-256, read in 1 MiB pieces: never the whole file in memory. Synchronous, for the
 * worker thread, where blocking harms no one.
 */
export function fileSha256Sync(file: string): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}
