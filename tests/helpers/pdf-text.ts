// Reads a PDF back as text so tests can check what a document really prints, not what the code
// meant to print. pdfjs gives positioned fragments; lines are rebuilt from their baselines so a
// test can look for "Montant payé 49,00 €" the way a person reads it.
import { PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';

export interface PdfTextItem {
  str: string;
  /** Left of the fragment and its baseline, in PDF points from the bottom-left corner. */
  x: number;
  y: number;
  width: number;
  fontSize: number;
  /** True for text drawn at an angle (e.g. a diagonal DUPLICATA mark). */
  rotated: boolean;
}

export interface PdfPageText {
  pageNumber: number;
  width: number;
  height: number;
  /** Lines top to bottom, spaces normalised (see normalizeSpaces). */
  lines: string[];
  items: PdfTextItem[];
}

export interface PdfText {
  pages: PdfPageText[];
  /** Every page's lines joined with "\n", pages separated by a blank line. */
  text: string;
  info: {
    title?: string;
    author?: string;
    subject?: string;
    creator?: string;
    producer?: string;
    creationDate?: string;
    modDate?: string;
  };
}

/**
 * French typography puts no-break and narrow no-break spaces inside amounts ("1 234,56 €");
 * tests compare with plain spaces, so every kind of space becomes one ordinary space.
 */
export function normalizeSpaces(s: string): string {
  return s.replace(/[\s\u00a0\u202f\u2007\u2009]+/g, ' ').trim();
}

function isTextItem(item: unknown): item is TextItem {
  return typeof item === 'object' && item !== null && 'str' in item && 'transform' in item;
}

function buildLines(items: PdfTextItem[]): string[] {
  const straight = items.filter((i) => !i.rotated && i.str.trim() !== '');
  // Top to bottom, then left to right; fragments whose baselines are within a third of the
  // font size belong to the same printed line.
  straight.sort((a, b) => b.y - a.y || a.x - b.x);
  const groups: PdfTextItem[][] = [];
  for (const item of straight) {
    const current = groups.at(-1);
    const ref = current?.[0];
    if (
      current &&
      ref &&
      Math.abs(ref.y - item.y) <= Math.max(1, Math.min(ref.fontSize, item.fontSize) / 3)
    ) {
      current.push(item);
    } else {
      groups.push([item]);
    }
  }
  const lines = groups.map((group) => {
    group.sort((a, b) => a.x - b.x);
    let line = '';
    let end = Number.NEGATIVE_INFINITY;
    for (const item of group) {
      const gap = item.x - end;
      if (line !== '' && gap > item.fontSize * 0.15) line += ' ';
      line += item.str;
      end = item.x + item.width;
    }
    return normalizeSpaces(line);
  });
  // A rotated fragment (watermark) is kept as a line of its own so it never splices itself into
  // the middle of a line it happens to cross.
  for (const item of items) {
    if (item.rotated && item.str.trim() !== '') lines.push(normalizeSpaces(item.str));
  }
  return lines;
}

/** Extracts the text of every page of a PDF, with positions and the document information. */
export async function extractPdfText(bytes: Uint8Array): Promise<PdfText> {
  // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy so the caller's
  // bytes stay usable for further checks.
  const task = getDocument({
    data: bytes.slice(),
    verbosity: VerbosityLevel.ERRORS,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
  });
  const doc = await task.promise;
  try {
    const pages: PdfPageText[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = page.view;
      const content = await page.getTextContent();
      const items: PdfTextItem[] = content.items.filter(isTextItem).map((item) => {
        const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform as number[];
        return {
          str: item.str,
          x: e,
          y: f,
          width: item.width,
          fontSize: Math.hypot(c, d) || Math.hypot(a, b),
          rotated: Math.abs(b) > 1e-6 || Math.abs(c) > 1e-6,
        };
      });
      pages.push({
        pageNumber: n,
        width: x1 - x0,
        height: y1 - y0,
        lines: buildLines(items),
        items,
      });
      page.cleanup();
    }
    const { info } = await doc.getMetadata();
    const pick = (key: string): string | undefined => {
      const value = (info as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : undefined;
    };
    return {
      pages,
      text: pages.map((p) => p.lines.join('\n')).join('\n\n'),
      info: {
        title: pick('Title'),
        author: pick('Author'),
        subject: pick('Subject'),
        creator: pick('Creator'),
        producer: pick('Producer'),
        creationDate: pick('CreationDate'),
        modDate: pick('ModDate'),
      },
    };
  } finally {
    await doc.destroy();
  }
}

export interface PdfFontInfo {
  baseFont: string;
  subtype: string;
  /** True when the font program itself is inside the file (FontFile, FontFile2 or FontFile3). */
  embedded: boolean;
}

/**
 * Lists the fonts a PDF references, to prove text is drawn with embedded fonts rather than
 * with a viewer's substitute (which may lack "€" or "Œ").
 */
export async function listPdfFonts(bytes: Uint8Array): Promise<PdfFontInfo[]> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const { context } = doc;
  const fonts: PdfFontInfo[] = [];
  const nameOf = (value: unknown): string =>
    value instanceof PDFName ? value.decodeText() : String(value ?? '');
  const descriptorEmbeds = (fontDict: PDFDict): boolean => {
    const descriptor = context.lookupMaybe(fontDict.get(PDFName.of('FontDescriptor')), PDFDict);
    if (!descriptor) return false;
    return ['FontFile', 'FontFile2', 'FontFile3'].some((key) => descriptor.has(PDFName.of(key)));
  };
  for (const [, object] of context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict)) continue;
    if (object.get(PDFName.of('Type')) !== PDFName.of('Font')) continue;
    const subtype = nameOf(object.get(PDFName.of('Subtype')));
    if (subtype === 'CIDFontType2' || subtype === 'CIDFontType0') continue; // listed via Type0
    let embedded = descriptorEmbeds(object);
    if (subtype === 'Type0') {
      const descendants = context.lookupMaybe(object.get(PDFName.of('DescendantFonts')), PDFArray);
      const first = descendants ? context.lookupMaybe(descendants.get(0), PDFDict) : undefined;
      embedded = first ? descriptorEmbeds(first) : false;
    }
    fonts.push({ baseFont: nameOf(object.get(PDFName.of('BaseFont'))), subtype, embedded });
  }
  return fonts;
}

/** Text without any whitespace, for matching a phrase that the layout may have wrapped. */
export function compact(s: string): string {
  return s.replace(/[\s\u00a0\u202f\u2007\u2009]+/g, '');
}

/**
 * The text of each left-aligned column of a page: fragments that start at the same x, top to
 * bottom. Lines rebuilt across the whole width interleave side-by-side blocks (a letterhead,
 * two boxes, a table); a paragraph wrapped inside one of them reads back whole here.
 */
export function columnStreams(page: PdfPageText): string[] {
  const byX = new Map<number, PdfTextItem[]>();
  for (const item of page.items) {
    if (item.rotated || item.str.trim() === '') continue;
    const key = Math.round(item.x);
    byX.set(key, [...(byX.get(key) ?? []), item]);
  }
  return [...byX.values()].map((items) =>
    items
      .sort((a, b) => b.y - a.y)
      .map((i) => i.str)
      .join(' '),
  );
}

/**
 * True when `needle` is printed: on one line (spaces normalised), or wrapped over several
 * lines of the page or of one column (compared without whitespace, since a wrap turns a space
 * into a line break).
 */
export function printed(pdf: PdfText, needle: string): boolean {
  const n = normalizeSpaces(needle);
  if (pdf.pages.some((p) => p.lines.some((l) => l.includes(n)))) return true;
  const c = compact(needle);
  if (compact(pdf.text).includes(c)) return true;
  return pdf.pages.some((p) => columnStreams(p).some((stream) => compact(stream).includes(c)));
}

/** Number of lines, over all pages, that contain `needle` (spaces normalised). */
export function countLines(pdf: PdfText, needle: string): number {
  const n = normalizeSpaces(needle);
  return pdf.pages.reduce((sum, p) => sum + p.lines.filter((l) => l.includes(n)).length, 0);
}

/**
 * Visible text fragments that stick out of the page's printable area (margins in points, one
 * number for all four sides); a layout that lets text overflow shows up here. Rotated marks are
 * ignored. The top of a fragment is taken as its baseline plus its font size (a little above
 * the real ascent, so the check errs on the strict side).
 */
export function itemsOutside(
  page: PdfPageText,
  margin: number | { top: number; right: number; bottom: number; left: number },
  tolerance = 0.5,
): PdfTextItem[] {
  const m =
    typeof margin === 'number'
      ? { top: margin, right: margin, bottom: margin, left: margin }
      : margin;
  return page.items.filter(
    (i) =>
      !i.rotated &&
      i.str.trim() !== '' &&
      (i.x < m.left - tolerance ||
        i.x + i.width > page.width - m.right + tolerance ||
        i.y < m.bottom - tolerance ||
        i.y + i.fontSize > page.height - m.top + tolerance),
  );
}
