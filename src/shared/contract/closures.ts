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

const monthNames = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/** "16/03/2026", "mars 2026" or "2026": a period as written in titles, lists and tables. */
export function closurePeriodLabel(kind: ClosureKind, period: string): string {
  const [y, m, d] = period.split('-');
  if (kind === 'jour') return `${d}/${m}/${y}`;
  if (kind === 'mois') return `${monthNames[Number(m) - 1] ?? m} ${y}`;
  return period;
}

/** "la journée du 16/03/2026", "le mois de mars 2026", "l’année 2026". */
export function closurePeriodPhrase(kind: ClosureKind, period: string): string {
  const label = closurePeriodLabel(kind, period);
  if (kind === 'jour') return `la journée du ${label}`;
  if (kind === 'mois') return `le mois de ${label}`;
  return `l’année ${label}`;
}

/** "de la journée du 16/03/2026", "du mois de mars 2026", "de l’année 2026". */
export function closurePeriodPhraseOf(kind: ClosureKind, period: string): string {
  const label = closurePeriodLabel(kind, period);
  if (kind === 'jour') return `de la journée du ${label}`;
  if (kind === 'mois') return `du mois de ${label}`;
  return `de l’année ${label}`;
}

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

/** A deposit to the comptable made in the period: a validated slip or a cash deposit. */
export interface ClosureDeposit {
  /** 'cheque', 'cesu', 'cheque_vacances' for slips; 'especes' for a cash deposit. */
  kind: string;
  number: string;
  at: string;
  /** Cheques or titles on a slip; sealed bags (notes, coins) of a cash deposit. */
  count: number;
  totalCents: number;
}

/**
 * A counting difference recorded at the closing of a till session in which the régie
 * collected (a session may serve several régies: its differences then show in each).
 */
export interface ClosureTillDifference {
  at: string;
  sessionId: number;
  posteCode: string;
  mode: PaymentMode;
  label: string;
  expectedCents: number;
  countedCents: number;
  /** Counted - expected: negative for a déficit, positive for an excédent. */
  differenceCents: number;
  reason: string;
}

/** A closure of the finer kind summed by this one (a day of a month, a month of a year). */
export interface ClosurePart {
  period: string;
  paymentCount: number;
  collectedCents: number;
  cancellationCount: number;
  cancelledCents: number;
  netCents: number;
  journalSeq: number;
}

export interface ClosureTotals {
  regieId: number;
  regieCode: string;
  regieName: string;
  /** Account at the Trésor receiving the régie's deposits, as it was when closing. */
  dftAccount: string | null;
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
  /** Credit (avoir) created by overpayments collected in the period (gross). */
  creditCreatedCents: number;
  /** Credit taken back by the cancellation, in the period, of the payments that created it. */
  creditRemovedCents: number;
  /** Credit used to settle invoices, net of the credit uses cancelled in the period. */
  creditUsedCents: number;
  /** Net change of the credits held by families: created - removed - used. */
  creditNetChangeCents: number;
  /** First and last receipt numbers of the period, per poste. */
  receiptRanges: { posteCode: string; first: string; last: string; count: number }[];
  /** Deposits validated or made in the period (slips and cash deposits), in time order. */
  deposits: ClosureDeposit[];
  /** Till counting differences recorded in the period, in time order, and their sum. */
  tillDifferences: ClosureTillDifference[];
  tillDifferenceCents: number;
  /** Perpetual grand totals of the régie at the end of the period. */
  perpetual: { collectedCents: number; cancelledCents: number; netCents: number };
  /** Closures of the finer kind that this one sums (days of a month, months of a year). */
  parts: ClosurePart[];
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
  /** Set on a day (or month) closed by the same command as its month (or year). */
  closedWith: { kind: ClosureKind; period: string } | null;
  journalSeq: number;
  /** First 8 hex digits of the closure entry's hash, as printed (e.g. 7F3A-91C2). */
  verificationCode: string;
  totals: ClosureTotals;
}

export interface ClosurePending {
  kind: ClosureKind;
  period: string;
  periodStart: string;
  periodEnd: string;
  hasActivity: boolean;
  /** For a month or a year: the finer periods its closing will also close, oldest first. */
  alsoCloses: { kind: ClosureKind; period: string }[];
  /** Why it cannot be closed now (an earlier period first, an open till), or null. */
  blockedBy: string | null;
  /** The earlier period of the same kind that must be closed first, when that is the reason. */
  waitsFor: { kind: ClosureKind; period: string } | null;
}

export interface ClosureStatus {
  regieId: number;
  regieCode: string;
  regieName: string;
  /** Latest closed period of each kind. */
  lastClosed: Record<ClosureKind, string | null>;
  /**
   * Periods that are over and not yet closed, in the order they can be closed: by end, a day
   * before the month it ends, a month before the year. Days are listed only when they had
   * activity; months and years from the régie's first operation.
   */
  pending: ClosurePending[];
  /** Till sessions still open that started before the end of a pending period. */
  openTills: { posteCode: string; openedAt: string }[];
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
