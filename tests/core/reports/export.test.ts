// Exports read back: the CSV as a spreadsheet would read it (BOM, semicolons, CRLF, quoting,
// the formula guard, decimal comma, Paris dates), the PDF as text (rows, totals, the rule on
// cancellations, page n / N, repeated headers), and the technical journal entry that records
// each file with its SHA-256.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PDF_ROWS, type ExportFile, type Input } from '../../../src/shared/contract';
import { extractPdfText, printed, type PdfText } from '../../helpers/pdf-text';
import { IDS, newCommandId, openTestCore, rolloverTill, type TestCore } from '../fixtures';
import { everything, parseCsv, pay, refusal } from './report-helpers';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

const DAY2 = Date.parse('2026-03-17T09:00:00.000Z');
const period = { from: '2026-03-16', to: '2026-03-16' };

async function record(draft: Input<'payments.record'>): Promise<number> {
  t.clock.ms += 60_000;
  return (await t.call('payments.record', draft, regisseur)).paymentId;
}

/**
 * A day with a family whose name a spreadsheet would take for a formula, a cheque cancelled
 * the next day with a reason that needs quoting, and a payment partly put on credit.
 */
async function trickyDay(): Promise<void> {
  t.sqlite
    .prepare('UPDATE family SET family_name = ? WHERE id = ?')
    .run('=HYPERLINK("http://x";"clic")', IDS.martin);
  await record(pay.cash(4900));
  const cheque = await record(pay.cheque(12000, '1111111'));
  await record(pay.card(7000)); // Martin owes 60,00 €: 10,00 € go to his credit.
  t.clock.ms = DAY2;
  rolloverTill(t.sqlite, new Date(DAY2));
  regisseur = await t.login('regisseur');
  await t.call(
    'payments.cancel',
    {
      commandId: newCommandId(),
      paymentId: cheque,
      reason: '-1 chèque ; motif "illisible"\nà revoir',
    },
    regisseur,
  );
}

const bytesOf = (f: ExportFile) => new Uint8Array(Buffer.from(f.base64, 'base64'));

function lastExportEntry(): Record<string, unknown> & { seq: number } {
  const row = t.sqlite
    .prepare(
      "SELECT seq, agent_id, regie_id, payload FROM tech_journal_entry WHERE kind = 'export' ORDER BY seq DESC LIMIT 1",
    )
    .get() as { seq: number; agent_id: number; regie_id: number | null; payload: string };
  return {
    seq: row.seq,
    agentId: row.agent_id,
    regieId: row.regie_id,
    ...(JSON.parse(row.payload) as Record<string, unknown>),
  };
}

describe('journal of receipts as CSV', () => {
  it('reads back in a French spreadsheet: BOM, semicolons, CRLF, decimal comma, Paris time', async () => {
    await trickyDay();
    const file = await t.call(
      'reports.export',
      { report: 'recus', format: 'csv', period },
      regisseur,
    );
    expect(file.mimeType).toBe('text/csv');
    expect(file.fileName).toBe('journal-des-recus-toutes-regies-2026-03-16-au-2026-03-16.csv');
    const bytes = bytesOf(file);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = Buffer.from(bytes).toString('utf8').slice(1);
    expect(text.endsWith('\r\n')).toBe(true);
    // Every line break outside quotes is CRLF.
    expect(text.replace(/"[^"]*"/g, '').match(/(?<!\r)\n/)).toBeNull();
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([
      'Régie',
      'Poste',
      'N° de reçu',
      'Date',
      'Heure',
      'Code famille',
      'Famille',
      'Mode',
      'Montant',
      'Dont avoir',
      'Factures réglées',
      'Agent',
      'Annulé le',
      'Heure d’annulation',
      'Annulation dans la période',
      'Motif d’annulation',
      'Annulé par',
    ]);
    expect(rows).toHaveLength(4);
    expect(file.rowCount).toBe(3);
    expect(rows.every((r) => r.length === 17)).toBe(true);
    const [, cash, cheque, card] = rows;
    // 16 March 10:31 in Paris is 09:31 UTC.
    expect(cash?.slice(0, 12)).toEqual([
      'SCO',
      'P01',
      'R-SCO-P01-2026-000001',
      '16/03/2026',
      '10:31:00',
      'F00001',
      'DUPOND',
      'Espèces',
      '49,00',
      '',
      'FAC-SCO-0001',
      'Régine Titulaire',
    ]);
    // A reason that starts with "-" would be a formula: guarded; its ";", quotes and line
    // break survive the quoting.
    expect(cheque?.slice(12)).toEqual([
      '17/03/2026',
      '10:00:00',
      'non',
      '\'-1 chèque ; motif "illisible"\nà revoir',
      'Régine Titulaire',
    ]);
    expect(card?.[6]).toBe('\'=HYPERLINK("http://x";"clic")');
    expect(card?.slice(8, 11)).toEqual(['70,00', '10,00', 'FAC-SCO-0008']);
  });
});

describe('journal of receipts as PDF', () => {
  it('prints every row, the cancellation, the totals, the rule and page n / N in landscape', async () => {
    await trickyDay();
    const file = await t.call(
      'reports.export',
      {
        report: 'recus',
        format: 'pdf',
        period: { from: '2026-03-16', to: '2026-03-17' },
        regieId: IDS.sco,
      },
      regisseur,
    );
    expect(file.fileName).toBe('journal-des-recus-SCO-2026-03-16-au-2026-03-17.pdf');
    const pdf = await extractPdfText(bytesOf(file));
    expect(pdf.pages).toHaveLength(1);
    const page = pdf.pages[0];
    expect(page?.width).toBeGreaterThan(page?.height ?? 0);
    expect(pdf.info.title).toBe(
      'Journal des reçus – SCO – Régie scolaire et périscolaire – du 16/03/2026 au 17/03/2026',
    );
    for (const needle of [
      'VILLE DE TEST',
      'JOURNAL DES REÇUS',
      'Régie SCO – Régie scolaire et périscolaire',
      'Période du 16/03/2026 au 17/03/2026',
      'Édité le 17/03/2026 à 10:00 par Régine Titulaire',
      'R-SCO-P01-2026-000001',
      'R-SCO-P01-2026-000002',
      'R-SCO-P01-2026-000003',
      'Annulé le 17/03/2026 à 10:00 par Régine Titulaire',
      'avoir 10,00 €',
      'Total : 3 reçus',
      'Reçus de la période 3 reçus – 239,00 €',
      'Annulations de la période 1 annulation – -120,00 €',
      'Net de la période 119,00 €',
      'Les annulations sont comptées à leur propre date',
      'page 1 / 1',
    ]) {
      expect(printed(pdf, needle), needle).toBe(true);
    }
    // The 16th alone: the same cheque, cancelled after the period, is not deducted.
    const d1 = await t.call(
      'reports.export',
      { report: 'recus', format: 'pdf', period },
      regisseur,
    );
    const text1 = await extractPdfText(bytesOf(d1));
    expect(printed(text1, '(après la période)')).toBe(true);
    expect(printed(text1, 'Net de la période 239,00 €')).toBe(true);
  });

  it('repeats the table header on every page of a long journal', async () => {
    for (let i = 0; i < 90; i++) await record(pay.transfer(100 + i));
    const file = await t.call(
      'reports.export',
      { report: 'recus', format: 'pdf', period },
      regisseur,
    );
    const pdf: PdfText = await extractPdfText(bytesOf(file));
    expect(pdf.pages.length).toBeGreaterThanOrEqual(3);
    pdf.pages.forEach((p, i) => {
      const lines = p.lines.join('\n');
      if (i > 0)
        expect(lines, `page ${i + 1}`).toMatch(
          /Journal des reçus – Toutes les régies – le 16\/03\/2026 \(suite\)/,
        );
      if (i < pdf.pages.length - 1 || i === 0)
        expect(lines, `page ${i + 1}`).toMatch(/N° de reçu Date et heure Famille Mode Montant/);
      expect(lines).toMatch(new RegExp(`page ${i + 1} / ${pdf.pages.length}`));
    });
    for (let n = 1; n <= 90; n++) {
      expect(printed(pdf, `R-SCO-P01-2026-${String(n).padStart(6, '0')}`), String(n)).toBe(true);
    }
    expect(printed(pdf, `Total : 90 reçus`)).toBe(true);
    expect(file.rowCount).toBe(90);
  });
});

describe('export journal', () => {
  it('records every export with its report, format, period, régie, row count and SHA-256', async () => {
    await trickyDay();
    const controleur = await t.login('controleur');
    const file = await t.call(
      'reports.export',
      { report: 'recus', format: 'csv', period, regieId: IDS.sco },
      controleur,
    );
    const entry = lastExportEntry();
    const sha = createHash('sha256').update(bytesOf(file)).digest('hex');
    expect(file.sha256).toBe(sha);
    expect(entry).toEqual({
      seq: file.journalSeq,
      agentId: (
        t.sqlite.prepare("SELECT id FROM agent WHERE login = 'ccontrole'").get() as { id: number }
      ).id,
      regieId: IDS.sco,
      report: 'recus',
      format: 'csv',
      fileName: 'journal-des-recus-SCO-2026-03-16-au-2026-03-16.csv',
      from: '2026-03-16',
      to: '2026-03-16',
      regieCode: 'SCO',
      rows: 3,
      bytes: bytesOf(file).length,
      sha256: sha,
    });
    const verify = await t.call('journal.verify', {}, regisseur);
    expect(verify.technique.ok).toBe(true);

    const pdf = await t.call('reports.export', { report: 'avoirs', format: 'pdf' }, controleur);
    expect(lastExportEntry()).toMatchObject({
      report: 'avoirs',
      format: 'pdf',
      from: null,
      to: null,
      regieCode: null,
      rows: 1,
      sha256: createHash('sha256').update(bytesOf(pdf)).digest('hex'),
    });
  });

  it('refuses a PDF too long to print, in French, and records nothing', async () => {
    const insert = t.sqlite.transaction(() => {
      const family = t.sqlite.prepare('INSERT INTO family (code, family_name) VALUES (?, ?)');
      const account = t.sqlite.prepare(
        'INSERT INTO family_account (family_id, regie_id) VALUES (?, ?)',
      );
      for (let i = 0; i < MAX_PDF_ROWS; i++) {
        const id = Number(
          family.run(`G${String(i).padStart(6, '0')}`, `FAMILLE ${i}`).lastInsertRowid,
        );
        account.run(id, IDS.sco);
      }
    });
    insert();
    const before = everything(t.sqlite);
    const e = await refusal(
      t.call('reports.export', { report: 'soldes', format: 'pdf', nonZeroOnly: false }, regisseur),
    );
    expect(e.error.reason).toBe('EXPORT_TROP_VOLUMINEUX');
    expect(e.error.message).toMatch(/10\s004 lignes.*Exportez-la en CSV.*Rien n’a été exporté/);
    expect(everything(t.sqlite)).toEqual(before);
    const csv = await t.call(
      'reports.export',
      { report: 'soldes', format: 'csv', nonZeroOnly: false },
      regisseur,
    );
    expect(csv.rowCount).toBe(MAX_PDF_ROWS + 4);
    expect(parseCsv(Buffer.from(csv.base64, 'base64').toString('utf8').slice(1))).toHaveLength(
      MAX_PDF_ROWS + 5,
    );
  });
});

describe('the other reports as files', () => {
  it('exports totals, balances and credits as CSV and PDF with their figures', async () => {
    await trickyDay();
    const both = { from: '2026-03-16', to: '2026-03-17' };
    const totalsCsv = await t.call(
      'reports.export',
      { report: 'totaux', format: 'csv', period: both },
      regisseur,
    );
    const rows = parseCsv(Buffer.from(totalsCsv.base64, 'base64').toString('utf8').slice(1));
    expect(rows.at(-1)).toEqual(['Total', '', '', '3', '239,00', '1', '120,00', '119,00']);
    expect(rows.find((r) => r[0] === 'Mode' && r[2] === 'Chèque')).toEqual([
      'Mode',
      '',
      'Chèque',
      '1',
      '120,00',
      '1',
      '120,00',
      '0,00',
    ]);
    const totalsPdf = await extractPdfText(
      bytesOf(
        await t.call(
          'reports.export',
          { report: 'totaux', format: 'pdf', period: both },
          regisseur,
        ),
      ),
    );
    for (const needle of [
      'TOTAUX PAR MODE ET PAR RÉGIE',
      'Par mode de paiement',
      'Chèque 1 120,00 € 1 -120,00 € 0,00 €',
      'Total 3 239,00 € 1 -120,00 € 119,00 €',
    ]) {
      expect(printed(totalsPdf, needle), needle).toBe(true);
    }

    const balancesPdf = await extractPdfText(
      bytesOf(await t.call('reports.export', { report: 'soldes', format: 'pdf' }, regisseur)),
    );
    // The title is checked in the document information: the text layer of a bold "C" is lost
    // after an earlier document drew a bold "Ç" (a bug of the shared font cache in
    // src/core/pdf/fonts.ts, reported to its owner), which the printed page does not show.
    expect(balancesPdf.info.title).toBe('Soldes des comptes des familles – Toutes les régies');
    // Dupond: inv2 due again after the cancellation (120), inv3 (450) and the direct debit (25).
    expect(printed(balancesPdf, 'F00001 DUPOND SCO 595,00 € 0,00 € 595,00 €')).toBe(true);
    expect(printed(balancesPdf, 'F00003 BERNARD SPO 35,00 € 0,00 € 35,00 €')).toBe(true);
    expect(printed(balancesPdf, 'Total 710,00 € 10,00 € 700,00 €')).toBe(true);
    // Sorted by family name: the name starting with "=" comes first, as a spreadsheet would.
    expect(balancesPdf.pages[0]?.lines.filter((l) => l.startsWith('F0000'))).toEqual([
      'F00002 =HYPERLINK("http://x";"clic") SCO 0,00 € 10,00 € -10,00 €',
      'F00003 BERNARD SPO 35,00 € 0,00 € 35,00 €',
      'F00001 DUPOND SCO 595,00 € 0,00 € 595,00 €',
      'F00001 DUPOND SPO 80,00 € 0,00 € 80,00 €',
    ]);

    const creditsCsv = await t.call(
      'reports.export',
      { report: 'avoirs', format: 'csv', regieId: IDS.sco },
      regisseur,
    );
    expect(creditsCsv.fileName).toBe('avoirs-en-cours-SCO-2026-03-17.csv');
    expect(parseCsv(Buffer.from(creditsCsv.base64, 'base64').toString('utf8').slice(1))).toEqual([
      ['Code famille', 'Famille', 'Régie', 'Avoir', 'Dernier mouvement'],
      ['F00002', '\'=HYPERLINK("http://x";"clic")', 'SCO', '10,00', '16/03/2026'],
    ]);
  });
});
