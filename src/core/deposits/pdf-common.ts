// What the three deposit documents share: the commune's letterhead, the régie block, the page
// frame with its numbered footer, the signature boxes and the BROUILLON watermark.
import type Database from 'better-sqlite3';
import type { PDFFont } from 'pdf-lib';
import { prepared } from '../db/prepared';
import { createPdf, savePdf } from '../pdf/document';
import { mm, pageSizes, parisDateTime } from '../pdf/format';
import { Flow, grey, type PageCanvas, type PageInfo, type TextStyle } from '../pdf/layout';
import { textWidth } from '../pdf/text';

export interface CommuneInfo {
  name: string;
  addressLine: string;
  postalCode: string;
  city: string;
}

export function communeInfo(sqlite: Database.Database): CommuneInfo {
  const c = prepared(
    sqlite,
    'SELECT name, address_line, postal_code, city FROM commune ORDER BY id LIMIT 1',
  ).get() as { name: string; address_line: string; postal_code: string; city: string } | undefined;
  return {
    name: c?.name ?? '',
    addressLine: c?.address_line ?? '',
    postalCode: c?.postal_code ?? '',
    city: c?.city ?? '',
  };
}

/** "16/03/2026 à 14:07" in Paris time. */
export const when = (iso: string): string => {
  const { date, time } = parisDateTime(iso);
  return `${date} à ${time}`;
};

/** "2026-03-16" (Paris) for file names. */
export const fileDate = (iso: string): string => {
  const [dd, mo, yyyy] = parisDateTime(iso).date.split('/');
  return `${yyyy}-${mo}-${dd}`;
};

export interface DepositDoc {
  flow: Flow;
  finish(footer: string, opts?: { watermark?: string }): Promise<Uint8Array>;
  styles: {
    body: TextStyle;
    bold: TextStyle;
    small: TextStyle;
    h2: TextStyle;
    title: TextStyle;
    big: TextStyle;
  };
  fonts: { regular: PDFFont; bold: PDFFont };
  /** A table with the house style (grey header repeated on every page). */
  table(
    columns: { header: string; width: number | 'fill'; align?: 'left' | 'right' }[],
    rows: string[][],
    keepWithLast?: number,
  ): void;
  section(title: string): void;
  /** Label / value lines of the heading block. */
  info(rows: [string, string][]): void;
  /** The signature boxes side by side, at the bottom of the last page. */
  signatures(boxes: string[]): void;
}

/** Starts an A4 portrait document with the commune's letterhead already laid out. */
export async function startDepositDoc(opts: {
  title: string;
  subject: string;
  createdAt: string;
  commune: CommuneInfo;
  /** Printed at the top of every page after the first. */
  continuation: string;
  resourcesDir?: string;
}): Promise<DepositDoc> {
  const { doc, fonts } = await createPdf(
    {
      title: opts.title,
      author: opts.commune.name,
      subject: opts.subject,
      createdAt: opts.createdAt,
    },
    { fonts: ['regular', 'bold'], resourcesDir: opts.resourcesDir },
  );
  const body: TextStyle = { font: fonts.regular, size: 9 };
  const bold: TextStyle = { font: fonts.bold, size: 9 };
  const small: TextStyle = { font: fonts.regular, size: 7.5, color: grey(0.35) };
  const h2: TextStyle = { font: fonts.bold, size: 11 };
  const title: TextStyle = { font: fonts.bold, size: 15 };
  const big: TextStyle = { font: fonts.bold, size: 13 };
  const flow = new Flow({
    width: pageSizes.a4.width,
    height: pageSizes.a4.height,
    margin: { top: mm(14), right: mm(14), bottom: mm(12), left: mm(14) },
    footerSpace: 16,
    continuation: (f) => f.text(opts.continuation, small, { spaceAfter: 6 }),
  });
  flow.text(opts.commune.name.toUpperCase(), { font: fonts.bold, size: 13 });
  flow.text(`${opts.commune.addressLine}, ${opts.commune.postalCode} ${opts.commune.city}`, body);
  flow.space(6);

  const result: DepositDoc = {
    flow,
    fonts,
    styles: { body, bold, small, h2, title, big },
    table(columns, rows, keepWithLast) {
      flow.table({
        columns,
        rows,
        headerStyle: bold,
        bodyStyle: body,
        headerFill: grey(0.9),
        rowRule: grey(0.8),
        keepWithLast,
      });
    },
    section(text) {
      flow.space(8);
      // A title is never left alone at the bottom of a page: room for a few lines must follow.
      flow.ensure(70);
      flow.text(text, h2, { spaceAfter: 3 });
    },
    info(rows) {
      for (const [label, value] of rows) {
        flow.row([
          { text: label, width: 120, style: bold },
          { text: value, width: 'fill', style: body },
        ]);
      }
    },
    signatures(boxes) {
      flow.space(10);
      flow.atBottom((f) => {
        f.sideBySide(
          boxes.map((b) => ({
            width: 'fill' as const,
            box: { stroke: grey(0.4), padding: 6 },
            render: (g: Flow) => {
              g.text(b, bold);
              g.space(46);
            },
          })),
        );
        // Flow.atBottom places the block exactly at the bottom limit, and the boxes' own
        // page check can then miss by a rounding error and break the page for nothing: a
        // point of slack below the boxes keeps them on the page that has room for them.
        f.space(1);
      });
    },
    async finish(footer, finishOpts = {}) {
      flow.finish(doc, {
        underlay: finishOpts.watermark ? watermark(finishOpts.watermark, fonts.bold) : undefined,
        overlay: (canvas: PageCanvas, page: PageInfo) => {
          canvas.text(
            `${footer} – page ${page.index + 1}/${page.count}`,
            page.margin.left,
            page.height - page.margin.bottom,
            small,
          );
        },
      });
      return savePdf(doc);
    },
  };
  return result;
}

/** A large grey word across every page (a draft is not a slip the Trésor would accept). */
function watermark(text: string, font: PDFFont) {
  return (canvas: PageCanvas, page: PageInfo) => {
    const size = 80;
    const angle = (Math.atan2(page.height, page.width) * 180) / Math.PI;
    const rad = (angle * Math.PI) / 180;
    const w = textWidth(text, font, size);
    const capHeight = size * 0.73;
    // Rotation turns around the baseline's start: place it so the word's centre sits at the
    // page's centre (in top-down coordinates the rotation goes up-right).
    const cx = page.width / 2;
    const cy = page.height / 2;
    const x = cx - (w / 2) * Math.cos(rad) + (capHeight / 2) * Math.sin(rad);
    const baseline = cy + (w / 2) * Math.sin(rad) + (capHeight / 2) * Math.cos(rad);
    canvas.text(text, x, baseline, { font, size, color: grey(0.88) }, { rotate: angle });
  };
}
