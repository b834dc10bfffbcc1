// Deposit slips (bordereaux de remise, issue 4 item 6) driven through the core's handlers on a
// real SQLite database: candidates, the one draft per régie and kind, validation with its
// gapless number, the frozen slip, adjustments after a cancellation, the closing figures of a
// cheque deposited then cancelled, and the PDFs read back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionFigures } from '../../../src/core/till/figures';
import { openSessionRow } from '../../../src/core/till/session';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import {
  IDS,
  countOf,
  newCommandId,
  openTestCore,
  pdfBytes,
  rolloverTill,
  type TestCore,
} from '../fixtures';
import {
  cashDraft,
  cesuDraft,
  chequeDraft,
  depositSnapshot,
  journalPayloads,
  record,
  refusal,
  vacancesDraft,
} from './deposit-helpers';

let t: TestCore;
let regisseur: string;
let suppleant: string;
let mandataire: string;

const HOUR = 3600_000;
const DAY = 24 * HOUR;

beforeEach(async () => {
  t = await openTestCore();
  t.sqlite
    .prepare('UPDATE regie SET dft_account = ? WHERE id = ?')
    .run('FR76 1007 1690 0000 0020 0101 234', IDS.sco);
  // The clock jumps by hours and days here; the idle lock is not what these tests are about.
  t.sqlite.prepare("INSERT INTO setting (key, value) VALUES ('idle_lock_seconds', '86400')").run();
  regisseur = await t.login('regisseur');
  suppleant = await t.login('suppleant');
  mandataire = await t.login('mandataire');
});
afterEach(() => t.close());

/** Closes the day's till (every cheque present) and opens the next morning's. */
async function nextDay(): Promise<void> {
  t.clock.ms += DAY;
  rolloverTill(t.sqlite, new Date(t.clock.ms), { closeAt: new Date(t.clock.ms - 14 * HOUR) });
  regisseur = await t.login('regisseur');
  suppleant = await t.login('suppleant');
  mandataire = await t.login('mandataire');
}

const draft = (args: {
  regieId?: number;
  kind?: 'cheque' | 'cesu' | 'cheque_vacances';
  paymentIds?: number[];
  upToDate?: string;
}) => ({
  commandId: newCommandId(),
  regieId: args.regieId ?? IDS.sco,
  kind: args.kind ?? ('cheque' as const),
  ...(args.paymentIds ? { paymentIds: args.paymentIds } : {}),
  ...(args.upToDate ? { upToDate: args.upToDate } : {}),
});

describe('candidates and drafts', () => {
  it('lists undeposited cheques with their details, flags those of an open session', async () => {
    const [a, b] = await record(t, mandataire, [
      chequeDraft(12000, '1000001', { bank: 'Banque Populaire', drawer: 'Hélène Dupond' }),
      chequeDraft(5000, '1000002'),
    ]);
    await record(t, mandataire, [
      chequeDraft(3500, '2000001', { regieId: IDS.spo }),
      cashDraft(1000),
    ]);
    await nextDay(); // 17 March
    const [c] = await record(t, mandataire, [chequeDraft(2500, '1000003')]);
    const list = await t.call(
      'deposits.candidates',
      { regieId: IDS.sco, kind: 'cheque' },
      mandataire,
    );
    expect(list.map((l) => [l.paymentId, l.sessionClosed])).toEqual([
      [a!.paymentId, true],
      [b!.paymentId, true],
      [c!.paymentId, false],
    ]);
    expect(list[0]).toMatchObject({
      receiptNumber: a!.receiptNumber,
      familyName: 'MARTIN',
      bank: 'Banque Populaire',
      number: '1000001',
      drawer: 'Hélène Dupond',
      amountCents: 12000,
      titleCount: null,
    });
    const upTo = await t.call(
      'deposits.candidates',
      { regieId: IDS.sco, kind: 'cheque', upToDate: '2026-03-16' },
      mandataire,
    );
    expect(upTo.map((l) => l.paymentId)).toEqual([a!.paymentId, b!.paymentId]);
  });

  it('creates one draft per régie and kind, replaces its selection, and replays', async () => {
    const [a, b, c] = await record(t, mandataire, [
      chequeDraft(12000, '1000001'),
      chequeDraft(5000, '1000002'),
      chequeDraft(2500, '1000003'),
    ]);
    await nextDay();
    await record(t, mandataire, [chequeDraft(999, '1000004')]); // open session: not taken
    const first = draft({});
    const created = await t.call('deposits.draft', first, mandataire);
    expect(created.replayed).toBe(false);
    expect(created.slip).toMatchObject({
      status: 'draft',
      number: null,
      regieCode: 'SCO',
      kind: 'cheque',
      count: 3,
      totalCents: 19500,
      createdBy: 'Marc Guichet',
      dftAccount: 'FR76 1007 1690 0000 0020 0101 234',
      adjustments: [],
      notices: [],
    });
    expect(created.slip.lines.map((l) => l.paymentId)).toEqual([
      a!.paymentId,
      b!.paymentId,
      c!.paymentId,
    ]);
    // Replacing the selection keeps the same draft, in the order given.
    const replaced = await t.call(
      'deposits.draft',
      draft({ paymentIds: [c!.paymentId, a!.paymentId] }),
      regisseur,
    );
    expect(replaced.slip.slipId).toBe(created.slip.slipId);
    expect(replaced.slip.lines.map((l) => [l.line, l.paymentId])).toEqual([
      [1, c!.paymentId],
      [2, a!.paymentId],
    ]);
    expect(replaced.slip.totalCents).toBe(14500);
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM deposit_slip').get()).toEqual({ n: 1 });
    const entries = journalPayloads(t.sqlite, 'bordereau_brouillon');
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      slipId: created.slip.slipId,
      created: false,
      paymentIds: [c!.paymentId, a!.paymentId],
      count: 2,
      totalCents: 14500,
    });
    // Replaying the first command writes nothing and says so.
    const before = depositSnapshot(t.sqlite);
    const replay = await t.call('deposits.draft', first, mandataire);
    expect(replay.replayed).toBe(true);
    expect(replay.slip.slipId).toBe(created.slip.slipId);
    expect(depositSnapshot(t.sqlite)).toEqual(before);
    // The same id with other content is refused.
    const clash = await refusal(
      t.call('deposits.draft', { ...first, upToDate: '2026-03-16' }, mandataire),
    );
    expect(clash.error.code).toBe('CONFLIT');
    expect(depositSnapshot(t.sqlite)).toEqual(before);
    // "Up to a date" takes every closed-session candidate recorded by then.
    const upTo = await t.call('deposits.draft', draft({ upToDate: '2026-03-16' }), mandataire);
    expect(upTo.slip).toMatchObject({ upToDate: '2026-03-16', count: 3, totalCents: 19500 });
  });

  it('refuses a selection that holds anything but this régie’s undeposited cheques of closed sessions, changing nothing', async () => {
    const [a, b] = await record(t, mandataire, [
      chequeDraft(12000, '1000001'),
      chequeDraft(5000, '1000002'),
    ]);
    const [spo] = await record(t, mandataire, [chequeDraft(3500, '2000001', { regieId: IDS.spo })]);
    const [cash] = await record(t, mandataire, [cashDraft(1000)]);
    const [cancelled] = await record(t, mandataire, [chequeDraft(800, '1000009')]);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: cancelled!.paymentId, reason: 'Chèque non signé' },
      regisseur,
    );
    await nextDay();
    const [open] = await record(t, mandataire, [chequeDraft(2500, '1000003')]);
    // A deposited cheque: validate a slip holding b only.
    const d = await t.call('deposits.draft', draft({ paymentIds: [b!.paymentId] }), mandataire);
    await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    await t.call('deposits.draft', draft({ paymentIds: [a!.paymentId] }), mandataire);

    const before = depositSnapshot(t.sqlite);
    const cases: [number[], RegExp][] = [
      [[spo!.paymentId], new RegExp(`${spo!.receiptNumber} relève d’une autre régie \\(SPO\\)`)],
      [[cash!.paymentId], new RegExp(`${cash!.receiptNumber} n’est pas un paiement par chèque`)],
      [[cancelled!.paymentId], new RegExp(`${cancelled!.receiptNumber} a été annulé le`)],
      [[b!.paymentId], /figure déjà sur le bordereau B-SCO-2026-0001/],
      [[open!.paymentId], /caisse encore ouverte du poste P01 : clôturez-la/],
      [[9999], /le paiement n° 9999 n’existe pas/],
    ];
    for (const [ids, message] of cases) {
      const e = await refusal(
        t.call('deposits.draft', draft({ paymentIds: [a!.paymentId, ...ids] }), mandataire),
      );
      expect(e.error.code).toBe('REGLE_METIER');
      expect(e.error.reason).toBe('NON_REMETTABLE');
      expect(e.error.message).toMatch(message);
      expect(e.error.message).toMatch(/le brouillon n’a pas été modifié/);
      expect(depositSnapshot(t.sqlite)).toEqual(before);
    }
    const late = await refusal(
      t.call(
        'deposits.draft',
        draft({ paymentIds: [a!.paymentId], upToDate: '2026-03-15' }),
        mandataire,
      ),
    );
    expect(late.error.message).toMatch(
      new RegExp(`${a!.receiptNumber} a été encaissé après la date limite choisie`),
    );
    const empty = await refusal(t.call('deposits.draft', draft({ paymentIds: [] }), mandataire));
    expect(empty.error.reason).toBe('SELECTION_VIDE');
    const none = await refusal(t.call('deposits.draft', draft({ kind: 'cesu' }), mandataire));
    expect(none.error.message).toMatch(/Aucun paiement en CESU à remettre/);
    const beforeDate = await refusal(
      t.call('deposits.draft', draft({ upToDate: '2026-03-15' }), mandataire),
    );
    expect(beforeDate.error.message).toMatch(/Aucun chèque à remettre jusqu’au 15\/03\/2026/);
    expect(depositSnapshot(t.sqlite)).toEqual(before);
  });
});

describe('validation', () => {
  it('is for the régisseur or the suppléant, numbers and freezes the slip', async () => {
    const [a, b] = await record(t, mandataire, [
      chequeDraft(12000, '1000001', { bank: 'Banque Populaire', drawer: 'Hélène Dupond' }),
      chequeDraft(5000, '1000002'),
    ]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    const before = depositSnapshot(t.sqlite);
    const denied = await t.send(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      mandataire,
    );
    expect(denied.ok ? null : denied.error.code).toBe('PERMISSION_REFUSEE');
    expect(depositSnapshot(t.sqlite)).toEqual(before);

    t.clock.ms += HOUR;
    const command = { commandId: newCommandId(), slipId: d.slip.slipId };
    const v = await t.call('deposits.validate', command, suppleant);
    expect(v.replayed).toBe(false);
    expect(v.slip).toMatchObject({
      status: 'validated',
      number: 'B-SCO-2026-0001',
      count: 2,
      totalCents: 17000,
      adjustedTotalCents: 17000,
      validatedBy: 'Sylvain Suppléant',
      validatedAt: new Date(t.clock.ms).toISOString(),
    });
    expect(
      t.sqlite
        .prepare('SELECT payment_id, line, amount_cents FROM deposit_slip_item ORDER BY line')
        .all(),
    ).toEqual([
      { payment_id: a!.paymentId, line: 1, amount_cents: 12000 },
      { payment_id: b!.paymentId, line: 2, amount_cents: 5000 },
    ]);
    const [entry] = journalPayloads(t.sqlite, 'bordereau_valide');
    expect(entry).toMatchObject({
      number: 'B-SCO-2026-0001',
      slipKind: 'cheque',
      count: 2,
      totalCents: 17000,
      lines: [
        {
          line: 1,
          paymentId: a!.paymentId,
          receiptNumber: a!.receiptNumber,
          bank: 'Banque Populaire',
          number: '1000001',
          drawer: 'Hélène Dupond',
          amountCents: 12000,
        },
        expect.objectContaining({ line: 2, number: '1000002', amountCents: 5000 }),
      ],
    });
    // The cheques are no longer candidates, and a new draft may start.
    expect(
      await t.call('deposits.candidates', { regieId: IDS.sco, kind: 'cheque' }, mandataire),
    ).toEqual([]);

    // Replay returns the first result; validating again is refused.
    const frozen = depositSnapshot(t.sqlite);
    const replay = await t.call('deposits.validate', command, suppleant);
    expect(replay).toEqual({ slip: v.slip, replayed: true });
    const again = await refusal(
      t.call('deposits.validate', { commandId: newCommandId(), slipId: d.slip.slipId }, regisseur),
    );
    expect(again.error.reason).toBe('BORDEREAU_DEJA_VALIDE');
    expect(again.error.message).toMatch(/B-SCO-2026-0001 est déjà validé .*par Sylvain Suppléant/);
    expect(depositSnapshot(t.sqlite)).toEqual(frozen);

    // The database itself refuses any change to the validated slip and its items.
    const id = d.slip.slipId;
    for (const sql of [
      `UPDATE deposit_slip SET total_cents = 1 WHERE id = ${id}`,
      `UPDATE deposit_slip SET status = 'draft', number = NULL, seq = NULL, validated_at = NULL, journal_seq = NULL WHERE id = ${id}`,
      `UPDATE deposit_slip SET selection = '[]' WHERE id = ${id}`,
    ]) {
      expect(() => t.sqlite.prepare(sql).run()).toThrow(
        /Bordereau validé : il ne peut plus être modifié/,
      );
    }
    expect(() => t.sqlite.prepare(`DELETE FROM deposit_slip WHERE id = ${id}`).run()).toThrow(
      /suppression refusée/,
    );
    expect(() => t.sqlite.prepare('UPDATE deposit_slip_item SET amount_cents = 1').run()).toThrow(
      /modification refusée/,
    );
    expect(() => t.sqlite.prepare('DELETE FROM deposit_slip_item').run()).toThrow(
      /suppression refusée/,
    );
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO deposit_slip_item (slip_id, payment_id, line, amount_cents) VALUES (${id}, ${a!.paymentId}, 3, 12000)`,
        )
        .run(),
    ).toThrow(/Bordereau validé ou absent/);
    expect(depositSnapshot(t.sqlite)).toEqual(frozen);
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('drops a cheque cancelled since the draft, with a notice, and refuses a draft left empty', async () => {
    const [a, b] = await record(t, mandataire, [
      chequeDraft(12000, '1000001'),
      chequeDraft(5000, '1000002'),
    ]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: a!.paymentId, reason: 'Chèque sans provision' },
      regisseur,
    );
    const shown = await t.call('deposits.get', { slipId: d.slip.slipId }, mandataire);
    expect(shown.count).toBe(1);
    expect(shown.totalCents).toBe(5000);
    expect(shown.lines[0]?.cancelled?.reason).toBe('Chèque sans provision');
    expect(shown.notices[0]).toMatch(
      new RegExp(
        `Le chèque n° 1000001 \\(reçu ${a!.receiptNumber}, 120,00\\s€\\) a été annulé le .* : il sera retiré du bordereau à la validation`,
      ),
    );
    const v = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    expect(v.slip.lines.map((l) => l.paymentId)).toEqual([b!.paymentId]);
    expect(v.slip).toMatchObject({ count: 1, totalCents: 5000, adjustments: [] });
    expect(v.slip.notices[0]).toMatch(
      /Le chèque n° 1000001 .* a été retiré du brouillon à la validation : il avait été annulé le/,
    );

    // A draft whose every cheque was cancelled cannot be validated, and uses no number.
    const [c] = await record(t, mandataire, [chequeDraft(4000, '1000003')]);
    await nextDay();
    const d2 = await t.call('deposits.draft', draft({}), mandataire);
    expect(d2.slip.lines.map((l) => l.paymentId)).toEqual([c!.paymentId]);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: c!.paymentId, reason: 'Erreur de famille' },
      regisseur,
    );
    const before = depositSnapshot(t.sqlite);
    const empty = await refusal(
      t.call('deposits.validate', { commandId: newCommandId(), slipId: d2.slip.slipId }, regisseur),
    );
    expect(empty.error.reason).toBe('BORDEREAU_VIDE');
    expect(empty.error.message).toMatch(
      /Plus rien à remettre .* a été annulé le .*Rien n’a été validé/,
    );
    expect(depositSnapshot(t.sqlite)).toEqual(before);
    const [e] = await record(t, mandataire, [chequeDraft(700, '1000005')]);
    await nextDay();
    await t.call('deposits.draft', draft({ paymentIds: [e!.paymentId] }), mandataire);
    const v2 = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d2.slip.slipId },
      regisseur,
    );
    expect(v2.slip.number).toBe('B-SCO-2026-0002');
  });
});

describe('numbering', () => {
  it('is gapless per régie, kind and Paris year, and restarts in January', async () => {
    await record(t, mandataire, [
      chequeDraft(1000, '1'),
      chequeDraft(2000, '2', { regieId: IDS.spo, familyId: IDS.dupond }),
      cesuDraft([{ count: 2, faceValueCents: 1000 }]),
      vacancesDraft([{ count: 3, faceValueCents: 1000 }]),
    ]);
    await nextDay();
    const validate = async (regieId: number, kind: 'cheque' | 'cesu' | 'cheque_vacances') => {
      const d = await t.call('deposits.draft', draft({ regieId, kind }), mandataire);
      return (
        await t.call(
          'deposits.validate',
          { commandId: newCommandId(), slipId: d.slip.slipId },
          regisseur,
        )
      ).slip;
    };
    expect((await validate(IDS.sco, 'cheque')).number).toBe('B-SCO-2026-0001');
    expect((await validate(IDS.spo, 'cheque')).number).toBe('B-SPO-2026-0001');
    const cesu = await validate(IDS.sco, 'cesu');
    expect(cesu.number).toBe('C-SCO-2026-0001');
    expect(cesu.lines[0]).toMatchObject({
      bank: 'CESU',
      number: '2 × 10,00\u202f€',
      titleCount: 2,
    });
    expect((await validate(IDS.spo, 'cheque_vacances')).number).toBe('V-SPO-2026-0001');
    await record(t, mandataire, [chequeDraft(3000, '3')]);
    await nextDay();
    expect((await validate(IDS.sco, 'cheque')).number).toBe('B-SCO-2026-0002');

    // 31 December 2026 at 23:30 UTC is already 1 January 2027 in Paris.
    t.clock.ms = Date.parse('2026-12-31T20:00:00.000Z');
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    mandataire = await t.login('mandataire');
    regisseur = await t.login('regisseur');
    await record(t, mandataire, [chequeDraft(4000, '4')]);
    t.clock.ms = Date.parse('2026-12-31T22:30:00.000Z');
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    mandataire = await t.login('mandataire');
    regisseur = await t.login('regisseur');
    expect((await validate(IDS.sco, 'cheque')).number).toBe('B-SCO-2026-0003');
    await record(t, mandataire, [chequeDraft(5000, '5')]);
    t.clock.ms = Date.parse('2026-12-31T23:30:00.000Z');
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    mandataire = await t.login('mandataire');
    regisseur = await t.login('regisseur');
    expect((await validate(IDS.sco, 'cheque')).number).toBe('B-SCO-2027-0001');
    const seqs = t.sqlite
      .prepare(
        "SELECT year, seq FROM deposit_slip WHERE regie_id = ? AND kind = 'cheque' ORDER BY id",
      )
      .all(IDS.sco);
    expect(seqs).toEqual([
      { year: 2026, seq: 1 },
      { year: 2026, seq: 2 },
      { year: 2026, seq: 3 },
      { year: 2027, seq: 1 },
    ]);
  });

  it('uses no number when a validation fails half-way (rollback)', async () => {
    await record(t, mandataire, [chequeDraft(1000, '1'), chequeDraft(2000, '2')]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    // A fault after the number is drawn and the items are written: the journal refuses.
    t.sqlite.exec(`CREATE TEMP TRIGGER fault BEFORE INSERT ON journal_entry
      WHEN NEW.kind = 'bordereau_valide' BEGIN SELECT RAISE(ABORT, 'panne simulée'); END`);
    const before = depositSnapshot(t.sqlite);
    const failed = await t.send(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    expect(failed.ok ? null : failed.error.code).toBe('INTERNE');
    expect(depositSnapshot(t.sqlite)).toEqual(before);
    t.sqlite.exec('DROP TRIGGER fault');
    const v = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    expect(v.slip.number).toBe('B-SCO-2026-0001');
    expect(v.slip.count).toBe(2);
  });
});

describe('after validation', () => {
  it('allows cancelling a deposited cheque and shows the adjustment; the slip’s rows never change', async () => {
    const [a, b] = await record(t, mandataire, [
      chequeDraft(12000, '1000001'),
      chequeDraft(5000, '1000002'),
    ]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    const v = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    const rows = () => ({
      slip: t.sqlite.prepare('SELECT * FROM deposit_slip').all(),
      items: t.sqlite.prepare('SELECT * FROM deposit_slip_item').all(),
    });
    const frozen = rows();
    const c = await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: a!.paymentId, reason: 'Chèque rejeté par la banque' },
      regisseur,
    );
    expect(c.cancellationId).toBeGreaterThan(0);
    expect(rows()).toEqual(frozen);
    const after = await t.call('deposits.get', { slipId: v.slip.slipId }, mandataire);
    expect(after).toMatchObject({
      number: 'B-SCO-2026-0001',
      count: 2,
      totalCents: 17000,
      adjustedTotalCents: 5000,
      adjustments: [
        {
          paymentId: a!.paymentId,
          receiptNumber: a!.receiptNumber,
          amountCents: 12000,
          reason: 'Chèque rejeté par la banque',
        },
      ],
    });
    expect(after.lines.map((l) => l.paymentId)).toEqual([a!.paymentId, b!.paymentId]);
    const list = await t.call('deposits.list', {}, mandataire);
    expect(list[0]?.adjustedTotalCents).toBe(5000);

    const pdf = await extractPdfText(
      pdfBytes((await t.call('deposits.slipPdf', { slipId: v.slip.slipId }, mandataire)).pdfBase64),
    );
    expect(printed(pdf, 'Ajustements : paiements annulés après la remise')).toBe(true);
    expect(printed(pdf, `${a!.receiptNumber}`)).toBe(true);
    expect(printed(pdf, 'Chèque rejeté par la banque -120,00 €')).toBe(true);
    expect(printed(pdf, 'Total après ajustements 50,00 €')).toBe(true);
    expect(printed(pdf, 'Montant total : 170,00 €')).toBe(true);
  });

  it('does not expect a deposited then cancelled cheque back in the drawer at the next closing', async () => {
    const [a] = await record(t, mandataire, [
      chequeDraft(12000, '1000001'),
      chequeDraft(5000, '1000002'),
    ]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    // The new session: one cheque collected and kept, one collected then cancelled, and the
    // deposited cheque cancelled.
    const [kept, undone] = await record(t, mandataire, [
      chequeDraft(3000, '1000003'),
      chequeDraft(800, '1000004'),
    ]);
    for (const [p, reason] of [
      [a!, 'Chèque rejeté par la banque'],
      [undone!, 'Erreur de montant'],
    ] as const) {
      await t.call(
        'payments.cancel',
        { commandId: newCommandId(), paymentId: p.paymentId, reason },
        regisseur,
      );
    }
    const preview = await t.call('till.closingPreview', {}, mandataire);
    expect(preview.modes.find((m) => m.mode === 'cheque')).toMatchObject({
      paymentCount: 2,
      collectedCents: 3800,
      cancellationCount: 1,
      cancelledCents: 800,
      expectedCents: 3000,
    });
    expect(preview.cheques.map((c) => c.paymentId)).toEqual([kept!.paymentId]);
    const session = openSessionRow(t.sqlite, 'P01');
    const figures = sessionFigures(t.sqlite, session!.id);
    expect(figures.depositedCancellations).toMatchObject([
      { receiptNumber: a!.receiptNumber, amountCents: 12000, depositSlip: 'B-SCO-2026-0001' },
    ]);
    // A real closing, every count as expected: no difference, hence no reason asked.
    const cash = preview.modes.find((m) => m.mode === 'especes')!.expectedCents;
    const closed = await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(cash), chequesPresent: [kept!.paymentId] },
      mandataire,
    );
    expect(closed.lines.every((l) => l.differenceCents === 0)).toBe(true);
    const z = journalPayloads(t.sqlite, 'cloture_caisse').at(-1) as {
      cancellations: { receiptNumber: string; depositSlip: string | null }[];
    };
    expect(z.cancellations.map((c) => [c.receiptNumber, c.depositSlip])).toEqual([
      [a!.receiptNumber, 'B-SCO-2026-0001'],
      [undone!.receiptNumber, null],
    ]);
  });
});

describe('slip PDF', () => {
  it('prints a validated slip: commune, régie, DFT account, number, lines, total in words, signatures', async () => {
    const [a, b] = await record(t, mandataire, [
      chequeDraft(12000, '1000001', { bank: 'Banque Populaire', drawer: 'Hélène Dupond' }),
      chequeDraft(5050, '1000002', { bank: 'La Banque Postale', drawer: 'Paul Martin' }),
    ]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    const v = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    const file = await t.call('deposits.slipPdf', { slipId: v.slip.slipId }, mandataire);
    expect(file.fileName).toBe('bordereau-B-SCO-2026-0001.pdf');
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    expect(pdf.info.title).toBe('Bordereau de remise de chèques B-SCO-2026-0001 – SCO');
    for (const text of [
      'VILLE DE TEST',
      'BORDEREAU DE REMISE DE CHÈQUES',
      'N° B-SCO-2026-0001',
      'Régie Régie scolaire et périscolaire (SCO)',
      'Compte DFT FR76 1007 1690 0000 0020 0101 234',
      'Date de remise 17/03/2026 à 10:30',
      'Validé par Régine Titulaire',
      'N° N° de chèque Banque Tireur Reçu Montant',
      `1 1000001 Banque Populaire Hélène Dupond ${a!.receiptNumber} 120,00 €`,
      `2 1000002 La Banque Postale Paul Martin ${b!.receiptNumber} 50,50 €`,
      'Nombre de chèques : 2',
      'Montant total : 170,50 €',
      'Arrêté le présent bordereau à la somme de cent soixante-dix euros et cinquante centimes.',
      'Le régisseur (nom, date et signature)',
      'Visa du comptable public (date et signature)',
    ]) {
      expect(printed(pdf, text), text).toBe(true);
    }
    expect(printed(pdf, 'BROUILLON')).toBe(false);
    expect(printed(pdf, 'code de vérification')).toBe(true);
    // Same slip, same bytes.
    const again = await t.call('deposits.slipPdf', { slipId: v.slip.slipId }, regisseur);
    expect(again.pdfBase64).toBe(file.pdfBase64);
  });

  it('prints a draft as BROUILLON, without a number', async () => {
    await record(t, mandataire, [chequeDraft(12000, '1000001')]);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    const file = await t.call('deposits.slipPdf', { slipId: d.slip.slipId }, mandataire);
    expect(file.fileName).toBe('bordereau-brouillon-SCO-cheque-2026-03-17.pdf');
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    expect(printed(pdf, 'BROUILLON — non valable pour remise')).toBe(true);
    expect(pdf.pages[0]!.items.some((i) => i.rotated && i.str === 'BROUILLON')).toBe(true);
    expect(printed(pdf, 'B-SCO-')).toBe(false);
    expect(printed(pdf, 'Montant total : 120,00 €')).toBe(true);
  });

  it('prints titles with their issuer and count', async () => {
    await record(t, mandataire, [
      vacancesDraft([
        { count: 1, faceValueCents: 2000 },
        { count: 1, faceValueCents: 1000 },
      ]),
    ]);
    await nextDay();
    const d = await t.call(
      'deposits.draft',
      draft({ regieId: IDS.spo, kind: 'cheque_vacances' }),
      mandataire,
    );
    const v = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    const pdf = await extractPdfText(
      pdfBytes((await t.call('deposits.slipPdf', { slipId: v.slip.slipId }, mandataire)).pdfBase64),
    );
    expect(printed(pdf, 'BORDEREAU DE REMISE DE CHÈQUES-VACANCES')).toBe(true);
    expect(printed(pdf, 'N° V-SPO-2026-0001')).toBe(true);
    expect(
      pdf.pages[0]!.lines.some((l) =>
        /^1 ANCV 2 titres : .* BERNARD R-SPO-P01-2026-000001 30,00 €$/.test(l),
      ),
    ).toBe(true);
    expect(printed(pdf, '2 titres : 1 × 20,00 € + 1 × 10,00 €')).toBe(true);
    expect(printed(pdf, 'Nombre de paiements : 1 (2 titres)')).toBe(true);
    expect(printed(pdf, 'Compte DFT non renseigné')).toBe(true);
  });

  it('breaks a 300-cheque slip over pages with the table header on each', async () => {
    const drafts = Array.from({ length: 300 }, (_, i) =>
      chequeDraft(1000 + i, String(5000000 + i), { bank: `Banque n° ${i + 1}` }),
    );
    await record(t, mandataire, drafts);
    await nextDay();
    const d = await t.call('deposits.draft', draft({}), mandataire);
    expect(d.slip.count).toBe(300);
    const v = await t.call(
      'deposits.validate',
      { commandId: newCommandId(), slipId: d.slip.slipId },
      regisseur,
    );
    const total = 300 * 1000 + (299 * 300) / 2;
    expect(v.slip.totalCents).toBe(total);
    const pdf = await extractPdfText(
      pdfBytes((await t.call('deposits.slipPdf', { slipId: v.slip.slipId }, mandataire)).pdfBase64),
    );
    expect(pdf.pages.length).toBeGreaterThan(3);
    for (const page of pdf.pages) {
      expect(page.lines).toContain('N° N° de chèque Banque Tireur Reçu Montant');
      expect(
        page.lines.some((l) =>
          l.startsWith(
            `Bordereau de remise de chèques B-SCO-2026-0001 – Ville de Test – page ${page.pageNumber}/${pdf.pages.length}`,
          ),
        ),
      ).toBe(true);
    }
    expect(pdf.pages[1]!.lines[0]).toBe(
      'Bordereau de remise de chèques B-SCO-2026-0001 – Régie scolaire et périscolaire (suite)',
    );
    // Every line is printed once, in order, and the total closes the last page.
    const numbers = pdf.pages
      .flatMap((p) => p.lines)
      .map((l) => /^(\d+) (5\d{6}) /.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]));
    expect(numbers).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const last = pdf.pages.at(-1)!;
    expect(last.lines.some((l) => l.includes('Nombre de chèques : 300'))).toBe(true);
    expect(last.lines.some((l) => l.includes('Le régisseur (nom, date et signature)'))).toBe(true);
  });
});
