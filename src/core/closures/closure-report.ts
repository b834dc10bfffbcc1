// The PDF of a closure, A4 portrait. For a month it is the "état des recettes" the régisseur
// hands to the comptable: per-mode and per-day tables, cancellations, credits, deposits, till
// differences, the perpetual grand total, the amount stated in words and the two signature
// boxes. Days and years get the same header and totals, shorter. Every figure comes from the
// closure's stored totals (the ones its journal entry carries): a reprint months later prints
// the same document, byte for byte.
import {
  closureKindLabels,
  closurePeriodLabel,
  type ClosureTotals,
} from '../../shared/contract/closures';
import { slipKindLabels, type SlipKind } from '../../shared/contract/deposits';
import { createPdf, savePdf } from '../pdf/document';
import { formatEuroPrint, mm, pageSizes, parisDateTime } from '../pdf/format';
import { Flow, grey, type PageCanvas, type PageInfo, type TextStyle } from '../pdf/layout';
import { verificationCode } from '../journal/chain';
import { amountInWords } from './amount-in-words';

export interface ClosureReportData {
  commune: { name: string; addressLine: string; postalCode: string; city: string };
  totals: ClosureTotals;
  closedAt: string;
  closedBy: string | null;
  /** The closure's journal entry. */
  journalSeq: number;
  journalHash: string;
  lastCoveredSeq: number;
}

const titles = {
  jour: 'CLÔTURE JOURNALIÈRE',
  mois: 'ÉTAT DES RECETTES',
  annee: 'CLÔTURE ANNUELLE',
} as const;

const depositLabel = (kind: string): string =>
  kind === 'especes'
    ? 'Dépôt d’espèces (La Banque Postale)'
    : (slipKindLabels[kind as SlipKind] ?? kind);

const when = (iso: string) => {
  const { date, time } = parisDateTime(iso);
  return `${date} à ${time}`;
};

/** "01/03/2026": the Paris date of an instant. */
const dateOf = (iso: string) => parisDateTime(iso).date;

/** The last Paris day of a period (its end is the next day's midnight, excluded). */
const lastDayOf = (t: ClosureTotals) => dateOf(new Date(Date.parse(t.periodEnd) - 1).toISOString());

export function closureReportFileName(d: ClosureReportData): string {
  const prefix = d.totals.kind === 'mois' ? 'etat-des-recettes' : `cloture-${d.totals.kind}`;
  return `${prefix}-${d.totals.regieCode}-${d.totals.period}.pdf`;
}

export async function renderClosureReport(
  d: ClosureReportData,
  resourcesDir?: string,
): Promise<Uint8Array> {
  const t = d.totals;
  const periodText = closurePeriodLabel(t.kind, t.period);
  const title = `${titles[t.kind]} – ${periodText.toUpperCase()}`;
  const { doc, fonts } = await createPdf(
    {
      title: `${closureKindLabels[t.kind]} – régie ${t.regieCode} – ${periodText}`,
      author: d.commune.name,
      subject: t.kind === 'mois' ? 'État des recettes' : closureKindLabels[t.kind],
      createdAt: d.closedAt,
    },
    { fonts: ['regular', 'bold'], resourcesDir },
  );
  const body: TextStyle = { font: fonts.regular, size: 9 };
  const bold: TextStyle = { font: fonts.bold, size: 9 };
  const h2: TextStyle = { font: fonts.bold, size: 11 };
  const small: TextStyle = { font: fonts.regular, size: 7.5, color: grey(0.35) };
  const flow = new Flow({
    width: pageSizes.a4.width,
    height: pageSizes.a4.height,
    margin: { top: mm(14), right: mm(14), bottom: mm(12), left: mm(14) },
    footerSpace: 16,
    continuation: (f) => {
      f.text(`${closureKindLabels[t.kind]} – régie ${t.regieCode} – ${periodText} (suite)`, small, {
        spaceAfter: 6,
      });
    },
  });
  const e = formatEuroPrint;
  const table = (
    columns: { header: string; width: number | 'fill'; align?: 'left' | 'right' }[],
    rows: string[][],
    keepWithLast = 0,
  ) =>
    flow.table({
      columns,
      rows,
      headerStyle: bold,
      bodyStyle: body,
      headerFill: grey(0.9),
      rowRule: grey(0.8),
      keepWithLast,
    });
  const section = (heading: string) => {
    flow.space(8);
    flow.ensure(70);
    flow.text(heading, h2, { spaceAfter: 3 });
  };

  // Header: commune, régie, period, closure.
  flow.text(d.commune.name.toUpperCase(), { font: fonts.bold, size: 13 });
  flow.text(`${d.commune.addressLine}, ${d.commune.postalCode} ${d.commune.city}`, body);
  flow.space(6);
  flow.text(title, { font: fonts.bold, size: 15 });
  flow.rule({ thickness: 1 });
  const info: [string, string][] = [
    ['Régie', `${t.regieCode} – ${t.regieName}`],
    ['Compte DFT', t.dftAccount ?? 'non renseigné'],
    [
      'Période',
      t.kind === 'jour'
        ? `journée du ${periodText} (heure de Paris)`
        : `du ${dateOf(t.periodStart)} au ${lastDayOf(t)} inclus (heure de Paris)`,
    ],
    ['Clôture', `${when(d.closedAt)}${d.closedBy ? ` par ${d.closedBy}` : ''}`],
    [
      'Journal',
      `écriture n° ${d.journalSeq}, code de vérification ${verificationCode(d.journalHash)}`,
    ],
  ];
  for (const [label, value] of info) {
    flow.row([
      { text: label, width: 90, style: bold },
      { text: value, width: 'fill', style: body },
    ]);
  }

  section('Recettes par mode de paiement');
  const modeRows = t.modes.map((m) => [
    m.label,
    String(m.paymentCount),
    e(m.collectedCents),
    String(m.cancellationCount),
    e(m.cancelledCents),
    e(m.netCents),
  ]);
  modeRows.push([
    'Total',
    String(t.paymentCount),
    e(t.collectedCents),
    String(t.cancellationCount),
    e(t.cancelledCents),
    e(t.netCents),
  ]);
  table(
    [
      { header: 'Mode', width: 'fill' },
      { header: 'Nb', width: 40, align: 'right' },
      { header: 'Encaissé', width: 78, align: 'right' },
      { header: 'Annul.', width: 44, align: 'right' },
      { header: 'Annulé', width: 72, align: 'right' },
      { header: 'Net', width: 78, align: 'right' },
    ],
    modeRows,
  );
  flow.space(3);
  flow.text(
    t.cancellationCount === 0
      ? 'Aucune annulation dans la période.'
      : `Annulations de la période : ${t.cancellationCount} pour ${e(t.cancelledCents)} (chacune datée du jour où elle a été faite, avec le mode du paiement annulé).`,
    body,
  );

  if (t.kind !== 'jour') {
    const perDay = t.kind === 'mois';
    section(
      perDay
        ? 'Recettes par jour (clôtures journalières)'
        : 'Recettes par mois (clôtures mensuelles)',
    );
    if (t.parts.length === 0) {
      flow.text(perDay ? 'Aucune journée d’activité.' : 'Aucun mois clôturé.', body);
    } else {
      table(
        [
          { header: perDay ? 'Jour' : 'Mois', width: 'fill' },
          { header: 'Nb', width: 40, align: 'right' },
          { header: 'Encaissé', width: 78, align: 'right' },
          { header: 'Annulé', width: 72, align: 'right' },
          { header: 'Net', width: 78, align: 'right' },
          { header: 'Écriture', width: 52, align: 'right' },
        ],
        [
          ...t.parts.map((p) => [
            closurePeriodLabel(perDay ? 'jour' : 'mois', p.period),
            String(p.paymentCount),
            e(p.collectedCents),
            e(p.cancelledCents),
            e(p.netCents),
            `n° ${p.journalSeq}`,
          ]),
          [
            'Total',
            String(t.parts.reduce((s, p) => s + p.paymentCount, 0)),
            e(t.parts.reduce((s, p) => s + p.collectedCents, 0)),
            e(t.parts.reduce((s, p) => s + p.cancelledCents, 0)),
            e(t.parts.reduce((s, p) => s + p.netCents, 0)),
            '',
          ],
        ],
      );
    }
  }

  section('Reçus émis');
  if (t.receiptRanges.length === 0) flow.text('Aucun reçu émis dans la période.', body);
  else
    table(
      [
        { header: 'Poste', width: 60 },
        { header: 'Premier reçu', width: 'fill' },
        { header: 'Dernier reçu', width: 'fill' },
        { header: 'Nombre', width: 56, align: 'right' },
      ],
      t.receiptRanges.map((r) => [r.posteCode, r.first, r.last, String(r.count)]),
    );

  section('Avoirs');
  table(
    [
      { header: 'Mouvement', width: 'fill' },
      { header: 'Montant', width: 90, align: 'right' },
    ],
    [
      ['Avoirs créés par des trop-perçus', e(t.creditCreatedCents)],
      [
        'Avoirs repris par l’annulation des paiements qui les avaient créés',
        e(-t.creditRemovedCents),
      ],
      ['Avoirs utilisés en règlement de factures (net des annulations)', e(-t.creditUsedCents)],
      ['Variation des avoirs détenus par les familles', e(t.creditNetChangeCents)],
    ],
  );

  section('Remises au comptable');
  if (t.deposits.length === 0)
    flow.text('Aucune remise validée ni aucun dépôt dans la période.', body);
  else {
    table(
      [
        { header: 'Remise', width: 'fill' },
        { header: 'Numéro', width: 110 },
        { header: 'Date', width: 62 },
        { header: 'Nb', width: 36, align: 'right' },
        { header: 'Montant', width: 78, align: 'right' },
      ],
      [
        ...t.deposits.map((dep) => [
          depositLabel(dep.kind),
          dep.number,
          dateOf(dep.at),
          String(dep.count),
          e(dep.totalCents),
        ]),
        ['Total', '', '', '', e(t.deposits.reduce((s, dep) => s + dep.totalCents, 0))],
      ],
    );
    flow.space(2);
    flow.text(
      'Nb : chèques ou titres du bordereau ; sacs scellés (billets, pièces) pour un dépôt d’espèces.',
      small,
    );
  }

  section('Écarts de caisse');
  if (t.tillDifferences.length === 0) flow.text('Aucun écart de caisse constaté.', body);
  else {
    table(
      [
        { header: 'Date', width: 62 },
        { header: 'Poste / session', width: 78 },
        { header: 'Mode', width: 70 },
        { header: 'Écart', width: 62, align: 'right' },
        { header: 'Motif', width: 'fill' },
      ],
      t.tillDifferences.map((x) => [
        dateOf(x.at),
        `${x.posteCode} / n° ${x.sessionId}`,
        x.label,
        e(x.differenceCents),
        `${x.differenceCents < 0 ? 'Déficit' : 'Excédent'} (attendu ${e(x.expectedCents)}, compté ${e(x.countedCents)}) : ${x.reason}`,
      ]),
    );
    flow.space(2);
    flow.text(
      `Total des écarts : ${e(t.tillDifferenceCents)}. Écarts constatés à la clôture des caisses où la régie a encaissé ; une caisse servant plusieurs régies figure sur l’état de chacune.`,
      small,
    );
  }

  section(`Grand total perpétuel de la régie au ${lastDayOf(t)} à 24:00`);
  table(
    [
      { header: 'Encaissé cumulé', width: 'fill', align: 'right' },
      { header: 'Annulé cumulé', width: 'fill', align: 'right' },
      { header: 'Net cumulé', width: 'fill', align: 'right' },
    ],
    [[e(t.perpetual.collectedCents), e(t.perpetual.cancelledCents), e(t.perpetual.netCents)]],
  );

  flow.space(12);
  // The statement and the signatures stay together, right after the figures they certify.
  flow.keepTogether((f) => {
    f.text(
      `Arrêté le présent état à la somme de ${amountInWords(t.netCents)} (${e(t.netCents)}), montant net des recettes de la période.`,
      bold,
      { spaceAfter: 4 },
    );
    f.text(
      `Écriture de clôture n° ${d.journalSeq} du journal des opérations – code de vérification ${verificationCode(d.journalHash)}. Dernière écriture couverte : n° ${d.lastCoveredSeq}.`,
      small,
      { spaceAfter: 8 },
    );
    const signature = (heading: string, lines: string[]) => (g: Flow) => {
      g.text(heading, bold, { spaceAfter: 3 });
      for (const l of lines) g.text(l, body);
      g.space(46);
    };
    f.sideBySide([
      {
        width: 'fill',
        box: { stroke: grey(0.4), padding: 8 },
        render: signature('Le régisseur', ['Certifié exact, le :', 'Signature :']),
      },
      {
        width: 'fill',
        box: { stroke: grey(0.4), padding: 8 },
        render: signature('Visa du comptable public', [
          'Reçu et vérifié, le :',
          'Signature et cachet :',
        ]),
      },
    ]);
  });
  flow.finish(doc, {
    overlay: (canvas: PageCanvas, page: PageInfo) => {
      canvas.text(
        `${closureKindLabels[t.kind]} – ${d.commune.name} – régie ${t.regieCode} – ${periodText} – page ${page.index + 1}/${page.count}`,
        page.margin.left,
        page.height - page.margin.bottom,
        small,
      );
    },
  });
  return savePdf(doc);
}
