// Card remittances: the card terminal (TPE) sends its batch to the bank by itself, so there is
// no slip to fill; the comptable wants, per till session, what the register recorded by card
// (net of cancellations) against the batch total the agent read off the terminal at closing.
import type Database from 'better-sqlite3';
import type { CardSessionLine, RemittanceSummary } from '../../shared/contract/deposits';
import { formatDate } from '../../shared/dates';
import { DomainError } from '../errors';
import { nextDay, parisDayStart } from '../journal/paris-time';
import { prepared } from '../db/prepared';
import { closePayload } from '../till/closing';
import type { SessionRow } from '../till/session';
import { regieInfo } from './slips';

export interface CardSummaryInput {
  regieId?: number;
  from: string;
  to: string;
}

/**
 * Sessions opened between `from` and `to` (Paris dates, both included): a session belongs to
 * the day it was opened on, like its Z report. Sessions without any card activity are left out.
 */
export function cardSummary(sqlite: Database.Database, input: CardSummaryInput): RemittanceSummary {
  if (input.from > input.to) {
    throw new DomainError(
      'VALIDATION',
      `Période invalide : le ${formatDate(input.from)} est après le ${formatDate(input.to)}. Indiquez une date de début antérieure ou égale à la date de fin.`,
    );
  }
  const regie = input.regieId === undefined ? null : regieInfo(sqlite, input.regieId);
  const sessions = prepared(
    sqlite,
    `SELECT * FROM till_session WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at, id`,
  ).all(
    parisDayStart(input.from).toISOString(),
    parisDayStart(nextDay(input.to)).toISOString(),
  ) as SessionRow[];
  const regieId = regie?.id ?? null;
  const paid = prepared(
    sqlite,
    `SELECT count(*) AS n, COALESCE(SUM(p.amount_cents), 0) AS total
       FROM till_link l JOIN payment p ON p.id = l.payment_id
      WHERE l.session_id = @session AND p.mode = 'carte' AND (@regie IS NULL OR p.regie_id = @regie)`,
  );
  const cancelled = prepared(
    sqlite,
    `SELECT count(*) AS n, COALESCE(SUM(p.amount_cents), 0) AS total
       FROM till_link l JOIN cancellation c ON c.id = l.cancellation_id
       JOIN payment p ON p.id = c.payment_id
      WHERE l.session_id = @session AND p.mode = 'carte' AND (@regie IS NULL OR p.regie_id = @regie)`,
  );
  const lines: CardSessionLine[] = [];
  for (const s of sessions) {
    const p = paid.get({ session: s.id, regie: regieId }) as { n: number; total: number };
    const c = cancelled.get({ session: s.id, regie: regieId }) as { n: number; total: number };
    let batchCents: number | null = null;
    let differenceCents: number | null = null;
    if (s.status === 'closed' && s.close_journal_seq !== null) {
      // The closing entry carries the batch total as counted and its difference with what the
      // register expected for the whole session (every régie: the terminal has one batch).
      const line = closePayload(sqlite, s).lines.find((l) => l.mode === 'carte');
      batchCents = line?.countedCents ?? 0;
      differenceCents = line?.differenceCents ?? 0;
    }
    if (p.n === 0 && c.n === 0 && !batchCents && !differenceCents) continue;
    lines.push({
      sessionId: s.id,
      posteCode: s.poste_code,
      openedAt: s.opened_at,
      closedAt: s.closed_at,
      paymentCount: p.n,
      cancellationCount: c.n,
      netCents: p.total - c.total,
      batchCents,
      differenceCents,
    });
  }
  return {
    from: input.from,
    to: input.to,
    regieId,
    regieLabel: regie ? `${regie.code} – ${regie.name}` : null,
    sessions: lines,
    paymentCount: lines.reduce((sum, l) => sum + l.paymentCount, 0),
    netCents: lines.reduce((sum, l) => sum + l.netCents, 0),
    batchCents: lines.reduce((sum, l) => sum + (l.batchCents ?? 0), 0),
    differenceCents: lines.reduce((sum, l) => sum + (l.differenceCents ?? 0), 0),
  };
}
