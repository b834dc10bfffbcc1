// Coupon figures. `coupon.one`: milliseconds for access.issue through the core, which draws a
// code, renders the one-page coupon (barcodes, QR code) and writes the hash, the outbox row and
// the journal entry; the baseline is a bare one-page A4 document with the same three embedded
// fonts. `coupon.batch.5000`: seconds for coupons.batchStart over 5,000 families with codes,
// from the call to the file on disk and the codes committed, through the core's handlers.
// `coupon.batch.5000.rss`: the peak resident memory of the process during that batch, in MB,
// sampled every 20 ms. `coupon.batch.5000.cpu`: the CPU seconds the process spent on that batch,
// all threads together: on a machine shared with other work the wall time mostly measures the
// others, the CPU time is the batch's own cost. `coupon.batch.5000.loop`: the longest the
// event loop was held during that batch, in milliseconds (perf_hooks.monitorEventLoopDelay,
// 10 ms resolution): how long a payment recorded on the same poste may wait behind the batch.
// On a loaded machine it includes the time the process was not scheduled at all.
// BENCH_COUPON_RUNS and BENCH_COUPON_BATCHES change the counts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import { createPdf, savePdf } from '../../../src/core/pdf/document';
import { mm } from '../../../src/core/pdf/format';
import type { CouponBatchStatus, IssuedCoupon } from '../../../src/shared/contract';
import { buildFixture, IDS, LOGINS, PASSWORDS } from '../../core/fixtures';
import { registerBench, timeEachAsync, type BenchContext } from '../registry';

const runs = Math.max(50, Number(process.env.BENCH_COUPON_RUNS) || 200);
const batches = Math.max(1, Number(process.env.BENCH_COUPON_BATCHES) || 2);
const warmUp = 20;
// BENCH_COUPON_FAMILIES lowers the count for profiling; the figure names keep 5000.
const FAMILIES = Math.max(50, Number(process.env.BENCH_COUPON_FAMILIES) || 5_000);

interface Opened {
  core: Core;
  token: string;
  dir: string;
}

async function open(families: number): Promise<Opened> {
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-coupons-'));
  const core = await openCore({
    dbFile: path.join(dir, 'guichet.db'),
    logger: pino({ level: 'silent' }),
    backupSchedule: false,
    sync: { background: false },
  });
  const sqlite = core.sqlite;
  await buildFixture(sqlite);
  sqlite
    .prepare(
      "INSERT INTO setting (key, value) VALUES ('family_portal_url', 'https://famille.ville-demo.fr')",
    )
    .run();
  sqlite.prepare("UPDATE regie SET numcli = '123456' WHERE id = ?").run(IDS.sco);
  sqlite.transaction(() => {
    const fam = sqlite.prepare('INSERT INTO family (code, family_name) VALUES (?, ?)');
    const resp = sqlite.prepare(
      `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1, postal_code, city)
       VALUES (?, 1, 'Mme', ?, 'Camille', ?, ?, 'Villedémo')`,
    );
    const acct = sqlite.prepare('INSERT INTO family_account (family_id, regie_id) VALUES (?, ?)');
    const inv = sqlite.prepare(
      `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'emise', 'import')`,
    );
    for (let i = 0; i < families; i++) {
      const id = Number(fam.run(`B${String(i).padStart(6, '0')}`, `FAMILLE${i}`).lastInsertRowid);
      resp.run(
        id,
        `FAMILLE${i}`,
        `${(i * 37) % 200} rue de la République`,
        String(1000 + ((i * 7919) % 94000)).padStart(5, '0'),
      );
      acct.run(id, IDS.sco);
      // One to three open invoices a family: cantine, garderie, séjour.
      for (let k = 0; k < 1 + (i % 3); k++) {
        const n = i * 3 + k;
        inv.run(
          `FAC-SCO-B${String(n).padStart(7, '0')}`,
          IDS.sco,
          id,
          ['Restauration scolaire février', 'Accueil périscolaire février', 'Séjour découverte'][k],
          '2026-02',
          '2026-02-28',
          '2026-03-20',
          1850 + (n % 9000),
          `BCH${String(n).padStart(9, '0')}`,
        );
      }
    }
  })();
  const r = await core.send(
    'auth.login',
    { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
    null,
  );
  if (!r.ok) throw new Error(r.error.message);
  const token = (r.value as { token: string }).token;
  return { core, token, dir };
}

function close(o: Opened): void {
  o.core.close();
  rmSync(o.dir, { recursive: true, force: true });
}

async function issueOne(o: Opened, familyId: number): Promise<void> {
  const r = await o.core.send(
    'access.issue',
    { commandId: randomUUID(), familyId, regieId: IDS.sco },
    o.token,
  );
  if (!r.ok) throw new Error(r.error.message);
  const v = r.value as IssuedCoupon;
  if (!v.code || v.file.pdfBase64.length < 10_000) throw new Error('coupon.one : coupon vide');
}

async function bareDocument(): Promise<void> {
  const { doc, fonts } = await createPdf(
    { title: 'Référence', author: 'Guichet', createdAt: '2026-03-16T09:30:00.000Z' },
    { fonts: ['regular', 'bold', 'mono'] },
  );
  const page = doc.addPage([mm(210), mm(297)]);
  page.drawText('Avis de sommes à payer', { x: 40, y: 780, size: 13, font: fonts.bold });
  page.drawText('Total à payer 619,00 €', { x: 40, y: 700, size: 10, font: fonts.regular });
  page.drawText('7KQ4-MX9C-TRH3', { x: 40, y: 680, size: 11, font: fonts.mono });
  await savePdf(doc);
}

registerBench({
  name: 'coupon.one',
  unit: 'ms',
  description: `access.issue (code, coupon A4 avec codes-barres et QR, hachage, file de synchro, journal), ${runs} coupons`,
  async run(ctx) {
    const o = await open(200);
    try {
      ctx.progress(`${warmUp} coupons de chauffe…`);
      await timeEachAsync(warmUp, (i) => issueOne(o, IDS.dupond + (i % 2)));
      ctx.progress(`${runs} coupons mesurés…`);
      return await timeEachAsync(runs, (i) => issueOne(o, IDS.dupond + (i % 2)));
    } finally {
      close(o);
    }
  },
  baseline: {
    description: 'document A4 d’une page avec les trois mêmes polices intégrées et trois lignes',
    async run() {
      await timeEachAsync(warmUp, bareDocument);
      return timeEachAsync(runs, bareDocument);
    },
  },
});

const rssPeaks: number[] = [];
const cpuSeconds: number[] = [];
const loopMaxMs: number[] = [];

async function runBatches(ctx: BenchContext): Promise<number[]> {
  const o = await open(FAMILIES);
  rssPeaks.length = 0;
  cpuSeconds.length = 0;
  loopMaxMs.length = 0;
  const seconds: number[] = [];
  try {
    for (let b = 0; b < batches; b++) {
      global.gc?.();
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
      let peak = rssBefore;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      delay.enable();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const jobId = randomUUID();
      const start = await o.core.send(
        'coupons.batchStart',
        { commandId: jobId, regieId: IDS.sco, period: null, issueCodes: true },
        o.token,
      );
      if (!start.ok) throw new Error(start.error.message);
      const startCallMs = performance.now() - t0;
      let status = start.value as CouponBatchStatus;
      while (status.state === 'en_cours') {
        await new Promise((r) => setTimeout(r, 50));
        const s = await o.core.send('coupons.batchStatus', { jobId }, o.token);
        if (!s.ok) throw new Error(s.error.message);
        status = s.value as CouponBatchStatus;
      }
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuUsed = (cpu.user + cpu.system) / 1e6;
      clearInterval(sampler);
      delay.disable();
      if (status.state !== 'termine' || status.codesIssued !== status.total) {
        throw new Error(`coupon.batch.5000 : lot ${status.state} (${status.message ?? ''})`);
      }
      if (status.total < FAMILIES)
        throw new Error(`coupon.batch.5000 : ${status.total} familles seulement`);
      const file = await o.core.send('coupons.batchFile', { jobId }, o.token);
      if (!file.ok) throw new Error(file.error.message);
      const sizeMb =
        Buffer.byteLength((file.value as { pdfBase64: string }).pdfBase64, 'base64') / 1e6;
      ctx.progress(
        `lot ${b + 1} : ${status.total} coupons en ${elapsed.toFixed(1)} s (CPU, tous fils confondus : ${cpuUsed.toFixed(1)} s), PDF ${sizeMb.toFixed(1)} Mo, RSS max ${(peak / 1e6).toFixed(0)} Mo (${(rssBefore / 1e6).toFixed(0)} Mo avant le lot, tas ${(heapBefore / 1e6).toFixed(0)} Mo), boucle d’événements bloquée au plus ${(delay.max / 1e6).toFixed(0)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms ; appel batchStart ${startCallMs.toFixed(0)} ms)`,
      );
      seconds.push(elapsed);
      rssPeaks.push(peak / 1e6);
      cpuSeconds.push(cpuUsed);
      loopMaxMs.push(delay.max / 1e6);
    }
    ctx.progress(
      `boucle d’événements, plus long blocage sur les ${batches} lot(s) : ${Math.max(...loopMaxMs).toFixed(0)} ms`,
    );
  } finally {
    close(o);
  }
  return seconds;
}

registerBench({
  name: 'coupon.batch.5000',
  unit: 's',
  description: `coupons.batchStart sur ${FAMILIES} familles (1 à 3 factures chacune) avec émission des codes, jusqu’au fichier écrit et aux codes enregistrés, ${batches} lot(s)`,
  run: runBatches,
});

registerBench({
  name: 'coupon.batch.5000.rss',
  unit: 'MB',
  description: `pic de mémoire résidente du processus pendant un lot de ${FAMILIES} coupons (échantillonné toutes les 20 ms)`,
  async run(ctx) {
    // Measured during coupon.batch.5000 when it ran just before; on its own, it runs the lots.
    if (rssPeaks.length === 0) await runBatches(ctx);
    return [...rssPeaks];
  },
});

registerBench({
  name: 'coupon.batch.5000.cpu',
  unit: 's',
  description: `temps CPU du processus (tous fils, worker des QR codes compris) pendant un lot de ${FAMILIES} coupons`,
  async run(ctx) {
    // Measured during coupon.batch.5000 when it ran just before; on its own, it runs the lots.
    if (cpuSeconds.length === 0) await runBatches(ctx);
    return [...cpuSeconds];
  },
});

registerBench({
  name: 'coupon.batch.5000.loop',
  unit: 'ms',
  description: `plus long blocage de la boucle d’événements pendant un lot de ${FAMILIES} coupons (monitorEventLoopDelay, résolution 10 ms)`,
  async run(ctx) {
    // Measured during coupon.batch.5000 when it ran just before; on its own, it runs the lots.
    if (loopMaxMs.length === 0) await runBatches(ctx);
    return [...loopMaxMs];
  },
});
