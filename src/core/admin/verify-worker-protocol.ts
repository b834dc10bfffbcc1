// What the core and the verification worker (verify-worker.ts) say to each other. The request
// travels as workerData; the worker answers with "started", then "done" or "failed".
import { z } from 'zod';
import type { BackupCheck } from './backup-check';

export const verifyRequestSchema = z.object({
  file: z.string().min(1),
  nativeBinding: z.string().min(1).optional(),
  /** Also compute the file's SHA-256 once it has passed its check. */
  sha256: z.boolean(),
});

export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

export type VerifyMessage =
  | { type: 'started' }
  | { type: 'done'; check: BackupCheck; sha256: string | null }
  | { type: 'failed'; message: string };
