// The flow layout is shared by every printed document; these checks render real PDFs and read
// them back, as the documents' own tests do.
import { describe, expect, it } from 'vitest';
import { createPdf, savePdf } from '../../../src/core/pdf/document';
import type { PdfFonts } from '../../../src/core/pdf/fonts';
import { mm, pageSizes } from '../../../src/core/pdf/format';
import { Flow } from '../../../src/core/pdf/layout';
import { extractPdfText, itemsOutside } from '../../helpers/pdf-text';

const margin = { top: 30, right: 30, bottom: 30, left: 30 };

async function build(
  height: number | 'auto',
  draw: (flow: Flow, fonts: Pick<PdfFonts, 'regular' | 'bold'>) => void,
  continuation?: (flow: Flow) => void,
) {
  const { doc, fonts } = await createPdf(
    { title: 'Essai', author: 'Commune', createdAt: '2026-01-01T00:00:00Z' },
    { fonts: ['regular', 'bold'] },
  );
  const flow = new Flow({
    width: pageSizes.a5.width,
    height,
    margin,
    continuation,
  });
  draw(flow, fonts);
  flow.finish(doc);
  return extractPdfText(await savePdf(doc));
}

describe('Flow', () => {
  it('breaks pages when text runs past the bottom, losing no line', async () => {
    const pdf = await build(pageSizes.a5.height, (flow, fonts) => {
      for (let i = 1; i <= 120; i++) flow.text(`Ligne ${i}`, { font: fonts.regular, size: 10 });
    });
    expect(pdf.pages.length).toBeGreaterThan(1);
    const lines = pdf.pages.flatMap((p) => p.lines);
    expect(lines).toEqual(Array.from({ length: 120 }, (_, i) => `Ligne ${i + 1}`));
    for (const page of pdf.pages) expect(itemsOutside(page, margin)).toEqual([]);
  });

  it('grows an auto-height page to its content (roll paper)', async () => {
    const short = await build('auto', (flow, fonts) => {
      flow.text('Une ligne', { font: fonts.regular, size: 10 });
    });
    const long = await build('auto', (flow, fonts) => {
      for (let i = 0; i < 200; i++) flow.text(`Ligne ${i}`, { font: fonts.regular, size: 10 });
    });
    expect(long.pages).toHaveLength(1);
    expect(short.pages[0]?.height).toBeLessThan(100);
    expect(long.pages[0]?.height).toBeGreaterThan(200 * 12);
    expect(long.pages[0]?.lines).toHaveLength(200);
  });

  it('moves a kept-together block to the next page instead of cutting it', async () => {
    const pdf = await build(pageSizes.a5.height, (flow, fonts) => {
      const style = { font: fonts.regular, size: 10 };
      while (flow.remaining > 30) flow.text('remplissage', style);
      flow.keepTogether((f) => {
        f.text('Bloc ligne 1', style);
        f.text('Bloc ligne 2', style);
        f.text('Bloc ligne 3', style);
      });
    });
    expect(pdf.pages).toHaveLength(2);
    expect(pdf.pages[1]?.lines).toEqual(['Bloc ligne 1', 'Bloc ligne 2', 'Bloc ligne 3']);
  });

  it('repeats a table header and the continuation header on each new page', async () => {
    const pdf = await build(
      pageSizes.a5.height,
      (flow, fonts) => {
        flow.table({
          columns: [
            { header: 'N°', width: 40 },
            { header: 'Texte', width: 'fill' },
            { header: 'Montant', width: 60, align: 'right' },
          ],
          rows: Array.from({ length: 60 }, (_, i) => [String(i + 1), `Rang ${i + 1}`, `${i},00 €`]),
          headerStyle: { font: fonts.bold, size: 8 },
          bodyStyle: { font: fonts.regular, size: 9 },
        });
      },
      (flow) => flow.space(mm(5)),
    );
    expect(pdf.pages.length).toBeGreaterThan(1);
    for (const page of pdf.pages) expect(page.lines[0]).toBe('N° Texte Montant');
    const rows = pdf.pages.flatMap((p) => p.lines.slice(1));
    expect(rows).toEqual(Array.from({ length: 60 }, (_, i) => `${i + 1} Rang ${i + 1} ${i},00 €`));
  });

  it('right-aligns a right-aligned cell on the column edge', async () => {
    const pdf = await build('auto', (flow, fonts) => {
      flow.row([
        { text: 'Total', width: 'fill', style: { font: fonts.regular, size: 9 } },
        { text: '1 234,56 €', width: 80, style: { font: fonts.bold, size: 9 }, align: 'right' },
      ]);
    });
    const page = pdf.pages[0];
    const amount = page?.items.find((i) => i.str.includes('234,56'));
    expect(amount).toBeDefined();
    expect((amount?.x ?? 0) + (amount?.width ?? 0)).toBeCloseTo(
      (page?.width ?? 0) - margin.right,
      1,
    );
  });
});
