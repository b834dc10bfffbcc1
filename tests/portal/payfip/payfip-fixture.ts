// A portal with its family pages and PayFiP wired to a sandbox, both listening on loopback
// ports (the sandbox notifies the portal over real HTTP), on PGlite in memory, sharing one
// settable clock. The family's browser is Fastify's inject with a cookie jar; the payer's
// clicks on the sandbox page are real HTTP requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openPortalDatabase } from '../../../src/portal/db/open';
import { buildPortalApp, listenPortal, type RunningPortal } from '../../../src/portal/server';
import { startSandbox, type SandboxApp } from '../../../src/portal/payfip/sandbox/server';
import type { NotificationPlan } from '../../../src/portal/payfip/sandbox/sandbox';
import type { PayfipService } from '../../../src/portal/payfip/attempts';
import {
  MASTER_KEY,
  clock,
  enrolNewCounter,
  seedBase,
  type TestPortal,
} from '../helpers/portal-fixture';
import { activate, issueCode, type Browser, type FamilyPortal } from '../family-web/family-fixture';

const silent = pino({ level: process.env.DBG ? 'warn' : 'silent' });

export interface PayfipPortal extends FamilyPortal {
  sandbox: SandboxApp;
  running: RunningPortal;
  payfip: PayfipService;
}

export async function openPayfipPortal(
  o: {
    notification?: NotificationPlan;
    /** The clock's start (default: the fixture's fixed date). */
    start?: Date;
    /** What the portal's PayFiP client calls instead of fetch (to inject faults). */
    fetch?: typeof fetch;
  } = {},
): Promise<PayfipPortal> {
  const mailDir = mkdtempSync(path.join(tmpdir(), 'guichet-payfip-mails-'));
  const database = await openPortalDatabase({
    target: { kind: 'pglite', dataDir: null },
    log: silent,
  });
  const c = clock(o.start);
  const sandbox = await startSandbox({
    now: c.now,
    notification: o.notification ?? { mode: 'once' },
  });
  let base = '';
  const app = await buildPortalApp({
    database,
    masterKey: MASTER_KEY,
    adminToken: 'jeton-admin-de-test-0123456789',
    logger: silent,
    now: c.now,
    family: {
      mailDir,
      alertIntervalMs: null,
      rateLimit: { max: 1000, timeWindowMs: 60_000 },
    },
    payfip: {
      testEndpoint: sandbox.endpoint,
      publicUrl: () => base,
      pollIntervalMs: null,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    },
  });
  const running = await listenPortal(app, '127.0.0.1', 0);
  base = running.url;
  const portal: TestPortal = {
    database,
    app,
    clock: c,
    close: async () => {
      await sandbox.sandbox.idle();
      await sandbox.close();
      await app.close();
      await database.close();
      rmSync(mailDir, { recursive: true, force: true });
    },
  };
  await seedBase(portal);
  const counter = await enrolNewCounter(portal);
  const payfip = app.payfip;
  if (!payfip) throw new Error('PayFiP absent du portail');
  return { ...portal, mailDir, counter, sandbox, running, payfip };
}

let familySeq = 0;
/** A logged-in family browser (Dupond by default, who has SCO and SPO accounts). */
export async function familyBrowser(p: PayfipPortal, familyCode = 'DUP-00001'): Promise<Browser> {
  familySeq++;
  const code = `PAYE-${String(familySeq).padStart(4, '0')}-WXYZ`;
  await issueCode(p, familyCode, code);
  return activate(p, familyCode, code, `famille${familySeq}@example.fr`);
}

/** Ticks invoices and posts « Payer en ligne »; returns the redirect (or the refusal). */
export async function startPayment(p: PayfipPortal, b: Browser, numbers: string[]) {
  await b.get('/famille/factures');
  const body = new URLSearchParams();
  for (const n of numbers) body.append('facture', n);
  body.set('_csrf', b.csrf());
  const res = await p.app.inject({
    method: 'POST',
    url: '/famille/paiement',
    headers: {
      cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: body.toString(),
  });
  const location = String(res.headers.location ?? '');
  const idop = /idop=([A-Za-z0-9-]+)/.exec(location)?.[1] ?? null;
  return { res, location, idop };
}

/** The payer opens the sandbox page and clicks a button (real HTTP to the sandbox). */
export async function payerChooses(location: string, resultrans: 'P' | 'V' | 'R' | 'Z' | 'A') {
  const page = await fetch(location);
  const html = await page.text();
  if (page.status !== 200) return { status: page.status, html };
  const idop = /name="idop" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const jeton = /name="jeton" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(new URL('/tpa/paiementws.web', location), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ idop, jeton, resultrans }).toString(),
  });
  return { status: res.status, html: await res.text() };
}
