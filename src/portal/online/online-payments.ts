// Online payments, as far as the sync needs them: a family starts one (the invoice is then
// locked against a second attempt and registers see "paiement en ligne en cours"), and PayFiP's
// answer finishes it. The PayFiP exchange itself (redirect, notification, IDOP) comes in a
// later step and will call these two functions; the tests call them directly.
import { and, eq, isNull, lte } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import { invoice, onlinePayment, onlinePaymentLock, regie } from '../db/schema';
import { PortalError } from '../errors';
import { invoicePayable } from '../family/payable';
import { portalText } from '../messages';
import type { OpEffects } from '../../shared/sync/schemas';
import { lockInvoices, settleInvoice } from '../sync/settle';

export async function startOnlinePayment(
  db: PortalDb,
  invoiceNumber: string,
  amountCents: number,
  now: Date,
): Promise<{ ref: string; expiresAt: string }> {
  return db.transaction(async (tx) => {
    const [inv] = await tx
      .select({ id: invoice.id, lockMinutes: regie.onlineLockMinutes })
      .from(invoice)
      .innerJoin(regie, eq(regie.id, invoice.regieId))
      .where(eq(invoice.number, invoiceNumber))
      .for('update', { of: invoice });
    if (!inv) throw new PortalError(404, 'INTROUVABLE', portalText.invoiceNotFound(invoiceNumber));
    // An attempt whose time is up no longer blocks the invoice: release it for the record.
    await tx
      .update(onlinePaymentLock)
      .set({ releasedAt: now })
      .where(
        and(
          eq(onlinePaymentLock.invoiceId, inv.id),
          isNull(onlinePaymentLock.releasedAt),
          lte(onlinePaymentLock.expiresAt, now),
        ),
      );
    const payable = await invoicePayable(tx, invoiceNumber, now);
    if (
      !payable ||
      !Number.isInteger(amountCents) ||
      amountCents < 1 ||
      amountCents > payable.payableOnlineCents
    ) {
      throw new PortalError(
        409,
        'NON_PAYABLE_EN_LIGNE',
        portalText.onlineNotPayable(invoiceNumber),
      );
    }
    const [op] = await tx
      .insert(onlinePayment)
      .values({ invoiceId: inv.id, amountCents, startedAt: now })
      .returning({ id: onlinePayment.id, ref: onlinePayment.ref });
    if (!op) throw new Error('insertion du paiement en ligne sans retour');
    const expiresAt = new Date(now.getTime() + inv.lockMinutes * 60_000);
    await tx
      .insert(onlinePaymentLock)
      .values({ invoiceId: inv.id, onlinePaymentId: op.id, startedAt: now, expiresAt });
    return { ref: op.ref, expiresAt: expiresAt.toISOString() };
  });
}

export interface OnlinePaymentOutcome {
  status: 'paye' | 'refuse' | 'abandonne';
  idop?: string;
  numauto?: string;
}

/**
 * PayFiP's verdict. A successful payment is applied whatever happened meanwhile (money was
 * taken): if a counter paid the same invoice in between, the excess becomes a trop-perçu.
 */
export async function finishOnlinePayment(
  db: PortalDb,
  ref: string,
  outcome: OnlinePaymentOutcome,
  now: Date,
): Promise<OpEffects> {
  return db.transaction(async (tx) => {
    const [op] = await tx
      .select({
        id: onlinePayment.id,
        status: onlinePayment.status,
        amountCents: onlinePayment.amountCents,
        invoiceNumber: invoice.number,
      })
      .from(onlinePayment)
      .innerJoin(invoice, eq(invoice.id, onlinePayment.invoiceId))
      .where(eq(onlinePayment.ref, ref))
      .for('update', { of: onlinePayment });
    if (!op) throw new PortalError(404, 'INTROUVABLE', portalText.onlinePaymentUnknown);
    if (op.status !== 'en_cours')
      throw new PortalError(409, 'CONFLIT', portalText.onlinePaymentFinished);
    const effects: OpEffects = { flags: [], conflicts: [] };
    await tx
      .update(onlinePayment)
      .set({
        status: outcome.status,
        idop: outcome.idop ?? null,
        numauto: outcome.numauto ?? null,
        finishedAt: now,
      })
      .where(eq(onlinePayment.id, op.id));
    await tx
      .update(onlinePaymentLock)
      .set({ releasedAt: now })
      .where(
        and(eq(onlinePaymentLock.onlinePaymentId, op.id), isNull(onlinePaymentLock.releasedAt)),
      );
    if (outcome.status === 'paye') {
      const inv = (await lockInvoices(tx, [op.invoiceNumber], now)).get(op.invoiceNumber);
      if (!inv) throw new Error('facture du paiement en ligne introuvable');
      await settleInvoice(
        tx,
        inv,
        op.amountCents,
        { kind: 'online_payment', id: op.id, takenAt: now },
        now,
        effects,
      );
    }
    return effects;
  });
}
