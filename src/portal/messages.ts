// Every French text of the portal in one place: HTTP error messages (which registers show to
// agents as they are), rejection reasons of pushed operations, CLI output and log lines.
import { formatEuro } from '../shared/money';

export const portalText = {
  // Database and start-up.
  newerDatabase: (applied: number, shipped: number) =>
    `Cette base de données du portail a été créée par une version plus récente de Guichet (${applied} migrations, cette version en connaît ${shipped}). Installez la dernière version du portail ; la base n’a pas été modifiée.`,
  divergentMigration: (i: number, tag: string, expected: string) =>
    `La base de données du portail ne correspond pas à cette version : la migration n°${i} appliquée (${tag}) diffère de celle livrée (${expected}). Contactez le support ; la base n’a pas été modifiée.`,
  folderInUse: (dir: string, pid: number) =>
    `Le dossier de données ${dir} est déjà utilisé par un autre processus du portail${pid ? ` (pid ${pid})` : ''}. Arrêtez-le, ou passez par l’API d’administration du portail en marche, ou choisissez un autre dossier.`,
  poolError: 'connexion PostgreSQL perdue ; une nouvelle sera ouverte à la prochaine requête',
  pgBackupAdvice:
    'migrations à appliquer sur un serveur PostgreSQL : faites une sauvegarde (pg_dump) avant toute mise à jour du portail',
  backupWritten: 'sauvegarde de la base du portail écrite avant migration',
  badMasterKey:
    'GUICHET_PORTAL_MASTER_KEY est invalide : 32 octets au moins, encodés en base64 ou base64url, sont attendus.',
  masterKeyCreated:
    'clé maîtresse du portail créée : sauvegardez ce fichier, sans lui les postes devront être ré-enrôlés',

  // HTTP generic.
  notFound: 'Adresse inconnue sur le portail Guichet.',
  badJson: 'Le corps de la requête n’est pas du JSON valide.',
  unsupportedMedia: 'Le portail n’accepte que des corps JSON (Content-Type: application/json).',
  bodyTooLarge: 'Requête trop volumineuse : envoyez moins d’opérations par lot.',
  internal:
    'Erreur interne du portail. Réessayez dans un moment ; si elle persiste, transmettez l’heure de l’erreur au support.',
  invalid: (detail: string) => `Requête invalide : ${detail}`,

  // Admin.
  adminDisabled:
    'L’API d’administration est désactivée : définissez GUICHET_PORTAL_ADMIN_TOKEN au démarrage du portail, ou utilisez la ligne de commande.',
  adminUnauthorized: 'Jeton d’administration absent ou incorrect.',

  // Counters and enrolment.
  posteExists: (poste: string) =>
    `Un poste ${poste} existe déjà. Pour remplacer son ordinateur, émettez un nouveau code d’enrôlement pour ce poste.`,
  posteUnknown: (poste: string) => `Aucun poste ${poste} n’est déclaré sur le portail.`,
  regieUnknown: (code: string) => `Régie inconnue sur le portail : ${code}.`,
  noRegie:
    'Le portail ne connaît encore aucune régie : importez la commune avant de créer un poste.',
  posteRevoked: (poste: string) =>
    `Le poste ${poste} est révoqué : il ne peut plus se synchroniser. Créez un nouveau poste si besoin.`,
  alreadyRevoked: (poste: string) => `Le poste ${poste} est déjà révoqué.`,
  enrolCodeInvalid:
    'Code d’enrôlement inconnu. Vérifiez la saisie (les lettres O et I n’y figurent jamais) ou demandez un nouveau code à l’administrateur du portail.',
  enrolCodeExpired:
    'Ce code d’enrôlement a expiré. Demandez un nouveau code à l’administrateur du portail.',
  enrolCodeUsed:
    'Ce code d’enrôlement a déjà servi : un code ne sert qu’une fois. Demandez un nouveau code à l’administrateur du portail.',
  enrolCodeSuperseded:
    'Ce code d’enrôlement a été remplacé par un code plus récent. Utilisez le dernier code reçu.',

  // Signed requests.
  signatureMissing:
    'Requête non signée : les en-têtes X-Guichet-Counter, X-Guichet-Timestamp, X-Guichet-Nonce et X-Guichet-Signature sont obligatoires.',
  counterUnknown:
    'Poste inconnu du portail. Enrôlez ce poste avec un code fourni par l’administrateur du portail.',
  counterNotEnrolled:
    'Ce poste n’a pas encore été enrôlé. Saisissez le code d’enrôlement fourni par l’administrateur du portail.',
  signatureInvalid:
    'Signature de la requête incorrecte. Si le poste a été ré-enrôlé sur un autre ordinateur, enrôlez celui-ci à nouveau.',
  clockSkew: (deltaSeconds: number) =>
    `L’horloge de ce poste diffère de celle du portail de ${Math.abs(deltaSeconds)} secondes (5 minutes au plus sont admises). Remettez le poste à l’heure puis réessayez.`,
  nonceReplayed:
    'Requête déjà reçue (nonce réutilisé) : elle est refusée pour empêcher un rejeu. Renvoyez-la avec un nouveau nonce.',
  badNonce: 'Nonce invalide : 16 à 64 caractères parmi A-Z, a-z, 0-9, « - » et « _ ».',
  revoked:
    'Ce poste a été révoqué par l’administrateur du portail : il ne peut plus se synchroniser.',

  // Push.
  seqHeld: (expected: number) =>
    `Opération mise en attente : le portail attend d’abord l’opération n°${expected} de ce poste. Renvoyez les opérations dans l’ordre, sans trou.`,
  seqUsed: (seq: number) =>
    `Le numéro de séquence ${seq} a déjà servi à une autre opération de ce poste : cette opération n’a pas été enregistrée. Signalez-le au support.`,
  opDivergent:
    'Cette opération (même opId) a déjà été reçue avec un autre contenu : la première version est conservée, celle-ci est refusée.',
  payloadInvalid: (detail: string) => `Opération invalide : ${detail}`,
  regieOutOfScope: (code: string) =>
    `Ce poste n’est pas autorisé à encaisser pour la régie ${code}. Demandez à l’administrateur du portail de l’y ajouter.`,
  familyUnknown: (code: string) =>
    `Famille ${code} inconnue du portail. Vérifiez le code famille ; l’opération reste à traiter sur le poste.`,
  invoiceUnknown: (number: string) =>
    `Facture ${number} inconnue du portail. L’opération reste à traiter sur le poste.`,
  invoiceOtherFamily: (number: string, family: string) =>
    `La facture ${number} n’appartient pas à la famille ${family} ou à cette régie.`,
  receiptDuplicate: (number: string) =>
    `Le reçu ${number} a déjà été reçu par le portail dans une autre opération.`,
  refDuplicate: (ref: string) => `La référence ${ref} a déjà été reçue dans une autre opération.`,
  targetUnknown:
    'L’opération annulée est inconnue du portail. Synchronisez d’abord l’opération d’origine.',
  targetOtherCounter: (poste: string) =>
    `Cette opération a été enregistrée sur le poste ${poste} : seul ce poste peut l’annuler.`,
  alreadyCancelled: 'Cette opération a déjà été annulée sur le portail.',
  closureDuplicate: (period: string) =>
    `La clôture ${period} de cette régie a déjà été reçue de ce poste dans une autre opération.`,
  accessCodeDuplicate: 'Ce code d’accès a déjà été émis (même empreinte) : choisissez-en un autre.',

  // Conflicts (detail stored with the conflict, shown to agents on both sides).
  overpaid: (invoice: string, excess: number, resolution: 'avoir' | 'remboursement') =>
    `Trop-perçu de ${formatEuro(excess)} sur la facture ${invoice} : elle a été payée deux fois (au guichet et en ligne, ou sur deux postes). ${resolution === 'avoir' ? 'Proposition : porter la somme en avoir sur le compte de la famille.' : 'La régie n’admet pas les avoirs : la somme est à rembourser à la famille.'}`,
  afterTresorerie: (invoice: string, amount: number, takenBefore: boolean) =>
    `Paiement de ${formatEuro(amount)} reçu au guichet pour la facture ${invoice}, déjà transmise au Trésor${takenBefore ? ' après l’encaissement (poste hors ligne)' : ''} : prévenez l’ordonnateur pour réduire le titre, ou remboursez la famille.`,
  onCancelled: (invoice: string, amount: number) =>
    `Paiement de ${formatEuro(amount)} reçu pour la facture ${invoice}, qui est annulée : la somme est à rembourser ou à porter en avoir.`,
  onDirectDebit: (invoice: string, amount: number) =>
    `Paiement de ${formatEuro(amount)} reçu au guichet pour la facture ${invoice}, réglée par prélèvement automatique : faites arrêter le prélèvement pour éviter un double paiement.`,

  // Ordonnateur data.
  invoiceNotFound: (number: string) => `Facture ${number} introuvable sur le portail.`,
  bundleInvalid: (detail: string) => `Fichier d’import refusé, rien n’a été importé : ${detail}`,
  onlineNotPayable: (number: string) =>
    `La facture ${number} ne peut pas être payée en ligne pour ce montant actuellement.`,
  onlinePaymentUnknown: 'Paiement en ligne inconnu.',
  onlinePaymentFinished: 'Ce paiement en ligne est déjà terminé.',

  // CLI.
  cliUsage: [
    'Usage : npm run portal -- [commande] [options]',
    '  serve (par défaut)        démarre le portail',
    '      --port N              port d’écoute (défaut 8790 ; 0 = port libre)',
    '      --host H              adresse d’écoute (défaut 127.0.0.1)',
    '      --data DIR            dossier des données (défaut .portal-data)',
    '      --empty               ne pas créer la commune de démonstration',
    '  migrate                   applique les migrations puis s’arrête',
    '  counter:create --poste P03 --name "Accueil piscine" [--regies SCO,SPO]',
    '  counter:code --poste P03  nouveau code d’enrôlement (remplace le précédent)',
    '  counter:revoke --poste P03 --reason "Ordinateur volé"',
    '  counter:list',
    '  import FICHIER.json       importe familles et factures (format commune-bundle)',
    'Variables : DATABASE_URL (PostgreSQL au lieu de PGlite), GUICHET_PORTAL_ADMIN_TOKEN,',
    '  GUICHET_PORTAL_MASTER_KEY, GUICHET_PORTAL_DATA, GUICHET_PORTAL_PORT, GUICHET_PORTAL_DEMO_FAMILIES.',
  ].join('\n'),
  cliListening: (url: string, database: string) => `Portail Guichet : ${url} (base : ${database})`,
  cliCounterCreated: (poste: string, code: string, expires: string) =>
    `Poste ${poste} créé. Code d’enrôlement (à usage unique, valable jusqu’au ${expires}) : ${code}`,
  cliCodeIssued: (poste: string, code: string, expires: string) =>
    `Nouveau code d’enrôlement du poste ${poste} (à usage unique, valable jusqu’au ${expires}) : ${code}`,
  cliRevoked: (poste: string) => `Poste ${poste} révoqué.`,
  cliImported: (families: number, invoices: number) =>
    `Import terminé : ${families} familles et ${invoices} factures créées ou mises à jour.`,
  cliMigrated: (applied: string[]) =>
    applied.length ? `Migrations appliquées : ${applied.join(', ')}` : 'Base déjà à jour.',
  cliStopping: 'Arrêt du portail',
  demoSeeded: 'commune de démonstration créée sur le portail',
  demoCounterCode:
    'poste de démonstration créé ; code d’enrôlement à saisir sur le poste (valable 24 h)',
};
