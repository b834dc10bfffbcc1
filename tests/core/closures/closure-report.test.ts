// The closure PDFs read back as text: the monthly "état des recettes" for the comptable (per
// mode, per day, deposits, till differences, perpetual total, the amount in words, signature
// boxes) and the shorter daily one; a reprint is the same document byte for byte.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClosureView } from '../../../src/shared/contract';
import { extractPdfText, itemsOutside, printed, type PdfText } from '../../helpers/pdf-text';
import { IDS, newCommandId, openTill, pdfBytes } from '../fixtures';
import { at, close, closeTill, pay, regisseur, start, t, transfer, twoDays } from './scenario';

afterEach(() => t.close());

/** A validated cheque slip and a cash deposit (with its versement) on Wednesday 18 March. */
function depositsOnWednesday(): void {
  const agentId = (
    t.sqlite.prepare("SELECT id FROM agent WHERE role = 'regisseur'").get() as { id: number }
  ).id;
  const command = (id: string, when: string) =>
    t.sqlite
      .prepare(
        "INSERT INTO command (command_id, handler, request_hash, agent_id, created_at) VALUES (?, 'test', 'x', ?, ?)",
      )
      .run(id, agentId, when);
  const slipAt = '2026-03-18T10:00:00.000Z';
  const draft = newCommandId();
  const validate = newCommandId();
  command(draft, slipAt);
  command(validate, slipAt);
  t.sqlite
    .prepare(
      `INSERT INTO deposit_slip (command_id, regie_id, kind, status, selection, created_at, created_by, updated_at,
         validate_command_id, year, seq, number, validated_at, validated_by, item_count, total_cents, journal_seq)
       VALUES (?, ?, 'cheque', 'validated', '[]', ?, ?, ?, ?, 2026, 1, 'B-SCO-2026-0001', ?, ?, 2, 25000, 1)`,
    )
    .run(draft, IDS.sco, slipAt, agentId, slipAt, validate, slipAt, agentId);
  const sessionId = openTill(t.sqlite, { now: new Date('2026-03-18T08:00:00.000Z') });
  const cashAt = '2026-03-18T11:00:00.000Z';
  const movementCommand = newCommandId();
  command(movementCommand, cashAt);
  const movement = t.sqlite
    .prepare(
      `INSERT INTO till_movement (command_id, session_id, regie_id, kind, amount_cents, reason, agent_id, at, journal_seq)
       VALUES (?, ?, ?, 'versement', -6000, 'Dépôt à La Banque Postale', ?, ?, 1)`,
    )
    .run(movementCommand, sessionId, IDS.sco, agentId, cashAt);
  t.sqlite
    .prepare(
      `INSERT INTO cash_deposit (command_id, regie_id, session_id, movement_id, year, seq, number, notes_counts, coins_counts,
         notes_cents, coins_cents, total_cents, notes_bag, coins_bag, deposited_at, agent_id, journal_seq)
       VALUES (?, ?, ?, ?, 2026, 1, 'E-SCO-2026-0001', '{}', '{}', 5000, 1000, 6000, 'SAC-0001', 'SAC-0002', ?, ?, 1)`,
    )
    .run(movementCommand, IDS.sco, sessionId, movement.lastInsertRowid, cashAt, agentId);
}

let march: { closure: ClosureView; alsoClosed: ClosureView[] };
let monthPdf: PdfText;
let monthBase64: string;

async function setUp(): Promise<void> {
  await start();
  t.sqlite
    .prepare("UPDATE regie SET dft_account = 'DFT 30001 00064 C6910000000 12' WHERE id = ?")
    .run(IDS.sco);
  await twoDays({ cashShortOnTuesdayCents: 200 });
  await at('2026-03-18T08:00:00.000Z');
  depositsOnWednesday();
  await at('2026-03-18T17:00:00.000Z');
  closeTill();
  await at('2026-04-01T06:00:00.000Z');
  march = await close('mois', '2026-03');
  const file = await t.call('closures.report', { closureId: march.closure.closureId }, regisseur);
  monthBase64 = file.pdfBase64;
  monthPdf = await extractPdfText(pdfBytes(file.pdfBase64));
}

describe('état des recettes', () => {
  it('counts the deposits and the till differences of the month, day by day', async () => {
    await setUp();
    expect(march.alsoClosed.map((c) => c.period)).toEqual([
      '2026-03-16',
      '2026-03-17',
      '2026-03-18',
    ]);
    const wednesday = march.alsoClosed[2]!.totals;
    expect(wednesday).toMatchObject({ paymentCount: 0, netCents: 0 });
    expect(wednesday.deposits).toEqual([
      {
        kind: 'cheque',
        number: 'B-SCO-2026-0001',
        at: '2026-03-18T10:00:00.000Z',
        count: 2,
        totalCents: 25000,
      },
      {
        kind: 'especes',
        number: 'E-SCO-2026-0001',
        at: '2026-03-18T11:00:00.000Z',
        count: 2,
        totalCents: 6000,
      },
    ]);
    const tuesday = march.alsoClosed[1]!.totals;
    expect(tuesday.tillDifferences).toEqual([
      expect.objectContaining({
        at: '2026-03-17T17:00:00.000Z',
        posteCode: 'P01',
        mode: 'especes',
        label: 'Espèces',
        differenceCents: -200,
        reason: 'Erreur de rendu de monnaie',
      }),
    ]);
    const m = march.closure.totals;
    expect(m.tillDifferenceCents).toBe(-200);
    expect(m.deposits.map((d) => d.number)).toEqual(['B-SCO-2026-0001', 'E-SCO-2026-0001']);
    expect(m.dftAccount).toBe('DFT 30001 00064 C6910000000 12');
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('prints every figure of the month for the comptable, with the amount in words', async () => {
    await setUp();
    const pdf = monthPdf;
    const seq = march.closure.journalSeq;
    const expectPrinted = (needle: string) => expect(printed(pdf, needle), needle).toBe(true);
    expectPrinted('VILLE DE TEST');
    expectPrinted('ÉTAT DES RECETTES – MARS 2026');
    expectPrinted('Régie SCO – Régie scolaire et périscolaire');
    expectPrinted('Compte DFT DFT 30001 00064 C6910000000 12');
    expectPrinted('Période du 01/03/2026 au 31/03/2026 inclus (heure de Paris)');
    expectPrinted('par Régine Titulaire');
    expectPrinted(`écriture n° ${seq}, code de vérification ${march.closure.verificationCode}`);
    // Per mode: count, collected, cancellations, cancelled, net.
    expectPrinted('Espèces 2 69,00 € 0 0,00 € 69,00 €');
    expectPrinted('Chèque 1 120,00 € 1 120,00 € 0,00 €');
    expectPrinted('Carte bancaire (TPE) 1 30,00 € 0 0,00 € 30,00 €');
    expectPrinted('Virement 1 100,00 € 0 0,00 € 100,00 €');
    expectPrinted('Total 5 319,00 € 1 120,00 € 199,00 €');
    expectPrinted('Annulations de la période : 1 pour 120,00 €');
    // Per day, from the daily closures.
    const [mon, tue, wed] = march.alsoClosed;
    expectPrinted(`16/03/2026 4 299,00 € 0,00 € 299,00 € n° ${mon!.journalSeq}`);
    expectPrinted(`17/03/2026 1 20,00 € 120,00 € -100,00 € n° ${tue!.journalSeq}`);
    expectPrinted(`18/03/2026 0 0,00 € 0,00 € 0,00 € n° ${wed!.journalSeq}`);
    expectPrinted('P01 R-SCO-P01-2026-000001 R-SCO-P01-2026-000005 5');
    expectPrinted('Avoirs créés par des trop-perçus 70,00 €');
    expectPrinted('Avoirs utilisés en règlement de factures (net des annulations) -25,00 €');
    expectPrinted('Variation des avoirs détenus par les familles 45,00 €');
    expectPrinted('Bordereau de remise de chèques B-SCO-2026-0001 18/03/2026 2 250,00 €');
    expectPrinted('Dépôt d’espèces (La Banque Postale) E-SCO-2026-0001 18/03/2026 2 60,00 €');
    expectPrinted('Total 310,00 €');
    expectPrinted('P01 / n° 2');
    expectPrinted('-2,00 €');
    expectPrinted('Erreur de rendu de monnaie');
    expectPrinted('Grand total perpétuel de la régie au 31/03/2026 à 24:00');
    expectPrinted('319,00 € 120,00 € 199,00 €');
    expectPrinted(
      'Arrêté le présent état à la somme de cent quatre-vingt-dix-neuf euros (199,00 €), montant net des recettes de la période.',
    );
    expectPrinted('Le régisseur');
    expectPrinted('Visa du comptable public');
    expectPrinted('Certifié exact, le :');
    expectPrinted('Signature et cachet :');
    expect(pdf.info.title).toBe('Clôture mensuelle – régie SCO – mars 2026');
    for (const page of pdf.pages) expect(itemsOutside(page, 30)).toEqual([]);
  });

  it('reprints the same document byte for byte, whatever happened since', async () => {
    await setUp();
    await at('2026-04-02T07:00:00.000Z');
    await pay(IDS.martin, 1234, transfer('VIR-0402'));
    t.sqlite
      .prepare("UPDATE agent SET display_name = 'Régine Nouvelle' WHERE role = 'regisseur'")
      .run();
    const again = await t.call(
      'closures.report',
      { closureId: march.closure.closureId },
      regisseur,
    );
    expect(again.pdfBase64).toBe(monthBase64);
    expect(again.fileName).toBe('etat-des-recettes-SCO-2026-03.pdf');
  });

  it('gives a day the same header and its totals, without the monthly tables', async () => {
    await setUp();
    const tuesday = march.alsoClosed[1]!;
    const file = await t.call('closures.report', { closureId: tuesday.closureId }, regisseur);
    expect(file.fileName).toBe('cloture-jour-SCO-2026-03-17.pdf');
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    const expectPrinted = (needle: string) => expect(printed(pdf, needle), needle).toBe(true);
    expectPrinted('CLÔTURE JOURNALIÈRE – 17/03/2026');
    expectPrinted('Période journée du 17/03/2026 (heure de Paris)');
    expectPrinted('Chèque 0 0,00 € 1 120,00 € -120,00 €');
    expectPrinted('Total 1 20,00 € 1 120,00 € -100,00 €');
    expectPrinted('Arrêté le présent état à la somme de moins cent euros (-100,00 €)');
    expectPrinted('Grand total perpétuel de la régie au 17/03/2026 à 24:00');
    expect(printed(pdf, 'Recettes par jour')).toBe(false);
    const missing = await t.send('closures.report', { closureId: 999 }, regisseur);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('INTROUVABLE');
  });
});
