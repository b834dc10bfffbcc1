// "Vérifier auprès de PayFiP" at the counter. The register cannot speak to PayFiP (the portal
// holds the contract and records the answer, exactly once), so it asks the portal to run its
// check now (PROTOCOL.md 7.1), journals what the portal answered, then synchronises so that a
// payment just found settles its invoices on this screen at once. Every refusal (offline, an
// unknown reference, an attempt already ended, a PayFiP fault) changes nothing on this poste.
import type { OnlineRecheckResult } from '../../shared/contract';
import { invoiceState, type InvoiceStatus } from '../../shared/invoice-state';
import { recheckAnswerSchema, type RecheckAnswer } from '../../shared/sync/online-recheck';
import { requireSession, type HandlerContext } from '../context';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { SyncError } from '../sync/client';
import { mirroredAttempt } from './family-online';

export const recheckText = {
  noSync: 'La synchronisation n’est pas disponible sur ce poste : la vérification est impossible.',
  notEnrolled:
    'Ce poste n’est relié à aucun portail : la vérification auprès de PayFiP passe par le portail. Le régisseur doit d’abord enrôler le poste.',
  unreachable: (detail: string) =>
    `Le portail est injoignable : ${detail}, rien n’a changé. Réessayez quand le poste est de nouveau en ligne ; le portail interroge aussi PayFiP de lui-même toutes les minutes.`,
  refused: (message: string) =>
    `Le portail a refusé la vérification : ${message} Rien n’a changé sur ce poste.`,
  unreadable:
    'Le portail a donné une réponse illisible à la vérification : rien n’a changé. Réessayez ; si cela se répète, signalez-le au régisseur.',
  notSynced:
    ' La synchronisation qui suit n’a pas abouti : la facture sera mise à jour à la prochaine synchronisation.',
} as const;

/** Network-side failures: the portal was not reached or its answer was lost. */
function unreachableDetail(e: SyncError): string | null {
  switch (e.code) {
    case 'RESEAU':
      return 'réseau coupé ou adresse du portail erronée';
    case 'DELAI_DEPASSE':
      return 'il n’a pas répondu à temps';
    case 'REPONSE_INTERROMPUE':
      return 'sa réponse a été interrompue';
    case 'REPONSE_INVALIDE':
      return 'sa réponse était illisible';
    default:
      if (e.code.startsWith('HTTP_') || (e.status !== null && e.status >= 500))
        return `il a répondu par une erreur ${e.status ?? e.code}`;
      return null;
  }
}

function toDomainError(e: SyncError): DomainError {
  const detail = unreachableDetail(e);
  if (detail)
    return new DomainError('REGLE_METIER', recheckText.unreachable(detail), 'PORTAIL_INJOIGNABLE');
  if (e.code === 'PAIEMENT_EN_LIGNE_INCONNU') return new DomainError('INTROUVABLE', e.message);
  if (e.code === 'PAIEMENT_EN_LIGNE_TERMINE')
    return new DomainError('REGLE_METIER', e.message, 'PAIEMENT_EN_LIGNE_TERMINE');
  if (e.code === 'NON_CONFIGUREE')
    return new DomainError('REGLE_METIER', recheckText.notEnrolled, 'SYNC_NON_CONFIGUREE');
  return new DomainError('REGLE_METIER', recheckText.refused(e.message), e.code);
}

export async function recheckOnlinePayment(
  ctx: HandlerContext,
  ref: string,
): Promise<OnlineRecheckResult> {
  const session = requireSession(ctx);
  const engine = ctx.sync;
  if (!engine) throw new DomainError('REGLE_METIER', recheckText.noSync, 'SYNC_INDISPONIBLE');
  if (!engine.status().configured)
    throw new DomainError('REGLE_METIER', recheckText.notEnrolled, 'SYNC_NON_CONFIGUREE');

  let answer: RecheckAnswer;
  try {
    const raw = await engine.withClient((c) => c.recheckOnlinePayment(ref));
    const parsed = recheckAnswerSchema.safeParse(raw);
    if (!parsed.success)
      throw new DomainError('REGLE_METIER', recheckText.unreadable, 'REPONSE_INVALIDE');
    answer = parsed.data;
  } catch (e) {
    if (e instanceof SyncError) {
      // An attempt the portal has already ended while this poste still shows it pending: the
      // next synchronisation brings its state, so ask for it now.
      if (e.code === 'PAIEMENT_EN_LIGNE_TERMINE') engine.nudge();
      throw toDomainError(e);
    }
    throw e;
  }
  if (answer.fault) {
    // PayFiP's fault leaves the attempt pending on the portal: nothing happened to journal.
    throw new DomainError('REGLE_METIER', answer.message, 'PAYFIP_ERREUR', {
      fault: answer.fault.code,
    });
  }

  const sqlite = ctx.sqlite;
  const known = mirroredAttempt(sqlite, answer.ref);
  const numbers = answer.shares.map((s) => s.invoiceNumber);
  const regieRow = (
    numbers.length > 0
      ? sqlite
          .prepare(
            `SELECT regie_id FROM invoice WHERE number IN (${numbers.map(() => '?').join(', ')}) LIMIT 1`,
          )
          .get(...numbers)
      : undefined
  ) as { regie_id: number } | undefined;
  appendJournal(sqlite, 'operations', {
    kind: 'verification_paiement_en_ligne',
    instant: ctx.now().toISOString(),
    agentId: session.agentId,
    regieId: regieRow?.regie_id ?? null,
    posteCode: ctx.posteCode,
    payload: {
      onlinePaymentRef: answer.ref,
      familyCode: known?.familyCode ?? null,
      idop: answer.idop,
      status: answer.status,
      recorded: answer.recorded,
      pendingReason: answer.pendingReason,
      resultrans: answer.resultrans,
      numauto: answer.numauto,
      paidAt: answer.paidAt,
      amountCents: answer.attemptAmountCents,
      invoices: answer.shares.map((s) => ({
        invoiceNumber: s.invoiceNumber,
        amountCents: s.amountCents,
      })),
      message: answer.message,
    },
  });

  // The portal's answer is already in hand; the synchronisation only brings it to this poste's
  // tables, so its failure is told, not thrown.
  let synced = true;
  try {
    await engine.runNow();
  } catch (e) {
    if (!(e instanceof SyncError)) throw e;
    synced = false;
  }

  const lookup = sqlite.prepare(
    'SELECT amount_cents, paid_cents, status FROM invoice WHERE number = ?',
  );
  const invoices = numbers.map((number) => {
    const row = lookup.get(number) as
      { amount_cents: number; paid_cents: number; status: InvoiceStatus } | undefined;
    return {
      number,
      state: row ? invoiceState(row.status, row.amount_cents, row.paid_cents) : null,
      remainingCents: row ? Math.max(0, row.amount_cents - row.paid_cents) : null,
    };
  });
  return {
    ref: answer.ref,
    status: answer.status,
    recorded: answer.recorded,
    pendingReason: answer.pendingReason,
    idop: answer.idop,
    numauto: answer.numauto,
    paidAt: answer.paidAt,
    message: synced ? answer.message : answer.message + recheckText.notSynced,
    synced,
    invoices,
  };
}
