// Texts of the import tab (office screen): files from the commune's billing software, checked
// before anything is written.
import {
  importFileKindLabels,
  type ImportFileKind,
  type ImportFileSummary,
  type ImportResult,
} from '../../../shared/contract/imports';

const NBSP = '\u00a0';
const plural = (n: number, one: string, many: string) => `${n}${NBSP}${n > 1 ? many : one}`;

/** "5 créées, 0 mise à jour, 2 inchangées" (feminine for families and invoices, masculine for children). */
function counts(s: ImportFileSummary, gender: 'f' | 'm'): string {
  const f = gender === 'f';
  return [
    plural(s.created, f ? 'créée' : 'créé', f ? 'créées' : 'créés'),
    plural(s.updated, f ? 'mise à jour' : 'mis à jour', f ? 'mises à jour' : 'mis à jour'),
    plural(s.unchanged, f ? 'inchangée' : 'inchangé', f ? 'inchangées' : 'inchangés'),
  ].join(', ');
}

export const importMessages = {
  intro:
    'Pour une commune sans portail : importez les familles, leurs enfants et les factures exportées par le logiciel de facturation (fichiers CSV, séparateur point-virgule ou virgule). Les fichiers sont d’abord vérifiés en entier ; s’il y a la moindre erreur, rien n’est importé. Un fichier déjà importé peut l’être à nouveau : ce qui n’a pas changé reste tel quel.',
  columnsTitle: 'Colonnes attendues',
  familiesColumns:
    'familles.csv : code_famille, civilite_1, nom_1, prenom_1, adresse, code_postal, ville (obligatoires) ; nom_famille, complement_adresse, courriel_1, telephone_portable_1, telephone_domicile_1, telephone_travail_1, et les mêmes colonnes en _2 pour un second responsable (facultatives).',
  childrenColumns:
    'enfants.csv (facultatif) : code_famille, prenom, nom, date_naissance (obligatoires) ; ecole (facultative).',
  invoicesColumns:
    'factures.csv : regie, numero_facture, code_famille, libelle, date_emission, date_echeance, montant (obligatoires) ; periode, statut, deja_regle, reference_payfip (facultatives).',
  familiesFile: 'Fichier des familles',
  childrenFile: 'Fichier des enfants',
  invoicesFile: 'Fichier des factures',
  filePlaceholder: 'Choisir un fichier CSV…',
  fileHelp: 'Chaque fichier est facultatif : importez-en un, deux ou trois.',
  check: 'Vérifier les fichiers',
  checking: 'Vérification…',
  apply: 'Importer',
  applying: 'Import en cours…',
  chooseOne: 'Choisissez au moins un fichier.',
  readFailed: (name: string) =>
    `Le fichier « ${name} » n’a pas pu être lu sur ce poste. Vérifiez qu’il n’est pas ouvert dans un autre programme.`,
  summaryTitle: 'Résultat de la vérification',
  colFile: 'Fichier',
  colRows: 'Lignes',
  colCreated: 'Ajouts',
  colUpdated: 'Modifications',
  colUnchanged: 'Sans changement',
  colFormat: 'Format',
  fileKind: (k: ImportFileKind) => importFileKindLabels[k],
  format: (s: ImportFileSummary) =>
    `${s.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252'}, séparateur ${s.separator === 'tab' ? 'tabulation' : `« ${s.separator} »`}`,
  errorsTitle: (n: number) =>
    `${plural(n, 'erreur', 'erreurs')} : rien ne sera importé tant qu’${n > 1 ? 'elles ne seront pas corrigées' : 'elle ne sera pas corrigée'}`,
  errorsHelp:
    'Corrigez les lignes indiquées dans le fichier (la ligne 1 est celle des noms de colonnes), enregistrez-le, puis choisissez-le à nouveau et vérifiez.',
  moreErrors: (n: number) => `… et ${plural(n, 'autre erreur', 'autres erreurs')} non affichées.`,
  errorsTable: 'Erreurs trouvées dans les fichiers',
  colLine: 'Ligne',
  colColumn: 'Colonne',
  colMessage: 'Erreur',
  ready: 'Aucune erreur : les fichiers peuvent être importés.',
  nothingToDo: 'Aucune erreur, et rien de nouveau : tout est déjà dans Guichet.',
  done: 'Import terminé',
  doneText: (r: ImportResult) =>
    [
      r.families && `Familles : ${counts(r.families, 'f')}.`,
      r.children && `Enfants : ${counts(r.children, 'm')}.`,
      r.invoices && `Factures : ${counts(r.invoices, 'f')}.`,
    ]
      .filter(Boolean)
      .join(' '),
  doneJournal: (seq: number | null) =>
    seq === null
      ? 'Rien n’a changé : aucune écriture au journal.'
      : `Inscrit au journal des opérations (entrée n°${NBSP}${seq}).`,
  failed: 'L’import a été refusé',
};
