// The till's rules on the payment path, plugged in through the payments' till guard hook. They
// run inside the payment's write transaction, before anything is numbered or written, and
// refuse by throwing a French DomainError, which rolls the command back whole.
import { formatEuro } from '../../shared/money';
import { tillModes } from '../../shared/payment-modes';
import { ruleError } from '../errors';
import { registerTillGuard, type TillGuardInput } from '../payments/till-guard';
import { prepared } from '../db/prepared';
import { cashHeld, overrideActive } from './cash';
import { isOvernight, noSessionMessage, openSessionRow, overnightMessage } from './session';

export function tillGuard(input: TillGuardInput): void {
  // Virement (and PayFiP) never pass through the till.
  if (!tillModes.includes(input.mode)) return;
  const session = openSessionRow(input.sqlite, input.posteCode);
  if (!session) throw ruleError('CAISSE_FERMEE', noSessionMessage);
  if (isOvernight(session, input.now)) {
    throw ruleError('CAISSE_DE_LA_VEILLE', `${overnightMessage(session)} Rien n’a été enregistré.`);
  }
  if (input.operation !== 'record' || input.mode !== 'especes') return;
  const regie = prepared(
    input.sqlite,
    'SELECT name, cash_ceiling_cents FROM regie WHERE id = ?',
  ).get(input.regieId) as { name: string; cash_ceiling_cents: number } | undefined;
  if (!regie) return;
  const held = cashHeld(input.sqlite, input.regieId, null);
  // The encaisse maximale may not be exceeded: a cash payment that would take the cash held
  // above it is refused, unless the régisseur allowed it for this session.
  if (
    held + input.amountCents > regie.cash_ceiling_cents &&
    !overrideActive(input.sqlite, input.regieId, session.id)
  ) {
    throw ruleError(
      'PLAFOND_ENCAISSE',
      `Encaisse maximale de la ${regie.name} atteinte : ${formatEuro(held)} détenus en espèces, plafond ${formatEuro(regie.cash_ceiling_cents)}. Ce paiement en espèces n’a pas été enregistré. Faites un versement au comptable, acceptez un autre mode de paiement, ou demandez au régisseur une dérogation motivée.`,
      { cashHeldCents: held, ceilingCents: regie.cash_ceiling_cents },
    );
  }
}

let registered = false;

/** Registers the till guard once per process (every core shares the payments' hook). */
export function installTillGuard(): void {
  if (registered) return;
  registered = true;
  registerTillGuard(tillGuard);
}
