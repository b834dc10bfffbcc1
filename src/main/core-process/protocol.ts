// The messages between the Electron shell and the core's own process (entry.ts). The core runs
// apart from the window's thread so that a long handler (a year's journal check, a 50,000-line
// bank statement, a first sync) never freezes the window: Windows greys out a window whose main
// process stops answering, and every other IPC call would wait behind it.
//
// Both sides are ours, but the parent still checks what it receives: a message that does not
// match is a bug to log, not something to act upon.
import { z } from 'zod';
import type { MachineSettings } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { SeedKind } from '../../core/demo/seed';

/** What the core needs to open, all of it plain data that crosses a process boundary. */
export interface CoreProcessOpenOptions {
  dbFile: string;
  seed?: SeedKind;
  backupDir?: string;
  migrationsDir?: string;
  /** better-sqlite3 built for Electron's ABI. */
  nativeBinding?: string;
  /** pino level for the core's log (default 'info'). */
  logLevel?: string;
  /** false: no daily backup timer (tests, benchmarks). */
  backupSchedule?: false;
  /** false: the sync engine only runs when asked (tests, benchmarks). */
  syncBackground?: boolean;
}

/**
 * What the shell reads without a session (printers, update feed, whether a till is open). The
 * core sends it with every answer, since only a handler can change it, so that the shell reads
 * it synchronously, as the update policy needs at quit time.
 */
export interface ShellState {
  machineSettings: MachineSettings;
  hasOpenTill: boolean;
}

export type ToCore =
  | { type: 'open'; options: CoreProcessOpenOptions }
  | { type: 'call'; id: number; name: string; args: unknown; session: string | null }
  | { type: 'close' };

const shellStateSchema = z.object({
  machineSettings: z.custom<MachineSettings>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  ),
  hasOpenTill: z.boolean(),
});

const resultSchema = z.custom<Result<unknown>>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    'ok' in v &&
    typeof (v as { ok: unknown }).ok === 'boolean',
);

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
  z.object({ type: z.literal('closed') }),
]);

export type FromCore = z.infer<typeof fromCoreSchema>;
