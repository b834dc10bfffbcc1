// An access code goes to a real portal (PGlite, over HTTP, as in production): the portal accepts
// the operation as the register built it, stores the hash, and publishes the code back in its
// change feed, which the family page then reads (no longer waiting for sync).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodeSha256 } from '../../../src/shared/access-code';
import {
  enrolAndSync,
  openRegister,
  outboxCount,
  startPortal,
  type LivePortal,
  type TestRegister,
} from '../sync/sync-fixtures';
import { newCommandId } from '../fixtures';

let portal: LivePortal;
let reg: TestRegister;
beforeAll(async () => {
  portal = await startPortal();
  reg = await openRegister('P01');
  await enrolAndSync(portal, reg, 'P01');
}, 120_000);
afterAll(async () => {
  reg?.close();
  await portal?.close();
});

describe('an access code through sync', () => {
  it('is accepted by the portal, which keeps the hash and publishes the code back', async () => {
    const target = reg.core.sqlite
      .prepare(
        `SELECT a.family_id AS familyId, a.regie_id AS regieId, f.code AS familyCode
           FROM family_account a JOIN family f ON f.id = a.family_id ORDER BY a.id LIMIT 1`,
      )
      .get() as { familyId: number; regieId: number; familyCode: string } | undefined;
    if (!target) throw new Error('aucun compte famille tiré du portail');
    const issued = await reg.call('access.issue', { commandId: newCommandId(), ...target });
    expect(issued.accessCode?.pendingSync).toBe(true);
    const status = await reg.call('sync.now', {});
    expect(status.lastError).toBeNull();
    expect(outboxCount(reg)).toBe(0);
    expect(reg.core.sqlite.prepare('SELECT count(*) AS n FROM sync_rejected').get()).toEqual({
      n: 0,
    });
    const stored = await portal.database.withSession((s) =>
      s.query<{ code_sha256: string; status: string }>(
        'SELECT code_sha256, status FROM access_code WHERE ref = $1',
        [issued.accessCode?.ref],
      ),
    );
    expect(stored).toEqual([{ code_sha256: accessCodeSha256(issued.code ?? ''), status: 'emis' }]);
    const access = await reg.call('access.get', { familyId: target.familyId });
    expect(access.current).toMatchObject({
      ref: issued.accessCode?.ref,
      status: 'emis',
      pendingSync: false,
    });
    const mirrored = reg.core.sqlite
      .prepare("SELECT data FROM sync_mirror WHERE entity = 'access_code' AND key = ?")
      .get(issued.accessCode?.ref) as { data: string } | undefined;
    expect(JSON.parse(mirrored?.data ?? '{}')).toMatchObject({
      familyCode: target.familyCode,
      status: 'emis',
    });
  });
});
