// The storm: one portal on a data folder that survives restarts, two registers (P01 and P02)
// of the same régies, each behind its own fault-injecting proxy, their sync engines running in
// the background while a seeded workload takes payments in several modes, creates and uses
// credit, cancels, and cuts each register's network for a while. Then the network heals, the
// engines finish, and the harness reads both sides back for the convergence checks.
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addInvoice } from '../portal/helpers/portal-fixture';
import {
  enrolAndSync,
  idOf,
  openRegister,
  startPortal,
  type LivePortal,
  type TestRegister,
} from '../core/sync/sync-fixtures';
import {
  startFaultProxy,
  type FaultCounts,
  type FaultProxy,
  type FaultRates,
} from '../helpers/fault-proxy';
import { createRng, type Rng } from '../../src/shared/demo/prng';
import type { Input } from '../../src/shared/contract';

export const POSTES = ['P01', 'P02'] as const;
export type Poste = (typeof POSTES)[number];

/** Every fault switched on: roughly one request in two reaches its client intact. */
export const STORM_RATES: FaultRates = {
  drop: 0.07,
  loseResponse: 0.08,
  duplicate: 0.08,
  delay: 0.15,
  reorder: 0.1,
  cut: 0.07,
  gatewayError: 0.06,
};

interface InvoiceRef {
  number: string;
  regie: 'SCO' | 'SPO' | 'PEN';
  family: string;
}

/**
 * The invoices of the storm. They are large so that two registers paying the same invoice
 * without knowing of each other never pay more than it owes: overpayment is a conflict case
 * tested elsewhere, and here every operation must be applied as it was taken.
 */
const INVOICE_PLAN: Omit<InvoiceRef, 'number'>[] = [
  { regie: 'SCO', family: 'DUP-00001' },
  { regie: 'SCO', family: 'DUP-00001' },
  { regie: 'SCO', family: 'DUP-00001' },
  { regie: 'SCO', family: 'MAR-00002' },
  { regie: 'SCO', family: 'MAR-00002' },
  { regie: 'SPO', family: 'DUP-00001' },
  { regie: 'SPO', family: 'DUP-00001' },
  { regie: 'PEN', family: 'MAR-00002' },
  { regie: 'PEN', family: 'MAR-00002' },
];
export const INVOICE_AMOUNT_CENTS = 400_000;

/**
 * A portal data folder with the base commune and the storm's invoices, made once per file:
 * creating a PGlite cluster takes seconds, copying a stopped one a few milliseconds.
 */
export interface PortalTemplate {
  dir: string;
  invoices: InvoiceRef[];
  remove(): void;
}

export async function makePortalTemplate(): Promise<PortalTemplate> {
  const root = mkdtempSync(path.join(tmpdir(), 'guichet-storm-template-'));
  const dir = path.join(root, 'portail');
  const portal = await startPortal({ dataDir: dir });
  const invoices: InvoiceRef[] = [];
  try {
    for (const p of INVOICE_PLAN) {
      const number = await addInvoice(portal, {
        regie: p.regie,
        family: p.family,
        amountCents: INVOICE_AMOUNT_CENTS,
      });
      invoices.push({ ...p, number });
    }
  } finally {
    await portal.close();
  }
  return { dir, invoices, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Station {
  poste: Poste;
  reg: TestRegister;
  proxy: FaultProxy;
  payments: { id: number; receipt: string; creditCreated: number; cancelled: boolean }[];
  creditUses: { id: number; cancelled: boolean }[];
}

export interface Storm {
  seed: number;
  portal: LivePortal;
  stations: Record<Poste, Station>;
  invoices: InvoiceRef[];
  close(): Promise<void>;
}

/** A fresh portal (a copy of the template) and both registers enrolled through their proxies. */
export async function setUpStorm(
  template: PortalTemplate,
  seed: number,
  o: { timeoutMs?: number; holdMs?: number } = {},
): Promise<Storm> {
  const root = mkdtempSync(path.join(tmpdir(), `guichet-storm-${seed}-`));
  const dataDir = path.join(root, 'portail');
  cpSync(template.dir, dataDir, { recursive: true });
  const portal = await startPortal({ dataDir, seeded: true });
  const stations = {} as Record<Poste, Station>;
  try {
    for (const [i, poste] of POSTES.entries()) {
      const proxy = await startFaultProxy({
        // Each proxy draws from its own stream of the seed, so one register's traffic does not
        // shift the other's faults.
        seed: (seed * 31 + i + 1) >>> 0,
        target: () => ({ host: '127.0.0.1', port: portal.port }),
        holdMs: o.holdMs ?? 2_500,
      });
      const reg = await openRegister(poste, {
        dir: root,
        background: true,
        intervalMs: 120,
        // Shorter than the proxy's longest hold: a held request is retried by the register and
        // the held copy reaches the portal after the retry.
        timeoutMs: o.timeoutMs ?? 1_200,
        backoffCapMs: 300,
        pageSize: 40,
      });
      stations[poste] = { poste, reg, proxy, payments: [], creditUses: [] };
      // On a loaded machine the short timeout can expire during enrolment: the code may then be
      // spent on the portal, so a new one is asked for (enrolling again is always allowed).
      for (let attempt = 1; ; attempt++) {
        try {
          await enrolAndSync(portal, reg, poste, proxy.url);
          break;
        } catch (e) {
          if (attempt >= 4) throw e;
        }
      }
    }
  } catch (e) {
    for (const s of Object.values(stations)) {
      s.reg.close();
      await s.proxy.close();
    }
    await portal.close();
    throw e;
  }
  return {
    seed,
    portal,
    stations,
    invoices: template.invoices,
    async close() {
      for (const s of Object.values(stations)) {
        s.reg.core.sync.stop();
        s.reg.close();
        await s.proxy.close();
      }
      await portal.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const PAYEE = 'Trésor public';
const MODES: Record<InvoiceRef['regie'], readonly string[]> = {
  SCO: ['especes', 'cheque', 'carte'],
  SPO: ['especes', 'cheque'],
  PEN: ['especes', 'cheque', 'cesu'],
};

export interface WorkloadTally {
  payments: number;
  byMode: Record<string, number>;
  offlinePayments: number;
  creditCreated: number;
  creditUses: number;
  paymentCancellations: number;
  creditUseCancellations: number;
  offlineWindows: number;
  /** Actions the register refused itself (a French message, nothing recorded). */
  refusedLocally: string[];
}

function localCredit(reg: TestRegister, family: string, regie: string): number {
  return (
    reg.core.sqlite
      .prepare(
        `SELECT COALESCE(SUM(m.amount_cents), 0) AS n FROM credit_movement m
           JOIN family f ON f.id = m.family_id JOIN regie r ON r.id = m.regie_id
          WHERE f.code = ? AND r.code = ?`,
      )
      .get(family, regie) as { n: number }
  ).n;
}

async function takePayment(
  rng: Rng,
  s: Station,
  invoices: InvoiceRef[],
  tally: WorkloadTally,
): Promise<void> {
  const regie = rng.weighted([
    ['SCO', 3],
    ['SPO', 1],
    ['PEN', 1],
  ] as const);
  const family =
    regie === 'SPO'
      ? 'DUP-00001'
      : regie === 'PEN'
        ? 'MAR-00002'
        : rng.pick(['DUP-00001', 'MAR-00002']);
  const mine = invoices.filter((i) => i.regie === regie && i.family === family);
  const mode = rng.pick(MODES[regie]);
  const targets =
    mode !== 'cesu' && mine.length > 1 && rng.chance(0.3) ? mine.slice(0, 2) : [rng.pick(mine)];
  let allocations = targets.map((t) => ({
    invoiceId: idOf(s.reg, 'invoice', t.number),
    amountCents: rng.int(3, 250) * 10,
  }));
  let method: Input<'payments.record'>['method'];
  if (mode === 'cesu') {
    const face = rng.pick([1000, 1500]);
    const count = rng.int(1, 3);
    allocations = [{ invoiceId: allocations[0]!.invoiceId, amountCents: face * count }];
    method = { mode: 'cesu', titles: [{ count, faceValueCents: face }] };
  } else if (mode === 'especes') {
    method = { mode: 'especes' };
  } else if (mode === 'carte') {
    method = { mode: 'carte', terminalReference: `TPE-${rng.int(100000, 999999)}` };
  } else {
    method = {
      mode: 'cheque',
      bank: rng.pick(['Crédit Agricole', 'La Banque Postale', 'Crédit Mutuel']),
      number: String(rng.int(1_000_000, 9_999_999)),
      drawer: family === 'DUP-00001' ? 'Anne Dupond' : 'Léa Martin',
      payee: PAYEE,
    };
  }
  const toCredit =
    regie === 'SCO' && mode !== 'especes' && rng.chance(0.3) ? rng.int(2, 80) * 10 : 0;
  const amountCents = allocations.reduce((t, a) => t + a.amountCents, 0) + toCredit;
  if (mode === 'especes')
    method = { mode: 'especes', tenderedCents: Math.ceil(amountCents / 1000) * 1000 };
  const r = await s.reg.send('payments.record', {
    commandId: randomUUID(),
    familyId: idOf(s.reg, 'family', family),
    regieId: idOf(s.reg, 'regie', regie),
    amountCents,
    method,
    allocations,
    ...(toCredit > 0 ? { toCreditCents: toCredit } : {}),
  });
  if (!r.ok) {
    tally.refusedLocally.push(`${s.poste} paiement : ${r.error.message}`);
    return;
  }
  s.payments.push({
    id: r.value.paymentId,
    receipt: r.value.receiptNumber,
    creditCreated: r.value.creditCreatedCents,
    cancelled: false,
  });
  tally.payments++;
  tally.byMode[mode] = (tally.byMode[mode] ?? 0) + 1;
  if (s.proxy.offline) tally.offlinePayments++;
  tally.creditCreated += r.value.creditCreatedCents;
}

async function useCredit(rng: Rng, s: Station, invoices: InvoiceRef[], tally: WorkloadTally) {
  const family = rng.pick(['DUP-00001', 'MAR-00002']);
  const balance = localCredit(s.reg, family, 'SCO');
  if (balance <= 0) return false;
  const invoice = rng.pick(invoices.filter((i) => i.regie === 'SCO' && i.family === family));
  const amountCents = rng.int(1, balance);
  const r = await s.reg.send('credits.apply', {
    commandId: randomUUID(),
    familyId: idOf(s.reg, 'family', family),
    regieId: idOf(s.reg, 'regie', 'SCO'),
    amountCents,
    allocations: [{ invoiceId: idOf(s.reg, 'invoice', invoice.number), amountCents }],
  });
  if (!r.ok) {
    tally.refusedLocally.push(`${s.poste} avoir : ${r.error.message}`);
    return true;
  }
  s.creditUses.push({ id: r.value.creditUseId, cancelled: false });
  tally.creditUses++;
  return true;
}

async function cancelSomething(rng: Rng, s: Station, tally: WorkloadTally) {
  if (rng.chance(0.3)) {
    const open = s.creditUses.filter((u) => !u.cancelled);
    if (open.length === 0) return false;
    const use = rng.pick(open);
    const r = await s.reg.send('credits.cancel', {
      commandId: randomUUID(),
      creditUseId: use.id,
      reason: 'Avoir utilisé par erreur, remis sur le compte',
    });
    if (!r.ok) {
      tally.refusedLocally.push(`${s.poste} annulation d’avoir : ${r.error.message}`);
      return true;
    }
    use.cancelled = true;
    tally.creditUseCancellations++;
    return true;
  }
  // A payment whose credit has since been used cannot be cancelled: the register says so, and
  // the workload only asks for what a careful agent would.
  const open = s.payments.filter((p) => !p.cancelled && p.creditCreated === 0);
  if (open.length === 0) return false;
  const p = rng.pick(open);
  const r = await s.reg.send('payments.cancel', {
    commandId: randomUUID(),
    paymentId: p.id,
    reason: 'Erreur de saisie, paiement repris',
  });
  if (!r.ok) {
    tally.refusedLocally.push(`${s.poste} annulation : ${r.error.message}`);
    return true;
  }
  p.cancelled = true;
  tally.paymentCancellations++;
  return true;
}

export interface StormRun {
  tally: WorkloadTally;
  /** Restarts that began while a register's request was on its way through a proxy. */
  restartsMidRequest: number;
  counts: Record<Poste, FaultCounts>;
  restarts: number;
  stormMs: number;
  healMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `check` until it holds. A liveness bound, not a speed target: quiet, the scenarios
 * converge in a few seconds, but on CI's two busy cores one needed more than 20 s with a third
 * of the answers lost. The seed is in the message so a failure can be replayed.
 */
export async function waitFor(
  seed: number,
  what: string,
  check: () => Promise<boolean> | boolean,
  o: { timeoutMs?: number; state?: () => unknown } = {},
): Promise<void> {
  const end = Date.now() + (o.timeoutMs ?? 120_000);
  while (!(await check())) {
    if (Date.now() > end) {
      // Say where things stood, so a failure on CI can be understood without a rerun.
      let state = '';
      try {
        state = o.state ? `\n${JSON.stringify(o.state(), null, 1)}` : '';
      } catch (e) {
        state = `\n(état illisible : ${String(e)})`;
      }
      throw new Error(`graine ${seed} : délai dépassé en attendant ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Each register's sync status and each proxy's fault counts, for failure messages. */
export function stormState(storm: Storm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of Object.values(storm.stations)) {
    const st = s.reg.core.sync.status();
    out[s.poste] = {
      online: st.online,
      waitingOps: st.waitingOps,
      lastError: st.lastError,
      lastSuccessAt: st.lastSuccessAt,
      lastFailureAt: st.lastFailureAt,
      nextAttemptAt: st.nextAttemptAt,
      now: new Date().toISOString(),
      rejected: st.rejected,
      proxy: { ...s.proxy.counts, offline: s.proxy.offline },
    };
  }
  return out;
}

export function faultTotals(counts: Record<Poste, FaultCounts>): FaultCounts {
  const total = { ...counts.P01 };
  for (const k of Object.keys(total) as (keyof FaultCounts)[]) total[k] += counts.P02[k];
  return total;
}

/** Faults that each must have happened at least once for the storm to prove anything. */
export const REQUIRED_FAULTS = [
  'dropped',
  'responsesLost',
  'duplicated',
  'delayed',
  'reordered',
  'overtaken',
  'cut',
  'gatewayErrors',
  'offline',
  'upstreamDown',
] as const satisfies readonly (keyof FaultCounts)[];

/**
 * Runs the workload under faults: at least `steps` actions, and on until every fault kind has
 * happened and the portal has restarted `restarts` times (or maxMs has passed: the test then
 * fails on the missing fault, naming the seed). Then heals the network and syncs to quiescence.
 */
export async function runStorm(
  storm: Storm,
  o: { steps: number; restarts: number; rates?: FaultRates; maxMs?: number },
): Promise<StormRun> {
  const rng = createRng(storm.seed);
  const stations = POSTES.map((p) => storm.stations[p]);
  const tally: WorkloadTally = {
    payments: 0,
    byMode: {},
    offlinePayments: 0,
    creditCreated: 0,
    creditUses: 0,
    paymentCancellations: 0,
    creditUseCancellations: 0,
    offlineWindows: 0,
    refusedLocally: [],
  };
  for (const s of stations) s.proxy.setRates(o.rates ?? STORM_RATES);
  const run: StormRun = {
    tally,
    restartsMidRequest: 0,
    counts: { P01: storm.stations.P01.proxy.counts, P02: storm.stations.P02.proxy.counts },
    restarts: 0,
    stormMs: 0,
    healMs: 0,
  };
  const offlineUntil = new Map<Poste, number>();
  const started = Date.now();
  const maxMs = o.maxMs ?? 60_000;
  let restarting: Promise<void> | null = null;
  let restartsStarted = 0;
  const restartAt = Array.from({ length: o.restarts }, (_, i) =>
    Math.floor(((i + 1) * o.steps) / (o.restarts + 1)),
  );
  // The storm goes on until every fault has happened and the workload has done each kind of
  // thing it is meant to (bounded by maxMs), so that no seed passes by doing too little.
  const missingWork = () =>
    Object.entries({
      offlinePayments: tally.offlinePayments,
      creditCreated: tally.creditCreated,
      creditUses: tally.creditUses,
      paymentCancellations: tally.paymentCancellations,
    })
      .filter(([, n]) => n === 0)
      .map(([k]) => k);
  const missing = () => {
    const t = faultTotals({
      P01: storm.stations.P01.proxy.counts,
      P02: storm.stations.P02.proxy.counts,
    });
    return [...REQUIRED_FAULTS.filter((k) => t[k] === 0), ...missingWork()];
  };
  for (let step = 0; ; step++) {
    const done = step >= o.steps && restartsStarted >= o.restarts && restarting === null;
    if ((done && missing().length === 0) || Date.now() - started > maxMs) break;
    // Portal restarts run beside the workload: the registers keep taking payments meanwhile.
    if (
      restarting === null &&
      restartsStarted < o.restarts &&
      step >= restartAt[restartsStarted]!
    ) {
      restartsStarted++;
      restarting = restartDuringSync(storm, rng.int(100, 500), run).finally(() => {
        restarting = null;
      });
    }
    const s = rng.pick(stations);
    // Network cuts: a window of a few actions during which this register is offline.
    const until = offlineUntil.get(s.poste);
    if (until !== undefined && step >= until) {
      s.proxy.offline = false;
      offlineUntil.delete(s.poste);
    } else if (until === undefined && rng.chance(0.06)) {
      s.proxy.offline = true;
      offlineUntil.set(s.poste, step + rng.int(4, 12));
      tally.offlineWindows++;
    }
    if (step < o.steps || missingWork().length > 0) {
      const action = rng.weighted([
        ['pay', 6],
        ['credit', 1.5],
        ['cancel', 1.5],
      ] as const);
      let did = false;
      if (action === 'credit') did = await useCredit(rng, s, storm.invoices, tally);
      else if (action === 'cancel') did = await cancelSomething(rng, s, tally);
      if (!did) await takePayment(rng, s, storm.invoices, tally);
    }
    await sleep(rng.int(5, 60));
  }
  run.stormMs = Date.now() - started;

  const healStart = Date.now();
  for (const s of stations) s.proxy.heal();
  await (restarting ?? Promise.resolve());
  for (const s of stations) s.reg.core.sync.stop();
  for (const s of stations) await s.proxy.idle();
  // Quiescence: both outboxes empty, then one more round so that each register pulls what the
  // other pushed last.
  for (let round = 0; ; round++) {
    for (const s of stations) await s.reg.call('sync.now', {});
    const waiting = stations.reduce((n, s) => n + s.reg.core.sync.status().waitingOps, 0);
    if (waiting === 0) {
      for (const s of stations) await s.reg.call('sync.now', {});
      break;
    }
    if (round >= 10) {
      const status = stations.map((s) => ({ poste: s.poste, ...s.reg.core.sync.status() }));
      throw new Error(
        `graine ${storm.seed} : toujours des opérations en attente après 10 tours, réseau rétabli : ${JSON.stringify(status)}`,
      );
    }
  }
  run.restarts = storm.portal.restarts;
  run.healMs = Date.now() - healStart;
  return run;
}

/**
 * Restarts the portal as soon as a register's request is on its way (within a second), so that
 * the restart cuts a sync in the middle rather than between two.
 */
async function restartDuringSync(storm: Storm, downMs: number, run: StormRun): Promise<void> {
  const proxies = POSTES.map((p) => storm.stations[p].proxy);
  const end = Date.now() + 1_000;
  while (proxies.every((p) => p.inFlight === 0) && Date.now() < end) await sleep(2);
  if (proxies.some((p) => p.inFlight > 0)) run.restartsMidRequest++;
  await storm.portal.restart(downMs);
}
