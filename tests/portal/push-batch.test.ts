// The push applies consecutive payments of a transaction with batched statements
// (src/portal/sync/apply-payments.ts) and everything else one operation at a time. This file
// checks that the batched path decides exactly what the one-by-one path decides: the same
// operations, pushed to two identical portals, once in a single request (batched runs, a
// cancellation and a credit use cutting them, a run the database refuses and that falls back)
// and once one operation per request (every run is one payment long), give the same answers,
// the same recorded operations, the same money on every invoice and account, the same conflicts
// and the same final state in the change feed.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounter } from '../../src/portal/counters/admin';
import { rows } from '../../src/portal/db/sql';
import { batchedRunStats } from '../../src/portal/sync/push';
import { importBundle, setInvoiceStatus } from '../../src/portal/ordonnateur/import';
import type { CommuneBundle } from '../../src/portal/ordonnateur/bundle';
import type { EnrolResponse, OpResult, PushResponse } from '../../src/shared/sync/schemas';
import {
  T0,
  agent,
  baseBundle,
  latest,
  openTestPortal,
  pullAll,
  push,
  type TestCounter,
  type TestPortal,
  type WireOp,
} from './helpers/portal-fixture';

const invoiceDefs = [
  ['2026-SCO-000001', 'SCO', 'DUP-00001', 1000],
  ['2026-SCO-000002', 'SCO', 'DUP-00001', 1000],
  ['2026-SCO-000003', 'SCO', 'MAR-00002', 1500],
  ['2026-SCO-000004', 'SCO', 'DUP-00001', 2000],
  ['2026-SCO-000005', 'SCO', 'DUP-00001', 800],
  ['2026-SPO-000006', 'SPO', 'DUP-00001', 1200],
  ['2026-PEN-000007', 'PEN', 'MAR-00002', 900],
  ['2026-SCO-000008', 'SCO', 'DUP-00001', 3000],
] as const;

const bundle: CommuneBundle = {
  ...baseBundle,
  invoices: invoiceDefs.map(([number, regieCode, familyCode, amountCents], i) => ({
    number,
    regieCode,
    familyCode,
    label: `FACTURE ${i + 1}`,
    period: '2026-02',
    issueDate: '2026-03-01',
    dueDate: '2026-03-31',
    amountCents,
    paidOutsideCents: 0,
    refdet: `2026BATCH${String(i + 1).padStart(6, '0')}`,
    status: 'emise' as const,
    lines: [{ label: 'Prestation', quantity: 1, unitPriceCents: amountCents }],
  })),
};

async function preparedPortal(): Promise<{ portal: TestPortal; counter: TestCounter }> {
  const portal = await openTestPortal({ kind: 'pglite', dataDir: null });
  await importBundle(portal.database.db, bundle, 'test', portal.clock.now());
  await setInvoiceStatus(portal.database.db, '2026-SCO-000004', 'tresorerie', 'test', T0);
  await setInvoiceStatus(portal.database.db, '2026-SCO-000005', 'annulee', 'test', T0);
  await setInvoiceStatus(portal.database.db, '2026-SCO-000008', 'prelevement', 'test', T0);
  // PEN is outside this counter's scope.
  const issued = await createCounter(
    portal.database.db,
    { posteCode: 'P07', name: 'Poste 7', regies: ['SCO', 'SPO'] },
    'test',
    portal.clock.now(),
  );
  const res = await portal.app.inject({
    method: 'POST',
    url: '/sync/v1/enrol',
    payload: { code: issued.code },
  });
  const enrol = res.json<EnrolResponse>();
  return {
    portal,
    counter: { posteCode: 'P07', counterId: enrol.counterId, secret: enrol.secret, enrol, seq: 0 },
  };
}

let receipt = 0;
function payment(o: {
  family?: string;
  regie?: string;
  allocations: [string, number][];
  credit?: number;
  amount?: number;
  ref?: string;
  receiptNumber?: string;
}) {
  const allocated = o.allocations.reduce((s, [, a]) => s + a, 0);
  const regie = o.regie ?? 'SCO';
  return {
    ref: o.ref ?? randomUUID(),
    receiptNumber: o.receiptNumber ?? `R-${regie}-P07-2026-${String(++receipt).padStart(6, '0')}`,
    regieCode: regie,
    familyCode: o.family ?? 'DUP-00001',
    mode: 'cheque',
    amountCents: o.amount ?? allocated + (o.credit ?? 0),
    tenderedCents: null,
    changeCents: null,
    creditCreatedCents: o.credit ?? 0,
    details: { bank: 'Banque Populaire', number: '7654321', drawer: 'A. Dupond', payee: 'Régie' },
    recordedAt: T0.toISOString(),
    agent,
    allocations: o.allocations.map(([invoiceNumber, amountCents]) => ({
      invoiceNumber,
      amountCents,
    })),
  };
}

const p1 = payment({ allocations: [['2026-SCO-000001', 1000]] });
const p2 = payment({ allocations: [['2026-SCO-000001', 500]], credit: 1000 });
const HUGE = 3_000_000_000;
const useRef = randomUUID();
const kinds: { kind: WireOp['kind']; payload: unknown }[] = [
  { kind: 'payment', payload: p1 },
  // Overpays the invoice the previous payment of the same run settled: trop-perçu.
  { kind: 'payment', payload: p2 },
  {
    kind: 'payment',
    payload: payment({ family: 'MAR-00002', allocations: [['2026-SCO-000001', 100]] }),
  },
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-999999', 100]] }) },
  {
    kind: 'payment',
    payload: payment({ allocations: [['2026-SCO-000002', 100]], receiptNumber: p1.receiptNumber }),
  },
  // The same ref in capitals: uuids compare without case, as the unique index does.
  {
    kind: 'payment',
    payload: payment({ allocations: [['2026-SCO-000002', 100]], ref: p2.ref.toUpperCase() }),
  },
  {
    kind: 'payment',
    payload: payment({
      family: 'MAR-00002',
      regie: 'PEN',
      allocations: [['2026-PEN-000007', 900]],
    }),
  },
  {
    kind: 'payment',
    payload: payment({ family: 'ZZZ-99999', allocations: [['2026-SCO-000002', 100]] }),
  },
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-000002', 100]], amount: 150 }) },
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-000004', 2000]] }) },
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-000005', 800]] }) },
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-000008', 3000]] }) },
  {
    kind: 'cancellation',
    payload: {
      target: { kind: 'payment', receiptNumber: p1.receiptNumber },
      reason: 'Erreur de saisie',
      cancelledAt: T0.toISOString(),
      agent,
    },
  },
  // A run the database refuses (an amount beyond its integer column): it falls back to one
  // operation at a time, and only that payment is refused.
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-000001', 1000]] }) },
  { kind: 'payment', payload: payment({ regie: 'SPO', allocations: [['2026-SPO-000006', 1200]] }) },
  {
    kind: 'payment',
    payload: payment({
      allocations: [['2026-SCO-000002', 1000]],
      amount: HUGE,
      credit: HUGE - 1000,
    }),
  },
  {
    kind: 'payment',
    payload: payment({ family: 'MAR-00002', allocations: [['2026-SCO-000003', 1500]] }),
  },
  {
    kind: 'credit_use',
    payload: {
      ref: useRef,
      regieCode: 'SCO',
      familyCode: 'DUP-00001',
      amountCents: 1000,
      usedAt: T0.toISOString(),
      agent,
      allocations: [{ invoiceNumber: '2026-SCO-000002', amountCents: 1000 }],
    },
  },
  { kind: 'payment', payload: payment({ allocations: [['2026-SCO-000002', 500]] }) },
];
const first: WireOp[] = kinds.map((k, i) => ({ opId: randomUUID(), seq: i + 1, ...k }));
const next = first.length + 1;
const second: WireOp[] = [
  first[0]!,
  first[2]!,
  { ...first[4]!, payload: payment({ allocations: [['2026-SCO-000002', 1]] }) },
  first[9]!,
  {
    opId: randomUUID(),
    seq: next,
    kind: 'payment',
    payload: payment({ allocations: [['2026-SCO-000002', 200]] }),
  },
  {
    opId: randomUUID(),
    seq: next + 2,
    kind: 'payment',
    payload: payment({ allocations: [['2026-SCO-000002', 1]] }),
  },
  {
    opId: randomUUID(),
    seq: next + 3,
    kind: 'payment',
    payload: payment({ allocations: [['2026-SCO-000002', 1]] }),
  },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Conflict refs are drawn at random: compare everything else. */
const normal = (v: unknown) => JSON.parse(JSON.stringify(v).replace(UUID, '<uuid>')) as unknown;

interface Outcome {
  answers: OpResult[];
  lastSeq: number;
  state: unknown;
}

async function portalState(portal: TestPortal, counter: TestCounter) {
  const q = (text: string) => rows(portal.database.db, sql.raw(text));
  const feed = latest((await pullAll(portal, counter)).changes);
  const stable = [...feed]
    .filter(([key]) => !key.startsWith('conflict:'))
    .sort(([a], [b]) => a.localeCompare(b));
  return normal({
    ops: await q(
      'SELECT seq, op_id, kind, status, code, message, result FROM counter_op ORDER BY seq',
    ),
    invoices: await q(
      'SELECT number, counters_paid_cents, paid_cents, updated_at FROM invoice ORDER BY number',
    ),
    accounts: await q(
      'SELECT f.code, r.code AS regie, a.credit_cents FROM family_account a JOIN family f ON f.id = a.family_id JOIN regie r ON r.id = a.regie_id ORDER BY 1, 2',
    ),
    payments: await q(
      'SELECT p.receipt_number, p.ref, p.amount_cents, p.credit_created_cents, p.details, p.recorded_at, p.received_at, op.seq FROM counter_payment p JOIN counter_op op ON op.id = p.op_row_id ORDER BY receipt_number',
    ),
    allocations: await q(
      `SELECT i.number, a.amount_cents, a.flags, p.receipt_number, u.ref AS credit_use, c.reason
       FROM allocation a JOIN invoice i ON i.id = a.invoice_id
       LEFT JOIN counter_payment p ON p.id = a.payment_id LEFT JOIN credit_use u ON u.id = a.credit_use_id
       LEFT JOIN cancellation c ON c.id = a.cancellation_id ORDER BY 1, 4, 2`,
    ),
    conflicts: await q(
      `SELECT k.kind, i.number, k.amount_cents, p.receipt_number, k.proposed_resolution, k.detail
       FROM payment_conflict k JOIN invoice i ON i.id = k.invoice_id
       LEFT JOIN counter_payment p ON p.id = k.counter_payment_id ORDER BY 2, 1, 4`,
    ),
    feed: stable,
  });
}

async function pushAll(
  portal: TestPortal,
  counter: TestCounter,
  batches: WireOp[][],
): Promise<{ answers: OpResult[]; lastSeq: number }> {
  const answers: OpResult[] = [];
  let lastSeq = 0;
  for (const b of batches) {
    const res: PushResponse = await push(portal, counter, b);
    answers.push(...res.results);
    lastSeq = res.lastSeq;
  }
  return { answers, lastSeq };
}

let batched: Outcome;
let single: Outcome;
let batchedStats = { runs: 0, fallbacks: 0 };
const portals: TestPortal[] = [];

beforeAll(async () => {
  const a = await preparedPortal();
  const b = await preparedPortal();
  portals.push(a.portal, b.portal);
  const before = { ...batchedRunStats };
  const x = await pushAll(a.portal, a.counter, [first, second]);
  batchedStats = {
    runs: batchedRunStats.runs - before.runs,
    fallbacks: batchedRunStats.fallbacks - before.fallbacks,
  };
  batched = { ...x, state: await portalState(a.portal, a.counter) };
  const y = await pushAll(
    b.portal,
    b.counter,
    [...first, ...second].map((op) => [op]),
  );
  single = { ...y, state: await portalState(b.portal, b.counter) };
}, 120_000);

afterAll(async () => {
  for (const p of portals) await p.close();
});

describe('poussée : les paiements appliqués par lots décident comme un par un', () => {
  it('mêmes réponses, dans l’ordre des séquences, que l’on pousse en un lot ou opération par opération', () => {
    const summary = batched.answers.map((r) => [r.seq, r.status, 'code' in r ? r.code : null]);
    expect(summary).toEqual([
      [1, 'applied', null],
      [2, 'applied', null],
      [3, 'rejected', 'FACTURE_AUTRE_FAMILLE'],
      [4, 'rejected', 'FACTURE_INCONNUE'],
      [5, 'rejected', 'RECU_EN_DOUBLE'],
      [6, 'rejected', 'REFERENCE_EN_DOUBLE'],
      [7, 'rejected', 'REGIE_HORS_PERIMETRE'],
      [8, 'rejected', 'FAMILLE_INCONNUE'],
      [9, 'rejected', 'VALIDATION'],
      [10, 'applied', null],
      [11, 'applied', null],
      [12, 'applied', null],
      [13, 'applied', null],
      [14, 'applied', null],
      [15, 'applied', null],
      [16, 'rejected', 'DONNEES_INCOHERENTES'],
      [17, 'applied', null],
      [18, 'applied', null],
      [19, 'applied', null],
      [1, 'duplicate', null],
      [3, 'duplicate', 'FACTURE_AUTRE_FAMILLE'],
      [5, 'rejected', 'OPERATION_DIVERGENTE'],
      [10, 'duplicate', null],
      [20, 'applied', null],
      [22, 'held', 'SEQUENCE_MANQUANTE'],
      [23, 'held', 'SEQUENCE_MANQUANTE'],
    ]);
    expect(normal(batched.answers)).toEqual(normal(single.answers));
    // Runs 1–12, 14–17 and 19 of the first request, 20 of the second; only 14–17 is refused by
    // the database and replayed one by one. Any other fallback would mean the batched rules
    // disagree with the database and the one-by-one path silently made up for it.
    expect(batchedStats).toEqual({ runs: 4, fallbacks: 1 });
    expect(batched.lastSeq).toBe(20);
    expect(single.lastSeq).toBe(20);
  });

  it('les effets annoncés disent les trop-perçus et les conflits, comme un par un', () => {
    const effects = (seq: number) => {
      const r = batched.answers.find((a) => a.seq === seq && a.status === 'applied');
      return r?.status === 'applied' ? r.effects : null;
    };
    expect(effects(2)?.flags).toEqual([{ invoiceNumber: '2026-SCO-000001', flag: 'trop_percu' }]);
    expect(effects(2)?.conflicts).toMatchObject([{ kind: 'trop_percu', amountCents: 500 }]);
    expect(effects(10)?.conflicts).toMatchObject([{ kind: 'paiement_apres_tresorerie' }]);
    expect(effects(11)?.conflicts).toMatchObject([{ kind: 'paiement_facture_annulee' }]);
    expect(effects(12)?.conflicts).toMatchObject([{ kind: 'paiement_facture_prelevement' }]);
    // After the cancellation of seq 1, invoice 1 holds 500: 1,000 more overpay it by 500.
    expect(effects(14)?.conflicts).toMatchObject([{ kind: 'trop_percu', amountCents: 500 }]);
  });

  it('même état au portail : opérations, montants, avoirs, conflits et flux des changements', () => {
    expect(batched.state).toEqual(single.state);
    const state = batched.state as {
      invoices: { number: string; counters_paid_cents: number }[];
      accounts: { code: string; regie: string; credit_cents: number }[];
    };
    const paid = Object.fromEntries(state.invoices.map((i) => [i.number, i.counters_paid_cents]));
    expect(paid).toMatchObject({
      '2026-SCO-000001': 1500,
      '2026-SCO-000002': 1700,
      '2026-SCO-000003': 1500,
      '2026-SPO-000006': 1200,
      '2026-PEN-000007': 0,
    });
    expect(state.accounts).toContainEqual({ code: 'DUP-00001', regie: 'SCO', credit_cents: 0 });
  });

  it('un lot refusé par la base est défait en entier puis rejoué un par un : aucune écriture en double', async () => {
    const portal = portals[0]!;
    // Seqs 14 to 17 form the run the database refuses (16 overflows an integer column).
    const perOp = await rows<{
      seq: number;
      status: string;
      payments: number;
      allocations: number;
    }>(
      portal.database.db,
      sql`SELECT op.seq::int AS seq, op.status,
                 (SELECT count(*)::int FROM counter_payment p WHERE p.op_row_id = op.id) AS payments,
                 (SELECT count(*)::int FROM allocation a JOIN counter_payment p ON p.id = a.payment_id
                   WHERE p.op_row_id = op.id) AS allocations
          FROM counter_op op WHERE op.seq BETWEEN 14 AND 17 ORDER BY op.seq`,
    );
    expect(perOp).toEqual([
      { seq: 14, status: 'applied', payments: 1, allocations: 1 },
      { seq: 15, status: 'applied', payments: 1, allocations: 1 },
      { seq: 16, status: 'rejected', payments: 0, allocations: 0 },
      { seq: 17, status: 'applied', payments: 1, allocations: 1 },
    ]);
    const [trop] = await rows<{ n: number }>(
      portal.database.db,
      sql`SELECT count(*)::int AS n FROM payment_conflict k JOIN counter_payment p ON p.id = k.counter_payment_id
          JOIN counter_op op ON op.id = p.op_row_id WHERE op.seq = 14`,
    );
    expect(trop?.n).toBe(1);
  });
});
