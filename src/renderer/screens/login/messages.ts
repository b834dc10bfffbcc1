import type { Role } from '../../../shared/roles';

interface DemoAccount {
  login: string;
  password: string;
  role: Role;
}

export const loginMessages = {
  title: 'Connexion au guichet',
  login: 'Identifiant',
  password: 'Mot de passe',
  submit: 'Se connecter',
  submitting: 'Connexion…',
  where: (commune: string, poste: string) => `${commune} · Poste ${poste}`,
  demoTitle: 'Comptes de démonstration',
  demoIntro: 'Identifiant et mot de passe de chaque rôle\u00a0:',
  // The demo commune's accounts (src/core/demo): shown only when the commune is the demo one.
  demoAccounts: [
    { login: 'regisseur', password: 'demo-regisseur', role: 'regisseur' },
    { login: 'suppleant', password: 'demo-suppleant', role: 'suppleant' },
    { login: 'mandataire', password: 'demo-mandataire', role: 'mandataire' },
    { login: 'controleur', password: 'demo-controleur', role: 'controleur' },
  ] satisfies DemoAccount[],
} as const;
