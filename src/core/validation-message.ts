// A refused input's message in French, naming the field in words an agent knows. zod (with its
// French locale) says what is wrong; the path says where, but in the contract's English
// identifiers ("allocations.0.amountCents"), which mean nothing at a counter. Unknown keys are
// kept, quoted, rather than dropped: a precise English word beats a vague French one.
import type { z } from 'zod';

const FIELD_LABELS: Readonly<Record<string, string>> = {
  acceptedModes: 'modes acceptés',
  accessCodeDays: 'durée de validité des codes',
  addressLine: 'adresse',
  agentId: 'agent',
  allocations: 'imputation',
  allowCredit: 'avoirs admis',
  allowDirectDebitPayment: 'paiement des factures prélevées',
  amountCents: 'montant',
  asOf: 'date',
  backupDir: 'dossier de sauvegarde',
  bankMissingWorkingDays: 'crédit attendu sur le relevé',
  bank: 'banque',
  beforeId: 'position',
  birthDate: 'date de naissance',
  book: 'carnet',
  cardBatchCents: 'télécollecte',
  cashCeilingCents: 'plafond d’encaisse',
  cashCounts: 'comptage des espèces',
  cesuAgreement: 'n° d’agrément CESU',
  cesuCents: 'CESU',
  chequeVacancesAgreement: 'n° d’agrément ANCV',
  chequeVacancesCents: 'chèques-vacances',
  chequesPresent: 'chèques présents',
  children: 'enfants',
  city: 'ville',
  code: 'code',
  coinsBag: 'sac de pièces',
  commandId: 'identifiant de l’opération',
  communeName: 'nom de la commune',
  confirm: 'confirmation',
  counts: 'comptage',
  creditorLabel: 'ordre des chèques',
  dftAccount: 'compte DFT',
  displayName: 'nom du régisseur',
  drawer: 'tireur',
  dueDate: 'échéance',
  email: 'adresse électronique',
  faceValueCents: 'valeur faciale',
  families: 'familles',
  familyCode: 'code famille',
  familyId: 'famille',
  familyName: 'nom de famille',
  firstName: 'prénom',
  fileName: 'sauvegarde',
  floatCents: 'fonds de caisse',
  format: 'format',
  from: 'du',
  idleLockSeconds: 'verrouillage après inactivité',
  invoiceId: 'facture',
  invoiceNumber: 'n° de facture',
  invoices: 'factures',
  issueCodes: 'émission des codes',
  kind: 'type',
  kinds: 'types',
  label: 'libellé',
  lastName: 'nom',
  layout: 'mise en page',
  limit: 'nombre maximal',
  lineId: 'ligne',
  login: 'identifiant',
  method: 'moyen de paiement',
  mode: 'mode de règlement',
  name: 'nom',
  notesBag: 'sac de billets',
  number: 'numéro',
  numcli: 'n° client PayFiP',
  onlinePaymentRef: 'paiement en ligne',
  page: 'page',
  pageSize: 'taille de page',
  password: 'mot de passe',
  payee: 'ordre',
  payfipSaisie: 'mode de saisie PayFiP',
  paymentId: 'paiement',
  paymentIds: 'paiements',
  period: 'période',
  phone: 'téléphone',
  portalUrl: 'adresse du portail',
  postalCode: 'code postal',
  posteCode: 'code du poste',
  posteName: 'nom du poste',
  printLayout: 'mise en page d’impression',
  query: 'recherche',
  reason: 'motif',
  reasons: 'motifs',
  reference: 'référence',
  regieCode: 'code régie',
  regieId: 'régie',
  report: 'rapport',
  resolution: 'décision',
  role: 'rôle',
  siret: 'SIRET',
  statementId: 'relevé',
  tenderedCents: 'somme remise',
  terminalReference: 'référence du terminal',
  titles: 'titres',
  to: 'au',
  toCreditCents: 'part mise en avoir',
  workingDays: 'jours ouvrés',
  year: 'année',
};

/** "imputation n° 1 › montant" for ['allocations', 0, 'amountCents']. */
export function frenchPath(path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  for (const key of path) {
    if (typeof key === 'number') {
      const last = parts.length - 1;
      const item = `n° ${key + 1}`;
      if (last >= 0) parts[last] = `${parts[last]} ${item}`;
      else parts.push(item);
    } else {
      const name = String(key);
      parts.push(FIELD_LABELS[name] ?? `« ${name} »`);
    }
  }
  return parts.join(' › ');
}

const fold = (s: string) => s.toLocaleLowerCase('fr-FR');

export function validationMessage(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      if (!i.path.length) return i.message;
      const where = frenchPath(i.path);
      // A message that already opens with the field's name needs no prefix.
      const last = where.split(' › ').at(-1) ?? where;
      return fold(i.message).startsWith(fold(last)) ? i.message : `${where} : ${i.message}`;
    })
    .join(' ; ');
}
