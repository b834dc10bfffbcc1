import { z } from 'zod';
import { handler } from './define';
import { isoDateSchema } from '../dates';
import type { PaymentMode } from '../payment-modes';

// Documents for the comptable and for an audit: the journal of receipts of any period, totals
// per mode and per régie, each family's balance, the outstanding credits, and the "situation
// de caisse" (book balance per mode against what should be in the tills and on slips). Each
// is shown on screen and exported as PDF or CSV (semicolon-separated, UTF-8 with BOM, French
// decimal comma, for a spreadsheet); every export is recorded in the technical journal.
//
// A period is a pair of Paris calendar dates, both included: it runs from Paris midnight at the
// start of `from` to Paris midnight at the end of `to`, whatever the season. A payment belongs
// to the period of its own instant, a cancellation to the period of its own instant: a receipt
// of March cancelled in April counts as collected in March and as cancelled in April.

const idSchema = z.number().int().positive();

/** A real calendar date (2026-02-30 matches the pattern but is not one). */
const calendarDateSchema = isoDateSchema.refine(
  (d) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, day));
    return (
      y >= 2000 &&
      y <= 2999 &&
      t.getUTCFullYear() === y &&
      t.getUTCMonth() === m - 1 &&
      t.getUTCDate() === day
    );
  },
  { error: 'Date inexistante : vérifiez le jour et le mois (AAAA-MM-JJ, années 2000 à 2999).' },
);

export const reportPeriodSchema = z
  .object({ from: calendarDateSchema, to: calendarDateSchema })
  .refine((p) => p.from <= p.to, {
    error: 'La date de début doit précéder la date de fin : inversez-les ou corrigez-les.',
  });
export type ReportPeriod = z.output<typeof reportPeriodSchema>;

export const reportKinds = ['recus', 'totaux', 'soldes', 'avoirs', 'situation'] as const;
export type ReportKind = (typeof reportKinds)[number];
export const reportKindLabels: Record<ReportKind, string> = {
  recus: 'Journal des reçus',
  totaux: 'Totaux par mode et par régie',
  soldes: 'Soldes des comptes des familles',
  avoirs: 'Avoirs en cours',
  situation: 'Situation de caisse',
};
/** The reports that cover a period (the others are a position at the moment they are made). */
export const periodReports: readonly ReportKind[] = ['recus', 'totaux'];

export const exportFormats = ['pdf', 'csv'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Above this many table rows a PDF would run to hundreds of pages: the CSV is offered instead. */
export const MAX_PDF_ROWS = 10_000;

/** A régie of the commune, as offered in the report's régie selector. */
export interface ReportRegie {
  id: number;
  code: string;
  name: string;
}

/** Every report carries the commune's régies, so the screen can offer to pick one. */
interface WithRegies {
  regies: ReportRegie[];
}

export interface ExportFile {
  fileName: string;
  mimeType: 'application/pdf' | 'text/csv';
  base64: string;
  /** Rows of the document's main table. */
  rowCount: number;
  /** SHA-256 of the file, hex, as recorded in the technical journal. */
  sha256: string;
  /** The technical journal entry that records the export. */
  journalSeq: number;
}

export interface ReceiptJournalRow {
  paymentId: number;
  receiptNumber: string;
  recordedAt: string;
  regieCode: string;
  posteCode: string;
  familyCode: string;
  familyName: string;
  mode: PaymentMode;
  amountCents: number;
  /** Part of the amount put on the family's credit (avoir). */
  creditCents: number;
  agent: string;
  /** The invoices settled, e.g. "2026-SCO-004217". */
  invoices: string[];
  /** Shown whenever it happened, even after the period; counted by its own date. */
  cancelled: { at: string; reason: string; agent: string; inPeriod: boolean } | null;
}

/** A cancellation made in the period of a receipt issued before it. */
export interface EarlierReceiptCancellation {
  receiptNumber: string;
  recordedAt: string;
  regieCode: string;
  familyName: string;
  mode: PaymentMode;
  amountCents: number;
  cancelledAt: string;
  reason: string;
  agent: string;
}

/** The receipt numbers of one sequence (régie, poste, year) seen in the period. */
export interface ReceiptSequence {
  regieCode: string;
  posteCode: string;
  year: number;
  first: string;
  last: string;
  count: number;
  /** Numbers between the first and the last that the period does not hold. */
  missing: number;
}

export interface ReceiptJournal extends WithRegies {
  from: string;
  to: string;
  regieId: number | null;
  /** Receipt-number order: régie, poste, year, sequence. */
  rows: ReceiptJournalRow[];
  /** The period has more rows than were returned (the export always has them all). */
  truncated: boolean;
  totalRows: number;
  paymentCount: number;
  collectedCents: number;
  /** Cancellations dated in the period, whatever the date of the receipt. */
  cancellationCount: number;
  cancelledCents: number;
  netCents: number;
  earlierCancellations: EarlierReceiptCancellation[];
  sequences: ReceiptSequence[];
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

export interface PeriodTotals extends WithRegies {
  from: string;
  to: string;
  regieId: number | null;
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

export interface BalancesReport extends WithRegies {
  at: string;
  regieId: number | null;
  nonZeroOnly: boolean;
  rows: BalanceRow[];
  truncated: boolean;
  totalRows: number;
  dueCents: number;
  creditCents: number;
  balanceCents: number;
}

export interface CreditRow {
  familyCode: string;
  familyName: string;
  regieCode: string;
  creditCents: number;
  /** Instant of the latest credit movement. */
  since: string;
}

export interface CreditsReport extends WithRegies {
  at: string;
  regieId: number | null;
  rows: CreditRow[];
  truncated: boolean;
  totalRows: number;
  totalCents: number;
}

/**
 * How a mode's money reaches the comptable: cash is held until a versement; cheques and titles
 * until a validated deposit slip; card, transfer and PayFiP go straight to the régie's account.
 */
export type SituationChannel = 'caisse' | 'bordereau' | 'direct';

export interface SituationLine {
  regieId: number;
  regieCode: string;
  regieName: string;
  mode: PaymentMode;
  label: string;
  channel: SituationChannel;
  /** Net collected since the beginning (payments - cancellations). */
  bookCents: number;
  /**
   * Handed to the comptable: versements (cash deposits included) for cash, items of validated
   * slips for cheques and titles, the whole book for the direct modes.
   */
  depositedCents: number;
  /**
   * What changes the amount to hold without being collected or deposited: cash apports (+) and
   * retraits (-); cheques or titles cancelled after their slip was validated (+, to settle
   * with the comptable). The line reconciles as book + adjustments = deposited + toHold.
   */
  adjustmentsCents: number;
  /** What should still be held: cash in the tills and the safe, cheques and titles not remitted. */
  toHoldCents: number;
  /** Of toHold: cheques and titles on a draft slip. */
  onDraftSlipCents: number;
  /** Cheques or titles payments still held, and those on a draft slip; null for the other modes. */
  toHoldCount: number | null;
  onDraftSlipCount: number | null;
  /** Cash only: of deposited, the sealed-bag deposits at La Banque Postale. */
  cashDepositsCents: number | null;
}

export interface SituationDifference {
  mode: PaymentMode;
  label: string;
  count: number;
  totalCents: number;
}

export interface CashSituation extends WithRegies {
  at: string;
  regieId: number | null;
  lines: SituationLine[];
  /** Cash: the float currently in the drawers (counted at opening, or left at the last closing). */
  floatCents: number;
  /** Cash counting differences recorded at closings (déficit negative), in total. */
  differencesCents: number;
  /** Every counting difference, per mode. */
  differences: SituationDifference[];
  /** Cash to show an auditor: what is to hold in cash, plus the float. */
  cashToPresentCents: number;
  /** Open till sessions on this register, with their cash expected now. */
  openSessions: {
    sessionId: number;
    posteCode: string;
    openedAt: string;
    openedBy: string;
    expectedCashCents: number;
    /** Opened on an earlier Paris day. */
    overnight: boolean;
  }[];
  /** French remarks for the auditor (a draft slip, a session open since yesterday...). */
  remarks: string[];
}

const limitSchema = z
  .number()
  .int()
  .min(1, { error: 'Nombre de lignes à afficher : 1 au moins.' })
  .max(5000, { error: 'Nombre de lignes à afficher : 5 000 au plus (l’export contient tout).' });

export const reportsContract = {
  'reports.receipts': handler(
    z.object({
      period: reportPeriodSchema,
      regieId: idSchema.optional(),
      limit: limitSchema.default(500),
    }),
    'audit',
  ).returns<ReceiptJournal>(),
  'reports.totals': handler(
    z.object({ period: reportPeriodSchema, regieId: idSchema.optional() }),
    'audit',
  ).returns<PeriodTotals>(),
  'reports.balances': handler(
    z.object({
      regieId: idSchema.optional(),
      nonZeroOnly: z.boolean().default(true),
      limit: limitSchema.default(500),
    }),
    'audit',
  ).returns<BalancesReport>(),
  'reports.credits': handler(
    z.object({ regieId: idSchema.optional(), limit: limitSchema.default(500) }),
    'audit',
  ).returns<CreditsReport>(),
  'reports.cashSituation': handler(
    z.object({ regieId: idSchema.optional() }),
    'audit',
  ).returns<CashSituation>(),
  'reports.export': handler(
    z.object({
      report: z.enum(reportKinds, { error: 'Édition inconnue.' }),
      format: z.enum(exportFormats, { error: 'Format attendu : pdf ou csv.' }),
      /** Required for the journal of receipts and the totals; ignored by the others. */
      period: reportPeriodSchema.optional(),
      regieId: idSchema.optional(),
      /** Balances only: leave out the accounts at zero (the default). */
      nonZeroOnly: z.boolean().default(true),
    }),
    'audit',
  ).returns<ExportFile>(),
} as const;
