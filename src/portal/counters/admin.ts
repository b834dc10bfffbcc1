// Counters as the portal's administrator manages them: create one (and get its first
// enrolment code), issue a new code (a replaced PC, a lost code), revoke one, list them. Each
// action is journaled. Used by the admin HTTP API and by the command line.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { ENROLMENT_CODE_TTL_MS, generateEnrolmentCode, hashCode } from '../auth/codes';
import type { PortalDb } from '../db/open';
import { counter, counterRegie, enrolmentCode, regie } from '../db/schema';
import { logEvent, type PortalTx } from '../db/sql';
import { PortalError, parseInput } from '../errors';
import { portalText } from '../messages';

export const posteCodeSchema = z
  .string({ error: 'Code de poste manquant.' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2,8}$/, {
    error: 'Code de poste invalide : 2 à 8 lettres ou chiffres (ex. P03).',
  });

export const createCounterSchema = z.object({
  posteCode: posteCodeSchema,
  name: z
    .string({ error: 'Nom du poste manquant.' })
    .trim()
    .min(2, { error: 'Nom du poste trop court.' })
    .max(80, { error: 'Nom du poste trop long (80 caractères au plus).' }),
  /** Régie codes; absent: every régie of the commune. */
  regies: z.array(z.string().trim().toUpperCase()).min(1).max(20).optional(),
});
export type CreateCounterInput = z.input<typeof createCounterSchema>;

export interface IssuedCode {
  posteCode: string;
  counterId: string;
  code: string;
  expiresAt: string;
}

async function newCode(
  tx: PortalTx,
  counterId: string,
  now: Date,
): Promise<{ code: string; expiresAt: Date }> {
  // Only the latest code of a counter is valid: an older one still lying in a mailbox is dead.
  await tx
    .update(enrolmentCode)
    .set({ supersededAt: now })
    .where(
      and(
        eq(enrolmentCode.counterId, counterId),
        isNull(enrolmentCode.usedAt),
        isNull(enrolmentCode.supersededAt),
      ),
    );
  const code = generateEnrolmentCode();
  const expiresAt = new Date(now.getTime() + ENROLMENT_CODE_TTL_MS);
  await tx.insert(enrolmentCode).values({ counterId, codeHash: hashCode(code), expiresAt });
  return { code, expiresAt };
}

export async function createCounter(
  db: PortalDb,
  input: unknown,
  actor: string,
  now: Date,
): Promise<IssuedCode> {
  const { posteCode, name, regies } = parseInput(createCounterSchema, input);
  return db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: counter.id })
      .from(counter)
      .where(eq(counter.posteCode, posteCode));
    if (existing.length > 0)
      throw new PortalError(409, 'POSTE_EXISTANT', portalText.posteExists(posteCode));
    const scope = regies
      ? await tx
          .select({ id: regie.id, code: regie.code })
          .from(regie)
          .where(inArray(regie.code, regies))
      : await tx.select({ id: regie.id, code: regie.code }).from(regie).orderBy(asc(regie.code));
    const missing = (regies ?? []).find((c) => !scope.some((r) => r.code === c));
    if (missing) throw new PortalError(404, 'REGIE_INCONNUE', portalText.regieUnknown(missing));
    if (scope.length === 0) throw new PortalError(409, 'AUCUNE_REGIE', portalText.noRegie);
    const [row] = await tx
      .insert(counter)
      .values({ posteCode, name })
      .returning({ id: counter.id });
    if (!row) throw new Error('insertion du poste sans retour');
    await tx.insert(counterRegie).values(scope.map((r) => ({ counterId: row.id, regieId: r.id })));
    const { code, expiresAt } = await newCode(tx, row.id, now);
    await logEvent(tx, 'counter.created', actor, {
      posteCode,
      name,
      regies: scope.map((r) => r.code),
    });
    return { posteCode, counterId: row.id, code, expiresAt: expiresAt.toISOString() };
  });
}

async function counterByPoste(tx: PortalTx, posteCode: string) {
  const [row] = await tx
    .select()
    .from(counter)
    .where(eq(counter.posteCode, posteCode))
    .for('update');
  if (!row) throw new PortalError(404, 'POSTE_INCONNU', portalText.posteUnknown(posteCode));
  return row;
}

/** A new one-time code for an existing counter; enrolling with it replaces the old secret. */
export async function issueEnrolmentCode(
  db: PortalDb,
  rawPoste: string,
  actor: string,
  now: Date,
): Promise<IssuedCode> {
  const posteCode = parseInput(posteCodeSchema, rawPoste);
  return db.transaction(async (tx) => {
    const row = await counterByPoste(tx, posteCode);
    if (row.status === 'revoque')
      throw new PortalError(409, 'POSTE_REVOQUE', portalText.posteRevoked(posteCode));
    const { code, expiresAt } = await newCode(tx, row.id, now);
    await logEvent(tx, 'counter.code_issued', actor, { posteCode });
    return { posteCode, counterId: row.id, code, expiresAt: expiresAt.toISOString() };
  });
}

export async function revokeCounter(
  db: PortalDb,
  rawPoste: string,
  reason: string,
  actor: string,
  now: Date,
): Promise<void> {
  const posteCode = parseInput(posteCodeSchema, rawPoste);
  const why = reason.trim();
  if (why.length < 5) {
    throw new PortalError(
      400,
      'VALIDATION',
      portalText.invalid('le motif de révocation est trop court.'),
    );
  }
  await db.transaction(async (tx) => {
    const row = await counterByPoste(tx, posteCode);
    if (row.status === 'revoque')
      throw new PortalError(409, 'DEJA_REVOQUE', portalText.alreadyRevoked(posteCode));
    await tx
      .update(counter)
      .set({ status: 'revoque', revokedAt: now, revokedReason: why })
      .where(eq(counter.id, row.id));
    await tx
      .update(enrolmentCode)
      .set({ supersededAt: now })
      .where(
        and(
          eq(enrolmentCode.counterId, row.id),
          isNull(enrolmentCode.usedAt),
          isNull(enrolmentCode.supersededAt),
        ),
      );
    await logEvent(tx, 'counter.revoked', actor, { posteCode, reason: why });
  });
}

export interface CounterSummary {
  counterId: string;
  posteCode: string;
  name: string;
  status: 'en_attente' | 'actif' | 'revoque';
  regies: string[];
  lastSeq: number;
  enrolledAt: string | null;
  lastSeenAt: string | null;
  revokedAt: string | null;
}

export async function listCounters(db: PortalDb): Promise<CounterSummary[]> {
  const counters = await db.select().from(counter).orderBy(asc(counter.posteCode));
  const scopes = await db
    .select({ counterId: counterRegie.counterId, code: regie.code })
    .from(counterRegie)
    .innerJoin(regie, eq(regie.id, counterRegie.regieId))
    .orderBy(asc(regie.code));
  return counters.map((c) => ({
    counterId: c.id,
    posteCode: c.posteCode,
    name: c.name,
    status: c.status,
    regies: scopes.filter((s) => s.counterId === c.id).map((s) => s.code),
    lastSeq: c.lastSeq,
    enrolledAt: c.enrolledAt?.toISOString() ?? null,
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
  }));
}
