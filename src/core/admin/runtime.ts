// What the administration handlers need from the running core beyond one connection: where
// the database and its backups live, the backup service (one backup at a time, after each till
// closing, once a day), and the two operations only the core may perform because they replace
// the connection every handler uses: waiting until no other call runs, and swapping the file.
import { mkdirSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { BackupInfo } from '../../shared/contract';
import type { MigrationReport, ShippedMigration } from '../db/migrate';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { BackupCheckFailed, writeBackup } from './backup';
import { listBackupFiles, newBackupName, rotateBackups, type RotatedReason } from './backup-files';
import { backupDirOf, KEEP_MANUAL, posteCodeOf, readMachineSettings } from './machine-settings';

export const DAY_MS = 24 * 3_600_000;

export interface BackupSchedule {
  /** Delay after start before the first check of the day's backup. */
  firstCheckMs: number;
  /** Interval between checks while running. */
  everyMs: number;
}

export const DEFAULT_BACKUP_SCHEDULE: BackupSchedule = {
  firstCheckMs: 60_000,
  everyMs: 3_600_000,
};

export interface AdminRuntime {
  /** The database file, or ':memory:'. */
  readonly dbFile: string;
  /** The backup folder used when the backup_dir setting is empty; null for ':memory:'. */
  readonly defaultBackupDir: string | null;
  readonly shipped: ShippedMigration[];
  readonly nativeBinding: string | undefined;
  backups: BackupService;
  /**
   * Runs `fn` once every other call of the dispatcher has returned and no backup is being
   * written; calls arriving meanwhile wait until `fn` is done. Only one at a time.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Closes the database, renames it to `replacedFile`, renames `preparedFile` (already checked
   * and migrated) to the database's name and reopens it. Only inside exclusive().
   */
  swapDatabase(
    preparedFile: string,
    replacedFile: string,
  ): Promise<{ sqlite: Database.Database; migration: MigrationReport }>;
}

export interface BackupService {
  /** Writes, checks, journals and rotates one backup; throws a French DomainError on failure. */
  make(reason: RotatedReason): Promise<BackupInfo>;
  /** Starts a backup without waiting for it; a failure is logged and journaled, never thrown. */
  makeInBackground(reason: RotatedReason): void;
  /** Makes the daily backup if the newest backup is older than 24 hours (or there is none). */
  dailyCheck(): Promise<BackupInfo | null>;
  /** Resolves once no backup is being written, including any queued while it waited. */
  idle(): Promise<void>;
  /** Runs `fn` after the backups under way; backups asked for meanwhile wait for it. */
  runExclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Starts the daily timer. */
  schedule(s: BackupSchedule): void;
  /**
   * Stops the daily timer and check, the first step of an orderly stop. The backup that follows
   * a till closing still runs: a closing that commits during the stop must not lose it.
   */
  stopSchedule(): void;
  /** Nothing more starts: the database is closing. */
  stop(): void;
}

interface BackupDeps {
  sqlite(): Database.Database;
  isOpen(): boolean;
  now(): Date;
  log: Logger;
  defaultBackupDir: string | null;
  nativeBinding: string | undefined;
}

function journalBackup(deps: BackupDeps, payload: Record<string, unknown>): void {
  if (!deps.isOpen()) return;
  const sqlite = deps.sqlite();
  appendJournal(sqlite, 'technique', {
    kind: 'sauvegarde',
    instant: deps.now().toISOString(),
    agentId: null,
    regieId: null,
    posteCode: posteCodeOf(sqlite),
    payload,
  });
}

export function createBackupService(deps: BackupDeps): BackupService {
  // One backup at a time: each waits for the previous one, success or failure.
  let queue: Promise<unknown> = Promise.resolve();
  const timeouts: NodeJS.Timeout[] = [];
  const intervals: NodeJS.Timeout[] = [];
  let stopped = false;
  let scheduleStopped = false;

  async function run(reason: RotatedReason): Promise<BackupInfo> {
    if (!deps.isOpen()) {
      throw new DomainError('CONFLIT', 'Guichet s’arrête : la sauvegarde n’a pas été faite.');
    }
    const sqlite = deps.sqlite();
    const dir = backupDirOf(sqlite, deps.defaultBackupDir);
    if (!dir) {
      throw new DomainError(
        'REGLE_METIER',
        'Cette base est en mémoire (essai) : elle ne peut pas être sauvegardée.',
        'SAUVEGARDE_IMPOSSIBLE',
      );
    }
    const at = deps.now();
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new DomainError(
        'REGLE_METIER',
        `Le dossier des sauvegardes « ${dir} » ne peut pas être créé (${(e as NodeJS.ErrnoException).code ?? 'erreur'}). Vérifiez le dossier dans les paramètres du poste.`,
        'SAUVEGARDE_IMPOSSIBLE',
      );
    }
    const fileName = newBackupName(dir, reason, at);
    let written;
    try {
      written = await writeBackup(sqlite, dir, fileName, {
        nativeBinding: deps.nativeBinding,
        log: deps.log,
      });
    } catch (e) {
      if (e instanceof BackupCheckFailed) {
        throw new DomainError(
          'REGLE_METIER',
          `La sauvegarde a été écrite mais sa vérification a échoué : ${e.check.problem ?? ''}. Le fichier est gardé sous le nom « ${e.keptAs.split(/[\\/]/).pop() ?? ''} » pour le support. Faites vérifier le journal (Journal, « Vérifier l’intégrité ») et prévenez le support.`,
          'SAUVEGARDE_INVALIDE',
          { keptAs: e.keptAs },
        );
      }
      throw new DomainError(
        'REGLE_METIER',
        `La sauvegarde n’a pas pu être écrite dans « ${dir} » : ${(e as Error).message}. Vérifiez la place disponible et le dossier des sauvegardes dans les paramètres du poste.`,
        'SAUVEGARDE_IMPOSSIBLE',
      );
    }
    const settings = readMachineSettings(sqlite, deps.defaultBackupDir);
    const removed = rotateBackups(dir, {
      quotidienne: settings.keepDailyBackups,
      cloture: settings.keepClosingBackups,
      manuelle: KEEP_MANUAL,
    });
    const info: BackupInfo = {
      fileName,
      reason,
      createdAt: at.toISOString(),
      sizeBytes: written.sizeBytes,
      sha256: written.sha256,
      verified: true,
    };
    journalBackup(deps, {
      status: 'ok',
      reason,
      fileName,
      dir,
      sizeBytes: written.sizeBytes,
      sha256: written.sha256,
      operationsLastSeq: written.check.operations?.lastSeq ?? null,
      techniqueLastSeq: written.check.technique?.lastSeq ?? null,
      durationMs: written.durationMs,
      removed,
    });
    deps.log.info({ fileName, dir, removed, durationMs: written.durationMs }, 'sauvegarde faite');
    return info;
  }

  function enqueue(reason: RotatedReason): Promise<BackupInfo> {
    const next = queue.then(
      () => run(reason),
      () => run(reason),
    );
    queue = next.catch(() => undefined);
    return next.catch((e: unknown) => {
      // A failure is always logged and, while the database is open, journaled.
      const message = e instanceof Error ? e.message : String(e);
      if (!deps.isOpen()) {
        // The core was closed while the pages were being copied: an orderly stop, not a fault.
        deps.log.warn({ reason }, 'sauvegarde interrompue par l’arrêt de Guichet');
        throw e;
      }
      deps.log.error({ err: e, reason }, 'sauvegarde échouée');
      try {
        journalBackup(deps, { status: 'echec', reason, error: message });
      } catch (journalError) {
        deps.log.error({ err: journalError }, 'échec de sauvegarde non journalisé');
      }
      throw e;
    });
  }

  function newestBackupMs(): number | null {
    const sqlite = deps.sqlite();
    const dir = backupDirOf(sqlite, deps.defaultBackupDir);
    if (!dir) return null;
    const newest = listBackupFiles(dir).find((f) => f.reason !== 'avant_migration');
    return newest ? newest.createdAt.getTime() : null;
  }

  const service: BackupService = {
    make: enqueue,
    makeInBackground(reason) {
      if (stopped || !deps.isOpen() || !backupDirOf(deps.sqlite(), deps.defaultBackupDir)) return;
      enqueue(reason).catch(() => {
        // Already logged and journaled by enqueue: a background backup never fails its caller.
      });
    },
    async dailyCheck() {
      if (stopped || scheduleStopped || !deps.isOpen()) return null;
      if (!backupDirOf(deps.sqlite(), deps.defaultBackupDir)) return null;
      await queue;
      const newest = newestBackupMs();
      if (newest !== null && deps.now().getTime() - newest < DAY_MS) return null;
      return enqueue('quotidienne');
    },
    async idle() {
      let seen: Promise<unknown>;
      do {
        seen = queue;
        await seen;
      } while (seen !== queue);
    },
    runExclusive(fn) {
      const next = queue.then(fn, fn);
      queue = next.catch(() => undefined);
      return next;
    },
    schedule(s) {
      const check = () => {
        service.dailyCheck().catch(() => {
          // Logged and journaled by enqueue.
        });
      };
      const first = setTimeout(check, s.firstCheckMs);
      const every = setInterval(check, s.everyMs);
      first.unref();
      every.unref();
      timeouts.push(first);
      intervals.push(every);
    },
    stopSchedule() {
      scheduleStopped = true;
      for (const t of timeouts.splice(0)) clearTimeout(t);
      for (const t of intervals.splice(0)) clearInterval(t);
    },
    stop() {
      stopped = true;
      service.stopSchedule();
    },
  };
  return service;
}
