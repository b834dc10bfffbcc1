// Totals of a period per mode, per régie, per régie and mode, and in all: payments counted by
// the date they were recorded, cancellations by the date they were made. The journal of
// receipts prints the same sums, from the same function.
import type Database from 'better-sqlite3';
import type { PeriodTotals, ReportRegie, TotalsLine } from '../../shared/contract/reports';
import { paymentModeLabels, paymentModes, type PaymentMode } from '../../shared/payment-modes';
import { prepared } from '../db/prepared';
import type { PeriodBounds } from './period';
import { periodFilter, periodSums, type ModeSums } from './receipts';

/** The commune's régies by code. */
export function regieLabels(sqlite: Database.Database): ReportRegie[] {
  return prepared(sqlite, 'SELECT id, code, name FROM regie ORDER BY code').all() as ReportRegie[];
}

function line(key: string, label: string, sums: readonly ModeSums[]): TotalsLine {
  let paymentCount = 0;
  let collectedCents = 0;
  let cancellationCount = 0;
  let cancelledCents = 0;
  for (const s of sums) {
    paymentCount += s.paymentCount;
    collectedCents += s.collectedCents;
    cancellationCount += s.cancellationCount;
    cancelledCents += s.cancelledCents;
  }
  return {
    key,
    label,
    paymentCount,
    collectedCents,
    cancellationCount,
    cancelledCents,
    netCents: collectedCents - cancelledCents,
  };
}

/** Sums of the period folded into lines; modes in their usual order, régies by code. */
export function foldTotals(
  bounds: PeriodBounds,
  regieId: number | null,
  sums: readonly ModeSums[],
  regies: ReportRegie[],
): PeriodTotals {
  const modes = paymentModes.filter((m) => sums.some((s) => s.mode === m));
  const active = regies.filter((r) => sums.some((s) => s.regieId === r.id));
  const perRegieMode: PeriodTotals['perRegieMode'] = [];
  for (const r of active) {
    for (const mode of modes) {
      const these = sums.filter((s) => s.regieId === r.id && s.mode === mode);
      if (these.length === 0) continue;
      perRegieMode.push({
        ...line(`${r.code}/${mode}`, `${r.code} – ${paymentModeLabels[mode]}`, these),
        regieCode: r.code,
        mode,
      });
    }
  }
  return {
    from: bounds.from,
    to: bounds.to,
    regieId,
    perMode: modes.map((mode: PaymentMode) =>
      line(
        mode,
        paymentModeLabels[mode],
        sums.filter((s) => s.mode === mode),
      ),
    ),
    perRegie: active.map((r) =>
      line(
        r.code,
        `${r.code} – ${r.name}`,
        sums.filter((s) => s.regieId === r.id),
      ),
    ),
    perRegieMode,
    total: line('total', 'Total', sums),
    regies,
  };
}

export function periodTotals(
  sqlite: Database.Database,
  bounds: PeriodBounds,
  regieId: number | null,
): PeriodTotals {
  return foldTotals(
    bounds,
    regieId,
    periodSums(sqlite, periodFilter(bounds, regieId)),
    regieLabels(sqlite),
  );
}
