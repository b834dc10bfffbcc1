// The quittance PDFs are read back with pdfjs and checked field by field: what matters is what
// the paper says, in both layouts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../../src/core/errors';
import { mm } from '../../../src/core/pdf/format';
import type { ReceiptData } from '../../../src/core/receipts/receipt-data';
import { renderReceiptPdf } from '../../../src/core/receipts/receipt-pdf';
import type { ReceiptLayout } from '../../../src/core/receipts/receipt-pdf';
import {
  countLines,
  extractPdfText,
  itemsOutside,
  listPdfFonts,
  normalizeSpaces,
  printed,
} from '../../helpers/pdf-text';
import type { PdfText } from '../../helpers/pdf-text';
import {
  cancelledReceipt,
  chequeReceipt,
  manyInvoicesReceipt,
  richReceipt,
} from './receipt-fixtures';

const layouts: ReceiptLayout[] = ['ticket', 'a5'];

const margins: Record<ReceiptLayout, { top: number; right: number; bottom: number; left: number }> =
  {
    ticket: { top: mm(4), right: mm(4), bottom: mm(4), left: mm(4) },
    a5: { top: mm(9), right: mm(12), bottom: mm(8), left: mm(12) },
  };

async function render(data: ReceiptData, layout: ReceiptLayout) {
  const bytes = await renderReceiptPdf(data, { layout });
  return { bytes, pdf: await extractPdfText(bytes) };
}

function expectPrinted(pdf: PdfText, needles: string[]): void {
  const missing = needles.filter((n) => !printed(pdf, n));
  expect(missing, `absent du PDF :\n${pdf.text}`).toEqual([]);
}

/**
 * The lines from the one naming an invoice to the next invoice (or a few lines on): the
 * amounts found there belong to that invoice, whatever the layout.
 */
function invoiceBlock(pdf: PdfText, invoiceNumber: string, allNumbers: string[]): string {
  const lines = pdf.pages.flatMap((p) => p.lines);
  const start = lines.findIndex((l) => l.includes(invoiceNumber));
  expect(start, `facture ${invoiceNumber} absente`).toBeGreaterThanOrEqual(0);
  const block: string[] = [];
  for (let i = start; i < Math.min(lines.length, start + 8); i++) {
    const line = lines[i] ?? '';
    if (i > start && allNumbers.some((n) => line.includes(n))) break;
    block.push(line);
  }
  return block.join('\n');
}

function expectAllocations(pdf: PdfText, data: ReceiptData, negate: boolean): void {
  const numbers = data.allocations.map((a) => a.invoiceNumber);
  for (const a of data.allocations) {
    const block = invoiceBlock(pdf, a.invoiceNumber, numbers);
    const allocated = (negate ? -Math.abs(a.allocatedCents) : a.allocatedCents) / 100;
    const euros = (v: number) =>
      `${v < 0 ? '-' : ''}${Math.abs(v)
        .toFixed(2)
        .replace('.', ',')
        .replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} €`;
    expect(block, a.invoiceNumber).toContain(euros(allocated));
    expect(block, a.invoiceNumber).toContain(euros(a.remainingCents / 100));
    expect(printed(pdf, a.invoiceLabel), a.invoiceLabel).toBe(true);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe.each(layouts)('receipt, %s layout', (layout) => {
  it('prints every field of a cash payment, accents and € included', async () => {
    const data = richReceipt();
    const { pdf } = await render(data, layout);
    expectPrinted(pdf, [
      'QUITTANCE',
      'N° R-SCO-P01-2026-000123',
      'COMMUNE DE SAINT-ŒUVRE-LÈS-GARÇONS',
      '1 place de l’Hôtel de Ville',
      '69123 Saint-Œuvre',
      'Régie scolaire et périscolaire',
      'Service Éducation, 3 rue des Écoles',
      'Tél. 04 78 12 34 56',
      'Poste P01',
      'Agent : Françoise Bégué',
      // 23:30 UTC on 5 March is already 6 March in Paris.
      'Le 06/03/2026 à 00:30',
      'Mme Hélène Lefèvre-Çelik',
      'Code famille : F-004217',
      '12 allée des Cœurs-Vaillants',
      'Bâtiment B, appartement 7',
      'Mode : Espèces',
      'Billets et pièces remis au guichet',
      'Somme remise 150,00 €',
      'Monnaie rendue 4,50 €',
      'Avoir créé 15,00 €',
      'Reste à payer 1 234,56 €',
      'Avoir disponible 20,75 €',
      'POUR CETTE RÉGIE',
      'Code de vérification : 7F3A-91C2',
      'journal inaltérable de la régie',
      'Document à conserver',
    ]);
    expect(printed(pdf, 'MONTANT PAYÉ')).toBe(true);
    expect(printed(pdf, '145,50 €')).toBe(true);
    expect(pdf.text).not.toContain('05/03/2026');
    expect(pdf.text).not.toContain('23:30');
    expectAllocations(pdf, data, false);
    expect(pdf.text).not.toMatch(/DUPLICATA/);
    expect(pdf.text).not.toMatch(/ANNULATION|annulée/i);
    expect(pdf.text).not.toContain('Avoir utilisé');
    // No character fell back to the "?" printable() puts in place of a missing glyph.
    expect(pdf.text).not.toContain('?');
  });

  it('prints the amount paid much larger than the text around it', async () => {
    const { pdf } = await render(richReceipt(), layout);
    const items = pdf.pages.flatMap((p) => p.items).filter((i) => i.str.trim() !== '');
    const amount = items.find((i) => normalizeSpaces(i.str) === '145,50 €');
    const body = items.find((i) => i.str.includes('Code famille'));
    expect(amount?.fontSize).toBeGreaterThanOrEqual(15);
    expect(amount?.fontSize ?? 0).toBeGreaterThan((body?.fontSize ?? 99) * 1.6);
  });

  it('prints a cheque’s details and the credit used, with no change given', async () => {
    const data = chequeReceipt();
    const { pdf } = await render(data, layout);
    expectPrinted(pdf, [
      'Mode : Chèque',
      'Banque : Crédit Agricole Centre-Est',
      'Chèque n° 8123456',
      'Tireur : M. Noël Lefèvre',
      'Avoir utilisé 5,00 €',
    ]);
    expect(pdf.text).not.toContain('Somme remise');
    expect(pdf.text).not.toContain('Monnaie rendue');
    expect(pdf.text).not.toContain('Avoir créé');
  });

  it('marks a duplicata, and only a duplicata', async () => {
    const original = await render(richReceipt(), layout);
    const copy = await render(richReceipt({ duplicata: true }), layout);
    expect(original.pdf.text).not.toContain('DUPLICATA');
    expect(countLines(copy.pdf, 'DUPLICATA')).toBeGreaterThanOrEqual(2);
    expect(copy.pdf.info.title).toBe('Quittance R-SCO-P01-2026-000123 (duplicata)');
    if (layout === 'a5') {
      // The diagonal mark behind the content, on every page.
      for (const page of copy.pdf.pages) {
        expect(page.items.some((i) => i.rotated && i.str === 'DUPLICATA')).toBe(true);
      }
    }
  });

  it('prints a cancellation: reason, who, Paris time, negative amounts', async () => {
    const data = cancelledReceipt();
    const { pdf } = await render(data, layout);
    expectPrinted(pdf, [
      'ANNULATION DE QUITTANCE',
      'N° R-SCO-P01-2026-000123',
      'Le 06/03/2026 à 09:15',
      'Cette quittance est annulée.',
      'Motif : Erreur de famille à la saisie : paiement enregistré sur le mauvais compte',
      // 08:15 UTC is 09:15 in Paris in March.
      'Annulée par Joël Maïté (régisseur titulaire) le 06/03/2026 à 09:15',
      'Les factures ci-dessous redeviennent payables.',
      'MONTANT ANNULÉ',
      '-145,50 €',
      'Avoir créé (annulé) -15,00 €',
      'FACTURES CONCERNÉES',
      'Reste à payer 1 365,06 €',
      'Avoir disponible 5,75 €',
      'Code de vérification : 7F3A-91C2',
    ]);
    expect(printed(pdf, 'il justifie l’annulation de la quittance')).toBe(true);
    expect(pdf.text).not.toContain('votre paiement');
    expect(pdf.text).not.toContain('MONTANT PAYÉ');
    expect(pdf.text).not.toContain('Somme remise');
    expectAllocations(pdf, data, true);
    expect(pdf.info.title).toBe('Annulation de quittance R-SCO-P01-2026-000123');
  });

  it('prints a cancellation negative whatever sign its amounts were stored with', async () => {
    const base = cancelledReceipt();
    const stored = cancelledReceipt({
      amountCents: -base.amountCents,
      creditCreatedCents: -base.creditCreatedCents,
      allocations: base.allocations.map((a) => ({ ...a, allocatedCents: -a.allocatedCents })),
    });
    const { pdf } = await render(stored, layout);
    expect(printed(pdf, '-145,50 €')).toBe(true);
    expect(pdf.text).not.toContain('--');
    expectAllocations(pdf, stored, true);
  });

  it('says so when a payment settles no invoice and goes entirely to credit', async () => {
    const paid = await render(
      richReceipt({
        allocations: [],
        creditCreatedCents: 14550,
        tenderedCents: 14550,
        changeCents: 0,
      }),
      layout,
    );
    expect(printed(paid.pdf, 'Aucune facture réglée : le montant est porté en avoir.')).toBe(true);
    expect(printed(paid.pdf, 'Avoir créé 145,50 €')).toBe(true);
    const cancelled = await render(cancelledReceipt({ allocations: [] }), layout);
    expect(printed(cancelled.pdf, 'Aucune facture concernée')).toBe(true);
    expect(cancelled.pdf.text).not.toContain('redeviennent payables');
  });

  it('converts summer instants to Paris time too (UTC+2)', async () => {
    const { pdf } = await render(richReceipt({ issuedAt: '2026-07-14T22:05:00Z' }), layout);
    expect(printed(pdf, 'Le 15/07/2026 à 00:05')).toBe(true);
  });

  it('wraps long labels and unbroken words inside the page, losing no character', async () => {
    const longWord = 'RÉFÉRENCE' + 'Œ0123456789'.repeat(12);
    const data = richReceipt({
      payer: {
        familyCode: 'F-000001',
        name: 'M. et Mme Jean-Baptiste François-Xavier de La Rochefoucauld-Œttinger-Lefèvre',
        addressLines: [longWord],
      },
      modeDetails: ['Détail : ' + 'très '.repeat(30).trim()],
      allocations: [
        {
          invoiceNumber: 'FAC-2026-999999',
          invoiceLabel: `Libellé ${longWord} suivi de mots ordinaires`,
          allocatedCents: 14550,
          remainingCents: 0,
        },
      ],
    });
    const { pdf } = await render(data, layout);
    expectPrinted(pdf, [data.payer.name, longWord, data.modeDetails[0] ?? '']);
    for (const page of pdf.pages) expect(itemsOutside(page, margins[layout])).toEqual([]);
  });

  it('embeds its fonts as small subsets and sets the document information', async () => {
    const { bytes, pdf } = await render(richReceipt(), layout);
    const fonts = await listPdfFonts(bytes);
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const font of fonts) {
      expect(font.embedded, font.baseFont).toBe(true);
      expect(font.baseFont).toMatch(/^DejaVuSans/);
    }
    // The three full fonts weigh 1.8 MB: only a subset can fit in this.
    expect(bytes.length).toBeLessThan(80_000);
    expect(pdf.info.title).toBe('Quittance R-SCO-P01-2026-000123');
    expect(pdf.info.author).toBe('Commune de Saint-Œuvre-lès-Garçons');
    expect(pdf.info.creator).toBe('Guichet');
    expect(pdf.info.producer).toContain('Guichet');
    expect(pdf.info.creationDate).toMatch(/^D:20260305233000/);
    expect(pdf.info.modDate).toMatch(/^D:20260305233000/);
  });

  it('gives the same bytes for the same data, whatever the clock says', async () => {
    const first = await renderReceiptPdf(richReceipt({ duplicata: true }), { layout });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-11-02T10:00:00Z'));
    const second = await renderReceiptPdf(richReceipt({ duplicata: true }), { layout });
    vi.useRealTimers();
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
    const other = await renderReceiptPdf(
      richReceipt({ duplicata: true, verificationCode: '0000-0001' }),
      {
        layout,
      },
    );
    expect(Buffer.from(other).equals(Buffer.from(first))).toBe(false);
  });

  it('keeps every fragment of text inside the printable area', async () => {
    for (const data of [richReceipt({ duplicata: true }), chequeReceipt(), cancelledReceipt()]) {
      const { pdf } = await render(data, layout);
      for (const page of pdf.pages) expect(itemsOutside(page, margins[layout])).toEqual([]);
    }
  });
});

describe('determinism', () => {
  it('gives the same bytes in a fresh process as in a warm one', async () => {
    const script = fileURLToPath(new URL('./render-fresh-process.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    const fresh = out.trim().split('\n');
    const warm: string[] = [];
    for (const layout of layouts) {
      for (const data of [richReceipt({ duplicata: true }), cancelledReceipt()]) {
        warm.push(Buffer.from(await renderReceiptPdf(data, { layout })).toString('base64'));
      }
    }
    expect(fresh).toHaveLength(4);
    expect(fresh).toEqual(warm);
  });
});

describe('paper size', () => {
  it('ticket: one page 80 mm wide, as tall as its content', async () => {
    const short = await render(
      richReceipt({ allocations: richReceipt().allocations.slice(0, 1) }),
      'ticket',
    );
    const long = await render(manyInvoicesReceipt(12), 'ticket');
    for (const { pdf } of [short, long]) {
      expect(pdf.pages).toHaveLength(1);
      expect(pdf.pages[0]?.width).toBeCloseTo(226.77, 1);
    }
    expect(long.pdf.pages[0]?.height ?? 0).toBeGreaterThan((short.pdf.pages[0]?.height ?? 0) + 200);
    // Everything of a long ticket is on its one page.
    for (const a of manyInvoicesReceipt(12).allocations)
      expect(printed(long.pdf, a.invoiceNumber)).toBe(true);
  });

  it('A5: every page is 148 × 210 mm', async () => {
    const { pdf } = await render(richReceipt(), 'a5');
    expect(pdf.pages).toHaveLength(1);
    expect(pdf.pages[0]?.width).toBeCloseTo(419.53, 1);
    expect(pdf.pages[0]?.height).toBeCloseTo(595.28, 1);
    expect(printed(pdf, 'page 1/1')).toBe(true);
  });

  it('A5 with 40 invoices: several pages, all 40 invoices, nothing outside the page', async () => {
    const data = manyInvoicesReceipt(40);
    const { pdf } = await render(data, 'a5');
    expect(pdf.pages.length).toBeGreaterThan(1);
    const count = pdf.pages.length;
    pdf.pages.forEach((page, i) => {
      expect(page.width).toBeCloseTo(419.53, 1);
      expect(page.height).toBeCloseTo(595.28, 1);
      expect(itemsOutside(page, margins.a5)).toEqual([]);
      expect(page.lines.some((l) => l.endsWith(`page ${i + 1}/${count}`))).toBe(true);
      // Each page that continues the table repeats its header.
      expect(page.lines).toContain('Facture Libellé Réglé Reste dû');
      if (i > 0) expect(page.lines[0]).toBe('Quittance N° R-SCO-P01-2026-000123 (suite)');
    });
    for (const a of data.allocations) {
      expect(countLines(pdf, a.invoiceNumber), a.invoiceNumber).toBe(1);
    }
    expectAllocations(pdf, data, false);
    // The closing block shares the last page with at least one invoice row.
    const last = pdf.pages.at(-1);
    expect(last?.lines.some((l) => l.includes('Code de vérification : 7F3A-91C2'))).toBe(true);
    expect(last?.lines.some((l) => l.includes('FAC-2025-'))).toBe(true);
    expect(printed(pdf, 'FACTURES RÉGLÉES (40)')).toBe(true);
  });
});

describe('refused data', () => {
  const cases: [string, ReceiptData, string][] = [
    ['an unreadable date', richReceipt({ issuedAt: 'hier soir' }), 'issuedAt'],
    ['non-integer cents', richReceipt({ amountCents: 145.5 }), 'amountCents'],
    ['a cancellation without its reason', richReceipt({ kind: 'annulation' }), 'cancellation'],
    [
      'a payment carrying a cancellation',
      richReceipt({
        cancellation: { reason: 'x', cancelledBy: 'y', cancelledAt: '2026-03-06T08:15:00Z' },
      }),
      'cancellation',
    ],
    ['an empty number', richReceipt({ receiptNumber: '' }), 'receiptNumber'],
  ];
  it.each(cases)('refuses %s, in French, changing nothing', async (_label, data, field) => {
    const before = structuredClone(data);
    const error = await renderReceiptPdf(data, { layout: 'a5' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    const domain = error as DomainError;
    expect(domain.code).toBe('VALIDATION');
    expect(domain.reason).toBe('QUITTANCE_INVALIDE');
    expect(domain.message).toContain('La quittance ne peut pas être imprimée');
    expect(domain.message).toContain(field);
    // zod's English wording must not leak into a message shown at the counter.
    expect(domain.message).not.toMatch(/Invalid|expected|received/);
    expect(data).toEqual(before);
  });

  it('refuses a fonts folder that does not exist, in French', async () => {
    const error = await renderReceiptPdf(richReceipt(), {
      layout: 'ticket',
      resourcesDir: '/nulle/part',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toContain('polices');
    expect((error as DomainError).message).toContain('/nulle/part');
  });
});
