// The journal of receipts as shown on screen and exported: the period's receipts with their
// cancellations, the period's sums (the same as the totals report), the cancellations of earlier
// receipts dated in the period, and each receipt sequence's first and last number.
import type Database from 'better-sqlite3';
import type { ReceiptJournal } from '../../shared/contract/reports';
import type { PeriodBounds } from './period';
import {
  earlierCancellations,
  periodFilter,
  periodSums,
  receiptRows,
  receiptSequences,
} from './receipts';
import { foldTotals, regieLabels } from './totals';

export function receiptJournal(
  sqlite: Database.Database,
  bounds: PeriodBounds,
  regieId: number | null,
  /** Rows to return; null for every row (exports). */
  limit: number | null,
): ReceiptJournal {
  const f = periodFilter(bounds, regieId);
  const totals = foldTotals(bounds, regieId, periodSums(sqlite, f), regieLabels(sqlite));
  const rows = receiptRows(sqlite, f, limit);
  const { total } = totals;
  return {
    from: bounds.from,
    to: bounds.to,
    regieId,
    rows,
    truncated: rows.length < total.paymentCount,
    totalRows: total.paymentCount,
    paymentCount: total.paymentCount,
    collectedCents: total.collectedCents,
    cancellationCount: total.cancellationCount,
    cancelledCents: total.cancelledCents,
    netCents: total.netCents,
    earlierCancellations: earlierCancellations(sqlite, f),
    sequences: receiptSequences(sqlite, f),
    regies: totals.regies,
  };
}
