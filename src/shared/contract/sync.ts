// Synchronisation with the central portal (src/portal/PROTOCOL.md): enrolment of this poste,
// its status for the header, and "Synchroniser maintenant". The engine itself runs in the core.
import { z } from 'zod';
import { handler } from './define';

export interface SyncRejectedOp {
  seq: number;
  kind: string;
  code: string;
  /** The portal's reason, French. */
  message: string;
  rejectedAt: string;
}

export interface SyncStatus {
  /** Whether this poste is enrolled with a portal. */
  configured: boolean;
  /** "en ligne": the last exchange with the portal succeeded. */
  online: boolean;
  portalUrl: string | null;
  posteCode: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** What went wrong at the last attempt, French; null after a success. */
  lastError: string | null;
  /** Operations written here and not yet acknowledged by the portal. */
  waitingOps: number;
  /** Operations the portal refused, not yet dealt with ("à traiter"). */
  toHandle: number;
  rejected: SyncRejectedOp[];
  /** Conflicts the portal reports as still to handle (trop-perçu, paiement après trésorerie...). */
  openConflicts: number;
  nextAttemptAt: string | null;
}

const portalUrlSchema = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, {
    error: 'Adresse du portail invalide : attendue sous la forme https://portail.commune.fr.',
  })
  .transform((u) => u.replace(/\/+$/, ''));

export const syncContract = {
  /** Exchanges the one-time enrolment code given by the portal for this poste's credentials. */
  'sync.enrol': handler(
    z.object({
      portalUrl: portalUrlSchema,
      code: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9 -]{16,40}$/, {
          error:
            'Code d’enrôlement invalide : 16 lettres et chiffres, par ex. NEQA-TFT8-BQVR-9KFU.',
        }),
    }),
    'admin',
  ).returns<SyncStatus>(),
  'sync.status': handler(z.object({}), 'read').returns<SyncStatus>(),
  /** "Synchroniser maintenant": pushes waiting operations, then pulls the portal's changes. */
  'sync.now': handler(z.object({}), 'collect').returns<SyncStatus>(),
} as const;
