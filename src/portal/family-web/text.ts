// Every sentence the family pages show or mail, in one place. Errors say what happened and what
// to do; those of activation and login are the same whether the code famille or the address
// exists or not, so the pages cannot be used to find out who has an account.
import { formatInstant } from '../../shared/dates';

export const familyText = {
  siteName: 'Espace familles',
  skipLink: 'Aller au contenu',
  footer:
    'Vos données sont traitées par la commune pour la facturation de ses services. Pour les consulter ou les faire rectifier, contactez le service concerné.',

  loginTitle: 'Connexion à l’espace familles',
  loginIntro:
    'Consultez vos factures de cantine, de garderie, de crèche ou de sport, téléchargez-les et suivez vos règlements.',
  loginFailed:
    'Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie ; si vous avez oublié votre mot de passe, demandez-en un nouveau.',
  noAccountTitle: 'Première visite ?',
  noAccountText:
    'Ouvrez votre espace avec le code famille et le code d’activation imprimés sur le coupon joint à votre facture.',

  activationTitle: 'Activer mon compte',
  activationIntro:
    'Saisissez les deux codes imprimés sur votre coupon (« coupon à joindre à votre règlement »).',
  activationStep2Title: 'Choisir mon adresse e-mail et mon mot de passe',
  activationStep2Intro:
    'Vos codes sont reconnus. Indiquez l’adresse e-mail qui vous servira d’identifiant, puis choisissez un mot de passe.',
  activationFailed:
    'Ces codes ne permettent pas d’ouvrir un compte. Vérifiez le code famille et le code d’activation de votre dernier coupon : un code remplacé par un coupon plus récent, déjà utilisé ou expiré ne fonctionne plus. En cas de doute, demandez un nouveau code au guichet.',
  activationTicketExpired:
    'Le délai pour terminer l’activation est dépassé ou ce code vient d’être utilisé. Saisissez à nouveau vos deux codes.',
  activationDone: 'Votre compte est activé. Bienvenue dans votre espace familles.',
  emailTaken:
    'Cette adresse e-mail est déjà l’identifiant d’un autre compte. Choisissez une autre adresse, ou utilisez « Mot de passe oublié » si ce compte est le vôtre.',

  lockedOut: (until: Date) =>
    `Trop d’essais infructueux. Par sécurité, réessayez après le ${formatInstant(until.toISOString())}.`,
  tooManyRequests:
    'Trop de demandes venant de votre connexion. Patientez quelques minutes puis réessayez.',

  forgotTitle: 'Mot de passe oublié',
  forgotIntro:
    'Indiquez l’adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe, valable une heure.',
  forgotSent:
    'Si cette adresse est celle d’un compte, un message vient de lui être envoyé avec un lien valable une heure. Pensez à regarder dans les courriers indésirables.',
  resetTitle: 'Choisir un nouveau mot de passe',
  resetInvalid:
    'Ce lien n’est plus valable : il a déjà servi ou date de plus d’une heure. Demandez un nouveau lien.',
  resetDone: 'Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.',
  loggedOut: 'Vous êtes déconnecté. À bientôt.',
  sessionExpired: 'Votre session a expiré. Connectez-vous à nouveau.',

  fieldRequired: (label: string) => `Le champ « ${label} » est obligatoire.`,
  emailInvalid: 'Adresse e-mail invalide : elle doit ressembler à nom@exemple.fr.',
  passwordTooShort: (min: number) =>
    `Mot de passe trop court : ${min} caractères au moins. Une phrase de quelques mots convient très bien.`,
  passwordTooLong: 'Mot de passe trop long : 200 caractères au plus.',
  passwordMismatch: 'Les deux mots de passe diffèrent. Saisissez le même mot de passe deux fois.',
  formHasErrors: (n: number) =>
    n === 1 ? 'Le formulaire contient une erreur.' : `Le formulaire contient ${n} erreurs.`,

  csrfRefused:
    'Ce formulaire a expiré ou ne vient pas de l’espace familles. Rechargez la page et recommencez.',
  notFound: 'Page introuvable. Revenez à l’accueil de l’espace familles.',
  internal:
    'Une erreur inattendue est survenue. Votre demande n’a pas été enregistrée ; réessayez dans quelques instants.',
  invoiceNotFound: 'Cette facture est introuvable dans votre espace.',

  invoicesTitle: 'Mes factures',
  tabToPay: 'À payer',
  tabPaid: 'Réglées',
  tabTreasury: 'En trésorerie',
  noInvoices: {
    a_payer: 'Aucune facture à payer pour ce service.',
    reglees: 'Aucune facture réglée pour ce service.',
    tresorerie: 'Aucune facture transmise au Trésor public pour ce service.',
  },
  treasuryExplain:
    'Ces factures n’ont pas été réglées dans les délais : elles ont été transmises au comptable public (Trésor public). Vous allez recevoir par courrier un avis de sommes à payer. Réglez-les auprès du Trésor public en suivant les indications de cet avis (en ligne, par prélèvement ou auprès de votre centre des finances publiques) ; la régie et ce site ne peuvent plus les encaisser.',
  paymentInProgress: 'Paiement en cours',
  paymentInProgressText: (until: string) =>
    `Un paiement en ligne a été commencé pour cette facture. Si vous avez validé votre carte et qu’aucun refus ne vous a été indiqué, il est peut-être en cours de traitement : attendez avant une nouvelle tentative (jusqu’au ${formatInstant(until)}).`,
  paymentSuspended: 'Paiement suspendu',
  paymentSuspendedText: (reason: string) =>
    `Le service a suspendu temporairement le paiement en ligne de ses factures (${reason}). Vous pouvez régler au guichet ou réessayer plus tard.`,
  directDebit: 'Prélèvement automatique',
  directDebitText:
    'Cette facture sera prélevée sur votre compte à l’échéance : vous n’avez rien à faire.',
  partial: 'Partiellement réglée',
  howToPayTitle: 'Comment régler ?',

  accountTitle: 'Mon compte',
  alertsTitle: 'Être averti des nouvelles factures',
  alertsIntro:
    'Jusqu’à trois adresses e-mail peuvent recevoir un message quand une nouvelle facture est mise en ligne.',
  alertsFull:
    'Trois adresses sont déjà enregistrées : retirez-en une avant d’en ajouter une autre.',
  alertsDuplicate: 'Cette adresse reçoit déjà les alertes.',
  alertAdded: 'Adresse ajoutée : elle sera prévenue des prochaines factures.',
  alertRemoved: 'Adresse retirée des alertes.',
  paperTitle: 'Factures papier',
  paperOptedOut: (at: string) =>
    `Vous avez demandé le ${formatInstant(at)} à ne plus recevoir vos factures sur papier. Elles restent consultables ici.`,
  paperIntro:
    'Vous pouvez demander à ne plus recevoir vos factures sur papier et les consulter uniquement ici. Le service concerné en est prévenu par un message.',
  paperDone: 'C’est noté : le service est prévenu que vous ne souhaitez plus de factures papier.',
  paperBack: 'C’est noté : vous recevrez de nouveau vos factures sur papier.',
  paperMessageSubject: 'Demande : ne plus recevoir les factures papier',
  paperMessageBody:
    'La famille demande à ne plus recevoir ses factures sur papier ; elle les consultera sur l’espace familles.',
  paperBackSubject: 'Demande : recevoir de nouveau les factures papier',
  paperBackBody: 'La famille demande à recevoir de nouveau ses factures sur papier.',

  contactTitle: 'Écrire au service',
  contactIntro:
    'Votre message est transmis au service choisi, qui le lira au guichet. Pour une question sur une facture, indiquez son numéro.',
  contactSent:
    'Votre message est envoyé. Le service vous répondra par téléphone ou par e-mail à l’adresse de votre compte.',
  subjectTooLong: 'Objet trop long : 120 caractères au plus.',
  bodyTooLong: 'Message trop long : 4 000 caractères au plus.',
  regieUnknown: 'Choisissez un des services de la liste.',

  alertMailSubject: (commune: string) => `${commune} : une nouvelle facture est disponible`,
  resetMailSubject: 'Espace familles : choisir un nouveau mot de passe',
} as const;
