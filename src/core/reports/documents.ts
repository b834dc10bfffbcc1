// What each report prints and what each CSV holds. The PDFs are for reading and signing, with
// sections and totals; the CSVs are for a spreadsheet, one header line and one line per row,
// with no totals line that a sum or a pivot table would count twice.
import type {
  BalanceRow,
  BalancesReport,
  CashSituation,
  CreditRow,
  CreditsReport,
  PeriodTotals,
  ReceiptJournal,
  ReceiptJournalRow,
  SituationLine,
  TotalsLine,
} from '../../shared/contract/reports';
import { paymentModeLabels } from '../../shared/payment-modes';
import { writeCsv, type CsvColumn } from './csv';
import { euro, renderReport, when, type ReportFrame, type ReportPage } from './pdf-frame';

/** The rule the journal's totals follow, printed at the foot of every page. */
export const CANCELLATION_RULE =
  'Les annulations sont comptées à leur propre date : une annulation postérieure à la période figure sur la ligne du reçu mais n’est pas déduite des totaux de la période.';

const channelLabels: Record<SituationLine['channel'], string> = {
  caisse: 'Caisse (versement)',
  bordereau: 'Bordereau de remise',
  direct: 'Crédité directement',
};

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;

// ---------------------------------------------------------------------------------------------
// Journal des reçus
// ---------------------------------------------------------------------------------------------

const receiptCsvColumns: CsvColumn<ReceiptJournalRow>[] = [
  { header: 'Régie', kind: 'text', value: (r) => r.regieCode },
  { header: 'Poste', kind: 'text', value: (r) => r.posteCode },
  { header: 'N° de reçu', kind: 'text', value: (r) => r.receiptNumber },
  { header: 'Date', kind: 'date', value: (r) => r.recordedAt },
  { header: 'Heure', kind: 'time', value: (r) => r.recordedAt },
  { header: 'Code famille', kind: 'text', value: (r) => r.familyCode },
  { header: 'Famille', kind: 'text', value: (r) => r.familyName },
  { header: 'Mode', kind: 'text', value: (r) => paymentModeLabels[r.mode] },
  { header: 'Montant', kind: 'cents', value: (r) => r.amountCents },
  { header: 'Dont avoir', kind: 'cents', value: (r) => r.creditCents || null },
  { header: 'Factures réglées', kind: 'text', value: (r) => r.invoices.join(' ') },
  { header: 'Agent', kind: 'text', value: (r) => r.agent },
  { header: 'Annulé le', kind: 'date', value: (r) => r.cancelled?.at ?? null },
  { header: 'Heure d’annulation', kind: 'time', value: (r) => r.cancelled?.at ?? null },
  {
    header: 'Annulation dans la période',
    kind: 'text',
    value: (r) => (r.cancelled ? (r.cancelled.inPeriod ? 'oui' : 'non') : null),
  },
  { header: 'Motif d’annulation', kind: 'text', value: (r) => r.cancelled?.reason ?? null },
  { header: 'Annulé par', kind: 'text', value: (r) => r.cancelled?.agent ?? null },
];

export function receiptsCsv(j: ReceiptJournal): Uint8Array {
  return writeCsv(receiptCsvColumns, j.rows);
}

export function receiptsPdf(frame: ReportFrame, j: ReceiptJournal): Promise<Uint8Array> {
  return renderReport(
    { ...frame, orientation: 'landscape', footerNote: CANCELLATION_RULE },
    (p) => {
      p.facts([
        [
          'Reçus de la période',
          `${count(j.paymentCount, 'reçu', 'reçus')} – ${euro(j.collectedCents)}`,
        ],
        [
          'Annulations de la période',
          `${count(j.cancellationCount, 'annulation', 'annulations')} – ${euro(-j.cancelledCents)}`,
        ],
        ['Net de la période', euro(j.netCents)],
      ]);

      p.section('Séquences de numérotation');
      if (j.sequences.length === 0) p.flow.text('Aucun reçu dans la période.', p.styles.body);
      else
        p.table(
          [
            { header: 'Régie', width: 50 },
            { header: 'Poste', width: 50 },
            { header: 'Année', width: 50 },
            { header: 'Premier reçu', width: 'fill' },
            { header: 'Dernier reçu', width: 'fill' },
            { header: 'Nombre', width: 70, align: 'right' },
            { header: 'Numéros manquants', width: 100, align: 'right' },
          ],
          j.sequences.map((s) => [
            s.regieCode,
            s.posteCode,
            String(s.year),
            s.first,
            s.last,
            s.count.toLocaleString('fr-FR'),
            s.missing === 0 ? 'aucun' : String(s.missing),
          ]),
        );

      p.section('Reçus');
      if (j.rows.length === 0) p.flow.text('Aucun reçu dans la période.', p.styles.body);
      else
        p.table(
          [
            { header: 'N° de reçu', width: 118 },
            { header: 'Date et heure', width: 76 },
            { header: 'Famille', width: 'fill' },
            { header: 'Mode', width: 88 },
            { header: 'Montant', width: 62, align: 'right' },
            { header: 'Factures réglées', width: 100 },
            { header: 'Agent', width: 72 },
            { header: 'Annulation', width: 'fill' },
          ],
          j.rows.map((r) => [
            r.receiptNumber,
            when(r.recordedAt).replace(' à ', ' '),
            `${r.familyCode} ${r.familyName}`,
            paymentModeLabels[r.mode],
            euro(r.amountCents),
            [...r.invoices, ...(r.creditCents > 0 ? [`avoir ${euro(r.creditCents)}`] : [])].join(
              ' ',
            ),
            r.agent,
            r.cancelled
              ? `Annulé le ${when(r.cancelled.at)}${r.cancelled.inPeriod ? '' : ' (après la période)'} par ${r.cancelled.agent} : ${r.cancelled.reason}`
              : '',
          ]),
          [
            `Total : ${count(j.paymentCount, 'reçu', 'reçus')}`,
            '',
            '',
            '',
            euro(j.collectedCents),
            '',
            '',
            '',
          ],
        );

      if (j.earlierCancellations.length > 0) {
        p.section('Annulations de la période portant sur des reçus antérieurs');
        p.table(
          [
            { header: 'N° de reçu', width: 118 },
            { header: 'Reçu du', width: 76 },
            { header: 'Famille', width: 'fill' },
            { header: 'Mode', width: 88 },
            { header: 'Montant', width: 62, align: 'right' },
            { header: 'Annulé le', width: 76 },
            { header: 'Par', width: 72 },
            { header: 'Motif', width: 'fill' },
          ],
          j.earlierCancellations.map((c) => [
            c.receiptNumber,
            when(c.recordedAt).replace(' à ', ' '),
            c.familyName,
            paymentModeLabels[c.mode],
            euro(-c.amountCents),
            when(c.cancelledAt).replace(' à ', ' '),
            c.agent,
            c.reason,
          ]),
        );
      }

      p.section('Totaux de la période');
      p.facts([
        ['Encaissé', euro(j.collectedCents)],
        ['Annulé (annulations datées de la période)', euro(-j.cancelledCents)],
        ['Net', euro(j.netCents)],
      ]);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Totaux par mode et par régie
// ---------------------------------------------------------------------------------------------

type TotalsCsvLine = TotalsLine & { level: string; regie: string; mode: string };

const totalsCsvColumns: CsvColumn<TotalsCsvLine>[] = [
  { header: 'Niveau', kind: 'text', value: (l) => l.level },
  { header: 'Régie', kind: 'text', value: (l) => l.regie },
  { header: 'Mode', kind: 'text', value: (l) => l.mode },
  { header: 'Nombre de paiements', kind: 'integer', value: (l) => l.paymentCount },
  { header: 'Encaissé', kind: 'cents', value: (l) => l.collectedCents },
  { header: 'Nombre d’annulations', kind: 'integer', value: (l) => l.cancellationCount },
  { header: 'Annulé', kind: 'cents', value: (l) => l.cancelledCents },
  { header: 'Net', kind: 'cents', value: (l) => l.netCents },
];

export function totalsCsvLines(t: PeriodTotals): TotalsCsvLine[] {
  return [
    ...t.perMode.map((l) => ({ ...l, level: 'Mode', regie: '', mode: l.label })),
    ...t.perRegie.map((l) => ({ ...l, level: 'Régie', regie: l.label, mode: '' })),
    ...t.perRegieMode.map((l) => ({
      ...l,
      level: 'Régie et mode',
      regie: l.regieCode,
      mode: paymentModeLabels[l.mode],
    })),
    { ...t.total, level: 'Total', regie: '', mode: '' },
  ];
}

export function totalsCsv(t: PeriodTotals): Uint8Array {
  return writeCsv(totalsCsvColumns, totalsCsvLines(t));
}

function totalsTable(p: ReportPage, first: string, lines: TotalsLine[], total: TotalsLine): void {
  const cells = (l: TotalsLine) => [
    l.label,
    l.paymentCount.toLocaleString('fr-FR'),
    euro(l.collectedCents),
    l.cancellationCount.toLocaleString('fr-FR'),
    euro(-l.cancelledCents),
    euro(l.netCents),
  ];
  p.table(
    [
      { header: first, width: 'fill' },
      { header: 'Paiements', width: 62, align: 'right' },
      { header: 'Encaissé', width: 78, align: 'right' },
      { header: 'Annulations', width: 66, align: 'right' },
      { header: 'Annulé', width: 72, align: 'right' },
      { header: 'Net', width: 78, align: 'right' },
    ],
    lines.map(cells),
    cells({ ...total, label: 'Total' }),
  );
}

export function totalsPdf(frame: ReportFrame, t: PeriodTotals): Promise<Uint8Array> {
  return renderReport({ ...frame, orientation: 'portrait', footerNote: CANCELLATION_RULE }, (p) => {
    if (t.total.paymentCount === 0 && t.total.cancellationCount === 0) {
      p.flow.text('Aucun paiement ni annulation dans la période.', p.styles.body);
      return;
    }
    p.section('Par mode de paiement');
    totalsTable(p, 'Mode', t.perMode, t.total);
    p.section('Par régie');
    totalsTable(p, 'Régie', t.perRegie, t.total);
    p.section('Par régie et par mode');
    totalsTable(p, 'Régie et mode', t.perRegieMode, t.total);
  });
}

// ---------------------------------------------------------------------------------------------
// Soldes des familles et avoirs
// ---------------------------------------------------------------------------------------------

const balanceCsvColumns: CsvColumn<BalanceRow>[] = [
  { header: 'Code famille', kind: 'text', value: (r) => r.familyCode },
  { header: 'Famille', kind: 'text', value: (r) => r.familyName },
  { header: 'Régie', kind: 'text', value: (r) => r.regieCode },
  { header: 'Reste dû', kind: 'cents', value: (r) => r.dueCents },
  { header: 'Avoir', kind: 'cents', value: (r) => r.creditCents },
  { header: 'Solde', kind: 'cents', value: (r) => r.balanceCents },
];

export function balancesCsv(b: BalancesReport): Uint8Array {
  return writeCsv(balanceCsvColumns, b.rows);
}

export function balancesPdf(frame: ReportFrame, b: BalancesReport): Promise<Uint8Array> {
  return renderReport(
    {
      ...frame,
      orientation: 'portrait',
      footerNote:
        'Reste dû : factures à payer, partiellement payées ou en prélèvement (celles en trésorerie sont dues au Trésor). Solde = reste dû − avoir.',
    },
    (p) => {
      p.flow.text(
        b.nonZeroOnly
          ? `${count(b.totalRows, 'compte', 'comptes')} avec un reste dû ou un avoir, au ${when(b.at)}.`
          : `${count(b.totalRows, 'compte', 'comptes')}, y compris ceux à zéro, au ${when(b.at)}.`,
        p.styles.body,
        { spaceAfter: 4 },
      );
      if (b.rows.length === 0) return;
      p.table(
        [
          { header: 'Code', width: 58 },
          { header: 'Famille', width: 'fill' },
          { header: 'Régie', width: 44 },
          { header: 'Reste dû', width: 76, align: 'right' },
          { header: 'Avoir', width: 76, align: 'right' },
          { header: 'Solde', width: 80, align: 'right' },
        ],
        b.rows.map((r) => [
          r.familyCode,
          r.familyName,
          r.regieCode,
          euro(r.dueCents),
          euro(r.creditCents),
          euro(r.balanceCents),
        ]),
        ['Total', '', '', euro(b.dueCents), euro(b.creditCents), euro(b.balanceCents)],
      );
    },
  );
}

const creditCsvColumns: CsvColumn<CreditRow>[] = [
  { header: 'Code famille', kind: 'text', value: (r) => r.familyCode },
  { header: 'Famille', kind: 'text', value: (r) => r.familyName },
  { header: 'Régie', kind: 'text', value: (r) => r.regieCode },
  { header: 'Avoir', kind: 'cents', value: (r) => r.creditCents },
  { header: 'Dernier mouvement', kind: 'date', value: (r) => r.since },
];

export function creditsCsv(c: CreditsReport): Uint8Array {
  return writeCsv(creditCsvColumns, c.rows);
}

export function creditsPdf(frame: ReportFrame, c: CreditsReport): Promise<Uint8Array> {
  return renderReport({ ...frame, orientation: 'portrait' }, (p) => {
    p.flow.text(
      `${count(c.totalRows, 'avoir en cours', 'avoirs en cours')} au ${when(c.at)}.`,
      p.styles.body,
      { spaceAfter: 4 },
    );
    if (c.rows.length === 0) return;
    p.table(
      [
        { header: 'Code', width: 58 },
        { header: 'Famille', width: 'fill' },
        { header: 'Régie', width: 44 },
        { header: 'Avoir', width: 80, align: 'right' },
        { header: 'Dernier mouvement', width: 100 },
      ],
      c.rows.map((r) => [
        r.familyCode,
        r.familyName,
        r.regieCode,
        euro(r.creditCents),
        when(r.since).slice(0, 10),
      ]),
      ['Total', '', '', euro(c.totalCents), ''],
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Situation de caisse
// ---------------------------------------------------------------------------------------------

type SituationCsvLine = Omit<SituationLine, 'regieId' | 'regieName' | 'mode' | 'channel'> & {
  circuit: string;
};

const situationCsvColumns: CsvColumn<SituationCsvLine>[] = [
  { header: 'Régie', kind: 'text', value: (l) => l.regieCode },
  { header: 'Mode', kind: 'text', value: (l) => l.label },
  { header: 'Circuit', kind: 'text', value: (l) => l.circuit },
  { header: 'Solde comptable', kind: 'cents', value: (l) => l.bookCents },
  { header: 'Versé ou remis', kind: 'cents', value: (l) => l.depositedCents },
  { header: 'Dont dépôts La Banque Postale', kind: 'cents', value: (l) => l.cashDepositsCents },
  { header: 'Régularisations', kind: 'cents', value: (l) => l.adjustmentsCents },
  { header: 'À détenir', kind: 'cents', value: (l) => l.toHoldCents },
  { header: 'Nombre à détenir', kind: 'integer', value: (l) => l.toHoldCount },
  { header: 'Dont bordereau en préparation', kind: 'cents', value: (l) => l.onDraftSlipCents },
];

export function situationCsvLines(s: CashSituation): SituationCsvLine[] {
  const extra = (label: string, circuit: string, cents: number): SituationCsvLine => ({
    regieCode: '',
    label,
    circuit,
    bookCents: 0,
    depositedCents: 0,
    cashDepositsCents: null,
    adjustmentsCents: 0,
    toHoldCents: cents,
    toHoldCount: null,
    onDraftSlipCents: 0,
    onDraftSlipCount: null,
  });
  return [
    ...s.lines.map((l) => ({ ...l, circuit: channelLabels[l.channel] })),
    extra('Fonds de caisse', 'Caisse (hors encaisse)', s.floatCents),
    ...s.differences.map((d) =>
      extra(`Écarts de comptage – ${d.label}`, 'Écarts constatés aux clôtures', d.totalCents),
    ),
  ];
}

export function situationCsv(s: CashSituation): Uint8Array {
  return writeCsv(situationCsvColumns, situationCsvLines(s));
}

export function situationPdf(frame: ReportFrame, s: CashSituation): Promise<Uint8Array> {
  return renderReport(
    {
      ...frame,
      orientation: 'landscape',
      footerNote:
        'Chaque ligne se vérifie ainsi : solde comptable + régularisations = versé ou remis + à détenir.',
    },
    (p) => {
      p.section('Par régie et par mode');
      const sum = (pick: (l: SituationLine) => number) => s.lines.reduce((t, l) => t + pick(l), 0);
      if (s.lines.length === 0) p.flow.text('Aucun encaissement enregistré.', p.styles.body);
      else
        p.table(
          [
            { header: 'Régie', width: 44 },
            { header: 'Mode', width: 'fill' },
            { header: 'Circuit', width: 110 },
            { header: 'Solde comptable', width: 84, align: 'right' },
            { header: 'Versé ou remis', width: 84, align: 'right' },
            { header: 'Régularisations', width: 84, align: 'right' },
            { header: 'À détenir', width: 84, align: 'right' },
            { header: 'Dont bordereau en préparation', width: 104, align: 'right' },
          ],
          s.lines.map((l) => [
            l.regieCode,
            l.label,
            channelLabels[l.channel],
            euro(l.bookCents),
            euro(l.depositedCents),
            euro(l.adjustmentsCents),
            euro(l.toHoldCents) + (l.toHoldCount ? ` (${l.toHoldCount})` : ''),
            l.onDraftSlipCount ? `${euro(l.onDraftSlipCents)} (${l.onDraftSlipCount})` : '–',
          ]),
          [
            'Total',
            '',
            '',
            euro(sum((l) => l.bookCents)),
            euro(sum((l) => l.depositedCents)),
            euro(sum((l) => l.adjustmentsCents)),
            euro(sum((l) => l.toHoldCents)),
            euro(sum((l) => l.onDraftSlipCents)),
          ],
        );
      const bags = s.lines
        .filter((l) => l.cashDepositsCents)
        .map((l) => `${l.regieCode} : ${euro(l.cashDepositsCents ?? 0)}`);
      p.flow.text(
        `Régularisations : apports (+) et retraits (−) d’espèces ; chèques ou titres remis au comptable puis annulés (+). Entre parenthèses : le nombre de paiements par chèque ou titre.${bags.length ? ` Versements en sacs scellés à La Banque Postale compris dans « versé » : ${bags.join(', ')}.` : ''}`,
        p.styles.small,
      );

      p.section('Espèces à présenter');
      const cash = s.lines.filter((l) => l.channel === 'caisse');
      p.facts([
        ['Encaisse à détenir', euro(cash.reduce((t, l) => t + l.toHoldCents, 0))],
        ['Fonds de caisse', euro(s.floatCents)],
        ['Total des espèces', euro(s.cashToPresentCents)],
        [
          'Écarts de comptage cumulés',
          s.differences.length === 0
            ? 'aucun'
            : s.differences
                .map(
                  (d) => `${d.label} ${euro(d.totalCents)} (${count(d.count, 'écart', 'écarts')})`,
                )
                .join(' ; '),
        ],
      ]);

      p.section('Caisses ouvertes');
      if (s.openSessions.length === 0) p.flow.text('Aucune caisse ouverte.', p.styles.body);
      else
        p.table(
          [
            { header: 'Poste', width: 60 },
            { header: 'Session', width: 60, align: 'right' },
            { header: 'Ouverte le', width: 120 },
            { header: 'Par', width: 'fill' },
            { header: 'Espèces attendues (fonds compris)', width: 170, align: 'right' },
          ],
          s.openSessions.map((o) => [
            o.posteCode,
            String(o.sessionId),
            when(o.openedAt) + (o.overnight ? ' (jour précédent)' : ''),
            o.openedBy,
            euro(o.expectedCashCents),
          ]),
        );

      p.section('Remarques');
      for (const r of s.remarks) p.flow.text(`• ${r}`, p.styles.body, { spaceAfter: 2 });

      p.flow.space(4);
      p.flow.atBottom((f) => {
        f.text(
          `Espèces comptées lors du contrôle : ........................ €     Chèques et titres présentés : ........................ €`,
          p.styles.body,
          { spaceAfter: 10 },
        );
        f.row([
          { text: 'Le régisseur :', width: 'fill', style: p.styles.bold },
          { text: 'Le comptable ou son délégué :', width: 'fill', style: p.styles.bold },
        ]);
        f.space(28);
      });
    },
  );
}
