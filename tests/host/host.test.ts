// The browser-mode host against the real core on a temporary database: what it refuses must
// be refused before the core runs (checked on the agents' failed-login counters, which any
// login attempt that reaches the core would move), and what it accepts must round-trip.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilyDetail, FamilySearchHit, SessionView } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { DEFAULT_BODY_LIMIT, startHost, type RunningHost } from '../../src/host/server';
import { CONTENT_SECURITY_POLICY } from '../../src/host/security';
import { request, type RawResponse } from './http';

let host: RunningHost;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'guichet-host-'));
  const webDir = path.join(tmp, 'web');
  mkdirSync(path.join(webDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(webDir, 'index.html'),
    '<!doctype html><html lang="fr"><head><script type="module" src="./assets/app.js"></script></head><body><div id="root"></div></body></html>',
  );
  writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log("guichet");');
  host = await startHost({
    port: 0,
    dataDir: path.join(tmp, 'data'),
    seed: 'demo',
    webDir,
    logger: pino({ level: 'silent' }),
  });
}, 120_000);

afterAll(async () => {
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function failedLogins(login: string): number {
  const row = host.core.sqlite
    .prepare('SELECT failed_logins FROM agent WHERE login = ?')
    .get(login) as { failed_logins: number } | undefined;
  if (!row) throw new Error(`agent ${login} absent de la base de démonstration`);
  return row.failed_logins;
}

function api(
  name: string,
  body: unknown,
  opts: { secret?: string | null; session?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const secret = opts.secret === undefined ? host.secret : opts.secret;
  return request(host.port, {
    method: 'POST',
    path: `/api/${name}`,
    headers: {
      'content-type': 'application/json',
      ...(secret !== null ? { 'x-guichet-secret': secret } : {}),
      ...(opts.session ? { 'x-guichet-session': opts.session } : {}),
      ...opts.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const badLogin = { login: 'mandataire', password: 'pas-le-bon' };

function expectRefusal(res: RawResponse, status: number, reason: string) {
  expect(res.status).toBe(status);
  const body = res.json() as Result<never>;
  expect(body.ok).toBe(false);
  if (!body.ok) {
    expect(body.error.reason).toBe(reason);
    // A French sentence that tells the person what to do, not a framework's English message.
    expect(body.error.message).toMatch(/[éèàù’]/);
  }
  expect(res.headers['access-control-allow-origin']).toBeUndefined();
}

describe('refusals before the core runs', () => {
  it('refuses a call without the secret with 403, and the core never sees it', async () => {
    const before = failedLogins('mandataire');
    expectRefusal(await api('auth.login', badLogin, { secret: null }), 403, 'SECRET_INVALIDE');
    expect(failedLogins('mandataire')).toBe(before);
  });

  it('refuses a wrong, truncated or padded secret', async () => {
    const before = failedLogins('mandataire');
    for (const secret of ['x'.repeat(43), host.secret.slice(0, -1), `${host.secret}A`, '']) {
      expectRefusal(await api('auth.login', badLogin, { secret }), 403, 'SECRET_INVALIDE');
    }
    expect(failedLogins('mandataire')).toBe(before);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the right secret', async () => {
    const before = failedLogins('mandataire');
    for (const h of [
      `evil.example:${host.port}`,
      `127.0.0.1:${host.port + 1}`,
      '127.0.0.1',
      `localhost.evil.example:${host.port}`,
    ]) {
      expectRefusal(
        await api('auth.login', badLogin, { headers: { host: h } }),
        403,
        'HOTE_INVALIDE',
      );
    }
    expect(failedLogins('mandataire')).toBe(before);
    // The page itself is refused too, so a rebound name cannot even load the UI.
    const page = await request(host.port, {
      path: '/',
      headers: { host: `evil.example:${host.port}` },
    });
    expect(page.status).toBe(403);
  });

  it('accepts localhost:PORT as Host', async () => {
    const res = await api('system.status', {}, { headers: { host: `localhost:${host.port}` } });
    expect(res.status).toBe(200);
    expect((res.json() as Result<unknown>).ok).toBe(true);
  });

  it('refuses a call from another origin even with the right secret', async () => {
    const before = failedLogins('mandataire');
    expectRefusal(
      await api('auth.login', badLogin, { headers: { origin: 'http://evil.example' } }),
      403,
      'ORIGINE_INVALIDE',
    );
    expect(failedLogins('mandataire')).toBe(before);
  });

  it('refuses an oversize body with 413 and runs nothing', async () => {
    const before = failedLogins('mandataire');
    const huge = JSON.stringify({
      login: 'mandataire',
      password: 'x'.repeat(DEFAULT_BODY_LIMIT + 10),
    });
    expectRefusal(await api('auth.login', huge), 413, 'REQUETE_TROP_VOLUMINEUSE');
    expect(failedLogins('mandataire')).toBe(before);
  });

  it('lets a multi-megabyte import file reach the core, which answers with a typed Result', async () => {
    // 2 MB of base64: far above the default limit, well within the import's own. The core
    // runs (and refuses the call without a session) instead of the transport's bare 413.
    const file = { name: 'familles.csv', contentBase64: 'A'.repeat(2 * 1024 * 1024) };
    const res = await api('import.preview', JSON.stringify({ families: file }));
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'NON_AUTHENTIFIE' } });
    // The same body on any other handler is still refused by the transport.
    expectRefusal(
      await api('families.search', JSON.stringify({ query: 'x', file })),
      413,
      'REQUETE_TROP_VOLUMINEUSE',
    );
  });

  it('refuses a body that is not JSON (form posts, text/plain) with 415', async () => {
    const before = failedLogins('mandataire');
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await api('auth.login', 'login=mandataire&password=x', {
        headers: { 'content-type': type },
      });
      expectRefusal(res, 415, 'JSON_ATTENDU');
    }
    expect(failedLogins('mandataire')).toBe(before);
  });

  it('refuses prototype-poisoning JSON with 400', async () => {
    const before = failedLogins('mandataire');
    const res = await api(
      'auth.login',
      '{"login": "mandataire", "password": "x", "__proto__": {"isAdmin": true}}',
    );
    expectRefusal(res, 400, 'JSON_INVALIDE');
    expect(failedLogins('mandataire')).toBe(before);
  });

  it('refuses malformed JSON with 400', async () => {
    expectRefusal(await api('auth.login', '{"login": "mandataire",'), 400, 'JSON_INVALIDE');
  });

  it('answers a CORS preflight without any CORS header', async () => {
    const res = await request(host.port, {
      method: 'OPTIONS',
      path: '/api/auth.login',
      headers: {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-guichet-secret',
      },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-headers']).toBeUndefined();
  });
});

describe('typed results', () => {
  it('answers an unknown handler with a typed VALIDATION error and HTTP 200', async () => {
    const res = await api('families.effacerTout', {});
    expect(res.status).toBe(200);
    const body = res.json() as Result<unknown>;
    expect(body).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!body.ok) expect(body.error.message).toContain('families.effacerTout');
  });

  it('gives a bad password its French error through the host and counts it', async () => {
    const before = failedLogins('controleur');
    const res = await api('auth.login', { login: 'controleur', password: 'faux' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'IDENTIFIANTS_INVALIDES' } });
    expect(failedLogins('controleur')).toBe(before + 1);
  });

  it('refuses a session-only handler without a session', async () => {
    const res = await api('families.search', { query: 'lefevre' });
    expect(res.json()).toMatchObject({ ok: false, error: { code: 'NON_AUTHENTIFIE' } });
  });

  it('logs in, searches without accents and opens the family found', async () => {
    const login = (
      await api('auth.login', { login: 'regisseur', password: 'demo-regisseur' })
    ).json() as Result<SessionView>;
    expect(login.ok).toBe(true);
    if (!login.ok) return;
    expect(login.value.agent.role).toBe('regisseur');
    const session = login.value.token;

    const search = (
      await api('families.search', { query: 'lefevre' }, { session })
    ).json() as Result<FamilySearchHit[]>;
    expect(search.ok).toBe(true);
    if (!search.ok) return;
    const hit = search.value.find((h) => /lef[eè]vre/i.test(h.title));
    expect(hit, JSON.stringify(search.value.slice(0, 3))).toBeDefined();
    if (!hit) return;

    const family = (
      await api('families.get', { familyId: hit.familyId }, { session })
    ).json() as Result<FamilyDetail>;
    expect(family.ok).toBe(true);
    if (!family.ok) return;
    expect(family.value.code).toBe(hit.code);
    expect(family.value.responsables.length).toBeGreaterThan(0);
    expect(family.value.regies.length).toBeGreaterThan(0);

    // After logout the same token opens nothing.
    await api('auth.logout', {}, { session });
    const after = (await api('families.get', { familyId: hit.familyId }, { session })).json();
    expect(after).toMatchObject({ ok: false, error: { code: 'NON_AUTHENTIFIE' } });
  });
});

describe('web UI and headers', () => {
  it('serves index.html with strict security headers and without the secret', async () => {
    const res = await request(host.port, { path: '/' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<div id="root">');
    expect(res.text).not.toContain(host.secret);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves assets without a secret but refuses to list folders or serve outside the web folder', async () => {
    expect((await request(host.port, { path: '/assets/app.js' })).status).toBe(200);
    expect((await request(host.port, { path: '/assets/' })).status).toBe(404);
    for (const p of [
      '/assets/..%2f..%2fdata%2fguichet.sqlite',
      '/../data/guichet.sqlite',
      '/%2e%2e/data/guichet.sqlite',
    ]) {
      const traversal = await request(host.port, { path: p });
      expect([403, 404]).toContain(traversal.status);
      expect(traversal.text).not.toContain('SQLite');
    }
  });

  it('puts the secret in the URL fragment only', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#secret=${host.secret}`);
    expect(host.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sends API answers with no-store and the security headers', async () => {
    const res = await api('system.status', {});
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.json()).toMatchObject({
      ok: true,
      value: { commune: { name: 'Ville de Démo', demo: true } },
    });
  });
});
