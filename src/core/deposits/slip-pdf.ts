// The deposit slip (bordereau de remise) as handed to the comptable with the cheques or the
// titles, A4 portrait: commune and régie, DFT account, number and date, one line per item with
// the table header repeated on every page, count and total, the adjustments for payments
// cancelled after validation, and the signature boxes. A draft prints with a BROUILLON mark
// and no number: it is not a slip the Trésor would accept.
import { slipKindLabels, type SlipKind, type SlipView } from '../../shared/contract/deposits';
import { formatEuroNegated, formatEuroPrint } from '../pdf/format';
import { amountInWords } from '../closures/amount-in-words';
import { verificationCode } from '../journal/chain';
import { startDepositDoc, when, fileDate, type CommuneInfo } from './pdf-common';

export interface SlipPdfData {
  commune: CommuneInfo;
  slip: SlipView;
  /** The instant printed on a draft (validated slips print their validation instant). */
  printedAt: string;
  /** The validation entry of the journal, for a validated slip. */
  journal: { seq: number; hash: string } | null;
}

const DRAFT_HEADING = 'BROUILLON — non valable pour remise';

const itemNames: Record<SlipKind, { plural: string; count: string }> = {
  cheque: { plural: 'chèques', count: 'Nombre de chèques' },
  cesu: { plural: 'paiements en CESU', count: 'Nombre de paiements' },
  cheque_vacances: { plural: 'paiements en chèques-vacances', count: 'Nombre de paiements' },
};

export function slipFileName(d: SlipPdfData): string {
  const s = d.slip;
  if (s.number) return `bordereau-${s.number}.pdf`;
  return `bordereau-brouillon-${s.regieCode}-${s.kind}-${fileDate(d.printedAt)}.pdf`;
}

export async function renderSlipPdf(d: SlipPdfData, resourcesDir?: string): Promise<Uint8Array> {
  const s = d.slip;
  const draft = s.status === 'draft';
  const kindLabel = slipKindLabels[s.kind];
  const ref = s.number ?? 'brouillon';
  const doc = await startDepositDoc({
    title: `${kindLabel} ${ref} – ${s.regieCode}`,
    subject: kindLabel,
    createdAt: draft ? d.printedAt : (s.validatedAt ?? d.printedAt),
    commune: d.commune,
    continuation: `${kindLabel} ${s.number ?? '(brouillon)'} – ${s.regieName} (suite)`,
    resourcesDir,
  });
  const { flow, styles } = doc;
  const e = formatEuroPrint;
  const names = itemNames[s.kind];

  flow.text(kindLabel.toUpperCase(), styles.title);
  flow.text(draft ? DRAFT_HEADING : `N° ${s.number ?? ''}`, styles.big);
  flow.rule({ thickness: 1 });
  const info: [string, string][] = [
    ['Régie', `${s.regieName} (${s.regieCode})`],
    ['Compte DFT', s.dftAccount ?? 'non renseigné'],
  ];
  if (draft) {
    info.push(['Brouillon', `préparé par ${s.createdBy}, imprimé le ${when(d.printedAt)}`]);
  } else {
    info.push(['Date de remise', when(s.validatedAt ?? '')]);
    info.push(['Validé par', s.validatedBy ?? '']);
  }
  if (s.upToDate) {
    const [y, m, dd] = s.upToDate.split('-');
    info.push(['Sélection', `encaissés jusqu’au ${dd}/${m}/${y}`]);
  }
  doc.info(info);

  // A draft's cancelled items are not remitted: they are listed under the table, not in it.
  const lines = draft ? s.lines.filter((l) => l.cancelled === null) : s.lines;
  doc.section(`Détail des ${names.plural}`);
  const titleCount = lines.reduce((sum, l) => sum + (l.titleCount ?? 0), 0);
  const totalsHeight = 60;
  if (s.kind === 'cheque') {
    doc.table(
      [
        { header: 'N°', width: 28, align: 'right' },
        { header: 'N° de chèque', width: 78 },
        { header: 'Banque', width: 'fill' },
        { header: 'Tireur', width: 'fill' },
        { header: 'Reçu', width: 124 },
        { header: 'Montant', width: 70, align: 'right' },
      ],
      lines.map((l, i) => [
        String(draft ? i + 1 : l.line),
        l.number,
        l.bank,
        l.drawer,
        l.receiptNumber,
        e(l.amountCents),
      ]),
      totalsHeight,
    );
  } else {
    doc.table(
      [
        { header: 'N°', width: 28, align: 'right' },
        { header: 'Émetteur', width: 60 },
        { header: 'Titres', width: 'fill' },
        { header: 'Remis par', width: 100 },
        { header: 'Reçu', width: 124 },
        { header: 'Montant', width: 70, align: 'right' },
      ],
      lines.map((l, i) => [
        String(draft ? i + 1 : l.line),
        l.bank,
        `${l.titleCount ?? 0} titre${(l.titleCount ?? 0) > 1 ? 's' : ''} : ${l.number}`,
        l.drawer,
        l.receiptNumber,
        e(l.amountCents),
      ]),
      totalsHeight,
    );
  }
  flow.space(6);
  flow.row([
    {
      text:
        s.kind === 'cheque'
          ? `${names.count} : ${s.count}`
          : `${names.count} : ${s.count} (${titleCount} titre${titleCount > 1 ? 's' : ''})`,
      width: 'fill',
      style: styles.bold,
    },
    {
      text: `Montant total : ${e(s.totalCents)}`,
      width: 'fill',
      style: styles.big,
      align: 'right',
    },
  ]);

  flow.text(
    `Arrêté le présent bordereau à la somme de ${amountInWords(s.totalCents)}.`,
    styles.body,
  );

  if (s.notices.length) {
    flow.space(6);
    for (const n of s.notices) flow.text(n, styles.body);
  }

  if (s.adjustments.length) {
    doc.section('Ajustements : paiements annulés après la remise');
    flow.text(
      'Ces paiements figurent sur le bordereau tel qu’il a été remis, mais ont été annulés depuis : leur montant est à régulariser avec le comptable (remboursement du payeur).',
      styles.body,
      { spaceAfter: 4 },
    );
    doc.table(
      [
        { header: 'Reçu', width: 124 },
        { header: 'Annulé le', width: 96 },
        { header: 'Motif', width: 'fill' },
        { header: 'Montant', width: 70, align: 'right' },
      ],
      s.adjustments.map((a) => [
        a.receiptNumber,
        when(a.at),
        a.reason,
        formatEuroNegated(a.amountCents),
      ]),
      30,
    );
    flow.space(4);
    flow.row([
      { text: 'Total après ajustements', width: 'fill', style: styles.bold },
      { text: e(s.adjustedTotalCents), width: 120, style: styles.big, align: 'right' },
    ]);
  }

  if (d.journal) {
    flow.space(8);
    flow.text(
      `Validation : écriture n° ${d.journal.seq} du journal des opérations – code de vérification ${verificationCode(d.journal.hash)}.`,
      styles.small,
    );
  }
  doc.signatures([
    'Le régisseur (nom, date et signature)',
    'Visa du comptable public (date et signature)',
  ]);
  return doc.finish(
    draft
      ? `${kindLabel} – ${s.regieCode} – ${DRAFT_HEADING}`
      : `${kindLabel} ${s.number ?? ''} – ${d.commune.name}`,
    { watermark: draft ? 'BROUILLON' : undefined },
  );
}
