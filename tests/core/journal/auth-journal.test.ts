// Logins, logouts, failed logins, lockouts and idle locks leave entries in the journals.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGINS, PASSWORDS, openTestCore, type TestCore } from '../fixtures';

let t: TestCore;

beforeEach(async () => {
  // No till session: these tests check the journal holds nothing but the authentication events.
  t = await openTestCore({ till: false });
});
afterEach(() => t.close());

// The start of the core is journaled at every start (demarrage); these tests look past it.
const kinds = (table: 'journal_entry' | 'tech_journal_entry') =>
  (
    t.sqlite.prepare(`SELECT kind FROM ${table} WHERE kind <> 'demarrage' ORDER BY seq`).all() as {
      kind: string;
    }[]
  ).map((r) => r.kind);
const payloads = (table: 'journal_entry' | 'tech_journal_entry') =>
  (
    t.sqlite
      .prepare(`SELECT payload FROM ${table} WHERE kind <> 'demarrage' ORDER BY seq`)
      .all() as { payload: string }[]
  ).map((r) => JSON.parse(r.payload) as Record<string, unknown>);

describe('authentication journal', () => {
  it('journals login and logout in the operations journal', async () => {
    const token = await t.login('mandataire');
    await t.call('auth.logout', {}, token);
    expect(kinds('journal_entry')).toEqual(['connexion', 'deconnexion']);
    expect(payloads('journal_entry')).toEqual([
      { login: LOGINS.mandataire, role: 'mandataire' },
      { login: LOGINS.mandataire },
    ]);
  });

  it('locks the account after 5 failures, journals each, and unlocks after 15 minutes', async () => {
    const login = LOGINS.mandataire;
    for (let i = 1; i <= 4; i++) {
      const r = await t.send('auth.login', { login, password: 'mauvais' }, null);
      expect(r.ok ? null : r.error.code).toBe('IDENTIFIANTS_INVALIDES');
    }
    const fifth = await t.send('auth.login', { login, password: 'mauvais' }, null);
    expect(fifth.ok ? null : fifth.error.code).toBe('COMPTE_BLOQUE');
    if (!fifth.ok) expect(fifth.error.message).toMatch(/bloqué pour 15 minutes après 5 essais/);
    // Even the right password is refused while locked.
    const locked = await t.send('auth.login', { login, password: PASSWORDS.mandataire }, null);
    expect(locked.ok ? null : locked.error.code).toBe('COMPTE_BLOQUE');
    expect(kinds('tech_journal_entry')).toEqual([
      'echec_connexion',
      'echec_connexion',
      'echec_connexion',
      'echec_connexion',
      'echec_connexion',
      'blocage_compte',
      'echec_connexion',
    ]);
    expect(payloads('tech_journal_entry')[4]).toEqual({ login, reason: 'mot_de_passe', failed: 5 });
    expect(payloads('tech_journal_entry')[6]).toEqual({ login, reason: 'compte_bloque' });
    t.clock.ms += 15 * 60_000 + 1000;
    const ok = await t.send('auth.login', { login, password: PASSWORDS.mandataire }, null);
    expect(ok.ok).toBe(true);
    expect(kinds('journal_entry')).toEqual(['connexion']);
  });

  it('journals an unknown login without revealing that it is unknown', async () => {
    const r = await t.send('auth.login', { login: 'inconnu', password: 'x' }, null);
    expect(r.ok ? null : r.error.message).toMatch(/Identifiant ou mot de passe incorrect/);
    expect(payloads('tech_journal_entry')).toEqual([
      { login: 'inconnu', reason: 'identifiant_inconnu' },
    ]);
  });

  it('locks an idle session, refuses work until the password is typed again, and journals it', async () => {
    const token = await t.login('mandataire');
    expect((await t.send('auth.me', {}, token)).ok).toBe(true);
    const lastSeen = new Date(t.clock.ms).toISOString();
    t.clock.ms += 299_000;
    expect((await t.send('auth.me', {}, token)).ok).toBe(true);
    const lastActive = new Date(t.clock.ms).toISOString();
    t.clock.ms += 301_000;
    const r = await t.send('families.search', { query: 'dupond' }, token);
    expect(r.ok ? null : r.error.code).toBe('SESSION_VERROUILLEE');
    const wrong = await t.send('auth.unlock', { password: 'faux' }, token);
    expect(wrong.ok ? null : wrong.error.code).toBe('IDENTIFIANTS_INVALIDES');
    const unlocked = await t.send('auth.unlock', { password: PASSWORDS.mandataire }, token);
    expect(unlocked.ok).toBe(true);
    expect((await t.send('auth.me', {}, token)).ok).toBe(true);
    expect(kinds('tech_journal_entry')).toEqual([
      'verrouillage_inactivite',
      'echec_deverrouillage',
      'deverrouillage',
    ]);
    expect(payloads('tech_journal_entry')[0]).toEqual({
      login: LOGINS.mandataire,
      idleSince: lastActive,
    });
    expect(payloads('tech_journal_entry')[2]).toEqual({
      login: LOGINS.mandataire,
      idleSince: lastActive,
    });
    expect(lastSeen < lastActive).toBe(true);
  });
});
