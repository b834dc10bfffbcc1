// Everything the "Éditions pour le comptable" tab says, in one place.
import type { ReportKind, SituationChannel } from '../../../shared/contract';

const NBSP = '\u00a0';
const n = (count: number) => count.toLocaleString('fr-FR');

export const reportMessages = {
  intro:
    'Les documents que le comptable public demande : journal des reçus d’une période, totaux par mode et par régie, soldes des familles, avoirs en cours, et la situation de caisse pour un contrôle. Chaque export est inscrit au journal des événements techniques avec son empreinte.',
  kindLabel: 'Édition',
  kinds: {
    recus: 'Journal des reçus',
    totaux: 'Totaux',
    soldes: 'Soldes des familles',
    avoirs: 'Avoirs',
    situation: 'Situation de caisse',
  } satisfies Record<ReportKind, string>,
  from: 'Du',
  to: 'Au',
  periodHelp: 'Dates de Paris, incluses. Entrée pour afficher.',
  currentMonth: 'Mois en cours',
  previousMonth: 'Mois précédent',
  show: 'Afficher',
  regie: 'Régie',
  allRegies: 'Toutes les régies',
  includeZero: 'Inclure les comptes à zéro',
  exportPdf: 'Exporter en PDF',
  exportCsv: 'Exporter en CSV',
  exportPdfKey: 'Alt+P',
  exportCsvKey: 'Alt+C',
  situationNow: 'Situation de caisse maintenant',
  situationKey: 'Alt+S',
  loading: 'Chargement de l’édition…',
  exporting: 'Préparation du fichier…',
  exported: (fileName: string, rows: number, sha: string) =>
    `Fichier « ${fileName} » enregistré (${n(rows)} ligne${rows > 1 ? 's' : ''}). Empreinte SHA-256${NBSP}: ${sha.slice(0, 16)}…, inscrite au journal des événements techniques.`,
  downloadAgain: 'Enregistrer à nouveau',
  pdfDownload: 'Enregistrer / imprimer le PDF',
  truncated: (shown: number, total: number) =>
    `${n(shown)} premières lignes affichées sur ${n(total)} : l’export contient toutes les lignes.`,
  empty: 'Rien à afficher pour ce choix.',
  none: '—',
  total: 'Total',
  receipts: {
    summary: (count: number) => `${n(count)} reçu${count > 1 ? 's' : ''} dans la période`,
    collected: 'Encaissé',
    cancelled: 'Annulé (annulations datées de la période)',
    net: 'Net',
    rule: 'Les annulations sont comptées à leur propre date : une annulation postérieure à la période apparaît sur la ligne du reçu sans être déduite des totaux de la période.',
    earlier: 'Annulations de la période portant sur des reçus antérieurs',
    missing: (count: number, seq: string) =>
      `Séquence ${seq}${NBSP}: ${n(count)} numéro${count > 1 ? 's' : ''} manquant${count > 1 ? 's' : ''} dans la période.`,
    columns: {
      number: 'N° de reçu',
      date: 'Date',
      family: 'Famille',
      mode: 'Mode',
      amount: 'Montant',
      invoices: 'Factures réglées',
      agent: 'Agent',
      cancellation: 'Annulation',
    },
    cancelledOn: (when: string, agent: string, reason: string, inPeriod: boolean) =>
      `Annulé le ${when}${inPeriod ? '' : ' (après la période)'} par ${agent}${NBSP}: ${reason}`,
    credit: (amount: string) => `avoir ${amount}`,
  },
  totals: {
    perMode: 'Par mode de paiement',
    perRegie: 'Par régie',
    perRegieMode: 'Par régie et par mode',
    columns: {
      label: 'Libellé',
      payments: 'Paiements',
      collected: 'Encaissé',
      cancellations: 'Annulations',
      cancelled: 'Annulé',
      net: 'Net',
    },
  },
  balances: {
    count: (count: number, zero: boolean) =>
      `${n(count)} compte${count > 1 ? 's' : ''}${zero ? ', y compris à zéro' : ' avec un reste dû ou un avoir'}`,
    help: 'Reste dû : factures à payer, partiellement payées ou en prélèvement (celles en trésorerie sont dues au Trésor). Solde = reste dû − avoir.',
    columns: {
      code: 'Code',
      family: 'Famille',
      regie: 'Régie',
      due: 'Reste dû',
      credit: 'Avoir',
      balance: 'Solde',
    },
  },
  credits: {
    count: (count: number) => `${n(count)} avoir${count > 1 ? 's' : ''} en cours`,
    columns: {
      code: 'Code',
      family: 'Famille',
      regie: 'Régie',
      credit: 'Avoir',
      since: 'Dernier mouvement',
    },
  },
  situation: {
    at: (when: string) => `Situation au ${when}`,
    channels: {
      caisse: 'Caisse (versement)',
      bordereau: 'Bordereau de remise',
      direct: 'Crédité directement',
    } satisfies Record<SituationChannel, string>,
    columns: {
      regie: 'Régie',
      mode: 'Mode',
      channel: 'Circuit',
      book: 'Solde comptable',
      deposited: 'Versé ou remis',
      adjustments: 'Régularisations',
      toHold: 'À détenir',
      onDraft: 'Dont bordereau en préparation',
    },
    rule: 'Chaque ligne se vérifie ainsi : solde comptable + régularisations = versé ou remis + à détenir. Régularisations : apports (+) et retraits (−) d’espèces ; chèques ou titres remis puis annulés (+).',
    cashTitle: 'Espèces à présenter',
    cashHeld: 'Encaisse à détenir',
    float: 'Fonds de caisse',
    cashTotal: 'Total des espèces',
    differences: 'Écarts de comptage cumulés',
    noDifference: 'aucun',
    openTitle: 'Caisses ouvertes',
    noOpen: 'Aucune caisse ouverte.',
    open: (poste: string, when: string, by: string, cash: string, overnight: boolean) =>
      `Poste ${poste}${NBSP}: ouverte le ${when} par ${by}${overnight ? ' (jour précédent)' : ''} — ${cash} d’espèces attendues, fonds compris.`,
    remarks: 'Remarques',
  },
  tableLabel: (kind: string) => `Édition — ${kind}`,
};
