// A PayFiP portal (PGlite in memory, listening on loopback, PayFiP sandbox beside it) for the
// counter's re-check: like payfip-fixture's, plus two things the re-check needs. The clock can
// start at the real time, so that a register signing with its own clock is within the
// portal's window; and the portal's PayFiP link can be made to answer SOAP faults, the one
// true process boundary a test cannot otherwise reach (the sandbox only faults on bad input).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openPortalDatabase } from '../../../src/portal/db/open';
import { faultXml } from '../../../src/portal/payfip/faults';
import { startSandbox } from '../../../src/portal/payfip/sandbox/server';
import { buildPortalApp, listenPortal } from '../../../src/portal/server';
import {
  MASTER_KEY,
  clock,
  enrolNewCounter,
  seedBase,
  type TestPortal,
} from '../helpers/portal-fixture';
import type { PayfipPortal } from './payfip-fixture';

const silent = pino({ level: process.env.DBG ? 'warn' : 'silent' });

export interface RecheckPortal extends PayfipPortal {
  /** How many of the next recupererDetailPaiementSecurise calls answer a SOAP fault. */
  faults: { next: number; xml: string };
}

export const TECHNICAL_FAULT = faultXml('I1', {
  type: 'TechIndisponibiliteErreur',
  libelle: 'Service momentanément indisponible',
});

export async function openRecheckPortal(o: { start?: Date } = {}): Promise<RecheckPortal> {
  const mailDir = mkdtempSync(path.join(tmpdir(), 'guichet-recheck-mails-'));
  const database = await openPortalDatabase({
    target: { kind: 'pglite', dataDir: null },
    log: silent,
  });
  const c = clock(o.start);
  const sandbox = await startSandbox({ now: c.now, notification: { mode: 'never' } });
  const faults = { next: 0, xml: TECHNICAL_FAULT };
  const payfipFetch: typeof fetch = async (input, init) => {
    if (
      faults.next > 0 &&
      typeof init?.body === 'string' &&
      init.body.includes('recupererDetailPaiementSecurise')
    ) {
      faults.next--;
      return new Response(faults.xml, {
        status: 500,
        headers: { 'content-type': 'text/xml; charset=utf-8' },
      });
    }
    return fetch(input, init);
  };
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
      fetch: payfipFetch,
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
  return { ...portal, mailDir, counter, sandbox, running, payfip, faults };
}
