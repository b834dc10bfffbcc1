// The reports for the comptable and for an audit. Every handler only reads, except the export,
// which also records the file it produced in the technical journal.
import type { HandlerGroup } from '../context';
import { requireSession } from '../context';
import { balancesReport, creditsReport } from './family-balances';
import { exportReport, regieRef } from './export';
import { periodBounds } from './period';
import { receiptJournal } from './receipt-journal';
import { cashSituation } from './situation';
import { periodTotals } from './totals';

export const reportHandlers = {
  'reports.receipts'(args, ctx) {
    const regie = regieRef(ctx.sqlite, args.regieId);
    return receiptJournal(ctx.sqlite, periodBounds(args.period), regie?.id ?? null, args.limit);
  },

  'reports.totals'(args, ctx) {
    const regie = regieRef(ctx.sqlite, args.regieId);
    return periodTotals(ctx.sqlite, periodBounds(args.period), regie?.id ?? null);
  },

  'reports.balances'(args, ctx) {
    const regie = regieRef(ctx.sqlite, args.regieId);
    return balancesReport(ctx.sqlite, {
      regieId: regie?.id ?? null,
      nonZeroOnly: args.nonZeroOnly,
      limit: args.limit,
      at: ctx.now().toISOString(),
    });
  },

  'reports.credits'(args, ctx) {
    const regie = regieRef(ctx.sqlite, args.regieId);
    return creditsReport(ctx.sqlite, {
      regieId: regie?.id ?? null,
      limit: args.limit,
      at: ctx.now().toISOString(),
    });
  },

  'reports.cashSituation'(args, ctx) {
    const regie = regieRef(ctx.sqlite, args.regieId);
    return cashSituation(ctx.sqlite, {
      regieId: regie?.id ?? null,
      now: ctx.now(),
      posteCode: ctx.posteCode,
    });
  },

  async 'reports.export'(args, ctx) {
    const session = requireSession(ctx);
    return exportReport(ctx.sqlite, {
      report: args.report,
      format: args.format,
      period: args.period,
      regie: regieRef(ctx.sqlite, args.regieId),
      nonZeroOnly: args.nonZeroOnly,
      agentId: session.agentId,
      agentName: session.displayName,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },
} satisfies HandlerGroup<
  | 'reports.receipts'
  | 'reports.totals'
  | 'reports.balances'
  | 'reports.credits'
  | 'reports.cashSituation'
  | 'reports.export'
>;
