// Invoices cannot be silently marked paid or re-amounted (migration invoice_guards), their
// status changes leave a trace, and journal.verify catches what bypasses the triggers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDS, newCommandId, openTestCore, paidCents, type TestCore } from '../fixtures';

let t: TestCore;
let regisseur: string;
let controleur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
  controleur = await t.login('controleur');
});
afterEach(() => t.close());

const ledgerError = async () =>
  (await t.call('journal.verify', {}, controleur)).ledger.firstError?.message ?? null;

const invoice = (id: number) =>
  t.sqlite
    .prepare(
      'SELECT amount_cents, paid_cents, paid_outside_cents, status FROM invoice WHERE id = ?',
    )
    .get(id);

const history = (id: number) =>
  t.sqlite
    .prepare(
      'SELECT old_status, new_status, amount_cents, paid_outside_cents, changed_at FROM invoice_status_change WHERE invoice_id = ? ORDER BY id',
    )
    .all(id) as {
    old_status: string | null;
    new_status: string;
    amount_cents: number;
    paid_outside_cents: number;
    changed_at: string;
  }[];

const pay = (invoiceId: number, amountCents: number) =>
  t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents,
      method: { mode: 'cheque', bank: 'LBP', number: '1234567', drawer: 'DUPOND', payee: 'DGFiP' },
      allocations: [{ invoiceId, amountCents }],
    },
    regisseur,
  );

describe('invoice guards', () => {
  it('refuses to mark an invoice paid outside Guichet after its creation', () => {
    const before = invoice(IDS.inv3);
    expect(() =>
      t.sqlite
        .prepare(
          'UPDATE invoice SET paid_outside_cents = amount_cents, paid_cents = amount_cents WHERE id = ?',
        )
        .run(IDS.inv3),
    ).toThrow(/la part payée hors de Guichet est fixée à la création/);
    expect(invoice(IDS.inv3)).toEqual(before);
  });

  it('refuses a direct change of paid_cents, while payments and cancellations still move it', async () => {
    expect(() =>
      t.sqlite.prepare('UPDATE invoice SET paid_cents = 4900 WHERE id = ?').run(IDS.inv1),
    ).toThrow(/il ne se modifie pas directement/);
    const p = await pay(IDS.inv1, 2000);
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(2000);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'erreur de saisie' },
      regisseur,
    );
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(0);
    expect(await ledgerError()).toBeNull();
  });

  it('refuses to change the amount of an invoice that has received money', async () => {
    // Before any allocation the billing office may still correct it.
    t.sqlite.prepare('UPDATE invoice SET amount_cents = 5000 WHERE id = ?').run(IDS.inv1);
    await pay(IDS.inv1, 1000);
    expect(() =>
      t.sqlite.prepare('UPDATE invoice SET amount_cents = 1000 WHERE id = ?').run(IDS.inv1),
    ).toThrow(/son montant ne peut plus changer/);
    expect(invoice(IDS.inv1)).toMatchObject({ amount_cents: 5000, paid_cents: 1000 });
  });

  it('refuses INSERT OR REPLACE and DELETE of an invoice', () => {
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT OR REPLACE INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, paid_cents, paid_outside_cents, refdet, status, source)
           VALUES (?, 'FAC-SCO-0003', ?, ?, 'Séjour', '2026-03', '2026-03-10', '2026-03-10', 45000, 45000, 45000, 'REF000003', 'emise', 'import')`,
        )
        .run(IDS.inv3, IDS.sco, IDS.dupond),
    ).toThrow(/suppression refusée/);
    expect(() => t.sqlite.prepare('DELETE FROM invoice WHERE id = ?').run(IDS.inv3)).toThrow(
      /suppression refusée/,
    );
  });

  it('records every status change with the old and new status and the instant', () => {
    expect(history(IDS.invTresorerie)).toEqual([
      expect.objectContaining({ old_status: null, new_status: 'tresorerie', amount_cents: 3000 }),
    ]);
    t.sqlite.prepare("UPDATE invoice SET status = 'emise' WHERE id = ?").run(IDS.invTresorerie);
    t.sqlite.prepare("UPDATE invoice SET status = 'emise' WHERE id = ?").run(IDS.invTresorerie);
    t.sqlite.prepare("UPDATE invoice SET status = 'annulee' WHERE id = ?").run(IDS.invTresorerie);
    const h = history(IDS.invTresorerie);
    expect(h.map((r) => [r.old_status, r.new_status])).toEqual([
      [null, 'tresorerie'],
      ['tresorerie', 'emise'],
      ['emise', 'annulee'],
    ]);
    expect(h[1]!.changed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(() =>
      t.sqlite
        .prepare('DELETE FROM invoice_status_change WHERE invoice_id = ?')
        .run(IDS.invTresorerie),
    ).toThrow(/inaltérable/);
  });
});

describe('journal.verify on invoices', () => {
  it('catches a paid-outside amount changed with the triggers dropped', async () => {
    expect(await ledgerError()).toBeNull();
    t.sqlite.exec(
      'DROP TRIGGER invoice_paid_outside_fixed; DROP TRIGGER invoice_paid_from_allocations;',
    );
    t.sqlite
      .prepare('UPDATE invoice SET paid_outside_cents = 45000, paid_cents = 45000 WHERE id = ?')
      .run(IDS.inv3);
    expect(await ledgerError()).toBe(
      'Facture FAC-SCO-0003 : la part payée hors de Guichet est passée de 0,00\u202f€ à 450,00\u202f€. La facture a été modifiée hors de Guichet.',
    );
  });

  it('catches a status changed with the history trigger dropped', async () => {
    t.sqlite.exec('DROP TRIGGER invoice_status_changed;');
    t.sqlite.prepare("UPDATE invoice SET status = 'emise' WHERE id = ?").run(IDS.invTresorerie);
    expect(await ledgerError()).toBe(
      'Facture FAC-SCO-0004 : son statut (emise) n’est pas le dernier enregistré dans l’historique (tresorerie). La facture a été modifiée hors de Guichet.',
    );
  });
});
