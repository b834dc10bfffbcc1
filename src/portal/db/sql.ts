// Small helpers shared by the portal's data code: the transaction type, raw rows (drizzle's
// execute() returns a driver-specific result, PGlite's and node-postgres' both with `rows`),
// and the portal's journal of administrative actions.
import type { SQL } from 'drizzle-orm';
import type { PortalDb } from './open';
import { portalEvent } from './schema';

export type PortalTx = Parameters<Parameters<PortalDb['transaction']>[0]>[0];
export type Executor = PortalDb | PortalTx;

export async function rows<T extends Record<string, unknown>>(
  db: Executor,
  query: SQL,
): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

export async function logEvent(
  db: Executor,
  kind: string,
  actor: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db.insert(portalEvent).values({ kind, actor, details });
}
