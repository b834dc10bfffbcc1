// Failure counters against guessing, stored in the database so that they hold across
// addresses, restarts and several portal processes. Keys name what is attacked (a code famille,
// an e-mail address) whether or not it exists, so a lockout says nothing about existence.
//
// An attempt is counted *before* the secret is checked, in one atomic upsert, and a success
// clears the counter: concurrent guesses each take their own number and cannot all slip in
// before the first failure is written. Past the free allowance, every attempt locks the key
// for a delay that doubles each time (15 min, 30 min, 1 h… up to 24 h). The counter is
// forgotten only after a week without attempts, longer than the longest lock, so waiting out a
// lock never buys a fresh allowance.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/sql';
import { rows } from '../db/sql';

export interface ThrottlePolicy {
  /** Attempts allowed before the first lock. */
  freeAttempts: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Quiet time after which the counter starts again from zero. */
  forgetAfterMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeAttempts: 5,
  baseLockMs: 15 * 60_000,
  maxLockMs: 24 * 3_600_000,
  forgetAfterMs: 7 * 24 * 3_600_000,
};

export type AttemptResult =
  { allowed: true; attempt: number } | { allowed: false; lockedUntil: Date };

/** Counts one attempt on `key`; refuses it (counting nothing) while the key is locked. */
export async function takeAttempt(
  db: Executor,
  key: string,
  now: Date,
  policy: ThrottlePolicy,
): Promise<AttemptResult> {
  const forgetBefore = new Date(now.getTime() - policy.forgetAfterMs);
  // The lock set by attempt n (n >= freeAttempts) lasts base * 2^(n - freeAttempts).
  const counted = await rows<{ failures: number }>(
    db,
    sql`INSERT INTO auth_throttle AS t (key, failures, last_failure_at, locked_until)
        VALUES (${key}, 1, ${now}, CASE WHEN 1 >= ${policy.freeAttempts}
          THEN ${now}::timestamptz + make_interval(secs => ${policy.baseLockMs / 1000}) END)
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN t.last_failure_at < ${forgetBefore} THEN 1 ELSE t.failures + 1 END,
          last_failure_at = ${now},
          locked_until = CASE
            WHEN (CASE WHEN t.last_failure_at < ${forgetBefore} THEN 1 ELSE t.failures + 1 END)
                 >= ${policy.freeAttempts}
            THEN ${now}::timestamptz + make_interval(secs => least(${policy.maxLockMs / 1000}::float8,
                   ${policy.baseLockMs / 1000}::float8 * power(2::float8,
                     least(30, t.failures + 1 - ${policy.freeAttempts}))))
            END
          WHERE t.locked_until IS NULL OR t.locked_until <= ${now}
        RETURNING t.failures`,
  );
  const row = counted[0];
  if (row) return { allowed: true, attempt: Number(row.failures) };
  const locked = await rows<{ locked_until: Date | string }>(
    db,
    sql`SELECT locked_until FROM auth_throttle WHERE key = ${key}`,
  );
  const until = locked[0]?.locked_until;
  return { allowed: false, lockedUntil: until ? new Date(until) : now };
}

/** A success: the key starts again from zero. */
export async function clearAttempts(db: Executor, key: string): Promise<void> {
  await db.execute(sql`DELETE FROM auth_throttle WHERE key = ${key}`);
}
