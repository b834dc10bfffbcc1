// "Vérifier auprès de PayFiP" from a counter (PROTOCOL.md section 7.1). An agent sees an
// online payment still pending for a family in front of them and asks the portal to ask
// PayFiP now rather than wait for the poller. The check itself is the PayFiP service's
// check(), the same one the notification, the browser return and the poller run: it asks
// recupererDetailPaiementSecurise and records the answer under the attempt's row lock, so a
// re-check racing the poller or a late notification still records the payment once.
import { and, asc, eq } from 'drizzle-orm';
import { formatInstant } from '../../shared/dates';
import {
  finalOnlineStatuses,
  type OnlinePaymentStatus,
  type RecheckAnswer,
  type RecheckFinalDetails,
  type RecheckPendingReason,
} from '../../shared/sync/online-recheck';
import type { AuthenticatedCounter } from '../counters/authenticate';
import type { PortalDb } from '../db/open';
import { counterRegie, invoice, onlinePayment, payfipAttempt } from '../db/schema';
import { logEvent } from '../db/sql';
import { PortalError } from '../errors';
import type { PayfipService } from './attempts';
import { FAULT_CODES } from './faults';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const recheckText = {
  badRef: 'Référence de paiement en ligne invalide : un identifiant UUID est attendu.',
  unknown: (ref: string) =>
    `Le portail ne connaît pas le paiement en ligne ${ref} parmi ceux des régies de ce poste : synchronisez le poste, puis réessayez depuis la fiche de la famille.`,
  noAttempt:
    'Ce paiement en ligne a été enregistré avant la mise en service de PayFiP : il n’y a rien à vérifier.',
  final: (what: string) =>
    `Ce paiement en ligne est déjà terminé : ${what}. Il n’y a rien à vérifier.`,
} as const;

/** The final state in words, with its date and authorisation number when there are any. */
export function finalStateText(d: {
  status: OnlinePaymentStatus;
  resultrans: string | null;
  numauto: string | null;
  paidAt: string | null;
  finishedAt: string | null;
}): string {
  const when = d.paidAt ?? d.finishedAt;
  const on = when ? ` le ${formatInstant(when)}` : '';
  switch (d.status) {
    case 'paye':
      return `payé${d.resultrans === 'V' ? ' par prélèvement' : ' par carte'}${on}${d.numauto ? ` (autorisation n° ${d.numauto})` : ''}`;
    case 'refuse':
      return `refusé par ${d.resultrans === 'Z' ? 'la banque (prélèvement refusé)' : 'la banque (carte refusée)'}${on}`;
    case 'abandonne':
      return `abandonné par le payeur${on}`;
    case 'expire':
      return `expiré sans réponse de PayFiP${on}`;
    case 'erreur':
      return `PayFiP a refusé de le créer${on}`;
    case 'en_cours':
      return 'toujours en cours';
  }
}

/**
 * What went wrong on PayFiP's side, for the agent. The fault's own message is written for the
 * family starting a payment ("rien n’a été payé"), which a re-check cannot promise.
 */
export function faultText(code: string, technical: boolean): string {
  if (code === 'delai') return 'PayFiP n’a pas répondu à temps';
  if (code === 'reseau') return 'PayFiP est injoignable depuis le portail';
  if (code === 'reponse_invalide') return 'PayFiP a donné une réponse incompréhensible';
  const known = FAULT_CODES[code];
  if (known) return `PayFiP a répondu par l’erreur ${code} (« ${known.libelle} »)`;
  if (technical) return `PayFiP signale une difficulté technique (erreur ${code || 'sans code'})`;
  return `PayFiP a répondu par l’erreur ${code || 'sans code'}`;
}

const pendingText: Record<RecheckPendingReason, string> = {
  P5: 'PayFiP ne connaît pas encore le résultat : le payeur n’a pas fini de payer. Le paiement reste en cours ; réessayez dans quelques minutes.',
  P1_recent:
    'PayFiP ne connaît pas encore cette opération (la page de paiement n’a peut-être pas été ouverte). Le paiement reste en cours ; réessayez dans quelques minutes.',
  indisponible:
    'PayFiP n’a pas donné de résultat. Le paiement reste en cours ; réessayez dans quelques minutes.',
  sans_idop:
    'PayFiP n’a jamais attribué d’identifiant à ce paiement : il ne peut pas avoir été payé. Il sera clos automatiquement.',
};

export interface RecheckInput {
  db: PortalDb;
  service: PayfipService;
  counter: AuthenticatedCounter;
  ref: string;
  now: () => Date;
}

export async function recheckOnlinePayment(input: RecheckInput): Promise<RecheckAnswer> {
  const { db, service, counter } = input;
  const ref = input.ref.trim().toLowerCase();
  if (!UUID_RE.test(ref)) throw new PortalError(400, 'VALIDATION', recheckText.badRef);
  // The share, only when its régie is in the counter's scope: outside it, the answer is the
  // same as for an unknown reference, so a counter learns nothing of other régies.
  const [share] = await db
    .select({ attemptId: onlinePayment.attemptId })
    .from(onlinePayment)
    .innerJoin(invoice, eq(invoice.id, onlinePayment.invoiceId))
    .innerJoin(
      counterRegie,
      and(eq(counterRegie.regieId, invoice.regieId), eq(counterRegie.counterId, counter.id)),
    )
    .where(eq(onlinePayment.ref, ref));
  if (!share) throw new PortalError(404, 'PAIEMENT_EN_LIGNE_INCONNU', recheckText.unknown(ref));
  if (share.attemptId === null)
    throw new PortalError(409, 'PAIEMENT_EN_LIGNE_SANS_PAYFIP', recheckText.noAttempt);
  const attemptId = share.attemptId;

  const before = await readAttempt(db, attemptId);
  if (finalOnlineStatuses.includes(before.status)) {
    const details: RecheckFinalDetails = {
      status: before.status,
      resultrans: before.resultrans,
      numauto: before.numauto,
      paidAt: before.paidAt,
      finishedAt: before.finishedAt,
    };
    throw new PortalError(
      409,
      'PAIEMENT_EN_LIGNE_TERMINE',
      recheckText.final(finalStateText(details)),
      details,
    );
  }

  let pendingReason: RecheckPendingReason | null = null;
  let fault: { code: string; message: string } | null = null;
  let recorded = false;
  if (before.idop === null) {
    pendingReason = 'sans_idop';
  } else {
    const outcome = await service.check(before.idop, `guichet ${counter.posteCode}`);
    if (outcome.state === 'pending') {
      pendingReason = outcome.reason;
      fault = outcome.fault
        ? {
            code: outcome.fault.code,
            message: `${faultText(outcome.fault.code, outcome.fault.technical)} : le paiement reste en cours et rien n’a changé. Réessayez dans quelques minutes ; si cela se répète, signalez-le au régisseur.`,
          }
        : null;
    } else {
      recorded = outcome.recorded;
    }
  }

  const after = await readAttempt(db, attemptId);
  const shares = await db
    .select({
      ref: onlinePayment.ref,
      invoiceNumber: invoice.number,
      amountCents: onlinePayment.amountCents,
      status: onlinePayment.status,
    })
    .from(onlinePayment)
    .innerJoin(invoice, eq(invoice.id, onlinePayment.invoiceId))
    .where(eq(onlinePayment.attemptId, attemptId))
    .orderBy(asc(invoice.number));
  // A final status read after the check wins over a pending outcome: another check (the
  // poller, a notification) may have recorded PayFiP's answer in between.
  if (after.status !== 'en_cours') pendingReason = null;
  if (pendingReason === null) fault = null;
  const message =
    pendingReason === null
      ? `PayFiP a répondu : ${finalStateText(after)}.`
      : pendingReason === 'indisponible' && fault
        ? fault.message
        : pendingText[pendingReason];
  await logEvent(db, 'payfip_verification_guichet', `poste ${counter.posteCode}`, {
    ref,
    idop: after.idop,
    status: after.status,
    recorded,
    pendingReason,
    fault: fault?.code ?? null,
  });
  return {
    ref,
    idop: after.idop,
    status: after.status,
    recorded,
    pendingReason,
    fault,
    resultrans: after.resultrans,
    numauto: after.numauto,
    paidAt: after.paidAt,
    attemptAmountCents: after.amountCents,
    shares,
    message,
    serverTime: input.now().toISOString(),
  };
}

async function readAttempt(db: PortalDb, id: number) {
  const [a] = await db
    .select({
      idop: payfipAttempt.idop,
      status: payfipAttempt.status,
      resultrans: payfipAttempt.resultrans,
      numauto: payfipAttempt.numauto,
      paidAt: payfipAttempt.paidAt,
      finishedAt: payfipAttempt.finishedAt,
      amountCents: payfipAttempt.amountCents,
    })
    .from(payfipAttempt)
    .where(eq(payfipAttempt.id, id));
  if (!a) throw new Error(`tentative PayFiP ${id} introuvable`);
  return {
    ...a,
    resultrans: a.resultrans || null,
    numauto: a.numauto || null,
    paidAt: a.paidAt?.toISOString() ?? null,
    finishedAt: a.finishedAt?.toISOString() ?? null,
  };
}
