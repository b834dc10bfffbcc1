// Texts of the family portal's access codes and of the payment coupons, on the family page and
// in the office's « Coupons » tab.
import type { AccessCodeStatus } from '../../../shared/contract';

const NBSP = '\u00a0';

export const accessMessages = {
  title: 'Accès au portail famille',
  familyCode: 'Code famille',
  familyCodeHelp:
    'Identifiant public de la famille sur le portail, imprimé sur chaque coupon. Il ne change jamais.',
  copy: 'Copier',
  copied: 'Copié',
  copyLabel: (code: string) => `Copier le code famille ${code}`,
  loading: 'Lecture de l’accès au portail…',
  loadFailed: (reason: string) => `L’accès au portail n’a pas pu être lu${NBSP}: ${reason}`,
  retry: 'Réessayer',
  currentCode: 'Code d’activation',
  noCode:
    'Aucun code d’activation n’a encore été émis pour cette famille. Émettez-en un pour qu’elle ouvre son compte sur le portail.',
  issuedOn: (at: string, by: string, poste: string) => `Émis le ${at} par ${by} (poste ${poste})`,
  inBatch: (ref: string) => `Émis avec le lot de coupons ${ref}`,
  expiresOn: (at: string) => `Expire le ${at}`,
  expiredOn: (at: string) => `Expiré le ${at}`,
  noExpiry: 'Sans date d’expiration',
  activatedOn: (at: string) => `Compte activé le ${at}`,
  pendingSync: 'En attente de synchronisation',
  pendingSyncHelp:
    'Le portail ne connaît pas encore ce code : la famille pourra l’utiliser après la prochaine synchronisation.',
  portal: 'Adresse du portail',
  noPortal:
    'L’adresse du portail famille n’est pas configurée : les coupons ne pourront pas l’indiquer. Renseignez-la dans les paramètres (F9).',
  coupons: 'Coupons par régie',
  colRegie: 'Régie',
  colDue: 'Reste dû',
  colActions: 'Coupon',
  issue: 'Émettre un code et imprimer le coupon',
  issueKey: 'F3',
  issueLabel: (regie: string) => `Émettre un code d’activation et imprimer le coupon — ${regie}`,
  issueHelp:
    'F3 émet un code pour la régie sélectionnée (celle d’où part F4). Le code n’est montré qu’une fois.',
  printOnly: 'Imprimer un coupon',
  printOnlyLabel: (regie: string) => `Imprimer un coupon sans nouveau code — ${regie}`,
  readOnly:
    'Votre rôle ne permet pas d’émettre de code d’activation ; vous pouvez imprimer un coupon.',
  historyShow: (n: number) => `Afficher l’historique des codes (${n})`,
  historyHide: 'Masquer l’historique des codes',
  historyLabel: 'Historique des codes d’activation',
  colIssued: 'Émis le',
  colBy: 'Par',
  colExpires: 'Expire le',
  colStatus: 'État',
  colActivated: 'Activé le',
  colBatch: 'Lot',
  none: '—',
} as const;

export const statusColors: Record<AccessCodeStatus, string> = {
  emis: '#b34000',
  active: '#18753c',
  remplace: '#3a3a3a',
  expire: '#3a3a3a',
};

export const codeDialogMessages = {
  confirmTitle: 'Remplacer le code d’activation ?',
  confirmLive: (issued: string, expires: string | null) =>
    `Un code émis le ${issued}${expires ? ` et valable jusqu’au ${expires}` : ''} est en cours. Le nouveau code le remplace${NBSP}: l’ancien ne permettra plus d’ouvrir le compte, même s’il est déjà imprimé sur un coupon.`,
  confirmActive: (activated: string) =>
    `Cette famille a déjà activé son compte sur le portail (le ${activated}). N’émettez un nouveau code que si elle le demande${NBSP}: il remplace le précédent.`,
  confirm: 'Émettre un nouveau code',
  keep: 'Ne rien changer',
  issuing: 'Émission du code et préparation du coupon…',
  issueFailed: (reason: string) => `Aucun code n’a été émis${NBSP}: ${reason}`,
  issueUnsure: (reason: string) =>
    `${reason} Réessayez${NBSP}: si le code a été émis malgré tout, le même code vous sera montré, pas un second.`,
  retry: 'Réessayer',
  codeTitle: (family: string) => `Code d’activation — Famille ${family}`,
  codeLabel: 'Code d’activation',
  codeOnce:
    'Ce code n’est affiché qu’une fois et n’est conservé nulle part : imprimez le coupon maintenant ou remettez-le à la famille. Sinon, il faudra en émettre un nouveau.',
  codeFor: (familyCode: string) => `À saisir sur le portail avec le code famille ${familyCode}.`,
  validUntil: (at: string) => `Valable jusqu’au ${at}.`,
  spelled: 'Lecture caractère par caractère',
  couponTitle: (regie: string) => `Coupon — ${regie}`,
  couponPreparing: 'Préparation du coupon…',
  couponFailed: (reason: string) => `Le coupon n’a pas pu être préparé${NBSP}: ${reason}`,
  couponNoCode:
    'Ce coupon ne porte aucun code d’activation (un code ne peut pas être réimprimé). Si la famille n’a pas encore ouvert son compte, émettez un nouveau code.',
  download: 'Enregistrer le coupon (PDF)',
  close: 'Fermer',
  closeCode: 'Fermer (le code ne sera plus affiché)',
} as const;

export const batchMessages = {
  title: 'Coupons à envoyer par courrier',
  intro:
    'Un coupon par famille ayant une somme due dans la régie, dans un seul PDF trié par code postal pour la mise sous pli (enveloppes DL à fenêtre).',
  regie: 'Régie',
  period: 'Période de facturation',
  periodAll: 'Tout ce qui est dû',
  periodHelp: 'Les factures de ce mois-là, ou toutes les sommes dues de la régie.',
  issueCodes: 'Émettre un nouveau code d’activation pour chaque famille',
  issueCodesHelp:
    'Chaque coupon porte alors un code neuf, qui remplace le code en cours de la famille. Les codes émis sont inscrits au journal comme un seul lot.',
  start: 'Préparer les coupons',
  starting: 'Démarrage…',
  startFailed: (reason: string) => `Les coupons n’ont pas été préparés${NBSP}: ${reason}`,
  progressLabel: 'Préparation des coupons',
  progress: (done: number, total: number) =>
    `${done.toLocaleString('fr-FR')} sur ${total.toLocaleString('fr-FR')} famille${total > 1 ? 's' : ''}`,
  counting: 'Recherche des familles concernées…',
  cancel: 'Annuler la préparation',
  cancelling: 'Annulation…',
  cancelFailed: (reason: string) => `La préparation n’a pas pu être annulée${NBSP}: ${reason}`,
  cancelled: 'Préparation annulée : aucun code n’a été émis et aucun fichier n’est conservé.',
  failed: (reason: string) => `La préparation a échoué${NBSP}: ${reason} Rien n’a été conservé.`,
  pollFailed: (reason: string) =>
    `L’avancement n’a pas pu être lu${NBSP}: ${reason} La préparation continue peut-être ; réessayez.`,
  done: (total: number, codes: number) =>
    `${total.toLocaleString('fr-FR')} coupon${total > 1 ? 's' : ''} prêt${total > 1 ? 's' : ''}` +
    (codes > 0
      ? `, ${codes.toLocaleString('fr-FR')} code${codes > 1 ? 's' : ''} d’activation émis.`
      : ', sans nouveau code d’activation.'),
  nothingDue: 'Aucune famille n’a de somme due pour cette régie et cette période : aucun coupon.',
  fileLoading: 'Lecture du fichier des coupons…',
  fileFailed: (reason: string) => `Le fichier des coupons n’a pas pu être lu${NBSP}: ${reason}`,
  print: 'Imprimer',
  printing: 'Impression en cours…',
  download: 'Enregistrer le PDF',
  previewLabel: (file: string) => `Aperçu des premières pages (${file})`,
  previewNote: (shown: number) =>
    `Aperçu des ${shown} premières pages seulement : enregistrez le PDF pour voir l’ensemble.`,
  previewFailed:
    'L’aperçu n’a pas pu être affiché. Le fichier est prêt : imprimez-le ou enregistrez-le.',
  again: 'Préparer un autre lot',
  regiesFailed: (reason: string) => `La liste des régies n’a pas pu être lue${NBSP}: ${reason}`,
  noRegie: 'Aucune régie n’est configurée sur ce poste.',
  loading: 'Chargement…',
  tab: 'Coupons',
} as const;
