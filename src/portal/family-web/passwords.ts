// Family passwords are hashed with scrypt from node:crypto (memory-hard, no native package to
// download). The parameters travel inside the stored string, so they can be raised later and
// old hashes still verify; a login with outdated parameters is the moment to re-hash.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** N = 2^15, r = 8, p = 1: OWASP's scrypt minimum; about 32 MiB and tens of ms per hash. */
export const SCRYPT_LOG_N = 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number) {
  const options: ScryptOptions = {
    N: 2 ** logN,
    r,
    p,
    // 128 * N * r bytes are needed; Node's default ceiling (32 MiB) is exactly that, too tight.
    maxmem: 256 * 2 ** logN * r,
  };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P);
  return [
    'scrypt',
    SCRYPT_LOG_N,
    SCRYPT_R,
    SCRYPT_P,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** A well-formed hash of nothing anyone knows: unknown logins still pay for one derivation. */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT_LOG_N}$${SCRYPT_R}$${SCRYPT_P}$${Buffer.alloc(SALT_LENGTH).toString('base64url')}$${Buffer.alloc(KEY_LENGTH).toString('base64url')}`;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![logN, r, p].every((n) => Number.isInteger(n) && n > 0) || logN > 20) return false;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password, salt, logN, r, p);
  return timingSafeEqual(key, expected);
}

/** The rule shown next to the field; long enough to resist guessing, no composition rules. */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
