import { z } from 'zod';
import { handler } from './define';
import { centsSchema } from '../money';
import type { PaymentMode } from '../payment-modes';

// Payments at the counter, credit (avoir) uses, cancellations and receipts. Every command that
// changes state carries a client-generated commandId: replaying it returns the first result and
// records nothing new; reusing it for other content is refused (CONFLIT).

const idSchema = z.number().int().positive();

export const commandIdSchema = z.uuid({
  error: 'Identifiant de commande invalide : l’application doit fournir un UUID.',
});

/** Free text typed by the agent (bank, drawer, references): trimmed, short, may be empty in a draft. */
const fieldText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Texte trop long (${max} caractères au plus).` })
    .default('');

export const receiptLayouts = ['ticket', 'a5'] as const;
export type ReceiptLayout = (typeof receiptLayouts)[number];
const layoutSchema = z.enum(receiptLayouts, { error: 'Format de reçu attendu : ticket ou a5.' });

export const titleLineSchema = z.object({
  count: z
    .number()
    .int({ error: 'Le nombre de titres doit être entier.' })
    .min(1, { error: 'Au moins un titre par ligne.' })
    .max(500, { error: 'Nombre de titres trop élevé (500 au plus par ligne).' }),
  faceValueCents: centsSchema.refine((n) => n > 0, {
    error: 'La valeur faciale d’un titre doit être supérieure à zéro.',
  }),
});
export type TitleLine = z.output<typeof titleLineSchema>;

/**
 * How the payer pays. Fields may be empty in a draft (the preview reports what is missing);
 * recording refuses an incomplete method. 'payfip' is absent on purpose: online payments arrive
 * through synchronisation, never typed at the counter.
 */
export const paymentMethodSchema = z.discriminatedUnion(
  'mode',
  [
    z.object({
      mode: z.literal('especes'),
      /** What the payer hands over; the change due is tendered - amount. Defaults to the amount. */
      tenderedCents: centsSchema.optional(),
    }),
    z.object({
      mode: z.literal('cheque'),
      bank: fieldText(80),
      number: fieldText(20),
      /** Tireur: the account holder who signed the cheque. */
      drawer: fieldText(120),
      /** The payee written on the cheque ("à l’ordre de"). */
      payee: fieldText(120),
    }),
    z.object({
      mode: z.literal('carte'),
      /** Ticket reference or authorisation number printed by the régie's card terminal. */
      terminalReference: fieldText(40),
    }),
    z.object({ mode: z.literal('cesu'), titles: z.array(titleLineSchema).max(20).default([]) }),
    z.object({
      mode: z.literal('cheque_vacances'),
      titles: z.array(titleLineSchema).max(20).default([]),
    }),
    z.object({ mode: z.literal('virement'), reference: fieldText(60) }),
  ],
  {
    error:
      'Mode de paiement non accepté au guichet. Choisissez espèces, chèque, carte, CESU, chèques-vacances ou virement ; les paiements en ligne arrivent par la synchronisation.',
  },
);
export type PaymentMethod = z.output<typeof paymentMethodSchema>;
export type CounterPaymentMode = PaymentMethod['mode'];

export const allocationRequestSchema = z.object({
  invoiceId: idSchema,
  amountCents: centsSchema,
});

/** What the agent has typed so far; shared by the preview and the recording. */
export const paymentDraftSchema = z.object({
  familyId: idSchema,
  regieId: idSchema,
  amountCents: centsSchema,
  method: paymentMethodSchema,
  /**
   * Explicit allocation edited by the agent. Absent: the oldest invoices due are settled first
   * and any excess goes to credit when the régie allows it.
   */
  allocations: z.array(allocationRequestSchema).max(200).optional(),
  /** With explicit allocations only: the part put on credit. allocations + credit = amount. */
  toCreditCents: centsSchema.optional(),
});
export type PaymentDraft = z.output<typeof paymentDraftSchema>;

export const paymentRecordSchema = paymentDraftSchema.extend({
  commandId: commandIdSchema,
  /** When given, the original receipt is rendered at once and returned with the result. */
  printLayout: layoutSchema.optional(),
});

export interface RuleViolation {
  code: 'VALIDATION' | 'REGLE_METIER';
  /** Stable reason, e.g. PLAFOND_ESPECES, FACTURE_TRESORERIE. */
  reason: string;
  /** French, says what is wrong and what to do. */
  message: string;
  invoiceId?: number;
}

export interface AllocationPreviewLine {
  invoiceId: number;
  invoiceNumber: string;
  label: string;
  dueDate: string;
  remainingBeforeCents: number;
  amountCents: number;
  remainingAfterCents: number;
}

export interface PaymentPreview {
  allocations: AllocationPreviewLine[];
  allocatedCents: number;
  creditCreatedCents: number;
  changeCents: number | null;
  /** Still due on the family's payable invoices of this régie before the payment. */
  owedCents: number;
  creditBalanceCents: number;
  violations: RuleViolation[];
}

export interface ReceiptAllocationView {
  invoiceNumber: string;
  invoiceLabel: string;
  allocatedCents: number;
  /** What remains due on that invoice after this payment (or after the cancellation). */
  remainingCents: number;
}

/**
 * Everything a receipt (quittance) prints: the core renders it to PDF and the UI shows it.
 * Parts of it are already worded for print so that both say exactly the same thing.
 */
export interface ReceiptView {
  kind: 'paiement' | 'annulation';
  /** e.g. R-SCO-P01-2026-000123; a cancellation keeps the original number. */
  receiptNumber: string;
  duplicata: boolean;
  commune: { name: string; addressLine: string; postalCode: string; city: string };
  regie: { code: string; name: string; serviceAddress: string; servicePhone: string | null };
  posteCode: string;
  agentName: string;
  /** UTC ISO instant; printed in Europe/Paris time. */
  issuedAt: string;
  payer: { familyCode: string; name: string; addressLines: string[] };
  mode: PaymentMode;
  /** Mode details worded for print, e.g. ["Banque : Crédit Agricole", "Chèque n° 1234567"]. */
  modeDetails: string[];
  amountCents: number;
  /** Cash only: what the payer handed over and the change given back. */
  tenderedCents: number | null;
  changeCents: number | null;
  allocations: ReceiptAllocationView[];
  creditCreatedCents: number;
  creditUsedCents: number;
  /** The family's balance for this régie after the operation: still due, and credit held. */
  balanceDueCents: number;
  balanceCreditCents: number;
  /** Cancellation only. */
  cancellation: { reason: string; cancelledBy: string; cancelledAt: string } | null;
  /** Short code derived from the journal entry's hash, e.g. "7F3A-91C2". */
  verificationCode: string;
}

export interface ReceiptFile {
  fileName: string;
  pdfBase64: string;
}

export interface PaymentRecorded {
  paymentId: number;
  receiptNumber: string;
  amountCents: number;
  changeCents: number | null;
  creditCreatedCents: number;
  /** True when this commandId had already been executed: nothing new was recorded. */
  replayed: boolean;
  /** Null only when the payment is recorded but its receipt could not be prepared (see warning). */
  receipt: ReceiptView | null;
  /**
   * The original receipt, when printLayout was given, the first time only: a replay returns
   * null (another copy is a DUPLICATA, through payments.receipt).
   */
  print: ReceiptFile | null;
  /** French: the operation is recorded but its receipt or print failed; what to do. */
  warning: string | null;
}

export interface PaymentCancelled {
  cancellationId: number;
  paymentId: number;
  receiptNumber: string;
  replayed: boolean;
  /** As for PaymentRecorded: null only with a warning. */
  receipt: ReceiptView | null;
  /** The original cancellation receipt, first time only (null on a replay). */
  print: ReceiptFile | null;
  warning: string | null;
}

export interface CreditApplied {
  creditUseId: number;
  creditUsedCents: number;
  allocations: AllocationPreviewLine[];
  creditBalanceCents: number;
  replayed: boolean;
}

export interface CreditUseCancelled {
  cancellationId: number;
  creditUseId: number;
  creditBalanceCents: number;
  replayed: boolean;
}

export interface PaymentSummary {
  paymentId: number;
  receiptNumber: string;
  recordedAt: string;
  regieId: number;
  regieCode: string;
  familyId: number;
  familyCode: string;
  mode: PaymentMode;
  amountCents: number;
  creditCreatedCents: number;
  agentName: string;
  posteCode: string;
  cancelled: { at: string; reason: string; by: string } | null;
}

const reasonSchema = z
  .string()
  .trim()
  .min(5, { error: 'Indiquez le motif de l’annulation (5 caractères au moins).' })
  .max(300, { error: 'Motif trop long (300 caractères au plus).' });

export const paymentsContract = {
  /** Live preview while the agent types: default allocation, change, credit, rule violations. */
  'payments.preview': handler(paymentDraftSchema, 'collect').returns<PaymentPreview>(),
  'payments.record': handler(paymentRecordSchema, 'collect').returns<PaymentRecorded>(),
  /** Reprints a receipt: always a DUPLICATA, always journaled. */
  'payments.receipt': handler(
    z.object({
      commandId: commandIdSchema,
      paymentId: idSchema,
      layout: layoutSchema,
      /** 'annulation' reprints the cancellation receipt of a cancelled payment. */
      kind: z.enum(['paiement', 'annulation']).default('paiement'),
    }),
    'collect',
  ).returns<ReceiptFile>(),
  'payments.cancel': handler(
    z.object({
      commandId: commandIdSchema,
      paymentId: idSchema,
      reason: reasonSchema,
      printLayout: layoutSchema.optional(),
    }),
    'cancel',
  ).returns<PaymentCancelled>(),
  'payments.list': handler(
    z.object({
      familyId: idSchema.optional(),
      regieId: idSchema.optional(),
      limit: z.number().int().min(1).max(200).default(50),
      beforeId: idSchema.optional(),
    }),
    'read',
  ).returns<PaymentSummary[]>(),
  /** Settles invoices from the family's existing credit with the same régie. */
  'credits.apply': handler(
    z.object({
      commandId: commandIdSchema,
      familyId: idSchema,
      regieId: idSchema,
      /** Absent: as much of the credit as the oldest invoices due can take. */
      amountCents: centsSchema.optional(),
      allocations: z.array(allocationRequestSchema).max(200).optional(),
    }),
    'collect',
  ).returns<CreditApplied>(),
  'credits.cancel': handler(
    z.object({ commandId: commandIdSchema, creditUseId: idSchema, reason: reasonSchema }),
    'cancel',
  ).returns<CreditUseCancelled>(),
};
