// Texts of the till screen (caisse) and of the till line on the home screen.
import { formatEuro } from '../../../shared/money';

const NBSP = '\u00a0';

/** "08:02": the Paris wall-clock time of an instant. */
export function parisTime(iso: string): string {
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** "lundi 23 novembre à 08:02": the Paris date and time of an instant. */
export function parisDateTime(iso: string): string {
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

export const tillMessages = {
  title: 'Caisse du poste',
  back: 'Retour',
  loading: 'Lecture de l’état de la caisse…',
  statusFailed: (message: string) => `L’état de la caisse n’a pas pu être lu${NBSP}: ${message}`,
  open: (since: string) => `Caisse ouverte depuis le ${since}`,
  openBy: (name: string) => `Ouverte par ${name}`,
  closed: 'Caisse fermée',
  closedHelp: 'Aucune caisse n’est ouverte sur ce poste. Comptez le fonds de caisse pour l’ouvrir.',
  overnight:
    'Cette caisse a été ouverte un jour précédent : clôturez-la avant tout nouvel encaissement.',
  floatCounted: (amount: number) =>
    `Fonds de caisse compté à l’ouverture${NBSP}: ${formatEuro(amount)}`,
  cashTitle: 'Espèces détenues par régie',
  cashRegie: 'Régie',
  cashHeld: 'Espèces (fonds exclu)',
  cashCeiling: 'Plafond',
  cashLevel: 'Niveau',
  cashVersement: 'Versement au comptable',
  levels: { normal: 'Normal', alerte: 'Alerte', depasse: 'Plafond dépassé' },
  override: 'Dérogation accordée',
  movementSource: 'Espèces prises dans',
  overrideAction: 'Autoriser le dépassement…',
  overrideTitle: (regie: string) => `Dépassement du plafond d’espèces — ${regie}`,
  overrideExplain: (held: string, ceiling: string) =>
    `La régie détient ${held} en espèces pour un plafond de ${ceiling}. La règle est de faire un versement au comptable ; à défaut, vous pouvez autoriser les encaissements en espèces jusqu’à la clôture de cette caisse. Votre décision et son motif sont inscrits au journal.`,
  overrideReason: 'Motif de la dérogation',
  overrideReasonHelp:
    'Au moins 5 caractères, par exemple « Trésorerie fermée ce jour, versement demain matin ».',
  overrideCancel: 'Annuler',
  overrideSubmit: 'Autoriser jusqu’à la clôture',
  lastVersement: (at: string | null) =>
    at ? `Dernier versement le ${parisDateTime(at)}` : 'Aucun versement enregistré',
  actionsLabel: 'Opérations de caisse',
  actionOpen: 'Ouvrir la caisse',
  actionMovement: 'Mouvement de caisse',
  actionClose: 'Clôturer la caisse',
  noTillRight: 'Votre profil ne permet pas d’ouvrir, de mouvementer ni de clôturer la caisse.',

  // Counting grid.
  gridLabel: 'Comptage des billets et des pièces',
  gridNotes: 'Billets',
  gridCoins: 'Pièces',
  gridHelp:
    'Indiquez le nombre de chaque billet et pièce. Entrée ou Tab passe à la ligne suivante.',
  countLabel: (label: string) => `Nombre — ${label}`,
  countInvalid: 'Nombre entier attendu (0 ou plus).',
  total: 'Total compté',
  subtotal: (amount: number) => formatEuro(amount),

  // Opening.
  openTitle: 'Ouvrir la caisse',
  openHelp: 'Comptez le fonds de caisse remis au guichet, billet par billet et pièce par pièce.',
  openSubmit: 'Ouvrir la caisse avec ce fonds',
  opened: (amount: number) => `Caisse ouverte avec un fonds compté de ${formatEuro(amount)}.`,
  floatWarnings: 'À vérifier sur le fonds de caisse',
  fixCounts: 'Corrigez ce qui est signalé ci-dessus : rien n’a été enregistré.',

  // Movements.
  movementTitle: 'Mouvement de caisse',
  movementKind: 'Type de mouvement',
  movementRegie: 'Régie',
  movementAmount: 'Montant',
  movementAmountInvalid: 'Montant illisible : écrivez par exemple 50 ou 12,50.',
  movementReason: 'Motif',
  movementReasonHelp: 'Au moins 5 caractères (ex. «\u00a0Dépôt à la trésorerie\u00a0»).',
  movementSubmit: 'Enregistrer le mouvement',
  movementDone: (label: string, amount: number) => `${label} de ${formatEuro(amount)} enregistré.`,
  noCashRegie: 'Aucune régie de ce poste n’accepte les espèces.',

  // Closing.
  closeTitle: 'Clôturer la caisse',
  closeHelp:
    'Comptez les espèces, cochez les chèques présents et reportez le total de la télécollecte du TPE. Chaque écart demande un motif.',
  previewLoading: 'Calcul de ce que la caisse doit contenir…',
  previewFailed: (message: string) => `La clôture ne peut pas être préparée${NBSP}: ${message}`,
  cashCount: 'Espèces comptées',
  chequesTitle: 'Chèques à pointer',
  chequesHelp: 'Cochez chaque chèque physiquement présent dans la caisse.',
  noCheques: 'Aucun chèque encaissé dans cette session.',
  chequeLine: (receipt: string, bank: string, number: string, drawer: string) =>
    `${receipt} — ${bank} n°${NBSP}${number} — ${drawer}`,
  cardBatch: 'Total de la télécollecte du TPE',
  cardBatchHelp: 'Le montant imprimé sur le ticket de fin de journée du terminal.',
  titlesTotal: (label: string) => `Total des titres — ${label}`,
  amountInvalid: 'Montant illisible : écrivez par exemple 120 ou 120,50.',
  summaryTitle: 'Attendu et compté par mode',
  colMode: 'Mode',
  colExpected: 'Attendu',
  colCounted: 'Compté',
  colDifference: 'Écart',
  colReason: 'Motif de l’écart',
  deficit: 'Déficit',
  excess: 'Excédent',
  balanced: 'Juste',
  reasonLabel: (label: string) => `Motif de l’écart — ${label}`,
  reasonMissing: 'Indiquez le motif de cet écart (au moins 5 caractères).',
  tolerance: (amount: number) =>
    `Un écart de plus de ${formatEuro(amount)} doit être validé par le régisseur ou son suppléant.`,
  validatorTitle: 'Validation par le régisseur ou le suppléant',
  validatorHelp:
    'L’écart dépasse la tolérance : le régisseur ou son suppléant saisit ici son identifiant et son mot de passe.',
  validatorLogin: 'Identifiant du valideur',
  validatorPassword: 'Mot de passe du valideur',
  closeSubmit: 'Clôturer la caisse',
  closed_: (at: string) => `Caisse clôturée le ${at}.`,
  floatLeft: (amount: number) => `Fonds laissé en caisse${NBSP}: ${formatEuro(amount)}`,
  zTitle: 'Rapport de clôture (Z)',
  zDownload: 'Ouvrir / imprimer le rapport Z',
  zLoading: 'Préparation du rapport de clôture…',
  zFailed: (message: string) => `Le rapport de clôture n’a pas pu être produit${NBSP}: ${message}`,
  done: 'Terminer',

  sending: 'Enregistrement…',
  retrySame:
    'L’opération a pu être enregistrée malgré tout : renvoyez-la sans rien modifier, Guichet ne l’enregistrera jamais deux fois.',

  // Home screen line.
  homeOpen: (since: string) => `Caisse ouverte depuis ${since}`,
  homeCash: (held: number, ceiling: number) =>
    `espèces ${formatEuro(held)} / plafond ${formatEuro(ceiling)}`,
  homeClosed: 'Caisse fermée — F6 pour l’ouvrir',
  homeOvernight: 'Caisse d’un jour précédent — F6 pour la clôturer',
  homeLabel: 'État de la caisse',
} as const;
