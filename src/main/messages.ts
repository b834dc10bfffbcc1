// What the desktop shell itself may have to tell a person, in one place. Errors from the core
// (a database made by a newer version, for instance) arrive with their own French message and
// are shown as they are.
export const mainMessages = {
  startupTitle: 'Guichet ne peut pas démarrer',
  sqliteBindingMissing: (isPackaged: boolean, file: string): string =>
    isPackaged
      ? `Installation incomplète : le module de base de données est absent (${file}). Réinstallez Guichet ; si cela persiste, faites un rapport d’incident.`
      : `Le module SQLite construit pour Electron est absent (${file}). Lancez « npm run rebuild:electron » puis relancez l’application.`,
  startupFailed: (detail: string): string =>
    `Guichet n’a pas pu ouvrir sa base de données (${detail}). Relancez l’application ; si cela persiste, faites un rapport d’incident en joignant le journal de l’application.`,
};
