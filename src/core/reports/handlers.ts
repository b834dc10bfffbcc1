// SKELETON written by the lead so the contract compiles; the owner of this module replaces it.
import type { HandlerGroup } from '../context';
import { DomainError } from '../errors';

function notYet(): never {
  throw new DomainError('INTERNE', 'Fonction en cours de réalisation.');
}

export const reportHandlers = {
  'reports.receipts': notYet,
  'reports.totals': notYet,
  'reports.balances': notYet,
  'reports.credits': notYet,
  'reports.cashSituation': notYet,
  'reports.export': notYet,
} satisfies HandlerGroup<
  | 'reports.receipts'
  | 'reports.totals'
  | 'reports.balances'
  | 'reports.credits'
  | 'reports.cashSituation'
  | 'reports.export'
>;
