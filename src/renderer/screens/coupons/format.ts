// Small pure helpers of the coupon screens, kept apart so they can be tested without a browser.
import type { AccessCodeInfo } from '../../../shared/contract';

/**
 * The billing periods offered for a coupon batch, newest first: next month (invoices are often
 * issued ahead), this month and the twelve before, from `today` (YYYY-MM-DD, Paris).
 */
export function billingMonths(today: string, before = 12, after = 1): string[] {
  const [y = 2000, m = 1] = today.split('-').map(Number);
  const months: string[] = [];
  for (let shift = after; shift >= -before; shift--) {
    const d = new Date(Date.UTC(y, m - 1 + shift, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return months;
}

/** A code still able to open the account: issued, not used, not replaced and not expired. */
export function isLive(code: AccessCodeInfo, now: Date): boolean {
  if (code.status !== 'emis') return false;
  return code.expiresAt === null || new Date(code.expiresAt).getTime() > now.getTime();
}

/** Whether issuing a new code needs the agent's confirmation, and why. */
export function replaceWarning(
  current: AccessCodeInfo | null,
  now: Date,
): { kind: 'live' | 'active'; code: AccessCodeInfo } | null {
  if (!current) return null;
  if (current.status === 'active') return { kind: 'active', code: current };
  if (isLive(current, now)) return { kind: 'live', code: current };
  return null;
}

/** Percentage of a batch done, 0 while its size is unknown. */
export function progressPercent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.round((done / total) * 100));
}
