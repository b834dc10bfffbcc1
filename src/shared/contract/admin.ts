import { z } from 'zod';
import { handler } from './define';
import { centsSchema } from '../money';
import { paymentModes, type PaymentMode } from '../payment-modes';
import { commandIdSchema } from './payments';

// Administration of one installation: the settings of this machine (poste name, printers,
// portal and update addresses, backup folder, idle lock, till tolerances), the configuration of
// the régies, the backups of the database and their restore, and the incident report sent to
// support. The Electron shell reads the machine settings without a session through
// Core.machineSettings(), so the shape below is shared with it.

export const receiptFormats = ['ticket80', 'a5', 'a4'] as const;
export type ReceiptFormat = (typeof receiptFormats)[number];
export const receiptFormatLabels: Record<ReceiptFormat, string> = {
  ticket80: 'Ticket 80 mm',
  a5: 'A5',
  a4: 'A4',
};

export const IDLE_LOCK_MIN_SECONDS = 60;
export const IDLE_LOCK_MAX_SECONDS = 3600;

/** What this machine is set to, defaults applied: read by the UI and by the Electron shell. */
export interface MachineSettings {
  /** Code of this poste in document numbers (setting poste_code, not editable here). */
  posteCode: string;
  posteName: string;
  /** Printer names as the system knows them; empty means the system's default printer. */
  printerReceipt: string;
  printerA4: string;
  /** Print without the system's dialog. */
  printSilent: boolean;
  receiptFormat: ReceiptFormat;
  /** The portal's address (https, or http on this computer); empty when there is none. */
  portalUrl: string;
  /** The update feed (https); empty means updates are not looked for. */
  updateFeedUrl: string;
  /** The backup folder in use: the backup_dir setting, or the installation's default folder. */
  backupDir: string;
  /** True when backup_dir is set, false when the default folder is used. */
  backupDirConfigured: boolean;
  idleLockSeconds: number;
  /** Counting differences at closing above this need validation. */
  tillToleranceCents: number;
  /** Share of the cash ceiling at which the till warns. */
  cashCeilingWarnPercent: number;
  /** Float expected in the drawer; null means "the largest float of the régies". */
  tillFloatCents: number | null;
  /** Backups kept by the rotation: daily ones, and those made after a till closing. */
  keepDailyBackups: number;
  keepClosingBackups: number;
  /**
   * The family space's public address printed on coupons (e.g. https://famille.ville.fr), as
   * set; empty means "the portal's address followed by /famille".
   */
  familyPortalUrl: string;
  /** Days an activation code stays valid (60 by default). */
  accessCodeDays: number;
  /**
   * Working days after which an expected credit (online payment, deposit) absent from every
   * bank statement is listed as missing in the reconciliation (5 by default).
   */
  bankMissingWorkingDays: number;
}

export interface RegieConfig {
  regieId: number;
  code: string;
  name: string;
  acceptedModes: PaymentMode[];
  cashCeilingCents: number;
  floatCents: number;
  creditorLabel: string;
  /** PayFiP contract number (6 digits), or null when the régie has none. */
  numcli: string | null;
  payfipSaisie: 'T' | 'X' | 'W';
  dftAccount: string | null;
  allowCredit: boolean;
  allowDirectDebitPayment: boolean;
  /** Printed on receipts and coupons: the service that receives the families, and where. */
  serviceName: string;
  serviceAddress: string;
  servicePhone: string | null;
}

/** The commune as every document prints it (receipts, Z reports, slips, coupons, exports). */
export interface CommuneIdentity {
  name: string;
  addressLine: string;
  postalCode: string;
  city: string;
  siret: string | null;
  phone: string | null;
}

export interface SettingsView {
  machine: MachineSettings;
  regies: RegieConfig[];
  commune: CommuneIdentity;
}

export const backupReasons = ['cloture', 'quotidienne', 'manuelle', 'avant_migration'] as const;
export type BackupReason = (typeof backupReasons)[number];
export const backupReasonLabels: Record<BackupReason, string> = {
  cloture: 'Après clôture de caisse',
  quotidienne: 'Quotidienne',
  manuelle: 'Manuelle',
  avant_migration: 'Avant mise à jour de la base',
};

export interface BackupInfo {
  fileName: string;
  reason: BackupReason;
  /** When the backup was taken (UTC ISO), from its file name. */
  createdAt: string;
  sizeBytes: number;
  /** SHA-256 recorded in the technical journal when the backup was written, if found there. */
  sha256: string | null;
  /** Whether the check after writing passed, as journaled; null when not journaled. */
  verified: boolean | null;
}

export interface BackupList {
  dir: string;
  backups: BackupInfo[];
  /** Kept per reason by the rotation. */
  keepDaily: number;
  keepClosing: number;
}

export interface RestoreResult {
  restoredFrom: string;
  /** Where the database in use until now was kept (renamed, never deleted). */
  replacedFile: string;
  /** Last entries of the operations journal: in the replaced database and in the backup. */
  replacedLastSeq: number;
  restoredLastSeq: number;
  /** Operations journal entries of the replaced database that the backup does not hold. */
  lostOperations: number;
  /** Every agent must log in again. */
  sessionsEnded: true;
}

export interface IncidentReportFile {
  fileName: string;
  base64: string;
  /** Names of the files inside the zip, for the screen to list. */
  entries: string[];
}

const nonNegativeInt = (what: string, max: number) =>
  z
    .number({ error: `${what} : un nombre est attendu.` })
    .int({ error: `${what} : un nombre entier est attendu.` })
    .min(0, { error: `${what} ne peut pas être négatif.` })
    .max(max, { error: `${what} : ${max.toLocaleString('fr-FR')} au plus.` });

const keepCount = (what: string) =>
  z
    .number({ error: `${what} : un nombre est attendu.` })
    .int({ error: `${what} : un nombre entier est attendu.` })
    .min(1, { error: `${what} : 1 au moins (la dernière sauvegarde n’est jamais supprimée).` })
    .max(365, { error: `${what} : 365 au plus.` });

/** https, or http only on this computer (a portal run beside the register for tests). */
export function portalUrlProblem(raw: string): string | null {
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `Adresse du portail invalide : « ${raw} ». Écrivez une adresse complète, par exemple https://portail.mairie.fr.`;
  }
  if (url.username || url.password) {
    return 'L’adresse du portail ne doit pas contenir d’identifiant ni de mot de passe.';
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && local)) return null;
  return 'L’adresse du portail doit commencer par https:// (http:// n’est admis que pour localhost).';
}

export function updateFeedUrlProblem(raw: string): string | null {
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `Adresse des mises à jour invalide : « ${raw} ». Écrivez une adresse complète commençant par https://.`;
  }
  if (url.username || url.password) {
    return 'L’adresse des mises à jour ne doit pas contenir d’identifiant ni de mot de passe.';
  }
  if (url.protocol !== 'https:') {
    return 'L’adresse des mises à jour doit commencer par https:// : une mise à jour doit venir d’un serveur authentifié.';
  }
  return null;
}

/** The family space's address is printed on paper: https only, no credentials. */
export function familyPortalUrlProblem(raw: string): string | null {
  if (raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `Adresse de l’espace familles invalide : « ${raw} ». Écrivez une adresse complète, par exemple https://famille.ville.fr.`;
  }
  if (url.username || url.password) {
    return 'L’adresse de l’espace familles ne doit pas contenir d’identifiant ni de mot de passe.';
  }
  if (url.search || url.hash) {
    return 'L’adresse de l’espace familles ne doit contenir ni « ? » ni « # » : indiquez seulement la page d’accueil.';
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && local)) return null;
  return 'L’adresse de l’espace familles doit commencer par https:// (http:// n’est admis que pour localhost).';
}

export const ACCESS_CODE_MIN_DAYS = 1;
export const ACCESS_CODE_MAX_DAYS = 365;
export const BANK_MISSING_MIN_DAYS = 1;
export const BANK_MISSING_MAX_DAYS = 60;

/**
 * The folder must be on this computer: a network share (\\serveur\partage) may be unreachable
 * at the moment of a closing, and a backup that silently fails is worse than none. The core
 * checks the rest (absolute for this system, writable) when the setting is saved.
 */
export function backupDirProblem(raw: string): string | null {
  if (raw === '') return null;
  if (/^[\\/]{2}/.test(raw)) {
    return 'Le dossier des sauvegardes doit être sur cet ordinateur : un chemin réseau (\\\\serveur\\partage) n’est pas accepté, car il peut être injoignable au moment d’une clôture. Choisissez un dossier local, par exemple D:\\Sauvegardes\\Guichet.';
  }
  if (!/^[A-Za-z]:[\\/]/.test(raw) && !raw.startsWith('/')) {
    return `Le dossier des sauvegardes doit être un chemin complet, par exemple D:\\Sauvegardes\\Guichet (reçu : « ${raw} »).`;
  }
  return null;
}

const refinedText = (problem: (v: string) => string | null, max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `Texte trop long (${max} caractères au plus).` })
    .check((ctx) => {
      const p = problem(ctx.value);
      if (p) ctx.issues.push({ code: 'custom', message: p, input: ctx.value });
    });

const printerName = z
  .string()
  .trim()
  .max(200, { error: 'Nom d’imprimante trop long (200 caractères au plus).' });

/** Every field is optional: only what is sent is changed. */
export const machineSettingsUpdateSchema = z.strictObject(
  {
    posteName: z
      .string()
      .trim()
      .min(1, { error: 'Donnez un nom à ce poste (par exemple « Accueil mairie »).' })
      .max(60, { error: 'Nom du poste trop long (60 caractères au plus).' })
      .optional(),
    printerReceipt: printerName.optional(),
    printerA4: printerName.optional(),
    printSilent: z.boolean({ error: 'Impression silencieuse : oui ou non.' }).optional(),
    receiptFormat: z
      .enum(receiptFormats, { error: 'Format des reçus attendu : ticket80, a5 ou a4.' })
      .optional(),
    portalUrl: refinedText(portalUrlProblem, 500).optional(),
    updateFeedUrl: refinedText(updateFeedUrlProblem, 500).optional(),
    backupDir: refinedText(backupDirProblem, 500).optional(),
    idleLockSeconds: z
      .number({ error: 'Délai de verrouillage : un nombre de secondes est attendu.' })
      .int({ error: 'Délai de verrouillage : un nombre entier de secondes est attendu.' })
      .min(IDLE_LOCK_MIN_SECONDS, {
        error: `Délai de verrouillage trop court : ${IDLE_LOCK_MIN_SECONDS} secondes (1 minute) au moins.`,
      })
      .max(IDLE_LOCK_MAX_SECONDS, {
        error: `Délai de verrouillage trop long : ${IDLE_LOCK_MAX_SECONDS} secondes (1 heure) au plus.`,
      })
      .optional(),
    tillToleranceCents: nonNegativeInt('Tolérance d’écart de caisse', 100_000).optional(),
    cashCeilingWarnPercent: z
      .number({ error: 'Seuil d’alerte du plafond : un pourcentage est attendu.' })
      .int({ error: 'Seuil d’alerte du plafond : un pourcentage entier est attendu.' })
      .min(1, { error: 'Seuil d’alerte du plafond : 1 % au moins.' })
      .max(100, { error: 'Seuil d’alerte du plafond : 100 % au plus.' })
      .optional(),
    tillFloatCents: nonNegativeInt('Fonds de caisse', 10_000_000).nullable().optional(),
    keepDailyBackups: keepCount('Sauvegardes quotidiennes conservées').optional(),
    keepClosingBackups: keepCount('Sauvegardes de clôture conservées').optional(),
    familyPortalUrl: refinedText(familyPortalUrlProblem, 500).optional(),
    accessCodeDays: z
      .number({ error: 'Validité des codes d’accès : un nombre de jours est attendu.' })
      .int({ error: 'Validité des codes d’accès : un nombre entier de jours est attendu.' })
      .min(ACCESS_CODE_MIN_DAYS, { error: 'Validité des codes d’accès : 1 jour au moins.' })
      .max(ACCESS_CODE_MAX_DAYS, { error: 'Validité des codes d’accès : 365 jours au plus.' })
      .optional(),
    bankMissingWorkingDays: z
      .number({ error: 'Crédit attendu sur le relevé : un nombre de jours ouvrés est attendu.' })
      .int({
        error: 'Crédit attendu sur le relevé : un nombre entier de jours ouvrés est attendu.',
      })
      .min(BANK_MISSING_MIN_DAYS, {
        error: 'Crédit attendu sur le relevé : 1 jour ouvré au moins.',
      })
      .max(BANK_MISSING_MAX_DAYS, {
        error: 'Crédit attendu sur le relevé : 60 jours ouvrés au plus.',
      })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Paramètre inconnu (${issue.keys.join(', ')}) : seuls les paramètres du poste peuvent être modifiés ici.`
        : undefined,
  },
);
export type MachineSettingsUpdate = z.output<typeof machineSettingsUpdateSchema>;

/** Modes a régie may only accept under an agreement with the issuing body. */
export const agreementModes = ['cesu', 'cheque_vacances'] as const satisfies readonly PaymentMode[];

/** The fields of a régie's configuration, the same at its creation and when it is changed. */
const regieConfigShape = {
  acceptedModes: z
    .array(z.enum(paymentModes, { error: 'Mode de paiement inconnu.' }))
    .min(1, { error: 'Une régie doit accepter au moins un mode de paiement.' })
    .max(paymentModes.length),
  /** The régisseur confirms the régie holds the CESU agreement (CRCESU). */
  cesuAgreement: z.boolean().default(false),
  /** The régisseur confirms the régie holds the ANCV agreement. */
  chequeVacancesAgreement: z.boolean().default(false),
  cashCeilingCents: centsSchema,
  floatCents: centsSchema,
  creditorLabel: z
    .string()
    .trim()
    .min(3, { error: 'Indiquez l’ordre des chèques (par exemple « Régie scolaire de … »).' })
    .max(120, { error: 'Ordre des chèques trop long (120 caractères au plus).' }),
  numcli: z
    .string()
    .trim()
    .regex(/^\d{6}$/, {
      error: 'Le numéro client PayFiP (numcli) comporte exactement 6 chiffres, zéros compris.',
    })
    .nullable(),
  payfipSaisie: z.enum(['T', 'X', 'W'], {
    error: 'Mode PayFiP attendu : T (test), X (activation) ou W (production).',
  }),
  dftAccount: z
    .string()
    .trim()
    .max(60, { error: 'Compte DFT trop long (60 caractères au plus).' })
    .nullable(),
  allowCredit: z.boolean(),
  allowDirectDebitPayment: z.boolean(),
};

interface RegieConfigValues {
  acceptedModes: PaymentMode[];
  cesuAgreement: boolean;
  chequeVacancesAgreement: boolean;
  cashCeilingCents: number;
  floatCents: number;
  numcli: string | null;
  payfipSaisie: 'T' | 'X' | 'W';
}

/** The rules between fields of a configuration, each with the field it points at. */
function regieConfigProblems(v: RegieConfigValues): { message: string; path: string }[] {
  const problems: { message: string; path: string }[] = [];
  if (v.floatCents > v.cashCeilingCents) {
    problems.push({
      message: 'Le fonds de caisse ne peut pas dépasser le plafond d’encaisse.',
      path: 'floatCents',
    });
  }
  if (v.acceptedModes.includes('cesu') && !v.cesuAgreement) {
    problems.push({
      message:
        'Les CESU ne peuvent être acceptés que si la régie est affiliée au CRCESU : cochez la case de l’agrément, ou retirez ce mode.',
      path: 'cesuAgreement',
    });
  }
  if (v.acceptedModes.includes('cheque_vacances') && !v.chequeVacancesAgreement) {
    problems.push({
      message:
        'Les chèques-vacances ne peuvent être acceptés qu’avec la convention ANCV : cochez la case de l’agrément, ou retirez ce mode.',
      path: 'chequeVacancesAgreement',
    });
  }
  if (v.payfipSaisie !== 'T' && v.numcli === null) {
    problems.push({
      message:
        'PayFiP en activation ou en production demande le numéro client (numcli) fourni par la DGFiP.',
      path: 'numcli',
    });
  }
  return problems;
}

/**
 * The régie's code appears inside every document number (R-SCO-P01-2026-000001,
 * BC-SCO-2026-0001...), where the dash separates the parts: letters and digits only.
 */
export const REGIE_CODE_PATTERN = /^[A-Z0-9]{2,5}$/;

export const regieCodeSchema = z
  .string({ error: 'Indiquez le code de la régie (par exemple SPO).' })
  .trim()
  .toUpperCase()
  .regex(REGIE_CODE_PATTERN, {
    error:
      'Le code de la régie comporte 2 à 5 lettres sans accent ou chiffres, sans espace ni tiret (par exemple SCO, PEN, SPO) : il figure dans les numéros des reçus et des bordereaux.',
  });

/** What identifies a régie on paper: its name and the service that receives the families. */
const regieIdentityShape = {
  name: z
    .string({ error: 'Indiquez le nom de la régie.' })
    .trim()
    .min(3, { error: 'Indiquez le nom de la régie (par exemple « Régie des sports »).' })
    .max(100, { error: 'Nom de la régie trop long (100 caractères au plus).' }),
  serviceName: z
    .string({ error: 'Indiquez le service qui accueille les familles.' })
    .trim()
    .min(2, {
      error: 'Indiquez le service qui accueille les familles (par exemple « Service des Sports »).',
    })
    .max(120, { error: 'Nom du service trop long (120 caractères au plus).' }),
  serviceAddress: z
    .string({ error: 'Indiquez l’adresse du service.' })
    .trim()
    .min(5, {
      error: 'Indiquez l’adresse du service : elle est imprimée sur les reçus et coupons.',
    })
    .max(200, { error: 'Adresse du service trop longue (200 caractères au plus).' }),
  servicePhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 .-]{7,18}[0-9]$/, {
      error: 'Téléphone du service invalide : écrivez par exemple 02 61 91 00 30.',
    })
    .nullable(),
};

/** SIRET: 14 digits whose Luhn sum is a multiple of 10 (INSEE's check). */
export function siretValid(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(siret[13 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The commune's identity, for a commune without a portal: an empty commune starts as
 * « Commune à configurer », which every document would print. On an enrolled poste the portal
 * sends it.
 */
export const communeUpdateSchema = z.strictObject(
  {
    name: z
      .string()
      .trim()
      .min(2, { error: 'Indiquez le nom de la commune (par exemple « Ville de Démo »).' })
      .max(100, { error: 'Nom de la commune trop long (100 caractères au plus).' }),
    addressLine: z
      .string()
      .trim()
      .min(3, { error: 'Indiquez l’adresse de la mairie (par exemple « 1 place de la Mairie »).' })
      .max(200, { error: 'Adresse trop longue (200 caractères au plus).' }),
    postalCode: z
      .string()
      .trim()
      .regex(/^\d{5}$/, { error: 'Le code postal comporte 5 chiffres (par exemple 49100).' }),
    city: z
      .string()
      .trim()
      .min(1, { error: 'Indiquez la ville.' })
      .max(100, { error: 'Nom de la ville trop long (100 caractères au plus).' }),
    siret: z
      .string()
      .overwrite((v) => v.replace(/\s/g, ''))
      .refine(siretValid, {
        error:
          'SIRET invalide : 14 chiffres, tels qu’ils figurent sur l’avis de situation au répertoire SIRENE. Vérifiez la saisie, ou laissez le champ vide.',
      })
      .nullable(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 .-]{7,18}[0-9]$/, {
        error: 'Téléphone de la mairie invalide : écrivez par exemple 02 61 91 00 00.',
      })
      .nullable(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Champ inconnu (${issue.keys.join(', ')}) pour l’identité de la commune.`
        : undefined,
  },
);
export type CommuneUpdate = z.output<typeof communeUpdateSchema>;

export const regieConfigUpdateSchema = z
  .strictObject({
    regieId: z.number().int().positive(),
    ...regieConfigShape,
    // The identity is optional here: a client that sends only the configuration leaves it.
    name: regieIdentityShape.name.optional(),
    serviceName: regieIdentityShape.serviceName.optional(),
    serviceAddress: regieIdentityShape.serviceAddress.optional(),
    servicePhone: regieIdentityShape.servicePhone.optional(),
  })
  .check((ctx) => {
    for (const p of regieConfigProblems(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: p.message, input: ctx.value, path: [p.path] });
    }
  });

/**
 * A new régie, for a commune without a portal (an enrolled poste receives its régies from the
 * portal). Its code cannot change afterwards: the documents already numbered carry it.
 */
export const regieCreateSchema = z
  .strictObject(
    {
      commandId: commandIdSchema,
      code: regieCodeSchema,
      ...regieIdentityShape,
      ...regieConfigShape,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `Champ inconnu (${issue.keys.join(', ')}) pour la création d’une régie.`
          : undefined,
    },
  )
  .check((ctx) => {
    for (const p of regieConfigProblems(ctx.value)) {
      ctx.issues.push({ code: 'custom', message: p.message, input: ctx.value, path: [p.path] });
    }
  });
export type RegieCreate = z.output<typeof regieCreateSchema>;

export interface RegieCreated {
  regieId: number;
  view: SettingsView;
}

const backupFileName = z
  .string()
  .min(1, { error: 'Choisissez une sauvegarde dans la liste.' })
  .max(200)
  // A bare file name: the core only ever restores from its own backup folder.
  .regex(/^[A-Za-z0-9._-]+$/, {
    error: 'Nom de sauvegarde invalide : choisissez une sauvegarde dans la liste.',
  });

export const adminContract = {
  'settings.get': handler(z.object({}), 'read').returns<SettingsView>(),
  /** Settings of this machine (per-poste): régisseur or suppléant. */
  'settings.update': handler(machineSettingsUpdateSchema, 'validate').returns<SettingsView>(),
  /** Configuration of one régie: the régisseur only. */
  'regies.update': handler(regieConfigUpdateSchema, 'admin').returns<SettingsView>(),
  /** The commune's identity on a poste without a portal: the régisseur only. */
  'commune.update': handler(communeUpdateSchema, 'admin').returns<SettingsView>(),
  /** A new régie on a poste without a portal: the régisseur only. */
  'regies.create': handler(regieCreateSchema, 'admin').returns<RegieCreated>(),
  'backups.list': handler(z.object({}), 'validate').returns<BackupList>(),
  'backups.create': handler(z.object({}), 'validate').returns<BackupInfo>(),
  /**
   * Replaces the database with a backup of the backup folder after checking it. Every session
   * ends, the caller's included.
   */
  'backups.restore': handler(
    z.object({
      fileName: backupFileName,
      confirm: z.literal(true, {
        error: 'Confirmez la restauration : elle remplace toutes les données de ce poste.',
      }),
    }),
    'admin',
  ).returns<RestoreResult>(),
  /** Logs, technical journal and versions for support, without family personal data. */
  'incident.report': handler(z.object({}), 'read').returns<IncidentReportFile>(),
};
