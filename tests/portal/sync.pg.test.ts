// The sync protocol on a real PostgreSQL server (Debian's PostgreSQL 15 binaries, a throwaway
// cluster started for this file), plus what only a multi-connection server can show: the
// change feed never skips a change committed out of order. Skipped, with the reason, when the
// server binaries are not installed.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesResponse } from '../../src/shared/sync/schemas';
import { findPgBinaries, startPgCluster, type PgCluster } from './helpers/pg-cluster';
import {
  enrolNewCounter,
  openTestPortal,
  pullAll,
  seedBase,
  signed,
  type TestCounter,
  type TestPortal,
} from './helpers/portal-fixture';
import { defineSyncSuite } from './suites/sync-suite';

const found = findPgBinaries();
const skipReason = 'missing' in found ? found.missing : undefined;
let cluster: PgCluster | null = null;
if (skipReason) process.stderr.write(`Tests PostgreSQL du portail ignorés : ${skipReason}\n`);

async function freshDatabase(name: string): Promise<string> {
  if (!cluster) throw new Error('cluster PostgreSQL non démarré');
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return cluster.url.replace(/\/postgres$/, `/${name}`);
}

beforeAll(async () => {
  if (!('missing' in found)) cluster = await startPgCluster(found);
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
});

defineSyncSuite(
  'protocole de synchronisation (PostgreSQL)',
  'postgres',
  async () => ({ kind: 'postgres', url: await freshDatabase('suite') }),
  skipReason,
);

const feed = skipReason ? describe.skip : describe;
feed(
  `flux de changements et validations concurrentes (PostgreSQL)${skipReason ? ` — ignoré : ${skipReason}` : ''}`,
  () => {
    let portal: TestPortal;
    let url: string;
    let counter: TestCounter;

    beforeAll(async () => {
      url = await freshDatabase('feed');
      portal = await openTestPortal({ kind: 'postgres', url, poolSize: 12 });
      await seedBase(portal);
      counter = await enrolNewCounter(portal);
    });
    afterAll(async () => {
      await portal?.close();
    });

    const insertInvoice = (client: pg.Client, number: string) =>
      client.query<{ id: number }>(
        `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet)
       SELECT $1, r.id, f.id, 'CANTINE', '2026-03', '2026-03-05', '2026-04-04', 1000, replace($1, '-', '')
       FROM regie r, family f WHERE r.code = 'SCO' AND f.code = 'DUP-00001'
       RETURNING id`,
        [number],
      );

    async function client(): Promise<pg.Client> {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }

    it('une transaction plus ancienne validée après une plus récente n’est jamais sautée par le curseur', async () => {
      let cursor = (await pullAll(portal, counter)).cursor;
      const t1 = await client();
      const t2 = await client();
      try {
        await t1.query('BEGIN');
        await t2.query('BEGIN');
        const first = await insertInvoice(t1, 'OOO-000001');
        const second = await insertInvoice(t2, 'OOO-000002');
        // The business sequence hands the ids out in write order...
        expect(second.rows[0]!.id).toBeGreaterThan(first.rows[0]!.id);
        // ...but the later one commits first. A feed read by invoice id would now stand past
        // OOO-000001 and never deliver it.
        await t2.query('COMMIT');
        const early = await pullAll(portal, counter, cursor);
        expect(early.changes.map((c) => c.key)).toEqual(['OOO-000002']);
        cursor = early.cursor;
        const idle = await signed(portal, counter, 'GET', `/sync/v1/changes?cursor=${cursor}`);
        expect(idle.json<ChangesResponse>().changes).toEqual([]);

        await t1.query('COMMIT');
        const late = await pullAll(portal, counter, cursor);
        expect(late.changes.map((c) => c.key)).toEqual(['OOO-000001']);
        expect(late.changes[0]!.id).toBeGreaterThan(early.changes[0]!.id);
      } finally {
        await t1.end();
        await t2.end();
      }
    });

    it('sous écritures concurrentes validées dans le désordre, un lecteur qui interroge sans cesse voit chaque changement une fois, dans l’ordre', async () => {
      const start = (await pullAll(portal, counter)).cursor;
      const writers = 6;
      const perWriter = 12;
      const committed: string[] = [];
      const seen: { id: number; key: string }[] = [];
      let done = false;

      const poller = (async () => {
        let cursor = start;
        for (;;) {
          const finished = done;
          const res = await signed(
            portal,
            counter,
            'GET',
            `/sync/v1/changes?cursor=${cursor}&limit=7`,
          );
          const page = res.json<ChangesResponse>();
          for (const c of page.changes)
            if (c.entity === 'invoice') seen.push({ id: c.id, key: c.key });
          cursor = page.nextCursor;
          if (finished && !page.hasMore) return;
          if (!page.hasMore) await sleep(3);
        }
      })();

      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const c = await client();
          try {
            for (let i = 0; i < perWriter; i++) {
              const number = `STR-${w}-${String(i).padStart(3, '0')}`;
              await c.query('BEGIN');
              await insertInvoice(c, number);
              // Hold the transaction open a random while, so commits land out of write order.
              await sleep(Math.floor(Math.random() * 25));
              if (i % 5 === 4) {
                await c.query('ROLLBACK');
              } else {
                await c.query('COMMIT');
                committed.push(number);
              }
            }
          } finally {
            await c.end();
          }
        }),
      );
      done = true;
      await poller;

      const keys = seen.map((s) => s.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect([...keys].sort()).toEqual([...committed].sort());
      const ids = seen.map((s) => s.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(committed).toHaveLength(writers * perWriter - writers * Math.floor(perWriter / 5));
    });
  },
);
