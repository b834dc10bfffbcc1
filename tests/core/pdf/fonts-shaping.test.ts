// Plain Latin strings skip fontkit's OpenType shaping (fonts.ts, needsNoShaping): that is only
// right while shaping would leave them glyph for glyph as their characters map. This compares
// both ways with a freshly parsed font (not the memoised one the documents use), in the three
// fonts, over every accepted character alone and every ordered pair of the characters French
// text uses most, so a font update that adds a substitution fails here instead of silently
// changing printed documents. (Every pair of all accepted characters, 164,000 of them, was
// compared once when the fast path was written; it takes a minute, too long for every run.)
import fontkit from '@pdf-lib/fontkit';
import { describe, expect, it } from 'vitest';
import { createPdf, savePdf } from '../../../src/core/pdf/document';
import {
  fontFiles,
  loadFontBytes,
  needsNoShaping,
  type FontKey,
} from '../../../src/core/pdf/fonts';
import { extractPdfText } from '../../helpers/pdf-text';

/** Every character the fast path accepts on its own (Unicode ranges named in fonts.ts). */
function acceptedCharacters(): string[] {
  const out: string[] = [];
  for (let c = 0; c <= 0x20ff; c++) {
    const ch = String.fromCharCode(c);
    if (needsNoShaping(ch)) out.push(ch);
  }
  return out;
}

/** Basic Latin, Latin-1 and the other characters of French text: Œ, œ, Ÿ, quotes, dashes, €. */
const frenchCharacters = (): string[] =>
  acceptedCharacters().filter(
    (ch) => ch.charCodeAt(0) <= 0xff || 'ŒœŸ’‘“”«»…–—‑•\u202f€'.includes(ch),
  );

const ids = (glyphs: readonly { id: number }[]) => glyphs.map((g) => g.id).join(',');

describe('needsNoShaping', () => {
  it('accepts Latin text, amounts and French punctuation, and refuses the rest', () => {
    for (const s of [
      'Famille DUPOND-LEFÈVRE',
      '12 bis, allée des Œillets',
      'Total à payer 1\u202f619,00\u00a0€',
      'Réf. PayFiP BCH000000123 — échéance 20/03/2026',
      'Chèque à l’ordre de « Régie de recettes » …',
      'Łódź Ŵ ſ',
    ]) {
      expect(needsNoShaping(s), s).toBe(true);
    }
    for (const s of [
      'affiché', // ff and fi ligatures
      'office', // ffi
      'fleur', // fl
      'Αθήνα', // Greek
      'e\u0301', // combining accent (ccmp)
      'trait\u00addunion', // soft hyphen, hidden by the shaper
      'a\u200bb', // zero-width space
      '✂',
      'tab\there',
    ]) {
      expect(needsNoShaping(s), s).toBe(false);
    }
  });

  it.each(Object.keys(fontFiles) as FontKey[])(
    'gives exactly the glyphs full shaping gives, for each character and each pair of French ones (%s)',
    (key) => {
      const font = fontkit.create(loadFontBytes(key));
      const all = acceptedCharacters();
      expect(all.length).toBeGreaterThan(400);
      const singles = all.join(' ');
      expect(ids(font.layout(singles).glyphs)).toBe(ids(font.glyphsForString(singles)));
      const chars = frenchCharacters();
      expect(chars.length).toBeGreaterThan(200);
      let compared = 0;
      // One long string per first character holding every pair it starts, separated by spaces
      // (shaping one long string is much faster than thousands of short ones, and a
      // substitution that a pair triggers is triggered inside the long string too).
      for (const a of chars) {
        const pairs = chars.map((b) => a + b).filter((p) => needsNoShaping(p));
        const text = pairs.join(' ');
        expect(needsNoShaping(text)).toBe(true);
        expect(
          ids(font.layout(text).glyphs),
          `paires commençant par U+${a.charCodeAt(0).toString(16)}`,
        ).toBe(ids(font.glyphsForString(text)));
        compared += pairs.length;
      }
      // Only the ligature pairs (ff, fi, fl) are left out.
      expect(compared).toBe(chars.length * chars.length - 3);
    },
    60_000,
  );

  it('leaves to shaping the ligatures it refuses: they do change the glyphs in DejaVu Sans', () => {
    const font = fontkit.create(loadFontBytes('regular'));
    for (const s of ['ff', 'fi', 'fl']) {
      expect(ids(font.layout(s).glyphs)).not.toBe(ids(font.glyphsForString(s)));
    }
  });

  it('keeps widths and extracted text of plain and shaped strings', async () => {
    const { doc, fonts } = await createPdf(
      { title: 'Essai', author: 'Guichet', createdAt: '2026-03-16T09:30:00.000Z' },
      { fonts: ['regular', 'bold'] },
    );
    const page = doc.addPage([595, 842]);
    const lines = [
      'Famille LEFÈVRE Œdipe, 12 allée des Œillets',
      'Total à payer 1\u202f619,00\u00a0€',
      'Reçu affiché au bureau : office, fleur, fief',
    ];
    const fresh = fontkit.create(loadFontBytes('regular'));
    lines.forEach((s, i) => {
      // Width from the full layout of a fresh font, in points at size 10.
      const expected =
        fresh.layout(s).glyphs.reduce((w, g) => w + g.advanceWidth, 0) * (10 / fresh.unitsPerEm);
      expect(fonts.regular.widthOfTextAtSize(s, 10)).toBeCloseTo(expected, 6);
      page.drawText(s, {
        x: 40,
        y: 800 - i * 20,
        size: 10,
        font: i === 1 ? fonts.bold : fonts.regular,
      });
    });
    const pdf = await extractPdfText(await savePdf(doc));
    const text = pdf.text.replace(/\s+/g, ' ');
    expect(text).toContain('Famille LEFÈVRE Œdipe, 12 allée des Œillets');
    expect(text).toContain('Total à payer 1 619,00 €');
    expect(text).toContain('Reçu affiché au bureau : office, fleur, fief');
  });
});
