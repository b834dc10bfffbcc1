// Money brought for a debt the régie can no longer collect (en trésorerie, or en prélèvement
// when the régie takes nothing else for it) must not silently become credit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDS, ledgerSnapshot, newCommandId, openTestCore, type TestCore } from '../fixtures';

let t: TestCore;
let token: string;
beforeEach(async () => {
  t = await openTestCore();
  token = await t.login('mandataire');
});
afterEach(() => t.close());

const cheque = {
  mode: 'cheque' as const,
  bank: 'B',
  number: '12',
  drawer: 'DUPOND',
  payee: 'DGFiP',
};
/** Dupond owes 619 € payable at SCO, plus 30 € en trésorerie and 25 € en prélèvement. */
const dupond = (amountCents: number, extra: Record<string, unknown> = {}) => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents,
  method: cheque,
  ...extra,
});

describe('excess over what the régie can collect', () => {
  it('refuses to put it on credit by default when invoices are en trésorerie, in French, changing nothing', async () => {
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send('payments.record', dupond(61900 + 3000), token);
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'REGLE_METIER',
      reason: 'FACTURE_TRESORERIE',
      message: expect.stringMatching(
        /^La famille doit encore des factures transmises au Trésor public : FAC-SCO-0004 \(30,00.€\)\. .*Invitez la famille à les régler auprès du Trésor public/,
      ),
    });
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
    const { commandId: _c, ...draft } = dupond(61900 + 3000);
    const preview = await t.call('payments.preview', draft, token);
    expect(preview.violations.map((v) => v.reason)).toEqual(['FACTURE_TRESORERIE']);
  });

  it('names the prélèvement when that is the only debt left', async () => {
    t.sqlite.prepare("UPDATE invoice SET status = 'annulee' WHERE id = ?").run(IDS.invTresorerie);
    const r = await t.send('payments.record', dupond(61900 + 1000), token);
    expect(r.ok ? null : r.error).toMatchObject({
      reason: 'FACTURE_PRELEVEMENT',
      message: expect.stringMatching(/prélèvement automatique : FAC-SCO-0005 \(25,00.€\)/),
    });
  });

  it('accepts what the régie is owed exactly, and credit the agent asks for explicitly', async () => {
    const exact = await t.send('payments.record', dupond(61900), token);
    expect(exact.ok).toBe(true);
    const explicit = await t.call(
      'payments.record',
      dupond(5000, { allocations: [], toCreditCents: 5000 }),
      token,
    );
    expect(explicit.creditCreatedCents).toBe(5000);
    const acknowledged = await t.call(
      'payments.record',
      dupond(2000, { toCreditCents: 2000 }),
      token,
    );
    expect(acknowledged.creditCreatedCents).toBe(2000);
  });

  it('still lets credit build up by default for a family with nothing unpayable', async () => {
    const r = await t.call(
      'payments.record',
      { ...dupond(10000), familyId: IDS.martin, method: { ...cheque, drawer: 'MARTIN' } },
      token,
    );
    expect(r.creditCreatedCents).toBe(4000);
  });
});
