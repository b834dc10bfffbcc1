// What the agent has typed in the payment form, turned into the contract's draft. Everything a
// person types stays text until here, so "49,5" or "50 €" are read once, with parseEuro, and an
// unreadable field is reported next to itself instead of being sent to the core.
import type { CounterPaymentMode, Input, InvoiceView } from '../../../shared/contract';
import { parseEuro } from '../../../shared/money';
import { paymentMessages as m } from './messages';

export type PaymentDraftInput = Input<'payments.preview'>;

export interface TitleLineFields {
  count: string;
  faceValue: string;
}

export interface PaymentFields {
  mode: CounterPaymentMode;
  amount: string;
  tendered: string;
  bank: string;
  chequeNumber: string;
  drawer: string;
  payee: string;
  terminalReference: string;
  titles: TitleLineFields[];
  transferReference: string;
}

/**
 * How the amount is spread over the invoices. 'auto' lets the core settle the oldest due first;
 * 'invoice' follows one invoice chosen from the family page (as much of the amount as it can
 * take, the rest to credit); 'manual' is what the agent typed per invoice.
 */
export type AllocationChoice =
  | { kind: 'auto' }
  | { kind: 'invoice'; invoiceId: number; remainingCents: number }
  | { kind: 'manual'; amounts: Readonly<Record<number, string>> };

export interface FieldErrors {
  amount?: string;
  tendered?: string;
  titles?: string[];
  /** Invoices whose typed amount cannot be read. */
  allocations?: number[];
}

export interface DraftResult {
  /** Null while a field cannot be read: nothing is sent to the core. */
  draft: PaymentDraftInput | null;
  errors: FieldErrors;
  amountCents: number | null;
  titlesTotalCents: number | null;
}

export const isTitlesMode = (mode: CounterPaymentMode): mode is 'cesu' | 'cheque_vacances' =>
  mode === 'cesu' || mode === 'cheque_vacances';

/** 4950 -> "49,50": the form of an amount the agent edits (no euro sign, no grouping). */
export function centsToInput(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

export function emptyFields(
  mode: CounterPaymentMode,
  amount: string,
  payee: string,
): PaymentFields {
  return {
    mode,
    amount,
    tendered: '',
    bank: '',
    chequeNumber: '',
    drawer: '',
    payee,
    terminalReference: '',
    titles: [{ count: '1', faceValue: '' }],
    transferReference: '',
  };
}

function readTitles(lines: readonly TitleLineFields[]): {
  titles: { count: number; faceValueCents: number }[];
  errors: string[];
} {
  const titles: { count: number; faceValueCents: number }[] = [];
  const errors: string[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.count.trim() === '' && line.faceValue.trim() === '') return;
    const count = /^\s*\d{1,4}\s*$/.test(line.count) ? Number(line.count) : NaN;
    const face = parseEuro(line.faceValue);
    if (!Number.isInteger(count) || count < 1) errors.push(m.badCount(n));
    if (face === null || face <= 0) errors.push(m.badFaceValue(n));
    if (Number.isInteger(count) && count >= 1 && face !== null && face > 0)
      titles.push({ count, faceValueCents: face });
  });
  return { titles, errors };
}

export function buildDraft(
  familyId: number,
  regieId: number,
  fields: PaymentFields,
  allocation: AllocationChoice,
): DraftResult {
  const errors: FieldErrors = {};
  let titlesTotalCents: number | null = null;
  let method: PaymentDraftInput['method'];
  let amountCents: number | null;

  if (isTitlesMode(fields.mode)) {
    const { titles, errors: titleErrors } = readTitles(fields.titles);
    if (titleErrors.length > 0) errors.titles = titleErrors;
    titlesTotalCents = titles.reduce((s, t) => s + t.count * t.faceValueCents, 0);
    // The amount of a payment in titles is their total: no change is given on them.
    amountCents = titlesTotalCents;
    method = { mode: fields.mode, titles };
  } else {
    amountCents = parseEuro(fields.amount);
    // An empty box is not an error yet: the agent has not typed the amount.
    if (amountCents === null && fields.amount.trim() !== '') errors.amount = m.badAmount;
    switch (fields.mode) {
      case 'especes': {
        const tendered = fields.tendered.trim() === '' ? undefined : parseEuro(fields.tendered);
        if (tendered === null) errors.tendered = m.badTendered;
        method = {
          mode: 'especes',
          ...(tendered !== null && tendered !== undefined ? { tenderedCents: tendered } : {}),
        };
        break;
      }
      case 'cheque':
        method = {
          mode: 'cheque',
          bank: fields.bank,
          number: fields.chequeNumber.replace(/\s+/g, ''),
          drawer: fields.drawer,
          payee: fields.payee,
        };
        break;
      case 'carte':
        method = { mode: 'carte', terminalReference: fields.terminalReference };
        break;
      case 'virement':
        method = { mode: 'virement', reference: fields.transferReference };
        break;
    }
  }

  let allocations: PaymentDraftInput['allocations'];
  let toCreditCents: number | undefined;
  if (amountCents !== null && allocation.kind === 'invoice') {
    const part = Math.min(amountCents, allocation.remainingCents);
    allocations = [{ invoiceId: allocation.invoiceId, amountCents: part }];
    toCreditCents = Math.max(amountCents - part, 0);
  } else if (amountCents !== null && allocation.kind === 'manual') {
    allocations = [];
    const bad: number[] = [];
    for (const [id, text] of Object.entries(allocation.amounts)) {
      if (text.trim() === '') continue;
      const cents = parseEuro(text);
      if (cents === null) bad.push(Number(id));
      else if (cents !== 0) allocations.push({ invoiceId: Number(id), amountCents: cents });
    }
    if (bad.length > 0) errors.allocations = bad;
    const sum = allocations.reduce((s, a) => s + a.amountCents, 0);
    toCreditCents = Math.max(amountCents - sum, 0);
  }

  const readable =
    errors.amount === undefined &&
    errors.tendered === undefined &&
    errors.titles === undefined &&
    errors.allocations === undefined;
  return {
    draft:
      readable && amountCents !== null
        ? {
            familyId,
            regieId,
            amountCents,
            method,
            ...(allocations ? { allocations, toCreditCents } : {}),
          }
        : null,
    errors,
    amountCents,
    titlesTotalCents,
  };
}

/** Invoices that can take money at the counter, in the order the core settles them. */
export function payableInvoices(invoices: readonly InvoiceView[]): InvoiceView[] {
  return invoices
    .filter((i) => (i.state === 'a_payer' || i.state === 'partielle') && i.remainingCents > 0)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id - b.id);
}
