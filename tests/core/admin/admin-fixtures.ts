// A test register on a real SQLite file in a temporary folder, for what only a file has: the
// lock beside it, the backup folder, the log folder and the restore that swaps the file. The
// data are the shared fixture's (tests/core/fixtures.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { openCore, type Core, type CoreOptions } from '../../../src/core/core';
import type { HandlerName, Input, Output } from '../../../src/shared/contract';
import type { AppError } from '../../../src/shared/errors';
import type { Role } from '../../../src/shared/roles';
import {
  buildFixture,
  CallError,
  IDS,
  LOGINS,
  newCommandId,
  openTill,
  PASSWORDS,
  START,
} from '../fixtures';

export interface FileCore {
  dir: string;
  dbFile: string;
  backupDir: string;
  core: Core;
  clock: { ms: number };
  login(role: Role): Promise<string>;
  send<K extends HandlerName>(
    name: K,
    args: Input<K>,
    token: string | null,
  ): Promise<{ ok: true; value: Output<K> } | { ok: false; error: AppError }>;
  call<K extends HandlerName>(name: K, args: Input<K>, token: string | null): Promise<Output<K>>;
  /** Closes the core and removes the folder. */
  dispose(): void;
}

export function tempDir(prefix = 'guichet-admin-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function openFileCore(
  opts: {
    dir?: string;
    till?: boolean;
    logger?: Logger;
    core?: Partial<CoreOptions>;
    fixture?: boolean;
    startMs?: number;
  } = {},
): Promise<FileCore> {
  const dir = opts.dir ?? tempDir();
  const dbFile = path.join(dir, 'guichet.sqlite');
  const clock = { ms: opts.startMs ?? START };
  const core = await openCore({
    dbFile,
    now: () => new Date(clock.ms),
    logger: opts.logger ?? pino({ level: 'silent' }),
    backupSchedule: false,
    ...opts.core,
  });
  if (opts.fixture !== false) {
    await buildFixture(core.sqlite);
    if (opts.till !== false) openTill(core.sqlite, { now: new Date(clock.ms) });
  }
  const send = async <K extends HandlerName>(name: K, args: Input<K>, token: string | null) =>
    (await core.send(name, args, token)) as
      { ok: true; value: Output<K> } | { ok: false; error: AppError };
  return {
    dir,
    dbFile,
    backupDir: path.join(dir, 'sauvegardes'),
    core,
    clock,
    async login(role) {
      const r = await send('auth.login', { login: LOGINS[role], password: PASSWORDS[role] }, null);
      if (!r.ok) throw new CallError(r.error);
      return r.value.token;
    },
    send,
    async call(name, args, token) {
      const r = await send(name, args, token);
      if (!r.ok) throw new CallError(r.error);
      return r.value;
    },
    dispose() {
      core.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A logger whose lines can be read back. */
export function capturingLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  return { log, lines };
}

/** A cheque from the Dupond family (a cheque carries no cash tendered, so its amount can be edited). */
export const chequePayment = (amountCents = 4900) => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents,
  method: {
    mode: 'cheque' as const,
    bank: 'Banque du test',
    number: '1234567',
    drawer: 'Hélène Dupond',
    payee: 'DGFiP',
  },
});
