import type { VerifyReport } from '../../shared/contract';
import type { HandlerGroup } from '../context';
import { requireSession } from '../context';
import { appendJournal } from './chain';
import { listJournal } from './list';
import { verifyAll } from './verify';

export const journalHandlers = {
  'journal.list'(args, ctx) {
    return listJournal(ctx.sqlite, args);
  },

  'journal.verify'(_args, ctx) {
    const session = requireSession(ctx);
    const started = performance.now();
    const { operations, technique, ledger } = verifyAll(ctx.sqlite);
    const ok = operations.ok && technique.ok && ledger.ok;
    const verifiedAt = ctx.now().toISOString();
    const report: VerifyReport = {
      ok,
      verifiedAt,
      durationMs: Math.round(performance.now() - started),
      operations,
      technique,
      ledger,
    };
    // The check itself is a technical event: an auditor sees when the chain was last verified
    // and what was found. It is written after the check so it does not verify itself.
    const firstMessage =
      operations.firstError?.message ?? technique.firstError?.message ?? ledger.firstError?.message;
    try {
      appendJournal(ctx.sqlite, 'technique', {
        kind: 'verification_integrite',
        instant: verifiedAt,
        agentId: session.agentId,
        regieId: null,
        posteCode: ctx.posteCode,
        payload: {
          ok,
          operationsLastSeq: operations.lastSeq,
          techniqueLastSeq: technique.lastSeq,
          ...(firstMessage ? { message: firstMessage } : {}),
        },
      });
    } catch (e) {
      // A technical journal too damaged to extend must not hide the report from the auditor.
      ctx.log.error({ err: e }, 'vérification d’intégrité non journalisée');
    }
    return report;
  },
} satisfies HandlerGroup<'journal.list' | 'journal.verify'>;
