// The messages between the Electron shell and the core's own process (entry.ts). The core runs
// apart from the window's thread so that a long handler (a year's journal check, a 50,000-line
// bank statement, a first sync) never freezes the window: Windows greys out a window whose main
// process stops answering, and every other IPC call would wait behind it.
//
// Both sides are ours, but each still checks what it receives with the schemas below: a message
// that does not match is a bug to log, not something to act upon.
import { z } from 'zod';
import type { MachineSettings } from '../../shared/contract';
import { errorCodes } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { seedKinds } from '../../shared/demo/seed-kinds';

/**
 * What the shell reads without a session (printers, update feed, whether a till is open). The
 * core sends it with every answer, since only a handler can change it, so that the shell reads
 * it synchronously, as the update policy needs at quit time.
 */
export interface ShellState {
  machineSettings: MachineSettings;
  hasOpenTill: boolean;
}

/** What the core needs to open, all of it plain data that crosses a process boundary. */
const openOptionsSchema = z.object({
  dbFile: z.string().min(1),
  seed: z.enum(seedKinds).optional(),
  backupDir: z.string().min(1).optional(),
  migrationsDir: z.string().min(1).optional(),
  /** better-sqlite3 built for Electron's ABI. */
  nativeBinding: z.string().min(1).optional(),
  /** pino level for the core's log (default 'info'). */
  logLevel: z.string().optional(),
  /** false: no daily backup timer (tests, benchmarks). */
  backupSchedule: z.literal(false).optional(),
  /** false: the sync engine only runs when asked (tests, benchmarks). */
  syncBackground: z.boolean().optional(),
});

/** Derived from the schema, so that an option added here cannot be dropped by the check. */
export type CoreProcessOpenOptions = z.infer<typeof openOptionsSchema>;

/** What the core accepts from the shell: anything else is logged and, for a call, refused. */
export const toCoreSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), options: openOptionsSchema }),
  z.object({
    type: z.literal('call'),
    id: z.number().int(),
    name: z.string().min(1),
    args: z.unknown(),
    session: z.string().nullable(),
  }),
  z.object({ type: z.literal('close') }),
]);

export type ToCore = z.infer<typeof toCoreSchema>;

/** How long a close waits for calls already started before closing the database under them. */
export const CALLS_GRACE_MS = 10_000;
/**
 * How long it then waits for backups: the one a till closing has just started among them, the
 * usual case at the end of a day. Writing and verifying a 500 MB base takes about 30 s on an
 * old counter.
 */
export const BACKUP_GRACE_MS = 120_000;
/**
 * The shell's limit for the whole close, above both waits, counted from close() and again from
 * the host's 'closing' (a long handler may delay its reading).
 */
export const SHELL_CLOSE_LIMIT_MS = CALLS_GRACE_MS + BACKUP_GRACE_MS + 20_000;

const shellStateSchema = z.object({
  machineSettings: z.custom<MachineSettings>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  ),
  hasOpenTill: z.boolean(),
});

/** A refusal always carries a code the UI knows and a French message to show. */
const appErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string().min(1),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const resultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: appErrorSchema }),
]) as z.ZodType<Result<unknown>>;

export const fromCoreSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('opened'), shell: shellStateSchema }),
  z.object({
    type: z.literal('open-failed'),
    message: z.string(),
    /** The core's own refusal in French (a newer database...), to show as it is. */
    domain: z.boolean(),
  }),
  z.object({
    type: z.literal('result'),
    id: z.number().int(),
    result: resultSchema,
    /** null when the core could not read it (closing, or its database just failed). */
    shell: shellStateSchema.nullable(),
  }),
  z.object({ type: z.literal('log'), line: z.string() }),
  /** Listening: sent first. Node's fork drops what arrives before the child's listener. */
  z.object({ type: z.literal('ready') }),
  /**
   * The close was read: the host's own waits (calls, then backups) start now, and the shell
   * counts its time limit from here, since a long handler may have delayed the reading.
   */
  z.object({ type: z.literal('closing') }),
  z.object({ type: z.literal('closed') }),
]);

export type FromCore = z.infer<typeof fromCoreSchema>;
