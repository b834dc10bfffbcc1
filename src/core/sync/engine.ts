// The sync engine: push then pull, every intervalMs while it works, with exponential backoff
// and full jitter after a failure (PROTOCOL.md section 8). The core is single-threaded: every
// database step here is a short synchronous statement or transaction, and the HTTP exchanges in
// between are async, so handlers run while a sync waits on the network. Runs never overlap:
// "Synchroniser maintenant" during a run waits for that run and starts another.
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { HandlerName } from '../../shared/contract';
import type { SyncStatus } from '../../shared/contract/sync';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { PortalClient, SyncError, type FetchLike } from './client';
import { pullChanges } from './pull';
import { pushOutbox } from './push';
import type { SecretStore } from './secret-store';

export interface SyncEngineOptions {
  sqlite: () => Database.Database;
  secrets: SecretStore;
  now: () => Date;
  log: Logger;
  /** Between two successful runs (default 15 s). */
  intervalMs?: number;
  /** Backoff: base and cap of the exponential wait (defaults 1 s and 5 min). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  pageSize?: number;
  timeoutMs?: number;
  fetch?: FetchLike;
  /** True while the core must not be touched (a restore swapping the database). */
  paused?: () => boolean;
  /** False once the core is closed: a run that was waiting on the network then stops quietly. */
  isOpen?: () => boolean;
  /** false: no timer at all, runs only on request (tests). */
  background?: boolean;
  random?: () => number;
}

export interface SyncEngine {
  /** Starts the timer if this poste is enrolled; does nothing otherwise. */
  start(): void;
  stop(): void;
  /** One push and pull now; rejects with the failure (also recorded in the status). */
  runNow(): Promise<void>;
  /**
   * A handler has just committed something the portal must know: push it within a moment
   * rather than at the next poll (unless a failure's backoff is running).
   */
  nudge(): void;
  status(): SyncStatus;
  /** agentId: who enrolled the poste, for the journal entry (never the secret). */
  enrol(portalUrl: string, code: string, agentId: number | null): Promise<SyncStatus>;
  /**
   * One signed exchange outside push and pull (the agent's re-check of an online payment).
   * Rejects with a SyncError when the poste is not enrolled or its secret is missing.
   */
  withClient<T>(fn: (client: PortalClient) => Promise<T>): Promise<T>;
}

interface StateRow {
  portal_url: string;
  counter_id: string;
  poste_code: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  failures: number;
  next_attempt_at: string | null;
}

/** A short delay gathers the operations of one burst (a payment and its receipt) in one push. */
const NUDGE_DELAY_MS = 250;

/** Handlers whose commits write to the outbox (through the migration's triggers). */
export const OUTBOX_WRITERS: ReadonlySet<string> = new Set<HandlerName>([
  'payments.record',
  'payments.cancel',
  'credits.apply',
  'credits.cancel',
  'closures.close',
  'online.resolveOverpayment',
]);

export function createSyncEngine(o: SyncEngineOptions): SyncEngine {
  const intervalMs = o.intervalMs ?? 15_000;
  const base = o.backoffBaseMs ?? 1_000;
  const cap = o.backoffCapMs ?? 300_000;
  const random = o.random ?? Math.random;
  let timer: NodeJS.Timeout | null = null;
  let timerDue = 0;
  let running: Promise<void> | null = null;
  let stopped = true;

  const state = () =>
    o.sqlite().prepare('SELECT * FROM sync_state WHERE id = 1').get() as StateRow | undefined;

  function client(row: StateRow): PortalClient {
    const creds = o.secrets.read();
    if (!creds || creds.counterId !== row.counter_id) {
      throw new SyncError(
        'SECRET_ABSENT',
        'Le secret de ce poste est introuvable : enrôlez à nouveau le poste avec un code du portail.',
        false,
      );
    }
    return new PortalClient({
      baseUrl: row.portal_url,
      creds,
      now: o.now,
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
  }

  async function runOnce(): Promise<void> {
    const row = state();
    if (!row) return;
    try {
      const c = client(row);
      const pushed = await pushOutbox(o.sqlite, c, { now: o.now });
      const pulled = await pullChanges(o.sqlite, c, { now: o.now, pageSize: o.pageSize });
      o.sqlite()
        .prepare(
          `UPDATE sync_state SET last_success_at = ?, last_error = NULL, failures = 0, next_attempt_at = NULL WHERE id = 1`,
        )
        .run(o.now().toISOString());
      o.log.debug({ event: 'sync.run', pushed, pulled }, 'synchronisation faite');
    } catch (e) {
      if (o.isOpen && !o.isOpen()) {
        throw new SyncError('FERME', 'Le registre est fermé.', false);
      }
      const err =
        e instanceof SyncError
          ? e
          : new SyncError(
              'INTERNE',
              `Erreur pendant la synchronisation : ${e instanceof Error ? e.message : String(e)}`,
              true,
            );
      const failures = row.failures + 1;
      const wait = err.retry ? backoff(failures) : null;
      const next = wait === null ? null : new Date(o.now().getTime() + wait).toISOString();
      o.sqlite()
        .prepare(
          `UPDATE sync_state SET last_failure_at = ?, last_error = ?, failures = ?, next_attempt_at = ? WHERE id = 1`,
        )
        .run(o.now().toISOString(), err.message, failures, next);
      o.log.warn({ event: 'sync.failure', code: err.code, failures }, err.message);
      throw err;
    }
  }

  /** Full jitter: random(0, min(cap, base × 2^attempt)). */
  function backoff(failures: number): number {
    return Math.floor(random() * Math.min(cap, base * 2 ** Math.min(failures, 30)));
  }

  function run(): Promise<void> {
    const previous = running ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => runOnce())
      .finally(() => {
        if (running === next) running = null;
      });
    running = next;
    return next;
  }

  /**
   * Sets the next run. A pending run is only ever moved earlier: a run that ends after a nudge
   * must not push the nudge's run back to the next poll.
   */
  function schedule(delayMs: number): void {
    if (stopped) return;
    const due = Date.now() + delayMs;
    if (timer) {
      if (due >= timerDue) return;
      clearTimeout(timer);
    }
    timerDue = due;
    timer = setTimeout(() => {
      timer = null;
      if (o.paused?.()) return schedule(1_000);
      run().then(
        () => schedule(intervalMs),
        (e: unknown) => {
          // A failure that retrying cannot cure stops the timer until a person acts.
          if ((e instanceof SyncError && !e.retry) || (o.isOpen && !o.isOpen())) return;
          const row = state();
          const at = row?.next_attempt_at ? Date.parse(row.next_attempt_at) : NaN;
          schedule(Number.isNaN(at) ? intervalMs : Math.max(0, at - o.now().getTime()));
        },
      );
    }, delayMs);
    timer.unref?.();
  }

  function status(): SyncStatus {
    const sqlite = o.sqlite();
    const row = state();
    const count = (q: string) => (sqlite.prepare(q).get() as { n: number }).n;
    const rejected = sqlite
      .prepare(
        `SELECT seq, kind, code, message, rejected_at AS rejectedAt FROM sync_rejected
          WHERE handled_at IS NULL ORDER BY seq LIMIT 50`,
      )
      .all() as SyncStatus['rejected'];
    const success = row?.last_success_at ?? null;
    const failure = row?.last_failure_at ?? null;
    return {
      configured: row !== undefined,
      online: success !== null && (failure === null || success >= failure),
      portalUrl: row?.portal_url ?? null,
      posteCode: row?.poste_code ?? null,
      lastSuccessAt: row?.last_success_at ?? null,
      lastFailureAt: row?.last_failure_at ?? null,
      lastError: row?.last_error ?? null,
      waitingOps: count('SELECT count(*) AS n FROM sync_outbox'),
      toHandle: count('SELECT count(*) AS n FROM sync_rejected WHERE handled_at IS NULL'),
      rejected,
      openConflicts: count(
        `SELECT count(*) AS n FROM sync_mirror WHERE entity = 'conflict' AND json_extract(data, '$.status') = 'a_traiter'`,
      ),
      nextAttemptAt: row?.next_attempt_at ?? null,
    };
  }

  async function enrol(
    portalUrl: string,
    code: string,
    agentId: number | null,
  ): Promise<SyncStatus> {
    const c = new PortalClient({
      baseUrl: portalUrl,
      now: o.now,
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.fetch ? { fetch: o.fetch } : {}),
    });
    let answer;
    try {
      answer = await c.enrol(code, hostname());
    } catch (e) {
      if (e instanceof SyncError) {
        // Unreachable is not refused: say which, and that nothing changed on this poste.
        const unreachable = e.code === 'RESEAU' || e.code === 'DELAI_DEPASSE';
        throw new DomainError(
          'REGLE_METIER',
          unreachable
            ? `Enrôlement impossible : le portail ${portalUrl} ne répond pas (réseau coupé ou adresse erronée). Vérifiez l’adresse et le réseau, puis recommencez avec le même code ; ce poste n’a pas été modifié.`
            : `Enrôlement refusé par le portail : ${e.message}`,
          e.code,
        );
      }
      throw e;
    }
    const sqlite = o.sqlite();
    const local = (
      sqlite.prepare("SELECT value FROM setting WHERE key = 'poste_code'").get() as
        { value: string } | undefined
    )?.value;
    if (local && local !== answer.posteCode) {
      throw new DomainError(
        'REGLE_METIER',
        `Ce code enrôle le poste ${answer.posteCode}, mais ce registre est le poste ${local}. Demandez au portail un code pour le poste ${local}.`,
        'POSTE_DIFFERENT',
      );
    }
    // The secret first: a database that says "enrolled" without its secret could not sign.
    o.secrets.write({ counterId: answer.counterId, secret: answer.secret });
    sqlite.transaction(() => {
      sqlite
        .prepare(
          `INSERT INTO sync_state (id, portal_url, counter_id, poste_code, cursor, enrolled_at)
           VALUES (1, ?, ?, ?, '', ?)
           ON CONFLICT (id) DO UPDATE SET portal_url = excluded.portal_url, counter_id = excluded.counter_id,
             poste_code = excluded.poste_code, enrolled_at = excluded.enrolled_at, failures = 0,
             last_error = NULL, next_attempt_at = NULL`,
        )
        .run(portalUrl, answer.counterId, answer.posteCode, o.now().toISOString());
      if (!local) {
        sqlite
          .prepare("INSERT INTO setting (key, value) VALUES ('poste_code', ?)")
          .run(answer.posteCode);
      }
      sqlite
        .prepare('INSERT OR IGNORE INTO poste (code, name) VALUES (?, ?)')
        .run(answer.posteCode, answer.name);
      appendJournal(sqlite, 'operations', {
        kind: 'configuration',
        instant: o.now().toISOString(),
        agentId,
        regieId: null,
        posteCode: answer.posteCode,
        payload: {
          scope: 'synchronisation',
          portalUrl,
          counterId: answer.counterId,
          regies: answer.regies.map((r) => r.code),
        },
      });
      // A register re-enrolled without its previous database continues after what the portal
      // has already processed: AUTOINCREMENT never goes below the sqlite_sequence value.
      const top = sqlite
        .prepare("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'")
        .get() as { seq: number } | undefined;
      if ((top?.seq ?? 0) < answer.lastSeq) {
        sqlite.prepare("DELETE FROM sqlite_sequence WHERE name = 'sync_outbox'").run();
        sqlite
          .prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('sync_outbox', ?)")
          .run(answer.lastSeq);
      }
    })();
    engine.start();
    return status();
  }

  const engine: SyncEngine = {
    start() {
      if (o.background === false || !stopped || !state()) return;
      stopped = false;
      schedule(0);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    nudge() {
      if (o.background === false || stopped) return;
      if ((state()?.failures ?? 0) > 0) return;
      schedule(NUDGE_DELAY_MS);
    },
    async runNow() {
      await run();
      // A manual success restarts a timer that a hard failure had stopped.
      if (!stopped) schedule(intervalMs);
    },
    status,
    enrol,
    async withClient(fn) {
      const row = state();
      if (!row) {
        throw new SyncError(
          'NON_CONFIGUREE',
          'Ce poste n’est relié à aucun portail : le régisseur doit d’abord l’enrôler avec un code du portail.',
          false,
        );
      }
      return fn(client(row));
    },
  };
  return engine;
}
