import type { ErrorCode } from '../shared/errors';

/**
 * The one exception type the core throws on purpose. The dispatcher turns it into a typed
 * error result; anything else is an internal error, logged and reported generically.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly reason?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) =>
  new DomainError('INTROUVABLE', `${what} introuvable. Vérifiez la référence saisie.`);

export const ruleError = (reason: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('REGLE_METIER', message, reason, details);
