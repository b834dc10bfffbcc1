// Renders the fixture receipts in a process of its own and prints each PDF in base64, one per
// line: the determinism test compares them with renders made in the test process, whose
// caches (parsed fonts, shaped strings) are already warm.
import { renderReceiptPdf } from '../../../src/core/receipts/receipt-pdf';
import { cancelledReceipt, richReceipt } from './receipt-fixtures';

for (const layout of ['ticket', 'a5'] as const) {
  for (const data of [richReceipt({ duplicata: true }), cancelledReceipt()]) {
    const bytes = await renderReceiptPdf(data, { layout });
    process.stdout.write(`${Buffer.from(bytes).toString('base64')}\n`);
  }
}
