import { z } from 'zod';
import { handler } from './define';
import { commandIdSchema } from './payments';
import { cashCountSchema, movementSources, type ReportFile } from './till';
import { isoDateSchema } from '../dates';

// Deposits to the comptable. Cheques, CESU and chèques-vacances go on numbered deposit slips
// (bordereaux de remise): one draft per régie and kind, editable until validated; validation
// draws a gapless number (B-, C-, V-<RÉGIE>-<YYYY>-<NNNN>) and freezes the slip. A payment
// cancelled after its cheque was deposited appears on the slip as an adjustment. Cash goes to
// La Banque Postale in sealed bags (notes and coins separately) with a cash deposit slip
// (E-<RÉGIE>-<YYYY>-<NNNN>) that also records the versement taking the cash out of the till.
// Card payments are summarised per till session against the terminal's batch totals.

export const slipKinds = ['cheque', 'cesu', 'cheque_vacances'] as const;
export type SlipKind = (typeof slipKinds)[number];
export const slipKindLabels: Record<SlipKind, string> = {
  cheque: 'Bordereau de remise de chèques',
  cesu: 'Bordereau de remise de CESU',
  cheque_vacances: 'Bordereau de remise de chèques-vacances',
};
export const slipNumberPrefix: Record<SlipKind, string> = {
  cheque: 'B',
  cesu: 'C',
  cheque_vacances: 'V',
};
export const CASH_DEPOSIT_PREFIX = 'E';

const idSchema = z.number().int().positive();
const bagSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{4,30}$/, {
    error:
      'Numéro de sac invalide : 4 à 30 lettres, chiffres ou tirets, tel qu’imprimé sur le sac.',
  });

/** A cheque or title that could go on a slip. */
export interface DepositCandidate {
  paymentId: number;
  receiptNumber: string;
  recordedAt: string;
  familyName: string;
  /** Cheque: bank, number and drawer; titles: issuer and title numbers when recorded. */
  bank: string;
  number: string;
  drawer: string;
  amountCents: number;
  /** Titles only: how many titles the payment holds (null for a cheque). */
  titleCount: number | null;
  /** The till session it was collected in is closed (only those can be deposited). */
  sessionClosed: boolean;
}

export interface SlipLine extends DepositCandidate {
  line: number;
  /** Set when the payment was cancelled: before validation it drops out of the draft. */
  cancelled: { at: string; reason: string } | null;
}

export interface SlipView {
  slipId: number;
  regieId: number;
  regieCode: string;
  regieName: string;
  kind: SlipKind;
  status: 'draft' | 'validated';
  number: string | null;
  upToDate: string | null;
  createdAt: string;
  createdBy: string;
  validatedAt: string | null;
  validatedBy: string | null;
  /** Account credited (DFT account of the régie), as printed on the slip. */
  dftAccount: string | null;
  lines: SlipLine[];
  count: number;
  totalCents: number;
  /** Validated slips: payments cancelled after validation, to deduct. */
  adjustments: {
    paymentId: number;
    receiptNumber: string;
    amountCents: number;
    at: string;
    reason: string;
  }[];
  adjustedTotalCents: number;
  /** French notices (cheques dropped from a draft because they were cancelled...). */
  notices: string[];
}

export interface CashDepositView {
  depositId: number;
  number: string;
  regieId: number;
  regieCode: string;
  regieName: string;
  depositedAt: string;
  agent: string;
  notesCounts: Record<string, number>;
  coinsCounts: Record<string, number>;
  notesCents: number;
  coinsCents: number;
  totalCents: number;
  notesBag: string | null;
  coinsBag: string | null;
  dftAccount: string | null;
}

export interface CardSessionLine {
  sessionId: number;
  posteCode: string;
  openedAt: string;
  closedAt: string | null;
  paymentCount: number;
  cancellationCount: number;
  /** Card payments net of cancellations in the session, for the régie(s) asked. */
  netCents: number;
  /** The terminal's batch total entered at closing (all régies of the session). */
  batchCents: number | null;
  differenceCents: number | null;
}

export interface RemittanceSummary {
  from: string;
  to: string;
  regieId: number | null;
  /** The régie asked for, or null for every régie. */
  regieLabel: string | null;
  sessions: CardSessionLine[];
  paymentCount: number;
  netCents: number;
  /** Sums over the closed sessions of the batch totals and of their differences. */
  batchCents: number;
  differenceCents: number;
}

export const depositsContract = {
  'deposits.candidates': handler(
    z.object({
      regieId: idSchema,
      kind: z.enum(slipKinds),
      upToDate: isoDateSchema.optional(),
    }),
    'read',
  ).returns<DepositCandidate[]>(),
  'deposits.list': handler(
    z.object({
      regieId: idSchema.optional(),
      kind: z.enum(slipKinds).optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    'read',
  ).returns<SlipView[]>(),
  'deposits.get': handler(z.object({ slipId: idSchema }), 'read').returns<SlipView>(),
  /**
   * Creates the régie's draft for this kind, or replaces the selection of the existing one:
   * the payments listed, or, without a list, every undeposited one (up to a date if given).
   */
  'deposits.draft': handler(
    z.object({
      commandId: commandIdSchema,
      regieId: idSchema,
      kind: z.enum(slipKinds),
      paymentIds: z.array(idSchema).max(5000).optional(),
      upToDate: isoDateSchema.optional(),
    }),
    'till',
  ).returns<{ slip: SlipView; replayed: boolean }>(),
  'deposits.validate': handler(
    z.object({ commandId: commandIdSchema, slipId: idSchema }),
    'validate',
  ).returns<{ slip: SlipView; replayed: boolean }>(),
  'deposits.slipPdf': handler(z.object({ slipId: idSchema }), 'read').returns<ReportFile>(),
  'deposits.cashDeposit': handler(
    z.object({
      commandId: commandIdSchema,
      regieId: idSchema,
      counts: cashCountSchema,
      notesBag: bagSchema.optional(),
      coinsBag: bagSchema.optional(),
      /**
       * Where the cash is taken: the open till's drawer, or the safe holding the takings of
       * earlier closings (the usual case for a deposit made the next morning).
       */
      source: z
        .enum(movementSources, { error: 'Origine attendue : tiroir ou coffre.' })
        .default('tiroir'),
    }),
    'till',
  ).returns<{ deposit: CashDepositView; warnings: string[]; replayed: boolean }>(),
  'deposits.cashDeposits': handler(
    z.object({
      regieId: idSchema.optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    'read',
  ).returns<CashDepositView[]>(),
  'deposits.cashDepositPdf': handler(
    z.object({ depositId: idSchema }),
    'read',
  ).returns<ReportFile>(),
  'deposits.cardSummary': handler(
    z.object({ regieId: idSchema.optional(), from: isoDateSchema, to: isoDateSchema }),
    'read',
  ).returns<RemittanceSummary>(),
  'deposits.cardSummaryPdf': handler(
    z.object({ regieId: idSchema.optional(), from: isoDateSchema, to: isoDateSchema }),
    'read',
  ).returns<ReportFile>(),
} as const;
