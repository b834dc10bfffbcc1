import { z } from 'zod';
import { handler } from './define';
import type { InvoiceState, InvoiceStatus } from '../invoice-state';
import type { PaymentMode } from '../payment-modes';

export interface FamilySearchHit {
  familyId: number;
  code: string;
  /** "DUPOND Pierre et Danielle" */
  title: string;
  /** What matched, to show the agent why this family came up (a child, an invoice...). */
  matched: string;
  city: string;
  /** Sum still due over every régie, in cents. */
  dueCents: number;
}

export interface Responsable {
  rank: 1 | 2;
  civility: string;
  lastName: string;
  firstName: string;
  addressLine1: string;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  email: string | null;
  phoneMobile: string | null;
  phoneHome: string | null;
  phoneWork: string | null;
}

export interface Child {
  id: number;
  firstName: string;
  lastName: string;
  birthDate: string;
  school: string | null;
}

export interface InvoiceLineView {
  lineNo: number;
  label: string;
  quantity: number;
  unitPriceCents: number;
  amountCents: number;
  childName: string | null;
}

export interface InvoiceView {
  id: number;
  number: string;
  regieId: number;
  label: string;
  period: string;
  issueDate: string;
  dueDate: string;
  amountCents: number;
  paidCents: number;
  remainingCents: number;
  refdet: string;
  status: InvoiceStatus;
  state: InvoiceState;
}

export interface RegiePanel {
  regieId: number;
  regieCode: string;
  regieName: string;
  /** Still due on open invoices (à payer, partielle, prélèvement, trésorerie excluded). */
  dueCents: number;
  /** Credit (avoir) available on the family's account for this régie. */
  creditCents: number;
  invoices: InvoiceView[];
  /** The modes the régie accepts, in the order of the shared list of modes. */
  acceptedModes: PaymentMode[];
  /** Who cheques are made out to ("à l'ordre de"), e.g. "Régie Périscolaire". */
  creditorLabel: string;
  /** Whether an overpayment may be kept as a credit (avoir) on the family's account. */
  allowCredit: boolean;
  /** Whether an invoice under direct debit may still be paid at the counter. */
  allowDirectDebitPayment: boolean;
}

export interface FamilyDetail {
  id: number;
  code: string;
  familyName: string;
  responsables: Responsable[];
  children: Child[];
  regies: RegiePanel[];
}

export const familiesContract = {
  'families.search': handler(
    z.object({
      query: z.string().max(200, { error: 'Recherche trop longue (200 caractères au plus).' }),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    'read',
  ).returns<FamilySearchHit[]>(),
  'families.get': handler(
    z.object({ familyId: z.number().int().positive() }),
    'read',
  ).returns<FamilyDetail>(),
  /** Finds an invoice by its number or PayFiP reference, e.g. from a scanned coupon. */
  'invoices.lookup': handler(
    z.object({ reference: z.string().trim().min(1).max(64) }),
    'read',
  ).returns<{ invoiceId: number; familyId: number; regieId: number } | null>(),
};
