// A page drawn straight into a compressed content stream. pdf-lib's own drawing keeps every
// operator of every page as objects until the document is saved (a few hundred kilobytes per
// coupon once the barcodes and the QR code are drawn), so a batch of 5,000 coupons would hold
// gigabytes. Here each page's operators are written as text, deflated when the page is done,
// and only those few kilobytes stay in memory. Text still goes through the embedded fonts'
// encoder, so the subsets hold exactly the glyphs used, as with pdf-lib's drawText.
//
// What every page of a document prints alike (a batch's letterhead, "how to pay", column
// titles) can be drawn once into a form XObject that each page paints with one operator, so a
// batch shapes, encodes and compresses it once instead of 5,000 times.
import { deflateSync } from 'node:zlib';
import {
  PDFName,
  PDFPageLeaf,
  PDFRef,
  type PDFDict,
  type PDFDocument,
  type PDFFont,
} from 'pdf-lib';
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
/** Four decimals, for a symbol's module size: 0.01 pt on 0.85 pt would be a 1 % error. */
const n4 = (v: number): string => {
  const r = Math.round(v * 10_000) / 10_000;
  return Object.is(r, -0) ? '0' : String(r);
};

/** Fonts of a document with their resource names, shared by every page of it. */
export class RawFonts {
  private readonly names = new Map<PDFFont, string>();
  private readonly fontResources: PDFRef;
  private readonly pageResources: PDFRef;
  private readonly forms: PDFDict;
  private readonly encoded = new Map<PDFFont, Map<string, string>>();

  constructor(doc: PDFDocument, fonts: readonly PDFFont[]) {
    const fontDict: Record<string, PDFRef> = {};
    fonts.forEach((f, i) => {
      const name = `F${i + 1}`;
      this.names.set(f, name);
      fontDict[name] = f.ref;
      this.encoded.set(f, new Map());
    });
    this.fontResources = doc.context.register(doc.context.obj({ Font: fontDict }));
    this.forms = doc.context.obj({});
    this.pageResources = doc.context.register(
      doc.context.obj({ Font: fontDict, XObject: this.forms }),
    );
  }

  /**
   * The string operand that draws `text` in `font`. Encoding adds the glyphs to the document's
   * subset the first time and then always gives the same bytes, so a document remembers the
   * strings it met: amounts, dates and labels come back on page after page.
   */
  encode(font: PDFFont, text: string): string {
    const cache = this.encoded.get(font);
    if (!cache) throw new Error('Police non déclarée pour la page');
    let hex = cache.get(text);
    if (hex === undefined) {
      hex = font.encodeText(text).toString();
      if (cache.size > 20_000) cache.clear();
      cache.set(text, hex);
    }
    return hex;
  }

  /** Declares a form XObject under `name` for every page of the document. */
  addForm(name: string, ref: PDFRef): void {
    this.forms.set(PDFName.of(name), ref);
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

  /** Resources of a page: the fonts and the forms. */
  get pageResourcesRef(): PDFRef {
    return this.pageResources;
  }

  /** Resources of a form: the fonts. */
  get fontResourcesRef(): PDFRef {
    return this.fontResources;
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
    const hex = this.fonts.encode(o.font, clean);
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
   * Symbol rectangles (in modules) filled black in one path. The path is written in module
   * units under a scaling matrix: a QR code is some 250 rectangles, and small integers are a
   * quarter of the text to write and to compress that point coordinates would be. Rounding is
   * left to the printer: every width is an exact multiple of the module.
   */
  symbol(
    rects: readonly ModuleRect[],
    x: number,
    y: number,
    moduleW: number,
    moduleH: number,
  ): void {
    const parts: string[] = [
      `q 0 0 0 rg ${n4(moduleW)} 0 0 ${n4(-moduleH)} ${n4(x)} ${n4(this.height - y)} cm`,
    ];
    for (const r of rects) parts.push(`${r.x} ${r.y} ${r.w} ${r.h} re`);
    parts.push('f Q');
    this.ops.push(parts.join('\n'));
  }

  /** Paints a form XObject declared with RawFonts.addForm. */
  form(name: string): void {
    this.ops.push(`/${name} Do`);
  }

  private deflated(doc: PDFDocument, dict: Record<string, unknown>): PDFRef {
    const content = this.ops.join('\n');
    this.ops.length = 0;
    // Node's native zlib rather than pdf-lib's JavaScript deflate: a third of a coupon's cost.
    // Its result is a view on a 16 KB output chunk; kept as such, the 2 KB of each page would
    // hold 16 KB until the file is written (80 MB for a batch of 5,000), so it is copied.
    const packed = new Uint8Array(deflateSync(content, { level: 6 }));
    const stream = doc.context.stream(packed, {
      ...dict,
      Filter: 'FlateDecode',
    });
    return doc.context.register(stream);
  }

  /**
   * Adds the page to the document with its content deflated; the operators are released. The
   * page goes straight to the end of the page tree: pdf-lib's addPage walks every page already
   * there to find where to insert, which makes a batch quadratic in its number of pages.
   */
  finish(doc: PDFDocument): void {
    const contents = this.deflated(doc, {});
    const pagesRef = doc.catalog.get(PDFName.of('Pages'));
    if (!(pagesRef instanceof PDFRef)) throw new Error('Arbre des pages absent');
    const leaf = PDFPageLeaf.withContextAndParent(doc.context, pagesRef);
    leaf.set(PDFName.of('MediaBox'), doc.context.obj([0, 0, this.width, this.height]));
    leaf.set(PDFName.of('Resources'), this.fonts.pageResourcesRef);
    leaf.set(PDFName.of('Contents'), contents);
    doc.catalog.Pages().pushLeafNode(doc.context.register(leaf));
  }

  /** Turns what was drawn into a form XObject the size of the page; returns its reference. */
  toForm(doc: PDFDocument): PDFRef {
    return this.deflated(doc, {
      Type: 'XObject',
      Subtype: 'Form',
      BBox: [0, 0, this.width, this.height],
      Resources: this.fonts.fontResourcesRef,
    });
  }
}

export { mm };
