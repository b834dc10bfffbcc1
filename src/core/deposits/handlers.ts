// SKELETON written by the lead so the contract compiles; the owner of this module replaces it.
import type { HandlerGroup } from '../context';
import { DomainError } from '../errors';

function notYet(): never {
  throw new DomainError('INTERNE', 'Fonction en cours de réalisation.');
}

export const depositHandlers = {
  'deposits.candidates': notYet,
  'deposits.list': notYet,
  'deposits.get': notYet,
  'deposits.draft': notYet,
  'deposits.validate': notYet,
  'deposits.slipPdf': notYet,
  'deposits.cashDeposit': notYet,
  'deposits.cashDeposits': notYet,
  'deposits.cashDepositPdf': notYet,
  'deposits.cardSummary': notYet,
  'deposits.cardSummaryPdf': notYet,
} satisfies HandlerGroup<
  | 'deposits.candidates'
  | 'deposits.list'
  | 'deposits.get'
  | 'deposits.draft'
  | 'deposits.validate'
  | 'deposits.slipPdf'
  | 'deposits.cashDeposit'
  | 'deposits.cashDeposits'
  | 'deposits.cashDepositPdf'
  | 'deposits.cardSummary'
  | 'deposits.cardSummaryPdf'
>;
