// Everything a receipt (quittance) prints, gathered by the payments module from the database
// and rendered by receipt-pdf.ts. Keeping the data separate from the layout lets tests check
// the fields against what the PDF says when parsed back.
import type { PaymentMode } from '../../shared/payment-modes';

export interface ReceiptAllocationLine {
  invoiceNumber: string;
  invoiceLabel: string;
  allocatedCents: number;
  /** What remains due on that invoice after this payment (or after the cancellation). */
  remainingCents: number;
}

export interface ReceiptData {
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
  /** Mode-specific details already worded for print, e.g. ["Banque : Crédit Agricole", "Chèque n° 1234567"]. */
  modeDetails: string[];
  amountCents: number;
  /** Cash only: what the payer handed over and the change given back. */
  tenderedCents: number | null;
  changeCents: number | null;
  allocations: ReceiptAllocationLine[];
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
