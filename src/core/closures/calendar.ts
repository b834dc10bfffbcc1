// Where a régie stands with its closures: which periods are closed, which are over and still
// to close (and in what order), and what stands in the way. Days are listed only when
// something happened on them; months and years from the régie's first operation, so a régie
// that collected nothing for a summer still closes July and August, at zero.
import type Database from 'better-sqlite3';
import {
  closurePeriodPhrase,
  type ClosureKind,
  type ClosurePending,
} from '../../shared/contract/closures';
import { formatInstant } from '../../shared/dates';
import { prepared } from '../db/prepared';
import { parisDayStart } from '../journal/paris-time';
import {
  kindRank,
  nextPeriod,
  parisDateOf,
  periodContaining,
  periodOf,
  subPeriods,
  type Period,
} from './periods';
import { REGIE_SESSION_SQL, seqRange, type RegieInfo } from './totals';

export interface ClosedPeriod {
  kind: ClosureKind;
  period: string;
  start: string;
  end: string;
  journalSeq: number;
}

export interface OpenTill {
  posteCode: string;
  openedAt: string;
}

export interface RegieCalendar {
  regie: RegieInfo;
  /** Instant of the régie's first payment or credit use, or null when it has none. */
  firstActivity: string | null;
  closed: Record<ClosureKind, Map<string, ClosedPeriod>>;
  /** Paris dates with activity, from the start of the oldest period still to close. */
  activeDays: Set<string>;
  pending: ClosurePending[];
  openTills: OpenTill[];
}

// Everything a closure counts marks its day as active, so a day without activity closes to
// zero and a month's totals are exactly the sum of the days it closes. An instant's Paris day
// is that of its UTC hour: Paris is a whole number of hours ahead of UTC and changes at 01:00
// UTC, so reading distinct hours spares a time-zone conversion per entry.
const ACTIVITY_SQL = `
  SELECT DISTINCT h FROM (
    SELECT substr(recorded_at, 1, 13) AS h FROM payment
    WHERE journal_seq BETWEEN @lo AND @hi AND +regie_id = @regie
      AND recorded_at >= @start AND recorded_at < @end
    UNION ALL
    SELECT substr(used_at, 1, 13) FROM credit_use
    WHERE journal_seq BETWEEN @lo AND @hi AND +regie_id = @regie
      AND used_at >= @start AND used_at < @end
    UNION ALL
    SELECT substr(c.cancelled_at, 1, 13) FROM cancellation c
      LEFT JOIN payment p ON p.id = c.payment_id
      LEFT JOIN credit_use u ON u.id = c.credit_use_id
    WHERE c.journal_seq BETWEEN @lo AND @hi AND c.cancelled_at >= @start AND c.cancelled_at < @end
      AND COALESCE(p.regie_id, u.regie_id) = @regie
    UNION ALL
    SELECT substr(validated_at, 1, 13) FROM deposit_slip
    WHERE regie_id = @regie AND status = 'validated' AND validated_at >= @start AND validated_at < @end
    UNION ALL
    SELECT substr(deposited_at, 1, 13) FROM cash_deposit
    WHERE regie_id = @regie AND deposited_at >= @start AND deposited_at < @end
    UNION ALL
    SELECT substr(d.at, 1, 13) FROM till_difference d
    WHERE d.at >= @start AND d.at < @end AND ${REGIE_SESSION_SQL}
  )`;

export function activeDaysBetween(
  sqlite: Database.Database,
  regieId: number,
  start: string,
  end: string,
): Set<string> {
  const days = new Set<string>();
  if (start >= end) return days;
  const hours = prepared(sqlite, ACTIVITY_SQL)
    .pluck()
    .all({ regie: regieId, start, end, ...seqRange(sqlite, start, end) }) as string[];
  for (const h of hours) days.add(parisDateOf(`${h}:00:00.000Z`));
  return days;
}

export function firstActivity(sqlite: Database.Database, regieId: number): string | null {
  const row = prepared(
    sqlite,
    `SELECT MIN(t) AS first FROM (
       SELECT MIN(recorded_at) AS t FROM payment WHERE regie_id = @regie
       UNION ALL SELECT MIN(used_at) FROM credit_use WHERE regie_id = @regie)`,
  ).get({ regie: regieId }) as { first: string | null };
  return row.first;
}

export function closedPeriods(
  sqlite: Database.Database,
  regieId: number,
): Record<ClosureKind, Map<string, ClosedPeriod>> {
  const out: Record<ClosureKind, Map<string, ClosedPeriod>> = {
    jour: new Map(),
    mois: new Map(),
    annee: new Map(),
  };
  const rows = prepared(
    sqlite,
    'SELECT kind, period, period_start, period_end, journal_seq FROM closure WHERE regie_id = ?',
  ).all(regieId) as {
    kind: ClosureKind;
    period: string;
    period_start: string;
    period_end: string;
    journal_seq: number;
  }[];
  for (const r of rows) {
    out[r.kind].set(r.period, {
      kind: r.kind,
      period: r.period,
      start: r.period_start,
      end: r.period_end,
      journalSeq: r.journal_seq,
    });
  }
  return out;
}

export function openTills(sqlite: Database.Database): OpenTill[] {
  return (
    prepared(
      sqlite,
      "SELECT poste_code, opened_at FROM till_session WHERE status = 'open' ORDER BY opened_at, poste_code",
    ).all() as { poste_code: string; opened_at: string }[]
  ).map((r) => ({ posteCode: r.poste_code, openedAt: r.opened_at }));
}

/** Tills opened before `end` and still open: a period they overlap cannot be closed. */
export function tillsBlocking(tills: OpenTill[], end: string): OpenTill[] {
  return tills.filter((t) => t.openedAt < end);
}

export function openTillsMessage(tills: OpenTill[]): string {
  return tills
    .map(
      (t) => `la caisse du poste ${t.posteCode} est ouverte depuis le ${formatInstant(t.openedAt)}`,
    )
    .join(' ; ');
}

function isClosed(closed: RegieCalendar['closed'], p: Period): boolean {
  if (closed[p.kind].has(p.period)) return true;
  // A day of a closed month (or a month of a closed year) is covered by it.
  if (p.kind === 'jour') {
    return closed.mois.has(p.period.slice(0, 7)) || closed.annee.has(p.period.slice(0, 4));
  }
  return p.kind === 'mois' && closed.annee.has(p.period.slice(0, 4));
}

const byClosingOrder = (a: ClosurePending, b: ClosurePending) =>
  a.periodEnd < b.periodEnd
    ? -1
    : a.periodEnd > b.periodEnd
      ? 1
      : kindRank[a.kind] - kindRank[b.kind];

export function regieCalendar(
  sqlite: Database.Database,
  regie: RegieInfo,
  now: Date,
): RegieCalendar {
  const closed = closedPeriods(sqlite, regie.id);
  const first = firstActivity(sqlite, regie.id);
  const tills = openTills(sqlite);
  const nowIso = now.toISOString();
  if (first === null || first >= nowIso) {
    return {
      regie,
      firstActivity: first,
      closed,
      activeDays: new Set(),
      pending: [],
      openTills: tills,
    };
  }

  const overAndOpen = (kind: 'mois' | 'annee'): Period[] => {
    const out: Period[] = [];
    for (let p = periodContaining(kind, first); p.end <= nowIso; p = nextPeriod(p)) {
      if (!isClosed(closed, p)) out.push(p);
    }
    return out;
  };
  const months = overAndOpen('mois');
  const years = overAndOpen('annee');

  // Everything before the end of the latest closure is closed (closures are made in order and
  // nothing can be dated inside a closed period), so the activity is read from there, or from
  // the start of an older month or year still to close.
  let scanStart = first;
  for (const m of closed.jour.values()) if (m.end > scanStart) scanStart = m.end;
  for (const m of closed.mois.values()) if (m.end > scanStart) scanStart = m.end;
  for (const m of closed.annee.values()) if (m.end > scanStart) scanStart = m.end;
  for (const p of [...months, ...years]) if (p.start < scanStart) scanStart = p.start;
  const todayStart = parisDayStart(parisDateOf(now)).toISOString();
  const activeDays = activeDaysBetween(sqlite, regie.id, scanStart, todayStart);

  const days = [...activeDays]
    .sort()
    .map((d) => periodOf('jour', d))
    .filter((d) => d.end <= nowIso && !isClosed(closed, d));
  // A Paris date belongs to a month or a year when it starts with that period's text.
  const activeIn = (p: Period) => [...activeDays].some((d) => d.startsWith(p.period));
  const pendingDays = (p: Period) =>
    days
      .filter((d) => d.period.startsWith(p.period))
      .map((d) => ({ kind: d.kind, period: d.period }));

  const pending: ClosurePending[] = [
    ...days.map((d) => ({ p: d, hasActivity: true, alsoCloses: [] })),
    ...months.map((m) => ({ p: m, hasActivity: activeIn(m), alsoCloses: pendingDays(m) })),
    ...years.map((y) => ({
      p: y,
      hasActivity: activeIn(y),
      alsoCloses: months
        .filter((m) => m.period.startsWith(y.period))
        .flatMap((m) => [...pendingDays(m), { kind: m.kind, period: m.period }]),
    })),
  ]
    .map(({ p, hasActivity, alsoCloses }) => ({
      kind: p.kind,
      period: p.period,
      periodStart: p.start,
      periodEnd: p.end,
      hasActivity,
      alsoCloses,
      blockedBy: null as string | null,
      waitsFor: null as ClosurePending['waitsFor'],
    }))
    .sort(byClosingOrder);

  for (const item of pending) {
    const earlier = pending.find((o) => o.kind === item.kind && o.periodEnd <= item.periodStart);
    const blocking = tillsBlocking(tills, item.periodEnd);
    item.waitsFor = earlier ? { kind: earlier.kind, period: earlier.period } : null;
    item.blockedBy = earlier
      ? `Clôturez d’abord ${closurePeriodPhrase(earlier.kind, earlier.period)} : les clôtures se font dans l’ordre chronologique.`
      : blocking.length > 0
        ? `Impossible pour l’instant : ${openTillsMessage(blocking)}. Clôturez cette caisse (comptage et rapport Z) d’abord.`
        : null;
  }
  return { regie, firstActivity: first, closed, activeDays, pending, openTills: tills };
}

/** The days of a month (or months and days of a year) that its closing also closes, in order. */
export function periodsClosedWith(cal: RegieCalendar, target: Period): Period[] {
  if (target.kind === 'jour') return [];
  const days = (m: Period) =>
    subPeriods(m).filter((d) => cal.activeDays.has(d.period) && !isClosed(cal.closed, d));
  if (target.kind === 'mois') return days(target);
  const first = cal.firstActivity ?? target.end;
  return subPeriods(target)
    .filter((m) => m.end > first && !isClosed(cal.closed, m))
    .flatMap((m) => [...days(m), m]);
}
