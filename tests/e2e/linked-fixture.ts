// A register linked to a portal, for the end-to-end specs that cross both: a portal started
// the way an operator does (`src/portal/cli.ts serve`, PGlite in a throw-away folder, a small
// demo commune and the PayFiP sandbox on free ports) and a second register in browser mode
// (`src/host/cli.ts --empty`, its own folder and port, a known régisseur password), enrolled
// with a fresh code from the portal's admin API and synchronised once, so that it holds the
// portal's régies, families and invoices. The global webServer's demo register is not touched:
// its families are not the portal's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { HandlerName, Input, Output } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import { openFamily, watchProblems } from './payment-helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starting a portal (migrations, demo import) and a register takes long on a loaded machine. */
const START_TIMEOUT_MS = 150_000;

export const LINKED_ADMIN_TOKEN = 'jeton-admin-e2e-relie-0123456789';
export const LINKED_REGISSEUR_PASSWORD = 'Regie-E2E-2026';
export const LINKED_POSTE = 'P01';

interface Started {
  child: ChildProcess;
  /** Everything the process wrote on stderr so far, for the error messages. */
  stderr: () => string;
  /** The first match of each pattern on stdout, in order. */
  matches: string[];
}

/**
 * Runs `node --import tsx <script> ...args` and waits until stdout has shown every pattern
 * (each one's first group is kept). The process is the server itself, so one signal stops it.
 */
async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string | undefined>,
  patterns: RegExp[],
  what: string,
): Promise<Started> {
  // An undefined value removes the variable: the caller's own environment must not leak in
  // (a PayFiP endpoint or public address set for manual runs would redirect the test).
  const merged: NodeJS.ProcessEnv = { ...process.env, GUICHET_LOG_LEVEL: 'warn' };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const matches = await new Promise<string[]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} n’a pas démarré à temps.\n${out}\n${err}`));
    }, START_TIMEOUT_MS);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const found = patterns.map((p) => p.exec(out)?.[1]);
      if (found.every((f): f is string => f !== undefined)) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} s’est arrêté (code ${code}).\n${out}\n${err}`));
    });
  });
  return { child, stderr: () => err, matches };
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The linked register's API, called as an agent (for setting up and checking a state). */
export class RegisterApi {
  private token = '';

  constructor(
    readonly origin: string,
    private readonly secret: string,
  ) {}

  async send<K extends HandlerName>(name: K, args: Input<K>): Promise<Result<Output<K>>> {
    const res = await fetch(`${this.origin}/api/${name}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-guichet-secret': this.secret,
        ...(this.token ? { 'x-guichet-session': this.token } : {}),
      },
      body: JSON.stringify(args),
    });
    return (await res.json()) as Result<Output<K>>;
  }

  async ok<K extends HandlerName>(name: K, args: Input<K>): Promise<Output<K>> {
    const r = await this.send(name, args);
    if (!r.ok) throw new Error(`${name} refusé : ${r.error.message}`);
    return r.value;
  }

  async login(login: string, password: string): Promise<void> {
    const r = await this.ok('auth.login', { login, password });
    this.token = r.token;
  }
}

export interface LinkedSetup {
  portal: {
    /** http://127.0.0.1:port, no trailing slash. */
    base: string;
    sandbox: string;
    admin(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Record<string, unknown>>;
    /** The sandbox's control API (/sandbox/...). */
    sandboxControl(
      method: 'GET' | 'POST',
      url: string,
      body?: unknown,
    ): Promise<Record<string, unknown>>;
  };
  register: {
    /** The address to open, secret included. */
    url: string;
    origin: string;
    secret: string;
    dataDir: string;
    login: string;
    password: string;
    /** Logged in as the régisseur. */
    api: RegisterApi;
  };
  stop(): Promise<void>;
}

export interface LinkedOptions {
  /** Families of the portal's demo commune: small, for speed. */
  families?: number;
  /** false: the spec enrols the register itself (through the UI); the enrolment code is given. */
  enrol?: boolean;
}

/**
 * Starts the portal (with the sandbox) and an empty register, enrols the register and runs its
 * first synchronisation. On any failure, whatever was started is stopped again.
 */
export async function startLinked(
  opts: LinkedOptions = {},
): Promise<LinkedSetup & { enrolmentCode: string }> {
  const portalDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-e2e-portail-'));
  const registerDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-e2e-registre-'));
  let portal: Started | undefined;
  let register: Started | undefined;
  const stop = async () => {
    await Promise.all([stopProcess(register?.child), stopProcess(portal?.child)]);
    rmSync(portalDir, { recursive: true, force: true });
    rmSync(registerDir, { recursive: true, force: true });
  };
  try {
    // The portal and the register start side by side: both spend most of their start-up in
    // migrations, and the register needs the portal only for its enrolment.
    const portalStart = startProcess(
      'src/portal/cli.ts',
      ['serve', '--port', '0', '--data', portalDir],
      {
        DATABASE_URL: '',
        GUICHET_PORTAL_ADMIN_TOKEN: LINKED_ADMIN_TOKEN,
        GUICHET_PORTAL_DEMO_FAMILIES: String(opts.families ?? 20),
        GUICHET_PORTAL_MAIL_DIR: path.join(portalDir, 'mails'),
        GUICHET_PAYFIP_SANDBOX: 'oui',
        GUICHET_PAYFIP_SANDBOX_PORT: '0',
        GUICHET_PAYFIP_TEST_URL: undefined,
        GUICHET_PAYFIP_URL: undefined,
        GUICHET_PORTAL_PUBLIC_URL: undefined,
      },
      [
        /Bac à sable PayFiP : (http:\/\/127\.0\.0\.1:\d+)/,
        /Portail Guichet : (http:\/\/127\.0\.0\.1:\d+)/,
      ],
      'Le portail',
    );
    const registerStart = startProcess(
      'src/host/cli.ts',
      ['--port', '0', '--data', registerDir, '--empty', '--no-open'],
      { GUICHET_ADMIN_PASSWORD: LINKED_REGISSEUR_PASSWORD, GUICHET_POSTE_CODE: LINKED_POSTE },
      [/(http:\/\/127\.0\.0\.1:\d+\/#secret=[A-Za-z0-9_-]+)/],
      'Le registre relié',
    );
    const settled = await Promise.allSettled([portalStart, registerStart]);
    if (settled[0].status === 'fulfilled') portal = settled[0].value;
    if (settled[1].status === 'fulfilled') register = settled[1].value;
    for (const s of settled) if (s.status === 'rejected') throw s.reason;
    if (!portal || !register) throw new Error('démarrage incomplet');

    const [sandbox = '', base = ''] = portal.matches;
    const [url = ''] = register.matches;
    const origin = new URL(url).origin;
    const secret = /#secret=([A-Za-z0-9_-]+)/.exec(url)?.[1] ?? '';

    const call =
      (prefix: string, headers: Record<string, string>) =>
      async (method: 'GET' | 'POST', u: string, body?: unknown) => {
        const res = await fetch(`${prefix}${u}`, {
          method,
          headers: {
            ...headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!res.ok) throw new Error(`${u} : ${res.status} ${await res.text()}`);
        return (await res.json()) as Record<string, unknown>;
      };
    const admin = call(base, { authorization: `Bearer ${LINKED_ADMIN_TOKEN}` });
    const sandboxControl = call(sandbox, {});

    const api = new RegisterApi(origin, secret);
    await api.login('regisseur', LINKED_REGISSEUR_PASSWORD);

    // A fresh one-time code for the demo's poste (the one the portal logged at its seed is
    // not read back from the log).
    const issued = await admin('POST', `/admin/v1/counters/${LINKED_POSTE}/enrolment-code`);
    const enrolmentCode = String(issued.code);
    if (opts.enrol !== false) {
      await api.ok('sync.enrol', { portalUrl: base, code: enrolmentCode });
      await api.ok('sync.now', {});
    }

    return {
      enrolmentCode,
      portal: { base, sandbox, admin, sandboxControl },
      register: {
        url,
        origin,
        secret,
        dataDir: registerDir,
        login: 'regisseur',
        password: LINKED_REGISSEUR_PASSWORD,
        api,
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Logs in on the linked register's UI as its régisseur (scrypt is slow on a loaded machine). */
export async function loginLinked(page: Page, s: LinkedSetup): Promise<void> {
  await page.goto(s.register.url);
  await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toBeVisible();
  await page.getByLabel('Identifiant').fill(s.register.login);
  await page.getByLabel('Mot de passe').fill(s.register.password);
  await page.getByLabel('Mot de passe').press('Enter');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible({
    timeout: 30_000,
  });
}

export interface LinkedFamily {
  id: number;
  code: string;
  /** Unpaid invoices of the régie, oldest due first (the order the core settles them). */
  invoices: { id: number; number: string; remainingCents: number }[];
}

/**
 * A family the linked register received from the portal, with no payment yet and at least
 * `minInvoices` unpaid invoices in the régie, the first owing at most `maxFirstCents` (so cash
 * stays under the régie's ceiling). Read-only SQL on the register's database. `skip` picks a
 * later match, for a second family.
 */
export function pickLinkedFamily(
  s: LinkedSetup,
  regieCode: string,
  opts: { minInvoices?: number; maxFirstCents?: number; skip?: number } = {},
): LinkedFamily {
  const db = new Database(path.join(s.register.dataDir, 'guichet.sqlite'), { readonly: true });
  try {
    const regie = db.prepare('SELECT id FROM regie WHERE code = ?').get(regieCode) as
      { id: number } | undefined;
    if (!regie) throw new Error(`Régie ${regieCode} absente du registre relié`);
    const families = db
      .prepare(
        `SELECT f.id, f.code FROM family f
         WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.family_id = f.id)
           AND NOT EXISTS (SELECT 1 FROM access_code a WHERE a.family_id = f.id)
         ORDER BY f.id`,
      )
      .all() as { id: number; code: string }[];
    const invoicesOf = db.prepare(
      `SELECT id, number, amount_cents - paid_cents AS remainingCents FROM invoice
       WHERE family_id = ? AND regie_id = ? AND status = 'emise' AND paid_cents < amount_cents
       ORDER BY due_date, id`,
    );
    let skip = opts.skip ?? 0;
    for (const f of families) {
      const invoices = invoicesOf.all(f.id, regie.id) as LinkedFamily['invoices'];
      if (invoices.length < (opts.minInvoices ?? 1)) continue;
      if ((invoices[0]?.remainingCents ?? 0) > (opts.maxFirstCents ?? Number.MAX_SAFE_INTEGER))
        continue;
      if (skip-- > 0) continue;
      return { id: f.id, code: f.code, invoices };
    }
    throw new Error(`Aucune famille du registre relié ne convient (${regieCode}).`);
  } finally {
    db.close();
  }
}

/** How many families the linked register holds (they arrive with its first pull). */
export function linkedFamilyCount(s: LinkedSetup): number {
  const db = new Database(path.join(s.register.dataDir, 'guichet.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM family').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const SYNC_TIMEOUT_MS = 60_000;

/**
 * « Synchroniser maintenant » in the register's header, then waits (on the register's status,
 * read through the API) for a successful exchange that started after the click, with nothing
 * left to push.
 */
export async function syncNow(page: Page, s: LinkedSetup): Promise<void> {
  const before = Date.now();
  await page
    .getByTestId('sync-status')
    .getByRole('button', { name: 'Synchroniser maintenant' })
    .click();
  await expect
    .poll(
      async () => {
        const st = await s.register.api.ok('sync.status', {});
        const fresh = st.lastSuccessAt !== null && Date.parse(st.lastSuccessAt) >= before - 1_000;
        return fresh && st.waitingOps === 0 && st.online;
      },
      { timeout: SYNC_TIMEOUT_MS },
    )
    .toBe(true);
}

/** Back to the search (Échap) and the family's page again, which reads its state afresh. */
export async function reopenFamily(page: Page, code: string): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible();
  await openFamily(page, code);
}

/** A browser context of its own for the family (its phone), not the agent's session. */
export async function familyContext(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  const page = await context.newPage();
  // Chromium asks every site for /favicon.ico, which the portal does not serve, and logs the
  // 404 as a console error without its URL; a resource the page itself misses still shows as a
  // failed response, which watchProblems counts.
  const faviconOnly = [/^Failed to load resource: the server responded with a status of 404/];
  return { context, page, problems: watchProblems(page, () => faviconOnly) };
}

/** Logs the family in on the portal's family space. */
export async function familyLogin(
  page: Page,
  s: LinkedSetup,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${s.portal.base}/famille/`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { name: 'Mes factures' })).toBeVisible();
}
