// Applying one pushed operation, inside the savepoint opened by push.ts. A refusal is an
// OpRejected (recorded by the caller with its code and French message); anything else thrown
// is unexpected and fails the whole request, which the register then retries.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  accessCode,
  allocation,
  cancellation,
  closure,
  counterPayment,
  counterRegie,
  creditUse,
  family,
  familyAccount,
  invoice,
  regie,
} from '../db/schema';
import type { PortalTx } from '../db/sql';
import { OpRejected, firstIssue } from '../errors';
import { portalText } from '../messages';
import {
  payloadSchemas,
  type AccessCodePayload,
  type CancellationPayload,
  type ClosurePayload,
  type CreditUsePayload,
  type OpEffects,
  type OpKind,
  type PaymentPayload,
} from '../../shared/sync/schemas';
import { applyOverpaymentResolution } from './apply-resolution';
import { lockInvoices, settleInvoice, unsettleInvoice, type LockedInvoice } from './settle';

export interface OpContext {
  counterId: string;
  posteCode: string;
  opRowId: number;
  now: Date;
  /**
   * Lookups that no operation changes, kept for the whole transaction of a batch: a register
   * pushes hundreds of payments of the same few régies and families.
   */
  cache: ApplyCache;
}

export interface ApplyCache {
  regies: Map<string, { id: number; allowCredit: boolean } | null>;
  families: Map<string, number | null>;
}

export function newApplyCache(): ApplyCache {
  return { regies: new Map(), families: new Map() };
}

/** A map entry the caller has already checked for; its absence is a bug, not a refusal. */
function required<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`entrée attendue absente : ${String(key)}`);
  return value;
}

export async function regieInScope(tx: PortalTx, ctx: OpContext, code: string) {
  let row = ctx.cache.regies.get(code);
  if (row === undefined) {
    [row = null] = await tx
      .select({ id: regie.id, allowCredit: regie.allowCredit })
      .from(regie)
      .innerJoin(counterRegie, eq(counterRegie.regieId, regie.id))
      .where(and(eq(regie.code, code), eq(counterRegie.counterId, ctx.counterId)));
    ctx.cache.regies.set(code, row);
  }
  if (!row) throw new OpRejected('REGIE_HORS_PERIMETRE', portalText.regieOutOfScope(code));
  return row;
}

async function familyId(tx: PortalTx, ctx: OpContext, code: string): Promise<number> {
  let id = ctx.cache.families.get(code);
  if (id === undefined) {
    const [row] = await tx.select({ id: family.id }).from(family).where(eq(family.code, code));
    id = row?.id ?? null;
    ctx.cache.families.set(code, id);
  }
  if (id === null) throw new OpRejected('FAMILLE_INCONNUE', portalText.familyUnknown(code));
  return id;
}

export async function addCredit(tx: PortalTx, famId: number, regieId: number, delta: number) {
  if (delta === 0) return;
  await tx
    .insert(familyAccount)
    .values({ familyId: famId, regieId, creditCents: delta })
    .onConflictDoUpdate({
      target: [familyAccount.familyId, familyAccount.regieId],
      set: { creditCents: sql`${familyAccount.creditCents} + ${delta}` },
    });
}

/** Locks the invoices of the allocations and checks that they are the family's, in the régie. */
async function invoicesFor(
  tx: PortalTx,
  ctx: OpContext,
  allocations: { invoiceNumber: string }[],
  famId: number,
  regieId: number,
  familyCode: string,
): Promise<Map<string, LockedInvoice>> {
  const invoices = await lockInvoices(
    tx,
    allocations.map((a) => a.invoiceNumber),
    ctx.now,
  );
  for (const a of allocations) {
    const inv = invoices.get(a.invoiceNumber);
    if (!inv) throw new OpRejected('FACTURE_INCONNUE', portalText.invoiceUnknown(a.invoiceNumber));
    if (inv.familyId !== famId || inv.regieId !== regieId) {
      throw new OpRejected(
        'FACTURE_AUTRE_FAMILLE',
        portalText.invoiceOtherFamily(a.invoiceNumber, familyCode),
      );
    }
  }
  return invoices;
}

async function applyPayment(tx: PortalTx, ctx: OpContext, p: PaymentPayload): Promise<OpEffects> {
  const r = await regieInScope(tx, ctx, p.regieCode);
  const famId = await familyId(tx, ctx, p.familyCode);
  const takenAt = new Date(p.recordedAt);
  const [row] = await tx
    .insert(counterPayment)
    .values({
      opRowId: ctx.opRowId,
      counterId: ctx.counterId,
      ref: p.ref,
      receiptNumber: p.receiptNumber,
      regieId: r.id,
      familyId: famId,
      posteCode: ctx.posteCode,
      mode: p.mode,
      amountCents: p.amountCents,
      tenderedCents: p.tenderedCents,
      changeCents: p.changeCents,
      creditCreatedCents: p.creditCreatedCents,
      details: p.details,
      recordedAt: takenAt,
      agentLogin: p.agent.login,
      agentName: p.agent.displayName,
      receivedAt: ctx.now,
    })
    // Both unique keys (ref, receipt number) are checked by the insert itself.
    .onConflictDoNothing()
    .returning({ id: counterPayment.id });
  if (!row) {
    const [dup] = await tx
      .select({ receiptNumber: counterPayment.receiptNumber })
      .from(counterPayment)
      .where(eq(counterPayment.receiptNumber, p.receiptNumber));
    throw dup
      ? new OpRejected('RECU_EN_DOUBLE', portalText.receiptDuplicate(p.receiptNumber))
      : new OpRejected('REFERENCE_EN_DOUBLE', portalText.refDuplicate(p.ref));
  }
  const invoices = await invoicesFor(tx, ctx, p.allocations, famId, r.id, p.familyCode);
  const effects: OpEffects = { flags: [], conflicts: [] };
  for (const a of p.allocations) {
    const inv = required(invoices, a.invoiceNumber);
    const source = { kind: 'counter_payment', id: row.id, takenAt } as const;
    const flags = await settleInvoice(tx, inv, a.amountCents, source, ctx.now, effects);
    await tx
      .insert(allocation)
      .values({ invoiceId: inv.id, paymentId: row.id, amountCents: a.amountCents, flags });
  }
  await addCredit(tx, famId, r.id, p.creditCreatedCents);
  return effects;
}

async function applyCreditUse(
  tx: PortalTx,
  ctx: OpContext,
  p: CreditUsePayload,
): Promise<OpEffects> {
  const r = await regieInScope(tx, ctx, p.regieCode);
  const famId = await familyId(tx, ctx, p.familyCode);
  const [dup] = await tx
    .select({ id: creditUse.id })
    .from(creditUse)
    .where(eq(creditUse.ref, p.ref));
  if (dup) throw new OpRejected('REFERENCE_EN_DOUBLE', portalText.refDuplicate(p.ref));
  const invoices = await invoicesFor(tx, ctx, p.allocations, famId, r.id, p.familyCode);
  const takenAt = new Date(p.usedAt);
  const [row] = await tx
    .insert(creditUse)
    .values({
      opRowId: ctx.opRowId,
      counterId: ctx.counterId,
      ref: p.ref,
      regieId: r.id,
      familyId: famId,
      posteCode: ctx.posteCode,
      amountCents: p.amountCents,
      usedAt: takenAt,
      agentLogin: p.agent.login,
      agentName: p.agent.displayName,
      receivedAt: ctx.now,
    })
    .returning({ id: creditUse.id });
  if (!row) throw new Error('insertion de l’utilisation d’avoir sans retour');
  const effects: OpEffects = { flags: [], conflicts: [] };
  for (const a of p.allocations) {
    const inv = required(invoices, a.invoiceNumber);
    const source = { kind: 'credit_use', id: row.id, takenAt } as const;
    const flags = await settleInvoice(tx, inv, a.amountCents, source, ctx.now, effects);
    await tx
      .insert(allocation)
      .values({ invoiceId: inv.id, creditUseId: row.id, amountCents: a.amountCents, flags });
  }
  await addCredit(tx, famId, r.id, -p.amountCents);
  return effects;
}

async function applyCancellation(
  tx: PortalTx,
  ctx: OpContext,
  p: CancellationPayload,
): Promise<OpEffects> {
  const target =
    p.target.kind === 'payment'
      ? (
          await tx
            .select({
              id: counterPayment.id,
              counterId: counterPayment.counterId,
              posteCode: counterPayment.posteCode,
              regieId: counterPayment.regieId,
              familyId: counterPayment.familyId,
              creditDelta: sql<number>`-${counterPayment.creditCreatedCents}`,
            })
            .from(counterPayment)
            .where(eq(counterPayment.receiptNumber, p.target.receiptNumber))
            .for('update')
        )[0]
      : (
          await tx
            .select({
              id: creditUse.id,
              counterId: creditUse.counterId,
              posteCode: creditUse.posteCode,
              regieId: creditUse.regieId,
              familyId: creditUse.familyId,
              creditDelta: creditUse.amountCents,
            })
            .from(creditUse)
            .where(eq(creditUse.ref, p.target.ref))
            .for('update')
        )[0];
  if (!target) throw new OpRejected('CIBLE_INCONNUE', portalText.targetUnknown);
  // A register cancels what is in its own ledger: another counter's payment reaches it only as
  // a foreign record, and per-poste totals (countersPaidByPoste) stay exact only this way.
  if (target.counterId !== ctx.counterId) {
    throw new OpRejected('CIBLE_AUTRE_POSTE', portalText.targetOtherCounter(target.posteCode));
  }
  const [scope] = await tx
    .select({ code: regie.code })
    .from(regie)
    .where(eq(regie.id, target.regieId));
  await regieInScope(tx, ctx, scope?.code ?? '');
  const byTarget =
    p.target.kind === 'payment'
      ? eq(cancellation.paymentId, target.id)
      : eq(cancellation.creditUseId, target.id);
  const [already] = await tx.select({ id: cancellation.id }).from(cancellation).where(byTarget);
  if (already) throw new OpRejected('DEJA_ANNULE', portalText.alreadyCancelled);

  const [row] = await tx
    .insert(cancellation)
    .values({
      opRowId: ctx.opRowId,
      counterId: ctx.counterId,
      paymentId: p.target.kind === 'payment' ? target.id : null,
      creditUseId: p.target.kind === 'credit_use' ? target.id : null,
      posteCode: ctx.posteCode,
      reason: p.reason,
      cancelledAt: new Date(p.cancelledAt),
      agentLogin: p.agent.login,
      agentName: p.agent.displayName,
      receivedAt: ctx.now,
    })
    .returning({ id: cancellation.id });
  if (!row) throw new Error('insertion de l’annulation sans retour');
  const byAllocationSource =
    p.target.kind === 'payment'
      ? eq(allocation.paymentId, target.id)
      : eq(allocation.creditUseId, target.id);
  const allocations = await tx
    .select({
      invoiceId: allocation.invoiceId,
      amountCents: allocation.amountCents,
      number: invoice.number,
    })
    .from(allocation)
    .innerJoin(invoice, eq(invoice.id, allocation.invoiceId))
    .where(byAllocationSource)
    .orderBy(asc(allocation.id));
  const invoices = await lockInvoices(
    tx,
    allocations.map((a) => a.number),
    ctx.now,
  );
  const byId = new Map([...invoices.values()].map((i) => [i.id, i]));
  for (const a of allocations) {
    const inv = required(byId, a.invoiceId);
    await unsettleInvoice(tx, inv, a.amountCents, ctx.now);
    await tx
      .insert(allocation)
      .values({ invoiceId: inv.id, cancellationId: row.id, amountCents: -a.amountCents });
  }
  await addCredit(tx, target.familyId, target.regieId, Number(target.creditDelta));
  return { flags: [], conflicts: [] };
}

async function applyClosure(tx: PortalTx, ctx: OpContext, p: ClosurePayload): Promise<OpEffects> {
  const r = await regieInScope(tx, ctx, p.regieCode);
  const inserted = await tx
    .insert(closure)
    .values({
      opRowId: ctx.opRowId,
      counterId: ctx.counterId,
      regieId: r.id,
      kind: p.kind,
      period: p.period,
      periodStart: new Date(p.periodStart),
      periodEnd: new Date(p.periodEnd),
      totals: p.totals,
      lastCoveredSeq: p.lastCoveredSeq,
      lastCoveredHash: p.lastCoveredHash,
      closedAt: new Date(p.closedAt),
      agentLogin: p.agent?.login ?? null,
      receivedAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning({ id: closure.id });
  if (inserted.length === 0)
    throw new OpRejected('CLOTURE_EN_DOUBLE', portalText.closureDuplicate(p.period));
  return { flags: [], conflicts: [] };
}

async function applyAccessCode(
  tx: PortalTx,
  ctx: OpContext,
  p: AccessCodePayload,
): Promise<OpEffects> {
  const famId = await familyId(tx, ctx, p.familyCode);
  const [dup] = await tx
    .select({ ref: accessCode.ref, hash: accessCode.codeSha256 })
    .from(accessCode)
    .where(sql`${accessCode.ref} = ${p.ref} OR ${accessCode.codeSha256} = ${p.codeSha256}`);
  if (dup) {
    throw dup.hash === p.codeSha256
      ? new OpRejected('CODE_ACCES_EN_DOUBLE', portalText.accessCodeDuplicate)
      : new OpRejected('REFERENCE_EN_DOUBLE', portalText.refDuplicate(p.ref));
  }
  // A family holds one live code: the coupon printed last is the one that works.
  await tx
    .update(accessCode)
    .set({ status: 'remplace' })
    .where(and(eq(accessCode.familyId, famId), eq(accessCode.status, 'emis')));
  await tx.insert(accessCode).values({
    opRowId: ctx.opRowId,
    ref: p.ref,
    familyId: famId,
    codeSha256: p.codeSha256,
    issuedAt: new Date(p.issuedAt),
    expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
    issuedByCounterId: ctx.counterId,
    receivedAt: ctx.now,
  });
  return { flags: [], conflicts: [] };
}

function parsePayload<S extends z.ZodType>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    throw new OpRejected('VALIDATION', portalText.payloadInvalid(firstIssue(parsed.error)));
  }
  return parsed.data;
}

export async function applyOp(
  tx: PortalTx,
  ctx: OpContext,
  kind: OpKind,
  payload: unknown,
): Promise<OpEffects> {
  switch (kind) {
    case 'payment':
      return applyPayment(tx, ctx, parsePayload(payloadSchemas.payment, payload));
    case 'credit_use':
      return applyCreditUse(tx, ctx, parsePayload(payloadSchemas.credit_use, payload));
    case 'cancellation':
      return applyCancellation(tx, ctx, parsePayload(payloadSchemas.cancellation, payload));
    case 'closure':
      return applyClosure(tx, ctx, parsePayload(payloadSchemas.closure, payload));
    case 'access_code':
      return applyAccessCode(tx, ctx, parsePayload(payloadSchemas.access_code, payload));
    case 'overpayment_resolution':
      return applyOverpaymentResolution(
        tx,
        ctx,
        parsePayload(payloadSchemas.overpayment_resolution, payload),
      );
  }
}
