// A portal with its family pages, on PGlite in memory, mails written to a temp folder, and
// helpers that act like a browser: a cookie jar, the CSRF token read from each page's form,
// form posts. Access codes reach the portal the real way, pushed by an enrolled counter.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { openPortalDatabase } from '../../../src/portal/db/open';
import { buildPortalApp } from '../../../src/portal/server';
import type { FamilyWebOptions } from '../../../src/portal/family-web/plugin';
import {
  MASTER_KEY,
  agent,
  clock,
  codeSha256,
  enrolNewCounter,
  ops,
  push,
  seedBase,
  type TestCounter,
  type TestPortal,
} from '../helpers/portal-fixture';

const silent = pino({ level: 'silent' });

export interface FamilyPortal extends TestPortal {
  mailDir: string;
  counter: TestCounter;
}

export async function openFamilyPortal(
  family: Partial<Omit<FamilyWebOptions, 'db' | 'masterKey' | 'now'>> = {},
): Promise<FamilyPortal> {
  const mailDir = mkdtempSync(path.join(tmpdir(), 'guichet-mails-'));
  const database = await openPortalDatabase({
    target: { kind: 'pglite', dataDir: null },
    log: silent,
  });
  const c = clock();
  const app = await buildPortalApp({
    database,
    masterKey: MASTER_KEY,
    adminToken: 'jeton-admin-de-test-0123456789',
    logger: silent,
    now: c.now,
    family: {
      mailDir,
      alertIntervalMs: null,
      publicUrl: 'https://famille.example.fr',
      rateLimit: { max: 1000, timeWindowMs: 60_000 },
      ...family,
    },
  });
  await app.ready();
  const portal: TestPortal = {
    database,
    app,
    clock: c,
    close: async () => {
      await app.close();
      await database.close();
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
  await seedBase(portal);
  const counter = await enrolNewCounter(portal);
  return { ...portal, mailDir, counter };
}

/** Pushes an access code for a family, as a register does when it prints a coupon. */
export async function issueCode(
  portal: FamilyPortal,
  familyCode: string,
  code: string,
  opts: { expiresAt?: string | null } = {},
): Promise<string> {
  const ref = randomUUID();
  const issuedAt = portal.clock.now();
  const res = await push(
    portal,
    portal.counter,
    ops(portal.counter, [
      {
        kind: 'access_code',
        payload: {
          ref,
          familyCode,
          codeSha256: codeSha256(code),
          issuedAt: issuedAt.toISOString(),
          expiresAt:
            opts.expiresAt === undefined
              ? new Date(issuedAt.getTime() + 60 * 86_400_000).toISOString()
              : opts.expiresAt,
          agent,
        },
      },
    ]),
  );
  if (res.results[0]?.status !== 'applied') throw new Error(JSON.stringify(res));
  return ref;
}

/** A browser: keeps cookies, reads the CSRF token of the last page, posts forms. */
export class Browser {
  cookies = new Map<string, string>();
  lastHtml = '';
  constructor(private portal: TestPortal) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attrs] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq).trim();
      const value = (pair ?? '').slice(eq + 1).trim();
      const expired = attrs.some(
        (a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0\b/i.test(a),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string) {
    const res = await this.portal.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader() },
    });
    this.keep(res.headers['set-cookie']);
    if (String(res.headers['content-type'] ?? '').startsWith('text/html')) this.lastHtml = res.body;
    return res;
  }

  csrf(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!m?.[1]) throw new Error('pas de jeton CSRF sur la dernière page');
    return m[1];
  }

  async post(url: string, fields: Record<string, string>, o: { csrf?: string | null } = {}) {
    const body = new URLSearchParams(fields);
    const token = o.csrf === undefined ? this.csrf() : o.csrf;
    if (token !== null) body.set('_csrf', token);
    const res = await this.portal.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: this.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: body.toString(),
    });
    this.keep(res.headers['set-cookie']);
    if (String(res.headers['content-type'] ?? '').startsWith('text/html')) this.lastHtml = res.body;
    return res;
  }
}

/** Activation through both pages; returns the browser, logged in. */
export async function activate(
  portal: FamilyPortal,
  familyCode: string,
  code: string,
  email: string,
  password = 'une phrase de passe solide',
): Promise<Browser> {
  const b = new Browser(portal);
  await b.get('/famille/activation');
  const step1 = await b.post('/famille/activation', { familyCode, activationCode: code });
  if (step1.statusCode !== 200) throw new Error(`étape 1 refusée : ${step1.statusCode}`);
  const ticket = /name="ticket" value="([^"]+)"/.exec(step1.body)?.[1] ?? '';
  const step2 = await b.post('/famille/activation/compte', {
    ticket,
    email,
    password,
    passwordConfirm: password,
  });
  if (step2.statusCode !== 303)
    throw new Error(`étape 2 refusée : ${step2.statusCode} ${step2.body}`);
  return b;
}

export function mails(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/** The plain text of a page (tags dropped, entities of React's escaping decoded). */
export function text(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}
