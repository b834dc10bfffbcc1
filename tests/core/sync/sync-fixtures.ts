// A real portal (PGlite in memory, listening on a loopback port) and registers that sync with
// it over HTTP, as in production. Each register starts EMPTY and gets its régies, families and
// invoices from its first pull (the portal's demo commune is not the register's). A switchable
// fetch lets a test cut the network, or drop a response after the portal has processed it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import { createCounter, issueEnrolmentCode } from '../../../src/portal/counters/admin';
import { PortalError } from '../../../src/portal/errors';
import { openPortalDatabase } from '../../../src/portal/db/open';
import { buildPortalApp } from '../../../src/portal/server';
import type { HandlerName, Input, Output } from '../../../src/shared/contract';
import type { AppError } from '../../../src/shared/errors';
import { openTill } from '../fixtures';
import {
  ADMIN_TOKEN,
  MASTER_KEY,
  clock,
  seedBase,
  type TestPortal,
} from '../../portal/helpers/portal-fixture';

export interface LivePortal extends TestPortal {
  url: string;
  /** The loopback port the portal listens on; it keeps it across restarts. */
  port: number;
  /** A one-time enrolment code for this poste (the counter is created if it does not exist). */
  issueCode(posteCode: string): Promise<string>;
  /**
   * Stops the portal abruptly (open connections destroyed, requests in progress answered to
   * no one) and starts it again on the same port and data folder. Only with a dataDir.
   */
  restart(downMs?: number): Promise<void>;
  restarts: number;
}

/**
 * dataDir: the portal keeps its PGlite database in this folder, so that it survives a restart;
 * absent, in memory (cannot restart). seeded: the folder already holds the base commune.
 */
export async function startPortal(
  opts: { dataDir?: string; seeded?: boolean } = {},
): Promise<LivePortal> {
  const log = pino({ level: 'silent' });
  const target = { kind: 'pglite', dataDir: opts.dataDir ?? null } as const;
  const open = async (port: number) => {
    const database = await openPortalDatabase({ target, log });
    const app = await buildPortalApp({
      database,
      masterKey: MASTER_KEY,
      adminToken: ADMIN_TOKEN,
      logger: log,
    });
    await app.listen({ host: '127.0.0.1', port });
    return { database, app, port: (app.server.address() as AddressInfo).port };
  };
  const first = await open(0);
  // The portal runs on the real clock: requests are signed with the register's real time.
  const c = clock(new Date());
  const stop = async () => {
    // A crash rather than a polite shutdown: nothing in progress gets its answer.
    portal.app.server.closeAllConnections();
    await portal.app.close();
    await portal.database.close();
  };
  const portal: LivePortal = {
    database: first.database,
    app: first.app,
    clock: c,
    port: first.port,
    url: `http://127.0.0.1:${first.port}`,
    restarts: 0,
    async issueCode(posteCode) {
      try {
        const issued = await createCounter(
          portal.database.db,
          { posteCode, name: `Poste ${posteCode}` },
          'test',
          new Date(),
        );
        return issued.code;
      } catch (e) {
        // A counter whose enrolment must be done again (a lost answer) gets a new code.
        if (!(e instanceof PortalError) || e.code !== 'POSTE_EXISTANT') throw e;
        return (await issueEnrolmentCode(portal.database.db, posteCode, 'test', new Date())).code;
      }
    },
    async restart(downMs = 0) {
      if (!opts.dataDir) throw new Error('Un portail en mémoire ne peut pas redémarrer.');
      await stop();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      const next = await open(portal.port);
      portal.database = next.database;
      portal.app = next.app;
      portal.restarts++;
    },
    close: stop,
  };
  if (!opts.seeded) await seedBase(portal);
  return portal;
}

export const ADMIN_PASSWORD = 'Regie-Titulaire-2026';

/** What a test can do to the network between this register and the portal. */
export interface Network {
  offline: boolean;
  /** The next N responses are lost after the portal has processed the request. */
  dropResponses: number;
  requests: number;
}

export interface TestRegister {
  core: Core;
  dir: string;
  dbFile: string;
  net: Network;
  token: string;
  call<K extends HandlerName>(name: K, args: Input<K>): Promise<Output<K>>;
  send<K extends HandlerName>(
    name: K,
    args: Input<K>,
  ): Promise<{ ok: true; value: Output<K> } | { ok: false; error: AppError }>;
  close(): void;
}

export async function openRegister(
  posteCode: string,
  opts: {
    pageSize?: number;
    dir?: string;
    background?: boolean;
    intervalMs?: number;
    timeoutMs?: number;
    backoffCapMs?: number;
  } = {},
): Promise<TestRegister> {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'guichet-sync-'));
  const dbFile = path.join(dir, `registre-${posteCode}.sqlite`);
  const net: Network = { offline: false, dropResponses: 0, requests: 0 };
  const netFetch: typeof fetch = async (input, init) => {
    net.requests++;
    if (net.offline) throw new TypeError('fetch failed');
    const res = await fetch(input, init);
    if (net.dropResponses > 0) {
      net.dropResponses--;
      await res.text();
      throw new TypeError('fetch failed: connexion coupée pendant la réponse');
    }
    return res;
  };
  const savedPoste = process.env.GUICHET_POSTE_CODE;
  const savedPassword = process.env.GUICHET_ADMIN_PASSWORD;
  process.env.GUICHET_POSTE_CODE = posteCode;
  process.env.GUICHET_ADMIN_PASSWORD = ADMIN_PASSWORD;
  let core: Core;
  try {
    core = await openCore({
      dbFile,
      seed: 'empty',
      logger: pino({ level: process.env.DBG ? 'error' : 'silent' }),
      backupSchedule: false,
      sync: {
        background: opts.background ?? false,
        pageSize: opts.pageSize ?? 500,
        fetch: netFetch,
        timeoutMs: opts.timeoutMs ?? 5000,
        // Fast enough for a test to watch the timer and its backoff.
        intervalMs: opts.intervalMs ?? 100,
        backoffBaseMs: 50,
        backoffCapMs: opts.backoffCapMs ?? 400,
      },
    });
  } finally {
    restoreEnv('GUICHET_POSTE_CODE', savedPoste);
    restoreEnv('GUICHET_ADMIN_PASSWORD', savedPassword);
  }
  const send = async <K extends HandlerName>(name: K, args: Input<K>, token: string | null) =>
    (await core.send(name, args, token)) as
      { ok: true; value: Output<K> } | { ok: false; error: AppError };
  const login = await send('auth.login', { login: 'regisseur', password: ADMIN_PASSWORD }, null);
  if (!login.ok) throw new Error(login.error.message);
  const token = login.value.token;
  return {
    core,
    dir,
    dbFile,
    net,
    token,
    send: (name, args) => send(name, args, token),
    async call(name, args) {
      const r = await send(name, args, token);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    close() {
      core.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}

/**
 * Enrols the register and runs its first sync (the whole commune, page by page). portalUrl: the
 * address the register is given (a proxy in front of the portal), the portal's own by default.
 */
export async function enrolAndSync(
  portal: LivePortal,
  reg: TestRegister,
  posteCode: string,
  portalUrl: string = portal.url,
) {
  const code = await portal.issueCode(posteCode);
  await reg.call('sync.enrol', { portalUrl, code });
  const status = await reg.call('sync.now', {});
  if (status.lastError) throw new Error(status.lastError);
  openTill(reg.core.sqlite, { now: new Date(), posteCode });
  return status;
}

export function idOf(
  reg: TestRegister,
  table: 'regie' | 'family' | 'invoice',
  key: string,
): number {
  const column = table === 'invoice' ? 'number' : 'code';
  const row = reg.core.sqlite.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).get(key) as
    { id: number } | undefined;
  if (!row) throw new Error(`${table} ${key} absent du registre`);
  return row.id;
}

export function invoiceRow(reg: TestRegister, number: string) {
  return reg.core.sqlite
    .prepare(
      'SELECT amount_cents, paid_cents, remote_paid_cents, paid_outside_cents, status FROM invoice WHERE number = ?',
    )
    .get(number) as {
    amount_cents: number;
    paid_cents: number;
    remote_paid_cents: number;
    paid_outside_cents: number;
    status: string;
  };
}

export function outboxCount(reg: TestRegister): number {
  return (reg.core.sqlite.prepare('SELECT count(*) AS n FROM sync_outbox').get() as { n: number })
    .n;
}
