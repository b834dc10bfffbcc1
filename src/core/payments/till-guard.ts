// Hook for the till (issue 4). Money handled at the counter will need an open till session on
// this poste: the till module registers a guard here, and the payment path calls every guard
// inside its write transaction, before anything is numbered or written. A guard refuses by
// throwing a DomainError with a French message ("Aucune caisse ouverte sur ce poste..."), which
// rolls the whole command back. The payment code does not know what a till is, so the till
// module can be added without touching it.
import type Database from 'better-sqlite3';
import type { PaymentMode } from '../../shared/payment-modes';

export interface TillGuardInput {
  sqlite: Database.Database;
  /** 'record' takes money in; 'cancel' gives it back (or takes back a cheque). */
  operation: 'record' | 'cancel';
  mode: PaymentMode;
  amountCents: number;
  regieId: number;
  agentId: number;
  posteCode: string;
  now: Date;
}

export type TillGuard = (input: TillGuardInput) => void;

const guards = new Set<TillGuard>();

/** Registers a guard; returns the function that removes it. */
export function registerTillGuard(guard: TillGuard): () => void {
  guards.add(guard);
  return () => {
    guards.delete(guard);
  };
}

export function runTillGuards(input: TillGuardInput): void {
  for (const guard of guards) guard(input);
}
