// Putting money on an invoice, from a counter (payment, credit use) or online, and noticing
// what an agent must settle. Money a counter reports has already been taken from the family,
// so it is always applied; what is wrong with it becomes a conflict row (visible to every
// register through the feed) and a flag on the allocation, never a refusal.
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { invoice, onlinePaymentLock, paymentConflict, regie } from '../db/schema';
import type { PortalTx } from '../db/sql';
import { portalText } from '../messages';
import type { OpEffects } from '../../shared/sync/schemas';

export interface LockedInvoice {
  id: number;
  number: string;
  regieId: number;
  familyId: number;
  amountCents: number;
  paidCents: number;
  status: 'emise' | 'tresorerie' | 'prelevement' | 'annulee';
  statusChangedAt: Date;
  allowCredit: boolean;
  /** A family's online payment attempt is live on it (at the time of the lock). */
  onlineLockLive: boolean;
}

/** Locks the invoices (in id order, so two transactions cannot deadlock on them). */
export async function lockInvoices(
  tx: PortalTx,
  numbers: string[],
  now: Date,
): Promise<Map<string, LockedInvoice>> {
  if (numbers.length === 0) return new Map();
  const found = await tx
    .select({
      id: invoice.id,
      number: invoice.number,
      regieId: invoice.regieId,
      familyId: invoice.familyId,
      amountCents: invoice.amountCents,
      paidCents: invoice.paidCents,
      status: invoice.status,
      statusChangedAt: invoice.statusChangedAt,
      allowCredit: regie.allowCredit,
      onlineLockLive: sql<boolean>`EXISTS (SELECT 1 FROM ${onlinePaymentLock} l
        WHERE l.invoice_id = ${invoice.id} AND l.released_at IS NULL
          AND l.expires_at > ${now.toISOString()}::timestamptz)`,
    })
    .from(invoice)
    .innerJoin(regie, eq(regie.id, invoice.regieId))
    .where(inArray(invoice.number, numbers))
    .orderBy(asc(invoice.id))
    .for('update', { of: invoice });
  return new Map(found.map((i) => [i.number, i]));
}

export type MoneySource =
  | { kind: 'counter_payment'; id: number; takenAt: Date }
  | { kind: 'credit_use'; id: number; takenAt: Date }
  | { kind: 'online_payment'; id: number; takenAt: Date };

function sourceColumns(source: MoneySource) {
  return {
    counterPaymentId: source.kind === 'counter_payment' ? source.id : null,
    creditUseId: source.kind === 'credit_use' ? source.id : null,
    onlinePaymentId: source.kind === 'online_payment' ? source.id : null,
  };
}

export interface PlannedConflict {
  kind: (typeof paymentConflict.$inferInsert)['kind'];
  amountCents: number;
  detail: string;
  proposedResolution: 'avoir' | 'remboursement' | null;
}

/**
 * What putting `amount` on the invoice reveals (flags of the allocation, conflicts to open),
 * without writing anything: the push's batched path and settleInvoice below share these rules,
 * so a payment gets the same flags and conflicts whichever path applies it.
 */
export function planSettlement(
  inv: LockedInvoice,
  amount: number,
  source: Pick<MoneySource, 'kind' | 'takenAt'>,
): { flags: string[]; conflicts: PlannedConflict[] } {
  const flags: string[] = [];
  const conflicts: PlannedConflict[] = [];
  const owed = inv.status === 'annulee' ? 0 : inv.amountCents;
  const before = inv.paidCents;
  const after = before + amount;
  const excess = Math.max(0, after - owed) - Math.max(0, before - owed);
  const resolution = inv.allowCredit ? 'avoir' : 'remboursement';
  const fromCounter = source.kind !== 'online_payment';

  if (inv.status === 'annulee') {
    flags.push('facture_annulee');
    conflicts.push({
      kind: 'paiement_facture_annulee',
      amountCents: amount,
      detail: portalText.onCancelled(inv.number, amount),
      proposedResolution: resolution,
    });
  } else {
    if (excess > 0) {
      flags.push('trop_percu');
      conflicts.push({
        kind: 'trop_percu',
        amountCents: excess,
        detail: portalText.overpaid(inv.number, excess, resolution),
        proposedResolution: resolution,
      });
    }
    if (inv.status === 'tresorerie' && fromCounter) {
      flags.push('apres_tresorerie');
      const takenBefore = source.takenAt.getTime() < inv.statusChangedAt.getTime();
      conflicts.push({
        kind: 'paiement_apres_tresorerie',
        amountCents: amount,
        detail: portalText.afterTresorerie(inv.number, amount, takenBefore),
        proposedResolution: null,
      });
    }
    if (inv.status === 'prelevement' && fromCounter) {
      flags.push('facture_en_prelevement');
      conflicts.push({
        kind: 'paiement_facture_prelevement',
        amountCents: amount,
        detail: portalText.onDirectDebit(inv.number, amount),
        proposedResolution: null,
      });
    }
  }
  if (fromCounter && inv.onlineLockLive) flags.push('paiement_en_ligne_en_cours');
  return { flags, conflicts };
}

/**
 * Adds `amount` to the invoice's paid total (counter or online column), records the conflicts
 * this reveals and returns the allocation's flags. The invoice must be locked by the caller.
 */
export async function settleInvoice(
  tx: PortalTx,
  inv: LockedInvoice,
  amount: number,
  source: MoneySource,
  now: Date,
  effects: OpEffects,
): Promise<string[]> {
  const { flags, conflicts } = planSettlement(inv, amount, source);
  for (const c of conflicts) {
    const [row] = await tx
      .insert(paymentConflict)
      .values({
        kind: c.kind,
        invoiceId: inv.id,
        amountCents: c.amountCents,
        ...sourceColumns(source),
        proposedResolution: c.proposedResolution,
        detail: c.detail,
        detectedAt: now,
      })
      .returning({ ref: paymentConflict.ref });
    if (row) {
      effects.conflicts.push({
        ref: row.ref,
        kind: c.kind,
        invoiceNumber: inv.number,
        amountCents: c.amountCents,
      });
    }
  }
  for (const flag of flags) effects.flags.push({ invoiceNumber: inv.number, flag });
  const fromCounter = source.kind !== 'online_payment';
  await tx
    .update(invoice)
    .set(
      fromCounter
        ? { countersPaidCents: sql`${invoice.countersPaidCents} + ${amount}`, updatedAt: now }
        : { onlinePaidCents: sql`${invoice.onlinePaidCents} + ${amount}`, updatedAt: now },
    )
    .where(eq(invoice.id, inv.id));
  inv.paidCents += amount;
  return flags;
}

/** Takes a cancelled counter allocation back off an invoice (locked by the caller). */
export async function unsettleInvoice(tx: PortalTx, inv: LockedInvoice, amount: number, now: Date) {
  await tx
    .update(invoice)
    .set({ countersPaidCents: sql`${invoice.countersPaidCents} - ${amount}`, updatedAt: now })
    .where(eq(invoice.id, inv.id));
  inv.paidCents -= amount;
}
