// Enrolment: a register exchanges a one-time code for its counter id and HMAC secret. The code
// is marked used in the same transaction that bumps the counter's secret version, so two
// registers racing with one code cannot both get a working secret (the row lock on the code
// serialises them and the second sees it used).
import { asc, eq } from 'drizzle-orm';
import { hashCode } from '../auth/codes';
import { counterSecret } from '../auth/secrets';
import type { PortalDb } from '../db/open';
import { counter, counterRegie, enrolmentCode, regie } from '../db/schema';
import { logEvent } from '../db/sql';
import { PortalError, parseInput } from '../errors';
import { portalText } from '../messages';
import { enrolRequestSchema, type EnrolResponse } from '../../shared/sync/schemas';
import { SIGNATURE_SCHEME } from '../../shared/sync/signing';

export async function enrolCounter(
  db: PortalDb,
  masterKey: Buffer,
  body: unknown,
  now: Date,
): Promise<EnrolResponse> {
  const { code, machine } = parseInput(enrolRequestSchema, body);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(enrolmentCode)
      .where(eq(enrolmentCode.codeHash, hashCode(code)))
      .for('update');
    if (!row) throw new PortalError(401, 'CODE_INVALIDE', portalText.enrolCodeInvalid);
    if (row.usedAt) throw new PortalError(401, 'CODE_DEJA_UTILISE', portalText.enrolCodeUsed);
    if (row.supersededAt)
      throw new PortalError(401, 'CODE_REMPLACE', portalText.enrolCodeSuperseded);
    if (row.expiresAt.getTime() <= now.getTime()) {
      throw new PortalError(401, 'CODE_EXPIRE', portalText.enrolCodeExpired);
    }
    const [c] = await tx.select().from(counter).where(eq(counter.id, row.counterId)).for('update');
    if (!c) throw new Error('code d’enrôlement sans poste');
    if (c.status === 'revoque') {
      throw new PortalError(403, 'POSTE_REVOQUE', portalText.posteRevoked(c.posteCode));
    }
    const version = c.secretVersion + 1;
    await tx.update(enrolmentCode).set({ usedAt: now }).where(eq(enrolmentCode.id, row.id));
    await tx
      .update(counter)
      .set({ status: 'actif', secretVersion: version, enrolledAt: now })
      .where(eq(counter.id, c.id));
    const regies = await tx
      .select({ code: regie.code, name: regie.name })
      .from(counterRegie)
      .innerJoin(regie, eq(regie.id, counterRegie.regieId))
      .where(eq(counterRegie.counterId, c.id))
      .orderBy(asc(regie.code));
    await logEvent(tx, 'counter.enrolled', c.posteCode, {
      posteCode: c.posteCode,
      secretVersion: version,
      machine: machine ?? null,
    });
    return {
      counterId: c.id,
      posteCode: c.posteCode,
      name: c.name,
      regies,
      secret: counterSecret(masterKey, c.id, version),
      signatureScheme: SIGNATURE_SCHEME,
      lastSeq: c.lastSeq,
      serverTime: now.toISOString(),
    };
  });
}
