// Writing one backup: SQLite's online backup of the open database (the register keeps working
// while the pages are copied, a few at each turn of the event loop), turned into a single
// self-contained file (journal_mode DELETE, so no -wal or -shm must travel with it), checked by
// reading it back in a worker thread (backup-verify.ts), and only then given its final name and
// recorded in the technical journal with its size and SHA-256.
import { renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { BackupCheck } from './backup-check';
import { verifyBackupFile } from './backup-verify';

export type { BackupCheck } from './backup-check';

/**
 * Pages copied per step of the online backup; better-sqlite3 runs one step per turn of the event
 * loop, so this bounds how long the copy holds the core's thread at a time. Measured on the
 * 512 MB base (tests/bench/benches/backup.ts, busy machine): 100 pages (400 kB) kept
 * the longest stall of the copy near 100 ms; 1,000 pages let it reach 565 ms.
 */
export const BACKUP_PAGES_PER_STEP = 100;

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
  opts: { nativeBinding?: string | undefined; log?: Logger | undefined } = {},
): Promise<WrittenBackup> {
  const started = Date.now();
  const file = path.join(dir, fileName);
  const partial = `${file}.partiel`;
  try {
    await sqlite.backup(partial, { progress: () => BACKUP_PAGES_PER_STEP });
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
  const { check, sha256 } = await verifyBackupFile(partial, {
    nativeBinding: opts.nativeBinding,
    sha256: true,
    log: opts.log,
  });
  if (!check.ok || sha256 === null) {
    const invalid = `${file}.invalide`;
    renameSync(partial, invalid);
    throw new BackupCheckFailed(invalid, check);
  }
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
