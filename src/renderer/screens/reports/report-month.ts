// The quick period choices of the reports: a whole calendar month, this one or an earlier one.
import type { ReportPeriod } from '../../../shared/contract';

/** The first and last day of the month of `date` (YYYY-MM-DD), `shift` months away. */
export function monthOf(date: string, shift = 0): ReportPeriod {
  const [y = 2000, mo = 1] = date.split('-').map(Number);
  const first = new Date(Date.UTC(y, mo - 1 + shift, 1));
  const last = new Date(Date.UTC(y, mo + shift, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}
