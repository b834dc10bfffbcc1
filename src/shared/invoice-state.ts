// What a family or an agent sees of an invoice is derived from its administrative status (set
// by the ordonnateur or the portal) and from what has been allocated to it. Storing only those
// two facts means the state can never disagree with the payments.
export const invoiceStatuses = ['emise', 'tresorerie', 'prelevement', 'annulee'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

export const invoiceStates = [
  'a_payer',
  'partielle',
  'payee',
  'tresorerie',
  'prelevement',
  'annulee',
] as const;
export type InvoiceState = (typeof invoiceStates)[number];

export const invoiceStateLabels: Record<InvoiceState, string> = {
  a_payer: 'À payer',
  partielle: 'Partiellement payée',
  payee: 'Payée',
  tresorerie: 'En trésorerie',
  prelevement: 'Prélèvement automatique',
  annulee: 'Annulée',
};

export function invoiceState(
  status: InvoiceStatus,
  amountCents: number,
  paidCents: number,
): InvoiceState {
  if (status === 'annulee') return 'annulee';
  if (paidCents >= amountCents) return 'payee';
  if (status === 'tresorerie') return 'tresorerie';
  if (status === 'prelevement') return 'prelevement';
  return paidCents > 0 ? 'partielle' : 'a_payer';
}
