// Texts shared by every screen: the frame (banner, header) and the start-up errors. Each
// screen keeps its own texts in its folder's messages.ts.
const NBSP = '\u00a0';

export const appMessages = {
  appName: 'Guichet',
  demoBanner: (commune: string) =>
    `Données de démonstration — ${commune}${NBSP}: aucune donnée réelle`,
  starting: 'Démarrage de Guichet…',
  startFailedTitle: 'Guichet ne peut pas démarrer',
  missingSecret:
    'Cette page a été ouverte sans sa clé d’accès. Ouvrez l’adresse complète affichée au lancement de Guichet (elle se termine par «\u00a0#secret=…\u00a0»).',
  engineUnreachable: 'Le moteur de Guichet ne répond pas. Relancez l’application.',
  unknownHandler: (name: string) => `Opération inconnue\u00a0: ${name}.`,
  noCommune: 'Aucune commune configurée',
  poste: (code: string) => `Poste ${code}`,
  logout: 'Se déconnecter',
  sessionExpired: 'Votre session a expiré. Identifiez-vous à nouveau.',
  loggedOut: 'Vous êtes déconnecté.',
  retry: 'Réessayer',
  headerLabel: 'En-tête de Guichet',
  agentLabel: 'Agent connecté',
  navLabel: 'Navigation principale',
  navSearch: 'Recherche',
  navJournal: 'Journal',
  navTill: 'Caisse',
  navOffice: 'Remises et éditions',
} as const;
