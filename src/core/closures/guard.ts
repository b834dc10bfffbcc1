// The closed-period rule on the payment path. The database triggers already refuse any payment
// or cancellation dated inside a closed period, but a trigger's refusal reaches the agent as an
// internal error; this guard, plugged into the payments' hook, runs first inside the same
// transaction and says in French what happened and what to do. Credit uses have no such hook:
// for them the trigger alone refuses.
import { closurePeriodPhrase, type ClosureKind } from '../../shared/contract/closures';
import { formatInstant } from '../../shared/dates';
import { prepared } from '../db/prepared';
import { ruleError } from '../errors';
import { registerTillGuard, type TillGuardInput } from '../payments/till-guard';

export function closedPeriodGuard(input: TillGuardInput): void {
  const at = input.now.toISOString();
  const closed = prepared(
    input.sqlite,
    `SELECT kind, period, period_end FROM closure WHERE regie_id = ? AND period_end > ?
     ORDER BY period_end DESC LIMIT 1`,
  ).get(input.regieId, at) as { kind: ClosureKind; period: string; period_end: string } | undefined;
  if (!closed) return;
  throw ruleError(
    'PERIODE_CLOTUREE',
    `${input.operation === 'record' ? 'Ce paiement serait daté' : 'Cette annulation serait datée'} du ${formatInstant(at)}, dans une période déjà clôturée (${closurePeriodPhrase(closed.kind, closed.period)}) : l’horloge de ce poste est-elle en retard ? Rien n’a été enregistré. Remettez l’ordinateur à l’heure, puis recommencez.`,
  );
}

let registered = false;

/** Registers the guard once per process (every core shares the payments' hook). */
export function installClosedPeriodGuard(): void {
  if (registered) return;
  registered = true;
  registerTillGuard(closedPeriodGuard);
}
