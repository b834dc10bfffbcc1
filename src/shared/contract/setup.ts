// The first start of an installation (« mise en service »). A packaged Guichet opens on an empty
// database: no commune, no agent, no poste. These two handlers run without a session, and the
// second only while the database is still empty: it creates the commune, the régisseur
// titulaire's account and this poste in one go, after which the régisseur logs in normally.
import { z } from 'zod';
import { communeUpdateSchema, machineSettingsUpdateSchema } from './admin';
import { handler } from './define';

/** The login proposed for the régisseur titulaire, the same as the 'empty' seed's. */
export const DEFAULT_REGISSEUR_LOGIN = 'regisseur';

/**
 * The same length as GUICHET_ADMIN_PASSWORD's rule for the 'empty' seed, the only password rule
 * the register had: a régisseur later chooses the other agents' passwords under the same rule.
 */
export const MIN_PASSWORD_LENGTH = 8;
/** auth.login accepts no longer password: one longer could be stored but never typed back. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The portal's counter code rule (src/portal/counters/admin.ts): the enrolment answer carries
 * the portal's code, and the sync engine refuses it unless it equals this setting exactly, so
 * the code typed here is upper-cased the same way the portal's administrator's is.
 */
export const setupPosteCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2,8}$/, {
    error:
      'Code du poste invalide : 2 à 8 lettres sans accent ou chiffres, sans espace (par exemple P01 ou ACCUEIL).',
  });

export const setupInitializeSchema = z
  .strictObject(
    {
      // The commune's identity, with exactly the rules of Paramètres › Commune.
      communeName: communeUpdateSchema.shape.name,
      addressLine: communeUpdateSchema.shape.addressLine,
      postalCode: communeUpdateSchema.shape.postalCode,
      city: communeUpdateSchema.shape.city,
      posteCode: setupPosteCodeSchema,
      // The poste's name, with the rule of Paramètres › Ce poste.
      posteName: machineSettingsUpdateSchema.shape.posteName.unwrap(),
      // Logins are compared exactly at login: one spelling, lower case, no accent or space,
      // so that what the régisseur types later is what was stored.
      login: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, {
          error:
            'Identifiant invalide : 2 à 64 lettres sans accent, chiffres, points ou tirets, sans espace (par exemple « regisseur » ou « m.dupont »).',
        })
        .default(DEFAULT_REGISSEUR_LOGIN),
      displayName: z
        .string()
        .trim()
        .min(2, {
          error:
            'Nom du régisseur manquant : indiquez son prénom et son nom (par exemple « Régine Titulaire »).',
        })
        .max(100, { error: 'Nom du régisseur trop long (100 caractères au plus).' }),
      password: z
        .string()
        .min(MIN_PASSWORD_LENGTH, {
          error: `Mot de passe trop court : ${MIN_PASSWORD_LENGTH} caractères au moins.`,
        })
        .max(MAX_PASSWORD_LENGTH, {
          error: `Mot de passe trop long : ${MAX_PASSWORD_LENGTH} caractères au plus.`,
        }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `Champ inconnu (${issue.keys.join(', ')}) pour la mise en service.`
          : undefined,
    },
  )
  .check((ctx) => {
    // A password equal to the login is the first one anybody would try.
    if (ctx.value.password.trim().toLowerCase() === ctx.value.login) {
      ctx.issues.push({
        code: 'custom',
        message: 'Mot de passe refusé : il ne doit pas être l’identifiant. Choisissez-en un autre.',
        input: ctx.value.password,
        path: ['password'],
      });
    }
  });
export type SetupInitialize = z.output<typeof setupInitializeSchema>;

export interface SetupStatus {
  /** True while the database holds no commune and no agent: the setup screen is shown. */
  needed: boolean;
}

export interface SetupDone {
  /** The régisseur's login as stored (lower case): the login screen is pre-filled with it. */
  login: string;
  communeName: string;
  posteCode: string;
}

export const setupContract = {
  'setup.status': handler(z.object({}), 'public').returns<SetupStatus>(),
  /**
   * Creates the commune, the régisseur titulaire and this poste on an empty database. Public
   * like auth.login, since nobody can log in yet; refused once a commune or an agent exists.
   */
  'setup.initialize': handler(setupInitializeSchema, 'public').returns<SetupDone>(),
};
