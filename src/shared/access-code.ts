// The one normalisation and hash of family portal activation codes, which both the register
// (it stores and syncs only the hash) and the portal (it hashes what the family typed) must
// apply identically. Kept free of zod and of every other module of ours, so the portal can
// import this file alone.
import { createHash } from 'node:crypto';
import { normaliseAccessCode } from './access-code-format';

export {
  ACCESS_CODE_ALPHABET,
  ACCESS_CODE_GROUP,
  ACCESS_CODE_LENGTH,
  DEFAULT_ACCESS_CODE_DAYS,
  formatAccessCode,
  isWellFormedAccessCode,
  normaliseAccessCode,
} from './access-code-format';

/** Lower-case hex SHA-256 of the normalised code: what the register stores and syncs. */
export function accessCodeSha256(code: string): string {
  return createHash('sha256').update(normaliseAccessCode(code), 'utf8').digest('hex');
}
