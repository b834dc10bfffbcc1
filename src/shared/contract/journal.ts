import { z } from 'zod';
import { handler } from './define';
import { isoDateSchema } from '../dates';

// The two inalterable journals: the operations journal (every business event) and the technical
// events journal (JET: failed logins, lockouts, integrity checks, backups...). Both are SHA-256
// hash chains; journal.verify recomputes them.

export const journalBooks = ['operations', 'technique'] as const;
export type JournalBook = (typeof journalBooks)[number];

export const journalKinds = [
  'paiement',
  'annulation',
  'duplicata',
  'utilisation_avoir',
  'annulation_avoir',
  'connexion',
  'deconnexion',
  'configuration',
  'mise_en_service',
  'ouverture_caisse',
  'mouvement_caisse',
  'derogation_plafond',
  'ecart_caisse',
  'cloture_caisse',
  'cloture_jour',
  'cloture_mois',
  'cloture_annee',
  'bordereau_brouillon',
  'bordereau_valide',
  'depot_especes',
  'import_csv',
  'correction_famille',
  'correction_facture',
  'code_acces_emis',
  'coupons_lot',
  'releve_importe',
  'rapprochement_manuel',
  'rapprochement_annule',
  'trop_percu_avoir',
  'trop_percu_remboursement',
  'verification_paiement_en_ligne',
] as const;
export type JournalKind = (typeof journalKinds)[number];

export const techJournalKinds = [
  'echec_connexion',
  'blocage_compte',
  'verrouillage_inactivite',
  'deverrouillage',
  'echec_deverrouillage',
  'verification_integrite',
  'sauvegarde',
  'restauration',
  'echec_synchronisation',
  'saut_horloge',
  'demarrage',
  'export',
  'rapport_incident',
] as const;
export type TechJournalKind = (typeof techJournalKinds)[number];

export const journalKindLabels: Record<JournalKind | TechJournalKind, string> = {
  paiement: 'Paiement',
  annulation: 'Annulation de paiement',
  duplicata: 'Duplicata de reçu',
  utilisation_avoir: 'Utilisation d’avoir',
  annulation_avoir: 'Annulation d’utilisation d’avoir',
  connexion: 'Connexion',
  deconnexion: 'Déconnexion',
  configuration: 'Modification de configuration',
  mise_en_service: 'Mise en service du poste',
  ouverture_caisse: 'Ouverture de caisse',
  mouvement_caisse: 'Mouvement de caisse',
  derogation_plafond: 'Dérogation au plafond d’espèces',
  ecart_caisse: 'Écart de caisse',
  cloture_caisse: 'Clôture de caisse (Z)',
  cloture_jour: 'Clôture journalière',
  cloture_mois: 'Clôture mensuelle',
  cloture_annee: 'Clôture annuelle',
  bordereau_brouillon: 'Bordereau de remise (brouillon)',
  bordereau_valide: 'Bordereau de remise validé',
  depot_especes: 'Dépôt d’espèces (La Banque Postale)',
  code_acces_emis: 'Code d’accès famille émis',
  coupons_lot: 'Lot de coupons',
  releve_importe: 'Relevé bancaire importé',
  rapprochement_manuel: 'Rapprochement bancaire manuel',
  rapprochement_annule: 'Rapprochement bancaire annulé',
  trop_percu_avoir: 'Trop-perçu en ligne porté en avoir',
  trop_percu_remboursement: 'Trop-perçu en ligne à rembourser',
  verification_paiement_en_ligne: 'Vérification d’un paiement en ligne auprès de PayFiP',
  import_csv: 'Import de fichiers CSV',
  correction_famille: 'Correction d’une famille',
  correction_facture: 'Correction d’une facture',
  echec_connexion: 'Échec de connexion',
  blocage_compte: 'Compte bloqué',
  verrouillage_inactivite: 'Verrouillage après inactivité',
  deverrouillage: 'Déverrouillage',
  echec_deverrouillage: 'Échec de déverrouillage',
  verification_integrite: 'Vérification d’intégrité',
  sauvegarde: 'Sauvegarde',
  restauration: 'Restauration',
  echec_synchronisation: 'Échec de synchronisation',
  saut_horloge: 'Saut d’horloge',
  demarrage: 'Démarrage',
  export: 'Édition pour le comptable',
  rapport_incident: 'Rapport d’incident',
};

export interface JournalEntryView {
  seq: number;
  instant: string;
  kind: string;
  kindLabel: string;
  agentName: string | null;
  regieCode: string | null;
  posteCode: string;
  /** One French line describing the event. */
  summary: string;
  payload: Record<string, unknown>;
  hash: string;
}

export interface JournalPage {
  total: number;
  entries: JournalEntryView[];
}

export interface ChainReport {
  book: JournalBook;
  entries: number;
  lastSeq: number;
  lastHash: string;
  ok: boolean;
  /** The first broken or missing entry, in French. */
  firstError: { seq: number; message: string } | null;
}

export interface LedgerReport {
  ok: boolean;
  checkedPayments: number;
  checkedInvoices: number;
  firstError: { message: string } | null;
}

export interface VerifyReport {
  ok: boolean;
  verifiedAt: string;
  durationMs: number;
  operations: ChainReport;
  technique: ChainReport;
  ledger: LedgerReport;
}

export const journalContract = {
  'journal.list': handler(
    z.object({
      book: z.enum(journalBooks).default('operations'),
      kinds: z.array(z.string().max(40)).max(20).optional(),
      /** Paris calendar dates, inclusive. */
      from: isoDateSchema.optional(),
      to: isoDateSchema.optional(),
      page: z.number().int().min(1).default(1),
      pageSize: z.number().int().min(1).max(500).default(50),
    }),
    'read',
  ).returns<JournalPage>(),
  /** Recomputes both hash chains and checks the ledger against them. Read-only audit tool. */
  'journal.verify': handler(z.object({}), 'audit').returns<VerifyReport>(),
};
