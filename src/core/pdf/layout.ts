// A small flow-layout toolkit shared by every printed document (quittance, coupon, Z report,
// deposit slips). Content is laid out top to bottom into a display list first and drawn only
// at the end: a thermal ticket needs its full height before its single page can be created,
// and an A5 page needs the page count before it can print "page 1/3" in its footers.
import { degrees, rgb } from 'pdf-lib';
import type { Color, PDFDocument, PDFFont } from 'pdf-lib';
import { fontMetrics, printable, textWidth, wrapText } from './text';

export type Align = 'left' | 'center' | 'right';

export interface TextStyle {
  font: PDFFont;
  size: number;
  color?: Color;
  /** Line height as a multiple of the font size (default 1.3). */
  leading?: number;
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface BoxStyle {
  /** Inner space between the border and the content, in points. */
  padding?: number;
  /** Horizontal padding when it differs from the vertical one. */
  paddingX?: number;
  stroke?: Color;
  fill?: Color;
  thickness?: number;
}

export const black = rgb(0, 0, 0);
export const white = rgb(1, 1, 1);
export const grey = (level: number): Color => rgb(level, level, level);

/** Coordinates are measured from the top-left corner of the page, y growing downwards. */
type DrawOp =
  | {
      kind: 'text';
      text: string;
      x: number;
      baseline: number;
      font: PDFFont;
      size: number;
      color: Color;
      rotate: number;
    }
  | {
      kind: 'line';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      thickness: number;
      color: Color;
      dash: number[] | undefined;
    }
  | {
      kind: 'rect';
      x: number;
      y: number;
      width: number;
      height: number;
      fill: Color | undefined;
      stroke: Color | undefined;
      thickness: number;
    };

const DEFAULT_LEADING = 1.3;

/** Height of one line of text in this style. */
export function lineHeight(style: TextStyle): number {
  return style.size * (style.leading ?? DEFAULT_LEADING);
}

/** Distance from the top of a line box to its baseline: the ascent plus half the leading. */
export function baselineOffset(style: TextStyle): number {
  const { ascent, descent } = fontMetrics(style.font);
  return (lineHeight(style) - (ascent + descent) * style.size) / 2 + ascent * style.size;
}

/**
 * One page's drawing surface, also handed to page decorators (footers, watermarks) once the
 * page count is known.
 */
export class PageCanvas {
  readonly ops: DrawOp[] = [];

  constructor(
    readonly width: number,
    public height: number,
  ) {}

  /** Draws one line of text as is (no wrapping); returns its width. */
  text(
    text: string,
    x: number,
    baseline: number,
    style: TextStyle,
    opts: { align?: Align; width?: number; rotate?: number } = {},
  ): number {
    const clean = printable(text, style.font);
    const w = textWidth(clean, style.font, style.size);
    let left = x;
    if (opts.align === 'right') left = x + (opts.width ?? 0) - w;
    else if (opts.align === 'center') left = x + ((opts.width ?? 0) - w) / 2;
    this.ops.push({
      kind: 'text',
      text: clean,
      x: left,
      baseline,
      font: style.font,
      size: style.size,
      color: style.color ?? black,
      rotate: opts.rotate ?? 0,
    });
    return w;
  }

  line(
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    opts: { thickness?: number; color?: Color; dash?: number[] } = {},
  ): void {
    this.ops.push({
      kind: 'line',
      x1,
      y1,
      x2,
      y2,
      thickness: opts.thickness ?? 0.5,
      color: opts.color ?? black,
      dash: opts.dash,
    });
  }

  rect(
    x: number,
    y: number,
    width: number,
    height: number,
    opts: { fill?: Color; stroke?: Color; thickness?: number } = {},
  ): void {
    this.ops.push({
      kind: 'rect',
      x,
      y,
      width,
      height,
      fill: opts.fill,
      stroke: opts.stroke,
      thickness: opts.thickness ?? 0.5,
    });
  }
}

export interface FlowOptions {
  width: number;
  /** A fixed page height, or 'auto' for one page exactly as tall as its content (roll paper). */
  height: number | 'auto';
  margin: Margins;
  /** Space kept free above the bottom margin on every page for a footer decorator. */
  footerSpace?: number;
  /** Drawn at the top of every page after the first, e.g. "Quittance R-… (suite)". */
  continuation?: (flow: Flow) => void;
}

export interface PageInfo {
  /** 0-based. */
  index: number;
  count: number;
  width: number;
  height: number;
  margin: Margins;
}

export interface FinishOptions {
  /** Drawn under the content of every page (watermarks). */
  underlay?: (canvas: PageCanvas, page: PageInfo) => void;
  /** Drawn over the content of every page (footers, page numbers). */
  overlay?: (canvas: PageCanvas, page: PageInfo) => void;
}

export interface RowCell {
  text: string;
  /** Points, or 'fill' to share what the fixed cells leave. */
  width: number | 'fill';
  style: TextStyle;
  align?: Align;
}

export interface TableColumn {
  header: string;
  width: number | 'fill';
  align?: Align;
  /** Overrides the body style for this column (e.g. bold amounts). */
  style?: TextStyle;
}

export interface TableSpec {
  columns: TableColumn[];
  rows: string[][];
  headerStyle: TextStyle;
  bodyStyle: TextStyle;
  cellPaddingX?: number;
  cellPaddingY?: number;
  headerFill?: Color;
  /** Thin line between rows. */
  rowRule?: Color;
  /**
   * Height of what follows the table and must share the last row's page (a closing block),
   * so that block never lands alone on a page of its own.
   */
  keepWithLast?: number;
}

/** Resolves 'fill' widths: what is left after fixed widths and gaps, shared equally. */
function resolveWidths(widths: (number | 'fill')[], total: number, gap: number): number[] {
  const fixed = widths.reduce<number>((sum, w) => sum + (w === 'fill' ? 0 : w), 0);
  const fills = widths.filter((w) => w === 'fill').length;
  const free = Math.max(0, total - fixed - gap * (widths.length - 1));
  return widths.map((w) => (w === 'fill' ? free / Math.max(1, fills) : w));
}

/**
 * Lays content out top to bottom, breaking pages when a fixed-height page is full. Methods
 * that take a callback (keepTogether, box, sideBySide) measure it first on a scratch flow of
 * the same width, so a block is never cut between pages unless it is taller than a page.
 */
export class Flow {
  private readonly pages: PageCanvas[] = [];
  private y: number;
  private left: number;
  private regionWidth: number;
  private measuring = false;
  private readonly continuationHeight: number;

  constructor(private readonly opts: FlowOptions) {
    this.y = opts.margin.top;
    this.left = opts.margin.left;
    this.regionWidth = opts.width - opts.margin.left - opts.margin.right;
    this.pages.push(this.newCanvas());
    this.continuationHeight = opts.continuation ? this.measure(opts.continuation) : 0;
  }

  /** Width available to content at this point (narrower inside a box or a column). */
  get width(): number {
    return this.regionWidth;
  }

  /** Left edge of the current region, from the page's left edge. */
  get x(): number {
    return this.left;
  }

  /** Current position from the top of the page. */
  get cursor(): number {
    return this.y;
  }

  get pageCount(): number {
    return this.pages.length;
  }

  /** The page being filled, for drawing at absolute positions. */
  get canvas(): PageCanvas {
    const page = this.pages.at(-1);
    if (!page) throw new Error('Flow without page');
    return page;
  }

  private newCanvas(): PageCanvas {
    return new PageCanvas(
      this.opts.width,
      this.opts.height === 'auto' ? Number.POSITIVE_INFINITY : this.opts.height,
    );
  }

  private get bottomLimit(): number {
    if (this.opts.height === 'auto') return Number.POSITIVE_INFINITY;
    return this.opts.height - this.opts.margin.bottom - (this.opts.footerSpace ?? 0);
  }

  /** Height a fresh page offers to content, below its continuation header. */
  private get pageCapacity(): number {
    if (this.opts.height === 'auto') return Number.POSITIVE_INFINITY;
    return this.bottomLimit - this.opts.margin.top - this.continuationHeight;
  }

  /** Vertical space left on the current page. */
  get remaining(): number {
    return this.bottomLimit - this.y;
  }

  newPage(): void {
    if (this.opts.height === 'auto') return;
    this.pages.push(this.newCanvas());
    this.y = this.opts.margin.top;
    if (this.opts.continuation && !this.measuring) this.opts.continuation(this);
  }

  /** Starts a new page unless `height` still fits; returns true when it broke the page. */
  ensure(height: number): boolean {
    if (height <= this.remaining) return false;
    // Breaking at the very top of a page would only produce an empty page.
    if (this.y <= this.opts.margin.top + 0.01) return false;
    this.newPage();
    return true;
  }

  space(height: number): void {
    this.y += height;
  }

  /** Height `render` would take in the current region, without drawing anything. */
  measure(render: (flow: Flow) => void): number {
    const scratch = new Flow({
      width: this.regionWidth,
      height: 'auto',
      margin: { top: 0, right: 0, bottom: 0, left: 0 },
    });
    scratch.measuring = true;
    render(scratch);
    return scratch.y;
  }

  /** Wrapped text; lines may continue on the next page. */
  text(
    text: string,
    style: TextStyle,
    opts: { align?: Align; indent?: number; spaceAfter?: number } = {},
  ): void {
    const indent = opts.indent ?? 0;
    const width = this.regionWidth - indent;
    const lh = lineHeight(style);
    const offset = baselineOffset(style);
    for (const line of wrapText(text, style.font, style.size, width)) {
      this.ensure(lh);
      this.canvas.text(line, this.left + indent, this.y + offset, style, {
        align: opts.align ?? 'left',
        width,
      });
      this.y += lh;
    }
    this.y += opts.spaceAfter ?? 0;
  }

  /**
   * Cells side by side, each wrapping in its own width, first lines sharing one baseline
   * (a small label beside a big amount reads as one line). Kept on one page.
   */
  row(cells: RowCell[], opts: { gap?: number } = {}): void {
    const gap = opts.gap ?? 6;
    const widths = resolveWidths(
      cells.map((c) => c.width),
      this.regionWidth,
      gap,
    );
    const laid = cells.map((cell, i) => {
      const width = widths[i] ?? 0;
      return {
        cell,
        width,
        lines: wrapText(cell.text, cell.style.font, cell.style.size, width),
        lh: lineHeight(cell.style),
        offset: baselineOffset(cell.style),
      };
    });
    const baseline = Math.max(...laid.map((l) => l.offset));
    const height = Math.max(...laid.map((l) => baseline - l.offset + l.lines.length * l.lh));
    this.ensure(height);
    let x = this.left;
    for (const l of laid) {
      l.lines.forEach((line, n) => {
        this.canvas.text(line, x, this.y + baseline + n * l.lh, l.cell.style, {
          align: l.cell.align ?? 'left',
          width: l.width,
        });
      });
      x += l.width + gap;
    }
    this.y += height;
  }

  /** A horizontal line across the current region, with space above and below. */
  rule(
    opts: {
      thickness?: number;
      color?: Color;
      dash?: number[];
      spaceAbove?: number;
      spaceBelow?: number;
    } = {},
  ): void {
    this.y += opts.spaceAbove ?? 4;
    this.ensure(opts.thickness ?? 0.5);
    this.canvas.line(this.left, this.y, this.left + this.regionWidth, this.y, opts);
    this.y += opts.spaceBelow ?? 4;
  }

  /** Renders a block on one page: a page break happens before it if it does not fit. */
  keepTogether(render: (flow: Flow) => void): void {
    const height = this.measure(render);
    if (height <= this.pageCapacity) this.ensure(height);
    render(this);
  }

  private inRegion(left: number, width: number, render: (flow: Flow) => void): void {
    const saved = { left: this.left, width: this.regionWidth };
    this.left = left;
    this.regionWidth = width;
    try {
      render(this);
    } finally {
      this.left = saved.left;
      this.regionWidth = saved.width;
    }
  }

  private boxPadding(style: BoxStyle): { x: number; y: number } {
    const y = style.padding ?? 6;
    return { x: style.paddingX ?? y, y };
  }

  /**
   * Places a block at the bottom of the current page when it fits there (a signature or a
   * verification block ends the document), otherwise on the next page.
   */
  atBottom(render: (flow: Flow) => void): void {
    const height = this.measure(render);
    if (height <= this.pageCapacity) this.ensure(height);
    if (Number.isFinite(this.remaining)) this.y = Math.max(this.y, this.bottomLimit - height);
    render(this);
  }

  /** Content framed by a border and/or a background, kept on one page. */
  box(render: (flow: Flow) => void, style: BoxStyle): void {
    this.sideBySide([{ width: 'fill', box: style, render }]);
  }

  /**
   * Blocks side by side (e.g. payer and payment boxes), all as tall as the tallest, kept on
   * one page. A block taller than a page is laid out without its frame so nothing is lost.
   */
  sideBySide(
    parts: { width: number | 'fill'; box?: BoxStyle; render: (flow: Flow) => void }[],
    gap = 8,
  ): void {
    const widths = resolveWidths(
      parts.map((p) => p.width),
      this.regionWidth,
      gap,
    );
    const inner = parts.map((part, i) => {
      const pad = part.box ? this.boxPadding(part.box) : { x: 0, y: 0 };
      const outer = widths[i] ?? 0;
      const innerWidth = outer - 2 * pad.x;
      const scratch = new Flow({
        width: innerWidth,
        height: 'auto',
        margin: { top: 0, right: 0, bottom: 0, left: 0 },
      });
      scratch.measuring = true;
      part.render(scratch);
      return { part, pad, outer, innerWidth, height: scratch.y + 2 * pad.y };
    });
    const height = Math.max(...inner.map((p) => p.height));
    if (height > this.pageCapacity) {
      // Too tall for any page: flow each part's content one after the other instead.
      for (const p of inner) this.inRegion(this.left, this.regionWidth, p.part.render);
      return;
    }
    this.ensure(height);
    const top = this.y;
    let x = this.left;
    for (const p of inner) {
      if (p.part.box) {
        this.canvas.rect(x, top, p.outer, height, {
          fill: p.part.box.fill,
          stroke: p.part.box.stroke,
          thickness: p.part.box.thickness,
        });
      }
      this.y = top + p.pad.y;
      this.inRegion(x + p.pad.x, p.innerWidth, p.part.render);
      x += p.outer + gap;
    }
    this.y = top + height;
  }

  /** A table whose header row is repeated on every page it continues on. */
  table(spec: TableSpec): void {
    const padX = spec.cellPaddingX ?? 4;
    const padY = spec.cellPaddingY ?? 3;
    const widths = resolveWidths(
      spec.columns.map((c) => c.width),
      this.regionWidth,
      0,
    );
    const layRow = (cells: string[], styleOf: (col: number) => TextStyle) => {
      const laid = spec.columns.map((col, i) => {
        const style = styleOf(i);
        return {
          style,
          align: col.align ?? 'left',
          lines: wrapText(cells[i] ?? '', style.font, style.size, (widths[i] ?? 0) - 2 * padX),
          lh: lineHeight(style),
          offset: baselineOffset(style),
        };
      });
      const baseline = Math.max(...laid.map((l) => l.offset));
      const height =
        Math.max(...laid.map((l) => baseline - l.offset + l.lines.length * l.lh)) + 2 * padY;
      return { laid, baseline, height };
    };
    const drawRow = (row: ReturnType<typeof layRow>, fill?: Color) => {
      const top = this.y;
      if (fill) this.canvas.rect(this.left, top, this.regionWidth, row.height, { fill });
      let x = this.left;
      row.laid.forEach((cell, i) => {
        const w = widths[i] ?? 0;
        cell.lines.forEach((line, n) => {
          this.canvas.text(line, x + padX, top + padY + row.baseline + n * cell.lh, cell.style, {
            align: cell.align,
            width: w - 2 * padX,
          });
        });
        x += w;
      });
      this.y = top + row.height;
    };
    const header = layRow(
      spec.columns.map((c) => c.header),
      () => spec.headerStyle,
    );
    const body = spec.rows.map((cells) =>
      layRow(cells, (i) => spec.columns[i]?.style ?? spec.bodyStyle),
    );
    // The header never sits alone at the bottom of a page.
    this.ensure(header.height + (body[0]?.height ?? 0));
    drawRow(header, spec.headerFill);
    body.forEach((row, i) => {
      const isLast = i === body.length - 1;
      const trailing = isLast ? (spec.keepWithLast ?? 0) : 0;
      const needed =
        row.height + trailing <= this.pageCapacity - header.height
          ? row.height + trailing
          : row.height;
      if (this.ensure(needed)) drawRow(header, spec.headerFill);
      drawRow(row);
      if (spec.rowRule) {
        this.canvas.line(this.left, this.y, this.left + this.regionWidth, this.y, {
          color: spec.rowRule,
          thickness: 0.4,
        });
      }
    });
  }

  /** Creates the pages in `doc` and draws everything. */
  finish(doc: PDFDocument, finishOpts: FinishOptions = {}): void {
    const { margin } = this.opts;
    const height =
      this.opts.height === 'auto'
        ? this.y + (this.opts.footerSpace ?? 0) + margin.bottom
        : this.opts.height;
    const count = this.pages.length;
    this.pages.forEach((content, index) => {
      const info: PageInfo = { index, count, width: this.opts.width, height, margin };
      const under = new PageCanvas(this.opts.width, height);
      const over = new PageCanvas(this.opts.width, height);
      finishOpts.underlay?.(under, info);
      finishOpts.overlay?.(over, info);
      const page = doc.addPage([this.opts.width, height]);
      for (const op of [...under.ops, ...content.ops, ...over.ops]) {
        switch (op.kind) {
          case 'text':
            page.drawText(op.text, {
              x: op.x,
              y: height - op.baseline,
              font: op.font,
              size: op.size,
              color: op.color,
              rotate: degrees(op.rotate),
            });
            break;
          case 'line':
            page.drawLine({
              start: { x: op.x1, y: height - op.y1 },
              end: { x: op.x2, y: height - op.y2 },
              thickness: op.thickness,
              color: op.color,
              dashArray: op.dash,
            });
            break;
          case 'rect':
            page.drawRectangle({
              x: op.x,
              y: height - op.y - op.height,
              width: op.width,
              height: op.height,
              color: op.fill,
              borderColor: op.stroke,
              borderWidth: op.stroke ? op.thickness : 0,
            });
            break;
        }
      }
    });
  }
}
