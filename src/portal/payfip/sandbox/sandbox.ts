// The PayFiP sandbox's behaviour, in memory (it is a test double, but it answers like the real
// service as payfip.md describes it): creerPaiementSecurise validates its fields with PayFiP's
// fault codes and hands out an idOp; the payment page opens once (P3 after), within 15 minutes
// (P4 after); recupererDetailPaiementSecurise answers P5 until the payer chose, P1 for ids it
// never knew or has cleaned up, and for ids whose page was never opened in time (they can no
// longer be paid). Notifications go to urlnotif once, twice, late or never, per instance or per
// operation. The clock is injected, so tests move time instead of waiting.
import { randomInt, randomUUID } from 'node:crypto';
import { payfipDateParts } from '../client';
import { FAULT_CODES } from '../faults';
import {
  EXER_RE,
  MAX_AMOUNT_CENTS,
  MIN_AMOUNT_CENTS,
  NUMCLI_RE,
  OBJET_RE,
  REFDET_RE,
} from '../validate';

export const IDOP_WINDOW_MS = 15 * 60_000;

export type NotificationMode = 'once' | 'twice' | 'late' | 'never';
export interface NotificationPlan {
  mode: NotificationMode;
  /** For 'late': how long after the payer's choice. */
  delayMs?: number;
}

export type SandboxResult = 'P' | 'V' | 'R' | 'Z' | 'A';

export interface SandboxOperation {
  idOp: string;
  numcli: string;
  exer: string;
  refdet: string;
  montant: string;
  mel: string;
  objet: string;
  saisie: string;
  urlnotif: string;
  urlredirect: string;
  createdAt: Date;
  openedAt: Date | null;
  /** Token of the page that opened it: only that page's form may give the result. */
  pageToken: string | null;
  result: {
    resultrans: SandboxResult;
    numauto: string;
    dattrans: string;
    heurtrans: string;
  } | null;
  notification: NotificationPlan | null;
}

export interface Delivery {
  idOp: string;
  at: Date;
  url: string;
  status: number | null;
  error: string | null;
}

/** A SOAP fault to answer (code and the family of error). */
export class SandboxFault extends Error {
  constructor(
    readonly code: string,
    readonly type: 'FonctionnelleErreur' | 'TechIndisponibiliteErreur' = 'FonctionnelleErreur',
  ) {
    super(FAULT_CODES[code]?.libelle ?? code);
  }
}

export interface SandboxOptions {
  now?: () => Date;
  notification?: NotificationPlan;
  /** When given, only these numcli exist (T2 for others). */
  knownNumcli?: string[];
  fetch?: typeof fetch;
  /** Idempotent sends are tried this long before giving up (ms). */
  notifyTimeoutMs?: number;
}

export interface Sandbox {
  now: () => Date;
  create(fields: Record<string, string>): string;
  detail(idOp: string): [string, string][];
  detailClient(numcli: string): [string, string][];
  /** Opening the payment page: the operation, or the fault that forbids it. */
  open(idOp: string): SandboxOperation;
  /** The payer's choice on the page. */
  choose(idOp: string, pageToken: string, resultrans: SandboxResult): SandboxOperation;
  get(idOp: string): SandboxOperation | undefined;
  list(): SandboxOperation[];
  setNotification(plan: NotificationPlan, idOp?: string): void;
  /** Forgets operations created before `before` (PayFiP's nightly clean-up). */
  cleanup(before: Date): number;
  deliveries: Delivery[];
  /** Resolves when every scheduled notification was sent (or failed). */
  idle(): Promise<void>;
  close(): void;
}

export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  const now = opts.now ?? (() => new Date());
  const ops = new Map<string, SandboxOperation>();
  let defaultPlan: NotificationPlan = opts.notification ?? { mode: 'once' };
  const deliveries: Delivery[] = [];
  const pending = new Set<Promise<void>>();
  const timers = new Map<NodeJS.Timeout, () => void>();
  const doFetch = opts.fetch ?? fetch;

  const find = (idOp: string) => {
    const op = ops.get(idOp);
    if (!op) throw new SandboxFault('P1');
    return op;
  };
  const expiredUnopened = (op: SandboxOperation) =>
    op.openedAt === null && now().getTime() - op.createdAt.getTime() > IDOP_WINDOW_MS;

  const send = async (op: SandboxOperation) => {
    const at = now();
    try {
      const res = await doFetch(op.urlnotif, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ idop: op.idOp }).toString(),
        signal: AbortSignal.timeout(opts.notifyTimeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      deliveries.push({ idOp: op.idOp, at, url: op.urlnotif, status: res.status, error: null });
    } catch (e) {
      deliveries.push({
        idOp: op.idOp,
        at,
        url: op.urlnotif,
        status: null,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  };
  const track = (p: Promise<void>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const notify = (op: SandboxOperation) => {
    const plan = op.notification ?? defaultPlan;
    if (plan.mode === 'never') return;
    if (plan.mode === 'once') track(send(op));
    else if (plan.mode === 'twice') track(send(op).then(() => send(op)));
    else {
      track(
        new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            void send(op).finally(resolve);
          }, plan.delayMs ?? 5_000);
          timers.set(t, resolve);
        }),
      );
    }
  };

  const validate = (f: Record<string, string>) => {
    const v = (k: string) => f[k] ?? '';
    if (!v('numcli') || !NUMCLI_RE.test(v('numcli'))) throw new SandboxFault('T1');
    if (opts.knownNumcli && !opts.knownNumcli.includes(v('numcli'))) throw new SandboxFault('T2');
    if (!EXER_RE.test(v('exer'))) throw new SandboxFault('E1');
    if (!v('refdet')) throw new SandboxFault('R1');
    if (!REFDET_RE.test(v('refdet'))) throw new SandboxFault('R3');
    if (!v('montant')) throw new SandboxFault('M1');
    if (!/^\d{1,9}$/.test(v('montant')) || Number(v('montant')) < MIN_AMOUNT_CENTS)
      throw new SandboxFault('M3');
    if (Number(v('montant')) > MAX_AMOUNT_CENTS) throw new SandboxFault('M5');
    if (!v('mel')) throw new SandboxFault('A1');
    if (v('mel').length < 6 || v('mel').length > 80 || !/^[^\s@]+@[^\s@]+$/.test(v('mel')))
      throw new SandboxFault('A2');
    if (!OBJET_RE.test(v('objet'))) throw new SandboxFault('O1');
    if (!['T', 'X', 'W'].includes(v('saisie'))) throw new SandboxFault('S1');
    if (!/^https?:\/\/\S+$/.test(v('urlnotif'))) throw new SandboxFault('N1');
    if (!/^https?:\/\/\S+$/.test(v('urlredirect'))) throw new SandboxFault('D1');
  };

  return {
    now,
    deliveries,
    create(fields) {
      validate(fields);
      const idOp = randomUUID();
      const f = (k: string) => fields[k] ?? '';
      ops.set(idOp, {
        idOp,
        numcli: f('numcli'),
        exer: f('exer'),
        refdet: f('refdet'),
        montant: f('montant'),
        mel: f('mel'),
        objet: f('objet'),
        saisie: f('saisie'),
        urlnotif: f('urlnotif'),
        urlredirect: f('urlredirect'),
        createdAt: now(),
        openedAt: null,
        pageToken: null,
        result: null,
        notification: null,
      });
      return idOp;
    },
    detail(idOp) {
      const op = find(idOp);
      if (op.result === null) {
        if (expiredUnopened(op)) throw new SandboxFault('P1');
        throw new SandboxFault('P5');
      }
      return [
        ['dattrans', op.result.dattrans],
        ['exer', op.exer],
        ['heurtrans', op.result.heurtrans],
        ['idOp', op.idOp],
        ['mel', op.mel],
        ['montant', op.montant],
        ['numauto', op.result.numauto],
        ['numcli', op.numcli],
        ['objet', op.objet],
        ['refdet', op.refdet],
        ['resultrans', op.result.resultrans],
        ['saisie', op.saisie],
      ];
    },
    detailClient(numcli) {
      if (!NUMCLI_RE.test(numcli)) throw new SandboxFault('T1');
      if (opts.knownNumcli && !opts.knownNumcli.includes(numcli)) throw new SandboxFault('T2');
      return [
        ['libelleN1', 'COLLECTIVITE DE TEST'],
        ['libelleN2', `REGIE DE TEST ${numcli}`],
        ['numcli', numcli],
      ];
    },
    open(idOp) {
      const op = find(idOp);
      if (op.openedAt !== null) throw new SandboxFault('P3');
      if (expiredUnopened(op)) throw new SandboxFault('P4');
      op.openedAt = now();
      op.pageToken = randomUUID();
      return op;
    },
    choose(idOp, pageToken, resultrans) {
      const op = find(idOp);
      if (op.result !== null || op.pageToken === null || op.pageToken !== pageToken)
        throw new SandboxFault('P3');
      const paid = resultrans === 'P' || resultrans === 'V';
      const digits =
        String(randomInt(1_000_000)).padStart(6, '0') +
        String(randomInt(1_000_000)).padStart(6, '0');
      op.result = {
        resultrans,
        // Test-mode authorisation numbers look like 112233445566-tip (payfip.md).
        numauto: paid ? (op.saisie === 'T' ? `${digits}-tip` : digits.slice(0, 6)) : '',
        ...payfipDateParts(now()),
      };
      notify(op);
      return op;
    },
    get: (idOp) => ops.get(idOp),
    list: () => [...ops.values()],
    setNotification(plan, idOp) {
      if (idOp === undefined) defaultPlan = plan;
      else find(idOp).notification = plan;
    },
    cleanup(before) {
      let n = 0;
      for (const [k, op] of ops)
        if (op.createdAt.getTime() < before.getTime()) {
          ops.delete(k);
          n++;
        }
      return n;
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    close() {
      // A late notification still waiting is dropped, as when PayFiP never sends it.
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
    },
  };
}
