// Agent passwords are hashed with scrypt from node:crypto (no native dependency), with a
// per-password salt and the cost parameters stored alongside so they can be raised later: a
// hash made with weaker parameters is replaced at the agent's next successful login.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's recommendation for scrypt (2^17, 8, 1): about 128 MiB and a few hundred ms. */
export const PRODUCTION_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };

/**
 * The test suites log in several hundred times; at the production cost that is minutes of CPU
 * on a two-core machine and nothing more is tested. The unit-test configuration sets
 * GUICHET_TEST_SCRYPT_COST=1 explicitly, and only then is the cost 2^14: still real scrypt with
 * the same code path, 8 times cheaper. Nothing else can lower it.
 */
export const TEST_COST: ScryptCost = { N: 2 ** 14, r: 8, p: 1 };

export function currentCost(env: NodeJS.ProcessEnv = process.env): ScryptCost {
  return env.GUICHET_TEST_SCRYPT_COST === '1' ? TEST_COST : PRODUCTION_COST;
}

const KEYLEN = 32;

/** scrypt needs 128 * N * r bytes; Node refuses more than 32 MiB unless told. */
const maxmem = (c: ScryptCost) => 128 * c.N * c.r + 32 * 1024 * 1024;

export async function hashPassword(
  password: string,
  cost: ScryptCost = currentCost(),
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, KEYLEN, {
    ...cost,
    maxmem: maxmem(cost),
  });
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): (ScryptCost & { salt: string; hash: string }) | null {
  const [algo, n, rr, pp, salt, hash] = stored.split('$');
  if (algo !== 'scrypt' || !n || !rr || !pp || !salt || !hash) return null;
  const cost = { N: Number(n), r: Number(rr), p: Number(pp) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isSafeInteger(v) && v > 0)) return null;
  return { ...cost, salt, hash };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64');
  const cost = { N: parsed.N, r: parsed.r, p: parsed.p };
  const key = await scrypt(
    password.normalize('NFC'),
    Buffer.from(parsed.salt, 'base64'),
    expected.length,
    { ...cost, maxmem: maxmem(cost) },
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * True when the stored hash was made with a lower cost than today's: it is then replaced at
 * the next successful login. Never the other way round, so a lower cost cannot be forced back.
 */
export function needsRehash(stored: string, cost: ScryptCost = currentCost()): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  return parsed.N < cost.N || parsed.r < cost.r || parsed.p < cost.p;
}

let dummy: Promise<string> | null = null;

/**
 * Spends the time of one password check against a hash of today's cost, for the answers that
 * have no hash to check (unknown login, blocked account), so they cannot be told apart from a
 * wrong password by their timing.
 */
export async function spendPasswordTime(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(12).toString('base64'));
  await verifyPassword(password, await dummy);
}
