// The closing report (Z) of a till session, A4 portrait. Every figure comes from the closing
// journal entry (ZPayload), which is chained: the report prints what was sealed at closing, and
// a reprint months later prints the same figures.
import { denominations } from '../../shared/contract/till';
import { movementKindLabels } from '../../shared/contract/till';
import { paymentModeLabels } from '../../shared/payment-modes';
import { createPdf, savePdf } from '../pdf/document';
import { formatEuroPrint, mm, pageSizes, parisDateTime } from '../pdf/format';
import { Flow, grey, type PageCanvas, type PageInfo, type TextStyle } from '../pdf/layout';
import { verificationCode } from '../journal/chain';
import type { ZPayload } from './closing';

export interface ZReportData {
  commune: { name: string; addressLine: string; postalCode: string; city: string };
  posteName: string;
  z: ZPayload;
  /** The closing entry's seq and hash. */
  journalSeq: number;
  journalHash: string;
}

const when = (iso: string) => {
  const { date, time } = parisDateTime(iso);
  return `${date} à ${time}`;
};

export function zReportFileName(d: ZReportData): string {
  const { date } = parisDateTime(d.z.closedAt);
  const [dd, mmo, yyyy] = date.split('/');
  return `rapport-Z-${d.z.posteCode}-${yyyy}-${mmo}-${dd}-session-${d.z.sessionId}.pdf`;
}

export async function renderZReport(d: ZReportData, resourcesDir?: string): Promise<Uint8Array> {
  const { z } = d;
  const { doc, fonts } = await createPdf(
    {
      title: `Rapport de clôture (Z) – poste ${z.posteCode} – session ${z.sessionId}`,
      author: d.commune.name,
      subject: 'Clôture de caisse',
      createdAt: z.closedAt,
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
      f.text(`Rapport Z – poste ${z.posteCode} – session ${z.sessionId} (suite)`, small, {
        spaceAfter: 6,
      });
    },
  });
  const table = (
    columns: { header: string; width: number | 'fill'; align?: 'left' | 'right' }[],
    rows: string[][],
  ) =>
    flow.table({
      columns,
      rows,
      headerStyle: bold,
      bodyStyle: body,
      headerFill: grey(0.9),
      rowRule: grey(0.8),
    });
  const section = (title: string) => {
    flow.space(8);
    // A title is never left alone at the bottom of a page: room for a few lines must follow.
    flow.ensure(70);
    flow.text(title, h2, { spaceAfter: 3 });
  };
  const e = formatEuroPrint;

  flow.text(d.commune.name.toUpperCase(), { font: fonts.bold, size: 13 });
  flow.text(`${d.commune.addressLine}, ${d.commune.postalCode} ${d.commune.city}`, body);
  flow.space(6);
  flow.text('RAPPORT DE CLÔTURE DE CAISSE (Z)', { font: fonts.bold, size: 15 });
  flow.rule({ thickness: 1 });
  const info: [string, string][] = [
    ['Poste', `${z.posteCode} – ${d.posteName}`],
    ['Session', `n° ${z.sessionId}`],
    ['Ouverture', `${when(z.openedAt)} par ${z.openedBy}`],
    ['Clôture', `${when(z.closedAt)} par ${z.closedBy}`],
    ['Agent(s)', z.agents.join(', ')],
    ['Fonds de caisse', `${e(z.float.countedCents)} compté (prévu ${e(z.float.expectedCents)})`],
  ];
  if (z.validatedBy) info.push(['Écarts validés par', z.validatedBy]);
  for (const [label, value] of info) {
    flow.row([
      { text: label, width: 110, style: bold },
      { text: value, width: 'fill', style: body },
    ]);
  }

  section('Totaux par mode de paiement');
  table(
    [
      { header: 'Mode', width: 'fill' },
      { header: 'Nb', width: 34, align: 'right' },
      { header: 'Encaissé', width: 72, align: 'right' },
      { header: 'Annul.', width: 46, align: 'right' },
      { header: 'Annulé', width: 66, align: 'right' },
      { header: 'Net', width: 72, align: 'right' },
    ],
    z.modes.map((m) => [
      m.label,
      String(m.paymentCount),
      e(m.collectedCents),
      String(m.cancellationCount),
      e(m.cancelledCents),
      e(m.collectedCents - m.cancelledCents),
    ]),
  );

  section('Attendu, compté et écarts');
  table(
    [
      { header: 'Mode', width: 'fill' },
      { header: 'Attendu', width: 76, align: 'right' },
      { header: 'Compté', width: 76, align: 'right' },
      { header: 'Écart', width: 70, align: 'right' },
      { header: 'Motif', width: 150 },
    ],
    z.lines.map((l) => [
      l.label,
      e(l.expectedCents),
      e(l.countedCents),
      l.differenceCents === 0 ? '–' : e(l.differenceCents),
      l.reason ?? '',
    ]),
  );
  const cash = z.modes.find((m) => m.mode === 'especes');
  if (cash) {
    flow.space(3);
    flow.text(
      `Espèces attendues = fonds ${e(cash.floatCents)} + encaissé ${e(cash.collectedCents)} − annulé ${e(cash.cancelledCents)} + mouvements ${e(cash.movementsCents)}. Fonds laissé en caisse : ${e(z.floatLeftCents)}. Tolérance : ${e(z.toleranceCents)}.`,
      small,
    );
  }

  section('Comptage des espèces');
  table(
    [
      { header: 'Coupure', width: 'fill' },
      { header: 'Nombre', width: 60, align: 'right' },
      { header: 'Montant', width: 80, align: 'right' },
    ],
    denominations
      .filter((dn) => (z.cashCounts[dn.key] ?? 0) > 0)
      .map((dn) => [
        dn.label,
        String(z.cashCounts[dn.key]),
        e((z.cashCounts[dn.key] ?? 0) * dn.cents),
      ]),
  );

  if (z.chequesPresent.length || z.chequesMissing.length) {
    section('Chèques');
    flow.text(
      `${z.chequesPresent.length} chèque(s) pointé(s) présent(s) pour ${e(z.chequesPresent.reduce((s, c) => s + c.amountCents, 0))}.`,
      body,
    );
    for (const c of z.chequesMissing) {
      flow.text(`Chèque absent au pointage : reçu ${c.receiptNumber}, ${e(c.amountCents)}`, bold);
    }
  }

  section('Totaux par régie (période de la session)');
  table(
    [
      { header: 'Régie', width: 'fill' },
      { header: 'Nb', width: 34, align: 'right' },
      { header: 'Encaissé', width: 72, align: 'right' },
      { header: 'Annulé', width: 66, align: 'right' },
      { header: 'Net', width: 72, align: 'right' },
    ],
    z.perRegie.map((r) => [
      `${r.regieCode} – ${r.regieName}`,
      String(r.paymentCount),
      e(r.collectedCents),
      e(r.cancelledCents),
      e(r.netCents),
    ]),
  );
  for (const r of z.perRegie) {
    flow.text(
      r.firstReceipt
        ? `Reçus ${r.regieCode} : ${r.firstReceipt} à ${r.lastReceipt}`
        : `Reçus ${r.regieCode} : aucun`,
      body,
    );
  }
  const sum = (pick: (r: ZPayload['perRegie'][number]) => number) =>
    z.perRegie.reduce((s, r) => s + pick(r), 0);
  flow.space(3);
  flow.text(
    `Total de la période : encaissé ${e(sum((r) => r.collectedCents))}, annulé ${e(sum((r) => r.cancelledCents))}, net ${e(sum((r) => r.netCents))}.`,
    bold,
  );

  section('Grands totaux perpétuels (journal)');
  table(
    [
      { header: 'Régie', width: 'fill' },
      { header: 'Encaissé cumulé', width: 100, align: 'right' },
      { header: 'Annulé cumulé', width: 100, align: 'right' },
      { header: 'Net cumulé', width: 100, align: 'right' },
    ],
    z.grandTotals.map((g) => [
      g.regieCode,
      e(g.collectedCents),
      e(g.cancelledCents),
      e(g.netCents),
    ]),
  );

  section('Annulations');
  if (z.cancellations.length === 0) flow.text('Aucune annulation.', body);
  else
    table(
      [
        { header: 'Reçu', width: 150 },
        { header: 'Mode', width: 70 },
        { header: 'Montant', width: 66, align: 'right' },
        { header: 'Motif', width: 'fill' },
      ],
      z.cancellations.map((c) => [
        c.receiptNumber + (c.sameSession ? '' : ' (session antérieure)'),
        paymentModeLabels[c.mode],
        e(-c.amountCents),
        `${c.reason} – ${c.agentName}, ${when(c.at)}`,
      ]),
    );

  section('Mouvements d’espèces');
  if (z.movements.length === 0) flow.text('Aucun mouvement.', body);
  else
    table(
      [
        { header: 'Type', width: 110 },
        { header: 'Régie', width: 40 },
        { header: 'Montant', width: 70, align: 'right' },
        { header: 'Motif', width: 'fill' },
      ],
      z.movements.map((m) => [
        // Reports sealed before the safe existed carry no source: they were all drawer moves.
        m.source === 'coffre'
          ? `${movementKindLabels[m.kind]} (coffre, hors caisse)`
          : movementKindLabels[m.kind],
        m.regieCode,
        e(m.amountCents),
        `${m.reason} – ${m.agentName}, ${when(m.at)}`,
      ]),
    );

  flow.space(10);
  flow.atBottom((f) => {
    f.text(
      `Écriture de clôture n° ${d.journalSeq} du journal des opérations – code de vérification ${verificationCode(d.journalHash)}. Dernière écriture couverte : n° ${z.lastCoveredSeq}.`,
      small,
    );
    f.space(14);
    f.row([
      { text: 'Signature de l’agent :', width: 'fill', style: body },
      { text: 'Visa du régisseur :', width: 'fill', style: body },
    ]);
    f.space(30);
  });
  flow.finish(doc, {
    overlay: (canvas: PageCanvas, page: PageInfo) => {
      canvas.text(
        `Rapport Z – ${d.commune.name} – poste ${z.posteCode} – session ${z.sessionId} – page ${page.index + 1}/${page.count}`,
        page.margin.left,
        page.height - page.margin.bottom,
        small,
      );
    },
  });
  return savePdf(doc);
}
