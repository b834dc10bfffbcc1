// The shell's side of the core's process: starts it, hands it the calls from the window, and
// keeps what the shell reads synchronously (printer and update settings, whether a till is
// open). If the process dies, the calls it was running are answered with a French error that
// says the operation may or may not have been recorded (SQLite kept whatever was committed, and
// nothing else), and a fresh process is started on the same database, a few times at most.
import type { MachineSettings } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { ShellCore } from '../shell-core';
import { CoreGoneError } from './ready-gate';
import { malformedPayloadError } from '../ipc-guard';
import {
  fromCoreSchema,
  SHELL_CLOSE_LIMIT_MS,
  type CoreProcessOpenOptions,
  type FromCore,
  type ShellState,
  type ToCore,
} from './protocol';

/** A started core process, whichever launcher made it (node-child.ts, electron-child.ts). */
export interface CoreChild {
  postMessage(message: ToCore): void;
  onMessage(listener: (message: unknown) => void): void;
  /** code null: ended by a signal. */
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export interface RestartPolicy {
  /** At most this many unexpected ends within `windowMs` are followed by a restart. */
  maxRestarts: number;
  windowMs: number;
}

const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 3, windowMs: 10 * 60_000 };

export type CoreProcessEvent =
  | { kind: 'exit'; code: number | null; pendingCalls: number }
  | { kind: 'restarted' }
  | { kind: 'invalid-message'; detail: string };

export interface StartCoreProcessOptions {
  spawn: () => CoreChild;
  open: CoreProcessOpenOptions;
  /** The core's log lines (pino JSON), for the shell's rotating log. */
  onLog?: (line: string) => void;
  /** What happened to the process, for the shell's log. */
  onEvent?: (event: CoreProcessEvent) => void;
  /**
   * The process cannot be brought back (it keeps dying, or no longer opens the database): the
   * shell tells the person and quits. The message is French.
   */
  onFatal?: (message: string) => void;
  restart?: RestartPolicy;
  /** How long close() waits for the core to close its database before ending it (ms). */
  closeTimeoutMs?: number;
  /**
   * How long a restarted process may take to reopen the database (ms). The first start has no
   * limit, since it may migrate a large base; a reopen has nothing to migrate.
   */
  reopenTimeoutMs?: number;
  now?: () => number;
}

export interface RemoteCore extends ShellCore {
  send(name: string, args: unknown, session: string | null): Promise<Result<unknown>>;
  /** All of this machine's settings, as the core last sent them. */
  machineSettings(): MachineSettings;
  /** Closes the database in the core's process, then ends the process. */
  close(): Promise<void>;
}

/** The core refused to open (its message is French and meant for the person) or died first. */
export class CoreStartError extends Error {
  constructor(
    message: string,
    /** true when the message is the core's own refusal (a database from a newer version...). */
    readonly domain: boolean,
  ) {
    super(message);
    this.name = 'CoreStartError';
  }
}

export const coreCrashedResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Le moteur de Guichet s’est arrêté pendant l’opération : elle a pu être enregistrée ou non. Vérifiez-la (fiche de la famille, journal) avant de la refaire ; Guichet redémarre le moteur.',
  },
};

/** The core answered a call with something that is not a Result: a bug, after the handler ran. */
export const unreadableAnswerResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Le moteur de Guichet a répondu de façon illisible : l’opération a pu être enregistrée ou non. Vérifiez-la (fiche de la famille, journal) avant de la refaire, et faites un rapport d’incident.',
  },
};

/** A call the core had received when Guichet closed without its answer. */
const coreClosedMidCallResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Guichet s’est fermé pendant l’opération : elle a pu être enregistrée ou non. Après avoir relancé Guichet, vérifiez-la (fiche de la famille, journal) avant de la refaire.',
  },
};

export const coreStoppedResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Le moteur de Guichet est arrêté : l’opération n’a pas été faite. Fermez et relancez Guichet ; si cela persiste, faites un rapport d’incident.',
  },
};

/** Reopening after a crash: SQLite's recovery and the startup checks, on an old counter. */
const DEFAULT_REOPEN_TIMEOUT_MS = 120_000;

export const reopenTimeoutMessage =
  'Le moteur de Guichet ne parvient pas à rouvrir la base après un arrêt inattendu. Guichet va se fermer : relancez-le, et si cela se reproduit, appelez l’assistance avec un rapport d’incident.';

export const repeatedCrashMessage =
  'Le moteur de Guichet s’est arrêté plusieurs fois de suite. Guichet va se fermer : relancez-le, et si cela se reproduit, appelez l’assistance avec un rapport d’incident.';

type State = 'starting' | 'running' | 'restarting' | 'closing' | 'stopped';

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

export function startCoreProcess(opts: StartCoreProcessOptions): Promise<RemoteCore> {
  const policy = opts.restart ?? DEFAULT_RESTART_POLICY;
  const now = opts.now ?? Date.now;
  let state: State = 'starting';
  let child: CoreChild;
  let shell: ShellState | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  /** Calls made while a new process is being started: sent once it has opened the database. */
  let waiting: Array<() => void> = [];
  const exits: number[] = [];
  let closed: (() => void) | null = null;
  /** Starts the close's time limit again: the host has read the close and begins its waits. */
  let closeAcknowledged: (() => void) | null = null;
  /** The one close in progress: a second close() waits for the same end. */
  let closing: Promise<void> | null = null;
  let reopenTimer: NodeJS.Timeout | null = null;

  function clearReopenTimer(): void {
    if (reopenTimer) clearTimeout(reopenTimer);
    reopenTimer = null;
  }

  let resolveStart!: (core: RemoteCore) => void;
  let rejectStart!: (error: CoreStartError) => void;
  const started = new Promise<RemoteCore>((resolve, reject) => {
    resolveStart = resolve;
    rejectStart = reject;
  });

  function failAllPending(result: Result<never>): void {
    for (const p of pending.values()) p.resolve(result);
    pending.clear();
  }

  function releaseWaiting(): void {
    const calls = waiting;
    waiting = [];
    for (const go of calls) go();
  }

  function stop(message: string | null): void {
    state = 'stopped';
    failAllPending(coreClosedMidCallResult);
    releaseWaiting();
    if (message !== null) opts.onFatal?.(message);
  }

  function onMessage(current: CoreChild, raw: unknown): void {
    if (current !== child) return;
    const parsed = fromCoreSchema.safeParse(raw);
    if (!parsed.success) {
      opts.onEvent?.({ kind: 'invalid-message', detail: parsed.error.message.slice(0, 300) });
      // An answer whose id is readable still settles its call: the window must not wait for ever.
      const bad = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const id = bad['id'];
      if (bad['type'] === 'result' && typeof id === 'number' && pending.has(id)) {
        const p = pending.get(id)!;
        pending.delete(id);
        p.resolve(unreadableAnswerResult);
      }
      return;
    }
    const message: FromCore = parsed.data;
    switch (message.type) {
      case 'log':
        opts.onLog?.(message.line);
        return;
      case 'ready':
        return;
      case 'opened':
        shell = message.shell;
        if (state === 'starting') {
          state = 'running';
          resolveStart(remote);
        } else if (state === 'restarting') {
          clearReopenTimer();
          state = 'running';
          opts.onEvent?.({ kind: 'restarted' });
          releaseWaiting();
        }
        return;
      case 'open-failed':
        if (state === 'starting') {
          state = 'stopped';
          rejectStart(new CoreStartError(message.message, message.domain));
        } else if (state === 'restarting') {
          clearReopenTimer();
          stop(
            message.domain
              ? message.message
              : `Le moteur de Guichet n’a pas pu rouvrir la base : ${message.message}`,
          );
        }
        current.kill();
        return;
      case 'result': {
        if (message.shell) shell = message.shell;
        const p = pending.get(message.id);
        pending.delete(message.id);
        p?.resolve(message.result);
        return;
      }
      case 'closing':
        closeAcknowledged?.();
        return;
      case 'closed':
        closed?.();
        return;
    }
  }

  function onExit(current: CoreChild, code: number | null): void {
    if (current !== child) return;
    clearReopenTimer();
    opts.onEvent?.({ kind: 'exit', code, pendingCalls: pending.size });
    if (state === 'closing' || state === 'stopped') {
      failAllPending(coreClosedMidCallResult);
      closed?.();
      return;
    }
    failAllPending(coreCrashedResult);
    if (state === 'starting') {
      state = 'stopped';
      rejectStart(
        new CoreStartError(
          `Le moteur de Guichet s’est arrêté au démarrage (code ${code ?? 'signal'}). Le journal de l’application (journaux\\guichet.log) en dit la cause.`,
          false,
        ),
      );
      return;
    }
    const t = now();
    exits.push(t);
    while (exits.length > 0 && exits[0]! <= t - policy.windowMs) exits.shift();
    if (exits.length > policy.maxRestarts) {
      stop(repeatedCrashMessage);
      return;
    }
    state = 'restarting';
    launch();
    if (state === 'restarting') {
      const reopening = child;
      reopenTimer = setTimeout(() => {
        reopenTimer = null;
        if (state !== 'restarting' || child !== reopening) return;
        stop(reopenTimeoutMessage);
        reopening.kill();
      }, opts.reopenTimeoutMs ?? DEFAULT_REOPEN_TIMEOUT_MS);
      reopenTimer.unref?.();
    }
  }

  function launch(): void {
    let current: CoreChild;
    try {
      current = opts.spawn();
    } catch (e) {
      const message = `Le moteur de Guichet n’a pas pu être lancé : ${e instanceof Error ? e.message : String(e)}`;
      if (state === 'starting') {
        state = 'stopped';
        rejectStart(new CoreStartError(message, false));
      } else {
        stop(message);
      }
      return;
    }
    child = current;
    current.onMessage((m) => onMessage(current, m));
    current.onExit((code) => onExit(current, code));
    current.postMessage({ type: 'open', options: opts.open });
  }

  function post(name: string, args: unknown, session: string | null): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, { resolve });
      try {
        child.postMessage({ type: 'call', id, name, args, session });
      } catch (e) {
        // Nothing reached the core, so nothing was done.
        pending.delete(id);
        // The process has just ended and its exit is on its way: the call waits for the new one.
        if (e instanceof CoreGoneError) resolve(afterRestart(name, args, session));
        // Arguments that cannot be cloned.
        else resolve(malformedPayloadError);
      }
    });
  }

  /** A call made while no process can take it: sent once a new one has opened the database. */
  function afterRestart(
    name: string,
    args: unknown,
    session: string | null,
  ): Promise<Result<unknown>> {
    return new Promise((resolve) => {
      waiting.push(() => {
        if (state === 'running') resolve(post(name, args, session));
        else resolve(coreStoppedResult);
      });
    });
  }

  const remote: RemoteCore = {
    send(name, args, session) {
      if (state === 'running') return post(name, args, session);
      if (state === 'restarting') return afterRestart(name, args, session);
      return Promise.resolve(coreStoppedResult);
    },
    machineSettings() {
      if (!shell) throw new Error('Moteur de Guichet pas encore ouvert');
      return shell.machineSettings;
    },
    hasOpenTill() {
      // Unknown is treated as open: an update must never be installed under a till.
      return shell?.hasOpenTill ?? true;
    },
    close() {
      if (closing) return closing;
      if (state === 'stopped') return Promise.resolve();
      clearReopenTimer();
      const wasRestarting = state === 'restarting';
      state = 'closing';
      releaseWaiting();
      const current = child;
      closing = new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | null = null;
        const limitMs = opts.closeTimeoutMs ?? SHELL_CLOSE_LIMIT_MS;
        const done = () => {
          if (timer) clearTimeout(timer);
          closed = null;
          closeAcknowledged = null;
          state = 'stopped';
          failAllPending(coreClosedMidCallResult);
          current.kill();
          resolve();
        };
        closed = done;
        timer = setTimeout(done, limitMs);
        closeAcknowledged = () => {
          closeAcknowledged = null;
          if (timer) clearTimeout(timer);
          timer = setTimeout(done, limitMs);
        };
        if (wasRestarting) {
          // Still opening the database: ending the process is the quickest clean stop.
          done();
          return;
        }
        try {
          current.postMessage({ type: 'close' });
        } catch {
          done();
        }
      });
      return closing;
    },
  };

  launch();
  return started;
}
