// Which printer a document goes to: the receipt printer for 80 mm tickets, the A4 printer for
// everything else (A5 receipts, Z reports, deposit slips). Screens that know the layout say so;
// otherwise the width of the PDF's first page decides, read with the pdf.js the preview loads.
import type { PrintKind } from '../desktop/shell-bridge';

/** Must match TICKET_MAX_WIDTH_MM in src/main/printing.ts (checked by tests/renderer). */
export const TICKET_MAX_WIDTH_MM = 90;

export function printKindForWidth(widthPt: number): PrintKind {
  return (widthPt * 25.4) / 72 <= TICKET_MAX_WIDTH_MM ? 'ticket' : 'a4';
}

/** Reads the width, in points, of a PDF's first page. */
export type PageWidthReader = (bytes: Uint8Array) => Promise<number>;

export async function detectPrintKind(
  bytes: Uint8Array,
  readWidth: PageWidthReader,
): Promise<PrintKind> {
  return printKindForWidth(await readWidth(bytes));
}
