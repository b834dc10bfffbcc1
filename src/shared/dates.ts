// Instants are stored as UTC ISO strings; business dates (due dates) as YYYY-MM-DD. Display
// is always Europe/Paris, whatever the machine's time zone.
import { z } from 'zod';

export const TIME_ZONE = 'Europe/Paris';

export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Date attendue au format AAAA-MM-JJ.' });

const dateFmt = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFmt = new Intl.DateTimeFormat('fr-FR', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});

/** "2026-03-05" -> "05/03/2026" (no time zone involved: it is a calendar date). */
export function formatDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** A UTC instant shown in Paris time: "05/03/2026 à 14:07". */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  return `${dateFmt.format(d)} à ${timeFmt.format(d)}`;
}

// One formatter for the process: building an Intl formatter costs about a quarter of a
// millisecond, and closures, reports and statement matching call this for every payment.
const parisDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Paris calendar date of an instant, as YYYY-MM-DD. */
export function parisDate(instant: Date): string {
  return parisDay.format(instant);
}
