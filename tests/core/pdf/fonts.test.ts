// The fonts folder must be found from the sources, the tests and a packaged app alike, and a
// wrong folder must say so in French instead of failing deep inside pdf-lib.
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors';
import { createPdf, savePdf } from '../../../src/core/pdf/document';
import { extractPdfText } from '../../helpers/pdf-text';
import { RESOURCES_DIR_ENV, loadFontBytes, resolveResourcesDir } from '../../../src/core/pdf/fonts';

const repoResources = resolve(__dirname, '../../../resources');
const savedEnv = process.env[RESOURCES_DIR_ENV];

afterEach(() => {
  if (savedEnv === undefined) delete process.env[RESOURCES_DIR_ENV];
  else process.env[RESOURCES_DIR_ENV] = savedEnv;
});

describe('resolveResourcesDir', () => {
  it('finds the repository’s resources folder by walking up from the module', () => {
    delete process.env[RESOURCES_DIR_ENV];
    expect(resolveResourcesDir()).toBe(repoResources);
  });

  it('prefers the parameter, then GUICHET_RESOURCES_DIR', () => {
    process.env[RESOURCES_DIR_ENV] = '/nulle/part';
    expect(resolveResourcesDir(repoResources)).toBe(repoResources);
    expect(() => resolveResourcesDir()).toThrow(DomainError);
    process.env[RESOURCES_DIR_ENV] = join(repoResources, '.');
    expect(resolveResourcesDir()).toBe(repoResources);
  });

  it('refuses a folder without fonts with a French message naming it', () => {
    const error = (() => {
      try {
        resolveResourcesDir('/tmp/pas-de-polices-ici');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('INTERNE');
    expect((error as DomainError).reason).toBe('POLICES_INTROUVABLES');
    expect((error as DomainError).message).toContain('/tmp/pas-de-polices-ici/fonts');
    expect((error as DomainError).message).toContain('introuvables');
  });
});

describe('loadFontBytes', () => {
  it('reads each font once and keeps it in memory', () => {
    const first = loadFontBytes('regular', repoResources);
    const again = loadFontBytes('regular', repoResources);
    expect(again).toBe(first);
    expect(first.byteLength).toBeGreaterThan(100_000);
    expect(loadFontBytes('mono', repoResources)).not.toBe(first);
  });
});

describe('shared parsed fonts', () => {
  // A bold "Ç" subset in one document used to leave the cached "C" glyph without its character,
  // and every later document of the process lost "C" from its text layer.
  it('keeps every letter in the text of later documents after a composite glyph', async () => {
    async function render(text: string): Promise<string> {
      const { doc, fonts } = await createPdf(
        { title: text, author: 'Test', createdAt: '2026-03-16T09:30:00.000Z' },
        { fonts: ['bold'] },
      );
      doc.addPage([300, 100]).drawText(text, { x: 10, y: 50, size: 14, font: fonts.bold });
      return (await extractPdfText(await savePdf(doc))).text;
    }
    expect(await render('JOURNAL DES REÇUS')).toContain('REÇUS');
    expect(await render('SOLDES DES COMPTES')).toContain('COMPTES');
  });
});
