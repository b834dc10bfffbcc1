// The browser-mode host listens on the loopback interface, where any other program or web page
// opened on the same machine can reach it. Three barriers keep them out: a per-run secret that
// only the address printed at start carries (in the URL fragment, which browsers never send to
// a server and which therefore never appears in a log or in index.html), a Host header check
// against DNS rebinding, and security headers that forbid framing and foreign scripts.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export const SECRET_HEADER = 'x-guichet-secret';
export const SESSION_HEADER = 'x-guichet-session';

/** 32 random bytes, base64url: unguessable and safe in a URL fragment. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares a presented secret with the expected one in constant time. Both sides are hashed
 * first so that the comparison takes the same time whatever the presented length.
 */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The Host header a legitimate page sends: the loopback name it was opened with and the port we
 * listen on. A page served by another site whose DNS name was rebound to 127.0.0.1 sends its own
 * name here, and is refused.
 */
export function hostAllowed(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const h = hostHeader.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/**
 * A browser adds Origin to cross-origin and to POST requests. When present it must be our own
 * origin; its absence (curl, tests, same-origin GET) is left to the secret check.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
}

/**
 * Mantine writes its theme's CSS variables in a <style> element at run time, which a nonce-less
 * static build cannot allow by hash; styles therefore need 'unsafe-inline'. Scripts stay
 * strictly 'self': nothing inline, nothing from elsewhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
