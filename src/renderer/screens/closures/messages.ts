// Texts of the closures tab (office screen, F7): periods to close per régie, the confirmation
// of a closing, the closures made and their PDF.
import {
  closureKindLabels,
  closurePeriodLabel,
  closurePeriodPhrase,
  type ClosureKind,
} from '../../../shared/contract/closures';
import { formatEuro } from '../../../shared/money';

const NBSP = '\u00a0';

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const closureMessages = {
  loading: 'Lecture des clôtures…',
  loadFailed: (message: string) => `Les clôtures n’ont pas pu être lues${NBSP}: ${message}`,
  intro:
    'Chaque journée, chaque mois et chaque année de chaque régie est clôturé une fois terminé : ses totaux sont scellés dans le journal et plus aucune opération ne peut y être datée. La clôture mensuelle produit l’état des recettes à remettre au comptable.',
  noRegie: 'Aucune régie n’est configurée.',
  regieTitle: (code: string, name: string) => `${code} – ${name}`,
  lastClosed: 'Dernières clôtures',
  lastClosedValue: (kind: ClosureKind, period: string | null) =>
    `${closureKindLabels[kind]}${NBSP}: ${period ? closurePeriodLabel(kind, period) : 'aucune'}`,
  nothingPending: 'Rien à clôturer : toutes les périodes terminées sont clôturées.',
  pendingTitle: 'À clôturer',
  pendingHelp: 'Les périodes se clôturent dans l’ordre, de la plus ancienne à la plus récente.',
  colPeriod: 'Période',
  colKind: 'Type',
  colActivity: 'Activité',
  colAction: 'Clôture',
  activity: (has: boolean) => (has ? 'Opérations enregistrées' : 'Aucune opération'),
  alsoCloses: (days: number, months: number) => {
    const parts = [
      ...(months > 0 ? [`${months} mois`] : []),
      ...(days > 0 ? [`${days} journée${days > 1 ? 's' : ''}`] : []),
    ];
    return parts.length ? ` (et ${parts.join(', ')})` : '';
  },
  waitsFor: (kind: ClosureKind, period: string) => `Après ${closurePeriodPhrase(kind, period)}`,
  closeButton: (kind: ClosureKind, period: string) =>
    `Clôturer ${closurePeriodPhrase(kind, period)}`,
  closeShort: 'Clôturer…',
  validatorOnly: 'Régisseur ou suppléant',
  noRight:
    'Seuls le régisseur et son suppléant peuvent clôturer une période. Vous pouvez consulter les clôtures et leurs états.',
  openTills: (list: string) =>
    `Caisse encore ouverte${NBSP}: ${list}. Une période ne peut être clôturée qu’une fois la caisse clôturée (rapport Z).`,
  openTill: (poste: string, since: string) => `poste ${poste} depuis le ${since}`,

  // Confirmation.
  confirmTitle: (kind: ClosureKind, period: string, regie: string) =>
    `Clôturer ${closurePeriodPhrase(kind, period)} — régie ${regie}`,
  confirmText: (kind: ClosureKind, period: string) =>
    `Vous allez clôturer ${closurePeriodPhrase(kind, period)}. Cette clôture est définitive : ses totaux seront scellés dans le journal et plus aucun paiement, aucune annulation ni aucune utilisation d’avoir ne pourra y être daté.`,
  confirmAlso: (n: number) =>
    `La même opération clôturera d’abord ${n > 1 ? `ces ${n} périodes` : 'cette période'}, qui ne le sont pas encore${NBSP}:`,
  confirmEmpty: 'Aucune opération n’a été enregistrée sur cette période : la clôture sera à zéro.',
  confirm: 'Clôturer définitivement',
  cancel: 'Annuler',
  sending: 'Clôture en cours…',
  done: (kind: ClosureKind, period: string) =>
    `${capitalized(closurePeriodPhrase(kind, period))} est clôturé${kind === 'mois' ? '' : 'e'}.`,
  doneAlso: (n: number, kind: ClosureKind) =>
    `${n} autre${n > 1 ? 's' : ''} période${n > 1 ? 's' : ''} clôturée${n > 1 ? 's' : ''} avec ${kind === 'mois' ? 'lui' : 'elle'}.`,
  doneFigures: (net: number, count: number) =>
    `${count} paiement${count > 1 ? 's' : ''}, net ${formatEuro(net)}.`,
  doneJournal: (seq: number, code: string) =>
    `Écriture n° ${seq} du journal, code de vérification ${code}.`,
  showReport: (kind: ClosureKind) =>
    kind === 'mois' ? 'Voir l’état des recettes' : 'Voir le document de clôture',
  close: 'Fermer',
  retrySame: 'Vous pouvez recommencer : la même demande ne clôturera pas deux fois la période.',

  // Closures made.
  listTitle: 'Clôtures effectuées',
  listFilter: 'Afficher',
  filterAll: 'Toutes',
  filterKind: { jour: 'Journées', mois: 'Mois', annee: 'Années' } as Record<ClosureKind, string>,
  listEmpty: 'Aucune clôture pour l’instant.',
  colRegie: 'Régie',
  colCount: 'Paiements',
  colCollected: 'Encaissé',
  colCancelled: 'Annulé',
  colNet: 'Net',
  colClosed: 'Clôturée le',
  colCode: 'Code',
  colDocument: 'Document',
  closedBy: (name: string | null) => (name ? `par ${name}` : 'automatiquement'),
  closedWith: (kind: ClosureKind, period: string) => `avec ${closurePeriodPhrase(kind, period)}`,
  viewReport: 'PDF',
  viewReportLabel: (kind: ClosureKind, period: string) =>
    `Voir le document de ${closurePeriodPhrase(kind, period)}`,
  reportTitle: (kind: ClosureKind, period: string, regie: string) =>
    `${kind === 'mois' ? 'État des recettes' : closureKindLabels[kind]} — ${closurePeriodLabel(kind, period)} — ${regie}`,
  download: 'Enregistrer ou imprimer le PDF',
  kindLabel: (kind: ClosureKind) => closureKindLabels[kind],
  periodLabel: (kind: ClosureKind, period: string) => closurePeriodLabel(kind, period),
};
