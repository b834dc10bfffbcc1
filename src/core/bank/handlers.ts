// Bank statements, reconciliation and online payments at the counter. The rules live in the
// modules beside this file; the handlers add the caller's identity, the poste and the clock.
import { parisDate } from '../../shared/dates';
import type { HandlerGroup } from '../context';
import { requireSession } from '../context';
import { importStatementFile } from './import';
import { matchManually, unmatchLine } from './manual';
import { onlineReconciliation, resolveOverpayment } from './online';
import { getStatement, listStatements, missingCredits, unmatchedLines } from './views';

export const bankHandlers = {
  'bank.import'(args, ctx) {
    const session = requireSession(ctx);
    const r = importStatementFile(ctx.sqlite, {
      commandId: args.commandId,
      fileName: args.fileName,
      bytes: new Uint8Array(Buffer.from(args.contentBase64, 'base64')),
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
    const row = ctx.sqlite
      .prepare('SELECT file_name, format, line_count FROM bank_import WHERE id = ?')
      .get(r.importId) as { file_name: string; format: 'cfonb120' | 'camt053'; line_count: number };
    const statements = listStatements(ctx.sqlite, r.importId);
    return {
      replayed: r.replayed,
      importId: r.importId,
      fileName: row.file_name,
      format: row.format,
      statements,
      lineCount: row.line_count,
      matchedCount: statements.reduce((n, s) => n + s.matchedCount, 0),
      unmatchedCount: statements.reduce((n, s) => n + s.unmatchedCount, 0),
    };
  },

  'bank.statements'(_args, ctx) {
    return listStatements(ctx.sqlite);
  },

  'bank.statement'(args, ctx) {
    return getStatement(ctx.sqlite, args.statementId, args.onlyUnmatched);
  },

  'bank.unmatched'(_args, ctx) {
    return unmatchedLines(ctx.sqlite);
  },

  'bank.match'(args, ctx) {
    const session = requireSession(ctx);
    return matchManually(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  'bank.unmatch'(args, ctx) {
    const session = requireSession(ctx);
    return unmatchLine(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  'bank.missing'(args, ctx) {
    return missingCredits(ctx.sqlite, {
      asOf: args.asOf ?? parisDate(ctx.now()),
      workingDays: args.workingDays,
    });
  },

  'online.reconciliation'(args, ctx) {
    return onlineReconciliation(ctx.sqlite, args);
  },

  'online.resolveOverpayment'(args, ctx) {
    const session = requireSession(ctx);
    return resolveOverpayment(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },
} satisfies HandlerGroup<
  | 'bank.import'
  | 'bank.statements'
  | 'bank.statement'
  | 'bank.unmatched'
  | 'bank.match'
  | 'bank.unmatch'
  | 'bank.missing'
  | 'online.reconciliation'
  | 'online.resolveOverpayment'
>;
