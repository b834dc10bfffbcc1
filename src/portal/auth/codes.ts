// One-time enrolment codes. They are read aloud or copied by hand from the administrator to the
// counter, so the alphabet leaves out look-alikes (0/O, 1/I/L); 16 characters of a 31-letter
// alphabet carry about 79 bits, far beyond guessing in the 24 hours a code lives, so a plain
// SHA-256 is enough to store them (no slow hash needed, unlike a password).
import { createHash, randomInt } from 'node:crypto';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;

export function generateEnrolmentCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** Upper case, spaces and dashes removed: what the person typed, however they grouped it. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function hashCode(code: string): string {
  return createHash('sha256').update(normaliseCode(code), 'utf8').digest('hex');
}
