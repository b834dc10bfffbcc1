import { z } from 'zod';
import { handler } from './define';
import { isoDateSchema } from '../dates';

// Bank statements of the régie's accounts (CFONB 120 or camt.053), their reconciliation with
// what the register expects on the account (online payments, deposit slips, cash deposits), and
// the online payments seen from the counter, by day, with their anomalies.

export const bankTargetKinds = ['paiement_en_ligne', 'bordereau', 'depot_especes'] as const;
export type BankTargetKind = (typeof bankTargetKinds)[number];

export const bankTargetKindLabels: Record<BankTargetKind, string> = {
  paiement_en_ligne: 'Paiement en ligne (PayFiP)',
  bordereau: 'Bordereau de remise',
  depot_especes: 'Dépôt d’espèces',
};

export const statementFormatLabels = {
  cfonb120: 'CFONB 120',
  camt053: 'camt.053',
} as const;
export type StatementFormatName = keyof typeof statementFormatLabels;

/** Something the register expects to see credited on the account. */
export interface BankTargetView {
  kind: BankTargetKind;
  /** Online payment ref, deposit slip id or cash deposit id. */
  key: string;
  /** "PayFiP REF000123 (autorisation 112233)", "Bordereau B-SCO-2026-0001"... */
  label: string;
  /** The day the money left the register's hands (payment, validation, deposit), Paris. */
  date: string;
  amountCents: number;
  regieCode: string | null;
}

/** One way a statement line could be explained: one or several targets for its amount. */
export interface BankCandidateView {
  description: string;
  amountCents: number;
  targets: BankTargetView[];
}

export interface BankMatchView {
  groupKey: string;
  origin: 'auto' | 'manuel';
  matchedAt: string;
  agentName: string | null;
  targets: BankTargetView[];
}

export const bankLineStates = ['rapprochee', 'non_rapprochee', 'debit'] as const;
export type BankLineState = (typeof bankLineStates)[number];

export const bankLineStateLabels: Record<BankLineState, string> = {
  rapprochee: 'Rapprochée',
  non_rapprochee: 'Non rapprochée',
  debit: 'Débit (non rapproché)',
};

export interface BankLineView {
  lineId: number;
  statementId: number;
  account: string;
  sourceLine: number;
  bookingDate: string;
  valueDate: string | null;
  amountCents: number;
  label: string;
  reference: string | null;
  complements: { qualifier: string; text: string }[];
  state: BankLineState;
  match: BankMatchView | null;
  /** For a line not matched: what it could be (empty when nothing fits). */
  candidates: BankCandidateView[];
}

export interface BankStatementSummary {
  statementId: number;
  importId: number;
  fileName: string;
  format: StatementFormatName;
  account: string;
  regieCode: string | null;
  openingDate: string;
  openingCents: number;
  closingDate: string;
  closingCents: number;
  lineCount: number;
  matchedCount: number;
  unmatchedCount: number;
  importedAt: string;
}

export interface BankStatementDetail extends BankStatementSummary {
  lines: BankLineView[];
}

export interface BankImportResult {
  replayed: boolean;
  importId: number;
  fileName: string;
  format: StatementFormatName;
  statements: BankStatementSummary[];
  lineCount: number;
  /** Lines matched automatically by this import (over every statement imported so far). */
  matchedCount: number;
  unmatchedCount: number;
}

export interface MissingCreditView {
  target: BankTargetView;
  /** The last day the credit was expected by (date + N working days). */
  expectedBy: string;
  workingDaysLate: number;
}

export interface BankMissingResult {
  asOf: string;
  workingDays: number;
  /** Only items from this day on are expected: before it, no statement was imported. */
  coveredFrom: string | null;
  items: MissingCreditView[];
}

export const onlineAnomalies = ['facture_inconnue', 'montant_different', 'trop_percu'] as const;
export type OnlineAnomaly = (typeof onlineAnomalies)[number];

export const onlineAnomalyLabels: Record<OnlineAnomaly, string> = {
  facture_inconnue: 'Facture inconnue du guichet',
  montant_different: 'Montant différent du reste à payer',
  trop_percu: 'Facture déjà réglée : trop-perçu',
};

export const overpaymentResolutions = ['avoir', 'remboursement'] as const;
export type OverpaymentResolution = (typeof overpaymentResolutions)[number];

export const overpaymentResolutionLabels: Record<OverpaymentResolution, string> = {
  avoir: 'Avoir sur le compte de la famille',
  remboursement: 'Demande de remboursement',
};

export interface OnlinePaymentView {
  ref: string;
  /** Paris day of the payment (PayFiP's transaction time, else when it ended or started). */
  day: string;
  paidAt: string | null;
  status: string;
  resultrans: string | null;
  refdet: string | null;
  invoiceNumber: string;
  invoiceId: number | null;
  familyId: number | null;
  familyCode: string;
  regieCode: string;
  amountCents: number;
  idop: string | null;
  numauto: string | null;
  invoiceAmountCents: number | null;
  /** What the invoice still owed before this payment, counting every other payment. */
  remainingBeforeCents: number | null;
  overpaymentCents: number;
  anomalies: OnlineAnomaly[];
  resolution: {
    resolution: OverpaymentResolution;
    amountCents: number;
    reason: string;
    resolvedAt: string;
    agentName: string;
  } | null;
  /** Confirmed by a bank statement line. */
  bankMatched: boolean;
}

export interface OnlineDayView {
  day: string;
  count: number;
  totalCents: number;
  anomalyCount: number;
  payments: OnlinePaymentView[];
}

export interface OnlineReconciliation {
  from: string;
  to: string;
  days: OnlineDayView[];
  anomalyCount: number;
}

const uuid = z.uuid({ error: 'Identifiant d’opération invalide (UUID attendu).' });

/** 20 MB of file: a year of a busy account's CFONB lines fits many times over. */
export const MAX_STATEMENT_BASE64 = 28_000_000;

const targetSchema = z.object({
  kind: z.enum(bankTargetKinds),
  key: z.string().min(1).max(64),
});

export const bankContract = {
  /** Imports a statement file (refused whole if anything is wrong) and matches its lines. */
  'bank.import': handler(
    z.object({
      commandId: uuid,
      fileName: z
        .string()
        .trim()
        .min(1, { error: 'Nom de fichier manquant.' })
        .max(200, { error: 'Nom de fichier trop long (200 caractères au plus).' }),
      contentBase64: z
        .string()
        .min(1, { error: 'Le fichier est vide.' })
        .max(MAX_STATEMENT_BASE64, { error: 'Fichier trop volumineux (20 Mo au plus).' }),
    }),
    'validate',
  ).returns<BankImportResult>(),
  'bank.statements': handler(z.object({}), 'read').returns<BankStatementSummary[]>(),
  'bank.statement': handler(
    z.object({
      statementId: z.number().int().positive(),
      onlyUnmatched: z.boolean().default(false),
    }),
    'read',
  ).returns<BankStatementDetail>(),
  /** Every credit line not matched yet, over all statements, with its candidates. */
  'bank.unmatched': handler(z.object({}), 'read').returns<BankLineView[]>(),
  'bank.match': handler(
    z.object({
      commandId: uuid,
      lineId: z.number().int().positive(),
      targets: z
        .array(targetSchema)
        .min(1, { error: 'Choisissez au moins une pièce à rapprocher.' })
        .max(500),
    }),
    'validate',
  ).returns<{ replayed: boolean; line: BankLineView }>(),
  'bank.unmatch': handler(
    z.object({
      commandId: uuid,
      lineId: z.number().int().positive(),
      reason: z
        .string()
        .trim()
        .min(5, { error: 'Indiquez le motif de l’annulation (5 caractères au moins).' })
        .max(500),
    }),
    'validate',
  ).returns<{ replayed: boolean; line: BankLineView }>(),
  /** Expected credits not seen on any statement N working days after their date. */
  'bank.missing': handler(
    z.object({
      asOf: isoDateSchema.optional(),
      workingDays: z.number().int().min(1).max(60).optional(),
    }),
    'read',
  ).returns<BankMissingResult>(),
  'online.reconciliation': handler(
    z
      .object({
        from: isoDateSchema,
        to: isoDateSchema,
        regieId: z.number().int().positive().optional(),
      })
      .refine((a) => a.from <= a.to, { error: 'La date de début doit précéder la date de fin.' }),
    'read',
  ).returns<OnlineReconciliation>(),
  'online.resolveOverpayment': handler(
    z.object({
      commandId: uuid,
      onlinePaymentRef: z.uuid({ error: 'Référence de paiement en ligne invalide.' }),
      resolution: z.enum(overpaymentResolutions),
      reason: z
        .string()
        .trim()
        .min(5, { error: 'Indiquez le motif (5 caractères au moins).' })
        .max(500),
    }),
    'validate',
  ).returns<{ replayed: boolean; payment: OnlinePaymentView }>(),
};
