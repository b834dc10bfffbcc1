// A page drawn straight into a compressed content stream. pdf-lib's own drawing keeps every
// operator of every page as objects until the document is saved (a few hundred kilobytes per
// coupon once the barcodes and the QR code are drawn), so a batch of 5,000 coupons would hold
// gigabytes. Here each page's operators are written as text, deflated when the page is done,
// and only those few kilobytes stay in memory. Text still goes through the embedded fonts'
// encoder, so the subsets hold exactly the glyphs used, as with pdf-lib's drawText.
import { deflateSync } from 'node:zlib';
import { PDFName, type PDFDocument, type PDFFont, type PDFRef } from 'pdf-lib';
import { printable, textWidth, wrapText } from '../pdf/text';
import { mm } from '../pdf/format';
import type { ModuleRect } from './symbols';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export const ink: Rgb = { r: 0, g: 0, b: 0 };
export const greyInk = (level: number): Rgb => ({ r: level, g: level, b: level });

const n = (v: number): string => {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};

/** Fonts of a document with their resource names, shared by every page of it. */
export class RawFonts {
  private readonly names = new Map<PDFFont, string>();
  private readonly resources: PDFRef;

  constructor(doc: PDFDocument, fonts: readonly PDFFont[]) {
    const fontDict: Record<string, PDFRef> = {};
    fonts.forEach((f, i) => {
      const name = `F${i + 1}`;
      this.names.set(f, name);
      fontDict[name] = f.ref;
    });
    this.resources = doc.context.register(doc.context.obj({ Font: fontDict }));
  }

  // Wrapped paragraphs, per document: a batch prints the same "how to pay" paragraphs on every
  // coupon, and wrapping measures each candidate line (one text shaping each), which would
  // otherwise be most of a coupon's cost.
  private readonly wrapped = new Map<string, string[]>();

  wrapCached(key: string, compute: () => string[]): string[] {
    let lines = this.wrapped.get(key);
    if (!lines) {
      lines = compute();
      if (this.wrapped.size > 2_000) this.wrapped.clear();
      this.wrapped.set(key, lines);
    }
    return lines;
  }

  nameOf(font: PDFFont): string {
    const name = this.names.get(font);
    if (!name) throw new Error('Police non déclarée pour la page');
    return name;
  }

  get resourcesRef(): PDFRef {
    return this.resources;
  }
}

export interface TextOpts {
  font: PDFFont;
  size: number;
  color?: Rgb;
  align?: 'left' | 'right' | 'center';
  /** Width of the box the text is aligned in (right or center). */
  width?: number;
}

/** Coordinates in points from the page's top-left corner, y growing downwards. */
export class RawPage {
  private readonly ops: string[] = [];

  constructor(
    private readonly fonts: RawFonts,
    readonly width: number,
    readonly height: number,
  ) {}

  private fill(c: Rgb): string {
    return `${n(c.r)} ${n(c.g)} ${n(c.b)} rg`;
  }

  /** One line of text with its baseline at y; returns the width drawn. */
  text(text: string, x: number, y: number, o: TextOpts): number {
    const clean = printable(text, o.font);
    if (clean === '') return 0;
    const w = textWidth(clean, o.font, o.size);
    let left = x;
    if (o.align === 'right') left = x + (o.width ?? 0) - w;
    else if (o.align === 'center') left = x + ((o.width ?? 0) - w) / 2;
    const hex = o.font.encodeText(clean).toString();
    this.ops.push(
      `BT ${this.fill(o.color ?? ink)} /${this.fonts.nameOf(o.font)} ${n(o.size)} Tf 1 0 0 1 ${n(left)} ${n(this.height - y)} Tm ${hex} Tj ET`,
    );
    return w;
  }

  /** The lines `text` wraps into (at most maxLines, the last one ending in "…" when cut). */
  wrap(text: string, width: number, o: TextOpts & { maxLines?: number }): string[] {
    // Most strings fit on their line: one measure then, instead of one per word.
    if (!/[\r\n\u2028\u2029]/.test(text)) {
      const clean = printable(text, o.font).replace(/ {2,}/g, ' ').trim();
      if (textWidth(clean, o.font, o.size) <= width) return [clean];
    }
    const key = `${this.fonts.nameOf(o.font)}|${o.size}|${width}|${o.maxLines ?? ''}|${text}`;
    return this.fonts.wrapCached(key, () => this.wrapAll(text, width, o));
  }

  private wrapAll(text: string, width: number, o: TextOpts & { maxLines?: number }): string[] {
    const lines = wrapText(text, o.font, o.size, width);
    if (o.maxLines === undefined || lines.length <= o.maxLines) return lines;
    const kept = lines.slice(0, o.maxLines);
    let cut = kept[kept.length - 1] ?? '';
    while (cut.length > 0 && textWidth(`${cut}…`, o.font, o.size) > width) cut = cut.slice(0, -1);
    kept[kept.length - 1] = `${cut.trimEnd()}…`;
    return kept;
  }

  /** Height taken by a paragraph: its lines times the leading. */
  measure(text: string, width: number, o: TextOpts & { leading?: number; maxLines?: number }) {
    return this.wrap(text, width, o).length * o.size * (o.leading ?? 1.3);
  }

  /**
   * Text wrapped to a width, first baseline at y; returns where the next line's baseline goes.
   */
  paragraph(
    text: string,
    x: number,
    y: number,
    width: number,
    o: TextOpts & { leading?: number; maxLines?: number },
  ): number {
    const lead = o.size * (o.leading ?? 1.3);
    let baseline = y;
    for (const line of this.wrap(text, width, o)) {
      this.text(line, x, baseline, o);
      baseline += lead;
    }
    return baseline;
  }

  rect(
    x: number,
    y: number,
    w: number,
    h: number,
    o: { fill?: Rgb; stroke?: Rgb; thickness?: number },
  ): void {
    const parts = ['q'];
    if (o.fill) parts.push(this.fill(o.fill));
    if (o.stroke) {
      parts.push(
        `${n(o.stroke.r)} ${n(o.stroke.g)} ${n(o.stroke.b)} RG ${n(o.thickness ?? 0.5)} w`,
      );
    }
    parts.push(`${n(x)} ${n(this.height - y - h)} ${n(w)} ${n(h)} re`);
    parts.push(o.fill && o.stroke ? 'B' : o.fill ? 'f' : 'S', 'Q');
    this.ops.push(parts.join(' '));
  }

  line(
    x1: number,
    y1: number,
    x2: number,
    y2: number,
    o: { color?: Rgb; thickness?: number; dash?: number[] } = {},
  ): void {
    const c = o.color ?? ink;
    const dash = o.dash ? `[${o.dash.map(n).join(' ')}] 0 d ` : '';
    this.ops.push(
      `q ${n(c.r)} ${n(c.g)} ${n(c.b)} RG ${n(o.thickness ?? 0.5)} w ${dash}${n(x1)} ${n(this.height - y1)} m ${n(x2)} ${n(this.height - y2)} l S Q`,
    );
  }

  /**
   * Symbol rectangles (in modules) scaled to points and filled black in one path. Rounding is
   * left to the printer: the widths stay exact multiples of the module in PDF units.
   */
  symbol(
    rects: readonly ModuleRect[],
    x: number,
    y: number,
    moduleW: number,
    moduleH: number,
  ): void {
    const parts: string[] = ['q 0 0 0 rg'];
    for (const r of rects) {
      const top = y + r.y * moduleH;
      const h = r.h * moduleH;
      parts.push(
        `${n(x + r.x * moduleW)} ${n(this.height - top - h)} ${n(r.w * moduleW)} ${n(h)} re`,
      );
    }
    parts.push('f Q');
    this.ops.push(parts.join('\n'));
  }

  /** Adds the page to the document with its content deflated; the operators are released. */
  finish(doc: PDFDocument): void {
    const page = doc.addPage([this.width, this.height]);
    const content = this.ops.join('\n');
    this.ops.length = 0;
    // Node's native zlib rather than pdf-lib's JavaScript deflate: a third of a coupon's cost.
    const stream = doc.context.stream(deflateSync(content, { level: 6 }), {
      Filter: 'FlateDecode',
    });
    page.node.set(PDFName.of('Contents'), doc.context.register(stream));
    page.node.set(PDFName.of('Resources'), this.fonts.resourcesRef);
  }
}

export { mm };
