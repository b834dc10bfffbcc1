// A cheque to a régie is made out to the régie (its creditor label, "ès qualités") or to the
// Trésor public / DGFiP, never to a person. The comparison ignores case, accents and
// punctuation so "Tresor Public" and "TRÉSOR PUBLIC." are the same payee.
import { foldText } from '../../shared/text';

const publicPayees = ['DGFiP', 'Trésor public', 'Le Trésor public', 'DGFiP Trésor public'];

export function acceptedPayees(regie: { creditorLabel: string; name: string }): string[] {
  return [...new Set([regie.creditorLabel, regie.name, ...publicPayees])];
}

export function payeeAccepted(
  payee: string,
  regie: { creditorLabel: string; name: string },
): boolean {
  const folded = foldText(payee);
  return folded !== '' && acceptedPayees(regie).some((p) => foldText(p) === folded);
}
