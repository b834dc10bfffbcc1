// families.get and invoices.lookup through the dispatcher on the demo commune.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyDetail } from '../../../src/shared/contract';
import { invoiceState } from '../../../src/shared/invoice-state';
import type { Result } from '../../../src/shared/result';
import { openDemoCore, type DemoCore } from '../demo/demo-core';

let demo: DemoCore;
let token: string;

beforeAll(async () => {
  demo = await openDemoCore();
  token = await demo.login('controleur', 'demo-controleur');
});
afterAll(() => demo.close());

async function get(familyId: number): Promise<FamilyDetail> {
  const r = (await demo.send('families.get', { familyId }, token)) as Result<FamilyDetail>;
  if (!r.ok) throw new Error(`${r.error.code} : ${r.error.message}`);
  return r.value;
}

/** A family with accounts in at least two régies, so panels are exercised. */
function familyWithTwoRegies(): number {
  return demo.sqlite
    .prepare(
      'SELECT family_id FROM family_account GROUP BY family_id HAVING count(*) >= 2 ORDER BY family_id LIMIT 1',
    )
    .pluck()
    .get() as number;
}

describe('families.get', () => {
  it('gives the family, its responsables by rank and its children eldest first', async () => {
    const d = await get(1);
    expect(d).toMatchObject({ id: 1, familyName: 'Lefèvre' });
    expect(d.code).toMatch(/^LEF-\d{5}$/);
    expect(d.responsables.map((r) => r.rank)).toEqual(d.responsables.length === 2 ? [1, 2] : [1]);
    expect(d.responsables[0]).toMatchObject({ lastName: 'Lefèvre' });
    expect(d.responsables[0]!.addressLine1).toMatch(/\d/);
    expect(d.responsables[0]!.postalCode).toMatch(/^\d{5}$/);
    const births = d.children.map((c) => c.birthDate);
    expect(births).toEqual([...births].sort());
    const count = demo.sqlite
      .prepare('SELECT count(*) FROM child WHERE family_id = 1')
      .pluck()
      .get();
    expect(d.children).toHaveLength(count as number);
  });

  it('shows one panel per régie with an account, invoices newest due date first, states and balances', async () => {
    const id = familyWithTwoRegies();
    const d = await get(id);
    const accounts = demo.sqlite
      .prepare(
        'SELECT r.code FROM family_account a JOIN regie r ON r.id = a.regie_id WHERE a.family_id = ? ORDER BY r.id',
      )
      .pluck()
      .all(id);
    expect(d.regies.map((p) => p.regieCode)).toEqual(accounts);
    for (const panel of d.regies) {
      const rows = demo.sqlite
        .prepare(
          'SELECT id, amount_cents, paid_cents, status FROM invoice WHERE family_id = ? AND regie_id = ?',
        )
        .all(id, panel.regieId) as {
        id: number;
        amount_cents: number;
        paid_cents: number;
        status: 'emise';
      }[];
      expect(panel.invoices).toHaveLength(rows.length);
      const dues = panel.invoices.map((i) => i.dueDate);
      expect(dues).toEqual([...dues].sort().reverse());
      let due = 0;
      for (const inv of panel.invoices) {
        expect(inv.regieId).toBe(panel.regieId);
        expect(inv.state).toBe(invoiceState(inv.status, inv.amountCents, inv.paidCents));
        expect(inv.remainingCents).toBe(inv.amountCents - inv.paidCents);
        if (['a_payer', 'partielle', 'prelevement'].includes(inv.state)) due += inv.remainingCents;
      }
      expect(panel.dueCents).toBe(due);
      expect(panel.creditCents).toBe(0);
      expect(panel.regieName).toMatch(/^Régie /);
    }
  });

  it('gives each panel the régie configuration the payment form needs', async () => {
    const sco = demo.sqlite.prepare("SELECT id FROM regie WHERE code = 'SCO'").pluck().get();
    const familyId = demo.sqlite
      .prepare('SELECT family_id FROM family_account WHERE regie_id = ? ORDER BY family_id LIMIT 1')
      .pluck()
      .get(sco) as number;
    const panel = (await get(familyId)).regies.find((p) => p.regieCode === 'SCO')!;
    expect(panel).toMatchObject({
      acceptedModes: ['especes', 'cheque', 'carte', 'virement', 'payfip'],
      allowCredit: true,
      allowDirectDebitPayment: false,
    });
    expect(panel.creditorLabel).toBe(
      demo.sqlite.prepare('SELECT creditor_label FROM regie WHERE id = ?').pluck().get(sco),
    );
    expect(panel.creditorLabel.length).toBeGreaterThan(0);

    // The flags follow the régie row, and a mode the contract does not know is dropped (the
    // payment rules would refuse it anyway), keeping the shared order of modes.
    const before = demo.sqlite
      .prepare(
        'SELECT accepted_modes, allow_credit, allow_direct_debit_payment FROM regie WHERE id = ?',
      )
      .get(sco);
    demo.sqlite
      .prepare(
        `UPDATE regie SET accepted_modes = '["payfip","bitcoin","cheque"]', allow_credit = 0,
                          allow_direct_debit_payment = 1 WHERE id = ?`,
      )
      .run(sco);
    try {
      const changed = (await get(familyId)).regies.find((p) => p.regieCode === 'SCO')!;
      expect(changed).toMatchObject({
        acceptedModes: ['cheque', 'payfip'],
        allowCredit: false,
        allowDirectDebitPayment: true,
      });
      demo.sqlite.prepare("UPDATE regie SET accepted_modes = 'pas du JSON' WHERE id = ?").run(sco);
      const broken = (await get(familyId)).regies.find((p) => p.regieCode === 'SCO')!;
      expect(broken.acceptedModes).toEqual([]);
    } finally {
      demo.sqlite
        .prepare(
          `UPDATE regie SET accepted_modes = @accepted_modes, allow_credit = @allow_credit,
                            allow_direct_debit_payment = @allow_direct_debit_payment WHERE id = @id`,
        )
        .run({ ...(before as object), id: sco });
    }
  });

  it('says in French that an unknown family does not exist', async () => {
    const r = await demo.send('families.get', { familyId: 999_999 }, token);
    expect(r.ok ? null : r.error.code).toBe('INTROUVABLE');
    expect(r.ok ? '' : r.error.message).toMatch(/^Cette famille est introuvable/);
  });

  it('refuses an identifier that is not a positive whole number', async () => {
    for (const familyId of [0, -3, 1.5, '1', null]) {
      const r = await demo.send('families.get', { familyId }, token);
      expect(r.ok ? null : r.error.code).toBe('VALIDATION');
      expect(r.ok ? '' : r.error.message).toMatch(/^famille : /);
    }
  });

  it('needs a session', async () => {
    const r = await demo.send('families.get', { familyId: 1 }, null);
    expect(r.ok ? null : r.error.code).toBe('NON_AUTHENTIFIE');
  });
});

describe('invoices.lookup', () => {
  const any = () =>
    demo.sqlite
      .prepare(
        'SELECT id, number, refdet, family_id, regie_id FROM invoice ORDER BY id LIMIT 1 OFFSET 41',
      )
      .get() as {
      id: number;
      number: string;
      refdet: string;
      family_id: number;
      regie_id: number;
    };

  it('finds an invoice by its number or PayFiP reference, in any case and with stray spaces', async () => {
    const inv = any();
    const expected = { invoiceId: inv.id, familyId: inv.family_id, regieId: inv.regie_id };
    for (const reference of [
      inv.number,
      inv.number.toLowerCase(),
      `  ${inv.number}  `,
      inv.refdet,
      inv.refdet.toLowerCase(),
      ` ${inv.refdet} `,
    ]) {
      const r = await demo.send('invoices.lookup', { reference }, token);
      expect(r, reference).toEqual({ ok: true, value: expected });
    }
  });

  it('answers null for an unknown reference and refuses an empty one', async () => {
    const unknown = await demo.send('invoices.lookup', { reference: '1999-XXX-000001' }, token);
    expect(unknown).toEqual({ ok: true, value: null });
    const prefixOnly = await demo.send(
      'invoices.lookup',
      { reference: any().number.slice(0, -1) },
      token,
    );
    expect(prefixOnly).toEqual({ ok: true, value: null });
    const empty = await demo.send('invoices.lookup', { reference: '   ' }, token);
    expect(empty.ok ? null : empty.error.code).toBe('VALIDATION');
    expect(empty.ok ? '' : empty.error.message).toMatch(/^référence : /);
  });
});
