import type { JournalBook } from '../../../shared/contract';

const NBSP = '\u00a0';

export const journalMessages = {
  title: 'Journal des opérations',
  intro:
    'Chaque opération du guichet est inscrite ici, chaînée à la précédente par une empreinte SHA-256 : rien ne peut être modifié ni supprimé sans que la vérification le détecte.',
  back: 'Retour',
  backKey: 'Échap',
  books: {
    operations: 'Opérations',
    technique: 'Événements techniques',
  } satisfies Record<JournalBook, string>,
  bookLabel: 'Journal affiché',
  loading: 'Chargement du journal…',
  empty: 'Aucune écriture dans ce journal.',
  count: (total: number) =>
    total === 1 ? '1 écriture' : `${total.toLocaleString('fr-FR')} écritures`,
  pageLabel: 'Pages du journal',
  pageInfo: (page: number, pages: number) => `Page ${page} sur ${pages}`,
  tableLabel: (book: string) => `Écritures du journal — ${book}`,
  columns: {
    seq: 'N°',
    date: 'Date et heure',
    kind: 'Nature',
    summary: 'Détail',
    agent: 'Agent',
    regie: 'Régie',
    amount: 'Montant',
    hash: 'Empreinte',
  },
  none: '—',
  hashTitle: (hash: string) => `Empreinte complète${NBSP}: ${hash}`,
  verify: 'Vérifier l’intégrité',
  verifying: 'Vérification en cours…',
  verifyOkTitle: 'Intégrité vérifiée',
  verifyFailTitle: 'Anomalie détectée',
  chain: (book: string, entries: number, seq: number) =>
    `${book}${NBSP}: ${entries.toLocaleString('fr-FR')} écriture${entries > 1 ? 's' : ''} vérifiée${entries > 1 ? 's' : ''}, dernière n°${NBSP}${seq}`,
  lastHash: 'Dernière empreinte',
  ledger: (payments: number, invoices: number) =>
    `Registre${NBSP}: ${payments.toLocaleString('fr-FR')} paiement${payments > 1 ? 's' : ''} et ${invoices.toLocaleString('fr-FR')} facture${invoices > 1 ? 's' : ''} contrôlés, conformes au journal.`,
  chainBroken: (book: string, seq: number, message: string) =>
    `${book}, écriture n°${NBSP}${seq}${NBSP}: ${message}`,
  ledgerBroken: (message: string) => `Registre${NBSP}: ${message}`,
  verifiedAt: (at: string, ms: number) => `Vérification faite le ${at} (${ms}${NBSP}ms).`,
  verifyAdvice:
    'Ne faites plus d’opération sur ce poste et prévenez le régisseur et le comptable public : le journal doit être examiné.',
} as const;
