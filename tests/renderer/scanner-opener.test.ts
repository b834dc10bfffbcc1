// What a scanned invoice opens, and the pure helpers of the coupon screens: which invoices the
// counter may collect, when issuing a code needs a confirmation, the billing periods offered for
// a batch and its progress.
import { describe, expect, it } from 'vitest';
import type { AccessCodeInfo, InvoiceView, RegiePanel } from '../../src/shared/contract';
import type { InvoiceState } from '../../src/shared/invoice-state';
import { collectable } from '../../src/renderer/scanner/use-invoice-opener';
import { scannerMessages } from '../../src/renderer/scanner/messages';
import {
  billingMonths,
  isLive,
  progressPercent,
  replaceWarning,
} from '../../src/renderer/screens/coupons/format';

function invoice(state: InvoiceState, remainingCents = 1500): InvoiceView {
  return {
    id: 1,
    number: '2026-SCO-000001',
    regieId: 1,
    label: 'CANTINE MAI 2026',
    period: '2026-05',
    issueDate: '2026-05-31',
    dueDate: '2026-06-15',
    amountCents: 1500,
    paidCents: 1500 - remainingCents,
    remainingCents,
    refdet: '1',
    status: state === 'annulee' ? 'annulee' : 'emise',
    state,
  };
}

function panel(allowDirectDebitPayment: boolean): RegiePanel {
  return {
    regieId: 1,
    regieCode: 'SCO',
    regieName: 'Régie scolaire',
    dueCents: 1500,
    creditCents: 0,
    invoices: [],
    acceptedModes: ['especes'],
    creditorLabel: 'Régie scolaire',
    allowCredit: true,
    allowDirectDebitPayment,
  };
}

describe('collectable', () => {
  it('opens the payment form on invoices still to pay, in full or in part', () => {
    expect(collectable(invoice('a_payer'), panel(false))).toBe(true);
    expect(collectable(invoice('partielle', 500), panel(false))).toBe(true);
  });

  it('sends paid, cancelled and treasury invoices to the family page instead', () => {
    expect(collectable(invoice('payee', 0), panel(true))).toBe(false);
    expect(collectable(invoice('annulee'), panel(true))).toBe(false);
    expect(collectable(invoice('tresorerie'), panel(true))).toBe(false);
  });

  it('takes a direct-debit invoice only where the régie allows it at the counter', () => {
    expect(collectable(invoice('prelevement'), panel(true))).toBe(true);
    expect(collectable(invoice('prelevement'), panel(false))).toBe(false);
  });

  it('has a French sentence for every state it refuses', () => {
    for (const state of ['payee', 'annulee', 'tresorerie', 'prelevement'] as const) {
      const text = scannerMessages.notPayable('2026-SCO-000001', state);
      expect(text).toMatch(/^La facture 2026-SCO-000001 .+rien à encaisser au guichet\./);
      expect(text).not.toMatch(/undefined/);
    }
    expect(scannerMessages.notFound('ZZZ-999')).toMatch(/Aucune facture ne porte la référence/);
  });
});

function code(patch: Partial<AccessCodeInfo>): AccessCodeInfo {
  return {
    ref: 'AC-1',
    issuedAt: '2026-05-01T08:00:00.000Z',
    expiresAt: '2026-06-30T08:00:00.000Z',
    status: 'emis',
    activatedAt: null,
    issuedBy: 'Marie Durand',
    posteCode: 'P1',
    batchRef: null,
    pendingSync: false,
    ...patch,
  };
}

describe('replaceWarning', () => {
  const now = new Date('2026-06-01T12:00:00.000Z');

  it('asks before replacing a code the family can still use', () => {
    expect(replaceWarning(code({}), now)?.kind).toBe('live');
    expect(replaceWarning(code({ expiresAt: null }), now)?.kind).toBe('live');
  });

  it('asks before issuing a code to a family whose account is already activated', () => {
    const active = code({ status: 'active', activatedAt: '2026-05-03T10:00:00.000Z' });
    expect(replaceWarning(active, now)?.kind).toBe('active');
  });

  it('issues at once when there is no code, or only an expired or replaced one', () => {
    expect(replaceWarning(null, now)).toBeNull();
    expect(replaceWarning(code({ status: 'expire' }), now)).toBeNull();
    expect(replaceWarning(code({ status: 'remplace' }), now)).toBeNull();
    // Past its date but not yet marked expired by the core: no longer usable all the same.
    expect(isLive(code({ expiresAt: '2026-05-31T23:59:59.000Z' }), now)).toBe(false);
    expect(replaceWarning(code({ expiresAt: '2026-05-31T23:59:59.000Z' }), now)).toBeNull();
  });
});

describe('billingMonths', () => {
  it('offers next month, this month and the twelve before, newest first', () => {
    const months = billingMonths('2026-01-15');
    expect(months).toHaveLength(14);
    expect(months.slice(0, 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(months.at(-1)).toBe('2025-01');
  });

  it('crosses the end of a year forwards', () => {
    expect(billingMonths('2025-12-31', 1, 1)).toEqual(['2026-01', '2025-12', '2025-11']);
  });
});

describe('progressPercent', () => {
  it('is 0 while the size is unknown and never above 100', () => {
    expect(progressPercent(0, 0)).toBe(0);
    expect(progressPercent(1250, 5000)).toBe(25);
    expect(progressPercent(5001, 5000)).toBe(100);
  });
});
