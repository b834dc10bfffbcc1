// The sliced writer: the file it writes is a valid PDF (every cross-reference entry points at
// its object, pdfjs reads the text back), it lets the event loop run while it writes, and a
// cancelled write leaves no file behind.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPdf } from '../../../src/core/pdf/document';
import { writePdfInSlices } from '../../../src/core/pdf/sliced-writer';
import { extractPdfText } from '../../helpers/pdf-text';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'guichet-sliced-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function document(pages: number) {
  const { doc, fonts } = await createPdf(
    { title: 'Essai', author: 'Guichet', createdAt: '2026-03-16T09:30:00.000Z' },
    { fonts: ['regular', 'bold'] },
  );
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([300, 200]);
    page.drawText(`Page ${i + 1} — Régie « Écoles »`, {
      x: 20,
      y: 150,
      size: 12,
      font: fonts.bold,
    });
    page.drawText(`Reste à payer : ${i},50 €`, { x: 20, y: 120, size: 10, font: fonts.regular });
  }
  return { doc, fonts: [fonts.regular, fonts.bold] };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('writePdfInSlices', () => {
  it('writes a PDF whose cross-reference table points at each object, read back by pdfjs', async () => {
    const { doc, fonts } = await document(40);
    const file = path.join(dir, 'essai.pdf');
    let turns = 0;
    const ok = await writePdfInSlices(doc, fonts, file, {
      yieldLoop: async () => {
        turns += 1;
        await turn();
      },
      sliceMs: 0,
    });
    expect(ok).toBe(true);
    // A slice of no time at all: the loop got a turn for every object.
    expect(turns).toBeGreaterThan(80);

    const bytes = readFileSync(file);
    const text = bytes.toString('latin1');
    expect(text.startsWith('%PDF-1.7\n')).toBe(true);
    expect(text.endsWith('%%EOF')).toBe(true);
    const xrefAt = Number(/startxref\n(\d+)\n%%EOF$/.exec(text)?.[1]);
    expect(text.slice(xrefAt, xrefAt + 5)).toBe('xref\n');
    const table = text.slice(xrefAt, text.indexOf('trailer', xrefAt));
    let checked = 0;
    let number = 0;
    for (const line of table.split('\n').slice(1)) {
      const sub = /^(\d+) (\d+)$/.exec(line);
      if (sub) {
        number = Number(sub[1]);
        continue;
      }
      const entry = /^(\d{10}) (\d{5}) ([nf]) $/.exec(line);
      if (!entry) continue;
      if (entry[3] === 'n') {
        const offset = Number(entry[1]);
        expect(text.slice(offset, offset + `${number} 0 obj`.length)).toBe(`${number} 0 obj`);
        checked += 1;
      }
      number += 1;
    }
    expect(checked).toBeGreaterThan(80);
    expect(/\/Size (\d+)/.exec(text.slice(xrefAt))?.[1]).toBe(String(checked + 1));

    const pdf = await extractPdfText(new Uint8Array(bytes));
    expect(pdf.pages).toHaveLength(40);
    expect(pdf.text).toContain('Page 40 — Régie « Écoles »');
    expect(pdf.text).toContain('Reste à payer : 39,50');
  });

  it('leaves nothing behind when cancelled', async () => {
    const { doc, fonts } = await document(30);
    const file = path.join(dir, 'annule.pdf');
    let turns = 0;
    const ok = await writePdfInSlices(doc, fonts, file, {
      yieldLoop: turn,
      cancelled: () => ++turns > 10,
      sliceMs: 0,
    });
    expect(ok).toBe(false);
    expect(existsSync(file)).toBe(false);
  });
});
