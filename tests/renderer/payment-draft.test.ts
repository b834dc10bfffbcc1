// The payment form's reading of what the agent typed: amounts in French notation, the cash
// handed over, titles, and the three ways of allocating. What cannot be read must never reach
// the core, and must say so next to the field.
import { describe, expect, it } from 'vitest';
import {
  buildDraft,
  centsToInput,
  emptyFields,
  payableInvoices,
  type PaymentFields,
} from '../../src/renderer/screens/payment/payment-draft';
import type { InvoiceView } from '../../src/shared/contract';

const fields = (patch: Partial<PaymentFields>): PaymentFields => ({
  ...emptyFields('especes', '', 'Régie scolaire'),
  ...patch,
});

describe('buildDraft', () => {
  it('reads a French amount and the cash handed over into cents', () => {
    const r = buildDraft(1, 2, fields({ amount: '40', tendered: '50,00' }), { kind: 'auto' });
    expect(r.errors).toEqual({});
    expect(r.draft).toEqual({
      familyId: 1,
      regieId: 2,
      amountCents: 4000,
      method: { mode: 'especes', tenderedCents: 5000 },
    });
  });

  it('sends nothing while the amount is empty, without calling it an error', () => {
    const r = buildDraft(1, 2, fields({ amount: '  ' }), { kind: 'auto' });
    expect(r.draft).toBeNull();
    expect(r.errors).toEqual({});
  });

  it('reports an unreadable amount or cash handed over and sends nothing', () => {
    const bad = buildDraft(1, 2, fields({ amount: '49,5x' }), { kind: 'auto' });
    expect(bad.draft).toBeNull();
    expect(bad.errors.amount).toMatch(/Montant illisible/);
    const tendered = buildDraft(1, 2, fields({ amount: '10', tendered: 'dix' }), { kind: 'auto' });
    expect(tendered.draft).toBeNull();
    expect(tendered.errors.tendered).toMatch(/Somme remise illisible/);
  });

  it('takes the amount of titles from their lines, and reports a bad line', () => {
    const ok = buildDraft(
      1,
      2,
      fields({
        mode: 'cesu',
        amount: '999',
        titles: [
          { count: '2', faceValue: '10' },
          { count: '1', faceValue: '5,50' },
          { count: '', faceValue: '' },
        ],
      }),
      { kind: 'auto' },
    );
    expect(ok.titlesTotalCents).toBe(2550);
    expect(ok.draft?.amountCents).toBe(2550);
    expect(ok.draft?.method).toEqual({
      mode: 'cesu',
      titles: [
        { count: 2, faceValueCents: 1000 },
        { count: 1, faceValueCents: 550 },
      ],
    });
    const bad = buildDraft(
      1,
      2,
      fields({ mode: 'cheque_vacances', titles: [{ count: '0', faceValue: 'x' }] }),
      { kind: 'auto' },
    );
    expect(bad.draft).toBeNull();
    expect(bad.errors.titles).toHaveLength(2);
  });

  it('keeps the cheque number as digits only', () => {
    const r = buildDraft(1, 2, fields({ mode: 'cheque', amount: '12', chequeNumber: '123 4567' }), {
      kind: 'auto',
    });
    expect(r.draft?.method).toMatchObject({ mode: 'cheque', number: '1234567' });
  });

  it('puts a chosen invoice first and the excess to credit', () => {
    const r = buildDraft(1, 2, fields({ amount: '60' }), {
      kind: 'invoice',
      invoiceId: 7,
      remainingCents: 4950,
    });
    expect(r.draft?.allocations).toEqual([{ invoiceId: 7, amountCents: 4950 }]);
    expect(r.draft?.toCreditCents).toBe(1050);
  });

  it('sends the amounts typed per invoice, skipping empty ones, the rest to credit', () => {
    const r = buildDraft(1, 2, fields({ amount: '30' }), {
      kind: 'manual',
      amounts: { 3: '10', 4: '', 5: '15,5' },
    });
    expect(r.draft?.allocations).toEqual([
      { invoiceId: 3, amountCents: 1000 },
      { invoiceId: 5, amountCents: 1550 },
    ]);
    expect(r.draft?.toCreditCents).toBe(450);
    const bad = buildDraft(1, 2, fields({ amount: '30' }), {
      kind: 'manual',
      amounts: { 3: 'abc' },
    });
    expect(bad.draft).toBeNull();
    expect(bad.errors.allocations).toEqual([3]);
  });
});

describe('centsToInput', () => {
  it('writes an amount as the agent types it', () => {
    expect(centsToInput(4950)).toBe('49,50');
    expect(centsToInput(5)).toBe('0,05');
    expect(centsToInput(123456)).toBe('1234,56');
  });
});

describe('payableInvoices', () => {
  const inv = (id: number, state: InvoiceView['state'], dueDate: string, remaining: number) =>
    ({ id, state, dueDate, remainingCents: remaining }) as InvoiceView;
  it('keeps what can be paid, oldest due first', () => {
    const list = payableInvoices([
      inv(1, 'payee', '2026-01-01', 0),
      inv(2, 'a_payer', '2026-03-01', 100),
      inv(3, 'partielle', '2026-02-01', 50),
      inv(4, 'tresorerie', '2026-01-01', 80),
    ]);
    expect(list.map((i) => i.id)).toEqual([3, 2]);
  });
});
