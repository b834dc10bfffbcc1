// Family accounts: activation with the coupon's codes, login, sessions and forgotten passwords.
// Every check runs before any write, and every write of one request is one transaction.
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import { accessCode, family, familySession, familyUser, passwordReset } from '../db/schema';
import { FormRefused, refuse, type FieldErrors } from './form-errors';
import {
  DUMMY_PASSWORD_HASH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  verifyPassword,
} from './passwords';
import { clearAttempts, takeAttempt, type ThrottlePolicy } from './throttle';
import { newToken, openTicket, sha256Hex, signTicket } from './tokens';
import { familyText } from './text';
import { accessCodeSha256, normaliseFamilyCode } from './access-code';

export interface AccountPolicy {
  throttle: ThrottlePolicy;
  /** A session ends after this much inactivity… */
  sessionIdleMs: number;
  /** …and in any case this long after login. */
  sessionMaxMs: number;
  resetLinkMs: number;
  /** Time allowed between the two steps of activation. */
  activationTicketMs: number;
}

export const DEFAULT_ACCOUNT_POLICY: Omit<AccountPolicy, 'throttle'> = {
  sessionIdleMs: 30 * 60_000,
  sessionMaxMs: 12 * 3_600_000,
  resetLinkMs: 3_600_000,
  activationTicketMs: 30 * 60_000,
};

const EMAIL_RE = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/;

export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function checkEmail(raw: string, field: string, errors: FieldErrors): string {
  const email = normaliseEmail(raw);
  if (!email) errors[field] = familyText.fieldRequired('Adresse e-mail');
  else if (email.length > 254 || !EMAIL_RE.test(email)) errors[field] = familyText.emailInvalid;
  return email;
}

export function checkNewPassword(
  password: string,
  confirm: string,
  errors: FieldErrors,
  fields = { password: 'password', confirm: 'passwordConfirm' },
): void {
  if (password.length < PASSWORD_MIN_LENGTH)
    errors[fields.password] = familyText.passwordTooShort(PASSWORD_MIN_LENGTH);
  else if (password.length > PASSWORD_MAX_LENGTH)
    errors[fields.password] = familyText.passwordTooLong;
  else if (password !== confirm) errors[fields.confirm] = familyText.passwordMismatch;
}

// ---------------------------------------------------------------------------------------------
// Activation.

export interface ActivationCodesInput {
  familyCode: string;
  activationCode: string;
}

/**
 * Step 1: the code famille and the activation code. Answers a signed ticket naming the access
 * code, which step 2 presents; a wrong, replaced, used or expired code gets one message.
 */
export async function checkActivationCodes(
  db: PortalDb,
  input: ActivationCodesInput,
  now: Date,
  policy: AccountPolicy,
  ticketKey: Buffer,
): Promise<string> {
  const errors: FieldErrors = {};
  const familyCode = normaliseFamilyCode(input.familyCode);
  const code = input.activationCode.trim();
  if (!familyCode) errors.familyCode = familyText.fieldRequired('Code famille');
  if (!code) errors.activationCode = familyText.fieldRequired('Code d’activation');
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
  const throttleKey = `activation:${familyCode}`;
  const attempt = await takeAttempt(db, throttleKey, now, policy.throttle);
  if (!attempt.allowed) throw refuse(familyText.lockedOut(attempt.lockedUntil), 429);
  const [found] = await db
    .select({ id: accessCode.id })
    .from(accessCode)
    .innerJoin(family, eq(family.id, accessCode.familyId))
    .where(
      and(
        eq(accessCode.codeSha256, accessCodeSha256(code)),
        eq(family.code, familyCode),
        eq(accessCode.status, 'emis'),
        sql`(${accessCode.expiresAt} IS NULL OR ${accessCode.expiresAt} > ${now})`,
      ),
    );
  if (!found) throw refuse(familyText.activationFailed);
  await clearAttempts(db, throttleKey);
  return signTicket(ticketKey, `${found.id}.${now.getTime() + policy.activationTicketMs}`);
}

export interface ActivationAccountInput {
  ticket: string;
  email: string;
  password: string;
  passwordConfirm: string;
}

/**
 * Step 2: opens the account (or re-opens it: a family that lost its password and its mailbox
 * gets a new coupon at the counter, which is proof enough), marks the access code active,
 * which the feed publishes to registers, and ends every older session of the family.
 */
export async function completeActivation(
  db: PortalDb,
  input: ActivationAccountInput,
  now: Date,
  ticketKey: Buffer,
): Promise<{ userId: number }> {
  const opened = openTicket(ticketKey, input.ticket);
  const [idText, expText] = (opened ?? '').split('.');
  const codeId = Number(idText);
  if (!opened || !Number.isInteger(codeId) || Number(expText) <= now.getTime())
    throw refuse(familyText.activationTicketExpired);
  const errors: FieldErrors = {};
  const email = checkEmail(input.email, 'email', errors);
  checkNewPassword(input.password, input.passwordConfirm, errors);
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [code] = await tx
      .select({
        id: accessCode.id,
        familyId: accessCode.familyId,
        status: accessCode.status,
        expiresAt: accessCode.expiresAt,
      })
      .from(accessCode)
      .where(eq(accessCode.id, codeId))
      .for('update');
    if (!code || code.status !== 'emis' || (code.expiresAt && code.expiresAt <= now))
      throw refuse(familyText.activationTicketExpired);
    const [taken] = await tx
      .select({ id: familyUser.id })
      .from(familyUser)
      .where(and(eq(familyUser.email, email), ne(familyUser.familyId, code.familyId)));
    if (taken) throw new FormRefused({ email: familyText.emailTaken });
    const [existing] = await tx
      .select({ id: familyUser.id })
      .from(familyUser)
      .where(eq(familyUser.familyId, code.familyId));
    let userId: number;
    if (existing) {
      userId = existing.id;
      await tx
        .update(familyUser)
        .set({
          email,
          passwordHash,
          accessCodeId: code.id,
          passwordChangedAt: now,
          disabledAt: null,
        })
        .where(eq(familyUser.id, userId));
      await revokeAllSessions(tx, userId, now);
    } else {
      const [row] = await tx
        .insert(familyUser)
        .values({
          familyId: code.familyId,
          email,
          passwordHash,
          accessCodeId: code.id,
          createdAt: now,
          passwordChangedAt: now,
        })
        .returning({ id: familyUser.id });
      if (!row) throw new Error('compte famille non créé');
      userId = row.id;
    }
    await tx
      .update(accessCode)
      .set({ status: 'active', activatedAt: now })
      .where(eq(accessCode.id, code.id));
    return { userId };
  });
}

// ---------------------------------------------------------------------------------------------
// Login and sessions.

export async function login(
  db: PortalDb,
  input: { email: string; password: string },
  now: Date,
  policy: AccountPolicy,
): Promise<{ userId: number }> {
  const errors: FieldErrors = {};
  const email = normaliseEmail(input.email);
  if (!email) errors.email = familyText.fieldRequired('Adresse e-mail');
  if (!input.password) errors.password = familyText.fieldRequired('Mot de passe');
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
  const throttleKey = `login:${email}`;
  const attempt = await takeAttempt(db, throttleKey, now, policy.throttle);
  if (!attempt.allowed) throw refuse(familyText.lockedOut(attempt.lockedUntil), 429);
  const [user] = await db
    .select({ id: familyUser.id, hash: familyUser.passwordHash })
    .from(familyUser)
    .where(and(eq(familyUser.email, email), isNull(familyUser.disabledAt)));
  // An unknown address costs the same derivation as a known one: timing tells nothing either.
  const ok = await verifyPassword(input.password, user?.hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw refuse(familyText.loginFailed, 401);
  await clearAttempts(db, throttleKey);
  await db.update(familyUser).set({ lastLoginAt: now }).where(eq(familyUser.id, user.id));
  return { userId: user.id };
}

/** Opens a session; the returned token goes in the cookie and nowhere else. */
export async function openSession(
  db: PortalDb,
  userId: number,
  now: Date,
  policy: AccountPolicy,
): Promise<string> {
  const token = newToken();
  await db.insert(familySession).values({
    userId,
    tokenSha256: sha256Hex(token),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + policy.sessionMaxMs),
  });
  return token;
}

export interface FamilySessionInfo {
  sessionId: number;
  userId: number;
  familyId: number;
  familyCode: string;
  familyName: string;
  email: string;
}

/** The live session of a cookie, refreshed; null when absent, revoked, idle or too old. */
export async function readSession(
  db: PortalDb,
  token: string | undefined,
  now: Date,
  policy: AccountPolicy,
): Promise<FamilySessionInfo | null> {
  if (!token || token.length > 100) return null;
  const [s] = await db
    .select({
      sessionId: familySession.id,
      userId: familyUser.id,
      familyId: family.id,
      familyCode: family.code,
      familyName: family.familyName,
      email: familyUser.email,
      lastSeenAt: familySession.lastSeenAt,
    })
    .from(familySession)
    .innerJoin(familyUser, eq(familyUser.id, familySession.userId))
    .innerJoin(family, eq(family.id, familyUser.familyId))
    .where(
      and(
        eq(familySession.tokenSha256, sha256Hex(token)),
        isNull(familySession.revokedAt),
        isNull(familyUser.disabledAt),
        gt(familySession.expiresAt, now),
      ),
    );
  if (!s || s.lastSeenAt.getTime() + policy.sessionIdleMs <= now.getTime()) return null;
  // Written at most once a minute: reading pages should not cost a write each.
  if (now.getTime() - s.lastSeenAt.getTime() > 60_000)
    await db
      .update(familySession)
      .set({ lastSeenAt: now })
      .where(eq(familySession.id, s.sessionId));
  const { lastSeenAt: _seen, ...info } = s;
  return info;
}

export async function closeSession(db: PortalDb, sessionId: number, now: Date): Promise<void> {
  await db
    .update(familySession)
    .set({ revokedAt: now })
    .where(and(eq(familySession.id, sessionId), isNull(familySession.revokedAt)));
}

type Writer = Pick<PortalDb, 'update'>;

async function revokeAllSessions(db: Writer, userId: number, now: Date): Promise<void> {
  await db
    .update(familySession)
    .set({ revokedAt: now })
    .where(and(eq(familySession.userId, userId), isNull(familySession.revokedAt)));
}

// ---------------------------------------------------------------------------------------------
// Forgotten password.

/**
 * Creates a reset link when the address is an account's, and says nothing either way: the
 * caller shows the same page. Requests per address are throttled like guesses, so the form
 * cannot be used to flood someone's mailbox. Returns the token to mail, or null.
 */
export async function requestPasswordReset(
  db: PortalDb,
  rawEmail: string,
  now: Date,
  policy: AccountPolicy,
): Promise<{ email: string; token: string } | null> {
  const errors: FieldErrors = {};
  const email = checkEmail(rawEmail, 'email', errors);
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
  const attempt = await takeAttempt(db, `reset:${email}`, now, policy.throttle);
  if (!attempt.allowed) return null;
  const [user] = await db
    .select({ id: familyUser.id })
    .from(familyUser)
    .where(and(eq(familyUser.email, email), isNull(familyUser.disabledAt)));
  if (!user) return null;
  const token = newToken();
  await db.insert(passwordReset).values({
    userId: user.id,
    tokenSha256: sha256Hex(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + policy.resetLinkMs),
  });
  return { email, token };
}

export async function resetTokenIsLive(db: PortalDb, token: string, now: Date): Promise<boolean> {
  const [r] = await db
    .select({ id: passwordReset.id })
    .from(passwordReset)
    .where(
      and(
        eq(passwordReset.tokenSha256, sha256Hex(token)),
        isNull(passwordReset.usedAt),
        gt(passwordReset.expiresAt, now),
      ),
    );
  return Boolean(r);
}

/** Sets the new password, spends the link (and any other pending one), ends every session. */
export async function completePasswordReset(
  db: PortalDb,
  input: { token: string; password: string; passwordConfirm: string },
  now: Date,
): Promise<void> {
  const errors: FieldErrors = {};
  checkNewPassword(input.password, input.passwordConfirm, errors);
  if (!(await resetTokenIsLive(db, input.token, now))) throw refuse(familyText.resetInvalid);
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const [r] = await tx
      .select({ id: passwordReset.id, userId: passwordReset.userId })
      .from(passwordReset)
      .where(
        and(
          eq(passwordReset.tokenSha256, sha256Hex(input.token)),
          isNull(passwordReset.usedAt),
          gt(passwordReset.expiresAt, now),
        ),
      )
      .for('update');
    if (!r) throw refuse(familyText.resetInvalid);
    await tx
      .update(passwordReset)
      .set({ usedAt: now })
      .where(and(eq(passwordReset.userId, r.userId), isNull(passwordReset.usedAt)));
    await tx
      .update(familyUser)
      .set({ passwordHash, passwordChangedAt: now })
      .where(eq(familyUser.id, r.userId));
    await revokeAllSessions(tx, r.userId, now);
    // Whoever proved they own the mailbox may log in at once, even after a lockout.
    const [u] = await tx
      .select({ email: familyUser.email })
      .from(familyUser)
      .where(eq(familyUser.id, r.userId));
    if (u) await clearAttempts(tx, `login:${u.email}`);
  });
}
