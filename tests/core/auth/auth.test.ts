// Login lockout under parallel attempts, unlock guessing, sessions that follow the agent's
// row (deactivation, role, lock, maximum age) and the password hash cost.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  currentCost,
  hashPassword,
  needsRehash,
  PRODUCTION_COST,
  TEST_COST,
} from '../../../src/core/auth/passwords';
import { IDS, LOGINS, newCommandId, openTestCore, PASSWORDS, type TestCore } from '../fixtures';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
});
afterEach(() => t.close());

const agentRow = (login: string) =>
  t.sqlite
    .prepare('SELECT failed_logins, locked_until, password_hash FROM agent WHERE login = ?')
    .get(login) as { failed_logins: number; locked_until: string | null; password_hash: string };

const techKinds = () =>
  (t.sqlite.prepare('SELECT kind FROM tech_journal_entry ORDER BY seq').all() as { kind: string }[])
    .map((r) => r.kind)
    .filter((k) => k !== 'demarrage');

const cashPayment = (amountCents = 1000) => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents,
  method: { mode: 'especes' as const },
});

describe('login lockout', () => {
  it('locks after 5 failures even when 20 wrong passwords arrive at once', async () => {
    const login = LOGINS.mandataire;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.send('auth.login', { login, password: 'faux' }, null)),
    );
    const codes = results.map((r) => (r.ok ? 'OK' : r.error.code));
    expect(codes.filter((c) => c === 'IDENTIFIANTS_INVALIDES')).toHaveLength(4);
    expect(codes.filter((c) => c === 'COMPTE_BLOQUE')).toHaveLength(16);
    expect(agentRow(login).locked_until).toBe(new Date(t.clock.ms + 15 * 60_000).toISOString());
    expect(techKinds().filter((k) => k === 'blocage_compte')).toHaveLength(1);
    // The right password is refused while the account is locked, with the French message.
    const right = await t.send('auth.login', { login, password: PASSWORDS.mandataire }, null);
    expect(right.ok ? null : right.error).toMatchObject({
      code: 'COMPTE_BLOQUE',
      message: expect.stringMatching(/^Compte bloqué après 5 essais infructueux\. Réessayez après/),
    });
  });

  it('answers a locked login only after spending the time of a password check', async () => {
    const login = LOGINS.mandataire;
    for (let i = 0; i < 5; i++) await t.send('auth.login', { login, password: 'faux' }, null);
    const time = async (l: string) => {
      const started = performance.now();
      await t.send('auth.login', { login: l, password: 'faux' }, null);
      return performance.now() - started;
    };
    // One scrypt at the test cost takes tens of milliseconds; a bare lookup takes well under 2.
    const floor = (await time('inconnu')) / 4;
    expect(floor).toBeGreaterThan(2);
    expect(await time(login)).toBeGreaterThan(floor);
  });
});

describe('unlock', () => {
  it('counts wrong unlock passwords with failed logins, then closes the session and locks', async () => {
    const token = await t.login('regisseur');
    t.clock.ms += 400_000;
    const idle = await t.send('auth.me', {}, token);
    expect(idle.ok ? null : idle.error.code).toBe('SESSION_VERROUILLEE');
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await t.send('auth.unlock', { password: `essai-${i}` }, token);
      codes.push(r.ok ? 'OK' : r.error.code);
    }
    expect(codes).toEqual([
      'IDENTIFIANTS_INVALIDES',
      'IDENTIFIANTS_INVALIDES',
      'IDENTIFIANTS_INVALIDES',
      'IDENTIFIANTS_INVALIDES',
      'COMPTE_BLOQUE',
      'NON_AUTHENTIFIE',
    ]);
    expect(agentRow(LOGINS.regisseur).locked_until).not.toBeNull();
    // The right password no longer unlocks anything: the session is gone and the account locked.
    const right = await t.send('auth.unlock', { password: PASSWORDS.regisseur }, token);
    expect(right.ok ? null : right.error.code).toBe('NON_AUTHENTIFIE');
    const login = await t.send(
      'auth.login',
      { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
      null,
    );
    expect(login.ok ? null : login.error.code).toBe('COMPTE_BLOQUE');
    expect(techKinds()).toEqual([
      'verrouillage_inactivite',
      'echec_deverrouillage',
      'echec_deverrouillage',
      'echec_deverrouillage',
      'echec_deverrouillage',
      'echec_deverrouillage',
      'blocage_compte',
      'echec_connexion',
    ]);
  });

  it('shares the counter with failed logins', async () => {
    const token = await t.login('mandataire');
    for (let i = 0; i < 3; i++) {
      await t.send('auth.login', { login: LOGINS.mandataire, password: 'faux' }, null);
    }
    t.clock.ms += 400_000;
    await t.send('auth.me', {}, token);
    await t.send('auth.unlock', { password: 'faux' }, token);
    const fifth = await t.send('auth.unlock', { password: 'faux' }, token);
    expect(fifth.ok ? null : fifth.error.code).toBe('COMPTE_BLOQUE');
  });

  it('refuses to unlock the session of an agent deactivated meanwhile', async () => {
    const token = await t.login('mandataire');
    t.clock.ms += 400_000;
    await t.send('auth.me', {}, token);
    t.sqlite.prepare('UPDATE agent SET active = 0 WHERE login = ?').run(LOGINS.mandataire);
    const r = await t.send('auth.unlock', { password: PASSWORDS.mandataire }, token);
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'NON_AUTHENTIFIE',
      message: 'Ce compte a été désactivé : la session est fermée. Adressez-vous au régisseur.',
    });
  });
});

describe('sessions follow the agent’s row', () => {
  it('ends the session of a deactivated agent at the next call, changing nothing', async () => {
    const token = await t.login('regisseur');
    t.sqlite.prepare('UPDATE agent SET active = 0 WHERE login = ?').run(LOGINS.regisseur);
    const r = await t.send('payments.record', cashPayment(), token);
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'NON_AUTHENTIFIE',
      message: 'Ce compte a été désactivé : la session est fermée. Adressez-vous au régisseur.',
    });
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM payment').get()).toEqual({ n: 0 });
    // Reactivated, the old token is still dead: a new login is needed.
    t.sqlite.prepare('UPDATE agent SET active = 1 WHERE login = ?').run(LOGINS.regisseur);
    const again = await t.send('auth.me', {}, token);
    expect(again.ok ? null : again.error.code).toBe('NON_AUTHENTIFIE');
  });

  it('applies a new role at once', async () => {
    const token = await t.login('regisseur');
    t.sqlite.prepare("UPDATE agent SET role = 'mandataire' WHERE login = ?").run(LOGINS.regisseur);
    const me = await t.call('auth.me', {}, token);
    expect(me.agent.role).toBe('mandataire');
    const p = await t.call('payments.record', cashPayment(), token);
    const cancel = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'erreur de saisie' },
      token,
    );
    expect(cancel.ok ? null : cancel.error.code).toBe('PERMISSION_REFUSEE');
  });

  it('ends a session when the account gets locked', async () => {
    const token = await t.login('mandataire');
    for (let i = 0; i < 5; i++) {
      await t.send('auth.login', { login: LOGINS.mandataire, password: 'faux' }, null);
    }
    const r = await t.send('auth.me', {}, token);
    expect(r.ok ? null : r.error.code).toBe('NON_AUTHENTIFIE');
  });

  it('locks an idle session even while the header polls the sync status', async () => {
    const token = await t.login('mandataire');
    // The badge asks every 10 seconds; 40 minutes of it must not count as the agent at work.
    for (let i = 0; i < 240; i++) {
      t.clock.ms += 10_000;
      const r = await t.send('sync.status', {}, token);
      if (!r.ok) {
        expect(r.error.code).toBe('SESSION_VERROUILLEE');
        break;
      }
    }
    const me = await t.send('auth.me', {}, token);
    expect(me.ok ? null : me.error.code).toBe('SESSION_VERROUILLEE');
  });

  it('caps a session at 12 hours, or at session_max_hours', async () => {
    const token = await t.login('mandataire');
    // Active all along: a call every 4 minutes keeps the idle lock away.
    for (let i = 0; i < 12 * 15; i++) {
      t.clock.ms += 4 * 60_000;
      const r = await t.send('auth.me', {}, token);
      expect(r.ok, `appel n° ${i}`).toBe(true);
    }
    t.clock.ms += 4 * 60_000;
    const r = await t.send('auth.me', {}, token);
    expect(r.ok ? null : r.error).toMatchObject({
      code: 'NON_AUTHENTIFIE',
      message:
        'Session ouverte depuis plus de 12 heures : elle est fermée. Identifiez-vous à nouveau.',
    });
    t.sqlite.prepare("INSERT INTO setting (key, value) VALUES ('session_max_hours', '1')").run();
    const second = await t.login('mandataire');
    t.clock.ms += 50 * 60_000;
    await t.call('auth.unlock', { password: PASSWORDS.mandataire }, second);
    t.clock.ms += 11 * 60_000;
    const late = await t.send('auth.me', {}, second);
    expect(late.ok ? null : late.error.code).toBe('NON_AUTHENTIFIE');
  });
});

describe('password hashing cost', () => {
  it('is 2^17 in production and a cheaper real scrypt under vitest', () => {
    expect(PRODUCTION_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(currentCost({})).toEqual(PRODUCTION_COST);
    expect(currentCost({ GUICHET_TEST_SCRYPT_COST: '1' })).toEqual(TEST_COST);
    expect(currentCost({ VITEST: 'true' })).toEqual(PRODUCTION_COST);
  });

  it('hashes and verifies at the production cost (maxmem set)', async () => {
    const h = await hashPassword('Mot-de-passe-1', PRODUCTION_COST);
    expect(h).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(h, PRODUCTION_COST)).toBe(false);
  });

  it('rehashes an older, cheaper hash at the next successful login', async () => {
    const old = await hashPassword(PASSWORDS.mandataire, { N: 2 ** 12, r: 8, p: 1 });
    t.sqlite
      .prepare('UPDATE agent SET password_hash = ? WHERE login = ?')
      .run(old, LOGINS.mandataire);
    const wrong = await t.send('auth.login', { login: LOGINS.mandataire, password: 'faux' }, null);
    expect(wrong.ok).toBe(false);
    expect(agentRow(LOGINS.mandataire).password_hash).toBe(old);
    await t.login('mandataire');
    const now = agentRow(LOGINS.mandataire).password_hash;
    expect(now).not.toBe(old);
    expect(now).toMatch(new RegExp(`^scrypt\\$${currentCost().N}\\$8\\$1\\$`));
    // The new hash works.
    await t.login('mandataire');
  });
});
