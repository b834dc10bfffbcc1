// Wrapping is what keeps long labels on the paper: every line must fit, and no character may
// be lost or reordered on the way.
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedFonts } from '../../../src/core/pdf/fonts';
import type { PdfFonts } from '../../../src/core/pdf/fonts';
import { printable, textWidth, wrapText } from '../../../src/core/pdf/text';

let fonts: PdfFonts;
beforeAll(async () => {
  fonts = await embedFonts(await PDFDocument.create(), ['regular', 'bold', 'mono']);
});

const joined = (lines: string[]) => lines.join('').replace(/\s+/g, '');

describe('wrapText', () => {
  it('keeps every line within the width and every character in order', () => {
    const text =
      'Accueil périscolaire du matin et du soir, mercredis récréatifs – Œuvre des écoles, ' +
      'régularisation 2025/2026 : 1 234,56 €';
    for (const width of [40, 80, 150, 300]) {
      const lines = wrapText(text, fonts.regular, 9, width);
      for (const line of lines)
        expect(textWidth(line, fonts.regular, 9)).toBeLessThanOrEqual(width);
      expect(joined(lines)).toBe(text.replace(/\s+/g, ''));
    }
  });

  it('breaks after hyphens and slashes, keeping them', () => {
    const lines = wrapText('Saint-Œuvre-lès-Garçons', fonts.bold, 12, 90);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]?.endsWith('-')).toBe(true);
    expect(lines.join('')).toBe('Saint-Œuvre-lès-Garçons');
  });

  it('cuts a word longer than the whole width between characters', () => {
    const word = 'FR7630006000011234567890189'.repeat(3);
    const lines = wrapText(word, fonts.mono, 10, 60);
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(textWidth(line, fonts.mono, 10)).toBeLessThanOrEqual(60);
    expect(lines.join('')).toBe(word);
  });

  it('never splits an amount at its no-break spaces', () => {
    const lines = wrapText('Total 1\u202f234\u202f567,89\u202f€', fonts.regular, 9, 70);
    expect(lines.some((l) => l.includes('1\u202f234\u202f567,89\u202f€'))).toBe(true);
  });

  it('keeps explicit line breaks and returns one empty line for empty text', () => {
    expect(wrapText('Ligne 1\nLigne 2', fonts.regular, 9, 200)).toEqual(['Ligne 1', 'Ligne 2']);
    expect(wrapText('', fonts.regular, 9, 200)).toEqual(['']);
  });
});

describe('printable', () => {
  it('keeps French letters, € and the narrow no-break space', () => {
    const s = 'Œuvre, ça coûte 1\u202f234,56\u202f€ « été »';
    expect(printable(s, fonts.regular)).toBe(s);
    expect(printable(s, fonts.mono)).toBe(s);
  });

  it('turns control characters into spaces and glyphless characters into "?"', () => {
    expect(printable('a\tb\u0007c', fonts.regular)).toBe('a b c');
    expect(printable('漢字', fonts.regular)).toBe('??');
  });

  it('composes decomposed accents, also next to plain Latin text', () => {
    // The plain Latin shortcut must not skip normalisation when a combining mark follows.
    expect(printable('Le\u0301a Lefe\u0300vre', fonts.regular)).toBe('Léa Lefèvre');
    expect(printable('Cre\u0301teil\t69100', fonts.mono)).toBe('Créteil 69100');
  });
});
