// POST /sync/v1/push (PROTOCOL.md, "Push"). Operations are taken in sequence order, in
// transactions of up to OPS_PER_TRANSACTION consecutive operations, each transaction starting
// by locking the counter's row: two requests of one counter (a retry that overtakes a slow
// first attempt) are thus serialised, and the checks below always see the committed truth.
// Inside a transaction every operation has its own savepoint. Per operation:
//   - an opId already recorded answers `duplicate` with the first answer (same content) or is
//     refused (other content);
//   - seq = last_seq + 1 is applied inside its savepoint: success records it `applied`, an
//     OpRejected rolls the savepoint back and records it `rejected`; either way last_seq moves
//     on, so a refused operation never blocks the ones after it;
//   - seq > last_seq + 1 is a gap: that operation and every later one of the batch are `held`
//     (not recorded) until the missing ones arrive;
//   - seq <= last_seq under another opId is refused unrecorded: that number is taken.
// Grouping operations makes a transaction's row locks last a little longer, but the commit
// work (the feed's per-entity JSON, the WAL flush) is paid once per group instead of once per
// operation, which is what makes a backlog of a thousand payments quick to absorb.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import { counter, counterOp } from '../db/schema';
import { rows, type PortalTx } from '../db/sql';
import { OpRejected, PortalError, parseInput } from '../errors';
import { portalText } from '../messages';
import {
  pushRequestSchema,
  type Op,
  type OpEffects,
  type OpResult,
  type PushResponse,
} from '../../shared/sync/schemas';
import type { AuthenticatedCounter } from '../counters/authenticate';
import { applyOp, newApplyCache, type ApplyCache } from './apply';
import { opHash } from './canonical';

export const OPS_PER_TRANSACTION = 100;

/**
 * SQLSTATE classes of errors that retrying cannot cure (integrity constraint, data exception):
 * such an operation is recorded as rejected, visibly, rather than wedging the counter's queue
 * behind a request that fails forever.
 */
function deterministicDbError(e: unknown): { sqlstate: string; message: string } | null {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code)) {
      return { sqlstate: code, message: String((cur as { message?: unknown }).message ?? '') };
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

const held = (op: Op, expected: number): OpResult => ({
  opId: op.opId,
  seq: op.seq,
  status: 'held',
  code: 'SEQUENCE_MANQUANTE',
  message: portalText.seqHeld(expected),
});

async function applyOne(
  tx: PortalTx,
  who: AuthenticatedCounter,
  op: Op,
  hash: string,
  now: Date,
  cache: ApplyCache,
): Promise<OpResult> {
  const [seqRow] = await rows<{ id: string }>(
    tx,
    sql`SELECT nextval('counter_op_id_seq')::text AS id`,
  );
  const opRowId = Number(seqRow?.id);
  const ctx = { counterId: who.id, posteCode: who.posteCode, opRowId, now, cache };
  let outcome:
    | { status: 'applied'; effects: OpEffects }
    | { status: 'rejected'; code: string; message: string };
  try {
    const effects = await tx.transaction((sp) => applyOp(sp, ctx, op.kind, op.payload));
    outcome = { status: 'applied', effects };
  } catch (e) {
    const dbError = deterministicDbError(e);
    if (e instanceof OpRejected) {
      outcome = { status: 'rejected', code: e.code, message: e.message };
    } else if (dbError) {
      outcome = {
        status: 'rejected',
        code: 'DONNEES_INCOHERENTES',
        message: portalText.payloadInvalid(
          `la base du portail refuse cette opération (${dbError.sqlstate} : ${dbError.message}).`,
        ),
      };
    } else {
      throw e;
    }
  }
  await tx.insert(counterOp).values({
    id: opRowId,
    counterId: who.id,
    opId: op.opId,
    seq: op.seq,
    kind: op.kind,
    payload: op.payload === undefined ? null : op.payload,
    payloadHash: hash,
    status: outcome.status,
    code: outcome.status === 'rejected' ? outcome.code : null,
    message: outcome.status === 'rejected' ? outcome.message : null,
    result: outcome.status === 'applied' ? outcome.effects : null,
    receivedAt: now,
  });
  return outcome.status === 'applied'
    ? { opId: op.opId, seq: op.seq, status: 'applied', effects: outcome.effects }
    : {
        opId: op.opId,
        seq: op.seq,
        status: 'rejected',
        code: outcome.code,
        message: outcome.message,
      };
}

/** One transaction over consecutive operations; returns their results and the gap, if any. */
async function processGroup(
  tx: PortalTx,
  who: AuthenticatedCounter,
  group: Op[],
  now: Date,
): Promise<{ results: OpResult[]; gapAt: number | null; lastSeq: number }> {
  const [c] = await tx
    .select({ lastSeq: counter.lastSeq, status: counter.status })
    .from(counter)
    .where(eq(counter.id, who.id))
    .for('update');
  if (!c || c.status === 'revoque') {
    throw new PortalError(403, 'POSTE_REVOQUE', portalText.revoked);
  }
  const previous = new Map(
    (
      await tx
        .select()
        .from(counterOp)
        .where(
          and(
            eq(counterOp.counterId, who.id),
            inArray(
              counterOp.opId,
              group.map((o) => o.opId),
            ),
          ),
        )
    ).map((r) => [r.opId, r]),
  );
  // Tells the feed's triggers which counter caused the changes of this transaction.
  await tx.execute(sql`SELECT set_config('guichet.origin_counter', ${who.id}, true)`);
  const cache = newApplyCache();
  const results: OpResult[] = [];
  let last = c.lastSeq;
  let gapAt: number | null = null;
  for (const op of group) {
    if (gapAt !== null) {
      results.push(held(op, gapAt));
      continue;
    }
    const hash = opHash(op.kind, op.payload);
    const prev = previous.get(op.opId);
    if (prev) {
      results.push(
        prev.payloadHash !== hash
          ? {
              opId: op.opId,
              seq: op.seq,
              status: 'rejected',
              code: 'OPERATION_DIVERGENTE',
              message: portalText.opDivergent,
            }
          : {
              opId: op.opId,
              seq: prev.seq,
              status: 'duplicate',
              original: prev.status,
              effects: prev.result ?? null,
              code: prev.code,
              message: prev.message,
            },
      );
    } else if (op.seq <= last) {
      results.push({
        opId: op.opId,
        seq: op.seq,
        status: 'rejected',
        code: 'SEQUENCE_DEJA_UTILISEE',
        message: portalText.seqUsed(op.seq),
      });
    } else if (op.seq > last + 1) {
      gapAt = last + 1;
      results.push(held(op, gapAt));
    } else {
      results.push(await applyOne(tx, who, op, hash, now, cache));
      last = op.seq;
    }
  }
  if (last !== c.lastSeq) {
    await tx.update(counter).set({ lastSeq: last }).where(eq(counter.id, who.id));
  }
  return { results, gapAt, lastSeq: last };
}

export async function pushOps(
  db: PortalDb,
  who: AuthenticatedCounter,
  body: unknown,
  now: () => Date,
): Promise<PushResponse> {
  const { ops } = parseInput(pushRequestSchema, body);
  const ordered = [...ops].sort((a, b) => a.seq - b.seq);
  const results: OpResult[] = [];
  let gapAt: number | null = null;
  let lastSeq: number | null = null;
  for (let i = 0; i < ordered.length; i += OPS_PER_TRANSACTION) {
    const group = ordered.slice(i, i + OPS_PER_TRANSACTION);
    if (gapAt !== null) {
      const expected = gapAt;
      results.push(...group.map((op) => held(op, expected)));
      continue;
    }
    const out = await db.transaction((tx) => processGroup(tx, who, group, now()));
    results.push(...out.results);
    gapAt = out.gapAt;
    lastSeq = out.lastSeq;
  }
  if (lastSeq === null) {
    const [c] = await db
      .select({ lastSeq: counter.lastSeq })
      .from(counter)
      .where(eq(counter.id, who.id));
    lastSeq = c?.lastSeq ?? 0;
  }
  return { results, lastSeq, serverTime: now().toISOString() };
}
