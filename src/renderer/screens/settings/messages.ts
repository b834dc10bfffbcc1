// Texts of the settings screen (Paramètres, F9).
import {
  ACCESS_CODE_MAX_DAYS,
  ACCESS_CODE_MIN_DAYS,
  BANK_MISSING_MAX_DAYS,
  BANK_MISSING_MIN_DAYS,
  backupReasonLabels,
  type BackupReason,
} from '../../../shared/contract';

const NBSP = '\u00a0';

/** "16/03/2026 10:30": the Paris date and time of an instant. */
export function parisDateTime(iso: string): string {
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(iso));
}

export function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))}${NBSP}Ko`;
  return `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })}${NBSP}Mo`;
}

export const settingsMessages = {
  navLabel: 'Paramètres',
  title: 'Paramètres',
  back: 'Retour',
  backKey: 'Échap',
  loading: 'Lecture des paramètres…',
  loadFailed: (message: string) => `Les paramètres n’ont pas pu être lus${NBSP}: ${message}`,
  tabs: {
    poste: 'Ce poste',
    imprimantes: 'Imprimantes',
    commune: 'Commune',
    regies: 'Régies',
    sauvegardes: 'Sauvegardes',
    portail: 'Portail',
    incident: 'Rapport d’incident',
  },
  portal: {
    notEnrolled:
      'Ce poste n’est pas relié au portail : il fonctionne seul. Les paiements en ligne et ceux des autres postes n’y arrivent pas.',
    state: (url: string, online: boolean, last: string | null, waiting: number) =>
      `Relié au portail ${url} — ${online ? 'en ligne' : 'hors ligne'}. ${last ? `Dernière synchronisation le ${last}.` : 'Jamais synchronisé.'} ${waiting === 0 ? 'Aucune opération en attente.' : `${waiting} opération(s) en attente d’envoi.`}`,
    syncNow: 'Synchroniser maintenant',
    toHandle: (n: number) => `${n} opération(s) refusée(s) par le portail, à traiter`,
    toHandleHelp:
      'Elles restent enregistrées au guichet et ne sont jamais effacées : voyez avec l’administrateur du portail la raison indiquée.',
    colWhen: 'Refusée le',
    colKind: 'Opération',
    colReason: 'Raison donnée par le portail',
    enrolTitle: 'Enrôler ce poste',
    enrolRegisseurOnly: 'Seul le régisseur enrôle le poste auprès du portail.',
    enrolHelp:
      'L’administrateur du portail crée le poste et vous donne un code à usage unique. Le secret reçu en échange est gardé hors de la base et n’est jamais affiché.',
    url: 'Adresse du portail',
    code: 'Code d’enrôlement',
    enrol: 'Enrôler',
    reenrol: 'Enrôler à nouveau (nouveau code)',
    enrolled: (poste: string) => `Poste ${poste} enrôlé : la synchronisation démarre.`,
  },
  readOnlyMachine:
    'Seuls le régisseur et son suppléant peuvent modifier les paramètres du poste. Vous pouvez les consulter.',
  readOnlyRegies:
    'Seul le régisseur titulaire peut modifier la configuration des régies. Vous pouvez la consulter.',
  save: 'Enregistrer',
  saving: 'Enregistrement…',
  saved: 'Paramètres enregistrés.',
  nothingChanged: 'Aucune modification à enregistrer.',
  reset: 'Annuler les modifications',
  badEuro: (label: string) =>
    `${label}${NBSP}: montant invalide. Écrivez par exemple 1,50 (euros et centimes).`,
  badInteger: (label: string) => `${label}${NBSP}: un nombre entier est attendu.`,

  machine: {
    posteCode: 'Code du poste',
    posteCodeHelp: 'Utilisé dans les numéros de reçus ; il ne se modifie pas ici.',
    posteName: 'Nom du poste',
    posteNameHelp: 'Imprimé sur les rapports de caisse, par exemple «\u00a0Accueil mairie\u00a0».',
    receiptFormat: 'Format des reçus',
    portalUrl: 'Adresse du portail',
    portalUrlHelp: 'https://… ; laissez vide s’il n’y a pas de portail.',
    updateFeedUrl: 'Adresse des mises à jour',
    updateFeedUrlHelp:
      'https://… fournie par le service informatique ; vide = pas de recherche de mise à jour.',
    backupDir: 'Dossier des sauvegardes',
    backupDirHelp: (defaultDir: string) =>
      `Chemin complet d’un dossier de cet ordinateur (pas de partage réseau). Vide = dossier par défaut${defaultDir ? ` (${defaultDir})` : ''}.`,
    idleLockSeconds: 'Verrouillage après inactivité (secondes)',
    idleLockHelp: 'De 60 (1 minute) à 3600 (1 heure).',
    tillSection: 'Caisse',
    tillToleranceCents: 'Tolérance d’écart à la clôture (€)',
    tillToleranceHelp:
      'Un écart plus grand, par mode de paiement, doit être validé par le régisseur ou le suppléant.',
    tillFloatCents: 'Fonds de caisse attendu (€)',
    tillFloatHelp: 'Vide = le fonds le plus élevé des régies qui acceptent les espèces.',
    cashCeilingWarnPercent: 'Alerte du plafond d’encaisse (%)',
    cashCeilingWarnHelp: 'Part du plafond à partir de laquelle la caisse avertit.',
    backupSection: 'Sauvegardes conservées',
    keepDailyBackups: 'Sauvegardes quotidiennes',
    keepClosingBackups: 'Sauvegardes de clôture',
    keepHelp: 'Les plus anciennes sont supprimées ; la dernière sauvegarde ne l’est jamais.',
    familySection: 'Espace familles',
    familyPortalUrl: 'Adresse de l’espace familles',
    familyPortalUrlHelp: (fallback: string) =>
      `Imprimée sur les coupons. https://… (http:// seulement pour localhost). Vide = ${fallback || 'l’adresse du portail suivie de /famille'}.`,
    accessCodeDays: 'Validité des codes d’accès (jours)',
    accessCodeDaysHelp:
      'Durée pendant laquelle une famille peut activer son espace avec le code du coupon, de 1 à 365 jours (60 par défaut).',
    accessCodeDaysRange: `Validité des codes d’accès${NBSP}: de ${ACCESS_CODE_MIN_DAYS} à ${ACCESS_CODE_MAX_DAYS} jours.`,
    bankSection: 'Rapprochement bancaire',
    bankMissingWorkingDays: 'Crédit attendu sur le relevé sous (jours ouvrés)',
    bankMissingWorkingDaysHelp:
      'Un paiement en ligne ou un dépôt absent des relevés après ce délai est signalé comme manquant, de 1 à 60 jours ouvrés (5 par défaut).',
    bankMissingWorkingDaysRange: `Crédit attendu sur le relevé${NBSP}: de ${BANK_MISSING_MIN_DAYS} à ${BANK_MISSING_MAX_DAYS} jours ouvrés.`,
  },

  printers: {
    intro:
      'Imprimantes de ce poste. Laissez un nom vide pour utiliser l’imprimante par défaut de Windows.',
  },

  commune: {
    intro:
      'Identité de la commune imprimée sur les reçus, rapports de caisse, bordereaux, coupons et éditions. Les documents déjà émis gardent ce qu’ils ont imprimé.',
    readOnly:
      'Seul le régisseur titulaire peut modifier l’identité de la commune. Vous pouvez la consulter.',
    toConfigure: `La commune n’est pas encore renseignée${NBSP}: les documents imprimeraient «${NBSP}Commune à configurer${NBSP}». Renseignez-la avant le premier encaissement.`,
    name: 'Nom de la commune',
    addressLine: 'Adresse de la mairie',
    postalCode: 'Code postal',
    city: 'Ville',
    siret: 'SIRET',
    siretHelp: `Facultatif${NBSP}: 14 chiffres.`,
    phone: 'Téléphone de la mairie',
    phoneHelp: 'Facultatif.',
    fromPortal: `Sur un poste relié au portail, l’identité de la commune vient du portail${NBSP}: la modification y est refusée.`,
  },

  regies: {
    choose: 'Régie',
    modes: 'Modes de paiement acceptés',
    cesuAgreement: 'La régie est affiliée au CRCESU (agrément pour accepter les CESU)',
    chequeVacancesAgreement:
      'La régie a signé la convention ANCV (agrément pour accepter les chèques-vacances)',
    cashCeilingCents: 'Plafond d’encaisse (€)',
    floatCents: 'Fonds de caisse (€)',
    creditorLabel: 'Ordre des chèques',
    numcli: 'Numéro client PayFiP (numcli)',
    numcliHelp: '6 chiffres fournis par la DGFiP ; vide si la régie n’utilise pas PayFiP.',
    payfipSaisie: 'Mode PayFiP',
    payfipModes: {
      T: 'T — test',
      X: 'X — activation',
      W: 'W — production',
    } satisfies Record<'T' | 'X' | 'W', string>,
    dftAccount: 'Compte DFT (dépôt de fonds au Trésor)',
    allowCredit: 'Les trop-perçus peuvent être mis en avoir',
    allowDirectDebitPayment: 'Les factures en prélèvement peuvent être payées au guichet',
    none: 'Aucune régie configurée.',
    noneCreate: `Aucune régie n’est encore configurée sur ce poste. Créez d’abord vos régies avec le bouton «${NBSP}Nouvelle régie${NBSP}»${NBSP}: les factures importées et les paiements sont rattachés à une régie.`,
    identity: 'Identité',
    identityHelp: 'Imprimée sur les reçus et les coupons remis aux familles.',
    configuration: 'Encaissement',
    code: 'Code de la régie',
    codeHelp:
      '2 à 5 lettres ou chiffres, par exemple SPO. Il figure dans les numéros des reçus et des bordereaux et ne pourra plus être modifié.',
    name: 'Nom de la régie',
    namePlaceholder: 'Régie des sports',
    serviceName: 'Service qui accueille les familles',
    servicePlaceholder: 'Service des Sports',
    serviceAddress: 'Adresse du service',
    serviceAddressPlaceholder: 'Complexe sportif, avenue Jean Jaurès, 49100 Ville',
    servicePhone: 'Téléphone du service',
    servicePhoneHelp: 'Facultatif, par exemple 02 61 91 00 30.',
    creditorHelp: `À l’ordre de qui les chèques sont libellés${NBSP}: la régie «${NBSP}ès qualités${NBSP}» ou DGFiP.`,
    create: 'Nouvelle régie',
    createTitle: 'Nouvelle régie',
    createIntro:
      'Pour une commune sans portail : les régies d’un poste relié au portail viennent du portail.',
    createSubmit: 'Créer la régie',
    cancel: 'Annuler',
    created: (code: string, name: string) =>
      `Régie ${code} — ${name} créée. Elle peut encaisser dès maintenant${NBSP}; ses factures s’importent dans Remises, clôtures et éditions (F7) › Import.`,
    createOnlyRegisseur: 'Seul le régisseur titulaire peut créer une régie.',
  },

  backups: {
    intro:
      'Une sauvegarde est faite après chaque clôture de caisse et une fois par jour ; chacune est vérifiée (fichier et journaux) avant d’être gardée.',
    folder: (dir: string) => `Dossier${NBSP}: ${dir}`,
    keep: (daily: number, closing: number) =>
      `Conservées${NBSP}: ${daily} quotidiennes et ${closing} de clôture, plus les sauvegardes manuelles récentes.`,
    forbidden:
      'La liste des sauvegardes est réservée au régisseur et à son suppléant. Demandez-leur si une sauvegarde est nécessaire.',
    makeNow: 'Sauvegarder maintenant',
    made: (name: string) => `Sauvegarde faite et vérifiée${NBSP}: ${name}`,
    empty: 'Aucune sauvegarde dans le dossier.',
    tableLabel: 'Sauvegardes disponibles',
    columns: {
      date: 'Date',
      reason: 'Motif',
      size: 'Taille',
      check: 'Vérification',
      hash: 'Empreinte SHA-256',
      action: 'Action',
    },
    reason: (r: BackupReason) => backupReasonLabels[r],
    verified: 'Vérifiée',
    failed: 'Échec',
    unknown: 'Non journalisée',
    restore: 'Restaurer…',
    restoreOnlyRegisseur: 'Seul le régisseur titulaire peut restaurer une sauvegarde.',
    confirmTitle: 'Restaurer cette sauvegarde ?',
    confirmIntro: (date: string) =>
      `Toutes les données de ce poste vont revenir à leur état du ${date}.`,
    consequences: [
      'Les opérations enregistrées depuis cette date (paiements, annulations, clôtures, remises…) ne seront plus dans la base en service. Elles resteront dans l’ancienne base, conservée à part sous un autre nom, mais il faudra les ressaisir.',
      'La sauvegarde est d’abord vérifiée (fichier et journaux) : si elle est abîmée ou modifiée, rien n’est changé.',
      'Tous les agents seront déconnectés et devront s’identifier à nouveau.',
      'La restauration est inscrite au journal des événements techniques.',
    ],
    confirmAdvice:
      'Ne restaurez une sauvegarde qu’en cas de base abîmée ou sur demande du comptable public ou du support.',
    confirm: 'Restaurer cette sauvegarde',
    cancel: 'Annuler',
    restoring: 'Restauration en cours…',
    restoredNotice: (from: string, lost: number, replaced: string) =>
      `Base restaurée depuis la sauvegarde du ${from}. ${
        lost === 0
          ? 'Aucune écriture de l’ancienne base n’est perdue.'
          : `${lost} écriture${lost > 1 ? 's' : ''} du journal de l’ancienne base n’y figure${lost > 1 ? 'nt' : ''} pas : ressaisissez les opérations concernées.`
      } L’ancienne base est conservée (${replaced}). Identifiez-vous à nouveau.`,
  },

  incident: {
    intro:
      'Le rapport d’incident rassemble les journaux de fonctionnement, le journal des événements techniques, les versions et les paramètres de ce poste, pour le support. Il ne contient aucune donnée personnelle des familles : noms, adresses, courriels et téléphones sont masqués.',
    make: 'Établir le rapport d’incident',
    making: 'Préparation du rapport…',
    ready: (name: string) => `Rapport prêt${NBSP}: ${name}`,
    download: 'Enregistrer le rapport (zip)',
    contents: 'Contenu du rapport',
    send: 'Transmettez ce fichier au support, par exemple en pièce jointe d’un courriel.',
  },
} as const;
