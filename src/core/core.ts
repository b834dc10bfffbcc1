// The register's engine behind one function: send(name, args, sessionToken). Electron IPC and
// the browser-mode HTTP host both call it; neither holds any rule of its own.
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { contract, isHandlerName, type HandlerName } from '../shared/contract';
import { can } from '../shared/roles';
import type { Result } from '../shared/result';
import type { MachineSettings } from '../shared/contract';
import type { AgentSession, HandlerContext } from './context';
import { openSqlite, wrapDrizzle, type Db } from './db/open';
import { loadShippedMigrations, migrate, type MigrationReport } from './db/migrate';
import { prepared } from './db/prepared';
import { afterCommit } from './admin/after-commit';
import { acquireDatabaseLock, type DatabaseLock } from './admin/lock';
import { readMachineSettings } from './admin/machine-settings';
import {
  createBackupService,
  DEFAULT_BACKUP_SCHEDULE,
  type AdminRuntime,
  type BackupSchedule,
} from './admin/runtime';
import { DomainError } from './errors';
import { appendJournal } from './journal/chain';
import { handlers } from './handlers';
import { idleLockSeconds, sessionMaxHours } from './auth/handlers';
import {
  CLOCK_JUMP_TOLERANCE_MS,
  journalClockJump,
  journalStartEvents,
} from './journal/start-events';
import type { Role } from '../shared/roles';
import { getSetting } from './settings';
import type { SeedKind } from '../shared/demo/seed-kinds';
import { seedDatabase } from './demo/seed';
import type Database from 'better-sqlite3';
import { createSyncEngine, OUTBOX_WRITERS, type SyncEngine } from './sync/engine';
import type { FetchLike } from './sync/client';
import { validationMessage } from './validation-message';
import {
  fileSecretStore,
  memorySecretStore,
  secretFileFor,
  type SecretStore,
} from './sync/secret-store';

z.config(z.locales.fr());

export interface CoreOptions {
  /** SQLite file, or ':memory:' for tests. */
  dbFile: string;
  migrationsDir?: string;
  backupDir?: string;
  /** What to create when the database holds no commune yet. */
  seed?: SeedKind;
  now?: () => Date;
  logger?: Logger;
  /** better-sqlite3 built for another ABI (Electron's); the Node build in node_modules otherwise. */
  nativeBinding?: string;
  /**
   * When to look for the daily backup (file databases only). false: never on a timer (tests);
   * backups after a till closing and on demand still happen.
   */
  backupSchedule?: BackupSchedule | false;
  /** Sync with the portal; the engine starts by itself once this poste is enrolled. */
  sync?: SyncOptions;
}

export interface SyncOptions {
  /**
   * Where the poste's portal secret is kept, outside the database. Default: a file
   * <database>.sync-secret.json beside a file database, memory for ':memory:'. The Electron
   * shell uses that default too, so on a counter the secret sits in %ProgramData%\Guichet
   * beside the database: the 0600 mode means little on Windows, where the file takes the
   * folder's rights, and any local user who can read the data folder can read the secret. It
   * is kept out of the database so that a backup or an incident report never carries it.
   */
  secretStore?: SecretStore;
  /** Between two runs when all goes well (default 15 s). */
  intervalMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  pageSize?: number;
  timeoutMs?: number;
  fetch?: FetchLike;
  /** false: never on a timer, only "Synchroniser maintenant" (tests). Default true. */
  background?: boolean;
}

export interface Core {
  send(name: string, args: unknown, sessionToken: string | null): Promise<Result<unknown>>;
  /** The connection in service: a restore replaces it, so read it at each use. */
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly migration: MigrationReport;
  /** This machine's settings, for the Electron shell (printers, update feed...): no session. */
  machineSettings(): MachineSettings;
  /** Whether a till session is open on this database: updates must not be installed then. */
  hasOpenTill(): boolean;
  /** The portal sync engine (status, "Synchroniser maintenant", enrolment). */
  readonly sync: SyncEngine;
  /** Resolves once no backup is being written (an orderly stop, tests). */
  backupsIdle(): Promise<void>;
  /**
   * The first step of an orderly stop: no daily backup and no background sync start from now
   * on, so that waiting for backupsIdle() then waits for the last one. Calls still work, and a
   * till closing that commits still gets its backup.
   */
  stopBackground(): void;
  close(): void;
}

/** The repository's migrations/ folder, found from this file in dev, tests and builds. */
export function defaultMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('Dossier migrations/ introuvable');
}

/** Reads the interface repeats on a timer (the sync badge), which leave the idle clock alone. */
const BACKGROUND_READS: ReadonlySet<string> = new Set(['sync.status']);

/** Renames, retrying a moment when Windows reports the file busy (antivirus, indexer). */
function renameWithRetry(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt >= 10 || (code !== 'EBUSY' && code !== 'EPERM' && code !== 'EACCES')) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

export async function openCore(opts: CoreOptions): Promise<Core> {
  const log = opts.logger ?? pino({ level: process.env.GUICHET_LOG_LEVEL ?? 'info' });
  const now = opts.now ?? (() => new Date());
  const inMemory = opts.dbFile === ':memory:';
  const defaultBackupDir =
    opts.backupDir ?? (inMemory ? null : path.join(path.dirname(opts.dbFile), 'sauvegardes'));
  const shipped = loadShippedMigrations(opts.migrationsDir ?? defaultMigrationsDir());
  // Taken before the file is even opened: a second Guichet must not run the migrations or the
  // start-up writes on a database another one is using.
  const lock: DatabaseLock | null = inMemory ? null : acquireDatabaseLock(opts.dbFile, now());
  let sqlite: Database.Database;
  let migration: MigrationReport;
  let clockHighWaterMs: number;
  try {
    sqlite = openSqlite(opts.dbFile, { nativeBinding: opts.nativeBinding });
    try {
      migration = await migrate(sqlite, shipped, {
        backupDir: configuredBackupDir(sqlite) ?? defaultBackupDir ?? undefined,
        now,
      });
      await seedDatabase(sqlite, opts.seed ?? 'none', { now, log });
      clockHighWaterMs = await journalStartEvents(
        sqlite,
        migration,
        now(),
        getSetting(sqlite, 'poste_code') ?? 'P01',
      );
    } catch (e) {
      sqlite.close();
      throw e;
    }
  } catch (e) {
    lock?.release();
    throw e;
  }
  // The connection in service. Only swapDatabase() replaces it, while no call runs.
  let db = wrapDrizzle(sqlite);
  let closed = false;
  const posteCode = () => getSetting(sqlite, 'poste_code') ?? 'P01';

  const sessions = new Map<string, AgentSession>();
  const agentStatus = (agentId: number) =>
    prepared(sqlite, 'SELECT active, role, locked_until, display_name FROM agent WHERE id = ?').get(
      agentId,
    ) as
      { active: number; role: Role; locked_until: string | null; display_name: string } | undefined;

  // Calls under way, and the restore's gate: while it is set, new calls wait at the door.
  let inFlight = 0;
  let gate: Promise<void> | null = null;

  const backups = createBackupService({
    sqlite: () => sqlite,
    isOpen: () => !closed && sqlite.open,
    now,
    log,
    defaultBackupDir,
    nativeBinding: opts.nativeBinding,
  });

  const admin: AdminRuntime = {
    dbFile: opts.dbFile,
    defaultBackupDir,
    shipped,
    nativeBinding: opts.nativeBinding,
    backups,
    async exclusive(fn) {
      if (gate) {
        throw new DomainError(
          'CONFLIT',
          'Une restauration est déjà en cours sur ce poste. Attendez qu’elle se termine.',
        );
      }
      let open!: () => void;
      gate = new Promise<void>((resolve) => (open = resolve));
      try {
        // The caller is itself a call under way: wait until it is the only one.
        while (inFlight > 1) await new Promise((r) => setTimeout(r, 10));
        return await backups.runExclusive(fn);
      } finally {
        gate = null;
        open();
      }
    },
    async swapDatabase(preparedFile, replacedFile) {
      const dbFile = opts.dbFile;
      const reopen = () => {
        sqlite = openSqlite(dbFile, { nativeBinding: opts.nativeBinding });
        db = wrapDrizzle(sqlite);
      };
      // rename() replaces an existing file: the database being replaced must never land on
      // another one.
      if ([replacedFile, `${replacedFile}-wal`, `${replacedFile}-shm`].some((f) => existsSync(f))) {
        throw new Error(`${replacedFile} existe déjà`);
      }
      // Everything from the close to the reopening is synchronous: nothing else can run on
      // a closed connection in between.
      sqlite.close();
      try {
        renameWithRetry(dbFile, replacedFile);
      } catch (e) {
        reopen();
        throw e;
      }
      const moved: [string, string][] = [[dbFile, replacedFile]];
      try {
        for (const suffix of ['-wal', '-shm']) {
          if (existsSync(dbFile + suffix)) {
            renameWithRetry(dbFile + suffix, replacedFile + suffix);
            moved.push([dbFile + suffix, replacedFile + suffix]);
          }
        }
        renameWithRetry(preparedFile, dbFile);
        reopen();
      } catch (e) {
        // Put the replaced database back in service, as it was.
        if (sqlite.open) sqlite.close();
        if (existsSync(dbFile) && !moved.some(([, to]) => to === dbFile)) {
          renameWithRetry(dbFile, `${preparedFile}.echec`);
        }
        for (const [from, to] of moved.reverse()) renameWithRetry(to, from);
        reopen();
        throw e;
      }
      migration = await migrate(sqlite, shipped, {});
      return { sqlite, migration };
    },
  };
  const syncOpts = opts.sync ?? {};
  const sync: SyncEngine = createSyncEngine({
    sqlite: () => sqlite,
    secrets:
      syncOpts.secretStore ??
      (inMemory ? memorySecretStore() : fileSecretStore(secretFileFor(opts.dbFile))),
    now,
    log,
    intervalMs: syncOpts.intervalMs,
    backoffBaseMs: syncOpts.backoffBaseMs,
    backoffCapMs: syncOpts.backoffCapMs,
    pageSize: syncOpts.pageSize,
    timeoutMs: syncOpts.timeoutMs,
    fetch: syncOpts.fetch,
    // A restore is swapping the database: the engine waits for it to finish.
    paused: () => gate !== null || closed,
    isOpen: () => !closed && sqlite.open,
    background: syncOpts.background !== false,
  });
  sync.start();

  if (!inMemory && opts.backupSchedule !== false) {
    backups.schedule(opts.backupSchedule ?? DEFAULT_BACKUP_SCHEDULE);
  }

  /**
   * Why a session may no longer be used, or null. The agent's row is read again on every call
   * (one lookup by primary key): a deactivated, blocked or demoted agent loses the session or
   * the rights at once, not at the next login; and no session outlives session_max_hours.
   */
  function sessionEnded(s: AgentSession, t: number): string | null {
    const row = agentStatus(s.agentId);
    if (!row || !row.active) {
      return 'Ce compte a été désactivé : la session est fermée. Adressez-vous au régisseur.';
    }
    if (row.locked_until !== null && row.locked_until > new Date(t).toISOString()) {
      return 'Ce compte est bloqué après des essais de mot de passe infructueux : la session est fermée. Réessayez plus tard ou demandez au régisseur.';
    }
    const maxHours = sessionMaxHours(sqlite);
    if (t - s.startedMs > maxHours * 3_600_000) {
      return `Session ouverte depuis plus de ${maxHours} heures : elle est fermée. Identifiez-vous à nouveau.`;
    }
    s.role = row.role;
    s.displayName = row.display_name;
    return null;
  }

  /** A clock set back by more than two minutes is journaled once, when it is first seen. */
  function watchClock(t: number): void {
    if (t < clockHighWaterMs - CLOCK_JUMP_TOLERANCE_MS) {
      journalClockJump(sqlite, new Date(t), new Date(clockHighWaterMs), posteCode());
      clockHighWaterMs = t;
    } else if (t > clockHighWaterMs) {
      clockHighWaterMs = t;
    }
  }

  /**
   * Every call passes here. While a restore swaps the database, new calls wait at the gate; the
   * count of calls under way lets the restore wait until it is the only one left.
   */
  async function send(
    name: string,
    rawArgs: unknown,
    token: string | null,
  ): Promise<Result<unknown>> {
    while (gate) await gate;
    inFlight++;
    try {
      return await dispatch(name, rawArgs, token);
    } finally {
      inFlight--;
    }
  }

  async function dispatch(
    name: string,
    rawArgs: unknown,
    token: string | null,
  ): Promise<Result<unknown>> {
    try {
      if (!isHandlerName(name)) {
        throw new DomainError('VALIDATION', `Opération inconnue : ${name}.`);
      }
      const spec = contract[name];
      const t = now().getTime();
      watchClock(t);
      let session: AgentSession | null = token ? (sessions.get(token) ?? null) : null;
      if (session && token) {
        const ended = sessionEnded(session, t);
        if (ended) {
          sessions.delete(token);
          session = null;
          if (spec.access !== 'public' || name === 'auth.unlock') {
            throw new DomainError('NON_AUTHENTIFIE', ended);
          }
        }
      }
      if (
        session &&
        !session.locked &&
        t - session.lastSeenMs > idleLockSeconds(ctxBase()) * 1000
      ) {
        // The lock happens lazily, on the first request after the idle period; it is recorded
        // in the technical journal at that moment, with when the inactivity began.
        session.locked = true;
        appendJournal(sqlite, 'technique', {
          kind: 'verrouillage_inactivite',
          instant: new Date(t).toISOString(),
          agentId: session.agentId,
          regieId: null,
          posteCode: ctxBase().posteCode,
          payload: { login: session.login, idleSince: new Date(session.lastSeenMs).toISOString() },
        });
      }
      if (spec.access !== 'public') {
        if (!session) {
          throw new DomainError('NON_AUTHENTIFIE', 'Vous n’êtes pas connecté. Identifiez-vous.');
        }
        if (session.locked) {
          throw new DomainError(
            'SESSION_VERROUILLEE',
            'Session verrouillée après inactivité. Saisissez votre mot de passe pour continuer.',
          );
        }
        if (!can(session.role, spec.access)) {
          throw new DomainError(
            'PERMISSION_REFUSEE',
            'Votre rôle ne permet pas cette opération. Demandez au régisseur ou à son suppléant.',
          );
        }
        // A screen refreshing a status on a timer is not the agent at work: it must not keep an
        // unattended counter from locking.
        if (!BACKGROUND_READS.has(name)) session.lastSeenMs = t;
      } else if (session?.locked) {
        session = null;
      }
      const parsed = spec.input.safeParse(rawArgs ?? {});
      if (!parsed.success) {
        throw new DomainError('VALIDATION', validationMessage(parsed.error));
      }
      const impl = handlers[name] as (a: unknown, c: HandlerContext) => unknown;
      const value = await impl(parsed.data, { ...ctxBase(), session, presentedToken: token });
      // Committed: what follows (a backup after a closing) never changes the answer.
      afterCommit(name, value, admin, log);
      if (OUTBOX_WRITERS.has(name)) sync.nudge();
      return { ok: true, value };
    } catch (e) {
      if (e instanceof DomainError) {
        return {
          ok: false,
          error: {
            code: e.code,
            message: e.message,
            ...(e.reason ? { reason: e.reason } : {}),
            ...(e.details ? { details: e.details } : {}),
          },
        };
      }
      log.error({ err: e, handler: name }, 'erreur interne');
      return {
        ok: false,
        error: {
          code: 'INTERNE',
          message:
            'Erreur interne : l’opération n’a peut-être pas abouti. Avant de recommencer, vérifiez dans l’historique des paiements de la famille si elle a été enregistrée ; si cela persiste, faites un rapport d’incident.',
        },
      };
    }
  }

  function ctxBase(): Omit<HandlerContext, 'session' | 'presentedToken'> {
    return {
      db,
      sqlite,
      now,
      log,
      posteCode: posteCode(),
      sessions,
      admin,
      sync,
    };
  }

  return {
    send,
    get db() {
      return db;
    },
    get sqlite() {
      return sqlite;
    },
    get migration() {
      return migration;
    },
    machineSettings: () => readMachineSettings(sqlite, defaultBackupDir),
    hasOpenTill: () =>
      prepared(sqlite, "SELECT 1 FROM till_session WHERE status = 'open' LIMIT 1").get() !==
      undefined,
    backupsIdle: () => backups.idle(),
    stopBackground() {
      sync.stop();
      backups.stopSchedule();
    },
    sync,
    close() {
      if (closed) return;
      closed = true;
      sync.stop();
      backups.stop();
      sqlite.close();
      lock?.release();
    },
  };
}

/** The backup_dir setting, read before the migrations (which back the database up first). */
function configuredBackupDir(sqlite: Database.Database): string | null {
  try {
    return getSetting(sqlite, 'backup_dir') || null;
  } catch {
    // A new database has no setting table yet.
    return null;
  }
}

export type { HandlerName };
