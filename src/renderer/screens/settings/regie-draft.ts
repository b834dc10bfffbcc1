// The "Régies" forms' reading of what was typed: a régie's configuration and identity as text
// fields, and the request the core expects, for a change (regies.update) or a creation
// (regies.create). Amounts are read in French notation; an amount that cannot be read stops
// the save with a message naming the field, before anything is sent. The core checks the rest
// (agreements, numcli, float under the ceiling...) and its French refusal is shown as it is.
import type { Input, RegieConfig } from '../../../shared/contract';
import { parseEuro } from '../../../shared/money';
import type { PaymentMode } from '../../../shared/payment-modes';
import { centsToInput } from '../payment/payment-draft';
import { settingsMessages as m } from './messages';

const rm = m.regies;

export interface RegieDraft {
  name: string;
  serviceName: string;
  serviceAddress: string;
  servicePhone: string;
  acceptedModes: PaymentMode[];
  cesuAgreement: boolean;
  chequeVacancesAgreement: boolean;
  cashCeiling: string;
  float: string;
  creditorLabel: string;
  numcli: string;
  payfipSaisie: 'T' | 'X' | 'W';
  dftAccount: string;
  allowCredit: boolean;
  allowDirectDebitPayment: boolean;
}

/** A new régie's form also takes its code, which never changes afterwards. */
export interface NewRegieDraft extends RegieDraft {
  code: string;
}

export function regieDraftOf(r: RegieConfig): RegieDraft {
  return {
    name: r.name,
    serviceName: r.serviceName,
    serviceAddress: r.serviceAddress,
    servicePhone: r.servicePhone ?? '',
    acceptedModes: r.acceptedModes,
    // A mode already accepted was accepted under its agreement.
    cesuAgreement: r.acceptedModes.includes('cesu'),
    chequeVacancesAgreement: r.acceptedModes.includes('cheque_vacances'),
    cashCeiling: centsToInput(r.cashCeilingCents),
    float: centsToInput(r.floatCents),
    creditorLabel: r.creditorLabel,
    numcli: r.numcli ?? '',
    payfipSaisie: r.payfipSaisie,
    dftAccount: r.dftAccount ?? '',
    allowCredit: r.allowCredit,
    allowDirectDebitPayment: r.allowDirectDebitPayment,
  };
}

/**
 * The starting point of a new régie: the modes every counter takes, a ceiling and a float in
 * the usual range (1 000 € and 100 €), PayFiP in test mode until the DGFiP gives a numcli.
 */
export function newRegieDraft(): NewRegieDraft {
  return {
    code: '',
    name: '',
    serviceName: '',
    serviceAddress: '',
    servicePhone: '',
    acceptedModes: ['especes', 'cheque', 'carte'],
    cesuAgreement: false,
    chequeVacancesAgreement: false,
    cashCeiling: '1000,00',
    float: '100,00',
    creditorLabel: '',
    numcli: '',
    payfipSaisie: 'T',
    dftAccount: '',
    allowCredit: true,
    allowDirectDebitPayment: false,
  };
}

type RegieFields = Omit<Input<'regies.create'>, 'commandId' | 'code'>;

const orNull = (text: string): string | null => (text.trim() === '' ? null : text.trim());

function fieldsOf(d: RegieDraft): { fields: RegieFields } | { error: string } {
  const ceiling = parseEuro(d.cashCeiling);
  if (ceiling === null) return { error: m.badEuro(rm.cashCeilingCents) };
  const float = parseEuro(d.float);
  if (float === null) return { error: m.badEuro(rm.floatCents) };
  return {
    fields: {
      name: d.name.trim(),
      serviceName: d.serviceName.trim(),
      serviceAddress: d.serviceAddress.trim(),
      servicePhone: orNull(d.servicePhone),
      acceptedModes: d.acceptedModes,
      cesuAgreement: d.cesuAgreement,
      chequeVacancesAgreement: d.chequeVacancesAgreement,
      cashCeilingCents: ceiling,
      floatCents: float,
      creditorLabel: d.creditorLabel.trim(),
      numcli: orNull(d.numcli),
      payfipSaisie: d.payfipSaisie,
      dftAccount: orNull(d.dftAccount),
      allowCredit: d.allowCredit,
      allowDirectDebitPayment: d.allowDirectDebitPayment,
    },
  };
}

export function updateArgsOf(
  regieId: number,
  d: RegieDraft,
): { args: Input<'regies.update'> } | { error: string } {
  const r = fieldsOf(d);
  return 'error' in r ? r : { args: { regieId, ...r.fields } };
}

/** The creation request without its command id, which the form draws once per content. */
export function createArgsOf(
  d: NewRegieDraft,
): { args: Omit<Input<'regies.create'>, 'commandId'> } | { error: string } {
  const r = fieldsOf(d);
  return 'error' in r ? r : { args: { code: d.code.trim().toUpperCase(), ...r.fields } };
}
