// Period closures of each régie (NF525 model): where each régie stands, the closures made,
// closing a day, a month or a year, and the closure's PDF (the "état des recettes" for a month).
import type { ClosureStatus } from '../../shared/contract/closures';
import type { HandlerGroup } from '../context';
import { requireSession } from '../context';
import { notFound } from '../errors';
import { prepared } from '../db/prepared';
import { regieCalendar } from './calendar';
import { closePeriod, type ClosurePayload } from './close';
import { installClosedPeriodGuard } from './guard';
import { regieInfo } from './totals';
import { closureViews } from './views';

// A payment dated inside a closed period is refused in French as soon as the core is loaded.
installClosedPeriodGuard();

export const closureHandlers = {
  'closures.status'(_args, ctx) {
    const now = ctx.now();
    const ids = prepared(ctx.sqlite, 'SELECT id FROM regie ORDER BY code')
      .pluck()
      .all() as number[];
    return ids.flatMap((id): ClosureStatus[] => {
      const regie = regieInfo(ctx.sqlite, id);
      if (!regie) return [];
      const cal = regieCalendar(ctx.sqlite, regie, now);
      const last = (kind: 'jour' | 'mois' | 'annee') =>
        [...cal.closed[kind].keys()].sort().at(-1) ?? null;
      return [
        {
          regieId: regie.id,
          regieCode: regie.code,
          regieName: regie.name,
          lastClosed: { jour: last('jour'), mois: last('mois'), annee: last('annee') },
          pending: cal.pending,
          openTills: cal.openTills,
        },
      ];
    });
  },

  'closures.list'(args, ctx) {
    return closureViews(ctx.sqlite, {
      ...(args.regieId !== undefined ? { regieId: args.regieId } : {}),
      ...(args.kind !== undefined ? { kind: args.kind } : {}),
      limit: args.limit,
    });
  },

  'closures.close'(args, ctx) {
    const session = requireSession(ctx);
    return closePeriod(ctx.sqlite, {
      commandId: args.commandId,
      regieId: args.regieId,
      kind: args.kind,
      period: args.period,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  async 'closures.report'(args, ctx) {
    const [closure] = closureViews(ctx.sqlite, { ids: [args.closureId] });
    if (!closure) throw notFound('Clôture');
    const entry = prepared(ctx.sqlite, 'SELECT hash, payload FROM journal_entry WHERE seq = ?').get(
      closure.journalSeq,
    ) as { hash: string; payload: string };
    const payload = JSON.parse(entry.payload) as ClosurePayload;
    const commune = prepared(
      ctx.sqlite,
      'SELECT name, address_line, postal_code, city FROM commune ORDER BY id LIMIT 1',
    ).get() as { name: string; address_line: string; postal_code: string; city: string };
    // pdf-lib and fontkit load on the first document rather than at every start of the core.
    const { closureReportFileName, renderClosureReport } = await import('./closure-report');
    const data = {
      commune: {
        name: commune.name,
        addressLine: commune.address_line,
        postalCode: commune.postal_code,
        city: commune.city,
      },
      totals: closure.totals,
      closedAt: closure.closedAt,
      closedBy: payload.closedByName,
      journalSeq: closure.journalSeq,
      journalHash: entry.hash,
      lastCoveredSeq: payload.lastCoveredSeq,
    };
    const bytes = await renderClosureReport(data);
    return {
      fileName: closureReportFileName(data),
      pdfBase64: Buffer.from(bytes).toString('base64'),
    };
  },
} satisfies HandlerGroup<
  'closures.status' | 'closures.list' | 'closures.close' | 'closures.report'
>;
