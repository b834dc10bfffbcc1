// Cash deposits at La Banque Postale (issue 4 item 7): the count split into a notes bag and a
// coins bag, the versement it takes out of the till (the same movement as till.movement, so
// the cash ceiling and the closing see it), the numbering, the refusals that change nothing,
// the warnings, and the slip read back from its PDF.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Input } from '../../../src/shared/contract';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import {
  IDS,
  countOf,
  emptyCount,
  newCommandId,
  openTestCore,
  pdfBytes,
  rolloverTill,
  type TestCore,
} from '../fixtures';
import { cashDraft, depositSnapshot, journalPayloads, record, refusal } from './deposit-helpers';

let t: TestCore;
let regisseur: string;
let mandataire: string;

beforeEach(async () => {
  t = await openTestCore();
  t.sqlite
    .prepare('UPDATE regie SET dft_account = ? WHERE id = ?')
    .run('FR76 1007 1690 0000 0020 0101 234', IDS.sco);
  regisseur = await t.login('regisseur');
  mandataire = await t.login('mandataire');
  // 229,00 € of cash for SCO in the drawer, on top of the 150,00 € float.
  await record(t, mandataire, [
    { ...cashDraft(4900, IDS.dupond), regieId: IDS.sco },
    { ...cashDraft(12000, IDS.dupond), regieId: IDS.sco },
    cashDraft(6000),
  ]);
});
afterEach(() => t.close());

const held = async () =>
  (await t.call('till.status', {}, mandataire)).cash.find((c) => c.regieId === IDS.sco)!;

const deposit = (
  counts: Partial<Input<'deposits.cashDeposit'>['counts']>,
  bags: { notesBag?: string; coinsBag?: string } = {},
  regieId: number = IDS.sco,
): Input<'deposits.cashDeposit'> => ({
  commandId: newCommandId(),
  regieId,
  counts: { ...emptyCount(), ...counts },
  ...bags,
});

describe('cash deposit', () => {
  it('records the versement, the deposit and its journal entry in one go', async () => {
    const args = deposit(
      { b100: 2, p200: 4, p100: 1 },
      { notesBag: 'LBP-000123', coinsBag: 'LBP-000124' },
    );
    const r = await t.call('deposits.cashDeposit', args, mandataire);
    expect(r.replayed).toBe(false);
    expect(r.warnings).toEqual([]);
    expect(r.deposit).toMatchObject({
      number: 'E-SCO-2026-0001',
      regieCode: 'SCO',
      notesCents: 20000,
      coinsCents: 900,
      totalCents: 20900,
      notesBag: 'LBP-000123',
      coinsBag: 'LBP-000124',
      agent: 'Marc Guichet',
      dftAccount: 'FR76 1007 1690 0000 0020 0101 234',
    });
    expect(r.deposit.notesCounts).toMatchObject({ b100: 2, b50: 0 });
    expect(r.deposit.coinsCounts).toMatchObject({ p200: 4, p100: 1, p1: 0 });
    expect(Object.keys(r.deposit.notesCounts)).toEqual([
      'b500',
      'b200',
      'b100',
      'b50',
      'b20',
      'b10',
      'b5',
    ]);
    const movement = t.sqlite.prepare('SELECT * FROM till_movement').get() as Record<
      string,
      unknown
    >;
    expect(movement).toMatchObject({
      kind: 'versement',
      regie_id: IDS.sco,
      amount_cents: -20900,
      reason: 'Dépôt d’espèces E-SCO-2026-0001 (La Banque Postale)',
      command_id: args.commandId,
    });
    const [mv] = journalPayloads(t.sqlite, 'mouvement_caisse');
    expect(mv).toMatchObject({ movementKind: 'versement', amountCents: -20900 });
    const [entry] = journalPayloads(t.sqlite, 'depot_especes');
    expect(entry).toMatchObject({
      number: 'E-SCO-2026-0001',
      totalCents: 20900,
      notesBag: 'LBP-000123',
      movementId: movement.id,
    });
    const status = await held();
    expect(status.cashHeldCents).toBe(22900 - 20900);
    expect(status.lastVersementAt).not.toBeNull();
    expect(status.versementReminder).toBe(false);

    // Replay: the first result, nothing new.
    const before = depositSnapshot(t.sqlite);
    const replay = await t.call('deposits.cashDeposit', args, mandataire);
    expect(replay).toEqual({ ...r, replayed: true });
    expect(depositSnapshot(t.sqlite)).toEqual(before);

    // The closing expects the drawer without the deposited cash.
    const preview = await t.call('till.closingPreview', {}, mandataire);
    expect(preview.modes.find((m) => m.mode === 'especes')).toMatchObject({
      movementsCents: -20900,
      expectedCents: 15000 + 22900 - 20900,
    });
    const closed = await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(17000) },
      mandataire,
    );
    expect(closed.lines.every((l) => l.differenceCents === 0)).toBe(true);
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('numbers per régie and Paris year', async () => {
    const a = await t.call(
      'deposits.cashDeposit',
      deposit({ b50: 1 }, { notesBag: 'SAC-0001' }),
      mandataire,
    );
    const b = await t.call(
      'deposits.cashDeposit',
      deposit({ b20: 3 }, { notesBag: 'SAC-0002' }),
      mandataire,
    );
    await record(t, mandataire, [
      {
        commandId: newCommandId(),
        familyId: IDS.bernard,
        regieId: IDS.spo,
        amountCents: 3500,
        method: { mode: 'especes' },
      },
    ]);
    const c = await t.call(
      'deposits.cashDeposit',
      deposit({ p200: 10, p100: 15 }, { coinsBag: 'SAC-0003' }, IDS.spo),
      mandataire,
    );
    expect([a, b, c].map((r) => r.deposit.number)).toEqual([
      'E-SCO-2026-0001',
      'E-SCO-2026-0002',
      'E-SPO-2026-0001',
    ]);
    expect(c.deposit).toMatchObject({ notesBag: null, coinsBag: 'SAC-0003', notesCents: 0 });
    t.clock.ms = Date.parse('2026-12-31T23:30:00.000Z'); // 1 January 2027 in Paris
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    const token = await t.login('mandataire');
    await record(t, token, [cashDraft(1000)]);
    const d = await t.call(
      'deposits.cashDeposit',
      deposit({ b10: 1 }, { notesBag: 'SAC-0004' }),
      token,
    );
    expect(d.deposit.number).toBe('E-SCO-2027-0001');
    const list = await t.call('deposits.cashDeposits', { regieId: IDS.sco }, token);
    expect(list.map((l) => l.number)).toEqual([
      'E-SCO-2027-0001',
      'E-SCO-2026-0002',
      'E-SCO-2026-0001',
    ]);
  });

  it('refuses, in French and changing nothing, a deposit that is empty, misses a bag, reuses one, or exceeds the cash', async () => {
    await t.call('deposits.cashDeposit', deposit({ b50: 1 }, { notesBag: 'SAC-0001' }), mandataire);
    // Logging in is journaled: done before the snapshot.
    const controleur = await t.login('controleur');
    const before = depositSnapshot(t.sqlite);
    const cases: [Input<'deposits.cashDeposit'>, string, RegExp][] = [
      [deposit({}), 'DEPOT_VIDE', /Aucun billet ni aucune pièce/],
      [
        deposit({ b20: 1, p200: 1 }, { coinsBag: 'SAC-0002' }),
        'SAC_DEPOT',
        /indiquez le numéro du sac des billets/,
      ],
      [
        deposit({ b20: 1, p200: 1 }, { notesBag: 'SAC-0002' }),
        'SAC_DEPOT',
        /indiquez le numéro du sac des pièces/,
      ],
      [
        deposit({ b20: 1 }, { notesBag: 'SAC-0002', coinsBag: 'SAC-0003' }),
        'SAC_DEPOT',
        /aucune pièce n’est comptée : retirez le numéro du sac des pièces/,
      ],
      [
        deposit({ b20: 1, p200: 1 }, { notesBag: 'SAC-0002', coinsBag: 'sac-0002' }),
        'SAC_DEPOT',
        /deux sacs différents/,
      ],
      [
        deposit({ b20: 1 }, { notesBag: 'sac-0001' }),
        'SAC_DEJA_UTILISE',
        /a déjà servi pour le dépôt E-SCO-2026-0001/,
      ],
      [
        deposit({ b100: 2 }, { notesBag: 'SAC-0009' }),
        'DEPOT_SUPERIEUR_ENCAISSE',
        /ce poste ne détient que 179,00\s€ d’espèces pour la Régie scolaire/,
      ],
    ];
    for (const [args, reason, message] of cases) {
      const e = await refusal(t.call('deposits.cashDeposit', args, mandataire));
      expect(e.error.reason, reason).toBe(reason);
      expect(e.error.message).toMatch(message);
      expect(e.error.message).toMatch(/Rien n’a été enregistré|rien n’a été enregistré/);
      expect(depositSnapshot(t.sqlite)).toEqual(before);
    }
    const badBag = await t.send(
      'deposits.cashDeposit',
      deposit({ b20: 1 }, { notesBag: 'n° 1' }),
      mandataire,
    );
    expect(badBag.ok ? null : badBag.error.message).toMatch(/Numéro de sac invalide/);
    const denied = await t.send(
      'deposits.cashDeposit',
      deposit({ b20: 1 }, { notesBag: 'SAC-0005' }),
      controleur,
    );
    expect(denied.ok ? null : denied.error.code).toBe('PERMISSION_REFUSEE');
    expect(depositSnapshot(t.sqlite)).toEqual(before);
  });

  it('takes the takings of earlier closings from the safe, without touching the drawer', async () => {
    rolloverTill(t.sqlite, new Date(t.clock.ms)); // the 229,00 € leave the drawer for the safe
    const before = await held();
    expect(before.cashHeldCents).toBe(22900);
    // More than the safe holds for the régie is refused, and so is an apport "from the safe".
    const tooMuch = await refusal(
      t.call(
        'deposits.cashDeposit',
        { ...deposit({ b100: 3 }, { notesBag: 'SAC-0009' }), source: 'coffre' },
        mandataire,
      ),
    );
    expect(tooMuch.error.reason).toBe('DEPOT_SUPERIEUR_ENCAISSE');
    const overSafe = await refusal(
      t.call(
        'till.movement',
        {
          commandId: newCommandId(),
          regieId: IDS.sco,
          kind: 'versement',
          amountCents: 30000,
          reason: 'Versement du coffre trop élevé',
          source: 'coffre',
        },
        mandataire,
      ),
    );
    expect(overSafe.error.reason).toBe('MOUVEMENT_SUPERIEUR_COFFRE');
    expect(overSafe.error.message).toMatch(/ne font que 229,00\s€/);
    const apport = await refusal(
      t.call(
        'till.movement',
        {
          commandId: newCommandId(),
          regieId: IDS.sco,
          kind: 'apport',
          amountCents: 1000,
          reason: 'Essai depuis le coffre',
          source: 'coffre',
        },
        mandataire,
      ),
    );
    expect(apport.error.reason).toBe('MOUVEMENT_COFFRE');

    const r = await t.call(
      'deposits.cashDeposit',
      {
        ...deposit({ b100: 2, p200: 4, p100: 1 }, { notesBag: 'SAC-0010', coinsBag: 'SAC-0011' }),
        source: 'coffre',
      },
      mandataire,
    );
    expect(r.deposit.totalCents).toBe(20900);
    // No "below the float" warning: the drawer was not touched.
    expect(r.warnings).toEqual([]);
    expect((await held()).cashHeldCents).toBe(22900 - 20900);
    const movement = t.sqlite
      .prepare('SELECT kind, source, amount_cents FROM till_movement WHERE id = ?')
      .get(
        (
          t.sqlite
            .prepare('SELECT movement_id FROM cash_deposit WHERE number = ?')
            .get(r.deposit.number) as {
            movement_id: number;
          }
        ).movement_id,
      );
    expect(movement).toEqual({ kind: 'versement', source: 'coffre', amount_cents: -20900 });

    // The drawer still holds exactly its float: closing with the float counted shows no
    // difference (a drawer versement would have shown a 209,00 € surplus).
    const preview = await t.call('till.closingPreview', {}, mandataire);
    const cash = preview.modes.find((m) => m.mode === 'especes')!;
    expect(cash.expectedCents).toBe(15000);
    const closed = await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(15000) },
      mandataire,
    );
    expect(closed.lines.find((l) => l.mode === 'especes')?.differenceCents).toBe(0);
    // The Z report says the versement came from the safe.
    const z = await extractPdfText(
      pdfBytes(
        (await t.call('till.zReport', { sessionId: closed.sessionId }, mandataire)).pdfBase64,
      ),
    );
    expect(printed(z, 'Versement au comptable (coffre, hors caisse)'), z.text).toBe(true);
  });

  it('needs an open till on the poste, and the cash in its drawer', async () => {
    rolloverTill(t.sqlite, new Date(t.clock.ms)); // the 229,00 € leave the drawer at closing
    const e = await refusal(
      t.call('deposits.cashDeposit', deposit({ b100: 2 }, { notesBag: 'SAC-0001' }), mandataire),
    );
    // The poste still holds the cash for the régie, but this session's drawer only has its
    // float: a deposit is a versement of the drawer, like till.movement.
    expect(e.error.reason).toBe('MOUVEMENT_SUPERIEUR_CAISSE');
    expect(e.error.message).toMatch(/la caisse ne doit contenir que 150,00\s€/);
    const status = await t.call('till.closingPreview', {}, mandataire);
    await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(status.modes[0]!.expectedCents) },
      mandataire,
    );
    const before = depositSnapshot(t.sqlite);
    const closed = await refusal(
      t.call('deposits.cashDeposit', deposit({ b50: 1 }, { notesBag: 'SAC-0001' }), mandataire),
    );
    expect(closed.error.reason).toBe('CAISSE_FERMEE');
    expect(depositSnapshot(t.sqlite)).toEqual(before);
  });

  it('warns under 50 € and when the drawer would fall below the float', async () => {
    const small = await t.call(
      'deposits.cashDeposit',
      deposit({ b20: 2 }, { notesBag: 'SAC-0001' }),
      mandataire,
    );
    expect(small.warnings).toHaveLength(1);
    expect(small.warnings[0]).toMatch(/La Banque Postale déconseille les dépôts de moins de 50,00/);
    const ok = await t.call(
      'deposits.cashDeposit',
      deposit({ b100: 1 }, { notesBag: 'SAC-0002' }),
      mandataire,
    );
    expect(ok.warnings).toEqual([]);
    // A new day: yesterday's takings left the drawer at closing, which now holds the float.
    // Depositing from it leaves less than the float for the next opening.
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    const low = await t.call(
      'deposits.cashDeposit',
      deposit({ b50: 1, b20: 1 }, { notesBag: 'SAC-0003' }),
      mandataire,
    );
    expect(low.warnings).toEqual([
      expect.stringMatching(
        /la caisse ne doit plus contenir que 80,00\s€.*moins que le fonds de caisse de 150,00\s€/,
      ),
    ]);
  });

  it('unblocks the cash ceiling exactly like a versement', async () => {
    t.sqlite.prepare('UPDATE regie SET cash_ceiling_cents = 23000 WHERE id = ?').run(IDS.sco);
    const blocked = await refusal(t.call('payments.record', cashDraft(500), mandataire));
    expect(blocked.error.reason).toBe('PLAFOND_ENCAISSE');
    expect((await held()).level).toBe('alerte');
    await t.call(
      'deposits.cashDeposit',
      deposit({ b100: 1 }, { notesBag: 'SAC-0001' }),
      mandataire,
    );
    expect(await held()).toMatchObject({ cashHeldCents: 12900, level: 'normal' });
    await t.call('payments.record', cashDraft(500), mandataire);
  });

  it('prints the deposit slip with the two bags, their counts and subtotals', async () => {
    const r = await t.call(
      'deposits.cashDeposit',
      deposit({ b100: 2, p200: 4, p100: 1 }, { notesBag: 'LBP-000123', coinsBag: 'LBP-000124' }),
      mandataire,
    );
    const file = await t.call(
      'deposits.cashDepositPdf',
      { depositId: r.deposit.depositId },
      regisseur,
    );
    expect(file.fileName).toBe('depot-especes-E-SCO-2026-0001-2026-03-16.pdf');
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    for (const text of [
      'VILLE DE TEST',
      'BORDEREAU DE DÉPÔT D’ESPÈCES',
      'N° E-SCO-2026-0001',
      'Régie Régie scolaire et périscolaire (SCO)',
      'Compte DFT FR76 1007 1690 0000 0020 0101 234',
      'Date 16/03/2026 à 10:30',
      'Préparé par Marc Guichet',
      'Billets — sac n° LBP-000123',
      'Billet de 100 € 2 200,00 €',
      'Sous-total billets 200,00 €',
      'Pièces — sac n° LBP-000124',
      'Pièce de 2 € 4 8,00 €',
      'Pièce de 1 € 1 1,00 €',
      'Sous-total pièces 9,00 €',
      'Montant total déposé 209,00 €',
      'Soit deux cent neuf euros.',
      'Le régisseur ou le déposant (nom, date et signature)',
      'La Banque Postale (cachet et date)',
    ]) {
      expect(printed(pdf, text), text).toBe(true);
    }
    expect(printed(pdf, 'Billet de 50 €')).toBe(false);
  });
});
