// Sync figures, register and portal talking HTTP on loopback exactly as in production (the
// portal is Fastify on PGlite unless said otherwise, the register the real core on a WAL file):
//   - `sync.first.20k`: a fresh register's first pull of a whole commune of 20,000 families
//     (about 160,000 invoices), what a new counter waits for on its first day (`.pg`: the same
//     from a portal on a real PostgreSQL 15 server);
//   - `sync.push.1000`: a register that took 1,000 payments offline comes back: one push cycle
//     until every operation is acknowledged (`.pg`: the same on a real PostgreSQL 15 server);
//   - `sync.pull.1000`: an incremental pull of 1,000 changes made by another counter.
// Seeding is setup and is not timed. Each figure has a baseline measured in the same run, so its
// ratio means something on any machine. GUICHET_BENCH_SYNC_FAMILIES shrinks the first-sync
// commune for a quick look (the figure keeps its name; the progress lines say the size).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { PortalClient } from '../../../src/core/sync/client';
import { pullChanges } from '../../../src/core/sync/pull';
import { pushOutbox } from '../../../src/core/sync/push';
import { fileSecretStore, secretFileFor } from '../../../src/core/sync/secret-store';
import { openSqlite } from '../../../src/core/db/open';
import { createCounter } from '../../../src/portal/counters/admin';
import {
  openPortalDatabase,
  type DatabaseTarget,
  type PortalDatabase,
} from '../../../src/portal/db/open';
import { importBundle } from '../../../src/portal/ordonnateur/import';
import type { CommuneBundle } from '../../../src/portal/ordonnateur/bundle';
import { demoBundle } from '../../../src/portal/seed/demo';
import { buildPortalApp, type PortalApp } from '../../../src/portal/server';
import { openTill } from '../../core/fixtures';
import { openRegister, idOf, outboxCount, type TestRegister } from '../../core/sync/sync-fixtures';
import { findPgBinaries, startPgCluster } from '../../portal/helpers/pg-cluster';
import {
  ADMIN_TOKEN,
  MASTER_KEY,
  agent,
  baseBundle,
  enrolNewCounter,
  ops,
  paymentPayload,
  push,
  type TestPortal,
} from '../../portal/helpers/portal-fixture';
import { registerBench, type BenchContext } from '../registry';

const FIRST_SYNC_FAMILIES = Number(process.env.GUICHET_BENCH_SYNC_FAMILIES ?? 20_000);
const PUSHED = 1000;
/** 500 payments of another counter make 1,000 changes: each payment and its invoice. */
const PULLED_PAYMENTS = 500;
const PULL_SAMPLES = 3;

interface BenchPortal extends TestPortal {
  url: string;
  issueCode(posteCode: string): Promise<string>;
}

async function startBenchPortal(target: DatabaseTarget, bundle: unknown): Promise<BenchPortal> {
  const log = pino({ level: 'silent' });
  const database: PortalDatabase = await openPortalDatabase({ target, log });
  // Registers sign with the real clock, so the portal runs on it too.
  const now = () => new Date();
  const app: PortalApp = await buildPortalApp({
    database,
    masterKey: MASTER_KEY,
    adminToken: ADMIN_TOKEN,
    logger: log,
  });
  await importBundle(database.db, bundle, 'bench', now());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    database,
    app,
    clock: { now, set: () => {}, advance: () => {} },
    url: `http://127.0.0.1:${port}`,
    async issueCode(posteCode) {
      return (
        await createCounter(database.db, { posteCode, name: `Poste ${posteCode}` }, 'bench', now())
      ).code;
    },
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} Mio`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** Invoices of the test commune's two families in SCO, one per payment to take. */
function invoicesBundle(prefix: string, count: number): CommuneBundle {
  return {
    ...baseBundle,
    regies: [],
    families: [],
    invoices: Array.from({ length: count }, (_, i) => {
      const n = String(i + 1).padStart(6, '0');
      return {
        number: `${prefix}-SCO-${n}`,
        regieCode: 'SCO',
        familyCode: i % 2 === 0 ? 'DUP-00001' : 'MAR-00002',
        label: `CANTINE ${n}`,
        period: '2026-02',
        issueDate: '2026-03-05',
        dueDate: '2026-04-04',
        amountCents: 2500,
        paidOutsideCents: 0,
        refdet: `${prefix}SCO${n}`,
        status: 'emise' as const,
        lines: [{ label: 'Repas de cantine', quantity: 1, unitPriceCents: 2500 }],
      };
    }),
  };
}

async function enrol(portal: BenchPortal, reg: TestRegister, posteCode: string) {
  const code = await portal.issueCode(posteCode);
  await reg.call('sync.enrol', { portalUrl: portal.url, code });
}

function clientOf(portal: BenchPortal, reg: TestRegister): PortalClient {
  const creds = fileSecretStore(secretFileFor(reg.dbFile)).read();
  if (!creds) throw new Error('poste non enrôlé');
  return new PortalClient({ baseUrl: portal.url, creds, timeoutMs: 60_000 });
}

// --- sync.first.20k ----------------------------------------------------------------------------

let firstSyncChanges: { entity: string; key: string; data: string }[] = [];

/** Imports the commune into a fresh portal, then times a fresh register's whole first pull. */
async function firstSync(ctx: BenchContext, target: DatabaseTarget): Promise<number> {
  const t0 = performance.now();
  const bundle = demoBundle({ families: FIRST_SYNC_FAMILIES, today: '2026-03-10' });
  ctx.progress(
    `commune générée : ${bundle.families?.length ?? 0} familles, ${bundle.invoices?.length ?? 0} factures (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const t1 = performance.now();
  const portal = await startBenchPortal(target, bundle);
  ctx.progress(
    `import au portail : ${((performance.now() - t1) / 1000).toFixed(1)} s (préparation, non mesurée) ; mémoire résidente maximale ${mib(peakRss())}`,
  );
  const reg = await openRegister('B01', { pageSize: 500 });
  try {
    await enrol(portal, reg, 'B01');
    const rssBefore = peakRss();
    const start = performance.now();
    const report = await pullChanges(() => reg.core.sqlite, clientOf(portal, reg), {
      pageSize: 500,
      now: () => new Date(),
    });
    const seconds = (performance.now() - start) / 1000;
    reg.core.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    ctx.progress(
      `${report.changes} changements en ${report.pages} pages : ${(report.changes / seconds).toFixed(0)} changements/s ; base du registre ${mib(statSync(reg.dbFile).size)} ; mémoire résidente maximale du processus ${mib(peakRss())} (avant le tirage : ${mib(rssBefore)}, portail ${target.kind === 'pglite' ? 'PGlite en mémoire compris' : 'PostgreSQL hors processus'})`,
    );
    const families = reg.core.sqlite.prepare('SELECT count(*) AS n FROM family').get() as {
      n: number;
    };
    const invoices = reg.core.sqlite.prepare('SELECT count(*) AS n FROM invoice').get() as {
      n: number;
    };
    if (
      families.n !== (bundle.families?.length ?? 0) ||
      invoices.n !== (bundle.invoices?.length ?? 0)
    ) {
      throw new Error(
        `tirage incomplet : ${families.n} familles et ${invoices.n} factures au registre`,
      );
    }
    // The baseline inserts exactly what was pulled: read here, outside the measure.
    firstSyncChanges = await portal.database.withSession((s) =>
      s.query<{ entity: string; key: string; data: string }>(
        'SELECT entity, entity_key AS key, data::text AS data FROM change ORDER BY id',
      ),
    );
    return seconds;
  } finally {
    reg.close();
    await portal.close();
  }
}

const firstSyncBaseline = {
  // Storing the same bytes is the floor of any first sync: the ratio is what the protocol,
  // HTTP, the portal's pages and the register's per-entity rules cost above writing the data.
  description:
    'les mêmes changements (entité, clé, JSON) insérés tels quels dans une table SQLite nue, une transaction, WAL synchronous=FULL',
  async run() {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-first-base-'));
    const sqlite = openSqlite(path.join(dir, 'base.sqlite'));
    try {
      sqlite.exec(
        'CREATE TABLE bare_change (id INTEGER PRIMARY KEY, entity TEXT NOT NULL, key TEXT NOT NULL, data TEXT)',
      );
      const insert = sqlite.prepare('INSERT INTO bare_change (entity, key, data) VALUES (?, ?, ?)');
      const all = firstSyncChanges;
      const start = performance.now();
      sqlite.transaction(() => {
        for (const c of all) insert.run(c.entity, c.key, c.data);
      })();
      return [(performance.now() - start) / 1000];
    } finally {
      sqlite.close();
      rmSync(dir, { recursive: true, force: true });
      firstSyncChanges = [];
    }
  },
};

registerBench({
  name: 'sync.first.20k',
  unit: 's',
  description: `premier tirage complet d’un registre vide (HTTP local, pages de 500) d’une commune de ${FIRST_SYNC_FAMILIES} familles et leurs factures sur un portail PGlite`,
  async run(ctx: BenchContext) {
    return [await firstSync(ctx, { kind: 'pglite', dataDir: null })];
  },
  baseline: firstSyncBaseline,
});

registerBench({
  name: 'sync.first.20k.pg',
  unit: 's',
  description: `comme sync.first.20k, portail sur un vrai serveur PostgreSQL local (fsync=off, grappe jetable)`,
  async run(ctx: BenchContext) {
    const found = findPgBinaries();
    if ('missing' in found) throw new Error(`ignorée : ${found.missing}`);
    const cluster = await startPgCluster(found);
    try {
      return [await firstSync(ctx, { kind: 'postgres', url: cluster.url })];
    } finally {
      await cluster.stop();
    }
  },
  baseline: firstSyncBaseline,
});

// --- sync.push.1000 (and .pg) ------------------------------------------------------------------

let pushBaselineDatabase: PortalDatabase | null = null;

/** A register enrolled and synced, 1,000 cheque payments taken offline, then one push cycle. */
async function pushThousand(ctx: BenchContext, target: DatabaseTarget): Promise<number> {
  const portal = await startBenchPortal(target, baseBundle);
  await importBundle(portal.database.db, invoicesBundle('2026', PUSHED), 'bench', new Date());
  const reg = await openRegister('B02', { pageSize: 500 });
  try {
    await enrol(portal, reg, 'B02');
    await pullChanges(() => reg.core.sqlite, clientOf(portal, reg), { now: () => new Date() });
    openTill(reg.core.sqlite, { now: new Date(), posteCode: 'B02' });
    reg.net.offline = true;
    const sco = idOf(reg, 'regie', 'SCO');
    const families = {
      even: idOf(reg, 'family', 'DUP-00001'),
      odd: idOf(reg, 'family', 'MAR-00002'),
    };
    const invoices = reg.core.sqlite
      .prepare("SELECT id, number FROM invoice WHERE number LIKE '2026-SCO-%' ORDER BY number")
      .all() as { id: number; number: string }[];
    if (invoices.length !== PUSHED) throw new Error(`${invoices.length} factures au registre`);
    ctx.progress(`${PUSHED} paiements par chèque pris hors ligne…`);
    for (let i = 0; i < PUSHED; i++) {
      await reg.call('payments.record', {
        commandId: randomUUID(),
        familyId: i % 2 === 0 ? families.even : families.odd,
        regieId: sco,
        amountCents: 2500,
        method: {
          mode: 'cheque',
          bank: 'Crédit Agricole',
          number: String(1_000_000 + i),
          drawer: 'Anne Dupond',
          payee: 'Régie scolaire de Ville de Test',
        },
        allocations: [{ invoiceId: invoices[i]!.id, amountCents: 2500 }],
      });
    }
    const queued = outboxCount(reg);
    reg.net.offline = false;
    const start = performance.now();
    const report = await pushOutbox(() => reg.core.sqlite, clientOf(portal, reg), {
      now: () => new Date(),
    });
    const seconds = (performance.now() - start) / 1000;
    if (report.acknowledged !== queued || outboxCount(reg) !== 0) {
      throw new Error(`push incomplet : ${JSON.stringify(report)} pour ${queued} en file`);
    }
    ctx.progress(
      `${queued} opérations acquittées en ${seconds.toFixed(2)} s (${(queued / seconds).toFixed(0)} opérations/s)`,
    );
    return seconds;
  } finally {
    reg.close();
    await portal.close();
  }
}

/** 1,000 single-row INSERTs of a payment-sized JSON in one transaction of the same engine. */
async function bareInserts(database: PortalDatabase): Promise<number> {
  const payload = JSON.stringify({
    ref: randomUUID(),
    receiptNumber: 'R-SCO-B00-2026-000001',
    regieCode: 'SCO',
    familyCode: 'DUP-00001',
    mode: 'cheque',
    amountCents: 2500,
    tenderedCents: null,
    changeCents: null,
    creditCreatedCents: 0,
    details: { bank: 'Crédit Agricole', number: '1000000', drawer: 'Anne Dupond', payee: 'Régie' },
    recordedAt: new Date().toISOString(),
    agent,
    allocations: [{ invoiceNumber: '2026-SCO-000001', amountCents: 2500 }],
  });
  return database.withSession(async (s) => {
    await s.exec(
      'CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, op_id uuid NOT NULL, payload jsonb NOT NULL)',
    );
    const start = performance.now();
    await s.exec('BEGIN');
    for (let i = 0; i < PUSHED; i++) {
      await s.query('INSERT INTO bench_bare (op_id, payload) VALUES ($1, $2)', [
        randomUUID(),
        payload,
      ]);
    }
    await s.exec('COMMIT');
    return (performance.now() - start) / 1000;
  });
}

const pushBaseline = (kind: string) => ({
  // One statement per row is the floor of any per-operation processing; a multi-row INSERT
  // would only measure the engine's bulk path, which no push of varied operations can match.
  description: `${PUSHED} INSERT d’une ligne (uuid + JSON de paiement) dans une table nue de la même base ${kind}, une transaction`,
  async run() {
    const database = pushBaselineDatabase;
    if (!database) throw new Error('base de référence absente');
    try {
      return [await bareInserts(database)];
    } finally {
      await database.close();
      pushBaselineDatabase = null;
    }
  },
});

registerBench({
  name: 'sync.push.1000',
  unit: 's',
  description: `${PUSHED} paiements pris hors ligne par un registre puis un cycle de push jusqu’à l’acquittement (HTTP local, lots de 200, portail PGlite)`,
  async run(ctx) {
    const seconds = await pushThousand(ctx, { kind: 'pglite', dataDir: null });
    pushBaselineDatabase = await openPortalDatabase({ target: { kind: 'pglite', dataDir: null } });
    return [seconds];
  },
  baseline: pushBaseline('PGlite'),
});

let pgStop: (() => Promise<void>) | null = null;

registerBench({
  name: 'sync.push.1000.pg',
  unit: 's',
  description: `comme sync.push.1000, portail sur un vrai serveur PostgreSQL local (fsync=off, grappe jetable)`,
  async run(ctx) {
    const found = findPgBinaries();
    if ('missing' in found) {
      // A figure that cannot be measured here fails visibly with its reason rather than lying.
      throw new Error(`ignorée : ${found.missing}`);
    }
    const cluster = await startPgCluster(found);
    pgStop = () => cluster.stop();
    try {
      const seconds = await pushThousand(ctx, { kind: 'postgres', url: cluster.url });
      // The baseline uses a fresh database of the same cluster.
      const admin = await openPortalDatabase({
        target: { kind: 'postgres', url: cluster.url, poolSize: 1 },
      });
      await admin.withSession((s) => s.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public'));
      pushBaselineDatabase = admin;
      return [seconds];
    } catch (e) {
      await cluster.stop();
      pgStop = null;
      throw e;
    }
  },
  baseline: {
    ...pushBaseline('PostgreSQL'),
    async run() {
      try {
        return await pushBaseline('PostgreSQL').run();
      } finally {
        await pgStop?.();
        pgStop = null;
      }
    },
  },
});

// --- sync.pull.1000 ----------------------------------------------------------------------------

let pullBaseline: { portal: BenchPortal; fromId: number } | null = null;

registerBench({
  name: 'sync.pull.1000',
  unit: 'ms',
  description: `tirage incrémental de ${PULLED_PAYMENTS * 2} changements (${PULLED_PAYMENTS} paiements d’un autre poste et leurs factures) par un registre à jour, HTTP local, portail PGlite, ${PULL_SAMPLES} fois`,
  async run(ctx) {
    const portal = await startBenchPortal({ kind: 'pglite', dataDir: null }, baseBundle);
    await importBundle(
      portal.database.db,
      invoicesBundle('2026', PULLED_PAYMENTS * PULL_SAMPLES),
      'bench',
      new Date(),
    );
    const reg = await openRegister('B03', { pageSize: 500 });
    const samples: number[] = [];
    try {
      await enrol(portal, reg, 'B03');
      const client = clientOf(portal, reg);
      await pullChanges(() => reg.core.sqlite, client, { now: () => new Date() });
      const other = await enrolNewCounter(portal);
      for (let s = 0; s < PULL_SAMPLES; s++) {
        const wire = ops(
          other,
          Array.from({ length: PULLED_PAYMENTS }, (_, i) => {
            const n = s * PULLED_PAYMENTS + i;
            return {
              kind: 'payment' as const,
              payload: paymentPayload(other, {
                family: n % 2 === 0 ? 'DUP-00001' : 'MAR-00002',
                amountCents: 2500,
                recordedAt: new Date().toISOString(),
                allocations: [
                  {
                    invoiceNumber: `2026-SCO-${String(n + 1).padStart(6, '0')}`,
                    amountCents: 2500,
                  },
                ],
              }),
            };
          }),
        );
        // Signed with the portal's real clock: other's requests are injected, not over HTTP.
        const fromId = await maxChangeId(portal);
        for (let i = 0; i < wire.length; i += 250) {
          const answer = await push(portal, other, wire.slice(i, i + 250));
          if (answer.results.some((r) => r.status !== 'applied')) {
            throw new Error('paiement de l’autre poste refusé');
          }
        }
        const start = performance.now();
        const report = await pullChanges(() => reg.core.sqlite, client, {
          pageSize: 500,
          now: () => new Date(),
        });
        samples.push(performance.now() - start);
        if (report.changes !== PULLED_PAYMENTS * 2) {
          throw new Error(`${report.changes} changements tirés, ${PULLED_PAYMENTS * 2} attendus`);
        }
        ctx.progress(
          `tirage ${s + 1}/${PULL_SAMPLES} : ${report.changes} changements en ${samples.at(-1)!.toFixed(0)} ms`,
        );
        pullBaseline = { portal, fromId };
      }
      return samples;
    } catch (e) {
      await portal.close();
      pullBaseline = null;
      throw e;
    } finally {
      reg.close();
    }
  },
  baseline: {
    description: `lecture nue des mêmes ${PULLED_PAYMENTS * 2} lignes de la table change du portail (id, entité, clé, JSON), une requête, ${PULL_SAMPLES} fois`,
    async run() {
      const state = pullBaseline;
      if (!state) throw new Error('portail de référence absent');
      try {
        const out: number[] = [];
        for (let s = 0; s < PULL_SAMPLES; s++) {
          const start = performance.now();
          const found = await state.portal.database.withSession((x) =>
            x.query(
              'SELECT id, entity, entity_key, data FROM change WHERE id > $1 ORDER BY id LIMIT $2',
              [state.fromId, PULLED_PAYMENTS * 2],
            ),
          );
          out.push(performance.now() - start);
          if (found.length !== PULLED_PAYMENTS * 2) throw new Error(`${found.length} lignes lues`);
        }
        return out;
      } finally {
        await state.portal.close();
        pullBaseline = null;
      }
    },
  },
});

async function maxChangeId(portal: BenchPortal): Promise<number> {
  const [row] = await portal.database.withSession((s) =>
    s.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM change'),
  );
  return Number(row?.id ?? 0);
}
