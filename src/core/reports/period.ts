// A report's period as the ledger sees it. The person picks Paris calendar dates, both
// included; the ledger stores UTC instants. The period therefore runs from the UTC instant of
// Paris midnight at the start of `from` to the one at the end of `to` (excluded), which is 23
// or 25 hours away from a plain day on the two daylight-saving Sundays.
import type { ReportPeriod } from '../../shared/contract/reports';
import { nextDay, parisDayStart } from '../journal/paris-time';

export interface PeriodBounds {
  from: string;
  to: string;
  /** UTC ISO instants: start included, end excluded. */
  start: string;
  end: string;
}

export function periodBounds(period: ReportPeriod): PeriodBounds {
  return {
    from: period.from,
    to: period.to,
    start: parisDayStart(period.from).toISOString(),
    end: parisDayStart(nextDay(period.to)).toISOString(),
  };
}
