// The counter's "Vérifier auprès de PayFiP" (PROTOCOL.md section 7.1): the answer of
// POST /sync/v1/online-payments/<ref>/recheck. Shared so that the portal builds and the
// register reads the very same shape; the register parses it with this schema rather than
// trusting whatever came over the wire.
import { z } from 'zod';

export const onlinePaymentStatuses = [
  'en_cours',
  'paye',
  'refuse',
  'abandonne',
  'expire',
  'erreur',
] as const;
export type OnlinePaymentStatus = (typeof onlinePaymentStatuses)[number];

/** Why an attempt is still pending after the check. */
export const recheckPendingReasons = ['P5', 'P1_recent', 'indisponible', 'sans_idop'] as const;
export type RecheckPendingReason = (typeof recheckPendingReasons)[number];

/** The statuses after which nothing can change any more (expire can: PayFiP may still pay). */
export const finalOnlineStatuses: readonly OnlinePaymentStatus[] = [
  'paye',
  'refuse',
  'abandonne',
  'erreur',
];

const cents = z.number().int().min(0);
const instant = z.iso.datetime({ offset: false });

export const recheckShareSchema = z.object({
  ref: z.uuid(),
  invoiceNumber: z.string(),
  amountCents: cents,
  status: z.enum(onlinePaymentStatuses),
});

export const recheckAnswerSchema = z.object({
  ref: z.uuid(),
  idop: z.string().nullable(),
  /** The attempt's status once the check is done. */
  status: z.enum(onlinePaymentStatuses),
  /** True when this check wrote PayFiP's final answer (it was not known before). */
  recorded: z.boolean(),
  /** Set while the attempt stays en_cours: why no final answer was obtained. */
  pendingReason: z.enum(recheckPendingReasons).nullable(),
  /** A fault PayFiP answered (or why it could not be reached), when pendingReason is indisponible. */
  fault: z.object({ code: z.string(), message: z.string() }).nullable(),
  resultrans: z.string().nullable(),
  numauto: z.string().nullable(),
  paidAt: instant.nullable(),
  /** The total PayFiP was asked for, over every invoice of the attempt. */
  attemptAmountCents: cents,
  shares: z.array(recheckShareSchema),
  /** One French sentence for the agent. */
  message: z.string(),
  serverTime: instant,
});
export type RecheckAnswer = z.infer<typeof recheckAnswerSchema>;

/** details of a 409 PAIEMENT_EN_LIGNE_TERMINE: the final state the attempt already had. */
export const recheckFinalDetailsSchema = z.object({
  status: z.enum(onlinePaymentStatuses),
  resultrans: z.string().nullable(),
  numauto: z.string().nullable(),
  paidAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RecheckFinalDetails = z.infer<typeof recheckFinalDetailsSchema>;
