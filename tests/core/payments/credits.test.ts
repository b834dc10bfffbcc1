import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { creditBalance } from '../../../src/core/payments/balances';
import {
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  paidCents,
  type TestCore,
} from '../fixtures';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore();
  token = await t.login('mandataire');
  // Martin owes 60 € at SCO; a 100 € transfer leaves 40 € of credit.
  await t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.martin,
      regieId: IDS.sco,
      amountCents: 10000,
      method: { mode: 'virement', reference: 'VIR-001' },
    },
    token,
  );
});
afterEach(() => t.close());

const addInvoice = (id: number, amount: number, due: string) =>
  t.sqlite
    .prepare(
      `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
       VALUES (?, ?, ?, ?, 'Cantine', ?, ?, ?, ?, ?, 'emise', 'import')`,
    )
    .run(
      id,
      `FAC-SCO-${id}`,
      IDS.sco,
      IDS.martin,
      due.slice(0, 7),
      due,
      due,
      amount,
      `REF${String(id).padStart(6, '0')}`,
    );

describe('credits.apply', () => {
  it('settles the oldest invoices from the credit, with its own journal entry', async () => {
    addInvoice(70, 2500, '2026-04-10');
    addInvoice(71, 3000, '2026-05-10');
    const r = await t.call(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      token,
    );
    expect(r.creditUsedCents).toBe(4000);
    expect(r.creditBalanceCents).toBe(0);
    expect(
      r.allocations.map((a) => [a.invoiceNumber, a.amountCents, a.remainingAfterCents]),
    ).toEqual([
      ['FAC-SCO-70', 2500, 0],
      ['FAC-SCO-71', 1500, 1500],
    ]);
    expect(paidCents(t.sqlite, 71)).toBe(1500);
    const entry = t.sqlite
      .prepare("SELECT payload FROM journal_entry WHERE kind = 'utilisation_avoir'")
      .get() as { payload: string };
    expect(JSON.parse(entry.payload)).toMatchObject({
      amountCents: 4000,
      balance: { creditCents: 0, dueCents: 1500 },
    });
    // No receipt number is drawn: no money changed hands.
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM payment').get()).toEqual({ n: 1 });
  });

  it('uses only the amount asked, on the invoices chosen', async () => {
    addInvoice(70, 2500, '2026-04-10');
    addInvoice(71, 3000, '2026-05-10');
    const r = await t.call(
      'credits.apply',
      {
        commandId: newCommandId(),
        familyId: IDS.martin,
        regieId: IDS.sco,
        amountCents: 1000,
        allocations: [{ invoiceId: 71, amountCents: 1000 }],
      },
      token,
    );
    expect(r.creditUsedCents).toBe(1000);
    expect(creditBalance(t.sqlite, IDS.martin, IDS.sco)).toBe(3000);
  });

  it('refuses more than the credit, an invoice en trésorerie, or nothing to settle; changing nothing', async () => {
    addInvoice(70, 9000, '2026-04-10');
    const before = ledgerSnapshot(t.sqlite);
    const tooMuch = await t.send(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco, amountCents: 5000 },
      token,
    );
    expect(tooMuch.ok).toBe(false);
    if (!tooMuch.ok)
      expect(tooMuch.error.message).toMatch(/L’avoir disponible \(40,00.€\) ne suffit pas/);
    const tresorerie = await t.send(
      'credits.apply',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        allocations: [{ invoiceId: IDS.invTresorerie, amountCents: 100 }],
      },
      token,
    );
    expect(tresorerie.ok).toBe(false);
    if (!tresorerie.ok) expect(tresorerie.error.reason).toBe('AVOIR_ABSENT');
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('says so when there is nothing to settle', async () => {
    const r = await t.send(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      token,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/aucune facture à régler.*l’avoir reste disponible/);
  });

  it('is cancelled by the régisseur only, giving the credit back', async () => {
    addInvoice(70, 2500, '2026-04-10');
    const use = await t.call(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      token,
    );
    const refused = await t.send(
      'credits.cancel',
      { commandId: newCommandId(), creditUseId: use.creditUseId, reason: 'Erreur de saisie' },
      token,
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('PERMISSION_REFUSEE');
    const regisseur = await t.login('regisseur');
    const c = await t.call(
      'credits.cancel',
      { commandId: newCommandId(), creditUseId: use.creditUseId, reason: 'Erreur de saisie' },
      regisseur,
    );
    expect(c.creditBalanceCents).toBe(4000);
    expect(paidCents(t.sqlite, 70)).toBe(0);
    const twice = await t.send(
      'credits.cancel',
      { commandId: newCommandId(), creditUseId: use.creditUseId, reason: 'Erreur de saisie' },
      regisseur,
    );
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.code).toBe('CONFLIT');
  });
});
