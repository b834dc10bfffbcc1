// The cash deposit slip for La Banque Postale, A4 portrait: régie, DFT account, number and
// date, then the notes' bag and the coins' bag, each with its number, its count by
// denomination and its subtotal, the total and the signature boxes.
import type { CashDepositView } from '../../shared/contract/deposits';
import { denominations } from '../../shared/contract/till';
import { amountInWords } from '../closures/amount-in-words';
import { formatEuroPrint } from '../pdf/format';
import { fileDate, startDepositDoc, when, type CommuneInfo } from './pdf-common';

export interface CashDepositPdfData {
  commune: CommuneInfo;
  deposit: CashDepositView;
}

export function cashDepositFileName(d: CashDepositPdfData): string {
  return `depot-especes-${d.deposit.number}-${fileDate(d.deposit.depositedAt)}.pdf`;
}

export async function renderCashDepositPdf(
  d: CashDepositPdfData,
  resourcesDir?: string,
): Promise<Uint8Array> {
  const dep = d.deposit;
  const doc = await startDepositDoc({
    title: `Dépôt d’espèces ${dep.number} – ${dep.regieCode}`,
    subject: 'Bordereau de dépôt d’espèces (La Banque Postale)',
    createdAt: dep.depositedAt,
    commune: d.commune,
    continuation: `Dépôt d’espèces ${dep.number} (suite)`,
    resourcesDir,
  });
  const { flow, styles } = doc;
  const e = formatEuroPrint;

  flow.text('BORDEREAU DE DÉPÔT D’ESPÈCES', styles.title);
  flow.text(`N° ${dep.number}`, styles.big);
  flow.text('Dépôt en sacs scellés à La Banque Postale, billets et pièces séparés', styles.body);
  flow.rule({ thickness: 1 });
  doc.info([
    ['Régie', `${dep.regieName} (${dep.regieCode})`],
    ['Compte DFT', dep.dftAccount ?? 'non renseigné'],
    ['Date', when(dep.depositedAt)],
    ['Préparé par', dep.agent],
  ]);

  const part = (
    title: string,
    emptyText: string,
    counts: Record<string, number>,
    keys: readonly (typeof denominations)[number][],
    bag: string | null,
    subtotal: number,
  ) => {
    doc.section(bag ? `${title} — sac n° ${bag}` : `${title} — aucun sac`);
    const rows = keys
      .filter((dn) => (counts[dn.key] ?? 0) > 0)
      .map((dn) => [dn.label, String(counts[dn.key]), e((counts[dn.key] ?? 0) * dn.cents)]);
    if (rows.length === 0) {
      flow.text(emptyText, styles.body);
      return;
    }
    doc.table(
      [
        { header: 'Coupure', width: 'fill' },
        { header: 'Nombre', width: 70, align: 'right' },
        { header: 'Montant', width: 100, align: 'right' },
      ],
      rows,
      20,
    );
    flow.space(3);
    flow.row([
      { text: `Sous-total ${title.toLowerCase()}`, width: 'fill', style: styles.bold },
      { text: e(subtotal), width: 100, style: styles.bold, align: 'right' },
    ]);
  };
  part(
    'Billets',
    'Aucun billet déposé.',
    dep.notesCounts,
    denominations.filter((dn) => dn.cents >= 500),
    dep.notesBag,
    dep.notesCents,
  );
  part(
    'Pièces',
    'Aucune pièce déposée.',
    dep.coinsCounts,
    denominations.filter((dn) => dn.cents < 500),
    dep.coinsBag,
    dep.coinsCents,
  );
  flow.space(10);
  flow.rule();
  flow.row([
    { text: 'Montant total déposé', width: 'fill', style: styles.big },
    { text: e(dep.totalCents), width: 140, style: styles.big, align: 'right' },
  ]);
  flow.text(`Soit ${amountInWords(dep.totalCents)}.`, styles.body);
  doc.signatures([
    'Le régisseur ou le déposant (nom, date et signature)',
    'La Banque Postale (cachet et date)',
  ]);
  return doc.finish(`Dépôt d’espèces ${dep.number} – ${d.commune.name}`);
}
