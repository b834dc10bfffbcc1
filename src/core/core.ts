// The register's engine behind one function: send(name, args, sessionToken). Electron IPC and
// the browser-mode HTTP host both call it; neither holds any rule of its own.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { contract, isHandlerName, type HandlerName } from '../shared/contract';
import { can } from '../shared/roles';
import type { Result } from '../shared/result';
import type { AgentSession, HandlerContext } from './context';
import { openSqlite, wrapDrizzle, type Db } from './db/open';
import { loadShippedMigrations, migrate, type MigrationReport } from './db/migrate';
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
import { seedDatabase, type SeedKind } from './demo/seed';
import type Database from 'better-sqlite3';

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
}

export interface Core {
  send(name: string, args: unknown, sessionToken: string | null): Promise<Result<unknown>>;
  db: Db;
  sqlite: Database.Database;
  migration: MigrationReport;
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

function zodMessage(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')} : ${i.message}` : i.message))
    .join(' ; ');
}

export async function openCore(opts: CoreOptions): Promise<Core> {
  const log = opts.logger ?? pino({ level: process.env.GUICHET_LOG_LEVEL ?? 'info' });
  const now = opts.now ?? (() => new Date());
  const sqlite = openSqlite(opts.dbFile, { nativeBinding: opts.nativeBinding });
  let migration: MigrationReport;
  try {
    migration = await migrate(
      sqlite,
      loadShippedMigrations(opts.migrationsDir ?? defaultMigrationsDir()),
      {
        backupDir:
          opts.backupDir ??
          (opts.dbFile === ':memory:'
            ? undefined
            : path.join(path.dirname(opts.dbFile), 'sauvegardes')),
        now,
      },
    );
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = wrapDrizzle(sqlite);
  await seedDatabase(sqlite, opts.seed ?? 'none', { now, log });
  const posteCode = () => getSetting(sqlite, 'poste_code') ?? 'P01';
  let clockHighWaterMs = await journalStartEvents(sqlite, migration, now(), posteCode());

  const sessions = new Map<string, AgentSession>();
  const agentStatus = sqlite.prepare<
    [number],
    { active: number; role: Role; locked_until: string | null; display_name: string }
  >('SELECT active, role, locked_until, display_name FROM agent WHERE id = ?');

  /**
   * Why a session may no longer be used, or null. The agent's row is read again on every call
   * (one lookup by primary key): a deactivated, blocked or demoted agent loses the session or
   * the rights at once, not at the next login; and no session outlives session_max_hours.
   */
  function sessionEnded(s: AgentSession, t: number): string | null {
    const row = agentStatus.get(s.agentId);
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

  async function send(
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
        session.lastSeenMs = t;
      } else if (session?.locked) {
        session = null;
      }
      const parsed = spec.input.safeParse(rawArgs ?? {});
      if (!parsed.success) {
        throw new DomainError('VALIDATION', zodMessage(parsed.error));
      }
      const impl = handlers[name] as (a: unknown, c: HandlerContext) => unknown;
      const value = await impl(parsed.data, { ...ctxBase(), session, presentedToken: token });
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
    };
  }

  return {
    send,
    db,
    sqlite,
    migration,
    close: () => sqlite.close(),
  };
}

export type { HandlerName };
