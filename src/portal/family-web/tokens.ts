// Random secrets handed to a browser (session ids, reset links) are stored only as SHA-256:
// a copy of the database opens no session and resets no password. The activation ticket that
// carries step 1 of activation to step 2 is signed instead of stored, since it only restates
// which access code was just proven.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A key for one purpose, derived from the portal's master key. */
export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  return createHmac('sha256', masterKey).update(`guichet-famille:${purpose}`).digest();
}

export function signTicket(key: Buffer, payload: string): string {
  const mac = createHmac('sha256', key).update(payload).digest('base64url');
  return `${Buffer.from(payload, 'utf8').toString('base64url')}.${mac}`;
}

/** The payload when the signature holds, else null. */
export function openTicket(key: Buffer, ticket: string): string | null {
  const [body, mac] = ticket.split('.');
  if (!body || !mac) return null;
  const payload = Buffer.from(body, 'base64url').toString('utf8');
  const expected = createHmac('sha256', key).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return payload;
}
