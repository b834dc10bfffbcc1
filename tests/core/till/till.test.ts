// The till of a poste (issue 4): sessions, the till guard on payments, cash movements, the
// closing count with its differences, the Z report read back from the PDF, the frozen session
// and the cash ceiling. Driven through the core's handlers on a real SQLite database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Input } from '../../../src/shared/contract';
import { extractPdfText, normalizeSpaces, printed } from '../../helpers/pdf-text';
import {
  IDS,
  LOGINS,
  PASSWORDS,
  START,
  countOf,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  pdfBytes,
  refusal,
  type TestCore,
} from '../fixtures';

let t: TestCore;
let regisseur: string;
let mandataire: string;

beforeEach(async () => {
  t = await openTestCore({ till: false });
  regisseur = await t.login('regisseur');
  mandataire = await t.login('mandataire');
});
afterEach(() => t.close());

const cash = (amountCents: number, familyId: number = IDS.dupond) => ({
  commandId: newCommandId(),
  familyId,
  regieId: IDS.sco,
  amountCents,
  method: { mode: 'especes' as const },
});
const cheque = (amountCents: number, number = '1234567') => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents,
  method: {
    mode: 'cheque' as const,
    bank: 'Banque Populaire',
    number,
    drawer: 'Hélène Dupond',
    payee: 'DGFiP',
  },
});
const card = (amountCents: number) => ({
  commandId: newCommandId(),
  familyId: IDS.martin,
  regieId: IDS.sco,
  amountCents,
  method: { mode: 'carte' as const, terminalReference: 'A12345' },
});

const open = (token = mandataire, counts: Input<'till.open'>['counts'] = { b100: 1, b50: 1 }) =>
  t.call('till.open', { commandId: newCommandId(), counts }, token);

const tillRows = () => ({
  sessions: t.sqlite.prepare('SELECT * FROM till_session ORDER BY id').all(),
  links: t.sqlite.prepare('SELECT * FROM till_link ORDER BY id').all(),
  movements: t.sqlite.prepare('SELECT * FROM till_movement ORDER BY id').all(),
  differences: t.sqlite.prepare('SELECT * FROM till_difference ORDER BY id').all(),
});

describe('till session', () => {
  it('refuses counter payments without an open session, in French, recording nothing', async () => {
    const status = await t.call('till.status', {}, mandataire);
    expect(status.session).toBeNull();
    expect(status.message).toMatch(/Aucune caisse ouverte/);
    const before = ledgerSnapshot(t.sqlite);
    for (const draft of [cash(4900), cheque(4900), card(3000)]) {
      const e = await refusal(t.call('payments.record', draft, mandataire));
      expect(e.error.reason).toBe('CAISSE_FERMEE');
      expect(e.error.message).toMatch(/Aucune caisse n’est ouverte.*Ouvrez la caisse/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
    // A transfer never passes through the till.
    const v = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 4900,
        method: { mode: 'virement', reference: 'VIR-2026-03' },
      },
      mandataire,
    );
    expect(v.receiptNumber).toBe('R-SCO-P01-2026-000001');
  });

  it('opens with the float counted by denomination and checks it against the configuration', async () => {
    const first = await open(mandataire, { b100: 1, b50: 1 });
    expect(first.float).toMatchObject({
      countedCents: 15000,
      expectedCents: 15000,
      differenceCents: 0,
      warnings: [],
    });
    const j = t.sqlite
      .prepare("SELECT payload FROM journal_entry WHERE kind = 'ouverture_caisse'")
      .get() as { payload: string };
    expect(JSON.parse(j.payload)).toMatchObject({
      floatCountedCents: 15000,
      counts: { b100: 1, b50: 1, p1: 0 },
    });
    const status = await t.call('till.status', {}, regisseur);
    expect(status.session).toMatchObject({
      sessionId: first.sessionId,
      status: 'open',
      openedBy: 'Marc Guichet',
      floatCountedCents: 15000,
    });
    expect(status.overnight).toBe(false);
  });

  it('flags a float that differs from the configuration', async () => {
    const r = await open(mandataire, { b100: 1, b20: 2, p200: 2 });
    expect(r.float.differenceCents).toBe(-600);
    expect(r.float.warnings[0]).toMatch(/il manque 6,00/);
  });

  it('refuses a second session on the same poste (and the database refuses it too)', async () => {
    await open();
    const before = tillRows();
    const e = await refusal(open(regisseur));
    expect(e.error.reason).toBe('CAISSE_DEJA_OUVERTE');
    expect(e.error.message).toMatch(/déjà ouverte sur ce poste/);
    expect(tillRows()).toEqual(before);
    const s = t.sqlite.prepare('SELECT * FROM till_session').get() as Record<string, unknown>;
    t.sqlite
      .prepare(
        "INSERT INTO command (command_id, handler, request_hash, created_at) VALUES ('x', 'x', 'x', 'x')",
      )
      .run();
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO till_session (id, command_id, poste_code, status, opened_at, opened_by, float_counts,
             float_counted_cents, float_expected_cents, open_journal_seq)
           VALUES (99, 'x', 'P01', 'open', @opened_at, @opened_by, '{}', 0, 0, 99)`,
        )
        .run(s),
    ).toThrow(/UNIQUE constraint failed: till_session.poste_code/);
  });

  it('replays an opening without opening twice', async () => {
    const commandId = newCommandId();
    const a = await t.call('till.open', { commandId, counts: { b100: 1, b50: 1 } }, mandataire);
    const b = await t.call('till.open', { commandId, counts: { b100: 1, b50: 1 } }, mandataire);
    expect(b).toEqual({ ...a, replayed: true });
  });

  it('refuses a negative count with a French message', async () => {
    const r = await t.send(
      'till.open',
      { commandId: newCommandId(), counts: { b100: -1 } },
      mandataire,
    );
    expect(r.ok ? null : r.error.message).toMatch(/ne peut pas être négatif/);
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM till_session').get()).toEqual({ n: 0 });
  });

  it('flags a session left open past midnight (Paris) and blocks payments until it is closed', async () => {
    await open();
    await t.call('payments.record', cash(4900), mandataire);
    t.clock.ms = Date.parse('2026-03-16T23:05:00.000Z'); // 17 March, 00:05 in Paris
    const token = await t.login('mandataire');
    const status = await t.call('till.status', {}, token);
    expect(status.overnight).toBe(true);
    expect(status.message).toMatch(/ouverte depuis le 16\/03\/2026 à 10:30.*Clôturez-la/);
    const before = ledgerSnapshot(t.sqlite);
    const e = await refusal(t.call('payments.record', cheque(1000), token));
    expect(e.error.reason).toBe('CAISSE_DE_LA_VEILLE');
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
    const m = await refusal(
      t.call(
        'till.movement',
        {
          commandId: newCommandId(),
          regieId: IDS.sco,
          kind: 'apport',
          amountCents: 1000,
          reason: 'Monnaie',
        },
        token,
      ),
    );
    expect(m.error.reason).toBe('CAISSE_DE_LA_VEILLE');
    // Closing is what it asks for, and then a new session takes payments.
    const preview = await t.call('till.closingPreview', {}, token);
    expect(preview.overnight).toBe(true);
    await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(15000 + 4900) },
      token,
    );
    await open(token);
    await t.call('payments.record', cheque(1000), token);
  });
});

describe('a full day at the counter', () => {
  it('opens, collects in three modes, withdraws cash, closes 2 € short and prints the Z', async () => {
    const { sessionId } = await open();
    const p1 = await t.call('payments.record', cash(4900), mandataire);
    const p2 = await t.call('payments.record', cheque(12000), mandataire);
    const p3 = await t.call('payments.record', card(6000), mandataire);
    const mv = await t.call(
      'till.movement',
      {
        commandId: newCommandId(),
        regieId: IDS.sco,
        kind: 'retrait',
        amountCents: 2000,
        reason: 'Remise au coffre',
      },
      mandataire,
    );
    expect(mv.signedAmountCents).toBe(-2000);

    const preview = await t.call('till.closingPreview', {}, mandataire);
    const expected = Object.fromEntries(preview.modes.map((m) => [m.mode, m.expectedCents]));
    expect(expected).toEqual({
      especes: 15000 + 4900 - 2000,
      cheque: 12000,
      carte: 6000,
      cesu: 0,
      cheque_vacances: 0,
    });
    expect(preview.cheques).toEqual([
      {
        paymentId: p2.paymentId,
        receiptNumber: p2.receiptNumber,
        bank: 'Banque Populaire',
        number: '1234567',
        drawer: 'Hélène Dupond',
        amountCents: 12000,
      },
    ]);
    expect(preview.toleranceCents).toBe(100);

    const closing = {
      commandId: newCommandId(),
      cashCounts: countOf(17900 - 200),
      chequesPresent: [p2.paymentId],
      cardBatchCents: 6000,
    };
    // A difference needs a reason...
    const before = { ledger: ledgerSnapshot(t.sqlite), till: tillRows() };
    const noReason = await refusal(t.call('till.close', closing, mandataire));
    expect(noReason.error.reason).toBe('ECART_SANS_MOTIF');
    expect(noReason.error.message).toMatch(
      /Espèces déficit de 2,00.*attendu 179,00.*compté 177,00/,
    );
    // ...and, above the 1 € tolerance, the régisseur's validation.
    const withReason = { ...closing, reasons: { especes: 'Erreur de rendu de monnaie' } };
    const noValidation = await refusal(t.call('till.close', withReason, mandataire));
    expect(noValidation.error.reason).toBe('VALIDATION_REQUISE');
    expect(noValidation.error.message).toMatch(/régisseur ou son suppléant doit valider/);
    const badPassword = await refusal(
      t.call(
        'till.close',
        { ...withReason, validator: { login: LOGINS.regisseur, password: 'faux' } },
        mandataire,
      ),
    );
    expect(badPassword.error.code).toBe('IDENTIFIANTS_INVALIDES');
    const notAllowed = await refusal(
      t.call(
        'till.close',
        {
          ...withReason,
          validator: { login: LOGINS.mandataire, password: PASSWORDS.mandataire },
        },
        mandataire,
      ),
    );
    expect(notAllowed.error.code).toBe('PERMISSION_REFUSEE');
    expect({ ledger: ledgerSnapshot(t.sqlite), till: tillRows() }).toEqual(before);

    t.clock.ms = START + 8 * 3600_000; // 18:30 in Paris
    mandataire = await t.login('mandataire');
    regisseur = await t.login('regisseur');
    const closed = await t.call(
      'till.close',
      { ...withReason, validator: { login: LOGINS.regisseur, password: PASSWORDS.regisseur } },
      mandataire,
    );
    expect(closed.lines.find((l) => l.mode === 'especes')).toEqual({
      mode: 'especes',
      label: 'Espèces',
      expectedCents: 17900,
      countedCents: 17700,
      differenceCents: -200,
      reason: 'Erreur de rendu de monnaie',
    });
    expect(closed.lines.filter((l) => l.differenceCents !== 0)).toHaveLength(1);
    expect(closed.floatLeftCents).toBe(17700 - (4900 - 2000));
    // The difference is its own signed journal entry, then the closing (Z) entry.
    const entries = t.sqlite
      .prepare(
        "SELECT seq, kind, payload FROM journal_entry WHERE kind IN ('ecart_caisse', 'cloture_caisse') ORDER BY seq",
      )
      .all() as { seq: number; kind: string; payload: string }[];
    expect(entries.map((e) => e.kind)).toEqual(['ecart_caisse', 'cloture_caisse']);
    expect(JSON.parse(entries[0]!.payload)).toMatchObject({
      differenceCents: -200,
      nature: 'deficit',
      reason: 'Erreur de rendu de monnaie',
    });
    const z = JSON.parse(entries[1]!.payload) as { lastCoveredSeq: number; validatedBy: string };
    expect(z.lastCoveredSeq).toBe(entries[0]!.seq);
    expect(z.validatedBy).toBe('Régine Titulaire');
    // Replaying the closing returns the first result.
    const replay = await t.call(
      'till.close',
      {
        ...withReason,
        commandId: closing.commandId,
        validator: { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
      },
      mandataire,
    );
    expect(replay).toEqual({ ...closed, replayed: true });

    const report = await t.call('till.zReport', { sessionId }, regisseur);
    expect(report.fileName).toBe('rapport-Z-P01-2026-03-16-session-1.pdf');
    const pdf = await extractPdfText(pdfBytes(report.pdfBase64));
    const lines = pdf.pages.flatMap((p) => p.lines).map(normalizeSpaces);
    const line = (start: string) => lines.find((l) => l.startsWith(start));
    expect(printed(pdf, 'RAPPORT DE CLÔTURE DE CAISSE (Z)')).toBe(true);
    expect(printed(pdf, 'VILLE DE TEST')).toBe(true);
    expect(line('Poste')).toBe('Poste P01 – Accueil mairie');
    expect(line('Ouverture')).toBe('Ouverture 16/03/2026 à 10:30 par Marc Guichet');
    expect(line('Clôture')).toBe('Clôture 16/03/2026 à 18:30 par Marc Guichet');
    expect(line('Agent(s)')).toBe('Agent(s) Marc Guichet');
    expect(line('Fonds de caisse')).toBe('Fonds de caisse 150,00 € compté (prévu 150,00 €)');
    expect(line('Écarts validés par')).toBe('Écarts validés par Régine Titulaire');
    // Per-mode totals: mode, count, collected, cancellations, cancelled, net.
    expect(lines).toContain('Espèces 1 49,00 € 0 0,00 € 49,00 €');
    expect(lines).toContain('Chèque 1 120,00 € 0 0,00 € 120,00 €');
    expect(lines).toContain('Carte bancaire (TPE) 1 60,00 € 0 0,00 € 60,00 €');
    // Expected, counted, difference and reason.
    expect(lines).toContain('Espèces 179,00 € 177,00 € -2,00 € Erreur de rendu de monnaie');
    expect(lines).toContain('Chèque 120,00 € 120,00 € –');
    expect(lines).toContain('Carte bancaire (TPE) 60,00 € 60,00 € –');
    expect(
      printed(pdf, 'Total de la période : encaissé 229,00 €, annulé 0,00 €, net 229,00 €.'),
    ).toBe(true);
    expect(lines).toContain('SCO – Régie scolaire et périscolaire 3 229,00 € 0,00 € 229,00 €');
    expect(lines).toContain(`Reçus SCO : ${p1.receiptNumber} à ${p3.receiptNumber}`);
    expect(lines).toContain('SCO 229,00 € 0,00 € 229,00 €');
    expect(lines.some((l) => l.startsWith('Retrait SCO -20,00 € Remise au coffre'))).toBe(true);
    expect(lines).toContain('Billet de 100 € 1 100,00 €');
    expect(printed(pdf, 'Aucune annulation.')).toBe(true);
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('lets the régisseur validate his own closing, and a small difference needs no validation', async () => {
    await open(regisseur);
    await t.call('payments.record', cash(4900), regisseur);
    const r = await t.call(
      'till.close',
      {
        commandId: newCommandId(),
        cashCounts: countOf(19900 + 500),
        reasons: { especes: 'Excédent inexpliqué' },
      },
      regisseur,
    );
    expect(r.lines[0]).toMatchObject({ differenceCents: 500 });
    await open(mandataire);
    await t.call('payments.record', cash(1000, IDS.martin), mandataire);
    const small = await t.call(
      'till.close',
      {
        commandId: newCommandId(),
        cashCounts: countOf(15000 + 1000 - 50),
        reasons: { especes: 'Pièce de 50 c perdue' },
      },
      mandataire,
    );
    expect(small.lines[0]).toMatchObject({ differenceCents: -50 });
    const validated = t.sqlite
      .prepare('SELECT validated_by FROM till_difference ORDER BY id')
      .all() as { validated_by: number | null }[];
    expect(validated.map((v) => v.validated_by === null)).toEqual([false, true]);
  });

  it('refuses ticking a cheque that is not in the till', async () => {
    await open();
    const e = await refusal(
      t.call(
        'till.close',
        { commandId: newCommandId(), cashCounts: countOf(15000), chequesPresent: [42] },
        mandataire,
      ),
    );
    expect(e.error.reason).toBe('CHEQUE_INCONNU');
  });

  it('counts a missing cheque as a shortfall of its amount', async () => {
    await open(regisseur);
    const a = await t.call('payments.record', cheque(3000, '111'), regisseur);
    await t.call('payments.record', cheque(4000, '222'), regisseur);
    const r = await t.call(
      'till.close',
      {
        commandId: newCommandId(),
        cashCounts: countOf(15000),
        chequesPresent: [a.paymentId],
        reasons: { cheque: 'Chèque 222 introuvable' },
      },
      regisseur,
    );
    expect(r.lines.find((l) => l.mode === 'cheque')).toMatchObject({
      expectedCents: 7000,
      countedCents: 3000,
      differenceCents: -4000,
    });
  });
});

describe('a frozen session', () => {
  it('cannot be altered, and a later cancellation of its payment lands in the current session', async () => {
    const first = await open(regisseur);
    const p = await t.call('payments.record', cash(4900), regisseur);
    await t.call(
      'till.movement',
      {
        commandId: newCommandId(),
        regieId: IDS.sco,
        kind: 'apport',
        amountCents: 1000,
        reason: 'Monnaie de la banque',
      },
      regisseur,
    );
    await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(20900) },
      regisseur,
    );
    const frozen = tillRows();

    expect(() =>
      t.sqlite
        .prepare('UPDATE till_session SET float_left_cents = 0 WHERE id = ?')
        .run(first.sessionId),
    ).toThrow(/Session de caisse clôturée/);
    expect(() =>
      t.sqlite.prepare("UPDATE till_session SET status = 'open' WHERE id = ?").run(first.sessionId),
    ).toThrow(/Session de caisse clôturée/);
    expect(() => t.sqlite.prepare('DELETE FROM till_session').run()).toThrow(/suppression refusée/);
    expect(() => t.sqlite.prepare('UPDATE till_movement SET amount_cents = 1').run()).toThrow(
      /modification refusée/,
    );
    expect(() => t.sqlite.prepare('DELETE FROM till_link').run()).toThrow(/suppression refusée/);
    t.sqlite
      .prepare(
        "INSERT INTO command (command_id, handler, request_hash, created_at) VALUES ('m', 'x', 'x', 'x')",
      )
      .run();
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO till_movement (command_id, session_id, regie_id, kind, amount_cents, reason, agent_id, at, journal_seq)
           VALUES ('m', ?, 1, 'apport', 100, 'Ajout frauduleux', 1, 'x', 1)`,
        )
        .run(first.sessionId),
    ).toThrow(/Session de caisse clôturée/);
    expect(tillRows()).toEqual(frozen);

    // Cancelling needs an open session too; it then belongs to the new one.
    const none = await refusal(
      t.call(
        'payments.cancel',
        { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de famille' },
        regisseur,
      ),
    );
    expect(none.error.reason).toBe('CAISSE_FERMEE');
    const second = await open(regisseur, { b100: 1, b50: 1 });
    expect(second.float.previousFloatLeftCents).toBe(20900 - 4900 - 1000);
    const c = await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de famille' },
      regisseur,
    );
    const link = t.sqlite
      .prepare('SELECT session_id FROM till_link WHERE cancellation_id = ?')
      .get(c.cancellationId) as { session_id: number };
    expect(link.session_id).toBe(second.sessionId);
    expect(
      (
        t.sqlite
          .prepare('SELECT session_id FROM till_link WHERE payment_id = ?')
          .get(p.paymentId) as {
          session_id: number;
        }
      ).session_id,
    ).toBe(first.sessionId);
    const frozenAfter = tillRows();
    expect(frozenAfter.sessions[0]).toEqual(frozen.sessions[0]);
    const preview = await t.call('till.closingPreview', {}, regisseur);
    expect(preview.modes.find((m) => m.mode === 'especes')).toMatchObject({
      cancellationCount: 1,
      cancelledCents: 4900,
      expectedCents: 15000 - 4900,
    });
    await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(10100) },
      regisseur,
    );
    const z = await t.call('till.zReport', { sessionId: second.sessionId }, regisseur);
    const pdf = await extractPdfText(pdfBytes(z.pdfBase64));
    expect(printed(pdf, `${p.receiptNumber} (session antérieure)`)).toBe(true);
    expect(
      printed(pdf, 'Total de la période : encaissé 0,00 €, annulé 49,00 €, net -49,00 €.'),
    ).toBe(true);
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('has no Z report before it is closed', async () => {
    const { sessionId } = await open();
    const e = await refusal(t.call('till.zReport', { sessionId }, regisseur));
    expect(e.error.reason).toBe('CAISSE_NON_CLOTUREE');
  });
});

describe('cash ceiling', () => {
  it('warns at 80 %, blocks above the ceiling, lets the régisseur override, and a versement unblocks', async () => {
    t.sqlite.prepare('UPDATE regie SET cash_ceiling_cents = 10000 WHERE id = ?').run(IDS.sco);
    await open();
    await t.call('payments.record', cash(4900), mandataire);
    let sco = (await t.call('till.status', {}, mandataire)).cash.find((c) => c.regieId === IDS.sco);
    expect(sco).toMatchObject({
      cashHeldCents: 4900,
      posteCashHeldCents: 4900,
      level: 'normal',
      warnAtCents: 8000,
      versementReminder: true,
    });
    await t.call('payments.record', cash(3500), mandataire);
    sco = (await t.call('till.status', {}, mandataire)).cash.find((c) => c.regieId === IDS.sco);
    expect(sco?.level).toBe('alerte');
    expect(sco?.messages[0]).toMatch(/approche du plafond/);

    const before = ledgerSnapshot(t.sqlite);
    const blocked = await refusal(t.call('payments.record', cash(2000), mandataire));
    expect(blocked.error.reason).toBe('PLAFOND_ENCAISSE');
    expect(blocked.error.message).toMatch(/Encaisse maximale.*84,00.*plafond 100,00/);
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
    // Other modes are not blocked.
    await t.call('payments.record', cheque(2000), mandataire);

    const overrideArgs = { regieId: IDS.sco, reason: 'Fin de mois, versement demain matin' };
    const denied = await t.send(
      'till.ceilingOverride',
      { commandId: newCommandId(), ...overrideArgs },
      mandataire,
    );
    expect(denied.ok ? null : denied.error.code).toBe('PERMISSION_REFUSEE');
    await t.call('till.ceilingOverride', { commandId: newCommandId(), ...overrideArgs }, regisseur);
    expect(
      t.sqlite
        .prepare("SELECT count(*) AS n FROM journal_entry WHERE kind = 'derogation_plafond'")
        .get(),
    ).toEqual({ n: 1 });
    await t.call('payments.record', cash(1000, IDS.martin), mandataire);
    sco = (await t.call('till.status', {}, mandataire)).cash.find((c) => c.regieId === IDS.sco);
    expect(sco).toMatchObject({ cashHeldCents: 9400, overrideActive: true });

    // The override lasts for the session only.
    await t.call(
      'till.close',
      {
        commandId: newCommandId(),
        cashCounts: countOf(15000 + 9400),
        chequesPresent: [],
        reasons: { cheque: 'Chèque remis au coffre' },
      },
      regisseur,
    );
    await open();
    const again = await refusal(t.call('payments.record', cash(1000, IDS.martin), mandataire));
    expect(again.error.reason).toBe('PLAFOND_ENCAISSE');
    await t.call(
      'till.movement',
      {
        commandId: newCommandId(),
        regieId: IDS.sco,
        kind: 'versement',
        amountCents: 9000,
        reason: 'Versement au comptable (sac n° 12)',
      },
      mandataire,
    );
    sco = (await t.call('till.status', {}, mandataire)).cash.find((c) => c.regieId === IDS.sco);
    expect(sco).toMatchObject({
      cashHeldCents: 400,
      level: 'normal',
      versementReminder: false,
      overrideActive: false,
    });
    await t.call('payments.record', cash(1000, IDS.martin), mandataire);
  });

  it('reminds when no versement happened in the last month', async () => {
    await open(regisseur);
    await t.call('payments.record', cash(1000), regisseur);
    await t.call(
      'till.movement',
      {
        commandId: newCommandId(),
        regieId: IDS.sco,
        kind: 'versement',
        amountCents: 500,
        reason: 'Versement au comptable',
      },
      regisseur,
    );
    let sco = (await t.call('till.status', {}, regisseur)).cash.find((c) => c.regieId === IDS.sco);
    expect(sco?.versementReminder).toBe(false);
    t.clock.ms = START + 31 * 24 * 3600_000;
    const token = await t.login('regisseur');
    sco = (await t.call('till.status', {}, token)).cash.find((c) => c.regieId === IDS.sco);
    expect(sco?.versementReminder).toBe(true);
    expect(sco?.messages.join(' ')).toMatch(/aucun versement au comptable depuis plus d’un mois/);
  });

  it('refuses to take out more cash than the till holds', async () => {
    await open();
    const e = await refusal(
      t.call(
        'till.movement',
        {
          commandId: newCommandId(),
          regieId: IDS.sco,
          kind: 'retrait',
          amountCents: 20000,
          reason: 'Erreur de saisie',
        },
        mandataire,
      ),
    );
    expect(e.error.reason).toBe('MOUVEMENT_SUPERIEUR_CAISSE');
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM till_movement').get()).toEqual({ n: 0 });
  });
});
