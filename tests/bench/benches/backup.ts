// backup.verify.stall: what a backup costs the counter. On a copy of the 100,000-family base
// (about 512 MB), a manual backup (backups.create: online copy, check, SHA-256, journal,
// rotation) runs while a loop of real families.search calls is served, one event-loop turn
// apart as IPC or HTTP would bring them. The samples are those calls' latencies; the progress
// lines also give the core's event-loop delay (perf_hooks.monitorEventLoopDelay: max and p99)
// and the p99 ratio against the same loop on an idle poste (the baseline).
// backup.verify.stall.sync is the same with the backup made as before the worker: the check and
// the SHA-256 on the core's thread, the copy in better-sqlite3's default steps of 100 pages.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pino from 'pino';
import { checkBackupFile } from '../../../src/core/admin/backup-check';
import { openCore, type Core } from '../../../src/core/core';
import { fileSha256 } from '../../../src/core/journal/start-events';
import { base100k } from '../base-100k';
import { percentile, registerBench, summarize, type BenchContext } from '../registry';
import { queryMix } from './search';

interface Setup {
  dir: string;
  core: Core;
  mandataire: string;
  regisseur: string;
  queries: string[];
}

let setup: Setup | null = null;

/**
 * The event-loop delay is kept per phase of the backup (copy, check, what follows), so that a
 * stall can be put down to its cause. The worker's phases are read from the core's log lines.
 */
interface Phase {
  name: string;
  maxMs: number;
  p99Ms: number;
}
let histogram: IntervalHistogram | null = null;
let phases: Phase[] = [];
let phaseName = 'copie';

function mark(next: string): void {
  if (histogram) {
    phases.push({
      name: phaseName,
      maxMs: histogram.max / 1e6,
      p99Ms: histogram.percentile(99) / 1e6,
    });
    histogram.reset();
  }
  phaseName = next;
}

const phaseLogger = pino(
  { level: 'debug' },
  {
    write(line: string) {
      if (line.includes('vérification de la sauvegarde commencée')) mark('vérification');
      else if (line.includes('vérification de la sauvegarde terminée')) mark('après');
    },
  },
);

async function login(core: Core, who: 'mandataire' | 'regisseur'): Promise<string> {
  const r = await core.send('auth.login', { login: who, password: `demo-${who}` }, null);
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { token: string }).token;
}

/** A private copy of the base: the cached one may be open in another benchmark. */
async function setUp(ctx: BenchContext): Promise<Setup> {
  if (setup) return setup;
  const base = await base100k(ctx);
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-backup-'));
  const dbFile = path.join(dir, 'guichet.sqlite');
  ctx.progress('copie de la base de 100 000 familles…');
  copyFileSync(base, dbFile);
  const core = await openCore({
    dbFile,
    seed: 'none',
    logger: phaseLogger,
    backupSchedule: false,
    backupDir: path.join(dir, 'sauvegardes'),
  });
  setup = {
    dir,
    core,
    mandataire: await login(core, 'mandataire'),
    regisseur: await login(core, 'regisseur'),
    queries: queryMix(core.sqlite, 400),
  };
  // Warm the caches as a day at the counter would.
  for (const q of setup.queries) await core.send('families.search', { query: q }, setup.mandataire);
  return setup;
}

function tearDown(): void {
  if (!setup) return;
  setup.core.close();
  rmSync(setup.dir, { recursive: true, force: true });
  setup = null;
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Serves searches, one event-loop turn apart, until `work` settles (or `count` calls when no
 * work is given). Returns each call's latency and the loop's delay histogram meanwhile.
 */
async function serveWhile(
  s: Setup,
  work: Promise<unknown> | null,
  count = 400,
): Promise<{ latencies: number[]; delayMaxMs: number; delayP99Ms: number; ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const whole = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  whole.enable();
  histogram = h;
  phases = [];
  phaseName = 'copie';
  const t0 = performance.now();
  let done = work === null;
  let failure: unknown = null;
  const settled = work?.then(
    () => (done = true),
    (e: unknown) => {
      done = true;
      failure = e ?? new Error('échec');
    },
  );
  const latencies: number[] = [];
  for (let i = 0; work ? !done : i < count; i++) {
    // A request counts from its arrival: the turn it waits for is part of what the agent waits.
    const t = performance.now();
    await nextTurn();
    const r = await s.core.send(
      'families.search',
      { query: s.queries[i % s.queries.length]! },
      s.mandataire,
    );
    latencies.push(performance.now() - t);
    if (!r.ok) throw new Error(r.error.message);
  }
  await settled;
  if (failure) throw failure;
  const ms = performance.now() - t0;
  mark('fin');
  histogram = null;
  h.disable();
  whole.disable();
  return {
    latencies,
    delayMaxMs: whole.max / 1e6,
    delayP99Ms: whole.percentile(99) / 1e6,
    ms,
  };
}

let idleP99 = Number.NaN;

async function idle(ctx: BenchContext): Promise<number[]> {
  const s = await setUp(ctx);
  const r = await serveWhile(s, null);
  const sorted = [...r.latencies].sort((a, b) => a - b);
  idleP99 = percentile(sorted, 99);
  ctx.progress(
    `au repos : requête p99 ${idleP99.toFixed(2)} ms ; boucle d’événements : max ${r.delayMaxMs.toFixed(1)} ms, p99 ${r.delayP99Ms.toFixed(1)} ms`,
  );
  return r.latencies;
}

async function duringBackup(
  ctx: BenchContext,
  label: string,
  backup: (s: Setup) => Promise<unknown>,
): Promise<number[]> {
  const s = await setUp(ctx);
  if (Number.isNaN(idleP99)) await idle(ctx);
  ctx.progress(`${label} en cours, recherches servies pendant ce temps…`);
  const r = await serveWhile(s, backup(s));
  const sum = summarize(r.latencies);
  ctx.progress(
    `${label} : ${(r.ms / 1000).toFixed(1)} s, ${sum.count} requêtes servies ; requête p99 ${sum.p99.toFixed(1)} ms (${(sum.p99 / idleP99).toFixed(1)} × le repos), max ${Math.max(...r.latencies).toFixed(0)} ms ; boucle d’événements : max ${r.delayMaxMs.toFixed(0)} ms, p99 ${r.delayP99Ms.toFixed(0)} ms`,
  );
  if (phases.length > 1) {
    ctx.progress(
      `  par phase : ${phases.map((p) => `${p.name} max ${p.maxMs.toFixed(0)} ms, p99 ${p.p99Ms.toFixed(0)} ms`).join(' ; ')}`,
    );
  }
  return r.latencies;
}

/** The backup as written before the worker (kept here only to measure what it cost). */
async function backupOnCoreThread(s: Setup): Promise<void> {
  mkdirSync(path.join(s.dir, 'sauvegardes'), { recursive: true });
  const partial = path.join(s.dir, 'sauvegardes', 'avant-worker.sqlite');
  rmSync(partial, { force: true });
  await s.core.sqlite.backup(partial);
  const copy = new Database(partial);
  copy.pragma('journal_mode = DELETE');
  copy.close();
  mark('vérification');
  const check = checkBackupFile(partial);
  if (!check.ok) throw new Error(check.problem ?? 'vérification échouée');
  mark('SHA-256');
  await fileSha256(partial);
  mark('après');
  rmSync(partial, { force: true });
}

/** The baseline, measured after the figure; the copy of the base goes with it. */
const idleBaseline = {
  description: 'la même boucle de families.search, poste au repos (400 requêtes)',
  async run(ctx: BenchContext) {
    const samples = await idle(ctx);
    tearDown();
    return samples;
  },
};

registerBench({
  name: 'backup.verify.stall',
  unit: 'ms',
  description:
    'latence de families.search pendant backups.create (vérification dans un fil de travail), base de 100 000 familles',
  async run(ctx) {
    return duringBackup(ctx, 'sauvegarde (vérification dans un fil de travail)', async (s) => {
      const r = await s.core.send('backups.create', {}, s.regisseur);
      if (!r.ok) throw new Error(r.error.message);
    });
  },
  baseline: idleBaseline,
});

registerBench({
  name: 'backup.verify.stall.sync',
  unit: 'ms',
  description:
    'la même mesure avec la sauvegarde d’avant : vérification et SHA-256 sur le fil du cœur',
  async run(ctx) {
    return duringBackup(ctx, 'sauvegarde (vérification sur le fil du cœur)', backupOnCoreThread);
  },
  baseline: idleBaseline,
});
