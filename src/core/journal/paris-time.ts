// Business calendar helpers in Europe/Paris, whatever the machine's time zone: the receipt
// sequence restarts on 1 January in Paris, and journal filters are Paris days.
import { TIME_ZONE } from '../../shared/dates';

// Built once: constructing an Intl formatter costs more than a whole payment's SQL.
const yearFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric' });

export function parisYear(instant: Date): number {
  return Number(yearFmt.format(instant));
}

const offsetFmt = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Paris offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function parisOffsetMs(instant: Date): number {
  const parts = Object.fromEntries(offsetFmt.formatToParts(instant).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant at which a Paris calendar day (YYYY-MM-DD) begins. */
export function parisDayStart(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Midnight is never inside a daylight-saving jump in Paris (they happen at 2 h and 3 h), so
  // the offset at the guessed instant, refined once, is the right one.
  const first = guess - parisOffsetMs(new Date(guess));
  return new Date(guess - parisOffsetMs(new Date(first)));
}

/** The next Paris day, for an inclusive 'to' filter. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
