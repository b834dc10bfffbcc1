import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { HandlerName, Output, ParsedInput } from '../shared/contract';
import type { Role } from '../shared/roles';
import type { AdminRuntime } from './admin/runtime';
import type { Db } from './db/open';
import type { SyncEngine } from './sync/engine';
import { DomainError } from './errors';

export interface AgentSession {
  token: string;
  agentId: number;
  login: string;
  displayName: string;
  role: Role;
  lastSeenMs: number;
  /** When the agent logged in: a session lasts session_max_hours at most (12 h by default). */
  startedMs: number;
  locked: boolean;
}

/** What every handler receives besides its parsed argument. */
export interface HandlerContext {
  db: Db;
  sqlite: Database.Database;
  now: () => Date;
  log: Logger;
  posteCode: string;
  session: AgentSession | null;
  sessions: Map<string, AgentSession>;
  /** The token the caller presented, even when it points to a locked session. */
  presentedToken: string | null;
  /** Backups, restore and the database's location: what outlives one connection. */
  admin: AdminRuntime;
  /** The portal sync engine of this core (absent in handler tests that build a context). */
  sync?: SyncEngine;
}

export function requireSession(ctx: HandlerContext): AgentSession {
  if (!ctx.session) {
    throw new DomainError('NON_AUTHENTIFIE', 'Vous n’êtes pas connecté. Identifiez-vous.');
  }
  return ctx.session;
}

export type HandlerImpl<K extends HandlerName> = (
  args: ParsedInput<K>,
  ctx: HandlerContext,
) => Output<K> | Promise<Output<K>>;

/** A domain module's handlers: exactly the names it lists, each correctly typed. */
export type HandlerGroup<K extends HandlerName> = { [P in K]: HandlerImpl<P> };
