// Seeding through openCore(): the demo's four logins work with the passwords the README gives,
// an empty commune gets one régisseur whose password comes from the environment or is written
// once to the log, 'none' creates nothing, and a database that has a commune is never reseeded.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest';
import { openCore } from '../../../src/core/core';
import { demoAgents } from '../../../src/core/demo/generate';
import type { AppStatus, SessionView } from '../../../src/shared/contract';
import { contentDigest, openDemoCore, tempDir, DEMO_NOW, type DemoCore } from './demo-core';

const dirs: string[] = [];
function dbFile(): string {
  const dir = tempDir('guichet-seed-');
  dirs.push(dir);
  return path.join(dir, 'guichet.sqlite');
}
afterEach(() => {
  vi.unstubAllEnvs();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A pino logger whose JSON lines are kept for the test to read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

describe('the demo seed', () => {
  let demo: DemoCore;
  beforeAll(async () => {
    demo = await openDemoCore();
  });
  afterAll(() => demo.close());

  it.each(demoAgents.map((a) => [a.login, a.password, a.role] as const))(
    'lets %s log in with the documented password %s (%s)',
    async (login, password, role) => {
      const r = await demo.send('auth.login', { login, password }, null);
      expect(r.ok).toBe(true);
      const session = (r as { ok: true; value: SessionView }).value;
      expect(session.agent.role).toBe(role);
      expect(session.posteCode).toBe('P01');
      const wrong = await demo.send('auth.login', { login, password: `${password}x` }, null);
      expect(wrong.ok ? null : wrong.error.code).toBe('IDENTIFIANTS_INVALIDES');
    },
  );

  it('shows a demo commune in the status and sets the poste code', async () => {
    const r = await demo.send('system.status', {}, null);
    expect(r.ok).toBe(true);
    const status = (r as { ok: true; value: AppStatus }).value;
    expect(status.commune).toEqual({ name: 'Ville de Démo', demo: true });
    expect(status.posteCode).toBe('P01');
    expect(
      demo.sqlite.prepare("SELECT value FROM setting WHERE key = 'poste_code'").pluck().get(),
    ).toBe('P01');
    expect(demo.sqlite.prepare('SELECT count(*) FROM family').pluck().get()).toBe(300);
  });

  it('does not reseed a database that already has its commune', async () => {
    const file = dbFile();
    const opts = {
      dbFile: file,
      seed: 'demo' as const,
      now: () => DEMO_NOW,
      logger: pino({ level: 'silent' }),
    };
    // Each start of the core is journaled (demarrage) in the technical journal: apart from
    // that one entry, reopening changes nothing.
    const technical = { skipTables: ['tech_journal_entry', 'tech_journal_tip'] };
    const starts = (db: typeof first.sqlite) =>
      db.prepare("SELECT kind FROM tech_journal_entry WHERE kind = 'demarrage'").pluck().all();
    const first = await openCore(opts);
    const digest = contentDigest(first.sqlite, technical);
    expect(starts(first.sqlite)).toHaveLength(1);
    first.close();
    const second = await openCore({ ...opts, seed: 'empty' });
    try {
      expect(contentDigest(second.sqlite, technical)).toBe(digest);
      expect(starts(second.sqlite)).toHaveLength(2);
    } finally {
      second.close();
    }
  });
});

describe('the empty seed', () => {
  it('creates one régisseur whose password comes from GUICHET_ADMIN_PASSWORD', async () => {
    vi.stubEnv('GUICHET_ADMIN_PASSWORD', 'Mot-de-passe-initial-42');
    const { log, lines } = capturingLogger();
    const core = await openCore({ dbFile: dbFile(), seed: 'empty', logger: log });
    try {
      const ok = await core.send(
        'auth.login',
        { login: 'regisseur', password: 'Mot-de-passe-initial-42' },
        null,
      );
      expect(ok.ok).toBe(true);
      expect(core.sqlite.prepare('SELECT login, role FROM agent').all()).toEqual([
        { login: 'regisseur', role: 'regisseur' },
      ]);
      const status = await core.send('system.status', {}, null);
      expect(status.ok && (status.value as AppStatus).commune).toEqual({
        name: 'Commune à configurer',
        demo: false,
      });
      expect(core.sqlite.prepare('SELECT count(*) FROM family').pluck().get()).toBe(0);
      expect(core.sqlite.prepare('SELECT code FROM poste').pluck().all()).toEqual(['P01']);
      // The password chosen by the operator is never written to the log.
      expect(JSON.stringify(lines)).not.toContain('Mot-de-passe-initial-42');
    } finally {
      core.close();
    }
  });

  it('generates a password when none is given and writes it to the log once', async () => {
    vi.stubEnv('GUICHET_ADMIN_PASSWORD', '');
    vi.stubEnv('GUICHET_POSTE_CODE', 'p07');
    const { log, lines } = capturingLogger();
    const file = dbFile();
    const core = await openCore({ dbFile: file, seed: 'empty', logger: log });
    const withPassword = lines.filter((l) => typeof l.initialPassword === 'string');
    expect(withPassword).toHaveLength(1);
    const password = withPassword[0]!.initialPassword as string;
    expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(withPassword[0]!.msg).toMatch(/notez ce mot de passe initial/);
    try {
      const r = await core.send('auth.login', { login: 'regisseur', password }, null);
      expect(r.ok).toBe(true);
      expect(r.ok && (r.value as SessionView).posteCode).toBe('P07');
    } finally {
      core.close();
    }
    // Opening again logs no new password: the account exists already.
    const again = capturingLogger();
    const reopened = await openCore({ dbFile: file, seed: 'empty', logger: again.log });
    reopened.close();
    expect(again.lines.filter((l) => 'initialPassword' in l)).toEqual([]);
  });

  it('ignores a password shorter than 8 characters and says so', async () => {
    vi.stubEnv('GUICHET_ADMIN_PASSWORD', 'court');
    const { log, lines } = capturingLogger();
    const core = await openCore({ dbFile: dbFile(), seed: 'empty', logger: log });
    try {
      expect(lines.some((l) => String(l.msg).includes('GUICHET_ADMIN_PASSWORD ignoré'))).toBe(true);
      const r = await core.send('auth.login', { login: 'regisseur', password: 'court' }, null);
      expect(r.ok ? null : r.error.code).toBe('IDENTIFIANTS_INVALIDES');
    } finally {
      core.close();
    }
  });
});

describe('the none seed', () => {
  it('creates nothing', async () => {
    const core = await openCore({
      dbFile: dbFile(),
      seed: 'none',
      logger: pino({ level: 'silent' }),
    });
    try {
      for (const t of ['commune', 'regie', 'agent', 'poste', 'setting', 'family']) {
        expect(core.sqlite.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
      }
      const status = await core.send('system.status', {}, null);
      expect(status.ok && (status.value as AppStatus).commune).toBeNull();
    } finally {
      core.close();
    }
  });
});
