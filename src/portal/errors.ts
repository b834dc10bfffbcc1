// Errors of the portal. A PortalError becomes an HTTP answer { code, message, details? } with
// its status; an OpRejected refuses one pushed operation (recorded, answered per operation)
// without failing the request. Codes are stable identifiers; messages are French and say what
// happened and what to do.
import type { z } from 'zod';
import type { ProtocolError } from '../shared/sync/schemas';

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PortalError';
  }

  toBody(): ProtocolError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export class OpRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OpRejected';
  }
}

/** The first issue of a zod error, with where it is ("ops.3.payload.amountCents : …"). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'contenu invalide.';
  const where = issue.path.map(String).join('.');
  return where ? `${where} : ${issue.message}` : issue.message;
}

/** Validates input at an entry point; a failure is a 400 with a French message. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new PortalError(400, 'VALIDATION', `Requête invalide : ${firstIssue(parsed.error)}`);
  }
  return parsed.data;
}
