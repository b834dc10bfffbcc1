// Texts of the "Remises au comptable" tab: deposit slips of cheques and titles, cash deposits at
// La Banque Postale and the card remittance summary.
import { formatEuro } from '../../../shared/money';
import type { SlipKind } from '../../../shared/contract';

const NBSP = '\u00a0';

/** "16/03/2026 à 10:30": the Paris date and time of an instant. */
export function parisShort(iso: string): string {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(d);
  const time = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
  return `${date} à ${time}`;
}

const kindItems: Record<SlipKind, { one: string; many: string }> = {
  cheque: { one: 'chèque', many: 'chèques' },
  cesu: { one: 'paiement en CESU', many: 'paiements en CESU' },
  cheque_vacances: { one: 'paiement en chèques-vacances', many: 'paiements en chèques-vacances' },
};

export const itemsOf = (kind: SlipKind, n: number): string =>
  `${n} ${n > 1 ? kindItems[kind].many : kindItems[kind].one}`;

export const depositMessages = {
  sourceLabel: 'Espèces prises dans',
  sourceHelp:
    'Chaque clôture sort les recettes du tiroir : un dépôt fait le lendemain les prend dans le coffre. Un dépôt fait avant la clôture les prend dans la caisse du jour.',
  sectionsLabel: 'Type de remise',
  sections: {
    slips: 'Bordereaux de remise',
    cash: 'Dépôt d’espèces',
    card: 'Cartes bancaires',
  },
  loading: 'Lecture des régies…',
  regiesFailed: (message: string) => `Les régies n’ont pas pu être lues${NBSP}: ${message}`,
  noRegie: 'Aucune régie n’est configurée sur ce poste.',
  regie: 'Régie',
  allRegies: 'Toutes les régies',
  kind: 'Nature de la remise',
  kinds: {
    cheque: 'Chèques',
    cesu: 'CESU',
    cheque_vacances: 'Chèques-vacances (ANCV)',
  } satisfies Record<SlipKind, string>,

  // Slip: candidates and draft.
  candidatesTitle: 'À remettre',
  candidatesLoading: 'Recherche des paiements à remettre…',
  candidatesFailed: (message: string) =>
    `Les paiements à remettre n’ont pas pu être lus${NBSP}: ${message}`,
  noCandidate: (kind: SlipKind) =>
    kind === 'cheque'
      ? 'Aucun chèque à remettre : tous ont déjà été portés sur un bordereau validé.'
      : 'Aucun titre à remettre pour cette régie.',
  candidatesHelp:
    'Cochez les paiements à porter sur le bordereau (Espace coche la ligne où se trouve le curseur). Seuls ceux d’une caisse clôturée peuvent être remis : les chèques sont pointés à la clôture.',
  selectAll: 'Tout sélectionner',
  selectNone: 'Tout désélectionner',
  upTo: 'Jusqu’au',
  upToHelp: 'Encaissés jusqu’à cette date incluse',
  selectUpTo: 'Sélectionner jusqu’à cette date',
  upToInvalid: 'Choisissez une date.',
  colSelect: 'Remettre',
  colDate: 'Encaissé le',
  colReceipt: 'Reçu',
  colFamily: 'Famille',
  colNumber: (kind: SlipKind) => (kind === 'cheque' ? 'N° de chèque' : 'Titres'),
  colBank: (kind: SlipKind) => (kind === 'cheque' ? 'Banque' : 'Émetteur'),
  colDrawer: (kind: SlipKind) => (kind === 'cheque' ? 'Tireur' : 'Remis par'),
  colAmount: 'Montant',
  selectLine: (receipt: string) => `Remettre le paiement ${receipt}`,
  sessionOpen: 'Caisse ouverte',
  sessionOpenHelp:
    'Encaissé dans une caisse encore ouverte : clôturez-la (pointage des chèques) avant de le remettre.',
  selection: 'Sélection',
  selectionCount: (kind: SlipKind, n: number) => itemsOf(kind, n),
  saveDraft: 'Enregistrer le brouillon',
  draftSaved: (kind: SlipKind, n: number, total: number) =>
    `Brouillon enregistré : ${itemsOf(kind, n)} pour ${formatEuro(total)}.`,
  draftInfo: (by: string, at: string) => `Brouillon en cours, préparé par ${by} (créé le ${at}).`,
  draftChanged:
    'La sélection diffère du brouillon enregistré : enregistrez le brouillon avant de le valider.',
  emptySelection: 'Cochez au moins un paiement.',
  draftPdf: 'Aperçu du brouillon (PDF)',
  validate: 'Valider le bordereau',
  validateOnlyRegisseur:
    'Le bordereau est validé par le régisseur ou son suppléant : enregistrez le brouillon, il le validera.',
  confirmTitle: 'Valider ce bordereau ?',
  confirmText: (kind: SlipKind, n: number, total: number) =>
    `Le bordereau de ${itemsOf(kind, n)} pour ${formatEuro(total)} recevra son numéro et ne pourra plus être modifié.`,
  confirm: 'Confirmer la validation',
  cancel: 'Annuler',
  validated: (number: string, kind: SlipKind, n: number, total: number) =>
    `Bordereau ${number} validé : ${itemsOf(kind, n)} pour ${formatEuro(total)}.`,
  slipDownload: 'Ouvrir / imprimer le bordereau',
  pdfFailed: (message: string) => `Le document n’a pas pu être produit${NBSP}: ${message}`,
  retrySame:
    'L’opération a pu être enregistrée malgré tout : renvoyez-la sans rien modifier, Guichet ne l’enregistrera jamais deux fois.',

  // Slip history.
  historyTitle: 'Bordereaux validés',
  noHistory: 'Aucun bordereau validé pour cette régie et cette nature.',
  colSlip: 'Bordereau',
  colValidated: 'Validé le',
  colCount: 'Nombre',
  colTotal: 'Total',
  colAdjusted: 'Après ajustements',
  colPdf: 'Document',
  pdf: 'PDF',
  pdfOf: (number: string) => `${number} en PDF`,
  adjustment: (receipt: string, amount: number, at: string, reason: string) =>
    `Ajustement : paiement ${receipt} (${formatEuro(amount)}) annulé le ${at} — ${reason}`,

  // Cash deposit.
  cashTitle: 'Dépôt d’espèces à La Banque Postale',
  cashHelp:
    'Comptez les billets et les pièces mis dans les sacs scellés : les billets dans un sac, les pièces dans un autre, chacun avec le numéro imprimé sur le sac.',
  cashHeld: (amount: number) =>
    `Espèces détenues sur ce poste pour cette régie (fonds exclu) : ${formatEuro(amount)}`,
  noTill:
    'Aucune caisse n’est ouverte sur ce poste : le dépôt sort les espèces de la caisse, ouvrez-la d’abord (F6).',
  notesSubtotal: 'Billets',
  coinsSubtotal: 'Pièces',
  notesBag: 'N° du sac des billets',
  coinsBag: 'N° du sac des pièces',
  bagHelp: 'Tel qu’imprimé sur le sac (lettres, chiffres, tirets).',
  bagNeeded: 'Indiquez le numéro du sac.',
  bagUnneeded: 'Rien à mettre dans ce sac : laissez ce numéro vide.',
  countsInvalid: 'Corrigez les nombres signalés ci-dessus : rien n’a été enregistré.',
  cashSubmit: 'Enregistrer le dépôt',
  cashDone: (number: string, total: number) =>
    `Dépôt ${number} enregistré : ${formatEuro(total)} sortis de la caisse (versement au comptable).`,
  cashDownload: 'Ouvrir / imprimer le bordereau de dépôt',
  cashHistoryTitle: 'Dépôts d’espèces',
  noCashHistory: 'Aucun dépôt d’espèces enregistré pour cette régie.',
  colDeposit: 'Dépôt',
  colDepositedAt: 'Déposé le',
  colBags: 'Sacs',
  bags: (notes: string | null, coins: string | null) =>
    [notes ? `billets ${notes}` : null, coins ? `pièces ${coins}` : null]
      .filter(Boolean)
      .join(', '),

  // Card summary.
  cardTitle: 'Récapitulatif des remises carte bancaire',
  cardHelp:
    'Par session de caisse : les paiements par carte enregistrés (nets des annulations) et le total de télécollecte du TPE saisi à la clôture.',
  from: 'Du',
  to: 'Au',
  show: 'Afficher',
  cardPdf: 'Récapitulatif en PDF',
  noCard: 'Aucun paiement par carte sur la période.',
  colSession: 'Session',
  colPoste: 'Poste',
  colOpened: 'Ouverture',
  colClosed: 'Clôture',
  colNet: 'Net encaissé',
  colBatch: 'Lot TPE',
  colDifference: 'Écart',
  stillOpen: 'ouverte',
  cardTotal: (n: number, net: number, batch: number, diff: number) =>
    `Total : ${n} paiement(s), net ${formatEuro(net)}, lots TPE ${formatEuro(batch)}, écarts ${formatEuro(diff)}.`,
  datesInvalid: 'Indiquez les deux dates.',
} as const;
