// "Récapitulatif des remises carte bancaire": per till session of the period, the card payments
// the register recorded (net of cancellations) against the terminal's batch total entered at
// closing, and the difference, for the comptable to match with the bank's credits.
import type { RemittanceSummary } from '../../shared/contract/deposits';
import { formatDate } from '../../shared/dates';
import { formatEuroPrint } from '../pdf/format';
import { startDepositDoc, when, type CommuneInfo } from './pdf-common';

export interface CardSummaryPdfData {
  commune: CommuneInfo;
  summary: RemittanceSummary;
  printedAt: string;
}

export function cardSummaryFileName(d: CardSummaryPdfData): string {
  const regie = d.summary.regieLabel ? `-${d.summary.regieLabel.split(' ')[0]}` : '';
  return `remises-carte${regie}-${d.summary.from}-au-${d.summary.to}.pdf`;
}

export async function renderCardSummaryPdf(
  d: CardSummaryPdfData,
  resourcesDir?: string,
): Promise<Uint8Array> {
  const s = d.summary;
  const period = `du ${formatDate(s.from)} au ${formatDate(s.to)}`;
  const doc = await startDepositDoc({
    title: `Récapitulatif des remises carte bancaire ${period}`,
    subject: 'Remises carte bancaire',
    createdAt: d.printedAt,
    commune: d.commune,
    continuation: `Remises carte bancaire ${period} (suite)`,
    resourcesDir,
  });
  const { flow, styles } = doc;
  const e = formatEuroPrint;
  flow.text('RÉCAPITULATIF DES REMISES CARTE BANCAIRE', styles.title);
  flow.rule({ thickness: 1 });
  doc.info([
    ['Période', period],
    ['Régie', s.regieLabel ?? 'toutes les régies'],
    ['Édité le', when(d.printedAt)],
  ]);
  doc.section('Par session de caisse');
  if (s.sessions.length === 0) {
    flow.text('Aucun paiement par carte sur la période.', styles.body);
  } else {
    doc.table(
      [
        { header: 'Session', width: 44, align: 'right' },
        { header: 'Poste', width: 36 },
        { header: 'Ouverture', width: 'fill' },
        { header: 'Clôture', width: 'fill' },
        { header: 'Nb', width: 28, align: 'right' },
        { header: 'Net encaissé', width: 72, align: 'right' },
        { header: 'Lot TPE', width: 72, align: 'right' },
        { header: 'Écart', width: 60, align: 'right' },
      ],
      s.sessions.map((l) => [
        String(l.sessionId),
        l.posteCode,
        when(l.openedAt),
        l.closedAt ? when(l.closedAt) : 'ouverte',
        String(l.paymentCount),
        e(l.netCents),
        l.batchCents === null ? '–' : e(l.batchCents),
        l.differenceCents === null ? '–' : l.differenceCents === 0 ? '–' : e(l.differenceCents),
      ]),
      40,
    );
  }
  flow.space(6);
  flow.text(
    `Total : ${s.paymentCount} paiement(s), net encaissé ${e(s.netCents)} ; lots TPE des sessions clôturées ${e(s.batchCents)} ; écarts ${e(s.differenceCents)}.`,
    styles.bold,
  );
  if (s.regieId !== null) {
    flow.space(4);
    flow.text(
      'Le lot du terminal et son écart couvrent toute la session (toutes régies) : le terminal n’a qu’un lot.',
      styles.small,
    );
  }
  doc.signatures(['Le régisseur (nom, date et signature)']);
  return doc.finish(`Remises carte bancaire ${period} – ${d.commune.name}`);
}
