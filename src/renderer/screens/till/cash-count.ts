// The counting grid's fields: one text per denomination as the agent typed it, read into the
// counts the core takes. Empty means zero, so only the denominations present need typing.
import { denominations, type CashCount, type DenominationKey } from '../../../shared/contract';

export type CountFields = Record<DenominationKey, string>;

export function emptyCounts(): CountFields {
  return Object.fromEntries(denominations.map((d) => [d.key, ''])) as CountFields;
}

/** The counts, or the denominations whose text is not a whole number. */
export function readCounts(
  fields: CountFields,
): { ok: true; counts: CashCount; totalCents: number } | { ok: false; invalid: DenominationKey[] } {
  const counts = {} as CashCount;
  const invalid: DenominationKey[] = [];
  let totalCents = 0;
  for (const d of denominations) {
    const text = fields[d.key].trim();
    if (text === '') {
      counts[d.key] = 0;
    } else if (/^\d{1,6}$/.test(text) && Number(text) <= 100_000) {
      counts[d.key] = Number(text);
      totalCents += Number(text) * d.cents;
    } else {
      invalid.push(d.key);
      counts[d.key] = 0;
    }
  }
  return invalid.length ? { ok: false, invalid } : { ok: true, counts, totalCents };
}

/** The live total: unreadable lines count zero until corrected. */
export function liveTotal(fields: CountFields): number {
  let total = 0;
  for (const d of denominations) {
    const text = fields[d.key].trim();
    if (/^\d{1,6}$/.test(text)) total += Number(text) * d.cents;
  }
  return total;
}
