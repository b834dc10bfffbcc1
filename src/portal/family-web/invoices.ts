// What a family sees of its invoices, per régie, sorted into the three tabs of the seeds'
// portals: à payer, réglées (with how and when each payment was made) and en trésorerie (with
// what to do). Everything is read from the portal's own tables, which counters' pushes and
// online payments keep current: a payment acknowledged by the portal shows at once.
import { and, asc, desc, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { invoiceState, type InvoiceState } from '../../shared/invoice-state';
import type { Executor } from '../db/sql';
import {
  allocation,
  cancellation,
  counterPayment,
  creditUse,
  familyAccount,
  invoice,
  onlinePayment,
  onlinePaymentLock,
  onlinePaymentSuspension,
  regie,
} from '../db/schema';

export type InvoiceTab = 'a_payer' | 'reglees' | 'tresorerie';

export interface FamilyRegie {
  id: number;
  code: string;
  name: string;
  serviceName: string;
  serviceAddress: string;
  servicePhone: string | null;
  creditorLabel: string;
  cashCeilingCents: number;
  acceptedModes: string[];
  /** The régie takes payments online (PayFiP mode accepted and a numcli configured). */
  payfip: boolean;
  /** Counts per tab, for the tab labels. */
  counts: Record<InvoiceTab, number>;
}

export interface PaymentLine {
  /** "Chèque", "Espèces", "Carte bancaire au guichet", "Paiement en ligne"… */
  how: string;
  /** UTC instant, or null for a settlement recorded outside Guichet (date unknown). */
  at: string | null;
  amountCents: number;
  receiptNumber: string | null;
  /** PayFiP's authorisation number, online payments only. */
  authorisation: string | null;
}

export interface FamilyInvoice {
  number: string;
  label: string;
  period: string;
  issueDate: string;
  dueDate: string;
  amountCents: number;
  paidCents: number;
  remainingCents: number;
  state: InvoiceState;
  tab: InvoiceTab;
  /** A live online payment attempt: until when it blocks a new one. */
  paymentInProgressUntil: string | null;
  /** The service suspended online payment: its reason. */
  suspendedReason: string | null;
  payments: PaymentLine[];
}

const counterModeLabels: Record<string, string> = {
  especes: 'Espèces',
  cheque: 'Chèque',
  carte: 'Carte bancaire au guichet',
  cesu: 'CESU',
  cheque_vacances: 'Chèques-vacances',
  virement: 'Virement',
};

function tabOf(state: InvoiceState): InvoiceTab | null {
  switch (state) {
    case 'payee':
      return 'reglees';
    case 'tresorerie':
      return 'tresorerie';
    case 'annulee':
      return null;
    default:
      return 'a_payer';
  }
}

export async function familyRegies(db: Executor, familyId: number): Promise<FamilyRegie[]> {
  const list = await db
    .select({
      id: regie.id,
      code: regie.code,
      name: regie.name,
      serviceName: regie.serviceName,
      serviceAddress: regie.serviceAddress,
      servicePhone: regie.servicePhone,
      creditorLabel: regie.creditorLabel,
      cashCeilingCents: regie.cashCeilingCents,
      acceptedModes: regie.acceptedModes,
      numcli: regie.numcli,
    })
    .from(familyAccount)
    .innerJoin(regie, eq(regie.id, familyAccount.regieId))
    .where(eq(familyAccount.familyId, familyId))
    .orderBy(asc(regie.name));
  const counts = await db
    .select({
      regieId: invoice.regieId,
      status: invoice.status,
      amountCents: invoice.amountCents,
      paidCents: invoice.paidCents,
    })
    .from(invoice)
    .where(eq(invoice.familyId, familyId));
  return list.map((r) => {
    const c: Record<InvoiceTab, number> = { a_payer: 0, reglees: 0, tresorerie: 0 };
    for (const i of counts) {
      if (i.regieId !== r.id) continue;
      const tab = tabOf(invoiceState(i.status, i.amountCents, i.paidCents));
      if (tab) c[tab]++;
    }
    const { numcli, ...rest } = r;
    return { ...rest, payfip: numcli !== null && r.acceptedModes.includes('payfip'), counts: c };
  });
}

export async function familyInvoices(
  db: Executor,
  familyId: number,
  regieId: number,
  tab: InvoiceTab,
  now: Date,
): Promise<FamilyInvoice[]> {
  const all = await db
    .select({
      id: invoice.id,
      number: invoice.number,
      label: invoice.label,
      period: invoice.period,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      amountCents: invoice.amountCents,
      paidCents: invoice.paidCents,
      paidOutsideCents: invoice.paidOutsideCents,
      status: invoice.status,
    })
    .from(invoice)
    .where(and(eq(invoice.familyId, familyId), eq(invoice.regieId, regieId)))
    .orderBy(tab === 'a_payer' ? asc(invoice.dueDate) : desc(invoice.dueDate), asc(invoice.number));
  const chosen = all
    .map((i) => ({ ...i, state: invoiceState(i.status, i.amountCents, i.paidCents) }))
    .filter((i) => tabOf(i.state) === tab);
  if (chosen.length === 0) return [];
  const ids = chosen.map((i) => i.id);

  const locks = await db
    .select({ invoiceId: onlinePaymentLock.invoiceId, expiresAt: onlinePaymentLock.expiresAt })
    .from(onlinePaymentLock)
    .where(
      and(
        inArray(onlinePaymentLock.invoiceId, ids),
        isNull(onlinePaymentLock.releasedAt),
        gt(onlinePaymentLock.expiresAt, now),
      ),
    );
  const lockOf = new Map(locks.map((l) => [l.invoiceId, l.expiresAt.toISOString()]));
  const [suspension] = await db
    .select({ reason: onlinePaymentSuspension.reason })
    .from(onlinePaymentSuspension)
    .where(
      and(
        or(isNull(onlinePaymentSuspension.regieId), eq(onlinePaymentSuspension.regieId, regieId)),
        lte(onlinePaymentSuspension.startsAt, now),
        or(isNull(onlinePaymentSuspension.endsAt), gt(onlinePaymentSuspension.endsAt, now)),
      ),
    )
    .orderBy(desc(onlinePaymentSuspension.id))
    .limit(1);

  const payments = new Map<number, PaymentLine[]>();
  const add = (invoiceId: number, line: PaymentLine) => {
    const list = payments.get(invoiceId) ?? [];
    list.push(line);
    payments.set(invoiceId, list);
  };
  // Counter payments and credit uses that were not cancelled afterwards.
  const counterRows = await db
    .select({
      invoiceId: allocation.invoiceId,
      amountCents: allocation.amountCents,
      mode: counterPayment.mode,
      at: counterPayment.recordedAt,
      receiptNumber: counterPayment.receiptNumber,
    })
    .from(allocation)
    .innerJoin(counterPayment, eq(counterPayment.id, allocation.paymentId))
    .where(
      and(
        inArray(allocation.invoiceId, ids),
        sql`NOT EXISTS (SELECT 1 FROM ${cancellation} WHERE ${cancellation.paymentId} = ${counterPayment.id})`,
      ),
    );
  for (const r of counterRows)
    add(r.invoiceId, {
      how: counterModeLabels[r.mode] ?? r.mode,
      at: r.at.toISOString(),
      amountCents: r.amountCents,
      receiptNumber: r.receiptNumber,
      authorisation: null,
    });
  const creditRows = await db
    .select({
      invoiceId: allocation.invoiceId,
      amountCents: allocation.amountCents,
      at: creditUse.usedAt,
    })
    .from(allocation)
    .innerJoin(creditUse, eq(creditUse.id, allocation.creditUseId))
    .where(
      and(
        inArray(allocation.invoiceId, ids),
        sql`NOT EXISTS (SELECT 1 FROM ${cancellation} WHERE ${cancellation.creditUseId} = ${creditUse.id})`,
      ),
    );
  for (const r of creditRows)
    add(r.invoiceId, {
      how: 'Avoir utilisé',
      at: r.at.toISOString(),
      amountCents: r.amountCents,
      receiptNumber: null,
      authorisation: null,
    });
  const onlineRows = await db
    .select({
      invoiceId: onlinePayment.invoiceId,
      amountCents: onlinePayment.amountCents,
      at: onlinePayment.finishedAt,
      numauto: onlinePayment.numauto,
      started: onlinePayment.startedAt,
    })
    .from(onlinePayment)
    .where(and(inArray(onlinePayment.invoiceId, ids), eq(onlinePayment.status, 'paye')));
  for (const r of onlineRows)
    add(r.invoiceId, {
      how: 'Paiement en ligne (carte bancaire, PayFiP)',
      at: (r.at ?? r.started).toISOString(),
      amountCents: r.amountCents,
      receiptNumber: null,
      authorisation: r.numauto,
    });

  return chosen.map((i) => {
    const lines = (payments.get(i.id) ?? []).sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
    if (i.paidOutsideCents > 0)
      lines.unshift({
        how: 'Règlement enregistré par le service',
        at: null,
        amountCents: i.paidOutsideCents,
        receiptNumber: null,
        authorisation: null,
      });
    return {
      number: i.number,
      label: i.label,
      period: i.period,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      amountCents: i.amountCents,
      paidCents: i.paidCents,
      remainingCents: Math.max(0, i.amountCents - i.paidCents),
      state: i.state,
      tab,
      paymentInProgressUntil: lockOf.get(i.id) ?? null,
      suspendedReason: suspension?.reason ?? null,
      payments: lines,
    };
  });
}
