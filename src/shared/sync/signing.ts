// Request signing of the sync protocol (PROTOCOL.md, "Authentication"). Both sides use these
// functions: the portal to verify, the register's sync client (and the tests) to sign. Only
// node:crypto is imported; the renderer never imports this file (only the core and the portal
// do), so node:crypto does not reach its bundle.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_SCHEME = 'GUICHET-HMAC-SHA256-V1';
/** Requests whose timestamp is further than this from the portal's clock are refused. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export const HEADER_COUNTER = 'x-guichet-counter';
export const HEADER_TIMESTAMP = 'x-guichet-timestamp';
export const HEADER_NONCE = 'x-guichet-nonce';
export const HEADER_SIGNATURE = 'x-guichet-signature';

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedParts {
  method: string;
  /** The request target exactly as sent on the wire: path and query string, no host. */
  target: string;
  /** Unix time in seconds, as the decimal string sent in the header. */
  timestamp: string;
  nonce: string;
  counterId: string;
  /** Lower-case hex SHA-256 of the raw body bytes (of the empty string when there is none). */
  bodySha256: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The exact string that is signed: seven lines joined by "\n", no trailing newline. */
export function canonicalString(p: SignedParts): string {
  return [
    SIGNATURE_SCHEME,
    p.method.toUpperCase(),
    p.target,
    p.timestamp,
    p.nonce,
    p.counterId,
    p.bodySha256,
  ].join('\n');
}

/** The key is the 32 bytes of the base64url secret handed out at enrolment. */
export function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret, 'base64url');
  if (key.length < 32) throw new RangeError('Secret de poste invalide (32 octets attendus).');
  return key;
}

export function signParts(secret: string, p: SignedParts): string {
  return createHmac('sha256', secretKey(secret)).update(canonicalString(p), 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesMatch(expected: string, given: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export interface CounterCredentials {
  counterId: string;
  secret: string;
}

/** The four headers of a signed request. A retry is a new request: new timestamp and nonce. */
export function signRequest(
  creds: CounterCredentials,
  method: string,
  target: string,
  body: string | Uint8Array | undefined,
  opts: { now?: Date; nonce?: string } = {},
): Record<string, string> {
  const timestamp = String(Math.floor((opts.now ?? new Date()).getTime() / 1000));
  const nonce = opts.nonce ?? newNonce();
  const signature = signParts(creds.secret, {
    method,
    target,
    timestamp,
    nonce,
    counterId: creds.counterId,
    bodySha256: sha256Hex(body ?? ''),
  });
  return {
    [HEADER_COUNTER]: creds.counterId,
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_NONCE]: nonce,
    [HEADER_SIGNATURE]: signature,
  };
}
