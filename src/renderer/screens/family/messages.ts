import type { InvoiceState } from '../../../shared/invoice-state';

const NBSP = '\u00a0';

export const familyMessages = {
  back: 'Retour à la recherche',
  backKey: 'Échap',
  loading: 'Chargement de la famille…',
  title: (name: string) => `Famille ${name}`,
  code: 'Code famille',
  totalDue: 'Reste dû, toutes régies',
  responsables: 'Responsables',
  responsableRank: (rank: number) => (rank === 1 ? 'Responsable 1' : 'Responsable 2'),
  noResponsable: 'Aucun responsable enregistré.',
  phoneMobile: 'Portable',
  phoneHome: 'Domicile',
  phoneWork: 'Travail',
  email: 'Courriel',
  noContact: 'Ni téléphone ni courriel enregistrés.',
  children: 'Enfants',
  noChildren: 'Aucun enfant enregistré.',
  childName: 'Nom',
  birthDate: 'Né(e) le',
  school: 'École',
  noSchool: '—',
  regies: 'Comptes par régie',
  noRegie: 'Cette famille n’a de compte dans aucune régie.',
  due: 'Reste dû',
  credit: 'Avoir disponible',
  noInvoice: 'Aucune facture pour cette régie.',
  notApplicable: '—',
  invoicesLabel: (regie: string) => `Factures — ${regie}`,
  stateCount: (n: number, label: string) => `${label}${NBSP}: ${n}`,
  collect: 'Encaisser',
  collectKey: 'F4',
  collectLabel: (regie: string) => `Encaisser un paiement — ${regie}`,
  collectHelp: `F4 encaisse sur la régie sélectionnée (Tab pour passer d’une régie à l’autre).`,
  payInvoice: 'Payer',
  payInvoiceLabel: (invoice: string) => `Encaisser la facture ${invoice}`,
  columns: {
    number: 'Facture',
    label: 'Objet',
    dueDate: 'Échéance',
    amount: 'Montant',
    paid: 'Réglé',
    remaining: 'Reste dû',
    state: 'État',
    action: 'Action',
  },
} as const;

export const historyMessages = {
  title: 'Paiements de la famille',
  loading: 'Chargement des paiements…',
  none: 'Aucun paiement enregistré au guichet pour cette famille.',
  tableLabel: 'Paiements enregistrés',
  columns: {
    receipt: 'Reçu',
    date: 'Date',
    regie: 'Régie',
    mode: 'Mode',
    amount: 'Montant',
    agent: 'Agent',
    state: 'État',
    actions: 'Actions',
  },
  valid: 'Valide',
  cancelled: 'Annulé',
  cancelledDetail: (by: string, at: string, reason: string) =>
    `Annulé par ${by} le ${at}${NBSP}: ${reason}`,
  reprint: 'Réimprimer',
  reprintLabel: (receipt: string) => `Réimprimer le reçu ${receipt}`,
  reprintPayment: 'Reçu de paiement',
  reprintCancellation: 'Reçu d’annulation',
  reprintTitle: (receipt: string) => `Duplicata du reçu ${receipt}`,
  reprintNote: 'Chaque réimpression est un DUPLICATA et reste inscrite au journal des opérations.',
  close: 'Fermer',
  cancel: 'Annuler',
  cancelLabel: (receipt: string) => `Annuler le paiement ${receipt}`,
  cancelTitle: (receipt: string) => `Annuler le paiement ${receipt}`,
  cancelExplanation: (amount: string, date: string) =>
    `Paiement de ${amount} du ${date}. L’annulation est définitive et inscrite au journal${NBSP}: le reçu garde son numéro, les factures qu’il réglait redeviennent à payer et un reçu d’annulation est émis.`,
  reason: 'Motif de l’annulation',
  reasonHelp: 'Au moins 5 caractères. Il figure sur le reçu d’annulation et au journal.',
  reasonTooShort: 'Indiquez le motif de l’annulation (5 caractères au moins).',
  confirmCancel: 'Confirmer l’annulation',
  keepPayment: 'Ne pas annuler',
  cancelDone: (receipt: string) => `Le paiement ${receipt} est annulé.`,
  cancelReceipt: 'Reçu d’annulation',
} as const;

/**
 * Badge colours per state, dark enough for white text (contrast at least 4.5:1); states that
 * ask for nothing (partly paid, cancelled) are outlined rather than filled.
 */
export const stateBadge: Record<InvoiceState, { color: string; variant: 'filled' | 'outline' }> = {
  a_payer: { color: '#b34000', variant: 'filled' },
  partielle: { color: '#b34000', variant: 'outline' },
  payee: { color: '#18753c', variant: 'filled' },
  tresorerie: { color: '#6e2b8a', variant: 'filled' },
  prelevement: { color: '#0b4f9c', variant: 'filled' },
  annulee: { color: '#3a3a3a', variant: 'outline' },
};

export const onlineMessages = {
  pendingTitle: 'Paiements en ligne en cours',
  pendingHelp:
    'La famille a commencé à payer ces factures sur le portail (PayFiP). Tant que PayFiP n’a pas répondu, ne les encaissez pas au guichet sans l’accord de la famille : elles seraient payées deux fois.',
  pendingTableLabel: 'Paiements en ligne en cours',
  columns: {
    invoice: 'Facture',
    regie: 'Régie',
    amount: 'Montant',
    started: 'Commencé',
    age: 'Depuis',
    lock: 'Bloqué jusqu’à',
    action: 'Action',
    date: 'Date',
    mode: 'Mode',
    numauto: 'N° d’autorisation',
    idop: 'Identifiant PayFiP (idOp)',
  },
  age: (minutes: number) =>
    minutes < 1
      ? 'moins d’une minute'
      : minutes < 60
        ? `${minutes}${NBSP}min`
        : `${Math.floor(minutes / 60)}${NBSP}h${NBSP}${String(minutes % 60).padStart(2, '0')}`,
  noLock: 'plus bloquée',
  recheck: 'Vérifier auprès de PayFiP',
  recheckLabel: (invoice: string) =>
    `Vérifier auprès de PayFiP le paiement en ligne de la facture ${invoice}`,
  checking: 'Vérification auprès de PayFiP…',
  resultTitle: {
    paye: 'Paiement en ligne accepté',
    refuse: 'Paiement en ligne refusé',
    abandonne: 'Paiement en ligne abandonné',
    expire: 'Paiement en ligne expiré',
    erreur: 'Paiement en ligne en erreur',
    en_cours: 'Paiement en ligne toujours en cours',
  },
  errorTitle: 'Vérification impossible',
  settled: (invoice: string) => `La facture ${invoice} est réglée.`,
  close: 'Fermer le message',
  paidTitle: 'Paiements en ligne (PayFiP)',
  paidTableLabel: 'Paiements en ligne reçus du portail',
  paidHelp:
    'Tels que la famille les voit sur le portail : payés sur PayFiP, jamais saisis au guichet.',
  sharedPayment: (total: string) => `sur ${total} payés en une fois`,
  invoicePending: 'Paiement en ligne en cours',
  invoicePaidOnline: (numauto: string | null) =>
    numauto ? `En ligne (PayFiP), autorisation n°${NBSP}${numauto}` : 'En ligne (PayFiP)',
  loadError: (message: string) => `Paiements en ligne indisponibles : ${message}`,
} as const;
