// Period closures (issue 4, NF525 model), driven through the core's handlers on a real SQLite
// database with a controllable clock: totals to the cent across modes and days, months that
// close their days and equal their sum, daylight-saving days, every refusal leaving the
// database untouched, replays, the closed-period guard, and agreement with the journal.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClosureTotals } from '../../../src/shared/contract';
import { canonicalJson } from '../../../src/core/journal/canonical';
import { lastGrandTotals } from '../../../src/core/payments/ledger';
import { parsePeriod } from '../../../src/core/closures/periods';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import { CallError, IDS, newCommandId, openTill, pdfBytes } from '../fixtures';
import {
  addInvoice,
  at,
  close,
  mandataire,
  pay,
  refusal,
  regisseur,
  snapshot,
  start,
  t,
  transfer,
  twoDays,
} from './scenario';

afterEach(() => t.close());

const modeOf = (totals: ClosureTotals, mode: string) => totals.modes.find((m) => m.mode === mode);

describe('daily closures', () => {
  beforeEach(async () => {
    await start();
  });

  it('totals each day to the cent, a cancellation counting on the day it was made', async () => {
    await twoDays();
    await at('2026-03-18T07:00:00.000Z');
    const monday = await close('jour', '2026-03-16');
    expect(monday.replayed).toBe(false);
    expect(monday.alsoClosed).toEqual([]);
    const m = monday.closure.totals;
    expect(m).toMatchObject({
      regieCode: 'SCO',
      kind: 'jour',
      period: '2026-03-16',
      // Paris midnight is 23:00 UTC in winter.
      periodStart: '2026-03-15T23:00:00.000Z',
      periodEnd: '2026-03-16T23:00:00.000Z',
      paymentCount: 4,
      collectedCents: 29900,
      cancellationCount: 0,
      cancelledCents: 0,
      netCents: 29900,
      creditCreatedCents: 7000,
      creditRemovedCents: 0,
      creditUsedCents: 0,
      creditNetChangeCents: 7000,
      perpetual: { collectedCents: 29900, cancelledCents: 0, netCents: 29900 },
      parts: [],
      tillDifferences: [],
      deposits: [],
    });
    expect(m.modes.map((x) => [x.mode, x.paymentCount, x.collectedCents, x.netCents])).toEqual([
      ['especes', 1, 4900, 4900],
      ['cheque', 1, 12000, 12000],
      ['carte', 1, 3000, 3000],
      ['virement', 1, 10000, 10000],
    ]);
    expect(m.receiptRanges).toEqual([
      {
        posteCode: 'P01',
        first: 'R-SCO-P01-2026-000001',
        last: 'R-SCO-P01-2026-000004',
        count: 4,
      },
    ]);

    const tuesday = await close('jour', '2026-03-17');
    const d = tuesday.closure.totals;
    expect(d).toMatchObject({
      paymentCount: 1,
      collectedCents: 2000,
      cancellationCount: 1,
      cancelledCents: 12000,
      netCents: -10000,
      creditCreatedCents: 0,
      creditUsedCents: 2500,
      creditNetChangeCents: -2500,
      perpetual: { collectedCents: 31900, cancelledCents: 12000, netCents: 19900 },
    });
    expect(modeOf(d, 'cheque')).toEqual({
      mode: 'cheque',
      label: 'Chèque',
      paymentCount: 0,
      collectedCents: 0,
      cancellationCount: 1,
      cancelledCents: 12000,
      netCents: -12000,
    });
    expect(modeOf(d, 'especes')).toMatchObject({ paymentCount: 1, collectedCents: 2000 });
    expect(d.receiptRanges).toEqual([
      {
        posteCode: 'P01',
        first: 'R-SCO-P01-2026-000005',
        last: 'R-SCO-P01-2026-000005',
        count: 1,
      },
    ]);
    // The other régie's money never appears in SCO's closure, and SPO is still to close.
    const spo = await close('jour', '2026-03-16', { regieId: IDS.spo });
    expect(spo.closure.totals).toMatchObject({ paymentCount: 1, collectedCents: 3500 });
  });

  it('carries the perpetual grand total the journal carries for the last entry of the period', async () => {
    await twoDays();
    const journalTotals = lastGrandTotals(t.sqlite, IDS.sco);
    await at('2026-03-18T07:00:00.000Z');
    await close('jour', '2026-03-16');
    const tuesday = await close('jour', '2026-03-17');
    expect(tuesday.closure.totals.perpetual).toEqual(journalTotals);
    expect(journalTotals).toEqual({
      collectedCents: 31900,
      cancelledCents: 12000,
      netCents: 19900,
    });
  });

  it('chains each closure into the journal with the totals its row holds', async () => {
    await twoDays();
    await at('2026-03-18T07:00:00.000Z');
    const before = t.sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get() as {
      last_seq: number;
      last_hash: string;
    };
    const r = await close('jour', '2026-03-16');
    const row = t.sqlite.prepare('SELECT * FROM closure WHERE id = ?').get(r.closure.closureId) as {
      totals: string;
      journal_seq: number;
      last_covered_seq: number;
      last_covered_hash: string;
      closed_at: string;
      agent_id: number;
    };
    const entry = t.sqlite
      .prepare('SELECT kind, regie_id, instant, payload, hash FROM journal_entry WHERE seq = ?')
      .get(row.journal_seq) as {
      kind: string;
      regie_id: number;
      instant: string;
      payload: string;
      hash: string;
    };
    expect(entry.kind).toBe('cloture_jour');
    expect(entry.regie_id).toBe(IDS.sco);
    expect(entry.instant).toBe(row.closed_at);
    const payload = JSON.parse(entry.payload) as { totals: unknown; commandId: string };
    expect(canonicalJson(payload.totals)).toBe(row.totals);
    expect(row.last_covered_seq).toBe(before.last_seq);
    expect(row.last_covered_hash).toBe(before.last_hash);
    expect(row.journal_seq).toBe(before.last_seq + 1);
    expect(r.closure.journalSeq).toBe(row.journal_seq);
    expect(r.closure.verificationCode).toBe(
      `${entry.hash.slice(0, 4).toUpperCase()}-${entry.hash.slice(4, 8).toUpperCase()}`,
    );
    expect(r.closure.closedBy).toBe('Régine Titulaire');
    const verify = await t.call('journal.verify', {}, regisseur);
    expect(verify.ok).toBe(true);
  });

  it('replays a closing by its command id, and refuses the id for another period', async () => {
    await twoDays();
    await at('2026-03-18T07:00:00.000Z');
    const commandId = newCommandId();
    const first = await close('jour', '2026-03-16', { commandId });
    const after = snapshot();
    const again = await close('jour', '2026-03-16', { commandId });
    expect(again.replayed).toBe(true);
    expect(again.closure).toEqual(first.closure);
    expect(snapshot()).toEqual(after);
    const e = await refusal(close('jour', '2026-03-17', { commandId }));
    expect(e.error).toMatchObject({ code: 'CONFLIT', reason: 'COMMANDE_DIFFERENTE' });
    expect(snapshot()).toEqual(after);
  });
});

describe('refusals change nothing', () => {
  beforeEach(async () => {
    await start();
    await twoDays();
    await at('2026-03-18T07:00:00.000Z');
  });

  it.each([
    [
      'jour',
      '2026-03-18',
      'PERIODE_EN_COURS',
      /n’est pas terminée : elle pourra être clôturée à partir du 19\/03\/2026 à 00:00/,
    ],
    ['jour', '2026-03-25', 'PERIODE_FUTURE', /n’a pas commencé/],
    ['mois', '2026-03', 'PERIODE_EN_COURS', /Le mois de mars 2026 n’est pas terminé : il pourra/],
    ['annee', '2026', 'PERIODE_EN_COURS', /L’année 2026 n’est pas terminée/],
    ['jour', '2026-03-17', 'CLOTURE_ANTERIEURE', /Clôturez d’abord la journée du 16\/03\/2026/],
    ['jour', '2026-03-10', 'AVANT_ACTIVITE', /précède la première opération/],
  ] as const)('%s %s → %s', async (kind, period, reason, message) => {
    const before = snapshot();
    const e = await refusal(close(kind, period));
    expect(e.error.code).toBe('REGLE_METIER');
    expect(e.error.reason).toBe(reason);
    expect(e.error.message).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ['mois', '2026-13', /le mois doit être entre 01 et 12/],
    ['jour', '2026-03', /attendu une journée au format AAAA-MM-JJ/],
    ['jour', '2026-02-30', /cette date n’existe pas/],
    ['annee', '2026-03', /attendu une année au format AAAA/],
    ['mois', '1999-12', /année antérieure à 2000/],
    ['jour', 'mars', /AAAA-MM-JJ \(jour\), AAAA-MM \(mois\) ou AAAA \(année\)/],
  ] as const)('badly shaped %s « %s »', async (kind, period, message) => {
    const before = snapshot();
    const e = await refusal(close(kind, period));
    expect(e.error.code).toBe('VALIDATION');
    expect(e.error.message).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it('refuses a period already closed, or inside a closed month', async () => {
    await close('jour', '2026-03-16');
    const before = snapshot();
    const e = await refusal(close('jour', '2026-03-16'));
    expect(e.error).toMatchObject({ code: 'CONFLIT', reason: 'DEJA_CLOTUREE' });
    expect(e.error.message).toMatch(
      /La journée du 16\/03\/2026 est déjà clôturée \(écriture n° \d+/,
    );
    expect(snapshot()).toEqual(before);

    await at('2026-04-02T07:00:00.000Z');
    await close('mois', '2026-03');
    const closed = snapshot();
    const inside = await refusal(close('jour', '2026-03-20'));
    expect(inside.error).toMatchObject({ code: 'CONFLIT', reason: 'DEJA_CLOTUREE' });
    expect(inside.error.message).toMatch(
      /La journée du 20\/03\/2026 fait partie du mois de mars 2026, déjà clôturé \(écriture/,
    );
    expect(snapshot()).toEqual(closed);
  });

  it('refuses while a till opened before the end of the period is still open, naming it', async () => {
    // A till opened on Monday evening and never closed.
    openTill(t.sqlite, { now: new Date('2026-03-16T18:00:00.000Z') });
    const before = snapshot();
    const e = await refusal(close('jour', '2026-03-16'));
    expect(e.error.reason).toBe('CAISSE_OUVERTE');
    expect(e.error.message).toMatch(
      /La journée du 16\/03\/2026 ne peut pas être clôturée : la caisse du poste P01 est ouverte depuis le 16\/03\/2026 à 19:00.*Clôturez d’abord cette caisse/,
    );
    expect(snapshot()).toEqual(before);
    const status = await t.call('closures.status', {}, regisseur);
    const sco = status.find((s) => s.regieCode === 'SCO');
    expect(sco?.pending[0]?.blockedBy).toMatch(
      /poste P01 est ouverte depuis le 16\/03\/2026 à 19:00/,
    );
  });

  it('refuses a mandataire, a controleur and an unknown régie', async () => {
    const controleur = await t.login('controleur');
    const before = snapshot();
    const m = await refusal(close('jour', '2026-03-16', { token: mandataire }));
    expect(m.error.code).toBe('PERMISSION_REFUSEE');
    expect(m.error.message).toMatch(/Votre rôle ne permet pas cette opération/);
    const c = await refusal(close('jour', '2026-03-16', { token: controleur }));
    expect(c.error.code).toBe('PERMISSION_REFUSEE');
    const u = await refusal(close('jour', '2026-03-16', { regieId: 99 }));
    expect(u.error.code).toBe('INTROUVABLE');
    expect(snapshot()).toEqual(before);
  });

  it('refuses a régie that has recorded nothing', async () => {
    t.sqlite
      .prepare(
        `INSERT INTO regie (id, commune_id, code, name, accepted_modes, cash_ceiling_cents, float_cents, creditor_label, service_name, service_address)
         VALUES (3, 1, 'CRE', 'Régie petite enfance', '["especes"]', 100000, 10000, 'Régie petite enfance', 'Crèche', '1 rue')`,
      )
      .run();
    const before = snapshot();
    const e = await refusal(close('jour', '2026-03-16', { regieId: 3 }));
    expect(e.error.reason).toBe('AUCUNE_ACTIVITE');
    expect(e.error.message).toMatch(/La régie CRE n’a encore enregistré aucune opération/);
    expect(snapshot()).toEqual(before);
  });
});

describe('monthly and yearly closures', () => {
  beforeEach(async () => {
    await start();
  });

  it('closes the month’s open days first, in the same command, and equals their sum', async () => {
    await twoDays();
    await at('2026-03-18T07:00:00.000Z');
    const monday = await close('jour', '2026-03-16');
    await at('2026-04-01T06:00:00.000Z');
    const seqBefore = (
      t.sqlite.prepare('SELECT last_seq FROM journal_tip').get() as { last_seq: number }
    ).last_seq;
    const march = await close('mois', '2026-03');
    // Only Tuesday was still open: Monday was closed by hand.
    expect(march.alsoClosed.map((c) => [c.kind, c.period, c.closedWith])).toEqual([
      ['jour', '2026-03-17', { kind: 'mois', period: '2026-03' }],
    ]);
    const tuesday = march.alsoClosed[0]!;
    expect(tuesday.journalSeq).toBe(seqBefore + 1);
    expect(march.closure.journalSeq).toBe(seqBefore + 2);
    expect(march.closure.closedWith).toBeNull();
    const kinds = t.sqlite
      .prepare('SELECT kind FROM journal_entry WHERE seq > ? ORDER BY seq')
      .pluck()
      .all(seqBefore);
    expect(kinds).toEqual(['cloture_jour', 'cloture_mois']);

    const m = march.closure.totals;
    expect(m).toMatchObject({
      kind: 'mois',
      periodStart: '2026-02-28T23:00:00.000Z',
      // March ends in summer time: midnight is 22:00 UTC.
      periodEnd: '2026-03-31T22:00:00.000Z',
      paymentCount: 5,
      collectedCents: 31900,
      cancellationCount: 1,
      cancelledCents: 12000,
      netCents: 19900,
      creditCreatedCents: 7000,
      creditUsedCents: 2500,
      perpetual: { collectedCents: 31900, cancelledCents: 12000, netCents: 19900 },
    });
    expect(m.parts).toEqual([
      {
        period: '2026-03-16',
        paymentCount: 4,
        collectedCents: 29900,
        cancellationCount: 0,
        cancelledCents: 0,
        netCents: 29900,
        journalSeq: monday.closure.journalSeq,
      },
      {
        period: '2026-03-17',
        paymentCount: 1,
        collectedCents: 2000,
        cancellationCount: 1,
        cancelledCents: 12000,
        netCents: -10000,
        journalSeq: tuesday.journalSeq,
      },
    ]);
    // The month is the sum of its days, figure by figure.
    const days = [monday.closure.totals, tuesday.totals];
    for (const key of [
      'paymentCount',
      'collectedCents',
      'cancellationCount',
      'cancelledCents',
      'netCents',
      'creditCreatedCents',
      'creditUsedCents',
    ] as const) {
      expect(m[key]).toBe(days.reduce((s, d) => s + d[key], 0));
    }
    expect(m.receiptRanges).toEqual([
      {
        posteCode: 'P01',
        first: 'R-SCO-P01-2026-000001',
        last: 'R-SCO-P01-2026-000005',
        count: 5,
      },
    ]);
    const list = await t.call('closures.list', { regieId: IDS.sco }, regisseur);
    expect(list.map((c) => `${c.kind} ${c.period}`)).toEqual([
      'mois 2026-03',
      'jour 2026-03-17',
      'jour 2026-03-16',
    ]);
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('closes a year with its months since the first operation and their days, then lists nothing pending', async () => {
    await twoDays();
    // A transfer in December, on the last evening of the year (Paris), and one on New Year's Day.
    await at('2026-12-31T21:30:00.000Z');
    await pay(IDS.martin, 1500, transfer('VIR-1231'));
    await at('2026-12-31T23:30:00.000Z');
    await pay(IDS.martin, 700, transfer('VIR-0101'));
    await at('2027-01-05T08:00:00.000Z');
    const status = await t.call('closures.status', {}, regisseur);
    const sco = status.find((s) => s.regieCode === 'SCO')!;
    expect(
      sco.pending.map((p) => `${p.kind} ${p.period}${p.hasActivity ? '' : ' (vide)'}`),
    ).toEqual([
      'jour 2026-03-16',
      'jour 2026-03-17',
      'mois 2026-03',
      'mois 2026-04 (vide)',
      'mois 2026-05 (vide)',
      'mois 2026-06 (vide)',
      'mois 2026-07 (vide)',
      'mois 2026-08 (vide)',
      'mois 2026-09 (vide)',
      'mois 2026-10 (vide)',
      'mois 2026-11 (vide)',
      'jour 2026-12-31',
      'mois 2026-12',
      'annee 2026',
      'jour 2027-01-01',
    ]);
    const year = sco.pending.find((p) => p.kind === 'annee')!;
    expect(year.alsoCloses).toHaveLength(13);
    expect(year.blockedBy).toBeNull();
    expect(sco.pending.find((p) => p.period === '2026-04')?.blockedBy).toMatch(
      /Clôturez d’abord le mois de mars 2026/,
    );
    const r = await close('annee', '2026');
    expect(r.alsoClosed.map((c) => `${c.kind} ${c.period}`)).toEqual(
      year.alsoCloses.map((p) => `${p.kind} ${p.period}`),
    );
    expect(r.closure.totals).toMatchObject({
      paymentCount: 6,
      collectedCents: 33400,
      netCents: 21400,
      perpetual: { collectedCents: 33400, cancelledCents: 12000, netCents: 21400 },
    });
    expect(r.closure.totals.parts.map((p) => [p.period, p.netCents])).toEqual([
      ['2026-03', 19900],
      ['2026-04', 0],
      ['2026-05', 0],
      ['2026-06', 0],
      ['2026-07', 0],
      ['2026-08', 0],
      ['2026-09', 0],
      ['2026-10', 0],
      ['2026-11', 0],
      ['2026-12', 1500],
    ]);
    const file = await t.call('closures.report', { closureId: r.closure.closureId }, regisseur);
    expect(file.fileName).toBe('cloture-annee-SCO-2026.pdf');
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    for (const needle of [
      'CLÔTURE ANNUELLE – 2026',
      'Période du 01/01/2026 au 31/12/2026 inclus (heure de Paris)',
      'Recettes par mois (clôtures mensuelles)',
      `mars 2026 5 319,00 € 120,00 € 199,00 € n° ${r.alsoClosed.find((c) => c.period === '2026-03')!.journalSeq}`,
      'Arrêté le présent état à la somme de deux cent quatorze euros (214,00 €)',
    ]) {
      expect(printed(pdf, needle), needle).toBe(true);
    }
    const after = (await t.call('closures.status', {}, regisseur)).find(
      (s) => s.regieCode === 'SCO',
    )!;
    expect(after.pending.map((p) => `${p.kind} ${p.period}`)).toEqual(['jour 2027-01-01']);
    expect(after.lastClosed).toEqual({ jour: '2026-12-31', mois: '2026-12', annee: '2026' });
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });
});

describe('daylight saving time', () => {
  beforeEach(async () => {
    await start({ till: false, startMs: Date.parse('2026-03-28T08:00:00.000Z') });
  });

  it('gives the last Sunday of March 23 hours and the last Sunday of October 25', () => {
    expect(parsePeriod('jour', '2026-03-29')).toMatchObject({
      start: '2026-03-28T23:00:00.000Z',
      end: '2026-03-29T22:00:00.000Z',
    });
    expect(parsePeriod('jour', '2026-10-25')).toMatchObject({
      start: '2026-10-24T22:00:00.000Z',
      end: '2026-10-25T23:00:00.000Z',
    });
  });

  it('attributes entries around both changes of time to their Paris day', async () => {
    const payAt = async (iso: string, amount: number) => {
      await at(iso);
      await pay(IDS.martin, amount, transfer(`VIR-${amount}`));
    };
    await payAt('2026-03-28T22:30:00.000Z', 101); // Saturday 28, 23:30 (winter time)
    await payAt('2026-03-28T23:30:00.000Z', 202); // Sunday 29, 00:30
    await payAt('2026-03-29T21:30:00.000Z', 303); // Sunday 29, 23:30 (summer time)
    await payAt('2026-03-29T22:30:00.000Z', 404); // Monday 30, 00:30
    await at('2026-03-31T08:00:00.000Z');
    await close('jour', '2026-03-28');
    const sunday = await close('jour', '2026-03-29');
    expect(sunday.closure.totals).toMatchObject({ paymentCount: 2, collectedCents: 505 });
    const monday = await close('jour', '2026-03-30');
    expect(monday.closure.totals).toMatchObject({ paymentCount: 1, collectedCents: 404 });

    await payAt('2026-10-24T21:30:00.000Z', 111); // Saturday 24, 23:30 (summer time)
    await payAt('2026-10-24T22:30:00.000Z', 222); // Sunday 25, 00:30
    await payAt('2026-10-25T22:30:00.000Z', 333); // Sunday 25, 23:30 (winter time)
    await payAt('2026-10-25T23:30:00.000Z', 444); // Monday 26, 00:30
    await at('2026-11-02T08:00:00.000Z');
    // Months are closed in order: April to September first, at zero.
    const october = await close('mois', '2026-10').catch((e: unknown) => e);
    expect(october).toBeInstanceOf(CallError);
    for (const m of ['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']) {
      await close('mois', m);
    }
    const oct = await close('mois', '2026-10');
    const days = oct.alsoClosed.map((c) => [
      c.period,
      c.totals.paymentCount,
      c.totals.collectedCents,
    ]);
    expect(days).toEqual([
      ['2026-10-24', 1, 111],
      ['2026-10-25', 2, 555],
      ['2026-10-26', 1, 444],
    ]);
    expect(oct.closure.totals.collectedCents).toBe(1110);
  });
});

describe('closed periods stay closed', () => {
  beforeEach(async () => {
    await start({ till: false, startMs: Date.parse('2026-03-16T09:30:00.000Z') });
  });

  it('refuses a payment, a cancellation or a credit use dated inside a closed day (clock set back)', async () => {
    const p = await pay(IDS.martin, 10000, transfer('VIR-A'));
    await at('2026-03-17T10:00:00.000Z');
    await close('jour', '2026-03-16');
    // The poste's clock goes back to Monday afternoon.
    await at('2026-03-16T15:00:00.000Z');
    const before = snapshot();
    const e = await refusal(pay(IDS.martin, 500, transfer('VIR-B')));
    expect(e.error).toMatchObject({ code: 'REGLE_METIER', reason: 'PERIODE_CLOTUREE' });
    expect(e.error.message).toMatch(
      /daté du 16\/03\/2026 à 16:00, dans une période déjà clôturée \(la journée du 16\/03\/2026\) : l’horloge de ce poste est-elle en retard/,
    );
    const c = await refusal(
      t.call(
        'payments.cancel',
        { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de saisie' },
        regisseur,
      ),
    );
    expect(c.error.reason).toBe('PERIODE_CLOTUREE');
    expect(c.error.message).toMatch(/^Cette annulation serait datée? du 16\/03\/2026/);
    expect(snapshot()).toEqual(before);
    addInvoice(71, IDS.martin, 1000, '2026-04-10');
    const before2 = snapshot();
    // Credit uses have no hook on the payment path: the database trigger alone refuses them.
    const u = await refusal(
      t.call(
        'credits.apply',
        { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
        mandataire,
      ),
    );
    expect(u.error.code).toBe('INTERNE');
    expect(snapshot()).toEqual(before2);
    expect(before.closures).toEqual(before2.closures);
    // The trigger itself, under the core: a payment row dated inside the closed day.
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO payment (id, command_id, regie_id, family_id, agent_id, poste_code, mode, amount_cents, details, receipt_year, receipt_seq, receipt_number, recorded_at, journal_seq)
           SELECT 999, command_id, regie_id, family_id, agent_id, poste_code, mode, 1, details, 2026, 999, 'R-X', '2026-03-16T20:00:00.000Z', 99999 FROM payment WHERE id = ?`,
        )
        .run(p.paymentId),
    ).toThrow(/Période déjà clôturée pour cette régie/);
    // With the clock right again, the register takes payments as before.
    await at('2026-03-17T11:00:00.000Z');
    expect((await pay(IDS.martin, 500, transfer('VIR-C'))).receiptNumber).toBe(
      'R-SCO-P01-2026-000002',
    );
  });

  it('refuses a slip validation, a cash deposit or a till difference dated inside a closed day', async () => {
    await pay(IDS.martin, 10000, transfer('VIR-A'));
    await at('2026-03-17T10:00:00.000Z');
    await close('jour', '2026-03-16');
    const inClosedDay = '2026-03-16T20:00:00.000Z';
    const agent = (
      t.sqlite.prepare('SELECT id FROM agent ORDER BY id LIMIT 1').get() as { id: number }
    ).id;
    const command = t.sqlite.prepare(
      "INSERT INTO command (command_id, handler, request_hash, agent_id, created_at) VALUES (?, 'test', 'x', ?, ?)",
    );
    command.run('slip-create', agent, inClosedDay);
    command.run('slip-validate', agent, inClosedDay);
    t.sqlite
      .prepare(
        `INSERT INTO deposit_slip (id, command_id, regie_id, kind, selection, created_at, created_by, updated_at)
         VALUES (1, 'slip-create', ?, 'cheque', '[]', ?, ?, ?)`,
      )
      .run(IDS.sco, inClosedDay, agent, inClosedDay);
    expect(() =>
      t.sqlite
        .prepare(
          `UPDATE deposit_slip SET status = 'validated', validate_command_id = 'slip-validate', year = 2026,
             seq = 1, number = 'B-SCO-2026-0001', validated_at = ?, validated_by = ?, item_count = 1,
             total_cents = 100, journal_seq = 1 WHERE id = 1`,
        )
        .run(inClosedDay, agent),
    ).toThrow(/Aucun bordereau ne peut être validé à une date clôturée/);
    // The closed-period triggers are the newest on their tables, so SQLite runs them first:
    // these rows are refused for their date before any other check looks at them.
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO cash_deposit (command_id, regie_id, session_id, movement_id, year, seq, number,
             notes_counts, coins_counts, notes_cents, coins_cents, total_cents, notes_bag, deposited_at,
             agent_id, journal_seq)
           VALUES ('slip-validate', ?, 1, 1, 2026, 1, 'E-SCO-2026-0001', '{}', '{}', 100, 0, 100, 'SAC-1', ?, ?, 1)`,
        )
        .run(IDS.sco, inClosedDay, agent),
    ).toThrow(/Aucun dépôt ne peut être daté dans une période clôturée/);
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO till_difference (session_id, mode, expected_cents, counted_cents, difference_cents,
             reason, agent_id, at, journal_seq)
           VALUES (1, 'especes', 1000, 800, -200, 'Erreur de rendu', ?, ?, 1)`,
        )
        .run(agent, inClosedDay),
    ).toThrow(/Aucun écart de caisse ne peut être daté dans une période clôturée/);
  });

  it('cannot update or delete a closure', async () => {
    await pay(IDS.martin, 10000, transfer('VIR-A'));
    await at('2026-03-17T10:00:00.000Z');
    await close('jour', '2026-03-16');
    expect(() => t.sqlite.prepare("UPDATE closure SET totals = '{}'").run()).toThrow(/inaltérable/);
    expect(() => t.sqlite.prepare('DELETE FROM closure').run()).toThrow(/inaltérable/);
  });
});

describe('a clock set back before any closure', () => {
  beforeEach(async () => {
    await start({ till: false, startMs: Date.parse('2026-03-17T09:00:00.000Z') });
  });

  it('attributes each entry to the day of its own instant, whatever the journal order', async () => {
    // Tuesday morning first, then the clock goes back to Monday evening: the journal holds
    // Tuesday's payment before Monday's.
    await pay(IDS.martin, 1111, transfer('VIR-MAR'));
    await at('2026-03-16T21:00:00.000Z');
    await pay(IDS.martin, 2222, transfer('VIR-LUN'));
    await at('2026-03-18T08:00:00.000Z');
    const monday = await close('jour', '2026-03-16');
    expect(monday.closure.totals).toMatchObject({
      paymentCount: 1,
      collectedCents: 2222,
      perpetual: { collectedCents: 2222, cancelledCents: 0, netCents: 2222 },
    });
    const tuesday = await close('jour', '2026-03-17');
    expect(tuesday.closure.totals).toMatchObject({
      paymentCount: 1,
      collectedCents: 1111,
      perpetual: { collectedCents: 3333, cancelledCents: 0, netCents: 3333 },
    });
  });
});

describe('journal.verify and closures', () => {
  beforeEach(async () => {
    await start({ till: false, startMs: Date.parse('2026-03-16T09:30:00.000Z') });
    await pay(IDS.martin, 10000, transfer('VIR-A'));
    await at('2026-03-17T10:00:00.000Z');
    await close('jour', '2026-03-16');
  });

  it('reports a closure row edited behind the triggers', async () => {
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
    t.sqlite.exec('DROP TRIGGER closure_no_update');
    const row = t.sqlite.prepare('SELECT totals FROM closure').get() as { totals: string };
    t.sqlite
      .prepare('UPDATE closure SET totals = ?')
      .run(row.totals.replace('"collectedCents":10000', '"collectedCents":9000'));
    const report = await t.call('journal.verify', {}, regisseur);
    expect(report.ledger.ok).toBe(false);
    expect(report.ledger.firstError?.message).toMatch(
      /Clôture jour 2026-03-16 : la ligne de clôture ne correspond plus à son écriture au journal n° \d+ \(totaux\)/,
    );
  });

  it('reports a closure entry whose row was deleted', async () => {
    t.sqlite.exec('DROP TRIGGER closure_no_delete');
    t.sqlite.prepare('DELETE FROM closure').run();
    const report = await t.call('journal.verify', {}, regisseur);
    expect(report.ledger.firstError?.message).toMatch(
      /la clôture journalisée est absente de la table des clôtures/,
    );
  });
});

describe('credits in the totals', () => {
  beforeEach(async () => {
    await start({ till: false, startMs: Date.parse('2026-03-16T09:30:00.000Z') });
  });

  it('counts credit created, used, given back and taken back on the day each happened', async () => {
    // Monday: Martin's 100,00 € transfer settles his 60,00 € and leaves 40,00 € of credit, of
    // which 25,00 € settles a new invoice.
    const p = await pay(IDS.martin, 10000, transfer('VIR-A'));
    addInvoice(72, IDS.martin, 2500, '2026-04-10');
    const use = await t.call(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      mandataire,
    );
    // Tuesday: the credit use is cancelled, then the transfer itself.
    await at('2026-03-17T09:00:00.000Z');
    await t.call(
      'credits.cancel',
      { commandId: newCommandId(), creditUseId: use.creditUseId, reason: 'Facture contestée' },
      regisseur,
    );
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Virement rejeté' },
      regisseur,
    );
    await at('2026-04-01T08:00:00.000Z');
    const march = await close('mois', '2026-03');
    const [monday, tuesday] = march.alsoClosed.map((c) => c.totals);
    expect(monday).toMatchObject({
      creditCreatedCents: 4000,
      creditRemovedCents: 0,
      creditUsedCents: 2500,
      creditNetChangeCents: 1500,
    });
    expect(tuesday).toMatchObject({
      paymentCount: 0,
      cancellationCount: 1,
      cancelledCents: 10000,
      netCents: -10000,
      creditCreatedCents: 0,
      creditRemovedCents: 4000,
      creditUsedCents: -2500,
      creditNetChangeCents: -1500,
    });
    expect(march.closure.totals).toMatchObject({
      creditCreatedCents: 4000,
      creditRemovedCents: 4000,
      creditUsedCents: 0,
      creditNetChangeCents: 0,
      netCents: 0,
      perpetual: { collectedCents: 10000, cancelledCents: 10000, netCents: 0 },
    });
    const days = await t.call('closures.list', { regieId: IDS.sco, kind: 'jour' }, regisseur);
    expect(days.map((c) => c.period)).toEqual(['2026-03-17', '2026-03-16']);
  });
});
