import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SessionView } from '../../shared/contract';
import type { Role } from '../../shared/roles';
import type { AgentSession, HandlerContext, HandlerGroup } from '../context';
import { requireSession } from '../context';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { getSetting } from '../settings';
import { prepared } from '../db/prepared';
import { hashPassword, needsRehash, spendPasswordTime, verifyPassword } from './passwords';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
export const DEFAULT_IDLE_LOCK_SECONDS = 300;
export const DEFAULT_SESSION_MAX_HOURS = 12;

interface AgentRow {
  id: number;
  login: string;
  display_name: string;
  role: Role;
  password_hash: string;
  failed_logins: number;
  locked_until: string | null;
  active: number;
}

/** Security events go to the technical journal (JET), chained like the operations journal. */
function journalTech(
  ctx: HandlerContext,
  kind: 'echec_connexion' | 'blocage_compte' | 'deverrouillage' | 'echec_deverrouillage',
  agentId: number | null,
  payload: Record<string, unknown>,
): void {
  appendJournal(ctx.sqlite, 'technique', {
    kind,
    instant: ctx.now().toISOString(),
    agentId,
    regieId: null,
    posteCode: ctx.posteCode,
    payload,
  });
}

export function idleLockSeconds(ctx: Pick<HandlerContext, 'sqlite'>): number {
  const v = Number(getSetting(ctx.sqlite, 'idle_lock_seconds'));
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_IDLE_LOCK_SECONDS;
}

/** How long a session may last from its login, whatever the activity (setting session_max_hours). */
export function sessionMaxHours(sqlite: Database.Database): number {
  // Read on every authenticated call, hence the cached statement.
  const row = prepared(
    sqlite,
    "SELECT value FROM setting WHERE key = 'session_max_hours'",
  ).get() as { value: string } | undefined;
  const v = Number(row?.value);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_SESSION_MAX_HOURS;
}

function view(ctx: HandlerContext, s: AgentSession): SessionView {
  return {
    token: s.token,
    agent: { id: s.agentId, login: s.login, displayName: s.displayName, role: s.role },
    posteCode: ctx.posteCode,
    idleLockSeconds: idleLockSeconds(ctx),
  };
}

const invalid = () =>
  new DomainError(
    'IDENTIFIANTS_INVALIDES',
    'Identifiant ou mot de passe incorrect. Vérifiez la saisie (majuscules, pavé numérique).',
  );

const parisTime = (iso: string) =>
  new Date(iso).toLocaleTimeString('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
  });

const blocked = (lockedUntil: string) =>
  new DomainError(
    'COMPTE_BLOQUE',
    `Compte bloqué après ${MAX_FAILED_LOGINS} essais infructueux. Réessayez après ${parisTime(lockedUntil)} ou demandez au régisseur.`,
  );

const justBlocked = () =>
  new DomainError(
    'COMPTE_BLOQUE',
    `Compte bloqué pour ${LOCKOUT_MINUTES} minutes après ${MAX_FAILED_LOGINS} essais infructueux.`,
  );

const isLocked = (row: Pick<AgentRow, 'locked_until'>, now: Date) =>
  row.locked_until !== null && row.locked_until > now.toISOString();

function agentById(sqlite: Database.Database, id: number): AgentRow | undefined {
  return prepared(sqlite, 'SELECT * FROM agent WHERE id = ?').get(id) as AgentRow | undefined;
}

/**
 * Counts one failed password (at login or at unlock) and locks the account at the limit. The
 * increment is one atomic UPDATE ... RETURNING inside a write transaction, and the lock is
 * decided from the value it returns: parallel attempts, in this process or another, each add
 * one and exactly one of them crosses the limit. An attempt that finds the account already
 * locked adds nothing and is told so.
 */
function countFailure(
  ctx: HandlerContext,
  agent: Pick<AgentRow, 'id' | 'login'>,
  kind: 'echec_connexion' | 'echec_deverrouillage',
): { lockedUntil: string | null } {
  const now = ctx.now();
  const result = ctx.sqlite
    .transaction(() => {
      const row = prepared(
        ctx.sqlite,
        `UPDATE agent SET failed_logins = failed_logins + 1
           WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?) RETURNING failed_logins`,
      ).get(agent.id, now.toISOString()) as { failed_logins: number } | undefined;
      if (!row) {
        const current = agentById(ctx.sqlite, agent.id);
        journalTech(ctx, kind, agent.id, { login: agent.login, reason: 'compte_bloque' });
        return {
          lockedUntil: null,
          alreadyLockedUntil: current?.locked_until ?? now.toISOString(),
        };
      }
      const failed = row.failed_logins;
      const lockedUntil =
        failed >= MAX_FAILED_LOGINS
          ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString()
          : null;
      if (lockedUntil) {
        prepared(
          ctx.sqlite,
          'UPDATE agent SET failed_logins = 0, locked_until = ? WHERE id = ?',
        ).run(lockedUntil, agent.id);
      }
      journalTech(ctx, kind, agent.id, { login: agent.login, reason: 'mot_de_passe', failed });
      if (lockedUntil)
        journalTech(ctx, 'blocage_compte', agent.id, { login: agent.login, lockedUntil });
      ctx.log.warn({ event: kind, login: agent.login, failed }, 'mot de passe incorrect');
      return { lockedUntil, alreadyLockedUntil: null };
    })
    .immediate();
  // Thrown after the commit, so the attempt stays in the journal.
  if (result.alreadyLockedUntil) throw blocked(result.alreadyLockedUntil);
  return result;
}

/** Ends every open session of an agent (account locked, deactivated). */
function endSessions(ctx: HandlerContext, agentId: number): void {
  for (const [token, s] of ctx.sessions) if (s.agentId === agentId) ctx.sessions.delete(token);
}

export const authHandlers = {
  async 'auth.login'({ login, password }, ctx) {
    const row = prepared(ctx.sqlite, 'SELECT * FROM agent WHERE login = ?').get(login) as
      AgentRow | undefined;
    if (!row || !row.active) {
      // Still spend the time of a hash so an unknown login is not distinguishable by timing.
      await spendPasswordTime(password);
      ctx.log.warn({ event: 'login.failed', login }, 'échec de connexion : identifiant inconnu');
      journalTech(ctx, 'echec_connexion', null, {
        login,
        reason: row ? 'compte_inactif' : 'identifiant_inconnu',
      });
      throw invalid();
    }
    if (isLocked(row, ctx.now())) {
      // Same: a blocked account must not answer faster than a wrong password.
      await spendPasswordTime(password);
      journalTech(ctx, 'echec_connexion', row.id, { login, reason: 'compte_bloque' });
      throw blocked(row.locked_until ?? '');
    }
    const passwordOk = await verifyPassword(password, row.password_hash);
    // The check took a while: other attempts may have locked or deactivated the account in
    // the meantime, so the decision is made on the row as it is now.
    const fresh = agentById(ctx.sqlite, row.id);
    if (!fresh || !fresh.active) {
      journalTech(ctx, 'echec_connexion', row.id, { login, reason: 'compte_inactif' });
      throw invalid();
    }
    if (isLocked(fresh, ctx.now())) {
      journalTech(ctx, 'echec_connexion', row.id, { login, reason: 'compte_bloque' });
      throw blocked(fresh.locked_until ?? '');
    }
    if (!passwordOk) {
      const { lockedUntil } = countFailure(ctx, fresh, 'echec_connexion');
      if (lockedUntil) {
        endSessions(ctx, fresh.id);
        throw justBlocked();
      }
      throw invalid();
    }
    const now = ctx.now();
    ctx.sqlite
      .transaction(() => {
        prepared(
          ctx.sqlite,
          'UPDATE agent SET failed_logins = 0, locked_until = NULL WHERE id = ?',
        ).run(fresh.id);
        appendJournal(ctx.sqlite, 'operations', {
          kind: 'connexion',
          instant: now.toISOString(),
          agentId: fresh.id,
          regieId: null,
          posteCode: ctx.posteCode,
          payload: { login: fresh.login, role: fresh.role },
        });
      })
      .immediate();
    if (needsRehash(fresh.password_hash)) {
      // The password is known only now: its hash is brought to today's cost. Best effort; the
      // old hash stays valid if this fails, and the UPDATE is skipped if it changed meanwhile.
      try {
        const upgraded = await hashPassword(password);
        prepared(
          ctx.sqlite,
          'UPDATE agent SET password_hash = ? WHERE id = ? AND password_hash = ?',
        ).run(upgraded, fresh.id, fresh.password_hash);
      } catch (e) {
        ctx.log.error({ err: e, login }, 'mise à niveau du hachage impossible');
      }
    }
    const session: AgentSession = {
      token: randomBytes(24).toString('base64url'),
      agentId: fresh.id,
      login: fresh.login,
      displayName: fresh.display_name,
      role: fresh.role,
      lastSeenMs: now.getTime(),
      startedMs: now.getTime(),
      locked: false,
    };
    ctx.sessions.set(session.token, session);
    ctx.log.info({ event: 'login', login }, 'connexion');
    return view(ctx, session);
  },

  async 'auth.unlock'({ password }, ctx) {
    const token = ctx.presentedToken;
    const s = token ? ctx.sessions.get(token) : undefined;
    if (!s || !token) {
      throw new DomainError('NON_AUTHENTIFIE', 'Session expirée. Identifiez-vous à nouveau.');
    }
    const row = agentById(ctx.sqlite, s.agentId);
    if (!row || !row.active) {
      ctx.sessions.delete(token);
      throw new DomainError(
        'NON_AUTHENTIFIE',
        'Ce compte a été désactivé : la session est fermée. Adressez-vous au régisseur.',
      );
    }
    if (isLocked(row, ctx.now())) {
      await spendPasswordTime(password);
      ctx.sessions.delete(token);
      journalTech(ctx, 'echec_deverrouillage', s.agentId, {
        login: s.login,
        reason: 'compte_bloque',
      });
      throw blocked(row.locked_until ?? '');
    }
    const passwordOk = await verifyPassword(password, row.password_hash);
    if (!passwordOk) {
      // Unlock attempts count with failed logins: otherwise an unattended locked screen would
      // let anyone guess the password without limit.
      const { lockedUntil } = countFailure(ctx, row, 'echec_deverrouillage');
      if (lockedUntil) {
        endSessions(ctx, row.id);
        throw new DomainError(
          'COMPTE_BLOQUE',
          `Compte bloqué pour ${LOCKOUT_MINUTES} minutes après ${MAX_FAILED_LOGINS} essais infructueux : la session est fermée. Identifiez-vous à nouveau après ${parisTime(lockedUntil)}.`,
        );
      }
      throw invalid();
    }
    // The row is read again after the check: it may have been locked, deactivated or changed
    // role while the hash was computed.
    const fresh = agentById(ctx.sqlite, s.agentId);
    if (!fresh || !fresh.active || isLocked(fresh, ctx.now())) {
      ctx.sessions.delete(token);
      throw new DomainError(
        'NON_AUTHENTIFIE',
        'Ce compte a été désactivé ou bloqué : la session est fermée. Identifiez-vous à nouveau.',
      );
    }
    prepared(ctx.sqlite, 'UPDATE agent SET failed_logins = 0 WHERE id = ?').run(fresh.id);
    s.role = fresh.role;
    s.displayName = fresh.display_name;
    const wasLocked = s.locked;
    const idleSince = new Date(s.lastSeenMs).toISOString();
    s.locked = false;
    s.lastSeenMs = ctx.now().getTime();
    if (wasLocked) {
      // The dispatcher locks an idle session lazily, on its next request; the unlock is the
      // first moment a handler sees it, so the lock is journaled here with its start.
      journalTech(ctx, 'deverrouillage', s.agentId, { login: s.login, idleSince });
    }
    return view(ctx, s);
  },

  'auth.logout'(_args, ctx) {
    const s = ctx.presentedToken ? ctx.sessions.get(ctx.presentedToken) : undefined;
    if (s) {
      appendJournal(ctx.sqlite, 'operations', {
        kind: 'deconnexion',
        instant: ctx.now().toISOString(),
        agentId: s.agentId,
        regieId: null,
        posteCode: ctx.posteCode,
        payload: { login: s.login },
      });
    }
    if (ctx.presentedToken) ctx.sessions.delete(ctx.presentedToken);
    return { loggedOut: true as const };
  },

  'auth.me'(_args, ctx) {
    return view(ctx, requireSession(ctx));
  },
} satisfies HandlerGroup<'auth.login' | 'auth.unlock' | 'auth.logout' | 'auth.me'>;
