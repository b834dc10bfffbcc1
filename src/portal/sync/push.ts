// POST /sync/v1/push (PROTOCOL.md, "Push"). Operations are taken in sequence order, in
// transactions of up to OPS_PER_TRANSACTION consecutive operations, each transaction starting
// by locking the counter's row: two requests of one counter (a retry that overtakes a slow
// first attempt) are thus serialised, and the checks below always see the committed truth.
// Per operation:
//   - an opId already recorded answers `duplicate` with the first answer (same content) or is
//     refused (other content);
//   - seq = last_seq + 1 is applied: success records it `applied`, a refusal records it
//     `rejected` having written nothing else; either way last_seq moves on, so a refused
//     operation never blocks the ones after it;
//   - seq > last_seq + 1 is a gap: that operation and every later one of the batch are `held`
//     (not recorded) until the missing ones arrive;
//   - seq <= last_seq under another opId is refused unrecorded: that number is taken.
// These sequence decisions need only last_seq, so a transaction takes them all first, then
// applies the operations in order: consecutive payments together with batched statements
// (apply-payments.ts, in one savepoint that is replayed one by one if the database refuses it),
// any other operation in its own savepoint (apply.ts). The operations' rows are written last,
// in multi-row INSERTs. On PGlite every statement costs a millisecond or more, which is why a
// register's backlog of payments is worth a handful of statements per transaction rather than
// nine per payment. Grouping operations also pays the commit work (the feed's per-entity JSON,
// the WAL flush) once per group instead of once per operation.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import { counter, counterOp } from '../db/schema';
import { rows, type PortalTx } from '../db/sql';
import { OpRejected, PortalError, parseInput } from '../errors';
import { portalText } from '../messages';
import {
  pushRequestSchema,
  type Op,
  type OpResult,
  type PushResponse,
} from '../../shared/sync/schemas';
import type { AuthenticatedCounter } from '../counters/authenticate';
import { applyOp, newApplyCache, type ApplyCache } from './apply';
import { applyPaymentRun, type RunOutcome } from './apply-payments';
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

type Outcome = RunOutcome;

/** A database refusal that retrying cannot cure, as the operation's recorded rejection. */
function dataRejection(dbError: { sqlstate: string; message: string }): Outcome {
  return {
    status: 'rejected',
    code: 'DONNEES_INCOHERENTES',
    message: portalText.payloadInvalid(
      `la base du portail refuse cette opération (${dbError.sqlstate} : ${dbError.message}).`,
    ),
  };
}

/** One operation in its own savepoint: a refusal undoes exactly what it had written. */
async function applyOne(
  tx: PortalTx,
  who: AuthenticatedCounter,
  op: Op,
  opRowId: number,
  now: Date,
  cache: ApplyCache,
): Promise<Outcome> {
  const ctx = { counterId: who.id, posteCode: who.posteCode, opRowId, now, cache };
  try {
    const effects = await tx.transaction((sp) => applyOp(sp, ctx, op.kind, op.payload));
    return { status: 'applied', effects };
  } catch (e) {
    if (e instanceof OpRejected) return { status: 'rejected', code: e.code, message: e.message };
    const dbError = deterministicDbError(e);
    if (dbError) return dataRejection(dbError);
    throw e;
  }
}

/**
 * How often the batched path ran and how often the database refused its writes and the run was
 * replayed one operation at a time. A fallback is correct but slow, and it hides a rule of the
 * batched path that disagrees with the database: the tests watch this to tell the two apart.
 */
export const batchedRunStats = { runs: 0, fallbacks: 0 };

/**
 * Consecutive payments in one savepoint with batched statements (apply-payments.ts); if the
 * database refuses the batch's writes, the savepoint is undone and the same operations go
 * through applyOne, so the refusal lands on the one operation that causes it.
 */
async function applyPayments(
  tx: PortalTx,
  who: AuthenticatedCounter,
  run: { op: Op; opRowId: number }[],
  now: Date,
  cache: ApplyCache,
): Promise<Outcome[]> {
  const ctx = { counterId: who.id, posteCode: who.posteCode, now, cache };
  batchedRunStats.runs++;
  try {
    return await tx.transaction((sp) =>
      applyPaymentRun(
        sp,
        ctx,
        run.map((r) => ({ opRowId: r.opRowId, payload: r.op.payload })),
      ),
    );
  } catch (e) {
    if (!deterministicDbError(e)) throw e;
    batchedRunStats.fallbacks++;
    const out: Outcome[] = [];
    for (const r of run) out.push(await applyOne(tx, who, r.op, r.opRowId, now, cache));
    return out;
  }
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
  const results: (OpResult | null)[] = [];
  // Operations to apply, in sequence order, with their place in the results: decided first
  // (the sequence rules need only `last`, which moves on whether an operation is applied or
  // refused), applied after, so that consecutive payments can share their statements.
  const toApply: { op: Op; hash: string; at: number }[] = [];
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
      toApply.push({ op, hash, at: results.length });
      results.push(null);
      last = op.seq;
    }
  }

  if (toApply.length > 0) {
    const opRowIds = (
      await rows<{ id: string }>(
        tx,
        sql`SELECT nextval('counter_op_id_seq')::text AS id FROM generate_series(1, ${toApply.length})`,
      )
    ).map((r) => Number(r.id));
    const cache = newApplyCache();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < toApply.length;) {
      if (toApply[i]!.op.kind === 'payment') {
        let j = i;
        while (j < toApply.length && toApply[j]!.op.kind === 'payment') j++;
        const run = toApply.slice(i, j).map((t, n) => ({ op: t.op, opRowId: opRowIds[i + n]! }));
        outcomes.push(...(await applyPayments(tx, who, run, now, cache)));
        i = j;
      } else {
        outcomes.push(await applyOne(tx, who, toApply[i]!.op, opRowIds[i]!, now, cache));
        i++;
      }
    }
    // Every operation's row in one statement per 200, after the records that point to it (the
    // foreign keys are checked at COMMIT).
    const opRows = toApply.map((t, n) => {
      const o = outcomes[n]!;
      return {
        id: opRowIds[n]!,
        counterId: who.id,
        opId: t.op.opId,
        seq: t.op.seq,
        kind: t.op.kind,
        payload: t.op.payload === undefined ? null : t.op.payload,
        payloadHash: t.hash,
        status: o.status,
        code: o.status === 'rejected' ? o.code : null,
        message: o.status === 'rejected' ? o.message : null,
        result: o.status === 'applied' ? o.effects : null,
        receivedAt: now,
      };
    });
    for (let k = 0; k < opRows.length; k += 200) {
      await tx.insert(counterOp).values(opRows.slice(k, k + 200));
    }
    toApply.forEach((t, n) => {
      const o = outcomes[n]!;
      results[t.at] =
        o.status === 'applied'
          ? { opId: t.op.opId, seq: t.op.seq, status: 'applied', effects: o.effects }
          : {
              opId: t.op.opId,
              seq: t.op.seq,
              status: 'rejected',
              code: o.code,
              message: o.message,
            };
    });
  }
  if (last !== c.lastSeq) {
    await tx.update(counter).set({ lastSeq: last }).where(eq(counter.id, who.id));
  }
  const done = results.filter((r): r is OpResult => r !== null);
  if (done.length !== results.length) throw new Error('opération sans résultat');
  return { results: done, gapAt, lastSeq: last };
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
