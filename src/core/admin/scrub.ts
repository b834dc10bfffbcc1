// Removes family personal data from text bound for support (log lines, journal payloads).
// Names, addresses and e-mails can reach a log line in many shapes (an error message quoting
// a search, a stack trace with a payload), so the text is not parsed: every word is compared
// with the words found in the families' records (names of families, responsables and
// children, address lines, cheque drawers), and e-mail addresses and phone numbers are masked
// by their shape. Over-masking a common word is the price of never leaking a name.
import type Database from 'better-sqlite3';

export const MASK = '[masqué]';

/** Words of addresses and names too common to identify anyone; masking them would gut the logs. */
const commonWords = new Set([
  'rue',
  'avenue',
  'boulevard',
  'place',
  'impasse',
  'chemin',
  'allee',
  'route',
  'quai',
  'cours',
  'square',
  'residence',
  'batiment',
  'appartement',
  'les',
  'des',
  'aux',
  'sur',
  'sous',
  'bis',
  'ter',
  'mme',
  'madame',
  'monsieur',
]);

export function normalizeWord(w: string): string {
  return w.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('fr-FR');
}

const wordPattern = /[\p{L}\p{M}]+/gu;
const emailPattern = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const phonePattern = /(?<!\d)(?:\+33[\s.-]?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)/g;

export interface Scrubber {
  scrub(text: string): string;
  /** Number of distinct words masked when found. */
  size: number;
}

/** Adds the words of `text`; `seen` spares normalizing a spelling met before (names repeat). */
function addWords(set: Set<string>, seen: Set<string>, text: string | null): void {
  if (!text) return;
  for (const m of text.matchAll(wordPattern)) {
    if (seen.has(m[0])) continue;
    seen.add(m[0]);
    const w = normalizeWord(m[0]);
    if (w.length >= 3 && !commonWords.has(w)) set.add(w);
  }
}

/** Collects the words of every family's personal data, streaming so a large base fits. */
export function buildScrubber(sqlite: Database.Database): Scrubber {
  const words = new Set<string>();
  const seen = new Set<string>();
  const queries = [
    'SELECT family_name AS t FROM family',
    `SELECT last_name || ' ' || first_name || ' ' || address_line1 || ' ' || COALESCE(address_line2, '')
       || ' ' || COALESCE(email, '') AS t FROM responsable`,
    "SELECT last_name || ' ' || first_name AS t FROM child",
    "SELECT json_extract(details, '$.drawer') AS t FROM payment WHERE json_extract(details, '$.drawer') IS NOT NULL",
  ];
  for (const sql of queries) {
    let rows: IterableIterator<{ t: string | null }>;
    try {
      rows = sqlite.prepare(sql).iterate() as IterableIterator<{ t: string | null }>;
    } catch {
      // A table missing from a damaged database: the other sources still count.
      continue;
    }
    for (const r of rows) addWords(words, seen, r.t);
  }
  // Log lines repeat the same words endlessly: each word's verdict is computed once.
  const verdicts = new Map<string, boolean>();
  const masked = (w: string) => {
    let v = verdicts.get(w);
    if (v === undefined) {
      v = words.has(normalizeWord(w));
      if (verdicts.size > 200_000) verdicts.clear();
      verdicts.set(w, v);
    }
    return v;
  };
  return {
    size: words.size,
    scrub(text) {
      return text
        .replace(emailPattern, '[courriel masqué]')
        .replace(phonePattern, '[téléphone masqué]')
        .replace(wordPattern, (w) => (masked(w) ? MASK : w));
    },
  };
}
