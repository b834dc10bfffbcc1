// Text preparation for print: every string goes through printable() and wrapText() so a long
// label wraps inside its column instead of running off the paper, and a character the font
// cannot draw is replaced visibly rather than silently dropped.
import type { PDFFont } from 'pdf-lib';

export interface FontMetrics {
  /** Ascent and descent as fractions of the font size (both positive). */
  ascent: number;
  descent: number;
}

interface FontInfo {
  metrics: FontMetrics;
  /** Code points the font has a glyph for. */
  charset: Set<number>;
}

// pdf-lib's heightAtSize(size, { descender: false }) subtracts the descent in font units from
// a height in thousandths of an em, which is wrong for any font whose em is not 1000 units
// (DejaVu's is 2048). The embedding code records the true metrics here instead.
const fontInfo = new WeakMap<PDFFont, FontInfo>();
// Listing a font's characters walks its whole cmap; the list is the same for every document
// embedding the same file.
const charsetByFontFile = new WeakMap<object, Set<number>>();

/**
 * Records what the layout needs to know about an embedded font. `fontFile` identifies the
 * font program: the same object for every document embedding that file.
 */
export function registerEmbeddedFont(font: PDFFont, metrics: FontMetrics, fontFile: object): void {
  let charset = charsetByFontFile.get(fontFile);
  if (!charset) {
    charset = new Set(font.getCharacterSet());
    charsetByFontFile.set(fontFile, charset);
  }
  fontInfo.set(font, { metrics, charset });
}

const charsetCache = new WeakMap<PDFFont, Set<number>>();

function charset(font: PDFFont): Set<number> {
  const known = fontInfo.get(font)?.charset;
  if (known) return known;
  let set = charsetCache.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsetCache.set(font, set);
  }
  return set;
}

/** Metrics recorded at embedding, or a usual 80/20 split of pdf-lib's full font height. */
export function fontMetrics(font: PDFFont): FontMetrics {
  const known = fontInfo.get(font);
  if (known) return known.metrics;
  const full = font.heightAtSize(1);
  return { ascent: full * 0.8, descent: full * 0.2 };
}

/**
 * Makes a string safe to draw on one line with `font`: control characters and tabs become
 * spaces, and any character without a glyph becomes "?" (a visible sign that something was
 * there, instead of an empty box or a vanished letter).
 */
export function printable(text: string, font: PDFFont): string {
  const glyphs = charset(font);
  // Nearly every string printed is already printable: Latin characters the font has, which
  // NFC leaves unchanged (none of them decomposes or composes with a neighbour unless a
  // combining mark follows, and those are not in these ranges). A batch of coupons prints
  // tens of thousands of such strings, so they are returned as they are without being rebuilt.
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0x17f)) && glyphs.has(c);
  }
  if (plain) return text;
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0x2028 || cp === 0x2029) out += ' ';
    else if (glyphs.has(cp)) out += ch;
    else out += '?';
  }
  return out;
}

// Widths measured, per embedded font: a width depends only on the font, the size and the
// string, and documents measure the same strings again and again (wrapping measures each
// candidate line; a batch of coupons prints the same labels, dates and amounts on every page).
// Bounded like the layout cache: past the limit it is simply emptied.
const WIDTH_CACHE_LIMIT = 20_000;
const widthCache = new WeakMap<PDFFont, Map<string, number>>();

/** Width in points of a string already made printable. */
export function textWidth(text: string, font: PDFFont, size: number): number {
  let cache = widthCache.get(font);
  if (!cache) {
    cache = new Map();
    widthCache.set(font, cache);
  }
  const key = `${size}|${text}`;
  let width = cache.get(key);
  if (width === undefined) {
    width = font.widthOfTextAtSize(text, size);
    if (cache.size >= WIDTH_CACHE_LIMIT) cache.clear();
    cache.set(key, width);
  }
  return width;
}

function breakWord(word: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const ch of word) {
    if (current !== '' && textWidth(current + ch, font, size) > maxWidth) {
      parts.push(current);
      current = ch;
    } else {
      current += ch;
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}

/**
 * Splits text into lines no wider than maxWidth. Explicit line breaks are kept; words wrap at
 * spaces and after hyphens or slashes; a word longer than the whole width (an IBAN, a long
 * reference) is cut between characters rather than left to overflow. Always returns at least
 * one line.
 */
export function wrapText(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r\n|\r|\n|\u2028|\u2029/)) {
    const clean = printable(paragraph, font).replace(/ {2,}/g, ' ').trim();
    if (clean === '') {
      lines.push('');
      continue;
    }
    // Break opportunities: before a space (dropped at line end), after "-" or "/" (kept).
    let current = '';
    for (const match of clean.matchAll(/( ?)([^ \-/]+[-/]*|[-/]+)/g)) {
      const space = match[1] ?? '';
      const token = match[2] ?? '';
      const candidate = current === '' ? token : current + space + token;
      if (textWidth(candidate, font, size) <= maxWidth) {
        current = candidate;
        continue;
      }
      if (current !== '') lines.push(current);
      if (textWidth(token, font, size) <= maxWidth) {
        current = token;
      } else {
        const pieces = breakWord(token, font, size, maxWidth);
        current = pieces.pop() ?? '';
        lines.push(...pieces);
      }
    }
    lines.push(current);
  }
  return lines.length > 0 ? lines : [''];
}
