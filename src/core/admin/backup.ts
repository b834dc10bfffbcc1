// Writing one backup: SQLite's online backup of the open database (the register keeps working
// while the pages are copied), turned into a single self-contained file (journal_mode DELETE,
// so no -wal or -shm must travel with it), checked by reading it back, and only then given its
// final name and recorded in the technical journal with its size and SHA-256.
import { renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ChainReport, LedgerReport } from '../../shared/contract';
import { verifyAll } from '../journal/verify';
import { fileSha256 } from '../journal/start-events';

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

/**
 * The checks a backup must pass before it is kept or restored: SQLite's integrity_check (pages,
 * indexes), then both journal chains and the ledger against them (verifyAll). Runs on an open
 * connection so the restore can check a copy it has just migrated.
 */
export function checkDatabase(sqlite: Database.Database): BackupCheck {
  const integrity = sqlite.pragma('integrity_check', { simple: false }) as {
    integrity_check: string;
  }[];
  const messages = integrity.map((r) => r.integrity_check);
  if (messages.length !== 1 || messages[0] !== 'ok') {
    return {
      ok: false,
      problem: `Fichier SQLite endommagé : ${messages.slice(0, 3).join(' ; ')}`,
      operations: null,
      technique: null,
    };
  }
  let reports;
  try {
    reports = verifyAll(sqlite);
  } catch (e) {
    return {
      ok: false,
      problem: `Structure illisible par cette version de Guichet : ${(e as Error).message}`,
      operations: null,
      technique: null,
    };
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

/** Opens a backup file read-only and checks it. */
export function checkBackupFile(file: string, nativeBinding?: string): BackupCheck {
  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (e) {
    return {
      ok: false,
      problem: `Fichier illisible : ${(e as Error).message}`,
      operations: null,
      technique: null,
    };
  }
  try {
    return checkDatabase(db);
  } catch (e) {
    return {
      ok: false,
      problem: `Fichier illisible : ${(e as Error).message}`,
      operations: null,
      technique: null,
    };
  } finally {
    db.close();
  }
}

export interface WrittenBackup {
  fileName: string;
  file: string;
  sizeBytes: number;
  sha256: string;
  check: BackupCheck;
  durationMs: number;
}

export class BackupCheckFailed extends Error {
  constructor(
    readonly keptAs: string,
    readonly check: BackupCheck,
  ) {
    super(check.problem ?? 'sauvegarde invalide');
  }
}

/**
 * Writes `fileName` into `dir`. The copy is made under a .partiel name and renamed once it has
 * passed its check; a copy that fails is kept as .invalide (it may be the only copy of a
 * damaged register, which support will want) and BackupCheckFailed is thrown.
 */
export async function writeBackup(
  sqlite: Database.Database,
  dir: string,
  fileName: string,
  opts: { nativeBinding?: string } = {},
): Promise<WrittenBackup> {
  const started = Date.now();
  const file = path.join(dir, fileName);
  const partial = `${file}.partiel`;
  try {
    await sqlite.backup(partial);
    const copy = new Database(
      partial,
      opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {},
    );
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  } catch (e) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-wal`, { force: true });
    rmSync(`${partial}-shm`, { force: true });
    throw e;
  }
  const check = checkBackupFile(partial, opts.nativeBinding);
  if (!check.ok) {
    const invalid = `${file}.invalide`;
    renameSync(partial, invalid);
    throw new BackupCheckFailed(invalid, check);
  }
  const sha256 = await fileSha256(partial);
  renameSync(partial, file);
  return {
    fileName,
    file,
    sizeBytes: statSync(file).size,
    sha256,
    check,
    durationMs: Date.now() - started,
  };
}
