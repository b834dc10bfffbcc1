import { z } from 'zod';
import { handler } from './define';
import { commandIdSchema } from './payments';
import type { ReportFile } from './till';
import type { PaymentMode } from '../payment-modes';

// Period closures of a régie (NF525 model): daily, monthly and yearly, each with the totals of
// its period and the perpetual grand total, chained into the operations journal. A period is
// attributed by the Paris calendar date at which each entry was recorded. Closing a month
// closes its days that are still open; closing a year closes its months. Once a period is
// closed, no entry can be dated inside it (database triggers). The monthly closure produces the
// "état des recettes" for the comptable.

export const closureKinds = ['jour', 'mois', 'annee'] as const;
export type ClosureKind = (typeof closureKinds)[number];
export const closureKindLabels: Record<ClosureKind, string> = {
  jour: 'Clôture journalière',
  mois: 'Clôture mensuelle',
  annee: 'Clôture annuelle',
};

/** YYYY-MM-DD for a day, YYYY-MM for a month, YYYY for a year (Paris calendar). */
export const closurePeriodSchema = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, {
  error: 'Période attendue : AAAA-MM-JJ (jour), AAAA-MM (mois) ou AAAA (année).',
});

const idSchema = z.number().int().positive();

export interface ClosureModeTotal {
  mode: PaymentMode;
  label: string;
  paymentCount: number;
  collectedCents: number;
  cancellationCount: number;
  cancelledCents: number;
  /** collected - cancelled. */
  netCents: number;
}

export interface ClosureTotals {
  regieId: number;
  regieCode: string;
  regieName: string;
  kind: ClosureKind;
  period: string;
  /** UTC instants: start included, end excluded. */
  periodStart: string;
  periodEnd: string;
  /** One line per mode with activity in the period, in paymentModes order. */
  modes: ClosureModeTotal[];
  paymentCount: number;
  collectedCents: number;
  cancellationCount: number;
  cancelledCents: number;
  netCents: number;
  /** Credit (avoir) created by overpayments, used, and the net change of credits held. */
  creditCreatedCents: number;
  creditUsedCents: number;
  /** First and last receipt numbers of the period, per poste. */
  receiptRanges: { posteCode: string; first: string; last: string; count: number }[];
  /** Deposits validated or made in the period (slips and cash deposits). */
  deposits: { kind: string; number: string; at: string; count: number; totalCents: number }[];
  /** Perpetual grand totals of the régie at the end of the period. */
  perpetual: { collectedCents: number; cancelledCents: number; netCents: number };
  /** Closures of the finer kind that this one sums (days of a month, months of a year). */
  parts: { period: string; netCents: number; journalSeq: number }[];
}

export interface ClosureView {
  closureId: number;
  regieId: number;
  regieCode: string;
  kind: ClosureKind;
  period: string;
  closedAt: string;
  /** null for a closure made automatically by the register. */
  closedBy: string | null;
  journalSeq: number;
  /** First 8 hex digits of the closure entry's hash, as printed (e.g. 7F3A-91C2). */
  verificationCode: string;
  totals: ClosureTotals;
}

export interface ClosureStatus {
  regieId: number;
  regieCode: string;
  regieName: string;
  /** Latest closed period of each kind. */
  lastClosed: Record<ClosureKind, string | null>;
  /** Periods that are over and not yet closed, oldest first (months and years at least). */
  pending: { kind: ClosureKind; period: string; hasActivity: boolean }[];
}

export const closuresContract = {
  'closures.status': handler(z.object({}), 'read').returns<ClosureStatus[]>(),
  'closures.list': handler(
    z.object({
      regieId: idSchema.optional(),
      kind: z.enum(closureKinds).optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    'read',
  ).returns<ClosureView[]>(),
  'closures.close': handler(
    z.object({
      commandId: commandIdSchema,
      regieId: idSchema,
      kind: z.enum(closureKinds, { error: 'Type de clôture attendu : jour, mois ou annee.' }),
      period: closurePeriodSchema,
    }),
    'validate',
  ).returns<{ closure: ClosureView; alsoClosed: ClosureView[]; replayed: boolean }>(),
  /** The closure's PDF: for a month, the "état des recettes" for the comptable. */
  'closures.report': handler(z.object({ closureId: idSchema }), 'read').returns<ReportFile>(),
} as const;
