import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import {
  AGENT_NAMES,
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  paidCents,
  pdfBytes,
  type TestCore,
} from '../fixtures';
import { creditBalance, creditBalances } from '../../../src/core/payments/balances';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore();
  token = await t.login('mandataire');
});
afterEach(() => t.close());

const cash = (amountCents: number, tenderedCents?: number) => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents,
  method: { mode: 'especes' as const, ...(tenderedCents !== undefined ? { tenderedCents } : {}) },
});

describe('payments.record', () => {
  it('settles the oldest payable invoices first, gives change and numbers the receipt', async () => {
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.call('payments.record', cash(10000, 10500), token);
    expect(r.replayed).toBe(false);
    expect(r.receiptNumber).toBe('R-SCO-P01-2026-000001');
    expect(r.changeCents).toBe(500);
    expect(r.creditCreatedCents).toBe(0);
    // 49,00 € on the January invoice, the rest (51,00 €) on February; the invoice en trésorerie
    // (older) and the one en prélèvement are skipped.
    expect(r.receipt!.allocations).toEqual([
      {
        invoiceNumber: 'FAC-SCO-0001',
        invoiceLabel: 'Cantine janvier',
        allocatedCents: 4900,
        remainingCents: 0,
      },
      {
        invoiceNumber: 'FAC-SCO-0002',
        invoiceLabel: 'Cantine février',
        allocatedCents: 5100,
        remainingCents: 6900,
      },
    ]);
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(4900);
    expect(paidCents(t.sqlite, IDS.inv2)).toBe(5100);
    expect(paidCents(t.sqlite, IDS.invTresorerie)).toBe(0);
    // Due after: 69 € (Feb) + 450 € (neige) + 25 € (prélèvement) = 544 €.
    expect(r.receipt!.balanceDueCents).toBe(6900 + 45000 + 2500);
    expect(r.receipt!.balanceCreditCents).toBe(0);
    expect(r.receipt!).toMatchObject({
      kind: 'paiement',
      duplicata: false,
      posteCode: 'P01',
      agentName: AGENT_NAMES.mandataire,
      issuedAt: '2026-03-16T09:30:00.000Z',
      mode: 'especes',
      amountCents: 10000,
      tenderedCents: 10500,
      changeCents: 500,
      payer: {
        familyCode: 'F00001',
        name: 'Mme DUPOND Hélène',
        addressLines: ['12 rue des Lilas', '69100 Villetest'],
      },
      commune: { name: 'Ville de Test' },
      regie: { code: 'SCO', name: 'Régie scolaire et périscolaire' },
      cancellation: null,
    });
    const journal = t.sqlite
      .prepare("SELECT hash, payload FROM journal_entry WHERE kind = 'paiement'")
      .get() as { hash: string; payload: string };
    expect(r.receipt!.verificationCode).toBe(
      `${journal.hash.slice(0, 4).toUpperCase()}-${journal.hash.slice(4, 8).toUpperCase()}`,
    );
    expect(JSON.parse(journal.payload)).toMatchObject({
      paymentId: r.paymentId,
      amountCents: 10000,
      totals: { collectedCents: 10000, cancelledCents: 0, netCents: 10000 },
    });
    const after = ledgerSnapshot(t.sqlite);
    expect(after.payment).toBe((before.payment as number) + 1);
    expect(after.allocation).toBe((before.allocation as number) + 2);
  });

  it('numbers receipts 1, 2, 3 in a row and carries the grand totals', async () => {
    const numbers: string[] = [];
    for (const amount of [1000, 2000, 3000]) {
      numbers.push((await t.call('payments.record', cash(amount), token)).receiptNumber);
    }
    expect(numbers).toEqual([
      'R-SCO-P01-2026-000001',
      'R-SCO-P01-2026-000002',
      'R-SCO-P01-2026-000003',
    ]);
    const last = t.sqlite
      .prepare(
        "SELECT payload FROM journal_entry WHERE kind = 'paiement' ORDER BY seq DESC LIMIT 1",
      )
      .get() as { payload: string };
    expect(JSON.parse(last.payload).totals).toEqual({
      collectedCents: 6000,
      cancelledCents: 0,
      netCents: 6000,
    });
  });

  it('records a cheque with its details worded for print', async () => {
    const r = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 16900,
        method: {
          mode: 'cheque',
          bank: 'Crédit Agricole',
          number: '1234567',
          drawer: 'DUPOND Hélène',
          payee: 'TRESOR PUBLIC',
        },
      },
      token,
    );
    expect(r.receipt!.modeDetails).toEqual([
      'Banque : Crédit Agricole',
      'Chèque n° 1234567',
      'Tireur : DUPOND Hélène',
      'À l’ordre de : TRESOR PUBLIC',
    ]);
    expect(r.changeCents).toBeNull();
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(4900);
    expect(paidCents(t.sqlite, IDS.inv2)).toBe(12000);
  });

  it('accepts the régie’s own creditor label on a cheque, whatever the case and accents', async () => {
    const r = await t.send(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 4900,
        method: {
          mode: 'cheque',
          bank: 'LCL',
          number: '7654321',
          drawer: 'DUPOND',
          payee: 'regie SCOLAIRE de ville de test',
        },
      },
      token,
    );
    expect(r.ok).toBe(true);
  });

  it('records a card payment with the terminal reference only', async () => {
    const r = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 4900,
        method: { mode: 'carte', terminalReference: 'AUT 04A7F2' },
      },
      token,
    );
    expect(r.receipt!.modeDetails).toEqual([
      'Paiement sur le terminal de la régie',
      'Référence du ticket : AUT 04A7F2',
    ]);
  });

  it('records CESU titles, the amount being their total, without change', async () => {
    const r = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 5000,
        method: {
          mode: 'cesu',
          titles: [
            { count: 2, faceValueCents: 2000 },
            { count: 1, faceValueCents: 1000 },
          ],
        },
      },
      token,
    );
    // 49 € on January, 1 € on February: titles never give change.
    expect(r.changeCents).toBeNull();
    expect(r.receipt!.allocations.map((a) => a.allocatedCents)).toEqual([4900, 100]);
    expect(r.receipt!.modeDetails).toEqual([
      '2 titres de 20,00\u202f€',
      '1 titre de 10,00\u202f€',
      'Aucune monnaie rendue sur les titres',
    ]);
  });

  it('puts an overpayment by chèques-vacances on credit when allowed, refuses it when not', async () => {
    // SPO allows no credit: 100 € of titles for an 80 € invoice is refused.
    const spo = {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.spo,
      amountCents: 10000,
      method: { mode: 'cheque_vacances' as const, titles: [{ count: 5, faceValueCents: 2000 }] },
    };
    const refused = await t.send('payments.record', spo, token);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.reason).toBe('AVOIR_INTERDIT');
    const ok = await t.call(
      'payments.record',
      {
        ...spo,
        commandId: newCommandId(),
        amountCents: 8000,
        method: { mode: 'cheque_vacances', titles: [{ count: 4, faceValueCents: 2000 }] },
      },
      token,
    );
    expect(ok.receiptNumber).toBe('R-SPO-P01-2026-000001');
    expect(paidCents(t.sqlite, IDS.invSpo)).toBe(8000);
  });

  it('records a transfer with its reference', async () => {
    const r = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.martin,
        regieId: IDS.sco,
        amountCents: 6000,
        method: { mode: 'virement', reference: 'VIR MARTIN FEV' },
      },
      token,
    );
    expect(r.receipt!.modeDetails).toEqual(['Référence du virement : VIR MARTIN FEV']);
    expect(paidCents(t.sqlite, IDS.invMartin)).toBe(6000);
  });

  it('turns an overpayment into credit when the régie allows it', async () => {
    // Dupond owes 49 + 120 + 450 = 619 € payable at SCO (prélèvement excluded): 650 € by cheque.
    const r = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 65000,
        method: {
          mode: 'cheque',
          bank: 'BNP',
          number: '1000001',
          drawer: 'DUPOND',
          payee: 'DGFiP',
        },
        // Dupond also owes 30 € en trésorerie: the excess goes to credit only when asked for.
        toCreditCents: 3100,
      },
      token,
    );
    expect(r.creditCreatedCents).toBe(3100);
    expect(r.receipt!.balanceCreditCents).toBe(3100);
    expect(creditBalance(t.sqlite, IDS.dupond, IDS.sco)).toBe(3100);
    expect(creditBalances(t.sqlite, IDS.dupond)).toEqual(new Map([[IDS.sco, 3100]]));
    expect(paidCents(t.sqlite, IDS.inv3)).toBe(45000);
  });

  it('follows an explicit allocation edited by the agent, with a partial payment', async () => {
    const r = await t.call(
      'payments.record',
      {
        ...cash(3000),
        allocations: [
          { invoiceId: IDS.inv2, amountCents: 2000 },
          { invoiceId: IDS.inv3, amountCents: 1000 },
        ],
      },
      token,
    );
    expect(
      r.receipt!.allocations.map((a) => [a.invoiceNumber, a.allocatedCents, a.remainingCents]),
    ).toEqual([
      ['FAC-SCO-0002', 2000, 10000],
      ['FAC-SCO-0003', 1000, 44000],
    ]);
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(0);
  });

  it('returns a real PDF receipt when asked to print at once', async () => {
    const r = await t.call('payments.record', { ...cash(4900), printLayout: 'ticket' }, token);
    expect(r.print?.fileName).toBe('recu-R-SCO-P01-2026-000001.pdf');
    const pdf = await extractPdfText(pdfBytes(r.print?.pdfBase64));
    expect(printed(pdf, 'R-SCO-P01-2026-000001')).toBe(true);
    expect(printed(pdf, r.receipt!.verificationCode)).toBe(true);
    expect(printed(pdf, 'FAC-SCO-0001')).toBe(true);
    expect(printed(pdf, 'DUPLICATA')).toBe(false);
  });

  it('gives the preview the UI shows live, without writing anything', async () => {
    const before = ledgerSnapshot(t.sqlite);
    const p = await t.call(
      'payments.preview',
      {
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 70000,
        method: { mode: 'especes', tenderedCents: 70000 },
      },
      token,
    );
    expect(p.owedCents).toBe(61900);
    expect(
      p.allocations.map((a) => [a.invoiceNumber, a.amountCents, a.remainingAfterCents]),
    ).toEqual([
      ['FAC-SCO-0001', 4900, 0],
      ['FAC-SCO-0002', 12000, 0],
      ['FAC-SCO-0003', 45000, 0],
    ]);
    expect(p.creditCreatedCents).toBe(8100);
    expect(p.changeCents).toBe(0);
    // The 81 € excess would become credit while 30 € are owed to the Trésor; and 450 € of cash
    // on one debt is above the 300 € ceiling.
    expect(p.violations.map((v) => v.reason)).toEqual(['FACTURE_TRESORERIE', 'PLAFOND_ESPECES']);
    expect(p.violations[1]?.message).toContain('FAC-SCO-0003');
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });
});
