export const lockMessages = {
  title: 'Session verrouillée',
  explanation: (agent: string) =>
    `La session de ${agent} a été verrouillée après une période d’inactivité. Saisissez votre mot de passe pour reprendre là où vous en étiez.`,
  password: 'Mot de passe',
  unlock: 'Déverrouiller',
  unlocking: 'Vérification…',
  otherAgent: 'Changer d’agent (se déconnecter)',
  loggedOut: 'Session fermée depuis l’écran de verrouillage.',
} as const;
