// Coupon batches for mailing: every family with something due in a régie (and, when asked,
// invoices issued in a given month), one PDF sorted by postal code then name, so the printed
// stack goes to the post office already in delivery order.
//
// A batch runs in the background of the core, a few milliseconds of work at a time, yielding
// the event loop between slices so the counter keeps answering while it prints (a payment
// recorded on the same poste waits a slice at most, not the batch). Codes drawn for the batch
// stay in a temporary table of the connection, as hashes, until the PDF is written; only then
// are they inserted together, with one journal entry for the batch, in a single transaction. A batch that is cancelled or fails therefore
// issues nothing and leaves nothing behind. Jobs live in memory only: after a restart, an
// unfinished job is gone (and issued nothing), and asking for it says so.
import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { CouponBatchStatus, ReportFile } from '../../shared/contract';
import type { AdminRuntime } from '../admin/runtime';
import type { Logger } from 'pino';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { insertCommand } from '../payments/commands';
import { writePdfInSlices } from '../pdf/sliced-writer';
import {
  accessCodeDays,
  drawCode,
  expiryOf,
  stageCodes,
  type CodeStage,
  type PendingCode,
} from './access-codes';
import { couponReader } from './coupon-data';
import { couponQr, createCouponDocument, drawCoupon } from './coupon-pdf';

/**
 * Work between two turns of the event loop, in milliseconds. A coupon costs a few; the slice
 * is measured in time rather than in coupons so that a loaded machine, where each coupon takes
 * longer, still gives the counter its turn as often.
 */
export const BATCH_SLICE_MS = 12;

interface Job {
  status: CouponBatchStatus;
  cancelled: boolean;
  filePath: string | null;
  done: Promise<void>;
}

// One job table per core: the admin runtime is created once per openCore and outlives restores.
const jobsByCore = new WeakMap<AdminRuntime, Map<string, Job>>();

function jobsOf(admin: AdminRuntime): Map<string, Job> {
  let jobs = jobsByCore.get(admin);
  if (!jobs) {
    jobs = new Map();
    jobsByCore.set(admin, jobs);
  }
  return jobs;
}

/** Families of a régie with something due (and invoices issued in `period`), mailing order. */
export function batchFamilies(
  sqlite: Database.Database,
  regieId: number,
  period: string | null,
): number[] {
  const rows = sqlite
    .prepare(
      `SELECT f.id FROM family f
         LEFT JOIN responsable r ON r.family_id = f.id
              AND r.rank = (SELECT min(rank) FROM responsable WHERE family_id = f.id)
        WHERE EXISTS (
          SELECT 1 FROM invoice i
           WHERE i.family_id = f.id AND i.regie_id = ? AND i.status = 'emise'
             AND i.paid_cents < i.amount_cents
             AND (? IS NULL OR substr(i.issue_date, 1, 7) = ?))
        ORDER BY (r.postal_code IS NULL OR r.postal_code = ''), r.postal_code,
                 f.family_name, f.code`,
    )
    .all(regieId, period, period) as { id: number }[];
  return rows.map((r) => r.id);
}

/** Where batch files go: a "coupons" folder beside the database (a temporary one in memory). */
export function couponsDirFor(dbFile: string): string {
  const base =
    dbFile === ':memory:'
      ? path.join(tmpdir(), `guichet-coupons-${process.pid}`)
      : path.join(path.dirname(dbFile), 'coupons');
  mkdirSync(base, { recursive: true });
  return base;
}

const unknownJob = () =>
  new DomainError(
    'INTROUVABLE',
    'Ce lot de coupons est inconnu de ce poste. Si l’application a redémarré depuis son lancement, le lot a été perdu sans émettre aucun code : relancez-le.',
    'LOT_INCONNU',
  );

export interface BatchStart {
  jobId: string;
  regieId: number;
  period: string | null;
  issueCodes: boolean;
  agentId: number;
  posteCode: string;
}

export interface BatchDeps {
  sqlite: Database.Database;
  admin: AdminRuntime;
  now: () => Date;
  log: Logger;
}

export function startBatch(deps: BatchDeps, args: BatchStart): CouponBatchStatus {
  const jobs = jobsOf(deps.admin);
  const existing = jobs.get(args.jobId);
  if (existing) return { ...existing.status };
  const { sqlite } = deps;
  const known = sqlite
    .prepare('SELECT 1 AS x FROM command WHERE command_id = ?')
    .get(args.jobId) as { x: number } | undefined;
  if (known) {
    throw new DomainError(
      'CONFLIT',
      'Ce lot de coupons a déjà été produit (l’application a redémarré depuis) : son fichier est dans le dossier des coupons. Lancez un nouveau lot si nécessaire.',
      'LOT_DEJA_PRODUIT',
    );
  }
  for (const j of jobs.values()) {
    if (j.status.state === 'en_cours') {
      throw new DomainError(
        'CONFLIT',
        `Un lot de coupons est déjà en cours (${j.status.done} sur ${j.status.total}). Attendez qu’il se termine ou annulez-le avant d’en lancer un autre.`,
        'LOT_EN_COURS',
      );
    }
  }
  const reader = couponReader(sqlite, args.regieId);
  const families = batchFamilies(sqlite, args.regieId, args.period);
  if (families.length === 0) {
    throw new DomainError(
      'REGLE_METIER',
      args.period
        ? `Aucune famille n’a de facture à payer émise en ${args.period.slice(5)}/${args.period.slice(0, 4)} à la régie « ${reader.regie.name} » : il n’y a aucun coupon à imprimer.`
        : `Aucune famille n’a de somme à payer à la régie « ${reader.regie.name} » : il n’y a aucun coupon à imprimer.`,
      'RIEN_A_PAYER',
    );
  }
  const status: CouponBatchStatus = {
    jobId: args.jobId,
    state: 'en_cours',
    regieCode: reader.regie.code,
    period: args.period,
    done: 0,
    total: families.length,
    startedAt: deps.now().toISOString(),
    finishedAt: null,
    message: null,
    fileName: null,
    codesIssued: 0,
  };
  const job: Job = { status, cancelled: false, filePath: null, done: Promise.resolve() };
  jobs.set(args.jobId, job);
  job.done = runBatch(deps, args, job, reader, families).catch((e: unknown) => {
    if (job.filePath) rmSync(job.filePath, { force: true });
    job.filePath = null;
    if (job.status.state !== 'en_cours') return;
    job.status.state = 'echec';
    job.status.finishedAt = deps.now().toISOString();
    job.status.fileName = null;
    job.status.codesIssued = 0;
    job.status.message =
      e instanceof DomainError
        ? `${e.message} Aucun code n’a été émis.`
        : 'La production du lot a échoué de façon inattendue. Aucun code n’a été émis et aucun fichier n’a été gardé : relancez le lot ; si l’échec se répète, envoyez un rapport d’incident.';
    deps.log.error({ err: e, jobId: args.jobId }, 'lot de coupons en échec');
  });
  return { ...status };
}

const yieldLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runBatch(
  deps: BatchDeps,
  args: BatchStart,
  job: Job,
  reader: ReturnType<typeof couponReader>,
  families: number[],
): Promise<void> {
  const { sqlite } = deps;
  // Every code of the batch expires at the same instant: issued when the batch started.
  const days = accessCodeDays(sqlite);
  const stage = args.issueCodes ? stageCodes(sqlite, args.jobId) : null;
  try {
    const fileName = await drawAndWrite(deps, args, job, reader, families, stage, days);
    if (fileName === null) return;
    const expiresAt = expiryOf(new Date(job.status.startedAt), days);
    commitBatch(deps, args, job, reader, { coupons: families.length, fileName, expiresAt }, stage);
  } finally {
    stage?.drop();
  }
}

/** Draws every coupon and writes the file; its name, or null if the batch was cancelled. */
async function drawAndWrite(
  deps: BatchDeps,
  args: BatchStart,
  job: Job,
  reader: ReturnType<typeof couponReader>,
  families: number[],
  stage: CodeStage | null,
  days: number,
): Promise<string | null> {
  const { sqlite } = deps;
  const started = new Date(job.status.startedAt);
  const cd = await createCouponDocument({
    title: `Coupons — ${reader.regie.name}${args.period ? ` — ${args.period}` : ''}`,
    author: reader.commune.name || 'Guichet',
    createdAt: job.status.startedAt,
  });
  // Codes of the current slice, staged (hashed) at the end of it: the codes themselves are
  // needed only to print them.
  const drawn: PendingCode[] = [];
  let sliceStart = Number.NEGATIVE_INFINITY;
  for (const familyId of families) {
    if (performance.now() - sliceStart >= BATCH_SLICE_MS) {
      stage?.add(drawn);
      drawn.length = 0;
      await yieldLoop();
      if (job.cancelled) return null;
      if (!sqlite.open) {
        throw new DomainError(
          'INTERNE',
          'La base de données a été fermée ou remplacée (restauration) pendant la production du lot.',
        );
      }
      sliceStart = performance.now();
    }
    const pending = stage ? drawCode(familyId, started, days) : null;
    const data = reader.read(familyId, {
      printedAt: job.status.startedAt,
      period: args.period,
      accessCode: pending ? { code: pending.code, expiresAt: pending.expiresAt } : null,
    });
    drawCoupon(cd, data, couponQr(data));
    if (pending) drawn.push(pending);
    job.status.done += 1;
  }
  stage?.add(drawn);
  drawn.length = 0;
  await yieldLoop();
  if (job.cancelled) return null;
  const dir = couponsDirFor(deps.admin.dbFile);
  const fileName = `coupons-${reader.regie.code}${args.period ? `-${args.period}` : ''}-${args.jobId.slice(0, 8)}.pdf`;
  const filePath = path.join(dir, fileName);
  const partial = `${filePath}.partiel`;
  // Written a slice at a time as well: saving thousands of pages at once would freeze the
  // counter for most of a second.
  const written = await writePdfInSlices(
    cd.doc,
    [cd.fonts.regular, cd.fonts.bold, cd.fonts.mono],
    partial,
    { yieldLoop, cancelled: () => job.cancelled, sliceMs: BATCH_SLICE_MS },
  );
  if (!written) return null;
  renameSync(partial, filePath);
  job.filePath = filePath;
  if (job.cancelled) {
    rmSync(filePath, { force: true });
    job.filePath = null;
    return null;
  }
  return fileName;
}

function commitBatch(
  deps: BatchDeps,
  args: BatchStart,
  job: Job,
  reader: ReturnType<typeof couponReader>,
  done: { coupons: number; fileName: string; expiresAt: string },
  stage: CodeStage | null,
): void {
  const { sqlite } = deps;
  const { coupons, fileName, expiresAt } = done;
  // Everything below is synchronous: a cancel cannot slip in between the check above and the
  // commit, so either the batch is cancelled and nothing is written, or all of it is.
  const now = deps.now().toISOString();
  let codesIssued = 0;
  sqlite.transaction(() => {
    insertCommand(sqlite, {
      commandId: args.jobId,
      handler: 'coupons.batchStart',
      hash: 'lot',
      agentId: args.agentId,
      at: now,
    });
    codesIssued = stage
      ? stage.commit({ agentId: args.agentId, posteCode: args.posteCode, batchRef: args.jobId })
      : 0;
    appendJournal(sqlite, 'operations', {
      kind: 'coupons_lot',
      instant: now,
      agentId: args.agentId,
      regieId: args.regieId,
      posteCode: args.posteCode,
      payload: {
        batchRef: args.jobId,
        regieCode: reader.regie.code,
        period: args.period,
        coupons,
        codesIssued,
        expiresAt: codesIssued > 0 ? expiresAt : null,
        fileName,
      },
    });
  })();
  job.status.state = 'termine';
  job.status.finishedAt = now;
  job.status.fileName = fileName;
  job.status.codesIssued = codesIssued;
}

function jobOf(admin: AdminRuntime, jobId: string): Job {
  const job = jobsOf(admin).get(jobId);
  if (!job) throw unknownJob();
  return job;
}

export function batchStatus(admin: AdminRuntime, jobId: string): CouponBatchStatus {
  return { ...jobOf(admin, jobId).status };
}

export function cancelBatch(deps: BatchDeps, jobId: string): CouponBatchStatus {
  const job = jobOf(deps.admin, jobId);
  if (job.status.state === 'termine') {
    throw new DomainError(
      'REGLE_METIER',
      'Ce lot est déjà terminé : ses coupons sont imprimables et ses codes ont été émis. Il ne peut plus être annulé ; un nouveau code émis pour une famille remplace le sien.',
      'LOT_TERMINE',
    );
  }
  if (job.status.state === 'en_cours') {
    job.cancelled = true;
    job.status.state = 'annule';
    job.status.finishedAt = deps.now().toISOString();
    job.status.message = 'Lot annulé : aucun code n’a été émis et aucun fichier n’a été gardé.';
  }
  return { ...job.status };
}

export function batchFile(admin: AdminRuntime, jobId: string): ReportFile {
  const job = jobOf(admin, jobId);
  if (job.status.state !== 'termine' || !job.filePath || !job.status.fileName) {
    throw new DomainError(
      'REGLE_METIER',
      job.status.state === 'en_cours'
        ? `Le lot n’est pas encore terminé (${job.status.done} sur ${job.status.total}). Attendez la fin pour l’ouvrir.`
        : 'Ce lot n’a pas de fichier : il a été annulé ou a échoué. Relancez-le.',
      'LOT_SANS_FICHIER',
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(job.filePath);
  } catch {
    throw new DomainError(
      'INTROUVABLE',
      `Le fichier du lot (${job.status.fileName}) a disparu du dossier des coupons. Relancez un lot sans émettre de codes pour le réimprimer.`,
      'LOT_FICHIER_ABSENT',
    );
  }
  return { fileName: job.status.fileName, pdfBase64: bytes.toString('base64') };
}
