// pdf.receipt.ticket and pdf.receipt.a5: milliseconds to render one quittance (a rich
// duplicata: two invoices with long labels, credit, cash tendered, watermark on A5). A receipt
// is printed while the family waits at the counter. The baseline is the smallest document with
// the same embedded fonts, so the ratio shows what the layout itself costs on any machine.
// 300 measured renders after 30 warm-up renders; BENCH_RECEIPT_RUNS changes the count.
import { createPdf, savePdf } from '../../../src/core/pdf/document';
import { renderReceiptPdf } from '../../../src/core/receipts/receipt-pdf';
import type { ReceiptLayout } from '../../../src/core/receipts/receipt-pdf';
import { richReceipt } from '../../core/receipts/receipt-fixtures';
import { registerBench, timeEachAsync } from '../registry';

const runs = Math.max(200, Number(process.env.BENCH_RECEIPT_RUNS) || 300);
const warmUp = 30;
const data = richReceipt({ duplicata: true });

async function renderOnce(layout: ReceiptLayout): Promise<void> {
  const bytes = await renderReceiptPdf(data, { layout });
  // A render that silently produced nothing would look very fast.
  if (bytes.length < 1000) throw new Error(`pdf.receipt.${layout} : PDF vide`);
}

async function minimalDocument(): Promise<void> {
  const { doc, fonts } = await createPdf(
    { title: 'Référence', author: 'Guichet', createdAt: data.issuedAt },
    { fonts: ['regular', 'bold'] },
  );
  const page = doc.addPage([226.77, 200]);
  page.drawText('Quittance 145,50 €', { x: 10, y: 100, size: 9, font: fonts.regular });
  page.drawText('QUITTANCE', { x: 10, y: 120, size: 15, font: fonts.bold });
  await savePdf(doc);
}

for (const layout of ['ticket', 'a5'] as const) {
  registerBench({
    name: `pdf.receipt.${layout}`,
    unit: 'ms',
    description: `renderReceiptPdf() d’une quittance riche (duplicata), mise en page ${layout}, ${runs} rendus`,
    async run(ctx) {
      ctx.progress(`${warmUp} rendus de chauffe…`);
      await timeEachAsync(warmUp, () => renderOnce(layout));
      ctx.progress(`${runs} rendus mesurés…`);
      return timeEachAsync(runs, () => renderOnce(layout));
    },
    baseline: {
      description: 'document d’une page avec les deux mêmes polices intégrées et deux lignes',
      async run() {
        await timeEachAsync(warmUp, minimalDocument);
        return timeEachAsync(runs, minimalDocument);
      },
    },
  });
}
