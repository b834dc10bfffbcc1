// The core's side of the process boundary: opens the core when the shell asks, answers calls,
// sends its log lines to the shell (which owns the rotating log file) and closes the database
// when asked. Written against a two-method port so that the same code runs under Electron's
// utilityProcess (process.parentPort) and under Node's child_process.fork (tests, benchmarks).
import pino, { type Logger } from 'pino';
import { openCore, type Core, type CoreOptions } from '../../core/core';
import { DomainError } from '../../core/errors';
import type { Result } from '../../shared/result';
import {
  toCoreSchema,
  type CoreProcessOpenOptions,
  type FromCore,
  type ShellState,
  type ToCore,
} from './protocol';

export interface HostPort {
  onMessage(listener: (message: unknown) => void): void;
  post(message: FromCore): void;
}

export interface CoreHost {
  /** The logger writing to the shell; for the entry's last words on a fatal error. */
  log(): Logger;
}

const internalResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Erreur interne : l’opération n’a pas été enregistrée. Réessayez ; si cela persiste, faites un rapport d’incident.',
  },
};

/**
 * The handler finished, but its answer could not cross to the shell (a value that cannot be
 * cloned: a bug). Whatever it wrote is committed, so the person must check before redoing it.
 */
export const unsentAnswerResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Erreur interne : l’opération a pu être enregistrée, mais sa réponse n’a pas pu être affichée. Vérifiez-la (fiche de la famille, journal) avant de la refaire, et faites un rapport d’incident.',
  },
};

/** A message from the shell that does not match the protocol: nothing was done. */
const malformedCallResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Erreur interne : requête mal formée vers le moteur de Guichet, l’opération n’a pas été faite. Relancez Guichet ; si cela persiste, faites un rapport d’incident.',
  },
};

const malformedOpenMessage =
  'demande d’ouverture mal formée (dossier de données ou option invalide)';

const closingResult: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message: 'Guichet se ferme : l’opération n’a pas été faite. Relancez Guichet pour la refaire.',
  },
};

/** How long a close waits for calls already started before closing the database under them. */
const CALLS_GRACE_MS = 10_000;
/**
 * How long it then waits for backups: the one a till closing has just started among them, the
 * usual case at the end of a day. Writing and verifying a 500 MB base takes about 30 s on an
 * old counter; the shell's own limit (client.ts) is above both.
 */
export const BACKUP_GRACE_MS = 120_000;

export function runCoreHost(
  port: HostPort,
  open: (options: CoreOptions) => Promise<Core> = openCore,
): CoreHost {
  let log: Logger = pino(
    { level: 'info' },
    { write: (line: string) => port.post({ type: 'log', line }) },
  );
  let core: Core | null = null;
  let opening: Promise<void> | null = null;
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();

  const shellState = (c: Core): ShellState => ({
    machineSettings: c.machineSettings(),
    hasOpenTill: c.hasOpenTill(),
  });

  function onOpen(options: CoreProcessOpenOptions): void {
    if (opening || core || closing) {
      log.warn({}, 'moteur : demande d’ouverture en double ignorée');
      return;
    }
    opening = openCoreFor(options).finally(() => {
      opening = null;
    });
  }

  async function openCoreFor(options: CoreProcessOpenOptions): Promise<void> {
    log = pino(
      { level: options.logLevel ?? 'info' },
      { write: (line: string) => port.post({ type: 'log', line }) },
    );
    try {
      core = await open({
        dbFile: options.dbFile,
        ...(options.seed ? { seed: options.seed } : {}),
        ...(options.backupDir ? { backupDir: options.backupDir } : {}),
        ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}),
        ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
        ...(options.backupSchedule === false ? { backupSchedule: false as const } : {}),
        ...(options.syncBackground === false ? { sync: { background: false } } : {}),
        logger: log,
      });
      port.post({ type: 'opened', shell: shellState(core) });
    } catch (e) {
      log.error({ err: e }, 'moteur : ouverture impossible');
      port.post({
        type: 'open-failed',
        message: e instanceof Error ? e.message : String(e),
        domain: e instanceof DomainError,
      });
    }
  }

  function onCall(message: Extract<ToCore, { type: 'call' }>): void {
    const c = core;
    if (!c || closing) {
      port.post({
        type: 'result',
        id: message.id,
        result: closing ? closingResult : internalResult,
        shell: null,
      });
      return;
    }
    const call = c
      .send(message.name, message.args, message.session)
      .catch((e: unknown): Result<unknown> => {
        // send() turns every failure into a Result; reaching here is a bug in the core.
        log.error({ err: e, handler: message.name }, 'moteur : exception hors résultat');
        return internalResult;
      })
      .then((result) => {
        let shell: ShellState | null = null;
        try {
          shell = shellState(c);
        } catch (e) {
          // The database closed meanwhile (a restore that failed half-way): the answer still
          // goes back; the shell keeps its last known state.
          log.warn({ err: e }, 'moteur : état pour le shell illisible');
        }
        try {
          port.post({ type: 'result', id: message.id, result, shell });
        } catch (e) {
          // A value that cannot be cloned across processes: a bug in a handler's result.
          log.error({ err: e, handler: message.name }, 'moteur : réponse non transmissible');
          port.post({ type: 'result', id: message.id, result: unsentAnswerResult, shell });
        }
      });
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
  }

  async function onClose(): Promise<void> {
    if (closing) return;
    closing = true;
    port.post({ type: 'closing' });
    // A close read while the database is still opening waits for the opening to end.
    if (opening) await opening;
    // Calls already started, and a backup being written, are let finish for a while: closing the
    // database under them would turn a payment being recorded into an error on screen.
    // The calls first, and only then the backups: a till.close still running starts the
    // closing's backup when it commits, and that backup must be waited for too.
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
    await Promise.race([Promise.allSettled([...inFlight]), pause(CALLS_GRACE_MS)]);
    if (core) {
      // No daily backup or background sync may start now: the wait is for the last backup.
      try {
        core.stopBackground();
      } catch (e) {
        log.error({ err: e }, 'moteur : arrêt des tâches de fond en erreur');
      }
      await Promise.race([core.backupsIdle().catch(() => undefined), pause(BACKUP_GRACE_MS)]);
    }
    try {
      core?.close();
    } catch (e) {
      log.error({ err: e }, 'moteur : fermeture de la base en erreur');
    }
    core = null;
    port.post({ type: 'closed' });
  }

  port.onMessage((raw) => {
    const parsed = toCoreSchema.safeParse(raw);
    if (!parsed.success) {
      const bad = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      log.warn(
        { type: bad['type'], detail: parsed.error.message.slice(0, 300) },
        'moteur : message mal formé ignoré',
      );
      // The shell waits for an answer to a call or an open: it gets a refusal, when it can be told.
      if (bad['type'] === 'call' && typeof bad['id'] === 'number' && Number.isInteger(bad['id'])) {
        port.post({ type: 'result', id: bad['id'], result: malformedCallResult, shell: null });
      } else if (bad['type'] === 'open') {
        port.post({ type: 'open-failed', message: malformedOpenMessage, domain: false });
      }
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'open':
        void onOpen(message.options);
        return;
      case 'call':
        onCall(message);
        return;
      case 'close':
        void onClose();
        return;
    }
  });

  return { log: () => log };
}
