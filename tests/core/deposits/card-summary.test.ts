// The card remittance summary (issue 4 item 7): per till session of a period, card payments net
// of cancellations against the terminal batch total entered at closing, and its PDF.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import {
  IDS,
  START,
  countOf,
  newCommandId,
  openTestCore,
  pdfBytes,
  type TestCore,
} from '../fixtures';
import { refusal } from './deposit-helpers';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  t.sqlite.prepare("INSERT INTO setting (key, value) VALUES ('idle_lock_seconds', '86400')").run();
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

const card = (amountCents: number, familyId: number) => ({
  commandId: newCommandId(),
  familyId,
  regieId: IDS.sco,
  amountCents,
  method: {
    mode: 'carte' as const,
    terminalReference: 'T-1',
  },
});

describe('card remittance summary', () => {
  it('lists each session’s card payments net of cancellations against the batch entered at closing', async () => {
    const first = await t.call('payments.record', card(6000, IDS.martin), regisseur);
    await t.call('payments.record', card(4900, IDS.dupond), regisseur);
    t.clock.ms = START + 8 * 3600_000;
    const session1 = await t.call('till.closingPreview', {}, regisseur);
    await t.call(
      'till.close',
      {
        commandId: newCommandId(),
        cashCounts: countOf(15000),
        cardBatchCents: 10800,
        reasons: { carte: 'Ticket TPE illisible' },
      },
      regisseur,
    );
    // Next day: one card payment, and a cancellation of yesterday's.
    t.clock.ms = START + 24 * 3600_000;
    regisseur = await t.login('regisseur');
    const opened = await t.call(
      'till.open',
      { commandId: newCommandId(), counts: countOf(15000) },
      regisseur,
    );
    await t.call('payments.record', card(1200, IDS.martin), regisseur);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: first.paymentId, reason: 'Double débit' },
      regisseur,
    );

    const summary = await t.call(
      'deposits.cardSummary',
      { from: '2026-03-16', to: '2026-03-17' },
      regisseur,
    );
    expect(summary.sessions).toEqual([
      {
        sessionId: session1.sessionId,
        posteCode: 'P01',
        openedAt: new Date(START).toISOString(),
        closedAt: new Date(START + 8 * 3600_000).toISOString(),
        paymentCount: 2,
        cancellationCount: 0,
        netCents: 10900,
        batchCents: 10800,
        differenceCents: -100,
      },
      {
        sessionId: opened.sessionId,
        posteCode: 'P01',
        openedAt: new Date(START + 24 * 3600_000).toISOString(),
        closedAt: null,
        paymentCount: 1,
        cancellationCount: 1,
        netCents: 1200 - 6000,
        batchCents: null,
        differenceCents: null,
      },
    ]);
    expect(summary).toMatchObject({
      regieId: null,
      regieLabel: null,
      paymentCount: 3,
      netCents: 10900 - 4800,
      batchCents: 10800,
      differenceCents: -100,
    });
    const oneDay = await t.call(
      'deposits.cardSummary',
      { from: '2026-03-17', to: '2026-03-17' },
      regisseur,
    );
    expect(oneDay.sessions.map((s) => s.sessionId)).toEqual([opened.sessionId]);
    const spo = await t.call(
      'deposits.cardSummary',
      { regieId: IDS.spo, from: '2026-03-16', to: '2026-03-17' },
      regisseur,
    );
    // SPO takes no card: the closed session still shows its batch (one terminal for all régies).
    expect(spo.sessions.map((s) => [s.paymentCount, s.netCents, s.batchCents])).toEqual([
      [0, 0, 10800],
    ]);
    expect(spo.regieLabel).toBe('SPO – Régie des sports');

    const file = await t.call(
      'deposits.cardSummaryPdf',
      { from: '2026-03-16', to: '2026-03-17' },
      regisseur,
    );
    expect(file.fileName).toBe('remises-carte-2026-03-16-au-2026-03-17.pdf');
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    for (const text of [
      'RÉCAPITULATIF DES REMISES CARTE BANCAIRE',
      'Période du 16/03/2026 au 17/03/2026',
      'Régie toutes les régies',
      `${session1.sessionId} P01 16/03/2026 à 10:30 16/03/2026 à 18:30 2 109,00 € 108,00 € -1,00 €`,
      `${opened.sessionId} P01 17/03/2026 à 10:30 ouverte 1 -48,00 € – –`,
      'Total : 3 paiement(s), net encaissé 61,00 € ; lots TPE des sessions clôturées 108,00 € ; écarts -1,00 €.',
    ]) {
      expect(printed(pdf, text), text).toBe(true);
    }
  });

  it('refuses a period that ends before it starts', async () => {
    const e = await refusal(
      t.call('deposits.cardSummary', { from: '2026-03-17', to: '2026-03-16' }, regisseur),
    );
    expect(e.error.code).toBe('VALIDATION');
    expect(e.error.message).toMatch(/le 17\/03\/2026 est après le 16\/03\/2026/);
  });
});
