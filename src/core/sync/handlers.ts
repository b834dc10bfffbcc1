// Handlers of the sync domain. The engine lives in the core (one per openCore); these only ask
// it, so an agent is never kept waiting longer than a "Synchroniser maintenant" they asked for.
import type { HandlerContext, HandlerGroup } from '../context';
import { DomainError } from '../errors';
import { SyncError } from './client';
import type { SyncEngine } from './engine';

function engineOf(ctx: HandlerContext): SyncEngine {
  if (!ctx.sync) {
    throw new DomainError(
      'REGLE_METIER',
      'La synchronisation n’est pas disponible sur ce poste.',
      'SYNC_INDISPONIBLE',
    );
  }
  return ctx.sync;
}

export const syncHandlers: HandlerGroup<'sync.enrol' | 'sync.status' | 'sync.now'> = {
  'sync.enrol': (args, ctx) =>
    engineOf(ctx).enrol(args.portalUrl, args.code, ctx.session?.agentId ?? null),
  'sync.status': (_args, ctx) => engineOf(ctx).status(),
  'sync.now': async (_args, ctx) => {
    const engine = engineOf(ctx);
    if (!engine.status().configured) {
      throw new DomainError(
        'REGLE_METIER',
        'Ce poste n’est relié à aucun portail. Le régisseur doit d’abord l’enrôler avec un code du portail.',
        'SYNC_NON_CONFIGUREE',
      );
    }
    try {
      await engine.runNow();
    } catch (e) {
      // The failure is in the status (lastError); the agent sees it there, and nothing was lost.
      if (!(e instanceof SyncError)) throw e;
    }
    return engine.status();
  },
};
