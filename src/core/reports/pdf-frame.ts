// The frame every report for the comptable shares: A4 (landscape for the wide tables), the
// commune and the régie, the title and the period, when and by whom the document was made, a
// footer on every page with "page n / N" (and, where a report needs it, the rule its totals
// follow), and tables whose header row is repeated on each page they continue on.
import { createPdf, savePdf } from '../pdf/document';
import { formatEuroPrint, mm, pageSizes, parisDateTime } from '../pdf/format';
import {
  Flow,
  grey,
  lineHeight,
  type PageCanvas,
  type PageInfo,
  type TableColumn,
  type TextStyle,
} from '../pdf/layout';
import { wrapText } from '../pdf/text';

export interface ReportFrame {
  /** e.g. "Journal des reçus". */
  title: string;
  commune: { name: string; addressLine: string; postalCode: string; city: string };
  /** "SCO – Régie scolaire et périscolaire", or "Toutes les régies". */
  regie: string;
  /** "du 01/11/2026 au 30/11/2026", or null for a position at one instant. */
  period: string | null;
  generatedAt: string;
  agent: string;
  orientation: 'portrait' | 'landscape';
  /** One more footer line on every page (the rule the totals follow). */
  footerNote?: string;
}

export interface ReportStyles {
  body: TextStyle;
  bold: TextStyle;
  small: TextStyle;
  h2: TextStyle;
}

export interface ReportPage {
  flow: Flow;
  styles: ReportStyles;
  /** A titled section, never left alone at the bottom of a page. */
  section(title: string): void;
  /** A table; `total` is printed under it as a shaded, bold line aligned with its columns. */
  table(columns: TableColumn[], rows: string[][], total?: string[]): void;
  /** Label and value pairs, one per line. */
  facts(pairs: [string, string][]): void;
}

export const euro = formatEuroPrint;

export function when(iso: string): string {
  const { date, time } = parisDateTime(iso);
  return `${date} à ${time}`;
}

/** "du 01/11/2026 au 30/11/2026" (calendar dates, no time zone involved). */
export function periodText(from: string, to: string): string {
  const d = (s: string) => `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
  return from === to ? `le ${d(from)}` : `du ${d(from)} au ${d(to)}`;
}

export async function renderReport(
  frame: ReportFrame,
  body: (page: ReportPage) => void,
): Promise<Uint8Array> {
  const { doc, fonts } = await createPdf(
    {
      title: `${frame.title} – ${frame.regie}${frame.period ? ` – ${frame.period}` : ''}`,
      author: frame.commune.name,
      subject: 'Édition pour le comptable',
      createdAt: frame.generatedAt,
    },
    { fonts: ['regular', 'bold'] },
  );
  const landscape = frame.orientation === 'landscape';
  const size = landscape ? 7.5 : 8.5;
  const styles: ReportStyles = {
    body: { font: fonts.regular, size },
    bold: { font: fonts.bold, size },
    small: { font: fonts.regular, size: 7, color: grey(0.3) },
    h2: { font: fonts.bold, size: 11 },
  };
  const pageWidth = landscape ? pageSizes.a4.height : pageSizes.a4.width;
  const margin = { top: mm(12), right: mm(12), bottom: mm(10), left: mm(12) };
  const note = frame.footerNote
    ? wrapText(
        frame.footerNote,
        styles.small.font,
        styles.small.size,
        pageWidth - margin.left - margin.right,
      )
    : [];
  const flow = new Flow({
    width: pageWidth,
    height: landscape ? pageSizes.a4.width : pageSizes.a4.height,
    margin,
    footerSpace: 6 + 9 * (note.length + 1),
    continuation: (f) => {
      f.text(
        `${frame.title} – ${frame.regie}${frame.period ? ` – ${frame.period}` : ''} (suite)`,
        styles.small,
        { spaceAfter: 4 },
      );
    },
  });
  const tableSpec = (columns: TableColumn[], rows: string[][]) => ({
    columns,
    rows,
    headerStyle: styles.bold,
    bodyStyle: styles.body,
    headerFill: grey(0.88),
    rowRule: grey(0.8),
  });
  const page: ReportPage = {
    flow,
    styles,
    section(title) {
      flow.space(8);
      flow.ensure(60);
      flow.text(title, styles.h2, { spaceAfter: 3 });
    },
    table(columns, rows, total) {
      // The totals line is one header-styled row (3 points of padding above and below): it
      // stays on the page of the table's last row.
      const totalHeight = lineHeight(styles.bold) + 6;
      flow.table({ ...tableSpec(columns, rows), keepWithLast: total ? totalHeight : 0 });
      if (total) {
        // A table with no body is only its header row: shaded and bold, it makes a totals line
        // whose cells sit exactly under the columns above.
        flow.table({
          ...tableSpec(
            columns.map((c, i) => ({ ...c, header: total[i] ?? '' })),
            [],
          ),
          headerFill: grey(0.8),
        });
      }
    },
    facts(pairs) {
      for (const [label, value] of pairs) {
        flow.row([
          { text: label, width: 150, style: styles.bold },
          { text: value, width: 'fill', style: styles.body },
        ]);
      }
    },
  };

  flow.text(frame.commune.name.toUpperCase(), { font: fonts.bold, size: 12 });
  flow.text(
    `${frame.commune.addressLine}, ${frame.commune.postalCode} ${frame.commune.city}`,
    styles.body,
  );
  flow.space(4);
  flow.text(frame.title.toUpperCase(), { font: fonts.bold, size: 15 });
  flow.rule({ thickness: 1 });
  page.facts([
    ['Régie', frame.regie],
    ...(frame.period ? ([['Période', frame.period]] as [string, string][]) : []),
    ['Édité le', `${when(frame.generatedAt)} par ${frame.agent}`],
  ]);
  flow.space(4);
  body(page);

  flow.finish(doc, {
    overlay: (canvas: PageCanvas, info: PageInfo) => {
      const width = info.width - info.margin.left - info.margin.right;
      let baseline = info.height - info.margin.bottom;
      for (const line of [...note].reverse()) {
        canvas.text(line, info.margin.left, baseline, styles.small);
        baseline -= 9;
      }
      canvas.text(
        `${frame.title} – ${frame.commune.name} – ${frame.regie}${frame.period ? ` – ${frame.period}` : ''} – édité le ${when(frame.generatedAt)}`,
        info.margin.left,
        baseline,
        styles.small,
      );
      canvas.text(
        `page ${info.index + 1} / ${info.count}`,
        info.margin.left,
        baseline,
        styles.small,
        {
          align: 'right',
          width,
        },
      );
    },
  });
  return savePdf(doc);
}
