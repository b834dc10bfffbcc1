import { denominations, type CashCount } from '../../shared/contract/till';

/** Total of a count by denomination, in cents. */
export function countTotal(counts: CashCount): number {
  let total = 0;
  for (const d of denominations) total += counts[d.key] * d.cents;
  return total;
}

/** The count with every denomination present, largest first, for the journal and the Z. */
export function normalizedCounts(counts: CashCount): Record<string, number> {
  return Object.fromEntries(denominations.map((d) => [d.key, counts[d.key]]));
}
