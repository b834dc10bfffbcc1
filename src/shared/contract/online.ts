// Online payments (PayFiP) seen from the family page at the counter: those still pending, with
// their age and a "Vérifier auprès de PayFiP" that asks the portal to check one now, and those
// paid, shown beside the counter's own payments with their authorisation number. Everything
// comes from what the portal published (the pulled mirror); the re-check is the only call
// that reaches the portal while the agent waits.
import { z } from 'zod';
import { handler } from './define';
import type { InvoiceState } from '../invoice-state';
import type { OnlinePaymentStatus, RecheckPendingReason } from '../sync/online-recheck';

export type { OnlinePaymentStatus, RecheckPendingReason } from '../sync/online-recheck';

/** How an online payment's mode is named at the counter, as the family sees it on the portal. */
export const ONLINE_MODE_LABEL = 'En ligne (PayFiP)';

export const onlineStatusLabels: Record<OnlinePaymentStatus, string> = {
  en_cours: 'En cours',
  paye: 'Payé',
  refuse: 'Refusé',
  abandonne: 'Abandonné',
  expire: 'Expiré',
  erreur: 'Erreur PayFiP',
};

/** One invoice's share of a PayFiP attempt, as the portal last published it. */
export interface OnlineAttemptView {
  ref: string;
  invoiceNumber: string;
  /** The register's invoice, when it knows it. */
  invoiceId: number | null;
  regieCode: string;
  /** This invoice's share. */
  amountCents: number;
  /** The whole PayFiP payment (several invoices of one régie may share it). */
  attemptAmountCents: number;
  status: OnlinePaymentStatus;
  resultrans: string | null;
  idop: string | null;
  numauto: string | null;
  refdet: string | null;
  startedAt: string;
  finishedAt: string | null;
  paidAt: string | null;
  /** While pending: when the invoice's "paiement en cours" lock ends, if one is live. */
  lockExpiresAt: string | null;
}

export interface FamilyOnlinePayments {
  /** Attempts still en cours, oldest first. */
  pending: OnlineAttemptView[];
  /** Paid shares, newest first. */
  paid: OnlineAttemptView[];
}

export interface OnlineRecheckResult {
  ref: string;
  status: OnlinePaymentStatus;
  /** True when this check learnt PayFiP's final answer (nobody had recorded it before). */
  recorded: boolean;
  pendingReason: RecheckPendingReason | null;
  idop: string | null;
  numauto: string | null;
  paidAt: string | null;
  /** What to tell the agent, French. */
  message: string;
  /** Whether the synchronisation that followed the check succeeded. */
  synced: boolean;
  /** The attempt's invoices as this register sees them after that synchronisation. */
  invoices: { number: string; state: InvoiceState | null; remainingCents: number | null }[];
}

const ref = z.uuid({
  error:
    'Référence de paiement en ligne invalide : choisissez le paiement dans la fiche de la famille.',
});

export const onlineContract = {
  /** A family's online payments, pending and paid, from the portal's published state. */
  'online.familyPayments': handler(
    z.object({ familyId: z.number().int().positive() }),
    'read',
  ).returns<FamilyOnlinePayments>(),
  /**
   * "Vérifier auprès de PayFiP": the portal checks the attempt now, then this poste
   * synchronises so that a payment found settles its invoices at once. Journaled.
   */
  'online.recheck': handler(
    z.object({ onlinePaymentRef: ref }),
    'collect',
  ).returns<OnlineRecheckResult>(),
} as const;
