// A family's PayFiP payment, from the portal's side. start(): the chosen invoices (one régie)
// are checked payable, the attempt, its share per invoice and the invoices' locks ("paiement en
// cours") are written in one transaction, then PayFiP is asked for an idOp. check(): whatever
// triggered it (notification, browser return, poller, agent), PayFiP is asked for the result,
// and record() writes it at most once: the attempt row is locked (SELECT … FOR UPDATE, unique
// idOp) and only an attempt still pending can end; P and V settle the invoices through the same
// code as counter payments (an invoice paid at a counter meanwhile gets a trop-perçu conflict).
import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { formatEuro } from '../../shared/money';
import { formatInstant, parisDate } from '../../shared/dates';
import type { OpEffects } from '../../shared/sync/schemas';
import type { PortalDb } from '../db/open';
import {
  invoice,
  onlinePayment,
  onlinePaymentLock,
  onlinePaymentSuspension,
  payfipAttempt,
  regie,
} from '../db/schema';
import { logEvent, type PortalTx } from '../db/sql';
import { invoicePayable, type NotPayableReason } from '../family/payable';
import type { Mailer } from '../family-web/mailer';
import { lockInvoices, settleInvoice } from '../sync/settle';
import {
  createPayfipClient,
  PAYFIP_ENDPOINT,
  payfipInstant,
  type PayfipClient,
  type PaymentDetail,
} from './client';
import { PayfipFault, PayfipUnavailable } from './faults';
import { IDOP_WINDOW_MS } from './sandbox/sandbox';
import { PayfipInputError, validateCreatePayment, validateIdop } from './validate';

export type AttemptStatus = (typeof payfipAttempt.$inferSelect)['status'];

/** A refusal the family reads: nothing was written, or what was written was undone. */
export class PaymentRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentRefused';
  }
}

const notPayableText: Record<NotPayableReason, (n: string) => string> = {
  payee: (n) => `La facture n° ${n} est déjà réglée : elle a été retirée de votre paiement.`,
  annulee: (n) => `La facture n° ${n} a été annulée par le service : elle ne peut plus être payée.`,
  tresorerie: (n) =>
    `La facture n° ${n} a été transmise au Trésor public : réglez-la en suivant l’avis qu’il vous enverra.`,
  prelevement: (n) =>
    `La facture n° ${n} sera prélevée automatiquement : vous n’avez rien à payer en ligne.`,
  paiement_en_ligne_en_cours: (n) =>
    `Un paiement en ligne est déjà en cours pour la facture n° ${n} : attendez son résultat (jusqu’à 2 heures) avant de réessayer.`,
  paiement_en_ligne_non_propose: (n) =>
    `Le service ne propose pas le paiement en ligne pour la facture n° ${n} : réglez-la au guichet ou par chèque.`,
};

export const paymentText = {
  noInvoice: 'Cochez au moins une facture à payer en ligne.',
  tooMany: 'Vous pouvez payer jusqu’à 20 factures en une fois : cochez-en moins.',
  unknownInvoice:
    'Une des factures choisies est introuvable dans votre espace : rechargez la page.',
  twoRegies:
    'Les factures de deux services différents se paient séparément (chaque service a son propre compte PayFiP) : payez celles d’un service, puis celles de l’autre.',
  suspended: (reason: string) =>
    `Le service a suspendu temporairement le paiement en ligne (${reason}). Réglez au guichet ou réessayez plus tard.`,
  belowMinimum:
    'Un paiement en ligne est d’au moins 1,00 € : ajoutez une autre facture ou réglez au guichet.',
  notOffered:
    'Ce service ne propose pas encore le paiement en ligne : réglez au guichet ou par chèque.',
  unknownAttempt: 'Ce paiement en ligne est introuvable dans votre espace.',
} as const;

export interface PayfipServiceOptions {
  db: PortalDb;
  now: () => Date;
  log?: Logger | undefined;
  /** Web-service address for régies in test mode (T): the sandbox in the demo. */
  testEndpoint?: string | undefined;
  /** Address for activation (X) and production (W): the real service. */
  productionEndpoint?: string | undefined;
  /** The portal's public address for urlnotif and urlredirect (else the request's); a
   * function when it is known only once the server listens. */
  publicUrl?: string | (() => string) | undefined;
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
  mailer?: Mailer | undefined;
  /** Pending attempts are re-checked when older than this (default 5 minutes)… */
  pollMinAgeMs?: number;
  /** …and younger than this (default 3 hours); older ones are given up as expired. */
  pollMaxAgeMs?: number;
}

export interface StartInput {
  familyId: number;
  invoiceNumbers: string[];
  mel: string;
  /** The portal's address as the family reached it, when no public address is configured. */
  requestBaseUrl: string;
}

export interface AttemptView {
  idop: string | null;
  status: AttemptStatus;
  resultrans: string | null;
  amountCents: number;
  refdet: string;
  numauto: string | null;
  paidAt: string | null;
  createdAt: string;
  lockExpiresAt: string;
  regieName: string;
  regieCode: string;
  invoices: { number: string; label: string; amountCents: number }[];
  faultMessage: string | null;
}

export type CheckOutcome =
  | { state: 'final'; status: AttemptStatus; recorded: boolean; effects: OpEffects }
  | {
      state: 'pending';
      reason: 'P5' | 'indisponible' | 'P1_recent' | 'sans_idop';
      /** For 'indisponible': which fault PayFiP answered (or why it could not be reached). */
      fault?: { code: string; message: string; technical: boolean };
    };

export interface PollReport {
  checked: number;
  finished: number;
  expired: number;
  locksReleased: number;
}

export type PayfipService = ReturnType<typeof createPayfipService>;

const DAY_MS = 86_400_000;

export function createPayfipService(opts: PayfipServiceOptions) {
  const { db, now } = opts;
  const minAge = opts.pollMinAgeMs ?? 5 * 60_000;
  const maxAge = opts.pollMaxAgeMs ?? 3 * 3_600_000;
  let mailer = opts.mailer ?? null;
  const clients = new Map<string, PayfipClient>();
  const clientFor = (endpoint: string) => {
    let c = clients.get(endpoint);
    if (!c) {
      c = createPayfipClient({
        endpoint,
        ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      });
      clients.set(endpoint, c);
    }
    return c;
  };
  const endpointFor = (saisie: 'T' | 'X' | 'W') =>
    saisie === 'T'
      ? (opts.testEndpoint ?? opts.productionEndpoint ?? PAYFIP_ENDPOINT)
      : (opts.productionEndpoint ?? PAYFIP_ENDPOINT);

  /** Writes the attempt, its shares and locks; throws PaymentRefused with nothing written. */
  async function prepare(input: StartInput, at: Date) {
    const numbers = [...new Set(input.invoiceNumbers.map((n) => n.trim()).filter(Boolean))];
    if (numbers.length === 0) throw new PaymentRefused('AUCUNE_FACTURE', paymentText.noInvoice);
    if (numbers.length > 20) throw new PaymentRefused('TROP_DE_FACTURES', paymentText.tooMany);
    const configured = typeof opts.publicUrl === 'function' ? opts.publicUrl() : opts.publicUrl;
    const base = (configured ?? input.requestBaseUrl).replace(/\/+$/, '');
    return db.transaction(async (tx) => {
      // The invoices are locked first (id order), so a counter payment pushed meanwhile waits
      // for this transaction and then sees the lock ("paiement en ligne en cours").
      const locked = await lockInvoices(tx, numbers, at);
      const invs = numbers.map((n) => locked.get(n));
      if (invs.some((i) => !i || i.familyId !== input.familyId))
        throw new PaymentRefused('INTROUVABLE', paymentText.unknownInvoice);
      const list = invs.filter((i) => i !== undefined);
      const regieIds = new Set(list.map((i) => i.regieId));
      if (regieIds.size > 1) throw new PaymentRefused('DEUX_REGIES', paymentText.twoRegies);
      const regieId = list[0]!.regieId;
      const [r] = await tx
        .select({
          code: regie.code,
          name: regie.name,
          numcli: regie.numcli,
          saisie: regie.payfipSaisie,
          lockMinutes: regie.onlineLockMinutes,
        })
        .from(regie)
        .where(eq(regie.id, regieId));
      if (!r?.numcli) throw new PaymentRefused('NON_PROPOSE', paymentText.notOffered);
      const [suspension] = await tx
        .select({ reason: onlinePaymentSuspension.reason })
        .from(onlinePaymentSuspension)
        .where(
          and(
            or(
              isNull(onlinePaymentSuspension.regieId),
              eq(onlinePaymentSuspension.regieId, regieId),
            ),
            lte(onlinePaymentSuspension.startsAt, at),
            or(isNull(onlinePaymentSuspension.endsAt), gt(onlinePaymentSuspension.endsAt, at)),
          ),
        )
        .orderBy(desc(onlinePaymentSuspension.id))
        .limit(1);
      if (suspension)
        throw new PaymentRefused('SUSPENDU', paymentText.suspended(suspension.reason));
      // Locks whose time is up no longer block: mark them released, for the record and so the
      // unique "one live lock per invoice" index lets the new one in.
      await tx
        .update(onlinePaymentLock)
        .set({ releasedAt: at })
        .where(
          and(
            inArray(
              onlinePaymentLock.invoiceId,
              list.map((i) => i.id),
            ),
            isNull(onlinePaymentLock.releasedAt),
            lte(onlinePaymentLock.expiresAt, at),
          ),
        );
      const shares: {
        id: number;
        number: string;
        refdet: string;
        issueDate: string;
        cents: number;
      }[] = [];
      for (const inv of list) {
        const p = await invoicePayable(tx, inv.number, at);
        if (!p || p.notPayableReason || p.payableOnlineCents <= 0)
          throw new PaymentRefused(
            'NON_PAYABLE_EN_LIGNE',
            notPayableText[p?.notPayableReason ?? 'payee'](inv.number),
          );
        shares.push({
          id: inv.id,
          number: inv.number,
          refdet: p.refdet,
          issueDate: '',
          cents: p.payableOnlineCents,
        });
      }
      const total = shares.reduce((s, x) => s + x.cents, 0);
      if (total < 100) throw new PaymentRefused('MONTANT_MINIMUM', paymentText.belowMinimum);
      const labels = await tx
        .select({ number: invoice.number, label: invoice.label, issueDate: invoice.issueDate })
        .from(invoice)
        .where(inArray(invoice.number, numbers));
      const first = shares[0]!;
      const single = shares.length === 1;
      const exer = single
        ? (labels.find((l) => l.number === first.number)?.issueDate ?? parisDate(at)).slice(0, 4)
        : parisDate(at).slice(0, 4);
      // One invoice: its own refdet, which the bank statement and the régisseur know. Several:
      // a reference of the payment, the attempt keeping which invoices it covers.
      const refdet = single
        ? first.refdet
        : `LOT${r.code}${parisDate(at).replace(/-/g, '')}${String(randomInt(1_000_000)).padStart(6, '0')}`;
      const objet = single
        ? `Facture ${first.number} ${labels.find((l) => l.number === first.number)?.label ?? ''}`
        : `${shares.length} factures ${r.name}`;
      const saisie = r.saisie;
      const endpoint = endpointFor(saisie);
      let request;
      try {
        request = validateCreatePayment({
          numcli: r.numcli,
          exer,
          refdet,
          montantCents: total,
          mel: input.mel,
          objet,
          saisie,
          urlnotif: `${base}/payfip/notification`,
          urlredirect: `${base}/payfip/retour`,
        });
      } catch (e) {
        if (e instanceof PayfipInputError) throw new PaymentRefused('PAYFIP_INVALIDE', e.message);
        throw e;
      }
      const lockExpiresAt = new Date(at.getTime() + r.lockMinutes * 60_000);
      const [attempt] = await tx
        .insert(payfipAttempt)
        .values({
          familyId: input.familyId,
          regieId,
          numcli: request.numcli,
          exer: request.exer,
          refdet: request.refdet,
          amountCents: total,
          mel: request.mel,
          objet: request.objet,
          saisie,
          endpoint,
          createdAt: at,
          lockExpiresAt,
        })
        .returning({ id: payfipAttempt.id });
      if (!attempt) throw new Error('tentative PayFiP non créée');
      for (const s of shares) {
        const [op] = await tx
          .insert(onlinePayment)
          .values({ invoiceId: s.id, amountCents: s.cents, attemptId: attempt.id, startedAt: at })
          .returning({ id: onlinePayment.id });
        if (!op) throw new Error('part de paiement en ligne non créée');
        await tx.insert(onlinePaymentLock).values({
          invoiceId: s.id,
          onlinePaymentId: op.id,
          startedAt: at,
          expiresAt: lockExpiresAt,
        });
      }
      return { attemptId: attempt.id, request, endpoint };
    });
  }

  /** Ends an attempt that PayFiP refused to create: its locks go at once. */
  async function abandonCreation(attemptId: number, code: string, message: string, at: Date) {
    await db.transaction(async (tx) => {
      await tx
        .update(payfipAttempt)
        .set({ status: 'erreur', faultCode: code, faultMessage: message, finishedAt: at })
        .where(and(eq(payfipAttempt.id, attemptId), eq(payfipAttempt.status, 'en_cours')));
      await endShares(tx, attemptId, 'erreur', null, at);
    });
  }

  async function endShares(
    tx: PortalTx,
    attemptId: number,
    status: 'paye' | 'refuse' | 'abandonne' | 'expire' | 'erreur',
    numauto: string | null,
    at: Date,
  ) {
    const shares = await tx
      .update(onlinePayment)
      .set({ status, numauto, finishedAt: at })
      .where(eq(onlinePayment.attemptId, attemptId))
      .returning({
        id: onlinePayment.id,
        invoiceId: onlinePayment.invoiceId,
        amountCents: onlinePayment.amountCents,
      });
    if (shares.length > 0)
      await tx
        .update(onlinePaymentLock)
        .set({ releasedAt: at })
        .where(
          and(
            inArray(
              onlinePaymentLock.onlinePaymentId,
              shares.map((s) => s.id),
            ),
            isNull(onlinePaymentLock.releasedAt),
          ),
        );
    return shares;
  }

  async function start(input: StartInput): Promise<{ idop: string; redirectUrl: string }> {
    const at = now();
    const { attemptId, request, endpoint } = await prepare(input, at);
    const client = clientFor(endpoint);
    let idop: string;
    try {
      idop = await client.creerPaiementSecurise(request);
    } catch (e) {
      if (
        e instanceof PayfipFault ||
        e instanceof PayfipUnavailable ||
        e instanceof PayfipInputError
      ) {
        const code = e instanceof PayfipFault ? e.code || e.type : e.name;
        await abandonCreation(attemptId, code, e.message, now());
        opts.log?.warn({ attemptId, code, detail: e.message }, 'PayFiP : paiement non créé');
        throw new PaymentRefused('PAYFIP_REFUS', e.message);
      }
      throw e;
    }
    await db.transaction(async (tx) => {
      await tx.update(payfipAttempt).set({ idop }).where(eq(payfipAttempt.id, attemptId));
      await tx.update(onlinePayment).set({ idop }).where(eq(onlinePayment.attemptId, attemptId));
    });
    return { idop, redirectUrl: client.paymentPageUrl(idop) };
  }

  /**
   * PayFiP's final answer, written once. Returns recorded=false when the attempt had already
   * ended (a second notification, the browser return after it, the poller): nothing changes.
   */
  async function record(idop: string, detail: PaymentDetail, at: Date): Promise<CheckOutcome> {
    const r = detail.resultrans;
    const status: AttemptStatus | null =
      r === 'P' || r === 'V'
        ? 'paye'
        : r === 'R' || r === 'Z'
          ? 'refuse'
          : r === 'A'
            ? 'abandonne'
            : null;
    if (!status) {
      opts.log?.warn(
        { idop, resultrans: r },
        'PayFiP : résultat inconnu, tentative laissée en cours',
      );
      return { state: 'pending', reason: 'indisponible' };
    }
    const outcome = await db.transaction(async (tx) => {
      const [a] = await tx
        .select()
        .from(payfipAttempt)
        .where(eq(payfipAttempt.idop, idop))
        .for('update');
      if (!a) throw new PaymentRefused('INTROUVABLE', paymentText.unknownAttempt);
      const effects: OpEffects = { flags: [], conflicts: [] };
      // Money PayFiP took is recorded even on an attempt given up as expired; any other final
      // state is kept as it is.
      const open = a.status === 'en_cours' || (a.status === 'expire' && status === 'paye');
      if (!open) return { state: 'final' as const, status: a.status, recorded: false, effects };
      const paidAt = payfipInstant(detail.dattrans, detail.heurtrans) ?? at;
      await tx
        .update(payfipAttempt)
        .set({
          status,
          resultrans: r,
          numauto: detail.numauto,
          dattrans: detail.dattrans || null,
          heurtrans: detail.heurtrans || null,
          paidAt: status === 'paye' ? paidAt : null,
          detail: detail.raw,
          lastCheckedAt: at,
          checks: sql`${payfipAttempt.checks} + 1`,
          finishedAt: at,
        })
        .where(eq(payfipAttempt.id, a.id));
      const shares = await endShares(
        tx,
        a.id,
        status,
        status === 'paye' ? detail.numauto : null,
        at,
      );
      if (status === 'paye') {
        if (detail.montantCents !== a.amountCents || detail.refdet !== a.refdet)
          await logEvent(tx, 'payfip_anomalie', 'payfip', {
            idop,
            expected: { montant: a.amountCents, refdet: a.refdet },
            received: { montant: detail.montantCents, refdet: detail.refdet },
          });
        const numbers = await tx
          .select({ id: invoice.id, number: invoice.number })
          .from(invoice)
          .where(
            inArray(
              invoice.id,
              shares.map((s) => s.invoiceId),
            ),
          );
        const locked = await lockInvoices(
          tx,
          numbers.map((n) => n.number),
          at,
        );
        for (const s of shares) {
          const number = numbers.find((n) => n.id === s.invoiceId)?.number ?? '';
          const inv = locked.get(number);
          if (!inv) throw new Error(`facture du paiement en ligne introuvable (${number})`);
          await settleInvoice(
            tx,
            inv,
            s.amountCents,
            { kind: 'online_payment', id: s.id, takenAt: paidAt },
            at,
            effects,
          );
        }
      }
      await logEvent(tx, 'payfip_resultat', 'payfip', {
        idop,
        resultrans: r,
        montant: detail.montantCents,
        numauto: detail.numauto,
        conflicts: effects.conflicts.map((c) => c.ref),
      });
      return { state: 'final' as const, status, recorded: true, effects };
    });
    if (outcome.recorded && outcome.status === 'paye') await sendConfirmation(idop);
    return outcome;
  }

  /** Asks PayFiP for the result of an attempt and records it (at most once). */
  async function check(rawIdop: string, trigger: string): Promise<CheckOutcome> {
    const idop = validateIdop(rawIdop);
    const [a] = await db
      .select({
        id: payfipAttempt.id,
        status: payfipAttempt.status,
        endpoint: payfipAttempt.endpoint,
        createdAt: payfipAttempt.createdAt,
      })
      .from(payfipAttempt)
      .where(eq(payfipAttempt.idop, idop));
    if (!a) throw new PaymentRefused('INTROUVABLE', paymentText.unknownAttempt);
    if (a.status !== 'en_cours' && a.status !== 'expire')
      return {
        state: 'final',
        status: a.status,
        recorded: false,
        effects: { flags: [], conflicts: [] },
      };
    const at = now();
    let detail: PaymentDetail;
    try {
      detail = await clientFor(a.endpoint).recupererDetailPaiementSecurise(idop);
    } catch (e) {
      const note = async () =>
        db
          .update(payfipAttempt)
          .set({ lastCheckedAt: at, checks: sql`${payfipAttempt.checks} + 1` })
          .where(eq(payfipAttempt.id, a.id));
      if (e instanceof PayfipFault && e.code === 'P5') {
        await note();
        return { state: 'pending', reason: 'P5' };
      }
      if (e instanceof PayfipFault && e.code === 'P1') {
        // PayFiP does not know the idOp: never opened within its 15 minutes, or cleaned up.
        // Early on that would be odd (kept pending); later the attempt can no longer be paid.
        if (at.getTime() - a.createdAt.getTime() <= IDOP_WINDOW_MS) {
          await note();
          return { state: 'pending', reason: 'P1_recent' };
        }
        const status = await expire(a.id, at, 'P1');
        return {
          state: 'final',
          status,
          recorded: status === 'expire',
          effects: { flags: [], conflicts: [] },
        };
      }
      if (e instanceof PayfipFault || e instanceof PayfipUnavailable) {
        await note();
        opts.log?.warn({ idop, trigger, err: e.message }, 'PayFiP : résultat non obtenu');
        return {
          state: 'pending',
          reason: 'indisponible',
          fault:
            e instanceof PayfipFault
              ? { code: e.code || e.type, message: e.message, technical: e.kind === 'technique' }
              : { code: e.reason, message: e.message, technical: true },
        };
      }
      throw e;
    }
    return record(idop, detail, at);
  }

  async function expire(attemptId: number, at: Date, why: string): Promise<AttemptStatus> {
    return db.transaction(async (tx) => {
      const [a] = await tx
        .select({ status: payfipAttempt.status, idop: payfipAttempt.idop })
        .from(payfipAttempt)
        .where(eq(payfipAttempt.id, attemptId))
        .for('update');
      if (!a || a.status !== 'en_cours') return a?.status ?? 'expire';
      await tx
        .update(payfipAttempt)
        .set({ status: 'expire', finishedAt: at, lastCheckedAt: at, faultCode: why })
        .where(eq(payfipAttempt.id, attemptId));
      await endShares(tx, attemptId, 'expire', null, at);
      await logEvent(tx, 'payfip_expire', 'payfip', { idop: a.idop, why });
      return 'expire';
    });
  }

  /** One round of the poller: pending attempts aged 5 minutes to 3 hours, then the clean-up. */
  async function pollOnce(): Promise<PollReport> {
    const at = now();
    const report: PollReport = { checked: 0, finished: 0, expired: 0, locksReleased: 0 };
    const due = await db
      .select({
        id: payfipAttempt.id,
        idop: payfipAttempt.idop,
        createdAt: payfipAttempt.createdAt,
      })
      .from(payfipAttempt)
      .where(
        and(
          eq(payfipAttempt.status, 'en_cours'),
          lte(payfipAttempt.createdAt, new Date(at.getTime() - minAge)),
        ),
      )
      .orderBy(asc(payfipAttempt.id))
      .limit(500);
    for (const a of due) {
      if (!a.idop) {
        // PayFiP never gave an idOp (the portal stopped in between): nothing can be paid.
        if (at.getTime() - a.createdAt.getTime() > IDOP_WINDOW_MS) {
          await expire(a.id, at, 'sans_idop');
          report.expired++;
        }
        continue;
      }
      report.checked++;
      const out = await check(a.idop, 'poller').catch((err: unknown) => {
        opts.log?.error({ err, idop: a.idop }, 'PayFiP : vérification en échec');
        return null;
      });
      if (out?.state === 'final') {
        if (out.status === 'expire') report.expired++;
        else report.finished++;
      } else if (at.getTime() - a.createdAt.getTime() > maxAge) {
        // Past the polling horizon: the attempt is given up. Should PayFiP report it paid
        // later (a notification), record() still books the money.
        await expire(a.id, at, 'delai_depasse');
        report.expired++;
      }
    }
    const released = await db
      .update(onlinePaymentLock)
      .set({ releasedAt: at })
      .where(and(isNull(onlinePaymentLock.releasedAt), lte(onlinePaymentLock.expiresAt, at)))
      .returning({ id: onlinePaymentLock.id });
    report.locksReleased = released.length;
    return report;
  }

  async function view(familyId: number, idop: string): Promise<AttemptView | null> {
    const [a] = await db
      .select({
        id: payfipAttempt.id,
        idop: payfipAttempt.idop,
        status: payfipAttempt.status,
        resultrans: payfipAttempt.resultrans,
        amountCents: payfipAttempt.amountCents,
        refdet: payfipAttempt.refdet,
        numauto: payfipAttempt.numauto,
        paidAt: payfipAttempt.paidAt,
        createdAt: payfipAttempt.createdAt,
        lockExpiresAt: payfipAttempt.lockExpiresAt,
        faultMessage: payfipAttempt.faultMessage,
        regieName: regie.name,
        regieCode: regie.code,
      })
      .from(payfipAttempt)
      .innerJoin(regie, eq(regie.id, payfipAttempt.regieId))
      .where(and(eq(payfipAttempt.idop, idop), eq(payfipAttempt.familyId, familyId)));
    if (!a) return null;
    const invoices = await db
      .select({
        number: invoice.number,
        label: invoice.label,
        amountCents: onlinePayment.amountCents,
      })
      .from(onlinePayment)
      .innerJoin(invoice, eq(invoice.id, onlinePayment.invoiceId))
      .where(eq(onlinePayment.attemptId, a.id))
      .orderBy(asc(invoice.number));
    return {
      idop: a.idop,
      status: a.status,
      resultrans: a.resultrans,
      amountCents: a.amountCents,
      refdet: a.refdet,
      numauto: a.numauto,
      paidAt: a.paidAt?.toISOString() ?? null,
      createdAt: a.createdAt.toISOString(),
      lockExpiresAt: a.lockExpiresAt.toISOString(),
      regieName: a.regieName,
      regieCode: a.regieCode,
      invoices,
      faultMessage: a.faultMessage,
    };
  }

  /** The confirmation mail, sent once per paid attempt (claimed by a conditional update). */
  async function sendConfirmation(idop: string) {
    if (!mailer) return;
    const at = now();
    const [claimed] = await db
      .update(payfipAttempt)
      .set({ confirmationSentAt: at })
      .where(and(eq(payfipAttempt.idop, idop), isNull(payfipAttempt.confirmationSentAt)))
      .returning({ familyId: payfipAttempt.familyId, mel: payfipAttempt.mel });
    if (!claimed) return;
    const v = await view(claimed.familyId, idop);
    if (!v) return;
    try {
      await mailer.send({
        to: claimed.mel,
        subject: `Paiement en ligne accepté : ${formatEuro(v.amountCents)} (${v.regieName})`,
        text: confirmationText(v).join('\n'),
      });
    } catch (err) {
      opts.log?.error({ err, idop }, 'PayFiP : courriel de confirmation non envoyé');
      await db
        .update(payfipAttempt)
        .set({ confirmationSentAt: null })
        .where(eq(payfipAttempt.idop, idop));
    }
  }

  return {
    start,
    check,
    record,
    pollOnce,
    view,
    setMailer(m: Mailer) {
      mailer = m;
    },
    /** Attempts still pending for a family (for its pages). */
    async pendingFor(familyId: number) {
      return db
        .select({ idop: payfipAttempt.idop, createdAt: payfipAttempt.createdAt })
        .from(payfipAttempt)
        .where(
          and(
            eq(payfipAttempt.familyId, familyId),
            eq(payfipAttempt.status, 'en_cours'),
            isNotNull(payfipAttempt.idop),
            gt(payfipAttempt.createdAt, new Date(now().getTime() - DAY_MS)),
          ),
        )
        .orderBy(desc(payfipAttempt.id));
    },
    /** Test and diagnostics helper: unreleased locks older than their window. */
    async staleLocks() {
      return db
        .select({ id: onlinePaymentLock.id })
        .from(onlinePaymentLock)
        .where(and(isNull(onlinePaymentLock.releasedAt), lt(onlinePaymentLock.expiresAt, now())));
    },
  };
}

export function confirmationText(v: AttemptView): string[] {
  return [
    'Bonjour,',
    '',
    `Votre paiement en ligne à ${v.regieName} a été accepté par PayFiP.`,
    '',
    `Montant : ${formatEuro(v.amountCents)}`,
    `Référence : ${v.refdet}`,
    `Numéro d’autorisation : ${v.numauto ?? '—'}`,
    `Date : ${v.paidAt ? formatInstant(v.paidAt) : '—'}`,
    `Identifiant de l’opération : ${v.idop ?? '—'}`,
    '',
    'Factures réglées :',
    ...v.invoices.map((i) => `- n° ${i.number} (${i.label}) : ${formatEuro(i.amountCents)}`),
    '',
    'Gardez ce message : il vaut justificatif de votre paiement.',
    'Merci de ne pas répondre à ce message.',
  ];
}
