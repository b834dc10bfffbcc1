// The backup folder: how backups are named, found again and rotated. A name carries the UTC
// instant and the reason, so the folder sorts by date in any file manager and support can
// tell a closing's backup from a daily one without opening anything:
//   guichet-2026-03-16T093000Z-cloture.sqlite
// A file being written ends in .partiel and one that failed its check in .invalide: neither is
// listed, restored or rotated. The backups written before a migration keep the name given by
// db/migrate.ts and are never rotated.
import { existsSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { BackupReason } from '../../shared/contract';

export type RotatedReason = Extract<BackupReason, 'cloture' | 'quotidienne' | 'manuelle'>;

export interface BackupFile {
  fileName: string;
  reason: BackupReason;
  createdAt: Date;
  sizeBytes: number;
}

const ownPattern =
  /^guichet-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z-(cloture|quotidienne|manuelle)(?:-(\d+))?\.sqlite$/;
const migrationPattern =
  /^avant-migration-\d+-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.sqlite$/;

export function parseBackupName(
  fileName: string,
): { reason: BackupReason; createdAt: Date; index: number } | null {
  const own = ownPattern.exec(fileName);
  if (own) {
    const [, day, h, m, s, reason, index] = own;
    const createdAt = new Date(`${day}T${h}:${m}:${s}.000Z`);
    if (Number.isNaN(createdAt.getTime())) return null;
    return { reason: reason as RotatedReason, createdAt, index: index ? Number(index) : 1 };
  }
  const mig = migrationPattern.exec(fileName);
  if (mig) {
    const [, day, h, m, s, ms] = mig;
    const createdAt = new Date(`${day}T${h}:${m}:${s}.${ms}Z`);
    if (Number.isNaN(createdAt.getTime())) return null;
    return { reason: 'avant_migration', createdAt, index: 1 };
  }
  return null;
}

/** A name not yet used in the folder (a second backup in the same second gets "-2"). */
export function newBackupName(dir: string, reason: RotatedReason, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/:/g, '');
  for (let i = 1; ; i++) {
    const name = `guichet-${stamp}Z-${reason}${i > 1 ? `-${i}` : ''}.sqlite`;
    const full = path.join(dir, name);
    if (!existsSync(full) && !existsSync(`${full}.partiel`) && !existsSync(`${full}.invalide`)) {
      return name;
    }
  }
}

/** Backups of the folder, newest first; an absent folder holds none. */
export function listBackupFiles(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const files: (BackupFile & { index: number })[] = [];
  for (const fileName of names) {
    const parsed = parseBackupName(fileName);
    if (!parsed) continue;
    let st;
    try {
      st = statSync(path.join(dir, fileName));
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    files.push({ fileName, ...parsed, sizeBytes: st.size });
  }
  files.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.index - a.index);
  return files.map(({ index: _index, ...f }) => f);
}

export interface RotationPolicy {
  quotidienne: number;
  cloture: number;
  manuelle: number;
}

/**
 * Deletes the oldest backups of each rotated reason beyond what the policy keeps. The newest
 * backup of the folder is never deleted, whatever the policy says, and neither are the backups
 * made before a migration. Returns the names deleted.
 */
export function rotateBackups(dir: string, policy: RotationPolicy): string[] {
  const files = listBackupFiles(dir);
  const newest = files[0]?.fileName;
  const seen: Record<RotatedReason, number> = { quotidienne: 0, cloture: 0, manuelle: 0 };
  const deleted: string[] = [];
  for (const f of files) {
    if (f.reason === 'avant_migration') continue;
    seen[f.reason]++;
    if (seen[f.reason] <= Math.max(1, policy[f.reason]) || f.fileName === newest) continue;
    try {
      unlinkSync(path.join(dir, f.fileName));
      deleted.push(f.fileName);
    } catch {
      // Left for the next rotation (a file held open by an antivirus scan, for instance).
    }
  }
  return deleted;
}
