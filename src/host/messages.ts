// What the host answers when it refuses a request before it reaches the core. These replies
// have the shape of a failed Result so the UI can show the message like any other error.
import type { AppError } from '../shared/errors';

export const hostErrors = {
  badSecret: {
    code: 'PERMISSION_REFUSEE',
    reason: 'SECRET_INVALIDE',
    message:
      'Accès refusé : cette page n’a pas été ouverte avec l’adresse affichée au lancement de Guichet. Rouvrez cette adresse complète.',
  },
  badHost: {
    code: 'PERMISSION_REFUSEE',
    reason: 'HOTE_INVALIDE',
    message:
      'Accès refusé : Guichet ne répond qu’à l’adresse 127.0.0.1 ou localhost. Ouvrez l’adresse affichée au lancement.',
  },
  badOrigin: {
    code: 'PERMISSION_REFUSEE',
    reason: 'ORIGINE_INVALIDE',
    message: 'Accès refusé : la demande vient d’une autre page que Guichet.',
  },
  tooLarge: {
    code: 'VALIDATION',
    reason: 'REQUETE_TROP_VOLUMINEUSE',
    message: 'Requête trop volumineuse : elle a été refusée et rien n’a été enregistré.',
  },
  notJson: {
    code: 'VALIDATION',
    reason: 'JSON_ATTENDU',
    message: 'Requête refusée : seul le format JSON est accepté.',
  },
  badJson: {
    code: 'VALIDATION',
    reason: 'JSON_INVALIDE',
    message: 'Requête refusée : le contenu JSON est illisible.',
  },
  badRequest: {
    code: 'VALIDATION',
    reason: 'REQUETE_INVALIDE',
    message: 'Requête refusée par le serveur local de Guichet : elle n’est pas valide.',
  },
  notFound: {
    code: 'INTROUVABLE',
    message: 'Adresse inconnue de Guichet.',
  },
  internal: {
    code: 'INTERNE',
    message:
      'Erreur interne du serveur local : rien n’a été enregistré. Réessayez ; si cela persiste, relancez Guichet.',
  },
} satisfies Record<string, AppError>;

export const webUiMissing =
  'L’interface web de Guichet n’est pas construite. Lancez « npm run build:web » puis rechargez cette page.';

export const hostLog = {
  listening: 'Guichet (mode navigateur) à l’écoute',
  refused: 'requête refusée',
};
