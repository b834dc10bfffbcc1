export const paymentModes = [
  'especes',
  'cheque',
  'carte',
  'cesu',
  'cheque_vacances',
  'virement',
  'payfip',
] as const;
export type PaymentMode = (typeof paymentModes)[number];

export const paymentModeLabels: Record<PaymentMode, string> = {
  especes: 'Espèces',
  cheque: 'Chèque',
  carte: 'Carte bancaire (TPE)',
  cesu: 'CESU',
  cheque_vacances: 'Chèques-vacances (ANCV)',
  virement: 'Virement',
  payfip: 'Paiement en ligne (PayFiP)',
};

/** Modes collected physically at the counter, which need an open till session. */
export const tillModes: readonly PaymentMode[] = [
  'especes',
  'cheque',
  'carte',
  'cesu',
  'cheque_vacances',
];
