// Reads back the symbols drawn on a coupon page: each barcode or QR code is one filled path of
// rectangles in the page's content stream. Geometry is returned in PDF points.
import { decodePDFRawStream, PDFDocument, PDFName, PDFRawStream, PDFRef } from 'pdf-lib';

export interface DrawnRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export async function pageContents(bytes: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(bytes);
  return doc.getPages().map((page) => {
    const ref = page.node.get(PDFName.of('Contents'));
    const stream = ref instanceof PDFRef ? doc.context.lookup(ref) : ref;
    if (!(stream instanceof PDFRawStream)) throw new Error('contenu de page inattendu');
    return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
  });
}

/**
 * Every symbol of a page: the rectangles of each "q 0 0 0 rg a 0 0 d e f cm … f Q" group, drawn
 * in module units under a scaling matrix, brought back to page points.
 */
export function symbolGroups(content: string): DrawnRect[][] {
  const groups: DrawnRect[][] = [];
  for (const m of content.matchAll(/q 0 0 0 rg (\S+) 0 0 (\S+) (\S+) (\S+) cm\n([\s\S]*?)\nf Q/g)) {
    const [a, d, e, f] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    const rects = (m[5] ?? '').split('\n').map((line) => {
      const [x = 0, y = 0, w = 0, h = 0] = line.replace(/ re$/, '').split(' ').map(Number);
      // Module (x, y) lands at (e + a·x, f + d·y); d is negative, y grows downwards.
      return { x: e + a * x, y: f + d * (y + h), w: a * w, h: -d * h };
    });
    groups.push(rects);
  }
  return groups;
}

/** Bar and space widths in modules of a linear symbol drawn as bars of equal height. */
export function barWidths(rects: DrawnRect[]): number[] {
  const bars = [...rects].sort((a, b) => a.x - b.x);
  const module = Math.min(...bars.map((b) => b.w));
  const widths: number[] = [];
  bars.forEach((b, i) => {
    if (i > 0) {
      const prev = bars[i - 1]!;
      widths.push(Math.round((b.x - (prev.x + prev.w)) / module));
    }
    widths.push(Math.round(b.w / module));
  });
  return widths;
}

export function isLinear(rects: DrawnRect[]): boolean {
  const h = rects[0]?.h ?? 0;
  return rects.length > 10 && rects.every((r) => Math.abs(r.h - h) < 0.01 && r.h > r.w * 3);
}
