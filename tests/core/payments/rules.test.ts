// Every refusal must say in French what is wrong and what to do, and change nothing: no
// payment, no allocation, no journal entry, no receipt number, no paid amount moved.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Input } from '../../../src/shared/contract';
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
});
afterEach(() => t.close());

type RecordArgs = Input<'payments.record'>;

const base = (over: Partial<RecordArgs> = {}): RecordArgs => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents: 4900,
  method: { mode: 'especes' },
  ...over,
});
const cheque = (
  payee: string,
  extra: Partial<{ bank: string; number: string; drawer: string }> = {},
) => ({
  mode: 'cheque' as const,
  bank: 'Banque Postale',
  number: '1234567',
  drawer: 'DUPOND Hélène',
  payee,
  ...extra,
});

interface Case {
  name: string;
  args: RecordArgs;
  code: string;
  reason?: string;
  says: RegExp;
}

const cases: Case[] = [
  {
    name: 'cash above 300 € on one invoice (CGI art. 1680)',
    args: base({ amountCents: 30001, allocations: [{ invoiceId: IDS.inv3, amountCents: 30001 }] }),
    code: 'REGLE_METIER',
    reason: 'PLAFOND_ESPECES',
    says: /plafond de 300,00.€ par dette.*article 1680/,
  },
  {
    name: 'cash going to credit above 300 €',
    args: base({ familyId: IDS.martin, amountCents: 40000 }),
    code: 'REGLE_METIER',
    reason: 'PLAFOND_ESPECES',
    says: /mis en avoir dépasse le plafond/,
  },
  {
    name: 'an invoice en trésorerie',
    args: base({
      amountCents: 3000,
      allocations: [{ invoiceId: IDS.invTresorerie, amountCents: 3000 }],
    }),
    code: 'REGLE_METIER',
    reason: 'FACTURE_TRESORERIE',
    says: /transmise au Trésor public.*auprès du Trésor public \(service de gestion comptable/,
  },
  {
    name: 'an invoice en prélèvement when the régie does not allow it',
    args: base({
      amountCents: 2500,
      allocations: [{ invoiceId: IDS.invPrelevement, amountCents: 2500 }],
    }),
    code: 'REGLE_METIER',
    reason: 'FACTURE_PRELEVEMENT',
    says: /prélèvement automatique/,
  },
  {
    name: 'a cancelled invoice',
    args: base({
      amountCents: 1500,
      allocations: [{ invoiceId: IDS.invAnnulee, amountCents: 1500 }],
    }),
    code: 'REGLE_METIER',
    reason: 'FACTURE_ANNULEE',
    says: /FAC-SCO-0006 est annulée/,
  },
  {
    name: 'an invoice of another family',
    args: base({
      amountCents: 6000,
      allocations: [{ invoiceId: IDS.invMartin, amountCents: 6000 }],
    }),
    code: 'REGLE_METIER',
    reason: 'FACTURE_AUTRE_FAMILLE',
    says: /appartient à une autre famille/,
  },
  {
    name: 'an invoice of another régie',
    args: base({ amountCents: 8000, allocations: [{ invoiceId: IDS.invSpo, amountCents: 8000 }] }),
    code: 'REGLE_METIER',
    reason: 'FACTURE_AUTRE_REGIE',
    says: /relève d’une autre régie/,
  },
  {
    name: 'an unknown invoice',
    args: base({ allocations: [{ invoiceId: 999, amountCents: 4900 }] }),
    code: 'VALIDATION',
    reason: 'FACTURE_INTROUVABLE',
    says: /introuvable/,
  },
  {
    name: 'a mode the régie does not accept',
    args: base({
      amountCents: 4000,
      method: { mode: 'cheque_vacances', titles: [{ count: 2, faceValueCents: 2000 }] },
    }),
    code: 'REGLE_METIER',
    reason: 'MODE_NON_ACCEPTE',
    says: /n’accepte pas le paiement par Chèques-vacances.*Modes acceptés : Espèces, Chèque/,
  },
  {
    name: 'a zero amount',
    args: base({ amountCents: 0 }),
    code: 'VALIDATION',
    reason: 'MONTANT_INVALIDE',
    says: /supérieur à zéro/,
  },
  {
    name: 'a negative amount',
    args: base({ amountCents: -4900 }),
    code: 'VALIDATION',
    reason: 'MONTANT_INVALIDE',
    says: /supérieur à zéro/,
  },
  {
    name: 'more than owed when the régie keeps no credit',
    args: base({
      regieId: IDS.spo,
      amountCents: 10000,
      method: cheque('Régie des sports de Ville de Test'),
    }),
    code: 'REGLE_METIER',
    reason: 'AVOIR_INTERDIT',
    says: /dépasse ce que la famille doit.*\(80,00.€\).*Encaissez 80,00.€ au plus/,
  },
  {
    name: 'an allocation that does not add up to the amount',
    args: base({ amountCents: 3000, allocations: [{ invoiceId: IDS.inv2, amountCents: 2000 }] }),
    code: 'REGLE_METIER',
    reason: 'REPARTITION_INCOHERENTE',
    says: /La répartition \(20,00.€\) ne fait pas le montant encaissé \(30,00.€\)/,
  },
  {
    name: 'an allocation above what remains due',
    args: base({ amountCents: 5000, allocations: [{ invoiceId: IDS.inv1, amountCents: 5000 }] }),
    code: 'REGLE_METIER',
    reason: 'AFFECTATION_SUPERIEURE',
    says: /dépasse ce qui reste dû \(49,00.€\)/,
  },
  {
    name: 'the same invoice twice',
    args: base({
      amountCents: 2000,
      allocations: [
        { invoiceId: IDS.inv2, amountCents: 1000 },
        { invoiceId: IDS.inv2, amountCents: 1000 },
      ],
    }),
    code: 'VALIDATION',
    reason: 'AFFECTATION_DOUBLE',
    says: /figure deux fois/,
  },
  {
    name: 'a cheque made out to a person',
    args: base({ method: cheque('M. Jean Régisseur') }),
    code: 'REGLE_METIER',
    reason: 'CHEQUE_ORDRE',
    says: /à l’ordre de « M\. Jean Régisseur ».*jamais d’une personne/,
  },
  {
    name: 'a cheque without its bank',
    args: base({ method: cheque('DGFiP', { bank: '   ' }) }),
    code: 'VALIDATION',
    reason: 'CHAMP_MANQUANT',
    says: /Saisissez la banque du chèque/,
  },
  {
    name: 'a card number typed as the terminal reference',
    args: base({ method: { mode: 'carte', terminalReference: '4970 1000 0000 0063' } }),
    code: 'VALIDATION',
    reason: 'NUMERO_CARTE',
    says: /numéro de carte bancaire.*ne doit jamais être enregistré/,
  },
  {
    name: 'a card number hidden in a cheque’s drawer field',
    args: base({ method: cheque('DGFiP', { drawer: 'DUPOND 4111-1111-1111-1111' }) }),
    code: 'VALIDATION',
    reason: 'NUMERO_CARTE',
    says: /numéro de carte bancaire/,
  },
  {
    name: 'less cash handed over than the amount',
    args: base({ method: { mode: 'especes', tenderedCents: 4000 } }),
    code: 'VALIDATION',
    reason: 'REMISE_INSUFFISANTE',
    says: /La somme remise \(40,00.€\) est inférieure au montant encaissé \(49,00.€\)/,
  },
  {
    name: 'titles whose total is not the amount',
    args: base({
      amountCents: 5000,
      method: { mode: 'cesu', titles: [{ count: 2, faceValueCents: 2000 }] },
    }),
    code: 'VALIDATION',
    reason: 'TITRES_MONTANT',
    says: /Le total des CESU \(40,00.€\) ne correspond pas/,
  },
];

describe('payments.record refusals', () => {
  for (const c of cases) {
    it(`refuses ${c.name}, in French, changing nothing`, async () => {
      const before = ledgerSnapshot(t.sqlite);
      const r = await t.send('payments.record', c.args, token);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(c.code);
      if (c.reason) expect(r.error.reason).toBe(c.reason);
      expect(r.error.message).toMatch(c.says);
      expect(ledgerSnapshot(t.sqlite)).toEqual(before);
      // The same refusal is announced by the preview while the agent types.
      const { commandId: _c, ...draft } = c.args;
      // Either as a violation in the preview or, for input the schema rejects, as the same error.
      const p = await t.send('payments.preview', draft, token);
      if (p.ok) {
        expect(c.reason, 'a refusal the preview lists must have a reason').toBeDefined();
        expect(p.value.violations.map((v) => v.reason)).toContain(c.reason);
      } else {
        expect(p.error.code).toBe(c.code);
        expect(p.error.message).toMatch(c.says);
      }
    });
  }

  it('never echoes or stores a card number', async () => {
    const pan = '4970100000000063';
    const r = await t.send(
      'payments.record',
      base({ method: { mode: 'carte', terminalReference: pan } }),
      token,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(JSON.stringify(r.error)).not.toContain(pan);
    for (const table of ['journal_entry', 'tech_journal_entry', 'payment', 'command']) {
      const rows = t.sqlite.prepare(`SELECT * FROM ${table}`).all();
      expect(JSON.stringify(rows)).not.toContain(pan);
    }
  });

  it('accepts a long reference that is not a card number (Luhn fails)', async () => {
    const r = await t.send(
      'payments.record',
      base({ method: { mode: 'virement', reference: 'VIR 4970100000000064' } }),
      token,
    );
    expect(r.ok).toBe(true);
  });

  it('refuses an online (PayFiP) payment typed at the counter', async () => {
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send(
      'payments.record',
      { ...base(), method: { mode: 'payfip' } } as unknown as RecordArgs,
      token,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.message).toMatch(/paiements en ligne arrivent par la synchronisation/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('refuses an already paid invoice', async () => {
    await t.call('payments.record', base(), token);
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send(
      'payments.record',
      base({ allocations: [{ invoiceId: IDS.inv1, amountCents: 4900 }] }),
      token,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe('FACTURE_DEJA_PAYEE');
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('refuses an unknown family with INTROUVABLE', async () => {
    const r = await t.send('payments.record', base({ familyId: 424242 }), token);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INTROUVABLE');
      expect(r.error.message).toMatch(/Famille introuvable/);
    }
  });

  it('refuses a command id that is not a UUID', async () => {
    const r = await t.send('payments.record', base({ commandId: 'abc' }), token);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/UUID/);
  });

  it('allows exactly 300 € of cash on one debt, and each instalment separately', async () => {
    const first = await t.send(
      'payments.record',
      base({ amountCents: 30000, allocations: [{ invoiceId: IDS.inv3, amountCents: 30000 }] }),
      token,
    );
    expect(first.ok).toBe(true);
    const second = await t.send(
      'payments.record',
      base({ amountCents: 15000, allocations: [{ invoiceId: IDS.inv3, amountCents: 15000 }] }),
      token,
    );
    expect(second.ok).toBe(true);
    expect(paidCents(t.sqlite, IDS.inv3)).toBe(45000);
  });

  it('accepts a payment on an invoice en prélèvement when the régie allows it', async () => {
    t.sqlite.prepare('UPDATE regie SET allow_direct_debit_payment = 1 WHERE id = ?').run(IDS.sco);
    const r = await t.call(
      'payments.record',
      base({
        amountCents: 2500,
        allocations: [{ invoiceId: IDS.invPrelevement, amountCents: 2500 }],
      }),
      token,
    );
    expect(r.receipt!.allocations[0]?.invoiceNumber).toBe('FAC-SCO-0005');
    expect(paidCents(t.sqlite, IDS.invPrelevement)).toBe(2500);
  });

  it('puts the declared rest on credit with an explicit allocation', async () => {
    const r = await t.call(
      'payments.record',
      base({
        amountCents: 3000,
        allocations: [{ invoiceId: IDS.inv2, amountCents: 2000 }],
        toCreditCents: 1000,
      }),
      token,
    );
    expect(r.creditCreatedCents).toBe(1000);
  });
});
