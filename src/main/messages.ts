// What the desktop shell itself may have to tell a person, in one place. Errors from the core
// (a database made by a newer version, for instance) arrive with their own French message and
// are shown as they are.
import { SHELL_CLOSE_LIMIT_MS } from './core-process/protocol';

const dataDirHelp =
  'Guichet doit garder sa base de données sur un disque de cet ordinateur. Retirez la variable GUICHET_DATA_DIR si elle a été posée, ou faites-la pointer vers un dossier local (par exemple C:\\ProgramData\\Guichet), puis relancez Guichet.';

export const mainMessages = {
  startupTitle: 'Guichet ne peut pas démarrer',
  sqliteBindingMissing: (isPackaged: boolean, file: string): string =>
    isPackaged
      ? `Installation incomplète : le module de base de données est absent (${file}). Réinstallez Guichet ; si cela persiste, faites un rapport d’incident.`
      : `Le module SQLite construit pour Electron est absent (${file}). Lancez « npm run rebuild:electron » puis relancez l’application.`,
  startupFailed: (detail: string): string =>
    `Guichet n’a pas pu ouvrir sa base de données (${detail}). Relancez l’application ; si cela persiste, faites un rapport d’incident en joignant le journal de l’application.`,

  /** A relaunch while the previous Guichet is still closing its database (no window left). */
  stillClosingTitle: 'Guichet se ferme',
  stillClosing: `Guichet termine d’enregistrer avant de se fermer (par exemple la sauvegarde qui suit la clôture de caisse), ce qui peut prendre jusqu’à ${Math.ceil(SHELL_CLOSE_LIMIT_MS / 60_000)} minutes. Fermez ce message, attendez que Guichet ait disparu de la barre des tâches, puis relancez-le.`,

  dataDirNotAbsolute: (dir: string): string =>
    `Le dossier de données indiqué par GUICHET_DATA_DIR (« ${dir} ») n’est pas un chemin complet. Indiquez un chemin commençant par une lettre de lecteur, par exemple C:\\ProgramData\\Guichet, puis relancez Guichet.`,
  programDataMissing:
    'Le dossier commun de Windows (%ProgramData%) est introuvable : Guichet ne sait pas où garder ses données. Demandez au service informatique de vérifier la session Windows, ou indiquez un dossier local avec la variable GUICHET_DATA_DIR.',
  /** `detail` says how it was found out: the share a drive leads to, a file system type. */
  dataDirOnNetwork: (dir: string, detail?: string): string =>
    `Le dossier de données « ${dir} »${detail ? ` (${detail})` : ''} est sur le réseau. Une base de caisse sur un partage réseau peut être corrompue si la connexion se coupe pendant un encaissement : Guichet refuse de l’ouvrir. ${dataDirHelp}`,
  dataDirUnsupported: (dir: string): string =>
    `Le dossier de données « ${dir} » n’est pas un dossier ordinaire d’un disque de cet ordinateur. ${dataDirHelp}`,
  dataDirDriveMissing: (dir: string, letter: string): string =>
    `Le dossier de données « ${dir} » est sur le lecteur ${letter}:, qui n’existe pas sur cet ordinateur. ${dataDirHelp}`,
  dataDirDriveUnknown: (dir: string, letter: string): string =>
    `Guichet n’a pas pu vérifier que le lecteur ${letter}: du dossier de données « ${dir} » est un disque local (PowerShell et WMIC n’ont pas répondu). ${dataDirHelp}`,
  dataDirNotWritable: (dir: string, code: string): string =>
    code === 'EACCES' || code === 'EPERM'
      ? `Cet utilisateur Windows n’a pas le droit d’écrire dans le dossier de données « ${dir} ». L’installation de Guichet donne ce droit au groupe Utilisateurs : réinstallez Guichet avec un compte administrateur, ou demandez au service informatique d’accorder le droit « Modification » sur ce dossier.`
      : `Guichet n’a pas pu écrire dans le dossier de données « ${dir} » (${code}). Vérifiez qu’il reste de la place sur le disque, puis relancez Guichet ; si cela persiste, faites un rapport d’incident.`,
};

const printerLabel = (printer: string): string =>
  printer ? `l’imprimante « ${printer} »` : 'l’imprimante par défaut de Windows';

/** Why a document was not printed. The document itself always stays on screen. */
export const printMessages = {
  cancelled: 'Impression annulée : rien n’a été imprimé.',
  notPdf:
    'Le document à imprimer est illisible : rien n’a été imprimé. Enregistrez-le et faites un rapport d’incident.',
  notTicket: (widthMm: number): string =>
    `Ce document n’est pas au format ticket (${widthMm} mm de large) : rien n’a été imprimé. Imprimez-le sur l’imprimante A4.`,
  printerMissing: (printer: string): string =>
    `${capitalize(printerLabel(printer))}, choisie dans les réglages de ce poste, n’est pas installée sur cet ordinateur : rien n’a été imprimé. Choisissez une autre imprimante dans Réglages › Imprimantes, ou enregistrez le document.`,
  settingsRefused: (printer: string): string =>
    `${capitalize(printerLabel(printer))} refuse les réglages d’impression (format du papier) : rien n’a été imprimé. Vérifiez le papier configuré dans Windows, ou enregistrez le document.`,
  failed: (printer: string, reason: string): string =>
    `${capitalize(printerLabel(printer))} n’a pas imprimé le document (${reason}). Vérifiez qu’elle est allumée, en ligne et approvisionnée en papier, puis réessayez.`,
  noAnswer: (printer: string): string =>
    `${capitalize(printerLabel(printer))} ne répond pas. Vérifiez qu’elle est allumée et en ligne, puis réessayez ; le document reste disponible.`,
  loadFailed:
    'Le document n’a pas pu être préparé pour l’impression : rien n’a été imprimé. Réessayez, ou enregistrez le document pour l’imprimer depuis un lecteur de PDF.',
  internal:
    'Erreur interne pendant l’impression : rien n’a été imprimé. Réessayez ; si cela persiste, enregistrez le document et faites un rapport d’incident.',
  refusedSender:
    'Impression refusée : la demande ne vient pas de la fenêtre de Guichet. Fermez et relancez l’application.',
  malformed:
    'Demande d’impression mal formée (document trop gros ou nom de fichier invalide) : rien n’a été imprimé. Enregistrez le document pour l’imprimer depuis un lecteur de PDF.',
  printersUnavailable:
    'La liste des imprimantes de cet ordinateur n’a pas pu être lue. Réessayez ; vous pouvez aussi saisir le nom exact de l’imprimante.',
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
