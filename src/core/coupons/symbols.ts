// The two symbols printed on a coupon, encoded by maintained libraries and drawn as plain
// filled rectangles: a vector symbol stays sharp at any printer resolution and weighs a few
// hundred bytes, where a PNG per coupon would make a batch of 5,000 pages heavy and blurry.
//
// Code 128 comes from bwip-js (a port of Barcode Writer in Pure PostScript, about 0.5 ms a
// symbol). The QR code comes from lean-qr: bwip-js interprets PostScript and took 9 to 20 ms
// per QR code, most of a coupon batch's cost, where lean-qr takes about 1 ms. The tests decode
// what is drawn with an independent reader (jsQR) rather than trust either encoder.
import bwipjs from 'bwip-js/node';
import { correction, generate } from 'lean-qr';

/** A Code 128 symbol as bar and space widths in modules, starting with a bar. */
export interface LinearSymbol {
  text: string;
  /** Alternating bar, space, bar... widths in modules (1 to 4). */
  widths: number[];
  /** Total width in modules, quiet zones excluded. */
  modules: number;
}

/** A QR code as a square matrix of modules, row by row, true for dark. */
export interface MatrixSymbol {
  text: string;
  size: number;
  dark: boolean[];
}

/** Code 128 of an invoice reference (bwip-js picks the code sets that make it shortest). */
export function code128(text: string): LinearSymbol {
  const [raw] = bwipjs.raw('code128', text, {});
  if (!raw || !('sbs' in raw)) throw new Error('Code 128 : encodage inattendu');
  const widths = raw.sbs.slice();
  return { text, widths, modules: widths.reduce((a, b) => a + b, 0) };
}

/**
 * QR code of a URL, error correction M (15 % of the symbol may be damaged or stained and still
 * read, the usual choice for print). lean-qr picks the smallest version, the cheapest mix of
 * encoding modes and, as the standard asks, the mask with the lowest penalty.
 */
export function qrCode(text: string): MatrixSymbol {
  const code = generate(text, {
    minCorrectionLevel: correction.M,
    maxCorrectionLevel: correction.M,
  });
  const size = code.size;
  const dark = new Array<boolean>(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) dark[y * size + x] = code.get(x, y);
  }
  return { text, size, dark };
}

/** A filled rectangle in symbol units (modules), origin at the symbol's top-left corner. */
export interface ModuleRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The bars of a linear symbol, as rectangles one module tall: the caller scales the height. */
export function barRects(symbol: LinearSymbol): ModuleRect[] {
  const rects: ModuleRect[] = [];
  let x = 0;
  symbol.widths.forEach((w, i) => {
    if (i % 2 === 0) rects.push({ x, y: 0, w, h: 1 });
    x += w;
  });
  return rects;
}

/**
 * The dark modules of a matrix symbol, merged into horizontal runs per row: a QR code of a
 * typical portal URL has some 500 dark modules but only about 250 runs, so half the drawing.
 */
export function matrixRects(symbol: MatrixSymbol): ModuleRect[] {
  const rects: ModuleRect[] = [];
  for (let y = 0; y < symbol.size; y++) {
    let start = -1;
    for (let x = 0; x <= symbol.size; x++) {
      const dark = x < symbol.size && symbol.dark[y * symbol.size + x] === true;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        rects.push({ x: start, y, w: x - start, h: 1 });
        start = -1;
      }
    }
  }
  return rects;
}
