// The core's side of the process boundary: opens the core when the shell asks, answers calls,
// sends its log lines to the shell (which owns the rotating log file) and closes the database
// when asked. Written against a two-method port so that the same code runs under Electron's
// utilityProcess (process.parentPort) and under Node's child_process.fork (tests, benchmarks).
import pino, { type Logger } from 'pino';
import { openCore, type Core, type CoreOptions } from '../../core/core';
import { DomainError } from '../../core/errors';
import type { Result } from '../../shared/result';
import { internalError } from '../ipc-guard';
import {
  BACKUP_GRACE_MS,
  CALLS_GRACE_MS,
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

interface CoreHost {
  /** The logger writing to the shell; for the entry's last words on a fatal error. */
  log(): Logger;
}

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

export function runCoreHost(
  port: HostPort,
  open: (options: CoreOptions) => Promise<Core> = openCore,
): CoreHost {
  const makeLog = (level: string): Logger =>
    pino({ level }, { write: (line: string) => port.post({ type: 'log', line }) });
  let log = makeLog('info');
  let core: Core | null = null;
  let opening: Promise<void> | null = null;
  let closing = false;
  const inFlight = new Set<Promise<unknown>>();

  const shellState = (c: Core): ShellState => ({
    machineSettings: c.machineSettings(),
    hasOpenTill: c.hasOpenTill(),
  });

  // Reading the shell state costs about 20 settings reads (~0.3 ms, more than a status call
  // itself): it is read again only when the database has changed since it was last sent, by
  // SQLite's own count of this connection's changes, or when a restore replaced the connection.
  let lastSent: { db: Core['sqlite']; changes: number } | null = null;
  let counter: { db: Core['sqlite']; read: () => number } | null = null;
  function shellStateIfChanged(c: Core): ShellState | null {
    const db = c.sqlite;
    if (counter?.db !== db) {
      const statement = db.prepare('SELECT total_changes()').pluck();
      counter = { db, read: () => statement.get() as number };
    }
    const changes = counter.read();
    if (lastSent && lastSent.db === db && lastSent.changes === changes) return null;
    const state = shellState(c);
    lastSent = { db, changes };
    return state;
  }

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
    const { logLevel, syncBackground, ...coreOptions } = options;
    log = makeLog(logLevel ?? 'info');
    try {
      core = await open({
        ...coreOptions,
        ...(syncBackground === false ? { sync: { background: false } } : {}),
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
        result: closing ? closingResult : internalError,
        shell: null,
      });
      return;
    }
    const call = c
      .send(message.name, message.args, message.session)
      .catch((e: unknown): Result<unknown> => {
        // send() turns every failure into a Result; reaching here is a bug in the core.
        log.error({ err: e, handler: message.name }, 'moteur : exception hors résultat');
        return internalError;
      })
      .then((result) => {
        let shell: ShellState | null = null;
        try {
          shell = shellStateIfChanged(c);
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
        onOpen(message.options);
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
