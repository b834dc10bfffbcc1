// Every command carries a client-generated UUID: a replay (the UI retrying after a lost
// answer) returns the first result and records nothing; the same id with other content is
// refused. The command table's primary key is what enforces it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDS, ledgerSnapshot, newCommandId, openTestCore, type TestCore } from '../fixtures';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore();
  token = await t.login('regisseur');
});
afterEach(() => t.close());

const payment = (commandId: string, amountCents = 4900) => ({
  commandId,
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents,
  method: { mode: 'especes' as const, tenderedCents: 5000 },
});

describe('idempotent commands', () => {
  it('replays a payment: same result, nothing new recorded', async () => {
    const id = newCommandId();
    const first = await t.call('payments.record', payment(id), token);
    const before = ledgerSnapshot(t.sqlite);
    const again = await t.call('payments.record', payment(id), token);
    expect(again.replayed).toBe(true);
    expect({ ...again, replayed: false }).toEqual(first);
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('refuses the same command id with other content (CONFLIT), changing nothing', async () => {
    const id = newCommandId();
    await t.call('payments.record', payment(id), token);
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send('payments.record', payment(id, 5000), token);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('CONFLIT');
      expect(r.error.message).toMatch(/déjà enregistrée avec un contenu différent/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('refuses a command id reused by another kind of command', async () => {
    const id = newCommandId();
    const p = await t.call('payments.record', payment(id), token);
    const r = await t.send(
      'payments.cancel',
      { commandId: id, paymentId: p.paymentId, reason: 'Erreur de saisie' },
      token,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('CONFLIT');
  });

  it('enforces uniqueness in the database itself', async () => {
    const id = newCommandId();
    await t.call('payments.record', payment(id), token);
    expect(() =>
      t.sqlite
        .prepare(
          "INSERT INTO command (command_id, handler, request_hash, created_at) VALUES (?, 'x', 'y', 'z')",
        )
        .run(id),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('replays a cancellation, a reprint, a credit use and its cancellation', async () => {
    const paid = await t.call(
      'payments.record',
      {
        ...payment(newCommandId(), 70000),
        method: { mode: 'cheque', bank: 'BNP', number: '42', drawer: 'DUPOND', payee: 'DGFiP' },
        // Dupond has a debt en trésorerie: the excess goes to credit only when asked for.
        toCreditCents: 8100,
      },
      token,
    );
    expect(paid.creditCreatedCents).toBe(8100);

    const reprintId = newCommandId();
    const reprint = await t.call(
      'payments.receipt',
      { commandId: reprintId, paymentId: paid.paymentId, layout: 'a5' },
      token,
    );
    let before = ledgerSnapshot(t.sqlite);
    expect(
      await t.call(
        'payments.receipt',
        { commandId: reprintId, paymentId: paid.paymentId, layout: 'a5' },
        token,
      ),
    ).toEqual(reprint);
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);

    // A new invoice for the credit to settle.
    t.sqlite
      .prepare(
        `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
         VALUES (50, 'FAC-SCO-0050', ?, ?, 'Cantine mars', '2026-03', '2026-03-01', '2026-04-10', 5000, 'REF000050', 'emise', 'import')`,
      )
      .run(IDS.sco, IDS.dupond);
    const useId = newCommandId();
    const use = await t.call(
      'credits.apply',
      { commandId: useId, familyId: IDS.dupond, regieId: IDS.sco },
      token,
    );
    before = ledgerSnapshot(t.sqlite);
    expect(
      await t.call(
        'credits.apply',
        { commandId: useId, familyId: IDS.dupond, regieId: IDS.sco },
        token,
      ),
    ).toEqual({ ...use, replayed: true });
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);

    const cancelUseId = newCommandId();
    const cu = await t.call(
      'credits.cancel',
      {
        commandId: cancelUseId,
        creditUseId: use.creditUseId,
        reason: 'Famille souhaite garder l’avoir',
      },
      token,
    );
    before = ledgerSnapshot(t.sqlite);
    expect(
      await t.call(
        'credits.cancel',
        {
          commandId: cancelUseId,
          creditUseId: use.creditUseId,
          reason: 'Famille souhaite garder l’avoir',
        },
        token,
      ),
    ).toEqual({ ...cu, replayed: true });
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);

    const cancelId = newCommandId();
    const c = await t.call(
      'payments.cancel',
      { commandId: cancelId, paymentId: paid.paymentId, reason: 'Chèque sans provision' },
      token,
    );
    before = ledgerSnapshot(t.sqlite);
    const c2 = await t.call(
      'payments.cancel',
      { commandId: cancelId, paymentId: paid.paymentId, reason: 'Chèque sans provision' },
      token,
    );
    expect(c2).toEqual({ ...c, replayed: true });
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });
});
