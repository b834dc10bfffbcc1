// Family portal activation codes: the alphabet, the printed form and the normalisation applied
// before hashing. Pure (no Node module) because the contract re-exports it to the screens; the
// hash itself is in access-code.ts.
/**
 * Symbols of an activation code. Both members of each look-alike pair are left out (0 O, 1 I L,
 * 2 Z, 5 S, 8 B, U V), so no two symbols of the alphabet can be mistaken for each other on paper.
 */
export const ACCESS_CODE_ALPHABET = '34679ACDEFGHJKMNPQRTWXY';
/**
 * 12 symbols from 23: 23^12 ≈ 2.2 × 10^16 codes (about 54 bits). At the portal's throttle (a
 * handful of tries per minute and address, far fewer per family), guessing one live code would
 * take longer than any code lives (60 days by default) by many orders of magnitude.
 */
export const ACCESS_CODE_LENGTH = 12;
/** Printed as three groups of four, e.g. 7KQ4-MX9C-TRH3. */
export const ACCESS_CODE_GROUP = 4;
export const DEFAULT_ACCESS_CODE_DAYS = 60;

/**
 * The form that is hashed: Unicode compatibility forms folded (a phone keyboard may give
 * full-width letters), upper case, and every space or dash removed (ASCII hyphen, Unicode
 * hyphens and dashes, minus sign), since families copy the groups with or without them.
 *
 * Deliberately no look-alike mapping (O to 0, I to 1...): none of the excluded characters is
 * ever printed, so a family has no reason to type one, and mapping a typed "O" to some symbol
 * of the alphabet would only be a guess. A code typed with such a character simply does not
 * match, and the portal says so.
 */
export function normaliseAccessCode(code: string): string {
  return code
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212]/g, '');
}

/** Whether a typed code, once normalised, has the length and the symbols of a real one. */
export function isWellFormedAccessCode(code: string): boolean {
  const n = normaliseAccessCode(code);
  if (n.length !== ACCESS_CODE_LENGTH) return false;
  for (const ch of n) if (!ACCESS_CODE_ALPHABET.includes(ch)) return false;
  return true;
}

/** "7KQ4MX9CTRH3" as printed: "7KQ4-MX9C-TRH3". */
export function formatAccessCode(code: string): string {
  const n = normaliseAccessCode(code);
  const groups: string[] = [];
  for (let i = 0; i < n.length; i += ACCESS_CODE_GROUP) {
    groups.push(n.slice(i, i + ACCESS_CODE_GROUP));
  }
  return groups.join('-');
}
