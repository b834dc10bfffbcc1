// The fonts every printed document embeds. The PDF standard fonts only cover WinAnsi, which
// lacks the narrow no-break space French amounts use and prints "Œ" unreliably, so documents
// embed DejaVu (subset: only the glyphs used end up in the file, a few kilobytes each).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { DomainError } from '../errors';
import { registerEmbeddedFont } from './text';

export const fontFiles = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
} as const;

export type FontKey = keyof typeof fontFiles;

export interface PdfFonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/** Environment variable naming the folder that holds `fonts/` (the packaged app's resources). */
export const RESOURCES_DIR_ENV = 'GUICHET_RESOURCES_DIR';

const hasFonts = (dir: string): boolean => existsSync(join(dir, 'fonts', fontFiles.regular));

function moduleDir(): string | null {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    // A bundler may rewrite import.meta.url into something that is not a file URL.
    return null;
  }
}

/**
 * Finds the `resources` folder (the one holding `fonts/`). In order: the explicit parameter,
 * GUICHET_RESOURCES_DIR, Electron's resourcesPath (a packaged app keeps resources outside the
 * asar), then the first `resources/` met walking up from this module and from the working
 * directory (development from src/, tests, bundled out/ folder).
 */
export function resolveResourcesDir(override?: string): string {
  const explicit = override ?? process.env[RESOURCES_DIR_ENV];
  if (explicit) {
    const dir = resolve(explicit);
    if (hasFonts(dir)) return dir;
    throw new DomainError(
      'INTERNE',
      `Les polices des documents PDF sont introuvables dans « ${join(dir, 'fonts')} ». ` +
        `Vérifiez le dossier indiqué (${RESOURCES_DIR_ENV}) ou réinstallez l’application.`,
      'POLICES_INTROUVABLES',
    );
  }
  const candidates: string[] = [];
  const electronResources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (electronResources) candidates.push(electronResources, join(electronResources, 'resources'));
  for (const start of [moduleDir(), process.cwd()]) {
    if (start === null) continue;
    let dir = start;
    for (;;) {
      candidates.push(join(dir, 'resources'));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const found = candidates.find(hasFonts);
  if (found) return found;
  throw new DomainError(
    'INTERNE',
    'Les polices des documents PDF (dossier resources/fonts) sont introuvables. ' +
      `Réinstallez l’application ou indiquez leur dossier avec ${RESOURCES_DIR_ENV}.`,
    'POLICES_INTROUVABLES',
  );
}

// Font files are read once per process: a counter prints many receipts a day and the three
// files weigh 1.8 MB together.
const bytesCache = new Map<string, Uint8Array>();

export function loadFontBytes(key: FontKey, resourcesDir?: string): Uint8Array {
  const path = join(resolveResourcesDir(resourcesDir), 'fonts', fontFiles[key]);
  let bytes = bytesCache.get(path);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(path));
    bytesCache.set(path, bytes);
  }
  return bytes;
}

// Parsing a TrueType file is most of the cost of embedding it. pdf-lib parses the bytes it is
// given on every embed, so the fontkit handed to it returns one parsed font per file instead.
// The parsed font is only read from (each document builds its own subset), and its glyph
// caches are the very thing worth sharing.
type FontkitFont = ReturnType<typeof fontkit.create>;
const parsedCache = new WeakMap<Uint8Array, FontkitFont>();

// Shaping a string (fontkit's OpenType layout) is what pdf-lib does for every string it draws
// or measures, and it was the largest cost of a receipt (a third of its CPU time). Its result
// depends only on the font and the string, and pdf-lib only reads it, so each parsed font
// remembers its recent runs. Wrapping measures many candidate lines, so the memory is bounded:
// past the limit it is simply emptied (a receipt shapes a few hundred strings).
const LAYOUT_CACHE_LIMIT = 5_000;

type FontkitGlyph = ReturnType<FontkitFont['glyphForCodePoint']>;
type GlyphRun = ReturnType<FontkitFont['layout']>;

/**
 * Whether DejaVu's default shaping leaves `text` exactly as its characters map, glyph for
 * glyph. For Latin text the only substitutions DejaVu Sans and Sans Bold make by default are
 * the ligatures ff, fi, fl, ffi and ffl (feature liga); the others (ccmp) need a combining
 * mark, and the Unicode "default ignorable" characters (soft hyphen, zero-width and bidi
 * controls) are hidden by the shaper. Strings made only of Basic Latin, Latin-1, Latin
 * Extended-A, general punctuation and the euro sign, with none of those ligature pairs, are
 * therefore mapped directly. tests/core/pdf/fonts-shaping.test.ts compares both ways in the
 * three fonts (each such character, and each pair of those French text uses), so a new font
 * version that adds a substitution fails there instead of changing documents silently.
 */
export function needsNoShaping(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) {
      // "f" followed by "f", "i" or "l" starts a ligature.
      if (c === 0x66) {
        const next = text.charCodeAt(i + 1);
        if (next === 0x66 || next === 0x69 || next === 0x6c) return false;
      }
      continue;
    }
    if (c >= 0xa0 && c <= 0x17f && c !== 0xad) continue;
    if (
      c >= 0x2000 &&
      c <= 0x205f &&
      !(c >= 0x200b && c <= 0x200f) &&
      !(c >= 0x202a && c <= 0x202e)
    )
      continue;
    if (c === 0x20ac) continue;
    return false;
  }
  return true;
}

function memoizeLayout(font: FontkitFont): FontkitFont {
  const shape = font.layout.bind(font);
  const runs = new Map<string, GlyphRun>();
  // The glyph of each character met, so that mapping a string is one lookup per character
  // instead of one walk of the font's character map.
  const glyphs = new Map<number, FontkitGlyph>();
  const glyphOf = (code: number): FontkitGlyph => {
    let glyph = glyphs.get(code);
    if (!glyph) {
      glyph = font.glyphForCodePoint(code);
      glyphs.set(code, glyph);
    }
    return glyph;
  };
  font.layout = (text, features) => {
    if (features !== undefined) return shape(text, features);
    // Most strings of a document are plain Latin text that shaping would not change (names,
    // addresses, references, amounts: each family's are new to the cache). Shaping them costs
    // about as much as the whole rest of a coupon; mapping them costs almost nothing. pdf-lib
    // reads only the glyphs of a run (CustomFontEmbedder and CustomFontSubsetEmbedder, for
    // encoding and for widths, which are the glyphs' advance widths, kerning aside), so the
    // run returned here carries only those.
    if (needsNoShaping(text)) {
      const mapped: FontkitGlyph[] = [];
      for (let i = 0; i < text.length; i++) mapped.push(glyphOf(text.charCodeAt(i)));
      // Only `glyphs` is filled in, which is all pdf-lib reads (see above); no code of ours
      // calls layout directly.
      return { glyphs: mapped } as Partial<GlyphRun> as GlyphRun;
    }
    let run = runs.get(text);
    if (!run) {
      if (runs.size >= LAYOUT_CACHE_LIMIT) runs.clear();
      run = shape(text);
      runs.set(text, run);
    }
    return run;
  };
  return font;
}

/**
 * fontkit caches glyphs by id inside a parsed font, and the parsed font is shared by every
 * document of the process. Subsetting a composite glyph (a bold "Ç") loads its components (the
 * "C") without the character they stand for; the cached "C" then reaches the next documents
 * with no code point, and their text layer loses the letter (copy, search and text extraction
 * see "\u0001OMPTES" while the page looks right). The character is put back when it is known.
 */
function keepCodePoints(font: FontkitFont): FontkitFont {
  const getGlyph = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints?: number[]) => {
    const glyph = getGlyph(id, codePoints);
    if (codePoints?.length && glyph.codePoints.length === 0) glyph.codePoints = codePoints;
    return glyph;
  };
  return font;
}

const cachingFontkit: Parameters<PDFDocument['registerFontkit']>[0] = {
  create(buffer: Uint8Array, postscriptName?: string) {
    let font = parsedCache.get(buffer);
    if (!font) {
      font = keepCodePoints(memoizeLayout(fontkit.create(buffer, postscriptName)));
      parsedCache.set(buffer, font);
    }
    return font;
  },
};

/**
 * Embeds the requested DejaVu fonts (subset) into a document. Each embedded font costs several
 * milliseconds per document even when barely used, so a document asks only for those it draws
 * with.
 */
export async function embedFonts<K extends FontKey>(
  doc: PDFDocument,
  keys: readonly K[],
  resourcesDir?: string,
): Promise<Pick<PdfFonts, K>> {
  doc.registerFontkit(cachingFontkit);
  const embed = async (key: K): Promise<[K, PDFFont]> => {
    const bytes = loadFontBytes(key, resourcesDir);
    const font = await doc.embedFont(bytes, { subset: true });
    const parsed = cachingFontkit.create(bytes);
    registerEmbeddedFont(
      font,
      {
        ascent: parsed.ascent / parsed.unitsPerEm,
        descent: Math.abs(parsed.descent) / parsed.unitsPerEm,
      },
      parsed,
    );
    return [key, font];
  };
  // Sequential on purpose: embedding order decides the fonts' object numbers and name
  // suffixes, and the output must be byte-identical from one render to the next.
  const entries: [K, PDFFont][] = [];
  for (const key of keys) entries.push(await embed(key));
  return Object.fromEntries(entries) as Pick<PdfFonts, K>;
}
