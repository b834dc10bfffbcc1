// core.stalls.inprocess and core.stalls.process: how long the heavy operations of the counter
// and of the régisseur block the thread that calls the core. In the Electron app that thread is
// the main process: while a handler runs on it, the window gets no IPC answer and, on Windows,
// stops responding. Each operation goes through send(name, args, token) as the UI sends it, on
// a large base, and is measured by its wall time and by the longest event-loop block of the
// calling thread meanwhile (perf_hooks.monitorEventLoopDelay, 1 ms resolution: max and p99).
// An idle wait of the same length (capped at IDLE_CAP_MS) is measured right after each
// operation, on the same thread, as its baseline.
//
// core.stalls.inprocess opens the core in this process with openCore, as browser mode does and
// as the Electron shell did before these figures moved its core out. core.stalls.process opens
// the same core in a child process (src/main/core-process, a child_process.fork under Node, a
// utilityProcess under Electron) and measures this, the parent's, event loop: what the window's
// thread feels. The bank statement import and the invoice import are not among the operations
// (their benches, bank.ts and import.ts, build their inputs privately).
//
// The bases: a copy of the 100,000-family demo base (tests/bench/base-100k.ts) for the family
// search, the balances export and the backup; and a régie's March of about 20,000 payments
// written through the real payment path (recordPayment, one till session per day, the last
// one holding 2,000 payments and left open) for the journal check, the exports of the journal
// of receipts, the till closing with its Z report and the monthly closure. Each mode works on
// its own copies, since closings cannot be undone.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pino from 'pino';
import { openCore } from '../../../src/core/core';
import { recordPayment } from '../../../src/core/payments/record';
import { sessionFigures } from '../../../src/core/till/figures';
import { openSessionRow } from '../../../src/core/till/session';
import { startCoreProcess } from '../../../src/main/core-process/client';
import { forkCoreProcess } from '../../../src/main/core-process/node-child';
import { paymentDraftSchema, type PaymentMethod } from '../../../src/shared/contract';
import type { Result } from '../../../src/shared/result';
import {
  buildFixture,
  countOf,
  IDS,
  LOGINS,
  openTill,
  PASSWORDS,
  rolloverTill,
} from '../../core/fixtures';
import { base100k } from '../base-100k';
import { registerBench, type BenchContext } from '../registry';
import { queryMix } from './search';

/** Days of March with one till session each; the last day's session is the big one. */
const DAYS = 31;
const PER_DAY = 600;
const LAST_SESSION = 2_000;
const PAYMENTS = (DAYS - 1) * PER_DAY + LAST_SESSION;
const SEARCHES = 50;
/** Families of the March base, each with an account at the SCO régie. */
const FAMILIES = 200;
/** The idle baseline lasts as long as the operation, up to this: a longer wait adds nothing. */
const IDLE_CAP_MS = 10_000;

type Send = (name: string, args: unknown, token: string | null) => Promise<Result<unknown>>;

/** A core as the bench reaches it: in this process, or behind a child process. */
interface Target {
  send: Send;
  close(): Promise<void>;
}

type Mode = 'inprocess' | 'process';
const modeLabel: Record<Mode, string> = { inprocess: 'sur place', process: 'processus' };

async function openTarget(mode: Mode, dbFile: string, backupDir: string): Promise<Target> {
  if (mode === 'inprocess') {
    const core = await openCore({
      dbFile,
      seed: 'none',
      logger: pino({ level: 'silent' }),
      backupDir,
      backupSchedule: false,
      sync: { background: false },
    });
    return {
      send: (name, args, token) => core.send(name, args, token),
      async close() {
        await core.backupsIdle();
        core.close();
      },
    };
  }
  const remote = await startCoreProcess({
    spawn: () => forkCoreProcess(),
    open: { dbFile, seed: 'none', backupDir, backupSchedule: false, syncBackground: false },
    onLog: () => {},
  });
  return {
    send: (name, args, token) => remote.send(name, args, token),
    close: () => remote.close(),
  };
}

async function login(send: Send, who: string, password: string): Promise<string> {
  const r = await send('auth.login', { login: who, password }, null);
  if (!r.ok) throw new Error(`connexion de ${who} : ${r.error.message}`);
  return (r.value as { token: string }).token;
}

// ---------------------------------------------------------------------------------------------
// The March base.

interface MonthBase {
  dir: string;
  file: string;
  /** The open session of 31 March and what its closing counts, computed while it was built. */
  sessionId: number;
  tillClose: Record<string, unknown>;
}

let monthBase: Promise<MonthBase> | null = null;

function methodFor(i: number): PaymentMethod {
  const k = i % 4;
  if (k === 0) return { mode: 'especes' };
  if (k === 1)
    return {
      mode: 'cheque',
      bank: 'Banque',
      number: String(100_000 + i),
      drawer: 'Tireur',
      payee: 'DGFiP',
    };
  if (k === 2) return { mode: 'carte', terminalReference: `T${i}` };
  return { mode: 'virement', reference: `VIR-${i}` };
}

/**
 * Writes March through recordPayment, the handler's own path (plan, guards, receipt number,
 * journal entry), in one transaction per day: each day's session is closed by rolloverTill
 * the next morning, as the counter does. The families paying are added without invoices: every
 * payment goes to credit (Dupond of the fixture owes a debt en trésorerie, so money above his
 * invoices would be refused rather than put on credit).
 */
function monthDatabase(ctx: BenchContext): Promise<MonthBase> {
  monthBase ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-stalls-month-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'mars.sqlite');
    const core = await openCore({ dbFile: file, logger: pino({ level: 'silent' }) });
    try {
      await buildFixture(core.sqlite);
      // Far above a day's cash: the ceiling is not what is measured here.
      core.sqlite.prepare('UPDATE regie SET cash_ceiling_cents = 100000000').run();
      // Payments beyond what is due go to the family's credit, which the payment path re-reads
      // at each payment: spread over many families, as at a real counter, the month takes a
      // fraction of the time it takes on one family.
      const families = core.sqlite.transaction(() =>
        Array.from({ length: FAMILIES }, (_, i) => {
          const id = Number(
            core.sqlite
              .prepare('INSERT INTO family (code, family_name) VALUES (?, ?)')
              .run(`M${String(i).padStart(5, '0')}`, `FAMILLE ${i}`).lastInsertRowid,
          );
          core.sqlite
            .prepare('INSERT INTO family_account (family_id, regie_id) VALUES (?, ?)')
            .run(id, IDS.sco);
          return id;
        }),
      )();
      const agentId = (
        core.sqlite.prepare('SELECT id FROM agent WHERE login = ?').get(LOGINS.regisseur) as {
          id: number;
        }
      ).id;
      const started = performance.now();
      let n = 0;
      for (let day = 1; day <= DAYS; day++) {
        // From 08:30 Paris (07:30 UTC before the 29th, 06:30 after), payments every 30 s, or
        // every 10 s on the busy last day; the session of the day before closes at 19:00.
        const opening = Date.parse(
          `2026-03-${String(day).padStart(2, '0')}T${day < 29 ? '07' : '06'}:30:00.000Z`,
        );
        if (day === 1) openTill(core.sqlite, { now: new Date(opening) });
        else
          rolloverTill(core.sqlite, new Date(opening), {
            closeAt: new Date(opening - 13.5 * 3_600_000),
          });
        const count = day === DAYS ? LAST_SESSION : PER_DAY;
        const step = day === DAYS ? 10_000 : 30_000;
        core.sqlite.transaction(() => {
          for (let k = 0; k < count; k++, n++) {
            recordPayment(core.sqlite, {
              commandId: randomUUID(),
              draft: paymentDraftSchema.parse({
                familyId: families[n % FAMILIES]!,
                regieId: IDS.sco,
                amountCents: 100 + (n % 50) * 10,
                method: methodFor(n),
              }),
              agentId,
              posteCode: 'P01',
              now: new Date(opening + 60_000 + k * step),
            });
          }
        })();
        if (day % 10 === 0) ctx.progress(`mars : ${n} paiements écrits (jour ${day})`);
      }
      const session = openSessionRow(core.sqlite, 'P01');
      if (!session) throw new Error('la session du 31 mars devrait être ouverte');
      const f = sessionFigures(core.sqlite, session.id);
      const expected = (mode: string) => f.modes.find((m) => m.mode === mode)?.expectedCents ?? 0;
      const tillClose = {
        cashCounts: countOf(expected('especes')),
        chequesPresent: f.cheques.map((c) => c.paymentId),
        cardBatchCents: expected('carte'),
      };
      core.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      ctx.progress(
        `mars : ${n} paiements écrits en ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      return { dir, file, sessionId: session.id, tillClose };
    } finally {
      core.close();
    }
  })();
  return monthBase;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface Block {
  wallMs: number;
  maxMs: number;
  p99Ms: number;
}

const settle = () => new Promise<void>((r) => setTimeout(r, 5));

/**
 * Runs `work` with a fresh loop-delay histogram. Its timer only records a delay from its second
 * firing on (the first one sets the reference), and reset() starts that over: a histogram
 * enabled or reset right before a synchronous block misses the block entirely (measured: an
 * 800 ms busy loop read as 4 ms). So a new histogram is armed for a few turns before the work,
 * and given a few turns after it to record the last block; the idle baseline gets the same.
 */
async function blocked(work: () => Promise<void>): Promise<Block> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await settle();
  const t = performance.now();
  await work();
  const wallMs = performance.now() - t;
  await settle();
  h.disable();
  return { wallMs, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 };
}

interface Figure {
  op: string;
  mode: Mode;
  run: Block;
  idle: Block;
}

/** Every figure of this run, so that the second mode can quote the first one. */
const figures: Figure[] = [];

interface Op {
  label: string;
  base: 'base100k' | 'month';
  run(send: Send, tokens: Tokens, month: MonthBase, queries: string[]): Promise<void>;
}

interface Tokens {
  regisseur: string;
  mandataire: string;
}

function value<T>(r: Result<unknown>, what: string): T {
  if (!r.ok) throw new Error(`${what} : ${r.error.message}`);
  return r.value as T;
}

async function exportReport(
  send: Send,
  token: string,
  args: Record<string, unknown>,
  minRows: number,
): Promise<void> {
  const file = value<{ rowCount: number; base64: string }>(
    await send('reports.export', args, token),
    `reports.export ${String(args.report)} ${String(args.format)}`,
  );
  if (file.rowCount < minRows || file.base64.length === 0) {
    throw new Error(
      `export ${String(args.report)} : ${file.rowCount} lignes, ${minRows} attendues au moins`,
    );
  }
}

const YEAR = { from: '2026-01-01', to: '2026-12-31' };

/** Closing ids found by closures.close, for closures.report in the same mode. */
let closureId = 0;

const ops: Op[] = [
  {
    label: `families.search (${SEARCHES} requêtes)`,
    base: 'base100k',
    async run(send, t, _m, queries) {
      // One event-loop turn apart, as IPC brings an agent's keystrokes: the figure is then the
      // longest single search, not fifty chained in one turn.
      for (const q of queries) {
        await new Promise<void>((r) => setImmediate(r));
        value(await send('families.search', { query: q }, t.mandataire), q);
      }
    },
  },
  {
    label: 'reports.export soldes CSV (100 000 familles)',
    base: 'base100k',
    run: (send, t) =>
      exportReport(
        send,
        t.regisseur,
        { report: 'soldes', format: 'csv', nonZeroOnly: true },
        1_000,
      ),
  },
  {
    label: 'backups.create (base de 100 000 familles)',
    base: 'base100k',
    async run(send, t) {
      value(await send('backups.create', {}, t.regisseur), 'backups.create');
    },
  },
  {
    label: `journal.verify (${PAYMENTS} paiements)`,
    base: 'month',
    async run(send, t) {
      const r = value<{ ok: boolean }>(
        await send('journal.verify', {}, t.regisseur),
        'journal.verify',
      );
      if (!r.ok) throw new Error('journal.verify : la chaîne devrait être intacte');
    },
  },
  {
    label: `reports.export reçus CSV (année, ${PAYMENTS} lignes)`,
    base: 'month',
    run: (send, t) =>
      exportReport(send, t.regisseur, { report: 'recus', format: 'csv', period: YEAR }, PAYMENTS),
  },
  {
    label: `reports.export reçus PDF (1er au 15 mars, ${15 * PER_DAY} lignes)`,
    base: 'month',
    run: (send, t) =>
      exportReport(
        send,
        t.regisseur,
        { report: 'recus', format: 'pdf', period: { from: '2026-03-01', to: '2026-03-15' } },
        15 * PER_DAY,
      ),
  },
  {
    label: 'reports.export totaux PDF (année)',
    base: 'month',
    run: (send, t) =>
      exportReport(send, t.regisseur, { report: 'totaux', format: 'pdf', period: YEAR }, 1),
  },
  {
    label: `till.close (${LAST_SESSION} paiements)`,
    base: 'month',
    async run(send, t, m) {
      value(
        await send('till.close', { ...m.tillClose, commandId: randomUUID() }, t.regisseur),
        'till.close',
      );
    },
  },
  {
    label: `till.zReport (${LAST_SESSION} paiements)`,
    base: 'month',
    async run(send, t, m) {
      value(await send('till.zReport', { sessionId: m.sessionId }, t.regisseur), 'till.zReport');
    },
  },
  {
    label: `closures.close mars (${PAYMENTS} paiements, ${DAYS} journées)`,
    base: 'month',
    async run(send, t) {
      const r = value<{ closure: { closureId: number; totals: { paymentCount: number } } }>(
        await send(
          'closures.close',
          { commandId: randomUUID(), regieId: IDS.sco, kind: 'mois', period: '2026-03' },
          t.regisseur,
        ),
        'closures.close',
      );
      if (r.closure.totals.paymentCount !== PAYMENTS) {
        throw new Error(
          `${r.closure.totals.paymentCount} paiements clôturés, ${PAYMENTS} attendus`,
        );
      }
      closureId = r.closure.closureId;
    },
  },
  {
    label: 'closures.report mars (état des recettes PDF)',
    base: 'month',
    async run(send, t) {
      value(await send('closures.report', { closureId }, t.regisseur), 'closures.report');
    },
  },
];

const ms = (n: number) =>
  n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function measureOps(
  ctx: BenchContext,
  mode: Mode,
  base: Op['base'],
  dbFile: string,
  month: MonthBase,
  queries: Queries,
): Promise<void> {
  const dir = path.dirname(dbFile);
  const target = await openTarget(mode, dbFile, path.join(dir, 'sauvegardes'));
  try {
    const tokens: Tokens =
      base === 'month'
        ? {
            regisseur: await login(target.send, LOGINS.regisseur, PASSWORDS.regisseur),
            mandataire: await login(target.send, LOGINS.mandataire, PASSWORDS.mandataire),
          }
        : {
            regisseur: await login(target.send, 'regisseur', 'demo-regisseur'),
            mandataire: await login(target.send, 'mandataire', 'demo-mandataire'),
          };
    // A day at the counter has already brought the search index and the tables into the
    // caches: the warm-up mix is drawn with another seed than the measured one.
    if (base === 'base100k') {
      for (const q of queries.warmup)
        value(await target.send('families.search', { query: q }, tokens.mandataire), q);
    }
    for (const op of ops.filter((o) => o.base === base)) {
      const run = await blocked(() => op.run(target.send, tokens, month, queries.measured));
      const idleMs = Math.min(run.wallMs, IDLE_CAP_MS);
      const idle = await blocked(() => new Promise((r) => setTimeout(r, idleMs)));
      figures.push({ op: op.label, mode, run, idle });
      const other = figures.find((f) => f.op === op.label && f.mode !== mode);
      const head = `${op.label} : ${ms(run.wallMs)}, fil bloqué ${ms(run.maxMs)} (${modeLabel[mode]})`;
      const both = other
        ? `${op.label} : ${ms(run.wallMs)}, fil bloqué ${ms(other.run.maxMs)} (${modeLabel[other.mode]}) / ${ms(run.maxMs)} (${modeLabel[mode]})`
        : head;
      ctx.progress(
        `${both} ; p99 ${ms(run.p99Ms)} ; au repos ${ms(idle.wallMs)} : max ${ms(idle.maxMs)}, p99 ${ms(idle.p99Ms)} ; ×${(run.maxMs / idle.maxMs).toFixed(1)}`,
      );
    }
  } finally {
    await target.close();
  }
}

interface Queries {
  measured: string[];
  warmup: string[];
}

let queryCache: Queries | null = null;

/** Drawn from the base file itself, read-only: the core may be in another process. */
function queriesOf(file: string): Queries {
  if (queryCache) return queryCache;
  const db = new Database(file, { readonly: true });
  try {
    queryCache = { measured: queryMix(db, SEARCHES), warmup: queryMix(db, 300, 8) };
    return queryCache;
  } finally {
    db.close();
  }
}

async function runMode(ctx: BenchContext, mode: Mode): Promise<number[]> {
  const month = await monthDatabase(ctx);
  const base = await base100k(ctx);
  const queries = queriesOf(base);
  const dir = mkdtempSync(path.join(tmpdir(), `guichet-bench-stalls-${mode}-`));
  try {
    ctx.progress('copie de la base de 100 000 familles…');
    const baseCopy = path.join(dir, 'base', 'guichet.sqlite');
    mkdirSync(path.dirname(baseCopy));
    copyFileSync(base, baseCopy);
    await measureOps(ctx, mode, 'base100k', baseCopy, month, queries);
    // Half a gigabyte less in the temporary folder before the next copy.
    rmSync(path.dirname(baseCopy), { recursive: true, force: true });
    const monthCopy = path.join(dir, 'mars', 'mars.sqlite');
    mkdirSync(path.dirname(monthCopy));
    copyFileSync(month.file, monthCopy);
    await measureOps(ctx, mode, 'month', monthCopy, month, queries);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures.filter((f) => f.mode === mode).map((f) => f.run.maxMs);
}

/** The idle waits were measured beside each operation; the baseline only reads them back. */
const idleOf = (mode: Mode) => ({
  description: `une attente au repos de la même durée que chaque opération (au plus ${IDLE_CAP_MS / 1000} s), même fil, même mode`,
  run: () => Promise.resolve(figures.filter((f) => f.mode === mode).map((f) => f.idle.maxMs)),
});

registerBench({
  name: 'core.stalls.inprocess',
  unit: 'ms',
  description: `blocage maximal du fil appelant pendant ${ops.length} opérations lourdes, cœur ouvert dans ce processus (comme le mode navigateur ; Electron ne le fait plus)`,
  run: (ctx) => runMode(ctx, 'inprocess'),
  baseline: idleOf('inprocess'),
});

registerBench({
  name: 'core.stalls.process',
  unit: 'ms',
  description: `blocage maximal du fil parent pendant les mêmes ${ops.length} opérations, cœur dans un processus enfant`,
  run: (ctx) => runMode(ctx, 'process'),
  baseline: idleOf('process'),
});
