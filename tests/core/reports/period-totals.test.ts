// Totals and the journal of receipts over a real two-day scenario driven through the core: each
// mode on the first day, a cash payment and the cancellation of the first day's cheque on the
// second. Payments count on the day they were recorded, cancellations on the day they were
// made; the period is a pair of Paris dates whose edges are Paris midnights, DST included.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Input, PeriodTotals, TotalsLine } from '../../../src/shared/contract';
import {
  IDS,
  START,
  newCommandId,
  openTestCore,
  openTill,
  rolloverTill,
  type TestCore,
} from '../fixtures';
import { everything, pay, refusal } from './report-helpers';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

const MINUTE = 60_000;
const DAY2 = Date.parse('2026-03-17T09:00:00.000Z'); // 10:00 in Paris

/** Day 1 (16 March): one payment in each mode; day 2: cash, and the cheque cancelled. */
async function twoDays(): Promise<{ chequeId: number }> {
  const record = async (draft: Input<'payments.record'>) => {
    const r = await t.call('payments.record', draft, regisseur);
    t.clock.ms += MINUTE;
    return r.paymentId;
  };
  await record(pay.cash(4900));
  const chequeId = await record(pay.cheque(12000, '1111111'));
  await record(pay.card(3000));
  await record(pay.cesu(2500));
  await record(pay.transfer(1000));
  await record(pay.chequesVacances(3500));
  await record(pay.cash(8000, IDS.dupond, IDS.spo));
  t.clock.ms = DAY2;
  rolloverTill(t.sqlite, new Date(DAY2));
  regisseur = await t.login('regisseur');
  await record(pay.cash(1234, IDS.martin));
  await t.call(
    'payments.cancel',
    { commandId: newCommandId(), paymentId: chequeId, reason: 'Chèque sans provision' },
    regisseur,
  );
  return { chequeId };
}

const pick = (lines: TotalsLine[], key: string) => {
  const l = lines.find((x) => x.key === key);
  if (!l) throw new Error(`ligne ${key} absente`);
  return [l.paymentCount, l.collectedCents, l.cancellationCount, l.cancelledCents, l.netCents];
};

const totals = (from: string, to: string, regieId?: number): Promise<PeriodTotals> =>
  t.call('reports.totals', { period: { from, to }, regieId }, regisseur);

describe('reports.totals', () => {
  it('counts each day’s payments by mode and régie, and a later cancellation on its own day', async () => {
    await twoDays();
    const d1 = await totals('2026-03-16', '2026-03-16');
    expect(d1.perMode.map((l) => l.key)).toEqual([
      'especes',
      'cheque',
      'carte',
      'cesu',
      'cheque_vacances',
      'virement',
    ]);
    expect(pick(d1.perMode, 'especes')).toEqual([2, 12900, 0, 0, 12900]);
    expect(pick(d1.perMode, 'cheque')).toEqual([1, 12000, 0, 0, 12000]);
    expect(pick(d1.perMode, 'carte')).toEqual([1, 3000, 0, 0, 3000]);
    expect(pick(d1.perMode, 'cheque_vacances')).toEqual([1, 3500, 0, 0, 3500]);
    expect(pick(d1.perRegie, 'SCO')).toEqual([5, 23400, 0, 0, 23400]);
    expect(pick(d1.perRegie, 'SPO')).toEqual([2, 11500, 0, 0, 11500]);
    expect(pick(d1.perRegieMode, 'SPO/especes')).toEqual([1, 8000, 0, 0, 8000]);
    expect(pick(d1.perRegieMode, 'SCO/especes')).toEqual([1, 4900, 0, 0, 4900]);
    expect(pick([d1.total], 'total')).toEqual([7, 34900, 0, 0, 34900]);

    const d2 = await totals('2026-03-17', '2026-03-17');
    expect(pick(d2.perMode, 'especes')).toEqual([1, 1234, 0, 0, 1234]);
    // The cheque was collected on the 16th: on the 17th it is only a cancellation.
    expect(pick(d2.perMode, 'cheque')).toEqual([0, 0, 1, 12000, -12000]);
    expect(pick([d2.total], 'total')).toEqual([1, 1234, 1, 12000, -10766]);

    const both = await totals('2026-03-16', '2026-03-17');
    expect(pick([both.total], 'total')).toEqual([8, 36134, 1, 12000, 24134]);
    expect(pick(both.perRegie, 'SCO')).toEqual([6, 24634, 1, 12000, 12634]);
    // The two days add up to the whole period, line by line.
    for (const key of ['especes', 'cheque', 'carte', 'cesu', 'cheque_vacances', 'virement']) {
      const sum = [d1, d2]
        .map((d) => d.perMode.find((l) => l.key === key)?.netCents ?? 0)
        .reduce((a, b) => a + b, 0);
      expect(both.perMode.find((l) => l.key === key)?.netCents, key).toBe(sum);
    }

    const spo = await totals('2026-03-16', '2026-03-17', IDS.spo);
    expect(spo.perRegie.map((l) => l.key)).toEqual(['SPO']);
    expect(pick([spo.total], 'total')).toEqual([2, 11500, 0, 0, 11500]);
    expect(spo.regies.map((r) => r.code)).toEqual(['SCO', 'SPO']);
  });
});

describe('reports.receipts', () => {
  it('lists the period’s receipts in number order with invoices, agent and a later cancellation', async () => {
    const { chequeId } = await twoDays();
    const j = await t.call(
      'reports.receipts',
      { period: { from: '2026-03-16', to: '2026-03-16' } },
      regisseur,
    );
    expect(j.rows.map((r) => r.receiptNumber)).toEqual([
      'R-SCO-P01-2026-000001',
      'R-SCO-P01-2026-000002',
      'R-SCO-P01-2026-000003',
      'R-SCO-P01-2026-000004',
      'R-SCO-P01-2026-000005',
      'R-SPO-P01-2026-000001',
      'R-SPO-P01-2026-000002',
    ]);
    const cheque = j.rows.find((r) => r.paymentId === chequeId);
    expect(cheque).toMatchObject({
      mode: 'cheque',
      amountCents: 12000,
      familyCode: 'F00001',
      familyName: 'DUPOND',
      agent: 'Régine Titulaire',
      invoices: ['FAC-SCO-0002'],
      cancelled: { reason: 'Chèque sans provision', agent: 'Régine Titulaire', inPeriod: false },
    });
    // Cancelled on the 17th: shown on the row, not deducted from the 16th.
    expect(j).toMatchObject({
      paymentCount: 7,
      collectedCents: 34900,
      cancellationCount: 0,
      cancelledCents: 0,
      netCents: 34900,
      truncated: false,
      earlierCancellations: [],
    });
    expect(j.sequences).toEqual([
      {
        regieCode: 'SCO',
        posteCode: 'P01',
        year: 2026,
        first: 'R-SCO-P01-2026-000001',
        last: 'R-SCO-P01-2026-000005',
        count: 5,
        missing: 0,
      },
      {
        regieCode: 'SPO',
        posteCode: 'P01',
        year: 2026,
        first: 'R-SPO-P01-2026-000001',
        last: 'R-SPO-P01-2026-000002',
        count: 2,
        missing: 0,
      },
    ]);

    const d2 = await t.call(
      'reports.receipts',
      { period: { from: '2026-03-17', to: '2026-03-17' } },
      regisseur,
    );
    expect(d2.rows.map((r) => r.receiptNumber)).toEqual(['R-SCO-P01-2026-000006']);
    expect(d2.earlierCancellations).toMatchObject([
      { receiptNumber: 'R-SCO-P01-2026-000002', amountCents: 12000, mode: 'cheque' },
    ]);
    expect([d2.collectedCents, d2.cancelledCents, d2.netCents]).toEqual([1234, 12000, -10766]);
  });

  it('returns at most `limit` rows but the totals of the whole period', async () => {
    await twoDays();
    const j = await t.call(
      'reports.receipts',
      { period: { from: '2026-03-16', to: '2026-03-17' }, limit: 3 },
      regisseur,
    );
    expect(j.rows).toHaveLength(3);
    expect(j).toMatchObject({ truncated: true, totalRows: 8, collectedCents: 36134 });
  });
});

describe('period boundaries', () => {
  async function paymentAt(iso: string): Promise<void> {
    t.clock.ms = Date.parse(iso);
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    regisseur = await t.login('regisseur');
    await t.call('payments.record', pay.transfer(100), regisseur);
  }

  const instants = async (day: string) =>
    (await t.call('reports.receipts', { period: { from: day, to: day } }, regisseur)).rows.map(
      (r) => r.recordedAt,
    );

  it('cuts at Paris midnight, not UTC midnight', async () => {
    // 23:59:59 and 00:00:00 in Paris (UTC+1 in March before the switch).
    await paymentAt('2026-03-16T22:59:59.000Z');
    await paymentAt('2026-03-16T23:00:00.000Z');
    await paymentAt('2026-03-17T22:59:59.999Z');
    await paymentAt('2026-03-17T23:00:00.000Z');
    const day = await totals('2026-03-17', '2026-03-17');
    expect(day.total.paymentCount).toBe(2);
    const j = await t.call(
      'reports.receipts',
      { period: { from: '2026-03-17', to: '2026-03-17' } },
      regisseur,
    );
    expect(j.rows.map((r) => r.recordedAt)).toEqual([
      '2026-03-16T23:00:00.000Z',
      '2026-03-17T22:59:59.999Z',
    ]);
  });

  it('gives the spring-forward Sunday its 23 hours and the autumn one its 25', async () => {
    // 29 March 2026: Paris goes from UTC+1 to UTC+2; the day runs 23:00Z (28th) to 22:00Z.
    await paymentAt('2026-03-28T22:59:00.000Z'); // 28 March 23:59 in Paris
    await paymentAt('2026-03-28T23:00:00.000Z'); // 29 March 00:00
    await paymentAt('2026-03-29T21:59:00.000Z'); // 29 March 23:59 (summer time)
    await paymentAt('2026-03-29T22:00:00.000Z'); // 30 March 00:00
    expect(await instants('2026-03-29')).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T21:59:00.000Z',
    ]);
    expect(await instants('2026-03-28')).toEqual(['2026-03-28T22:59:00.000Z']);
    expect(await instants('2026-03-30')).toEqual(['2026-03-29T22:00:00.000Z']);
    // 25 October 2026: back to UTC+1; the day runs 22:00Z (24th) to 23:00Z.
    await paymentAt('2026-10-24T21:59:00.000Z'); // 24 October 23:59
    await paymentAt('2026-10-24T22:00:00.000Z'); // 25 October 00:00
    await paymentAt('2026-10-25T22:59:00.000Z'); // 25 October 23:59 (winter time)
    await paymentAt('2026-10-25T23:00:00.000Z'); // 26 October 00:00
    expect(await instants('2026-10-25')).toEqual([
      '2026-10-24T22:00:00.000Z',
      '2026-10-25T22:59:00.000Z',
    ]);
    expect((await totals('2026-10-24', '2026-10-26')).total.paymentCount).toBe(4);
  });
});

describe('refusals', () => {
  it('refuses a mandataire in French, for every report, and changes nothing', async () => {
    await twoDays();
    const mandataire = await t.login('mandataire');
    const before = everything(t.sqlite);
    const period = { from: '2026-03-16', to: '2026-03-17' };
    const calls = [
      t.call('reports.receipts', { period }, mandataire),
      t.call('reports.totals', { period }, mandataire),
      t.call('reports.balances', {}, mandataire),
      t.call('reports.credits', {}, mandataire),
      t.call('reports.cashSituation', {}, mandataire),
      t.call('reports.export', { report: 'recus', format: 'csv', period }, mandataire),
    ];
    for (const c of calls) {
      const e = await refusal(c);
      expect(e.error.code).toBe('PERMISSION_REFUSEE');
      expect(e.error.message).toMatch(/Votre rôle ne permet pas cette opération/);
    }
    expect(everything(t.sqlite)).toEqual(before);
  });

  it('lets the contrôleur read and export', async () => {
    await twoDays();
    const controleur = await t.login('controleur');
    const period = { from: '2026-03-16', to: '2026-03-17' };
    expect((await t.call('reports.totals', { period }, controleur)).total.netCents).toBe(24134);
    const file = await t.call(
      'reports.export',
      { report: 'totaux', format: 'csv', period },
      controleur,
    );
    expect(file.fileName).toBe(
      'totaux-par-mode-et-regie-toutes-regies-2026-03-16-au-2026-03-17.csv',
    );
  });

  it('refuses bad periods in French and changes nothing', async () => {
    await twoDays();
    const before = everything(t.sqlite);
    const cases: [{ from: string; to: string }, RegExp][] = [
      [{ from: '2026-03-17', to: '2026-03-16' }, /La date de début doit précéder la date de fin/],
      [{ from: '2026-13-01', to: '2026-13-31' }, /Date inexistante/],
      [{ from: '2026-02-01', to: '2026-02-30' }, /Date inexistante/],
      [{ from: '16/03/2026', to: '2026-03-17' }, /Date attendue au format AAAA-MM-JJ/],
      [{ from: '', to: '2026-03-17' }, /Date attendue au format AAAA-MM-JJ/],
    ];
    for (const [period, message] of cases) {
      for (const c of [
        t.call('reports.totals', { period }, regisseur),
        t.call('reports.receipts', { period }, regisseur),
        t.call('reports.export', { report: 'recus', format: 'pdf', period }, regisseur),
      ]) {
        const e = await refusal(c);
        expect(e.error.code, JSON.stringify(period)).toBe('VALIDATION');
        expect(e.error.message).toMatch(message);
      }
    }
    const noPeriod = await refusal(
      t.call('reports.export', { report: 'recus', format: 'csv' }, regisseur),
    );
    expect(noPeriod.error.message).toMatch(
      /Indiquez la période.*Journal des reçus.*Rien n’a été exporté/,
    );
    const unknownRegie = await refusal(
      t.call('reports.export', { report: 'avoirs', format: 'csv', regieId: 99 }, regisseur),
    );
    expect(unknownRegie.error).toMatchObject({
      code: 'INTROUVABLE',
      message: 'Régie introuvable. Vérifiez la référence saisie.',
    });
    const badFormat = await refusal(
      t.call(
        'reports.export',
        // @ts-expect-error: a format the contract does not know, as a broken client could send.
        { report: 'avoirs', format: 'xlsx' },
        regisseur,
      ),
    );
    expect(badFormat.error.message).toMatch(/Format attendu : pdf ou csv/);
    expect(everything(t.sqlite)).toEqual(before);
  });
});

describe('empty period', () => {
  it('answers zeros, not an error', async () => {
    t.close();
    t = await openTestCore({ till: false });
    regisseur = await t.login('regisseur');
    openTill(t.sqlite, { now: new Date(START) });
    const d = await totals('2026-01-01', '2026-01-31');
    expect(d.perMode).toEqual([]);
    expect(pick([d.total], 'total')).toEqual([0, 0, 0, 0, 0]);
  });
});
