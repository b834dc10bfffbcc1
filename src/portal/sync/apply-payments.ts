// Applying a run of consecutive payment operations of one push transaction with a handful of
// statements instead of about nine per operation (on PGlite each statement costs a millisecond
// or more, and a register back from a day offline pushes hundreds of payments).
//
// The decisions are the ones applyPayment (apply.ts) takes, in the same order and on the same
// committed state: everything a payment is checked against is read once for the whole run under
// the push transaction (the counter's row is locked, the run's invoices are locked FOR UPDATE in
// id order), and what an earlier payment of the run changes (receipt numbers and refs taken,
// invoice totals) is carried forward in memory, so a later payment sees it exactly as it would
// after the earlier one's savepoint. A refused payment writes nothing. The writes of the
// accepted ones are then multi-row INSERTs and one UPDATE of the invoices, inside one savepoint:
// if the database itself refuses them (SQLSTATE 22/23, which the rules above cannot foresee),
// the savepoint is rolled back and the caller applies the run one operation at a time, which
// pins the refusal on the operation that caused it.
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import {
  allocation,
  counterPayment,
  counterRegie,
  family,
  familyAccount,
  invoice,
  paymentConflict,
  regie,
} from '../db/schema';
import { rows, type PortalTx } from '../db/sql';
import { firstIssue } from '../errors';
import { portalText } from '../messages';
import { payloadSchemas, type OpEffects, type PaymentPayload } from '../../shared/sync/schemas';
import type { ApplyCache } from './apply';
import { lockInvoices, planSettlement, type LockedInvoice } from './settle';

export interface RunOp {
  opRowId: number;
  payload: unknown;
}

export type RunOutcome =
  { status: 'applied'; effects: OpEffects } | { status: 'rejected'; code: string; message: string };

export interface RunContext {
  counterId: string;
  posteCode: string;
  now: Date;
  cache: ApplyCache;
}

/** Rows per multi-row INSERT: far below PostgreSQL's 65,535 bound parameters. */
const ROWS_PER_INSERT = 200;

function chunked<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_INSERT) {
    out.push(items.slice(i, i + ROWS_PER_INSERT));
  }
  return out;
}

const rejected = (code: string, message: string): RunOutcome => ({
  status: 'rejected',
  code,
  message,
});

/** Fills the transaction's lookup cache for every régie and family code the run names. */
async function loadLookups(tx: PortalTx, ctx: RunContext, payloads: PaymentPayload[]) {
  const regieCodes = [...new Set(payloads.map((p) => p.regieCode))].filter(
    (c) => !ctx.cache.regies.has(c),
  );
  if (regieCodes.length > 0) {
    const found = await tx
      .select({ code: regie.code, id: regie.id, allowCredit: regie.allowCredit })
      .from(regie)
      .innerJoin(counterRegie, eq(counterRegie.regieId, regie.id))
      .where(and(inArray(regie.code, regieCodes), eq(counterRegie.counterId, ctx.counterId)));
    const byCode = new Map(found.map((r) => [r.code, { id: r.id, allowCredit: r.allowCredit }]));
    for (const c of regieCodes) ctx.cache.regies.set(c, byCode.get(c) ?? null);
  }
  const familyCodes = [...new Set(payloads.map((p) => p.familyCode))].filter(
    (c) => !ctx.cache.families.has(c),
  );
  if (familyCodes.length > 0) {
    const found = await tx
      .select({ code: family.code, id: family.id })
      .from(family)
      .where(inArray(family.code, familyCodes));
    const byCode = new Map(found.map((f) => [f.code, f.id]));
    for (const c of familyCodes) ctx.cache.families.set(c, byCode.get(c) ?? null);
  }
}

/**
 * Decides and writes a run of payments. Returns one outcome per operation, in order, or throws
 * what the database raised (the caller's savepoint then undoes every write of the run).
 */
export async function applyPaymentRun(
  tx: PortalTx,
  ctx: RunContext,
  run: RunOp[],
): Promise<RunOutcome[]> {
  const parsed = run.map((op) => payloadSchemas.payment.safeParse(op.payload));
  const valid = parsed.flatMap((p) => (p.success ? [p.data] : []));
  await loadLookups(tx, ctx, valid);

  const taken =
    valid.length === 0
      ? []
      : await tx
          .select({ ref: counterPayment.ref, receiptNumber: counterPayment.receiptNumber })
          .from(counterPayment)
          .where(
            or(
              inArray(
                counterPayment.receiptNumber,
                valid.map((p) => p.receiptNumber),
              ),
              // Compared as uuid, like the unique index: case does not matter.
              inArray(
                counterPayment.ref,
                valid.map((p) => p.ref),
              ),
            ),
          );
  const receiptsTaken = new Set(taken.map((t) => t.receiptNumber));
  const refsTaken = new Set(taken.map((t) => t.ref.toLowerCase()));

  // Locks every invoice the run names at once, in id order (no deadlock with another counter).
  const invoices = await lockInvoices(
    tx,
    [...new Set(valid.flatMap((p) => p.allocations.map((a) => a.invoiceNumber)))],
    ctx.now,
  );

  // Ids drawn in one statement (never reused, so a refused payment only leaves a gap, as a
  // rolled-back savepoint would): the allocations and conflicts can name their payment at once.
  const paymentIds =
    valid.length === 0
      ? []
      : (
          await rows<{ id: string }>(
            tx,
            sql`SELECT nextval('counter_payment_id_seq')::text AS id FROM generate_series(1, ${valid.length})`,
          )
        ).map((r) => Number(r.id));

  const payments: (typeof counterPayment.$inferInsert)[] = [];
  const allocations: (typeof allocation.$inferInsert)[] = [];
  const conflicts: (typeof paymentConflict.$inferInsert)[] = [];
  const paidDelta = new Map<number, number>();
  const creditDelta = new Map<string, { familyId: number; regieId: number; cents: number }>();
  const outcomes: RunOutcome[] = [];

  for (let i = 0; i < run.length; i++) {
    const p = parsed[i]!;
    if (!p.success) {
      outcomes.push(rejected('VALIDATION', portalText.payloadInvalid(firstIssue(p.error))));
      continue;
    }
    const pay = p.data;
    const r = ctx.cache.regies.get(pay.regieCode);
    if (!r) {
      outcomes.push(rejected('REGIE_HORS_PERIMETRE', portalText.regieOutOfScope(pay.regieCode)));
      continue;
    }
    const famId = ctx.cache.families.get(pay.familyCode);
    if (famId === null || famId === undefined) {
      outcomes.push(rejected('FAMILLE_INCONNUE', portalText.familyUnknown(pay.familyCode)));
      continue;
    }
    if (receiptsTaken.has(pay.receiptNumber)) {
      outcomes.push(rejected('RECU_EN_DOUBLE', portalText.receiptDuplicate(pay.receiptNumber)));
      continue;
    }
    if (refsTaken.has(pay.ref.toLowerCase())) {
      outcomes.push(rejected('REFERENCE_EN_DOUBLE', portalText.refDuplicate(pay.ref)));
      continue;
    }
    let refusal: RunOutcome | null = null;
    const locked: LockedInvoice[] = [];
    for (const a of pay.allocations) {
      const inv = invoices.get(a.invoiceNumber);
      if (!inv) {
        refusal = rejected('FACTURE_INCONNUE', portalText.invoiceUnknown(a.invoiceNumber));
        break;
      }
      if (inv.familyId !== famId || inv.regieId !== r.id) {
        refusal = rejected(
          'FACTURE_AUTRE_FAMILLE',
          portalText.invoiceOtherFamily(a.invoiceNumber, pay.familyCode),
        );
        break;
      }
      locked.push(inv);
    }
    if (refusal) {
      outcomes.push(refusal);
      continue;
    }

    // Accepted: from here on, later payments of the run see this one.
    const paymentId = paymentIds[payments.length];
    if (paymentId === undefined) throw new Error('identifiant de paiement manquant');
    const takenAt = new Date(pay.recordedAt);
    receiptsTaken.add(pay.receiptNumber);
    refsTaken.add(pay.ref.toLowerCase());
    payments.push({
      id: paymentId,
      opRowId: run[i]!.opRowId,
      counterId: ctx.counterId,
      ref: pay.ref,
      receiptNumber: pay.receiptNumber,
      regieId: r.id,
      familyId: famId,
      posteCode: ctx.posteCode,
      mode: pay.mode,
      amountCents: pay.amountCents,
      tenderedCents: pay.tenderedCents,
      changeCents: pay.changeCents,
      creditCreatedCents: pay.creditCreatedCents,
      details: pay.details,
      recordedAt: takenAt,
      agentLogin: pay.agent.login,
      agentName: pay.agent.displayName,
      receivedAt: ctx.now,
    });
    const effects: OpEffects = { flags: [], conflicts: [] };
    pay.allocations.forEach((a, n) => {
      const inv = locked[n]!;
      const plan = planSettlement(inv, a.amountCents, { kind: 'counter_payment', takenAt });
      for (const c of plan.conflicts) {
        // The ref is chosen here rather than by the column default, so that the effects can be
        // answered without reading the rows back.
        const ref = randomUUID();
        conflicts.push({
          ref,
          kind: c.kind,
          invoiceId: inv.id,
          amountCents: c.amountCents,
          counterPaymentId: paymentId,
          creditUseId: null,
          onlinePaymentId: null,
          proposedResolution: c.proposedResolution,
          detail: c.detail,
          detectedAt: ctx.now,
        });
        effects.conflicts.push({
          ref,
          kind: c.kind,
          invoiceNumber: inv.number,
          amountCents: c.amountCents,
        });
      }
      for (const flag of plan.flags) effects.flags.push({ invoiceNumber: inv.number, flag });
      inv.paidCents += a.amountCents;
      paidDelta.set(inv.id, (paidDelta.get(inv.id) ?? 0) + a.amountCents);
      allocations.push({
        invoiceId: inv.id,
        paymentId,
        amountCents: a.amountCents,
        flags: plan.flags,
      });
    });
    if (pay.creditCreatedCents !== 0) {
      const key = `${famId}/${r.id}`;
      const acc = creditDelta.get(key) ?? { familyId: famId, regieId: r.id, cents: 0 };
      acc.cents += pay.creditCreatedCents;
      creditDelta.set(key, acc);
    }
    outcomes.push({ status: 'applied', effects });
  }

  if (payments.length === 0) return outcomes;
  for (const part of chunked(payments)) await tx.insert(counterPayment).values(part);
  for (const part of chunked(allocations)) await tx.insert(allocation).values(part);
  for (const part of chunked(conflicts)) await tx.insert(paymentConflict).values(part);
  const deltas = [...paidDelta];
  await tx.execute(sql`UPDATE ${invoice}
      SET counters_paid_cents = ${invoice.countersPaidCents} + d.cents,
          updated_at = ${ctx.now.toISOString()}::timestamptz
      FROM unnest(${`{${deltas.map(([id]) => id).join(',')}}`}::int[],
                  ${`{${deltas.map(([, c]) => c).join(',')}}`}::int[]) AS d(id, cents)
      WHERE ${invoice.id} = d.id`);
  // In key order, like the invoices: two counters crediting the same accounts cannot deadlock.
  const credits = [...creditDelta.values()].sort(
    (x, y) => x.familyId - y.familyId || x.regieId - y.regieId,
  );
  if (credits.length > 0) {
    await tx
      .insert(familyAccount)
      .values(
        credits.map((c) => ({ familyId: c.familyId, regieId: c.regieId, creditCents: c.cents })),
      )
      .onConflictDoUpdate({
        target: [familyAccount.familyId, familyAccount.regieId],
        set: { creditCents: sql`${familyAccount.creditCents} + excluded.credit_cents` },
      });
  }
  return outcomes;
}
