// The situation de caisse on a two-day scenario: payments in cash, cheques, card and CESU in
// two régies, a cash cancellation, an apport, a versement with its sealed-bag deposit, a
// closing with a 2 € shortfall, a validated cheque slip one of whose cheques is cancelled
// afterwards, a draft slip and a plain versement. Every line must reconcile (book +
// adjustments = deposited + to hold), each figure is checked to the cent, and the balances and
// credits of the same day are checked too.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CashSituation, Input } from '../../../src/shared/contract';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import {
  IDS,
  START,
  countOf,
  newCommandId,
  openTestCore,
  openTill,
  pdfBytes,
  type TestCore,
} from '../fixtures';
import {
  insertCashDeposit,
  insertDraftSlip,
  insertValidatedSlip,
  parseCsv,
  pay,
} from './report-helpers';

let t: TestCore;
let regisseur: string;
let situation: CashSituation;

const DAY2 = Date.parse('2026-03-17T09:00:00.000Z');

async function scenario(): Promise<void> {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
  const record = async (draft: Input<'payments.record'>) => {
    t.clock.ms += 60_000;
    return (await t.call('payments.record', draft, regisseur)).paymentId;
  };
  const cancel = (paymentId: number, reason: string) =>
    t.call('payments.cancel', { commandId: newCommandId(), paymentId, reason }, regisseur);
  const movement = async (
    regieId: number,
    kind: 'apport' | 'versement',
    amountCents: number,
    reason: string,
  ) =>
    (
      await t.call(
        'till.movement',
        { commandId: newCommandId(), regieId, kind, amountCents, reason },
        regisseur,
      )
    ).movementId;

  // Day 1, 16 March.
  const p1 = await record(pay.cash(4900));
  await record(pay.cash(8000, IDS.dupond, IDS.spo));
  const p3 = await record(pay.cheque(12000, '1111111'));
  const p4 = await record(pay.cheque(6000, '2222222', IDS.martin));
  const p5 = await record(pay.cheque(3500, '3333333', IDS.bernard, IDS.spo));
  await record(pay.card(3000)); // Martin owes nothing more: it goes to his credit.
  await record(pay.cesu(2500));
  await cancel(p1, 'Erreur de famille');
  await movement(IDS.sco, 'apport', 2000, 'Monnaie de la banque');
  const v = await movement(IDS.spo, 'versement', 8000, 'Dépôt à La Banque Postale');
  insertCashDeposit(t.sqlite, v, 'E-SPO-2026-0001', new Date(t.clock.ms).toISOString());
  const preview = await t.call('till.closingPreview', {}, regisseur);
  const cash = preview.modes.find((m) => m.mode === 'especes')?.expectedCents ?? 0;
  expect(cash).toBe(17000);
  await t.call(
    'till.close',
    {
      commandId: newCommandId(),
      cashCounts: countOf(cash - 200),
      chequesPresent: preview.cheques.map((c) => c.paymentId),
      cardBatchCents: 3000,
      cesuCents: 2500,
      reasons: { especes: 'Erreur de rendu de monnaie' },
    },
    regisseur,
  );

  // Day 2, 17 March.
  t.clock.ms = DAY2;
  openTill(t.sqlite, { now: new Date(DAY2) });
  regisseur = await t.login('regisseur');
  const at = new Date(DAY2).toISOString();
  insertValidatedSlip(t.sqlite, IDS.sco, 'cheque', [p3, p4], at, 'B-SCO-2026-0001');
  t.clock.ms += 60_000;
  await cancel(p4, 'Chèque refusé par la banque');
  insertDraftSlip(t.sqlite, IDS.spo, 'cheque', [p5], at);
  await movement(IDS.sco, 'versement', 1000, 'Versement au comptable');
  await record(pay.cash(1000));
  situation = await t.call('reports.cashSituation', {}, regisseur);
}

beforeAll(scenario);
afterEach(() => undefined);

const figures = (regieCode: string, mode: string) => {
  const l = situation.lines.find((x) => x.regieCode === regieCode && x.mode === mode);
  if (!l) throw new Error(`${regieCode}/${mode} absent`);
  return {
    book: l.bookCents,
    deposited: l.depositedCents,
    adjustments: l.adjustmentsCents,
    toHold: l.toHoldCents,
    onDraft: l.onDraftSlipCents,
    count: l.toHoldCount,
  };
};

describe('reports.cashSituation', () => {
  it('reconciles every line: book + adjustments = deposited + to hold', () => {
    expect(situation.lines.length).toBe(6);
    for (const l of situation.lines) {
      expect(l.bookCents + l.adjustmentsCents, `${l.regieCode} ${l.mode}`).toBe(
        l.depositedCents + l.toHoldCents,
      );
      expect(l.onDraftSlipCents).toBeLessThanOrEqual(l.toHoldCents);
    }
  });

  it('gives each régie and mode its figures to the cent', () => {
    expect(situation.lines.map((l) => `${l.regieCode}/${l.mode}`)).toEqual([
      'SCO/especes',
      'SCO/cheque',
      'SCO/carte',
      'SCO/cesu',
      'SPO/especes',
      'SPO/cheque',
    ]);
    // 49 collected and cancelled, 10 collected; apport 20, versement 10.
    expect(figures('SCO', 'especes')).toMatchObject({
      book: 1000,
      deposited: 1000,
      adjustments: 2000,
      toHold: 2000,
    });
    // 120 + 60 on a validated slip, the 60 cancelled afterwards.
    expect(figures('SCO', 'cheque')).toEqual({
      book: 12000,
      deposited: 18000,
      adjustments: 6000,
      toHold: 0,
      onDraft: 0,
      count: 0,
    });
    expect(figures('SCO', 'carte')).toMatchObject({ book: 3000, deposited: 3000, toHold: 0 });
    expect(figures('SCO', 'cesu')).toEqual({
      book: 2500,
      deposited: 0,
      adjustments: 0,
      toHold: 2500,
      onDraft: 0,
      count: 1,
    });
    expect(figures('SPO', 'especes')).toMatchObject({ book: 8000, deposited: 8000, toHold: 0 });
    expect(
      situation.lines.find((l) => l.regieCode === 'SPO' && l.mode === 'especes')?.cashDepositsCents,
    ).toBe(8000);
    expect(figures('SPO', 'cheque')).toEqual({
      book: 3500,
      deposited: 0,
      adjustments: 0,
      toHold: 3500,
      onDraft: 3500,
      count: 1,
    });
  });

  it('shows the float, the counting difference and the open till apart', () => {
    expect(situation.floatCents).toBe(15000);
    expect(situation.differencesCents).toBe(-200);
    expect(situation.differences).toEqual([
      { mode: 'especes', label: 'Espèces', count: 1, totalCents: -200 },
    ]);
    expect(situation.cashToPresentCents).toBe(2000 + 15000);
    expect(situation.openSessions).toMatchObject([
      {
        posteCode: 'P01',
        openedBy: 'Régine Titulaire',
        expectedCashCents: 15000,
        overnight: false,
      },
    ]);
  });

  it('agrees with the cash held shown on the home screen', async () => {
    const status = await t.call('till.status', {}, regisseur);
    for (const p of status.cash) {
      const line = situation.lines.find((l) => l.regieId === p.regieId && l.mode === 'especes');
      expect(line?.toHoldCents ?? 0, p.regieCode).toBe(p.cashHeldCents);
    }
  });

  it('says in French what the auditor should look at', () => {
    const text = situation.remarks.join('\n');
    expect(text).toMatch(
      /Bordereau de remise de chèques de SPO en préparation, non validé : 1 chèque\(s\) pour 35,00/,
    );
    expect(text).toMatch(/SCO – Chèque : 60,00.€ remis au comptable puis annulés/);
    expect(text).toMatch(/La caisse du poste P01 est ouverte depuis le 17\/03\/2026 à 10:00/);
    expect(text).not.toMatch(/ne concorde pas/);
  });

  it('filters one régie and says the float is the whole till’s', async () => {
    const spo = await t.call('reports.cashSituation', { regieId: IDS.spo }, regisseur);
    expect(spo.lines.map((l) => l.regieCode)).toEqual(['SPO', 'SPO']);
    expect(spo.remarks.join(' ')).toMatch(/concernent la caisse entière/);
  });

  it('exports as a PDF that prints the figures and as a CSV that reads back', async () => {
    const pdf = await t.call('reports.export', { report: 'situation', format: 'pdf' }, regisseur);
    expect(pdf.fileName).toBe('situation-de-caisse-toutes-regies-2026-03-17-10h02.pdf');
    const text = await extractPdfText(pdfBytes(pdf.base64));
    expect(text.pages[0]?.width).toBeGreaterThan(text.pages[0]?.height ?? 0);
    for (const needle of [
      'SITUATION DE CAISSE',
      'VILLE DE TEST',
      'Total des espèces 170,00 €',
      'Fonds de caisse 150,00 €',
      'Espèces -2,00 € (1 écart)',
      '120,00 € 180,00 € 60,00 € 0,00 €',
      'Bordereau de remise de chèques de SPO en préparation',
      'solde comptable + régularisations = versé ou remis + à détenir',
      'page 1 / 1',
    ]) {
      expect(printed(text, needle), needle).toBe(true);
    }
    const csv = await t.call('reports.export', { report: 'situation', format: 'csv' }, regisseur);
    const rows = parseCsv(Buffer.from(csv.base64, 'base64').toString('utf8').slice(1));
    expect(rows[0]?.slice(0, 4)).toEqual(['Régie', 'Mode', 'Circuit', 'Solde comptable']);
    expect(rows.find((r) => r[0] === 'SCO' && r[1] === 'Chèque')).toEqual([
      'SCO',
      'Chèque',
      'Bordereau de remise',
      '120,00',
      '180,00',
      '',
      '60,00',
      '0,00',
      '0',
      '0,00',
    ]);
    expect(rows.find((r) => r[1] === 'Fonds de caisse')?.[7]).toBe('150,00');
    expect(rows.find((r) => r[1] === 'Écarts de comptage – Espèces')?.[7]).toBe('-2,00');
  });
});

describe('reports.balances and reports.credits on the same day', () => {
  it('lists what each family still owes and holds, by family name', async () => {
    const b = await t.call('reports.balances', {}, regisseur);
    expect(b.rows).toEqual([
      // inv1 due again after the cancellation, less today's 10 €; inv3 less the CESU; the
      // direct debit invoice still due. The invoice en trésorerie is owed to the Trésor.
      {
        familyCode: 'F00001',
        familyName: 'DUPOND',
        regieCode: 'SCO',
        dueCents: 3900 + 42500 + 2500,
        creditCents: 0,
        balanceCents: 48900,
      },
      {
        familyCode: 'F00002',
        familyName: 'MARTIN',
        regieCode: 'SCO',
        dueCents: 6000,
        creditCents: 3000,
        balanceCents: 3000,
      },
    ]);
    expect([b.dueCents, b.creditCents, b.balanceCents, b.totalRows]).toEqual([
      54900, 3000, 51900, 2,
    ]);
    // An accented name sorts with its letter (byte order would put "É" after "Z").
    const emery = Number(
      t.sqlite.prepare("INSERT INTO family (code, family_name) VALUES ('F00009', 'Émery')").run()
        .lastInsertRowid,
    );
    t.sqlite
      .prepare('INSERT INTO family_account (family_id, regie_id) VALUES (?, ?)')
      .run(emery, IDS.sco);
    const all = await t.call('reports.balances', { nonZeroOnly: false }, regisseur);
    expect(all.rows.map((r) => `${r.familyName}/${r.regieCode}`)).toEqual([
      'BERNARD/SPO',
      'DUPOND/SCO',
      'DUPOND/SPO',
      'Émery/SCO',
      'MARTIN/SCO',
    ]);
    const spo = await t.call(
      'reports.balances',
      { regieId: IDS.spo, nonZeroOnly: false, limit: 1 },
      regisseur,
    );
    expect(spo).toMatchObject({ truncated: true, totalRows: 2, dueCents: 0 });
  });

  it('lists the credits held with the date of their last movement', async () => {
    const c = await t.call('reports.credits', {}, regisseur);
    expect(c.rows).toEqual([
      {
        familyCode: 'F00002',
        familyName: 'MARTIN',
        regieCode: 'SCO',
        creditCents: 3000,
        since: new Date(START + 6 * 60_000).toISOString(),
      },
    ]);
    expect(c.totalCents).toBe(3000);
    expect((await t.call('reports.credits', { regieId: IDS.spo }, regisseur)).rows).toEqual([]);
  });
});
