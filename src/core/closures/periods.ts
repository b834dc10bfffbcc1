// Closure periods on the Paris calendar: a day (YYYY-MM-DD), a month (YYYY-MM) or a year
// (YYYY), each as UTC instants from the Paris midnight that starts it (included) to the one
// that ends it (excluded). A day is 23 or 25 hours long when the clocks change; taking both
// ends from parisDayStart keeps that right without any arithmetic on hours.
import type { ClosureKind } from '../../shared/contract/closures';
import { TIME_ZONE } from '../../shared/dates';
import { DomainError } from '../errors';
import { nextDay, parisDayStart } from '../journal/paris-time';

export interface Period {
  kind: ClosureKind;
  period: string;
  /** UTC ISO instants (Date.toISOString()), start included, end excluded. */
  start: string;
  end: string;
}

/** The first year a closure may name: the register did not exist before. */
const FIRST_YEAR = 2000;

const shapes: Record<ClosureKind, { pattern: RegExp; expected: string }> = {
  jour: { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, expected: 'une journée au format AAAA-MM-JJ' },
  mois: { pattern: /^(\d{4})-(\d{2})$/, expected: 'un mois au format AAAA-MM' },
  annee: { pattern: /^(\d{4})$/, expected: 'une année au format AAAA' },
};

function invalid(kind: ClosureKind, period: string, why: string): DomainError {
  return new DomainError(
    'VALIDATION',
    `Période « ${period} » invalide pour une ${kindNoun[kind]} : ${why}. Rien n’a été clôturé.`,
    'PERIODE_INVALIDE',
  );
}

const kindNoun: Record<ClosureKind, string> = {
  jour: 'clôture journalière',
  mois: 'clôture mensuelle',
  annee: 'clôture annuelle',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Checks that the period has the shape of its kind and names a real date; returns its bounds. */
export function parsePeriod(kind: ClosureKind, period: string): Period {
  const shape = shapes[kind];
  const m = shape.pattern.exec(period);
  if (!m) throw invalid(kind, period, `attendu ${shape.expected}`);
  const year = Number(m[1]);
  if (year < FIRST_YEAR) throw invalid(kind, period, `année antérieure à ${FIRST_YEAR}`);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  if (month < 1 || month > 12) throw invalid(kind, period, 'le mois doit être entre 01 et 12');
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const real = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || real.getUTCMonth() !== month - 1 || real.getUTCDate() !== day) {
    throw invalid(kind, period, 'cette date n’existe pas dans le calendrier');
  }
  return periodOf(kind, period);
}

/** Bounds of a period already known to be well formed. */
export function periodOf(kind: ClosureKind, period: string): Period {
  const firstDay = kind === 'jour' ? period : kind === 'mois' ? `${period}-01` : `${period}-01-01`;
  const [y, mo] = firstDay.split('-').map(Number) as [number, number, number];
  const nextFirstDay =
    kind === 'jour'
      ? nextDay(period)
      : kind === 'mois'
        ? mo === 12
          ? `${y + 1}-01-01`
          : `${y}-${pad(mo + 1)}-01`
        : `${y + 1}-01-01`;
  return {
    kind,
    period,
    start: parisDayStart(firstDay).toISOString(),
    end: parisDayStart(nextFirstDay).toISOString(),
  };
}

/** The days of a month, or the months of a year; nothing for a day. */
export function subPeriods(p: Period): Period[] {
  if (p.kind === 'mois') {
    const out: Period[] = [];
    for (let d = `${p.period}-01`; d.startsWith(p.period); d = nextDay(d)) {
      out.push(periodOf('jour', d));
    }
    return out;
  }
  if (p.kind === 'annee') {
    return Array.from({ length: 12 }, (_, i) => periodOf('mois', `${p.period}-${pad(i + 1)}`));
  }
  return [];
}

/** The month and the year a period belongs to (none for a year). */
export function enclosingPeriods(p: Period): Period[] {
  if (p.kind === 'jour') {
    return [periodOf('mois', p.period.slice(0, 7)), periodOf('annee', p.period.slice(0, 4))];
  }
  if (p.kind === 'mois') return [periodOf('annee', p.period.slice(0, 4))];
  return [];
}

const dateFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Paris calendar date (YYYY-MM-DD) of a UTC instant. */
export function parisDateOf(instant: string | Date): string {
  return dateFmt.format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** The period of a kind that contains an instant. */
export function periodContaining(kind: ClosureKind, instant: string | Date): Period {
  const date = parisDateOf(instant);
  return periodOf(
    kind,
    kind === 'jour' ? date : kind === 'mois' ? date.slice(0, 7) : date.slice(0, 4),
  );
}

/** The next period of the same kind. */
export function nextPeriod(p: Period): Period {
  return periodContaining(p.kind, p.end);
}

/** Granularity rank, finest first: a day closes before its month, a month before its year. */
export const kindRank: Record<ClosureKind, number> = { jour: 0, mois: 1, annee: 2 };
