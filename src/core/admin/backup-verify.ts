// Checking a backup file without stopping the counter. The checks (backup-check.ts) read the
// whole file: on a 512 MB register they took half a minute, during which a payment or a search
// on this poste would have waited. They run in a worker thread instead (verify-worker.ts), with
// its own read-only connection, while the core's thread goes on answering.
//
// Where the worker's code is depends on how Guichet runs:
// - from the TypeScript sources (tests, browser mode, `npm start`): this module is a .ts file,
//   and the worker loads verify-worker.ts through tsx, which those modes already run under;
// - built by electron-vite: verify-worker.ts is an entry of its own (electron.vite.config.ts),
//   emitted as out/main/verify-worker.js beside index.js and its chunks, which is where this
//   code itself ends up. In the installed application that folder is inside app.asar, which
//   Electron lets worker threads read; better-sqlite3's native module is the unpacked one named
//   by `nativeBinding`, as for the main connection.
// Should a worker not start all the same, the file is checked on the core's thread, as it was
// before, and the log says so.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { fileSha256 } from '../journal/start-events';
import { checkBackupFile, type BackupCheck } from './backup-check';
import type { VerifyMessage, VerifyRequest } from './verify-worker-protocol';

/** The worker's entry file, and whether it is TypeScript to be loaded through tsx. */
export interface VerifyWorkerEntry {
  file: string;
  typescript: boolean;
}

export interface VerifiedFile {
  check: BackupCheck;
  /** The file's SHA-256 when asked for and the check passed. */
  sha256: string | null;
  /** Where the check ran: 'worker', or 'main' when no worker could be started. */
  ranOn: 'worker' | 'main';
}

export interface VerifyOptions {
  nativeBinding?: string | undefined;
  /** Also compute the file's SHA-256 (after the check, in the same pass). */
  sha256?: boolean;
  log?: Logger | undefined;
  /** Another worker entry than this build's (tests of the fallback). */
  workerEntry?: VerifyWorkerEntry;
}

/** This build's worker entry, beside this module (see the header). */
export function defaultVerifyWorkerEntry(): VerifyWorkerEntry {
  const here = fileURLToPath(import.meta.url);
  const typescript = here.endsWith('.ts');
  return {
    file: path.join(path.dirname(here), typescript ? 'verify-worker.ts' : 'verify-worker.js'),
    typescript,
  };
}

/** tsx's ESM API, as an ES module (its CommonJS build cannot be required from a worker). */
function tsxEsmApi(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const api = pkg.exports['./esm/api'];
  const file = typeof api === 'object' ? api.import?.default : undefined;
  if (!file) throw new Error('tsx : point d’entrée ./esm/api introuvable');
  return pathToFileURL(path.join(path.dirname(manifest), file)).href;
}

function startWorker(entry: VerifyWorkerEntry, request: VerifyRequest): Worker {
  if (!entry.typescript) return new Worker(entry.file, { workerData: request });
  // Node 20 does not hand the main thread's module hooks (tsx's) to a worker, and a worker's
  // own --import is not ready before its entry loads: tsx's API registers them, then imports
  // the TypeScript entry. tsx is a development dependency, present wherever sources run.
  const code = `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => tsx.tsImport(${JSON.stringify(pathToFileURL(entry.file).href)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(code, { eval: true, workerData: request });
}

const interrupted = (reason: string): BackupCheck => ({
  ok: false,
  problem: `La vérification s’est interrompue avant la fin (${reason})`,
  operations: null,
  technique: null,
});

/**
 * Checks `file` (integrity_check, both journal chains, the ledger against them) in a worker
 * thread and, if asked, computes its SHA-256 there too. What is wrong with the file is in the
 * returned check, in French; it rejects only if the file vanishes while the fallback hashes it.
 */
export function verifyBackupFile(file: string, opts: VerifyOptions = {}): Promise<VerifiedFile> {
  const { log } = opts;
  const started = performance.now();
  const request: VerifyRequest = {
    file,
    sha256: opts.sha256 ?? false,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
  };
  const finish = (v: VerifiedFile): VerifiedFile => {
    log?.debug(
      {
        file,
        ranOn: v.ranOn,
        ok: v.check.ok,
        durationMs: Math.round(performance.now() - started),
      },
      'vérification de la sauvegarde terminée',
    );
    return v;
  };

  /** The fallback: the same checks on this thread, which they block meanwhile. */
  const onThisThread = async (why: unknown): Promise<VerifiedFile> => {
    log?.warn(
      { err: why, file },
      'vérification de la sauvegarde sur le fil principal : le fil de travail n’a pas démarré',
    );
    log?.debug({ file, ranOn: 'main' }, 'vérification de la sauvegarde commencée');
    const check = checkBackupFile(file, opts.nativeBinding);
    const sha256 = check.ok && request.sha256 ? await fileSha256(file) : null;
    return finish({ check, sha256, ranOn: 'main' });
  };

  return new Promise<VerifiedFile>((resolve) => {
    let worker: Worker;
    try {
      worker = startWorker(opts.workerEntry ?? defaultVerifyWorkerEntry(), request);
    } catch (e) {
      resolve(onThisThread(e));
      return;
    }
    let running = false;
    let settled = false;
    // The first outcome counts: a worker that fails reports an error, then its exit.
    const settle = (outcome: () => VerifiedFile | Promise<VerifiedFile>) => {
      if (settled) return;
      settled = true;
      resolve(outcome());
    };
    // Before "started", a failure means the worker's code could not be loaded: check here.
    // After it, the check itself broke off, and the backup is not taken as good.
    const broke = (reason: unknown) =>
      settle(() =>
        running
          ? finish({
              check: interrupted(reason instanceof Error ? reason.message : String(reason)),
              sha256: null,
              ranOn: 'worker',
            })
          : onThisThread(reason),
      );
    worker.on('message', (m: VerifyMessage) => {
      if (m.type === 'started') {
        running = true;
        log?.debug({ file, ranOn: 'worker' }, 'vérification de la sauvegarde commencée');
      } else if (m.type === 'done') {
        settle(() => finish({ check: m.check, sha256: m.sha256, ranOn: 'worker' }));
      } else {
        settle(() => finish({ check: interrupted(m.message), sha256: null, ranOn: 'worker' }));
      }
    });
    worker.on('error', broke);
    worker.on('exit', (code) => broke(new Error(`fil de travail arrêté, code ${code}`)));
  });
}
