import { z } from 'zod';
import { handler } from './define';
import { commandIdSchema } from './payments';
import type { ReportFile } from './till';

// Family portal access codes and payment coupons (« coupon à joindre à votre règlement »).
//
// A family is known to its portal by its public code famille. To open its account it also needs
// a one-time activation code, issued here at the counter: drawn from a secure source in an
// alphabet without look-alike characters, shown once (on screen and on the printed coupon),
// never stored: the register keeps and syncs only the SHA-256 of its normalised form. Issuing a
// new code replaces the previous one; a code expires after a configurable delay (60 days by
// default). Whether the family activated it comes back from the portal through sync.
//
// A coupon is a one-page A4 letter for a DL window envelope: the family's address in the
// window, what is due for one régie (each open invoice, or the account balance), how to pay
// (cash at the counter within the ceiling, cheque to the régie's creditor label, online with
// the code famille and the activation code), the PayFiP reference, a Code 128 barcode of each
// invoice reference for scanning at the counter and a QR code opening the portal.

// The alphabet and printed form of activation codes live in shared/access-code-format.ts (the
// hash in shared/access-code.ts, which the portal imports alone); re-exported for the screens.
export {
  ACCESS_CODE_ALPHABET,
  ACCESS_CODE_LENGTH,
  DEFAULT_ACCESS_CODE_DAYS,
  formatAccessCode,
} from '../access-code-format';

export const accessCodeStatuses = ['emis', 'active', 'remplace', 'expire'] as const;
export type AccessCodeStatus = (typeof accessCodeStatuses)[number];
export const accessCodeStatusLabels: Record<AccessCodeStatus, string> = {
  emis: 'Émis, en attente d’activation',
  active: 'Compte activé',
  remplace: 'Remplacé par un code plus récent',
  expire: 'Expiré sans activation',
};

/** One activation code as the register knows it: never the code itself. */
export interface AccessCodeInfo {
  ref: string;
  issuedAt: string;
  expiresAt: string | null;
  /** From the register's own rows, corrected by what the portal published through sync. */
  status: AccessCodeStatus;
  activatedAt: string | null;
  issuedBy: string;
  posteCode: string;
  /** Set when the code was issued as part of a coupon batch. */
  batchRef: string | null;
  /** Not yet acknowledged by the portal: the family cannot use it before the next sync. */
  pendingSync: boolean;
}

export interface FamilyAccess {
  familyCode: string;
  /** The most recent code (active, waiting or expired), or null when none was ever issued. */
  current: AccessCodeInfo | null;
  /** Every code issued to the family, newest first. */
  history: AccessCodeInfo[];
  /** The family portal's public address printed on coupons, or null when not configured. */
  familyPortalUrl: string | null;
}

export interface IssuedCoupon {
  /** Shown once, e.g. "7KQ4-MX9C-TRH3"; null when the coupon was printed without a new code. */
  code: string | null;
  accessCode: AccessCodeInfo | null;
  file: ReportFile;
}

const idSchema = z.number({ error: 'Identifiant attendu.' }).int().positive();
const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, {
  error: 'Période de facturation attendue au format AAAA-MM.',
});

export const couponBatchStates = ['en_cours', 'termine', 'annule', 'echec'] as const;
export type CouponBatchState = (typeof couponBatchStates)[number];

export interface CouponBatchStatus {
  jobId: string;
  state: CouponBatchState;
  regieCode: string;
  /** Billing period (YYYY-MM) whose invoices are included; null for everything due. */
  period: string | null;
  done: number;
  total: number;
  startedAt: string;
  finishedAt: string | null;
  /** French reason when state is 'echec'. */
  message: string | null;
  /** Set when 'termine': download it with coupons.batchFile. */
  fileName: string | null;
  /** Number of activation codes issued by the batch (journaled as one entry when it ends). */
  codesIssued: number;
}

export const couponsContract = {
  /** The family's access code situation, for the family page. */
  'access.get': handler(z.object({ familyId: idSchema }), 'read').returns<FamilyAccess>(),
  /**
   * Issues a new activation code (replacing the previous one) and returns it once, with the
   * coupon that carries it for the régie asked. Journaled; the hash goes to the portal.
   */
  'access.issue': handler(
    z.object({ commandId: commandIdSchema, familyId: idSchema, regieId: idSchema }),
    'collect',
  ).returns<IssuedCoupon>(),
  /** A coupon for one family and régie without issuing a code (the code cannot be reprinted). */
  'coupons.family': handler(
    z.object({ familyId: idSchema, regieId: idSchema }),
    'read',
  ).returns<IssuedCoupon>(),
  /**
   * Starts building the coupons of every family with something due in a régie (and period),
   * one PDF sorted by postal code for mailing. Runs in the background; poll batchStatus.
   */
  'coupons.batchStart': handler(
    z.object({
      commandId: commandIdSchema,
      regieId: idSchema,
      period: monthSchema.nullable(),
      issueCodes: z.boolean(),
    }),
    'validate',
  ).returns<CouponBatchStatus>(),
  'coupons.batchStatus': handler(
    z.object({ jobId: z.uuid({ error: 'Identifiant de lot invalide.' }) }),
    'read',
  ).returns<CouponBatchStatus>(),
  /** Stops a running batch: nothing of it is kept (no code issued, no file). */
  'coupons.batchCancel': handler(
    z.object({ jobId: z.uuid({ error: 'Identifiant de lot invalide.' }) }),
    'validate',
  ).returns<CouponBatchStatus>(),
  'coupons.batchFile': handler(
    z.object({ jobId: z.uuid({ error: 'Identifiant de lot invalide.' }) }),
    'read',
  ).returns<ReportFile>(),
} as const;
