// SKELETON written by the lead so the contract compiles; the owner of this module replaces it.
import type { HandlerGroup } from '../context';
import { DomainError } from '../errors';

function notYet(): never {
  throw new DomainError('INTERNE', 'Fonction en cours de réalisation.');
}

export const closureHandlers = {
  'closures.status': notYet,
  'closures.list': notYet,
  'closures.close': notYet,
  'closures.report': notYet,
} satisfies HandlerGroup<
  'closures.status' | 'closures.list' | 'closures.close' | 'closures.report'
>;
