import type { CounterPaymentMode } from '../../../shared/contract';

const NBSP = '\u00a0';

export const paymentMessages = {
  title: 'Encaissement',
  subtitle: (regie: string, family: string, code: string) =>
    `${regie} — Famille ${family} (${code})`,
  cancel: 'Abandonner',
  cancelKey: 'Échap',
  owed: 'Reste dû à la régie',
  credit: 'Avoir disponible',
  noMode:
    'Cette régie n’accepte aucun mode de paiement au guichet. Le régisseur doit compléter sa configuration.',
  modeLabel: 'Mode de paiement',
  modeHelp: 'Flèches pour changer de mode.',
  amount: 'Montant encaissé',
  amountHelp: 'En euros, par exemple 49,50.',
  amountFromTitles: 'Total des titres remis (calculé)',
  badAmount: 'Montant illisible : saisissez par exemple 49,50.',
  // Espèces
  tendered: 'Somme remise par le payeur',
  tenderedHelp: 'Laissez vide si le compte est juste.',
  badTendered: 'Somme remise illisible : saisissez par exemple 50 ou 50,00.',
  change: 'Monnaie à rendre',
  // Chèque
  bank: 'Banque',
  chequeNumber: 'Numéro du chèque',
  chequeNumberHelp: 'Les chiffres en bas à gauche du chèque.',
  drawer: 'Tireur (titulaire du compte)',
  payee: 'À l’ordre de',
  payeeHelp:
    'Un chèque est libellé à l’ordre de la régie ou du Trésor public, jamais d’une personne.',
  payeeOptions: (regie: string) => [regie, 'Trésor public', 'DGFiP'],
  // Carte
  terminalReference: 'Référence du ticket TPE / n° d’autorisation',
  cardWarningTitle: 'Ne saisissez jamais le numéro de la carte',
  cardWarning:
    'Recopiez seulement la référence ou le numéro d’autorisation imprimé sur le ticket du terminal de paiement.',
  // Titres
  titlesLegend: (mode: 'cesu' | 'cheque_vacances') =>
    mode === 'cesu' ? 'CESU remis' : 'Chèques-vacances remis',
  titleCount: 'Nombre',
  titleFaceValue: 'Valeur faciale',
  titleLineTotal: 'Sous-total',
  titlesTotal: 'Total des titres',
  addTitleLine: 'Ajouter une valeur faciale',
  removeTitleLine: (n: number) => `Retirer la ligne ${n}`,
  badCount: (n: number) =>
    `Ligne ${n}${NBSP}: le nombre de titres doit être un entier d’au moins 1.`,
  badFaceValue: (n: number) =>
    `Ligne ${n}${NBSP}: valeur faciale illisible (par exemple 10 ou 12,50).`,
  noChangeOnTitles: 'Aucune monnaie n’est rendue sur les titres.',
  // Virement
  transferReference: 'Référence du virement',
  // Répartition
  allocationTitle: 'Factures réglées',
  allocationAuto: 'Répartition automatique : les plus anciennes échéances d’abord.',
  allocationManual: 'Répartition saisie à la main.',
  allocationInvoice:
    'La facture choisie d’abord ; ce qui dépasse son reste dû va en avoir si la régie le permet.',
  allocationReset: 'Revenir à la répartition automatique',
  allocationLabel: 'Répartition du paiement sur les factures',
  noPayableInvoice:
    'Aucune facture à payer pour cette régie : le montant ira en avoir si la régie le permet.',
  columns: {
    number: 'Facture',
    label: 'Objet',
    dueDate: 'Échéance',
    before: 'Reste dû',
    amount: 'Affecté',
    after: 'Reste après',
  },
  allocationInput: (invoice: string) => `Montant affecté à la facture ${invoice}`,
  badAllocation: (invoice: string) =>
    `Montant affecté à la facture ${invoice} illisible : saisissez par exemple 20,00 ou laissez vide.`,
  allocated: 'Affecté aux factures',
  toCredit: 'Mis en avoir',
  remainingAfter: 'Reste dû après ce paiement',
  previewPending: 'Calcul de la répartition…',
  previewLabel: 'Contrôles du paiement',
  tillTitle: 'Caisse du poste',
  openTill: 'Aller à la caisse (F6)',
  violationsRefused: 'Paiement refusé',
  violationsIncomplete: 'À corriger',
  retrySame:
    'Le paiement a pu être enregistré malgré tout : appuyez de nouveau sur Entrée sans rien modifier, Guichet affichera son reçu s’il existe, sans jamais encaisser deux fois.',
  fixFirst: 'Corrigez d’abord ce qui est signalé ci-dessus : rien n’a été enregistré.',
  // Validation
  submit: 'Valider l’encaissement',
  submitKey: 'Entrée',
  submitting: 'Enregistrement…',
  keyboardHelp: `Entrée valide l’encaissement${NBSP}; Échap abandonne sans rien enregistrer.`,
  layoutLabel: 'Format du reçu',
} as const;

export const doneMessages = {
  title: 'Paiement enregistré',
  replayed:
    'Ce paiement avait déjà été enregistré (nouvelle tentative de la même saisie) : aucun second encaissement n’a été fait.',
  receiptNumber: 'Reçu n°',
  amount: 'Montant encaissé',
  change: 'Monnaie à rendre',
  noChange: 'Pas de monnaie à rendre',
  credit: 'Mis en avoir',
  allocations: 'Factures réglées',
  remaining: (amount: string) => `reste dû${NBSP}: ${amount}`,
  balance: 'Reste dû à la régie après ce paiement',
  backToFamily: 'Retour à la famille',
  backKey: 'Échap',
  receiptTitle: 'Reçu du payeur',
} as const;

/** Modes in the order the counter offers them: the most frequent first. */
export const counterModes: readonly CounterPaymentMode[] = [
  'especes',
  'cheque',
  'carte',
  'cesu',
  'cheque_vacances',
  'virement',
];
