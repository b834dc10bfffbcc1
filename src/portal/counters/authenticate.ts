// Checks a signed sync request (PROTOCOL.md, "Authentication"), in an order that leaks as
// little as possible: headers, clock window, counter and signature (401 for anything that is
// not provably this counter), then revocation (403, only to a holder of the right secret),
// then the nonce, which is recorded only for a request that passed every other check so that
// garbage cannot fill the nonce table.
import { eq, lt } from 'drizzle-orm';
import { counterSecret } from '../auth/secrets';
import type { PortalDb } from '../db/open';
import { counter, syncNonce } from '../db/schema';
import { PortalError } from '../errors';
import { portalText } from '../messages';
import {
  HEADER_COUNTER,
  HEADER_NONCE,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
  NONCE_PATTERN,
  SIGNATURE_WINDOW_SECONDS,
  sha256Hex,
  signParts,
  signaturesMatch,
} from '../../shared/sync/signing';

export interface AuthenticatedCounter {
  id: string;
  posteCode: string;
  name: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query string exactly as received. */
  target: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | null;
}

function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Nonces older than twice the window can never be accepted again: no need to keep them. */
const NONCE_RETENTION_MS = 2 * SIGNATURE_WINDOW_SECONDS * 1000;
let lastPurge = 0;

export async function authenticateCounter(
  db: PortalDb,
  masterKey: Buffer,
  req: SignedRequest,
  now: Date,
): Promise<AuthenticatedCounter> {
  const counterId = header(req, HEADER_COUNTER);
  const timestamp = header(req, HEADER_TIMESTAMP);
  const nonce = header(req, HEADER_NONCE);
  const signature = header(req, HEADER_SIGNATURE);
  if (!counterId || !timestamp || !nonce || !signature) {
    throw new PortalError(401, 'SIGNATURE_MANQUANTE', portalText.signatureMissing);
  }
  if (!NONCE_PATTERN.test(nonce)) throw new PortalError(401, 'NONCE_INVALIDE', portalText.badNonce);
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  const delta = Number.isFinite(seconds) ? Math.round(seconds - now.getTime() / 1000) : Infinity;
  if (!Number.isFinite(delta) || Math.abs(delta) > SIGNATURE_WINDOW_SECONDS) {
    throw new PortalError(
      401,
      'HORODATAGE_HORS_FENETRE',
      portalText.clockSkew(Number.isFinite(delta) ? delta : 0),
      { serverTime: now.toISOString() },
    );
  }
  if (!UUID.test(counterId)) throw new PortalError(401, 'POSTE_INCONNU', portalText.counterUnknown);
  const [c] = await db.select().from(counter).where(eq(counter.id, counterId.toLowerCase()));
  if (!c) throw new PortalError(401, 'POSTE_INCONNU', portalText.counterUnknown);
  if (c.secretVersion === 0)
    throw new PortalError(401, 'POSTE_NON_ENROLE', portalText.counterNotEnrolled);

  const expected = signParts(counterSecret(masterKey, c.id, c.secretVersion), {
    method: req.method,
    target: req.target,
    timestamp,
    nonce,
    counterId,
    bodySha256: sha256Hex(req.rawBody ?? ''),
  });
  if (!signaturesMatch(expected, signature.toLowerCase())) {
    throw new PortalError(401, 'SIGNATURE_INVALIDE', portalText.signatureInvalid);
  }
  if (c.status === 'revoque') throw new PortalError(403, 'POSTE_REVOQUE', portalText.revoked);

  const inserted = await db
    .insert(syncNonce)
    .values({ counterId: c.id, nonce, seenAt: now })
    .onConflictDoNothing()
    .returning({ nonce: syncNonce.nonce });
  if (inserted.length === 0) throw new PortalError(401, 'NONCE_REJOUE', portalText.nonceReplayed);

  if (now.getTime() - lastPurge > 60_000) {
    lastPurge = now.getTime();
    await db
      .delete(syncNonce)
      .where(lt(syncNonce.seenAt, new Date(now.getTime() - NONCE_RETENTION_MS)));
  }
  await db.update(counter).set({ lastSeenAt: now }).where(eq(counter.id, c.id));
  return { id: c.id, posteCode: c.posteCode, name: c.name };
}
