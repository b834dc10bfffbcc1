// Counter secrets are derived, not stored: secret = HMAC-SHA256(master key, counter id and
// secret version). The portal recomputes it to check a signature, so a stolen copy of the
// database signs nothing without the master key, and re-enrolling a counter (version + 1)
// invalidates its previous secret at once. The master key comes from
// GUICHET_PORTAL_MASTER_KEY, or from a 0600 file in the data folder created at first start;
// losing it means re-enrolling every counter, so it is backed up with the database.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PortalError } from '../errors';
import { portalText } from '../messages';

export const MASTER_KEY_FILE = 'master.key';

function decodeKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_=-]+$/.test(trimmed)) return null;
  const key = Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
  return key.length >= 32 ? key : null;
}

/**
 * The master key from the environment when set, else from (or into) the data folder.
 * `created` tells the caller to log that a new key file must be backed up.
 */
export function loadMasterKey(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { key: Buffer; created: boolean } {
  const fromEnv = env.GUICHET_PORTAL_MASTER_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = decodeKey(fromEnv);
    if (!key) throw new PortalError(500, 'CONFIGURATION', portalText.badMasterKey);
    return { key, created: false };
  }
  const file = path.join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8'));
    if (!key) throw new PortalError(500, 'CONFIGURATION', portalText.badMasterKey);
    return { key, created: false };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

/** The secret handed to a counter at enrolment, as base64url of 32 bytes. */
export function counterSecret(masterKey: Buffer, counterId: string, version: number): string {
  return createHmac('sha256', masterKey)
    .update(`guichet-counter-secret|v1|${counterId}|${version}`, 'utf8')
    .digest('base64url');
}
