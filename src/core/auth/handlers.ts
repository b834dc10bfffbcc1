import { randomBytes } from 'node:crypto';
import type { SessionView } from '../../shared/contract';
import type { Role } from '../../shared/roles';
import type { AgentSession, HandlerContext, HandlerGroup } from '../context';
import { requireSession } from '../context';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { getSetting } from '../settings';
import { verifyPassword } from './passwords';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
export const DEFAULT_IDLE_LOCK_SECONDS = 300;

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

export const authHandlers = {
  async 'auth.login'({ login, password }, ctx) {
    const row = ctx.sqlite.prepare('SELECT * FROM agent WHERE login = ?').get(login) as
      AgentRow | undefined;
    const now = ctx.now();
    if (!row || !row.active) {
      // Still spend the time of a hash so an unknown login is not distinguishable by timing.
      await verifyPassword(
        password,
        'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      );
      ctx.log.warn({ event: 'login.failed', login }, 'échec de connexion : identifiant inconnu');
      journalTech(ctx, 'echec_connexion', null, {
        login,
        reason: row ? 'compte_inactif' : 'identifiant_inconnu',
      });
      throw invalid();
    }
    if (row.locked_until && new Date(row.locked_until) > now) {
      journalTech(ctx, 'echec_connexion', row.id, { login, reason: 'compte_bloque' });
      throw new DomainError(
        'COMPTE_BLOQUE',
        `Compte bloqué après ${MAX_FAILED_LOGINS} essais infructueux. Réessayez après ${new Date(row.locked_until).toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' })} ou demandez au régisseur.`,
      );
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      const failed = row.failed_logins + 1;
      const lockedUntil =
        failed >= MAX_FAILED_LOGINS
          ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString()
          : null;
      // The counter, its journal entries and the lockout are written together.
      ctx.sqlite
        .transaction(() => {
          ctx.sqlite
            .prepare('UPDATE agent SET failed_logins = ?, locked_until = ? WHERE id = ?')
            .run(lockedUntil ? 0 : failed, lockedUntil, row.id);
          journalTech(ctx, 'echec_connexion', row.id, { login, reason: 'mot_de_passe', failed });
          if (lockedUntil) journalTech(ctx, 'blocage_compte', row.id, { login, lockedUntil });
        })
        .immediate();
      ctx.log.warn({ event: 'login.failed', login, failed }, 'échec de connexion');
      if (lockedUntil) {
        throw new DomainError(
          'COMPTE_BLOQUE',
          `Compte bloqué pour ${LOCKOUT_MINUTES} minutes après ${MAX_FAILED_LOGINS} essais infructueux.`,
        );
      }
      throw invalid();
    }
    ctx.sqlite
      .transaction(() => {
        ctx.sqlite
          .prepare('UPDATE agent SET failed_logins = 0, locked_until = NULL WHERE id = ?')
          .run(row.id);
        appendJournal(ctx.sqlite, 'operations', {
          kind: 'connexion',
          instant: now.toISOString(),
          agentId: row.id,
          regieId: null,
          posteCode: ctx.posteCode,
          payload: { login: row.login, role: row.role },
        });
      })
      .immediate();
    const session: AgentSession = {
      token: randomBytes(24).toString('base64url'),
      agentId: row.id,
      login: row.login,
      displayName: row.display_name,
      role: row.role,
      lastSeenMs: now.getTime(),
      locked: false,
    };
    ctx.sessions.set(session.token, session);
    ctx.log.info({ event: 'login', login }, 'connexion');
    return view(ctx, session);
  },

  async 'auth.unlock'({ password }, ctx) {
    const s = ctx.presentedToken ? ctx.sessions.get(ctx.presentedToken) : undefined;
    if (!s) throw new DomainError('NON_AUTHENTIFIE', 'Session expirée. Identifiez-vous à nouveau.');
    const row = ctx.sqlite
      .prepare('SELECT password_hash FROM agent WHERE id = ?')
      .get(s.agentId) as { password_hash: string } | undefined;
    if (!row || !(await verifyPassword(password, row.password_hash))) {
      journalTech(ctx, 'echec_deverrouillage', s.agentId, { login: s.login });
      throw invalid();
    }
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
