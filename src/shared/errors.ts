// Every error a person can meet crosses the boundary as a code plus a French message that says
// what happened and what to do. Codes are stable identifiers for the UI and tests.
export const errorCodes = [
  'VALIDATION',
  'NON_AUTHENTIFIE',
  'SESSION_VERROUILLEE',
  'IDENTIFIANTS_INVALIDES',
  'COMPTE_BLOQUE',
  'PERMISSION_REFUSEE',
  'INTROUVABLE',
  'CONFLIT',
  'REGLE_METIER',
  'BASE_INCOMPATIBLE',
  'INTERNE',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface AppError {
  code: ErrorCode;
  message: string;
  /** Finer reason inside a code, e.g. 'PLAFOND_ESPECES' for a REGLE_METIER. */
  reason?: string;
  details?: Record<string, unknown>;
}
