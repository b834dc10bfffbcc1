// Display helpers for a family's page. Phone numbers are stored as typed; French ten-digit
// numbers are shown in pairs, as they are read aloud.
import type { InvoiceView } from '../../../shared/contract';
import type { InvoiceState } from '../../../shared/invoice-state';
import { foldText } from '../../../shared/text';

const monthYear = new Intl.DateTimeFormat('fr-FR', {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2026-05" -> "mai 2026"; any other form of period is shown as the core gave it. */
export function formatPeriod(period: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return monthYear.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

/** Most labels already name their month ("CANTINE MAI 2026"); repeating it is noise. */
export function periodNotInLabel(invoice: Pick<InvoiceView, 'label' | 'period'>): boolean {
  if (!invoice.period) return false;
  return !foldText(invoice.label).includes(foldText(formatPeriod(invoice.period)));
}

export function formatPhone(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 10 && digits.startsWith('0'))
    return digits.replace(/(\d{2})(?=\d)/g, '$1 ');
  return raw;
}

/** What can still be paid first, oldest due date first; settled and cancelled ones last. */
const stateOrder: Record<InvoiceState, number> = {
  a_payer: 0,
  partielle: 0,
  prelevement: 1,
  tresorerie: 2,
  payee: 3,
  annulee: 4,
};

export function sortInvoices(invoices: readonly InvoiceView[]): InvoiceView[] {
  return [...invoices].sort(
    (a, b) =>
      stateOrder[a.state] - stateOrder[b.state] ||
      a.dueDate.localeCompare(b.dueDate) ||
      a.number.localeCompare(b.number),
  );
}

export function countByState(invoices: readonly InvoiceView[]): [InvoiceState, number][] {
  const counts = new Map<InvoiceState, number>();
  for (const inv of sortInvoices(invoices)) counts.set(inv.state, (counts.get(inv.state) ?? 0) + 1);
  return [...counts.entries()];
}
