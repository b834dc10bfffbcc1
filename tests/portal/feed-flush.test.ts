// The change feed's set-based flush (migration 0004_set_based_flush), on PGlite: the JSON built
// for many keys at once equals the per-entity state function for every entity of a demo commune
// with payments, a credit use and a cancellation; one transaction's changes get consecutive ids
// in a fixed order (what others refer to first); marks rolled back with a savepoint vanish
// without stopping the flush of the others; a flush forced early by SET CONSTRAINTS IMMEDIATE
// is followed by one at COMMIT for what changed after it. The commit-order property itself
// (concurrent writers) is tested on a real server in sync.pg.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawSession } from '../../src/portal/db/migrate';
import type { PushResponse } from '../../src/shared/sync/schemas';
import { importBundle } from '../../src/portal/ordonnateur/import';
import { demoBundle } from '../../src/portal/seed/demo';
import {
  T0,
  agent,
  baseBundle,
  enrolNewCounter,
  openTestPortal,
  ops,
  paymentPayload,
  push,
  type TestPortal,
} from './helpers/portal-fixture';

let portal: TestPortal;

const session = <T>(fn: (s: RawSession) => Promise<T>) => portal.database.withSession(fn);
const query = <T extends Record<string, unknown>>(text: string, params?: unknown[]) =>
  session((s) => s.query<T>(text, params));

interface FeedRow extends Record<string, unknown> {
  id: string;
  entity: string;
  entity_key: string;
}
const maxChangeId = async () =>
  Number(
    (await query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM change'))[0]!.id,
  );
const changesAfter = (id: number) =>
  query<FeedRow>(
    'SELECT c.id::text AS id, c.entity, c.entity_key FROM change c WHERE c.id > $1 ORDER BY c.id',
    [id],
  );
const pendingCount = async () =>
  Number((await query<{ n: string }>('SELECT count(*)::text AS n FROM change_pending'))[0]!.n);

const insertInvoice = (number: string, label = 'CANTINE') =>
  `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet)
   SELECT '${number}', r.id, f.id, '${label}', '2026-03', '2026-03-05', '2026-04-04', 1000, replace('${number}', '-', '')
   FROM regie r, family f WHERE r.code = 'SCO' AND f.code = 'DUP-00001'`;

beforeAll(async () => {
  portal = await openTestPortal({ kind: 'pglite', dataDir: null });
  await importBundle(portal.database.db, baseBundle, 'test', T0);
}, 120_000);
afterAll(async () => {
  await portal?.close();
});

describe('vidage du flux en une instruction par transaction', () => {
  it('un import publie chaque entité une fois, ids consécutifs, ce qui est référencé avant ce qui y renvoie', async () => {
    const from = await maxChangeId();
    const bundle = demoBundle({ families: 30, today: '2026-03-10' });
    await importBundle(portal.database.db, bundle, 'test', T0);
    const feed = await changesAfter(from);
    expect(await pendingCount()).toBe(0);
    const keys = feed.map((c) => `${c.entity}:${c.entity_key}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(feed.filter((c) => c.entity === 'invoice')).toHaveLength(bundle.invoices?.length ?? 0);
    expect(feed.filter((c) => c.entity === 'family')).toHaveLength(bundle.families?.length ?? 0);
    // One transaction: consecutive ids, in entity rank order, then by key (bytewise).
    const ids = feed.map((c) => Number(c.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    const rank = ['commune', 'regie', 'family', 'account', 'access_code', 'invoice'];
    const sorted = [...feed].sort(
      (a, b) =>
        rank.indexOf(a.entity) - rank.indexOf(b.entity) ||
        (a.entity_key < b.entity_key ? -1 : a.entity_key > b.entity_key ? 1 : 0),
    );
    expect(feed.map((c) => c.entity_key)).toEqual(sorted.map((c) => c.entity_key));
    const lastFamily = Math.max(...feed.filter((c) => c.entity === 'family').map((c) => +c.id));
    const firstInvoice = Math.min(...feed.filter((c) => c.entity === 'invoice').map((c) => +c.id));
    expect(lastFamily).toBeLessThan(firstInvoice);
  });

  it('une facture écrite puis annulée par un retour au point de sauvegarde disparaît ; les autres sont publiées', async () => {
    const from = await maxChangeId();
    // The first mark of the transaction is the one rolled back: the flush must still run.
    await session((s) =>
      s.exec(`BEGIN;
        SAVEPOINT a; ${insertInvoice('SVP-000001')}; ROLLBACK TO SAVEPOINT a;
        ${insertInvoice('SVP-000002')};
        SAVEPOINT b; ${insertInvoice('SVP-000003')}; ROLLBACK TO SAVEPOINT b;
        SAVEPOINT c; ${insertInvoice('SVP-000004')}; RELEASE SAVEPOINT c;
        COMMIT`),
    );
    expect((await changesAfter(from)).map((c) => c.entity_key)).toEqual([
      'SVP-000002',
      'SVP-000004',
    ]);
    expect(await pendingCount()).toBe(0);
  });

  it('un vidage avancé par SET CONSTRAINTS IMMEDIATE est suivi, au COMMIT, de ce qui a changé après', async () => {
    const from = await maxChangeId();
    await session((s) =>
      s.exec(`BEGIN;
        ${insertInvoice('IMM-000001', 'AVANT')};
        SET CONSTRAINTS change_pending_flush IMMEDIATE;
        SET CONSTRAINTS change_pending_flush DEFERRED;
        UPDATE invoice SET label = 'APRES' WHERE number = 'IMM-000001';
        ${insertInvoice('IMM-000002')};
        COMMIT`),
    );
    const feed = await query<FeedRow & { label: string }>(
      `SELECT c.id::text AS id, c.entity, c.entity_key, c.data->>'label' AS label FROM change c
       WHERE c.id > $1 ORDER BY c.id`,
      [from],
    );
    expect(feed.map((c) => [c.entity_key, c.label])).toEqual([
      ['IMM-000001', 'APRES'],
      ['IMM-000002', 'CANTINE'],
    ]);
    expect(await pendingCount()).toBe(0);
  });

  it('une transaction annulée ne publie rien et ne laisse aucune marque', async () => {
    const from = await maxChangeId();
    await session((s) => s.exec(`BEGIN; ${insertInvoice('RBK-000001')}; ROLLBACK`));
    expect(await changesAfter(from)).toEqual([]);
    expect(await pendingCount()).toBe(0);
  });
});

describe('états calculés en lot', () => {
  it('donnent le même JSON que portal_entity_state pour chaque facture, famille et compte d’une commune de démo', async () => {
    // Payments (one creating credit), a credit use and a cancellation, on demo invoices of
    // two postes, so that countersPaidByPoste and the accounts' credit are not empty.
    const invoices = await query<{ number: string; family: string; regie: string; amount: number }>(
      `SELECT i.number, f.code AS family, r.code AS regie, i.amount_cents AS amount
       FROM invoice i JOIN family f ON f.id = i.family_id JOIN regie r ON r.id = i.regie_id
       WHERE i.number ~ '^20[0-9][0-9]-SCO-' AND i.status = 'emise' AND i.paid_cents = 0
         AND i.amount_cents > 1000 ORDER BY i.number LIMIT 3`,
    );
    expect(invoices).toHaveLength(3);
    const [a, b, c] = invoices as [
      (typeof invoices)[0],
      (typeof invoices)[0],
      (typeof invoices)[0],
    ];
    const one = await enrolNewCounter(portal);
    const two = await enrolNewCounter(portal);
    const payA = paymentPayload(one, {
      family: a.family,
      regie: a.regie,
      amountCents: a.amount - 300 + 500,
      creditCreatedCents: 500,
      allocations: [{ invoiceNumber: a.number, amountCents: a.amount - 300 }],
    });
    const payB = paymentPayload(two, {
      family: b.family,
      regie: b.regie,
      amountCents: 100,
      allocations: [{ invoiceNumber: b.number, amountCents: 100 }],
    });
    const payC = paymentPayload(one, {
      family: c.family,
      regie: c.regie,
      amountCents: c.amount,
      allocations: [{ invoiceNumber: c.number, amountCents: c.amount }],
    });
    const applied = (r: PushResponse) =>
      r.results.map((x) => (x.status === 'applied' ? x.status : `${x.status} ${x.code ?? ''}`));
    expect(
      applied(
        await push(
          portal,
          one,
          ops(one, [
            { kind: 'payment', payload: payA },
            { kind: 'payment', payload: payC },
          ]),
        ),
      ),
    ).toEqual(['applied', 'applied']);
    expect(
      applied(await push(portal, two, ops(two, [{ kind: 'payment', payload: payB }]))),
    ).toEqual(['applied']);
    const use = {
      ref: randomUUID(),
      regieCode: a.regie,
      familyCode: a.family,
      amountCents: 200,
      usedAt: T0.toISOString(),
      agent,
      allocations: [{ invoiceNumber: a.number, amountCents: 200 }],
    };
    expect(
      applied(await push(portal, two, ops(two, [{ kind: 'credit_use', payload: use }]))),
    ).toEqual(['applied']);
    const cancel = {
      kind: 'cancellation' as const,
      payload: {
        target: { kind: 'payment', receiptNumber: payC.receiptNumber },
        reason: 'Erreur de saisie du montant',
        cancelledAt: T0.toISOString(),
        agent,
      },
    };
    expect(applied(await push(portal, one, ops(one, [cancel])))).toEqual(['applied']);

    const paidByPoste = await query<{ n: string }>(
      `SELECT count(*)::text AS n FROM change WHERE entity = 'invoice'
       AND data->'countersPaidByPoste' <> '{}'::jsonb`,
    );
    expect(Number(paidByPoste[0]!.n)).toBeGreaterThanOrEqual(2);

    const keysOf: Record<string, string> = {
      invoice: 'SELECT number AS k FROM invoice',
      family: 'SELECT code AS k FROM family',
      account: `SELECT f.code || '/' || r.code AS k FROM family_account a
                JOIN family f ON f.id = a.family_id JOIN regie r ON r.id = a.regie_id`,
    };
    for (const [entity, keys] of Object.entries(keysOf)) {
      const differing = await query<{ k: string; one: string | null; many: string | null }>(
        `WITH k AS (${keys}), many AS (
           SELECT s.entity_key, s.o_regie_id, s.o_data
           FROM portal_entity_states($1, (SELECT array_agg(k) FROM k)) s)
         SELECT k.k, row(one.o_regie_id, one.o_data)::text AS one,
                row(many.o_regie_id, many.o_data)::text AS many
         FROM k CROSS JOIN LATERAL portal_entity_state($1, k.k) one
         LEFT JOIN many ON many.entity_key = k.k
         WHERE many.entity_key IS NULL OR one.o_regie_id IS DISTINCT FROM many.o_regie_id
            OR one.o_data IS DISTINCT FROM many.o_data`,
        [entity],
      );
      expect(differing, entity).toEqual([]);
      const counted = await query<{ keys: string; states: string }>(
        `WITH k AS (${keys}) SELECT (SELECT count(*) FROM k)::text AS keys,
           (SELECT count(*) FROM portal_entity_states($1, (SELECT array_agg(k) FROM k)))::text AS states`,
        [entity],
      );
      expect(Number(counted[0]!.keys), entity).toBeGreaterThan(entity === 'invoice' ? 100 : 30);
      expect(counted[0]!.states, entity).toBe(counted[0]!.keys);
    }
    // What the feed published last for each entity is its current state.
    const stale = await query<{ entity: string; entity_key: string }>(
      `SELECT c.entity, c.entity_key FROM change c
       WHERE c.entity IN ('invoice', 'family', 'account')
         AND c.id = (SELECT max(id) FROM change x WHERE x.entity = c.entity AND x.entity_key = c.entity_key)
         AND c.data IS DISTINCT FROM (SELECT s.o_data FROM portal_entity_state(c.entity, c.entity_key) s)`,
    );
    expect(stale).toEqual([]);
  });

  it('donnent un état vide pour une clé inconnue, comme portal_entity_state', async () => {
    for (const entity of ['invoice', 'family', 'account', 'regie']) {
      const found = await query<{ entity_key: string; o_regie_id: number | null; o_data: unknown }>(
        'SELECT entity_key, o_regie_id, o_data FROM portal_entity_states($1, ARRAY[$2])',
        [entity, 'INCONNU-1/ZZZ'],
      );
      expect(found, entity).toEqual([
        { entity_key: 'INCONNU-1/ZZZ', o_regie_id: null, o_data: null },
      ]);
    }
  });
});
