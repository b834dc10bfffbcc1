// The portal's PDFs embed the same DejaVu fonts as the register's (resources/fonts): the PDF
// standard fonts lack the narrow no-break space of French amounts. The portal may not import
// the register's core, so it finds the folder itself: GUICHET_RESOURCES_DIR, else the first
// resources/fonts met walking up from this module or from the working directory.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REGULAR = 'DejaVuSans.ttf';
const BOLD = 'DejaVuSans-Bold.ttf';

function findFontsDir(): string {
  const explicit = process.env.GUICHET_RESOURCES_DIR;
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  const candidates = explicit ? [path.join(path.resolve(explicit), 'fonts')] : [];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      candidates.push(path.join(dir, 'resources', 'fonts'));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const found = candidates.find((d) => existsSync(path.join(d, REGULAR)));
  if (!found)
    throw new Error(`Polices introuvables (cherchées dans ${candidates.slice(0, 3).join(', ')}…).`);
  return found;
}

let cache: { regular: Uint8Array; bold: Uint8Array } | null = null;

/** The font files' bytes, read once per process. */
export function portalFontBytes(): { regular: Uint8Array; bold: Uint8Array } {
  if (!cache) {
    const dir = findFontsDir();
    cache = {
      regular: readFileSync(path.join(dir, REGULAR)),
      bold: readFileSync(path.join(dir, BOLD)),
    };
  }
  return cache;
}
