// Texts of the first start's screen (« Mise en service »).
const NBSP = '\u00a0';

export const setupMessages = {
  title: 'Mise en service de Guichet',
  intro:
    'Cette base est neuve. Renseignez la commune, ce poste et le compte du régisseur titulaire : ils sont créés une fois pour toutes sur ce poste. Le régisseur se connecte ensuite avec ce compte et crée les régies dans Paramètres (F9).',
  portalHint: `Si la commune a un portail, reliez ensuite ce poste dans Paramètres${NBSP}›${NBSP}Portail avec le code d’enrôlement du portail${NBSP}: le code du poste saisi ici doit être celui que le portail a attribué à ce guichet.`,
  communeLegend: 'La commune',
  communeName: 'Nom de la commune',
  communeNameHelp: 'Tel qu’il figurera sur les reçus et les bordereaux.',
  addressLine: 'Adresse de la mairie',
  postalCode: 'Code postal',
  city: 'Ville',
  posteLegend: 'Ce poste',
  posteCode: 'Code du poste',
  posteCodeHelp: `2 à 8 lettres ou chiffres, propre à chaque guichet (par exemple P01)${NBSP}: il entre dans le numéro de chaque reçu et ne change plus.`,
  posteName: 'Nom du poste',
  posteNameHelp: 'Par exemple «\u00a0Accueil mairie\u00a0».',
  regisseurLegend: 'Le régisseur titulaire',
  displayName: 'Prénom et nom',
  login: 'Identifiant',
  loginHelp: 'Lettres sans accent, chiffres, points ou tirets.',
  password: 'Mot de passe',
  passwordHelp: '8 caractères au moins ; ne le communiquez à personne.',
  passwordAgain: 'Mot de passe (confirmation)',
  passwordsDiffer:
    'Les deux mots de passe saisis diffèrent : rien n’a été créé. Saisissez-les à nouveau.',
  submit: 'Mettre en service',
  alreadyDone: 'Aller à l’écran de connexion',
  welcome: (commune: string, poste: string) =>
    `Guichet est mis en service pour ${commune}, poste ${poste}. Connectez-vous avec le compte du régisseur titulaire.`,
} as const;
