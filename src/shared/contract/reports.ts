import { z } from 'zod';
import { handler } from './define';
import { isoDateSchema } from '../dates';
import type { PaymentMode } from '../payment-modes';

// Documents for the comptable and for an audit: the journal of receipts of any period, totals
// per mode and per régie, each family's balance, the outstanding credits, and the "situation
// de caisse" (book balance per mode against what should be in the tills and on slips). Each
// is shown on screen and exported as PDF or CSV (semicolon-separated, UTF-8 with BOM, French
// decimal comma, for a spreadsheet); every export is recorded in the technical journal.

const idSchema = z.number().int().positive();

const periodSchema = z
  .object({ from: isoDateSchema, to: isoDateSchema })
  .refine((p) => p.from <= p.to, { error: 'La date de début doit précéder la date de fin.' });

export const reportKinds = ['recus', 'totaux', 'soldes', 'avoirs', 'situation'] as const;
export type ReportKind = (typeof reportKinds)[number];
export const reportKindLabels: Record<ReportKind, string> = {
  recus: 'Journal des reçus',
  totaux: 'Totaux par mode et par régie',
  soldes: 'Soldes des comptes des familles',
  avoirs: 'Avoirs en cours',
  situation: 'Situation de caisse',
};

export interface ExportFile {
  fileName: string;
  mimeType: 'application/pdf' | 'text/csv';
  base64: string;
}

export interface ReceiptJournalRow {
  receiptNumber: string;
  recordedAt: string;
  regieCode: string;
  posteCode: string;
  familyCode: string;
  familyName: string;
  mode: PaymentMode;
  amountCents: number;
  agent: string;
  /** The invoices settled, e.g. "2026-SCO-004217". */
  invoices: string[];
  cancelled: { at: string; reason: string; agent: string } | null;
}

export interface ReceiptJournal {
  from: string;
  to: string;
  regieId: number | null;
  rows: ReceiptJournalRow[];
  /** The period has more rows than were returned (the export always has them all). */
  truncated: boolean;
  totalRows: number;
  collectedCents: number;
  cancelledCents: number;
  netCents: number;
}

export interface TotalsLine {
  key: string;
  label: string;
  paymentCount: number;
  collectedCents: number;
  cancellationCount: number;
  cancelledCents: number;
  netCents: number;
}

export interface PeriodTotals {
  from: string;
  to: string;
  perMode: TotalsLine[];
  perRegie: TotalsLine[];
  /** One line per régie and mode. */
  perRegieMode: (TotalsLine & { regieCode: string; mode: PaymentMode })[];
  total: TotalsLine;
}

export interface BalanceRow {
  familyCode: string;
  familyName: string;
  regieCode: string;
  /** Still due on open invoices (payable at the régie). */
  dueCents: number;
  /** Credit (avoir) held. */
  creditCents: number;
  /** due - credit: positive, the family owes; negative, the régie owes. */
  balanceCents: number;
}

export interface BalancesReport {
  regieId: number | null;
  rows: BalanceRow[];
  truncated: boolean;
  totalRows: number;
  dueCents: number;
  creditCents: number;
}

export interface CreditRow {
  familyCode: string;
  familyName: string;
  regieCode: string;
  creditCents: number;
  /** Date of the latest credit movement. */
  since: string;
}

export interface CreditsReport {
  regieId: number | null;
  rows: CreditRow[];
  totalCents: number;
}

export interface SituationLine {
  regieCode: string;
  mode: PaymentMode;
  label: string;
  /** Net collected since the beginning (payments - cancellations). */
  bookCents: number;
  /** Deposited to the comptable: validated slips, cash deposits and versements. */
  depositedCents: number;
  /** Cheques and titles on a draft slip. */
  onDraftSlipCents: number;
  /** What should still be held: in open tills, or counted at closing and not yet deposited. */
  toHoldCents: number;
}

export interface CashSituation {
  at: string;
  lines: SituationLine[];
  /** Cash: the float and the counting differences recorded at closings, shown apart. */
  floatCents: number;
  differencesCents: number;
  /** Open till sessions on this register, with their cash expected now. */
  openSessions: {
    sessionId: number;
    posteCode: string;
    openedAt: string;
    expectedCashCents: number;
  }[];
  /** French remarks for the auditor (a draft slip, a session open since yesterday...). */
  remarks: string[];
}

export const reportsContract = {
  'reports.receipts': handler(
    z.object({
      period: periodSchema,
      regieId: idSchema.optional(),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    'audit',
  ).returns<ReceiptJournal>(),
  'reports.totals': handler(
    z.object({ period: periodSchema, regieId: idSchema.optional() }),
    'audit',
  ).returns<PeriodTotals>(),
  'reports.balances': handler(
    z.object({
      regieId: idSchema.optional(),
      nonZeroOnly: z.boolean().default(true),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    'audit',
  ).returns<BalancesReport>(),
  'reports.credits': handler(
    z.object({ regieId: idSchema.optional() }),
    'audit',
  ).returns<CreditsReport>(),
  'reports.cashSituation': handler(z.object({}), 'audit').returns<CashSituation>(),
  'reports.export': handler(
    z.object({
      report: z.enum(reportKinds, { error: 'Édition inconnue.' }),
      format: z.enum(['pdf', 'csv'], { error: 'Format attendu : pdf ou csv.' }),
      period: periodSchema.optional(),
      regieId: idSchema.optional(),
    }),
    'audit',
  ).returns<ExportFile>(),
} as const;
