// The demo commune, "Ville de Démo", shared by the register's demo generator (core/demo) and
// the portal's demo (portal/seed): the same commune, régies, postes and invoice references on
// both sides, so a demo register and a demo portal describe one commune.
import type { PaymentMode } from '../payment-modes';

export const demoPostes = [
  { code: 'P01', name: 'Accueil mairie' },
  { code: 'P02', name: 'Guichet école' },
] as const;

export type RegieCode = 'SCO' | 'PEN' | 'SPO';

export interface RegieSpec {
  code: RegieCode;
  name: string;
  numcli: string;
  acceptedModes: PaymentMode[];
  cashCeilingCents: number;
  floatCents: number;
  allowCredit: boolean;
  allowDirectDebitPayment: boolean;
  dftAccount: string;
  serviceName: string;
  serviceAddress: string;
  servicePhone: string;
}

export const demoCommune = {
  name: 'Ville de Démo',
  addressLine: '1 place de la Mairie',
  postalCode: '49100',
  city: 'Ville de Démo',
  // A well-formed SIRET (Luhn-valid, commune prefix 21) that belongs to no real body.
  siret: '21490099500017',
  // Telephone numbers of the demo are in the ranges ARCEP reserves for fiction.
  phone: '02 61 91 00 00',
  portalUrl: 'http://127.0.0.1:8790',
};

// SCO and PEN allow credits (avoirs) and SPO does not, and only PEN lets a family on direct
// debit pay by other means, so both branches of those rules can be tried in the demo.
export const demoRegies: readonly RegieSpec[] = [
  {
    code: 'SCO',
    name: 'Régie scolaire et périscolaire',
    numcli: '090909',
    acceptedModes: ['especes', 'cheque', 'carte', 'virement', 'payfip'],
    cashCeilingCents: 1_500_00,
    floatCents: 150_00,
    allowCredit: true,
    allowDirectDebitPayment: false,
    dftAccount: 'FR76 1007 1490 0000 0020 0101 234',
    serviceName: 'Service Éducation et Enfance',
    serviceAddress: 'Hôtel de ville, 1 place de la Mairie, 49100 Ville de Démo',
    servicePhone: '02 61 91 00 10',
  },
  {
    code: 'PEN',
    name: 'Régie petite enfance',
    numcli: '090910',
    acceptedModes: ['especes', 'cheque', 'carte', 'cesu', 'virement', 'payfip'],
    cashCeilingCents: 1_000_00,
    floatCents: 100_00,
    allowCredit: true,
    allowDirectDebitPayment: true,
    dftAccount: 'FR76 1007 1490 0000 0020 0102 345',
    serviceName: 'Service Petite Enfance',
    serviceAddress: 'Maison de l’enfance, 12 rue des Écoles, 49100 Ville de Démo',
    servicePhone: '02 61 91 00 20',
  },
  {
    code: 'SPO',
    name: 'Régie des sports',
    numcli: '090911',
    acceptedModes: ['especes', 'cheque', 'carte', 'cheque_vacances', 'payfip'],
    cashCeilingCents: 800_00,
    floatCents: 100_00,
    allowCredit: false,
    allowDirectDebitPayment: false,
    dftAccount: 'FR76 1007 1490 0000 0020 0103 456',
    serviceName: 'Service des Sports',
    serviceAddress: 'Complexe sportif Léo Lagrange, avenue Jean Jaurès, 49100 Ville de Démo',
    servicePhone: '02 61 91 00 30',
  },
];

function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}

/** "2026-SCO-004217": issue year, régie code, sequence of the régie for that year. */
export function invoiceNumber(year: number, regie: RegieCode, seq: number): string {
  return `${year}-${regie}-${String(seq).padStart(6, '0')}`;
}

/** PayFiP reference: "2026SCO004217" followed by two check digits (ISO 7064 mod 97-10). */
export function invoiceRefdet(year: number, regie: RegieCode, seq: number): string {
  const base = `${year}${regie}${String(seq).padStart(6, '0')}`;
  const check = 98 - mod97(`${base}00`);
  return `${base}${String(check).padStart(2, '0')}`;
}
