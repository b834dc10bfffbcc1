// The worker thread that checks a backup file (backup-verify.ts starts it). It opens the file
// read-only with its own better-sqlite3 connection, so the half minute a large register takes
// to check is spent here and the core's thread keeps serving the counter. It answers with
// exactly one message, then ends.
import { parentPort, workerData } from 'node:worker_threads';
import { checkBackupFile, fileSha256Sync } from './backup-check';
import { verifyRequestSchema, type VerifyMessage } from './verify-worker-protocol';

function post(message: VerifyMessage): void {
  parentPort?.postMessage(message);
}

const request = verifyRequestSchema.safeParse(workerData);
if (!request.success) {
  post({ type: 'failed', message: `demande de vérification invalide (${request.error.message})` });
} else {
  const { file, nativeBinding, sha256 } = request.data;
  // Said first, so the core can tell a worker that could not start (fall back to checking on
  // its own thread) from a check that went wrong.
  post({ type: 'started' });
  try {
    const check = checkBackupFile(file, nativeBinding);
    // The digest is of the file as checked: nothing writes to it while it is verified.
    const digest = check.ok && sha256 ? fileSha256Sync(file) : null;
    post({ type: 'done', check, sha256: digest });
  } catch (e) {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}
