// A refused input names its field in French: an agent reads « imputation n° 1 › montant », not
// "allocations.0.amountCents". Through the real dispatcher and database, and the refusal writes
// nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { frenchPath } from '../../src/core/validation-message';
import type { Input } from '../../src/shared/contract';
import {
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  refusal,
  type TestCore,
} from './fixtures';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

describe('messages de refus d’une saisie', () => {
  it('nomment le champ en français, avec le rang de la ligne, et ne changent rien', async () => {
    const token = await t.login('regisseur');
    const before = ledgerSnapshot(t.sqlite);
    const bad = {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents: 4900,
      method: { mode: 'especes', tenderedCents: 5000 },
      allocations: [{ invoiceId: IDS.inv1, amountCents: '49,00' }],
    } as unknown as Input<'payments.record'>;
    const e = await refusal(t.call('payments.record', bad, token));
    expect(e.error.code).toBe('VALIDATION');
    expect(e.error.message).toContain('imputation n° 1 › montant : ');
    expect(e.error.message).not.toMatch(/amountCents|allocations/);
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('garde, entre guillemets, un nom de champ qu’elle ne sait pas traduire', () => {
    expect(frenchPath(['method', 'cheque', 'bank'])).toBe(
      'moyen de paiement › « cheque » › banque',
    );
    expect(frenchPath(['invoices', 2])).toBe('factures n° 3');
    expect(frenchPath([0, 'amountCents'])).toBe('n° 1 › montant');
  });
});
