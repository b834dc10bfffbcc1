// GET /sync/v1/changes (PROTOCOL.md, "Pull"). Change ids are handed out in commit order by the
// feed's commit-time trigger (migration change_feed), so reading `id > cursor` in id order can
// never pass over a change that commits later: any change not yet visible will get an id above
// every id visible now. The page and the highest visible id are read in one statement (one
// snapshot), which lets the cursor move past changes that are outside this counter's scope
// instead of scanning them again at every poll.
import { eq, sql } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import { counterRegie } from '../db/schema';
import { rows } from '../db/sql';
import { PortalError } from '../errors';
import { portalText } from '../messages';
import {
  DEFAULT_PULL_LIMIT,
  MAX_PULL_LIMIT,
  type Change,
  type ChangeEntity,
  type ChangesResponse,
} from '../../shared/sync/schemas';
import type { AuthenticatedCounter } from '../counters/authenticate';

export interface ChangesQuery {
  cursor?: string | undefined;
  limit?: string | undefined;
}

function parseCursor(raw: string | undefined): bigint {
  if (raw === undefined || raw === '') return 0n;
  if (!/^\d{1,18}$/.test(raw)) {
    throw new PortalError(
      400,
      'CURSEUR_INVALIDE',
      portalText.invalid(
        'curseur inconnu : renvoyez tel quel le nextCursor reçu, ou rien pour repartir du début.',
      ),
    );
  }
  return BigInt(raw);
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PULL_LIMIT;
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PULL_LIMIT) {
    throw new PortalError(
      400,
      'VALIDATION',
      portalText.invalid(`limit doit être un entier entre 1 et ${MAX_PULL_LIMIT}.`),
    );
  }
  return n;
}

interface ChangeRow extends Record<string, unknown> {
  max_id: string;
  id: string | null;
  entity: ChangeEntity | null;
  entity_key: string | null;
  data: Record<string, unknown> | null;
  committed_at: string | null;
}

export async function readChanges(
  db: PortalDb,
  who: AuthenticatedCounter,
  query: ChangesQuery,
  now: Date,
): Promise<ChangesResponse> {
  const cursor = parseCursor(query.cursor);
  const limit = parseLimit(query.limit);
  const scope = (
    await db
      .select({ id: counterRegie.regieId })
      .from(counterRegie)
      .where(eq(counterRegie.counterId, who.id))
  ).map((r) => r.id);
  // A counter's own payments and credit uses come back only when another counter touched them
  // (a cancellation made elsewhere): the register already holds what it pushed.
  const found = await rows<ChangeRow>(
    db,
    sql`SELECT m.max_id::text AS max_id, p.id::text AS id, p.entity, p.entity_key, p.data,
               portal_iso(p.committed_at) AS committed_at
        FROM (SELECT coalesce(max(id), 0) AS max_id FROM change) m
        LEFT JOIN LATERAL (
          SELECT c.id, c.entity, c.entity_key, c.data, c.committed_at
          FROM change c
          WHERE c.id > ${cursor.toString()}::bigint
            AND (c.regie_id IS NULL OR c.regie_id = ANY(${`{${scope.join(',')}}`}::int[]))
            AND (c.origin_counter_id IS NULL OR c.origin_counter_id <> ${who.id}::uuid
                 OR c.entity NOT IN ('counter_payment', 'credit_use'))
          ORDER BY c.id
          LIMIT ${limit + 1}
        ) p ON true
        ORDER BY p.id`,
  );
  const page = found.filter((r) => r.id !== null);
  const hasMore = page.length > limit;
  const served = page.slice(0, limit);
  const changes: Change[] = served.map((r) => ({
    id: Number(r.id),
    entity: r.entity as ChangeEntity,
    key: r.entity_key ?? '',
    data: r.data,
    committedAt: r.committed_at ?? '',
  }));
  const maxVisible = BigInt(found[0]?.max_id ?? '0');
  const last = served.at(-1);
  const next = hasMore && last ? BigInt(last.id ?? '0') : maxVisible > cursor ? maxVisible : cursor;
  return { changes, nextCursor: next.toString(), hasMore, serverTime: now.toISOString() };
}
