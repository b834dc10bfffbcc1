// What the family portal may offer to pay online for an invoice, right now. It is derived from
// the invoice's paid total, which every counter payment updates in the transaction that applies
// it: as soon as a register's push is acknowledged, the amount it paid is no longer offered.
import { and, eq, gt, isNull } from 'drizzle-orm';
import { invoiceState, type InvoiceState } from '../../shared/invoice-state';
import { invoice, onlinePaymentLock, regie } from '../db/schema';
import type { Executor } from '../db/sql';

export type NotPayableReason =
  | 'payee'
  | 'annulee'
  | 'tresorerie'
  | 'prelevement'
  | 'paiement_en_ligne_en_cours'
  | 'paiement_en_ligne_non_propose';

export interface InvoicePayable {
  number: string;
  label: string;
  dueDate: string;
  amountCents: number;
  paidCents: number;
  remainingCents: number;
  state: InvoiceState;
  /** What the family may pay online now (0 when not payable). */
  payableOnlineCents: number;
  notPayableReason: NotPayableReason | null;
  /** While a family's PayFiP attempt is in progress, when it stops blocking the invoice. */
  onlinePaymentInProgressUntil: string | null;
}

export async function invoicePayable(
  db: Executor,
  number: string,
  now: Date,
): Promise<(InvoicePayable & { refdet: string }) | null> {
  const [row] = await db
    .select({
      id: invoice.id,
      number: invoice.number,
      label: invoice.label,
      dueDate: invoice.dueDate,
      amountCents: invoice.amountCents,
      paidCents: invoice.paidCents,
      status: invoice.status,
      refdet: invoice.refdet,
      acceptedModes: regie.acceptedModes,
      numcli: regie.numcli,
      allowDirectDebitPayment: regie.allowDirectDebitPayment,
    })
    .from(invoice)
    .innerJoin(regie, eq(regie.id, invoice.regieId))
    .where(eq(invoice.number, number));
  if (!row) return null;
  const [lock] = await db
    .select({ expiresAt: onlinePaymentLock.expiresAt })
    .from(onlinePaymentLock)
    .where(
      and(
        eq(onlinePaymentLock.invoiceId, row.id),
        isNull(onlinePaymentLock.releasedAt),
        gt(onlinePaymentLock.expiresAt, now),
      ),
    );
  const remaining = row.status === 'annulee' ? 0 : Math.max(0, row.amountCents - row.paidCents);
  let reason: NotPayableReason | null = null;
  if (row.status === 'annulee') reason = 'annulee';
  else if (remaining === 0) reason = 'payee';
  else if (row.status === 'tresorerie') reason = 'tresorerie';
  else if (row.status === 'prelevement' && !row.allowDirectDebitPayment) reason = 'prelevement';
  else if (!row.acceptedModes.includes('payfip') || !row.numcli)
    reason = 'paiement_en_ligne_non_propose';
  else if (lock) reason = 'paiement_en_ligne_en_cours';
  return {
    number: row.number,
    label: row.label,
    dueDate: row.dueDate,
    amountCents: row.amountCents,
    paidCents: row.paidCents,
    remainingCents: remaining,
    state: invoiceState(row.status, row.amountCents, row.paidCents),
    payableOnlineCents: reason ? 0 : remaining,
    notPayableReason: reason,
    onlinePaymentInProgressUntil: lock ? lock.expiresAt.toISOString() : null,
    refdet: row.refdet,
  };
}
