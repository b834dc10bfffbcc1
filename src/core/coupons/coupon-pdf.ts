// The coupon letter: one A4 page folded in three for a DL window envelope (110 × 220 mm).
//
// Where the address goes. A DL envelope's window is 45 × 100 mm, 20 mm from the right edge and
// 15 mm from the bottom, so on the envelope it spans 100–200 mm across and 50–95 mm down. An A4
// sheet folded in three (99 mm panels) moves inside the envelope by up to 5 mm sideways and
// 11 mm up or down, so the address must sit in the part of the window every position shows.
// The French practice for window envelopes (AFNOR NF Z 11-001 layout, as summarised e.g. by
// https://edics.fr/rediger-vos-adresses-les-bonnes-pratiques/ : a frame 85 mm wide and 33 mm
// high, 110 mm from the left edge of the sheet and 55 mm from its top) is that safe area; the
// address block below is exactly that frame. Nothing else is printed there, and nothing
// private (the activation code above all) is printed anywhere the window could show.
//
// The three panels: the top one carries the collectivité, the title and the address; the middle
// one what is due and how to pay (with the activation code and the QR code, inside the fold);
// the bottom one is the coupon to cut off and send with a cheque, with a Code 128 barcode of
// each invoice number for scanning at the counter.
import { formatDate } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { paymentModeLabels, type PaymentMode } from '../../shared/payment-modes';
import { createPdf } from '../pdf/document';
import type { PdfFonts } from '../pdf/fonts';
import { pageSizes, parisDateTime } from '../pdf/format';
import { activationUrl, type CouponData, type CouponInvoice } from './coupon-data';
import { greyInk, mm, RawFonts, RawPage } from './raw-page';
import { barRects, code128, matrixRects, qrCode, type MatrixSymbol } from './symbols';
import type { PDFDocument } from 'pdf-lib';

/** The address frame in millimetres from the sheet's top-left corner (see above). */
export const ADDRESS_WINDOW_MM = { left: 110, top: 55, width: 85, height: 33 } as const;
/** Fold lines of the tri-fold, from the top. */
export const FOLDS_MM = [99, 198] as const;
/** Invoices listed one per line in the middle panel; beyond, the rest is summed on one line. */
export const MAX_INVOICE_LINES = 10;
/** Invoices with a barcode on the cut-off coupon (two rows of two). */
export const MAX_BARCODES = 4;
/** Code 128 narrowest bar: 0.3 mm reads with any counter scanner; never under 0.2 mm. */
const BAR_MODULE_MM = 0.3;
const MIN_BAR_MODULE_MM = 0.2;

export interface CouponDocument {
  doc: PDFDocument;
  fonts: PdfFonts;
  raw: RawFonts;
  /** The parts printed alike on many pages, drawn once as forms, by what they depend on. */
  statics: Map<string, StaticPart>;
}

export async function createCouponDocument(meta: {
  title: string;
  createdAt: string;
  author: string;
}): Promise<CouponDocument> {
  const { doc, fonts } = await createPdf(
    { title: meta.title, author: meta.author, createdAt: meta.createdAt, subject: 'Coupon' },
    { fonts: ['regular', 'bold', 'mono'] },
  );
  return {
    doc,
    fonts,
    raw: new RawFonts(doc, [fonts.regular, fonts.bold, fonts.mono]),
    statics: new Map(),
  };
}

const euro = (cents: number) => formatEuro(cents);

/** How each counter mode reads inside a sentence addressed to a family. */
const counterModeWording: Partial<Record<PaymentMode, string>> = {
  especes: 'espèces',
  cheque: 'chèque',
  carte: 'carte bancaire',
  cesu: 'CESU',
  cheque_vacances: 'chèques-vacances (ANCV)',
};

function drawCode128(page: RawPage, text: string, x: number, y: number, maxW: number, h: number) {
  const symbol = code128(text);
  // Ten modules of quiet zone on each side, which the caller's box leaves free.
  const module = Math.max(
    mm(MIN_BAR_MODULE_MM),
    Math.min(mm(BAR_MODULE_MM), maxW / symbol.modules),
  );
  page.symbol(barRects(symbol), x, y, module, h);
  return symbol.modules * module;
}

function drawQr(page: RawPage, symbol: MatrixSymbol, x: number, y: number, size: number) {
  const module = size / symbol.size;
  page.symbol(matrixRects(symbol), x, y, module, module);
}

const LEFT = mm(15);
const RIGHT = pageSizes.a4.width - mm(15);
const CONTENT_W = RIGHT - LEFT;
/** The columns of the invoice table in the middle panel. */
const COLS = [
  { title: 'Facture', w: mm(32), align: 'left' as const },
  { title: 'Objet', w: mm(46), align: 'left' as const },
  { title: 'Échéance', w: mm(19), align: 'left' as const },
  { title: 'Montant', w: mm(20), align: 'right' as const },
  { title: 'Reste à payer', w: mm(22), align: 'right' as const },
  { title: 'Réf. PayFiP', w: mm(30), align: 'left' as const },
];
const COL_X: number[] = (() => {
  const gap = (CONTENT_W - COLS.reduce((s, c) => s + c.w, 0)) / (COLS.length - 1);
  const xs: number[] = [];
  COLS.reduce((x, c) => (xs.push(x), x + c.w + gap), LEFT);
  return xs;
})();

/** What a coupon's static part depends on: the same for every coupon of a batch. */
type StaticData = Pick<
  CouponData,
  'commune' | 'regie' | 'familyPortalUrl' | 'period' | 'cashLimitCents' | 'printedAt'
>;

/** A static part drawn as a form, with the positions the family's part is laid out from. */
interface StaticPart {
  form: string;
  /** Top of "Comment payer": the invoices and notes must end above it. */
  howTop: number;
  /** Baseline of the first invoice row. */
  firstRowY: number;
  /** The family space (when the portal is configured): QR code top, text column. */
  family: { qy: number; tx: number; tw: number; ty: number } | null;
  /** Baseline after the régie's paragraph on the cut-off coupon. */
  couponBodyY: number;
}

/**
 * Draws what depends only on the régie, the portal and the printing date: the letterhead,
 * the titles, "how to pay", the table's header, the cut-off coupon's frame and texts.
 */
function drawStatic(page: RawPage, data: StaticData, fonts: PdfFonts): Omit<StaticPart, 'form'> {
  const left = LEFT;
  const right = RIGHT;
  const contentW = CONTENT_W;
  const small = { font: fonts.regular, size: 8 };
  const body = { font: fonts.regular, size: 9 };
  const bold = { font: fonts.bold, size: 9 };
  const printed = parisDateTime(data.printedAt).date;

  // Fold marks in the left margin, as on any letter meant for a window envelope.
  for (const f of FOLDS_MM)
    page.line(0, mm(f), mm(6), mm(f), { color: greyInk(0.5), thickness: 0.4 });

  // ---- Top panel: collectivité, title (the address in the window is the family's). ----
  let y = mm(16);
  page.text(data.commune.name, left, y, { font: fonts.bold, size: 11 });
  y += mm(4.8);
  y = page.paragraph(data.regie.name, left, y, mm(73), { ...body, maxLines: 1 });
  y = page.paragraph(data.regie.serviceName, left, y, mm(73), { ...small, maxLines: 1 });
  y = page.paragraph(data.regie.serviceAddress, left, y, mm(73), { ...small, maxLines: 2 });
  if (data.regie.servicePhone) page.text(`Tél. ${data.regie.servicePhone}`, left, y, small);

  const titleX = mm(ADDRESS_WINDOW_MM.left);
  page.text('Avis de sommes à payer', titleX, mm(16), { font: fonts.bold, size: 13 });
  page.text(`Édité le ${printed}`, titleX, mm(22), small);
  if (data.period) {
    const p = `${data.period.slice(5)}/${data.period.slice(0, 4)}`;
    page.text(`Factures émises en ${p}`, titleX, mm(33), small);
  }

  // The family space, left of the window: even with the sheet shifted 5 mm inside the
  // envelope the window never shows anything left of 90 mm, so the activation code printed
  // here (left of 88 mm) stays hidden until the letter is opened.
  let family: StaticPart['family'] = null;
  if (data.familyPortalUrl) {
    let fy = mm(46);
    page.text('Votre espace familles', left, fy, { font: fonts.bold, size: 10 });
    fy = page.paragraph(data.familyPortalUrl, left, fy + mm(4.2), mm(73), {
      ...small,
      maxLines: 2,
    });
    const qrSize = mm(26);
    const qy = fy - mm(2);
    // Every coupon with a portal address has its QR code: the text column is beside it.
    const tx = left + qrSize + mm(3);
    const ty = qy + mm(3);
    page.text('Code famille', tx, ty, small);
    family = { qy, tx, tw: mm(86) - tx, ty };
  }

  // ---- Middle panel: how to pay (the invoices are the family's). ----
  // "Comment payer" is laid out first, against the bottom of the panel; the invoices fill the
  // space left above it, so no amount of text can run over the fold.
  const modes = data.regie.acceptedModes;
  const counterModes = modes
    .filter((m) => m !== 'payfip' && m !== 'virement')
    .map((m) => counterModeWording[m] ?? paymentModeLabels[m])
    .map((w) =>
      w === 'espèces' ? `espèces (${euro(data.cashLimitCents)} au plus par facture)` : w,
    );
  const how: string[] = [];
  if (counterModes.length > 0) {
    how.push(
      `• Au guichet (${data.regie.serviceName}, ${data.regie.serviceAddress}) : ${counterModes.join(', ')}. Présentez ce courrier : son code-barres ouvre votre facture.`,
    );
  }
  if (modes.includes('cheque')) {
    how.push(
      `• Par chèque à l’ordre de « ${data.regie.creditorLabel} », accompagné du coupon ci-dessous, à envoyer ou déposer à : ${data.regie.serviceName}, ${data.regie.serviceAddress}.`,
    );
  }
  if (data.familyPortalUrl) {
    how.push(
      data.regie.numcli
        ? `• En ligne par carte bancaire, sur votre espace familles (${data.familyPortalUrl}) avec votre code famille indiqué en haut de ce courrier.`
        : `• Vos factures sont aussi consultables sur votre espace familles (${data.familyPortalUrl}) avec votre code famille indiqué en haut de ce courrier.`,
    );
  }
  const howOpts = { ...small, maxLines: 3 };
  const howH = how.reduce((h, t) => h + page.measure(t, contentW, howOpts) + mm(0.8), 0);
  const howTop = mm(FOLDS_MM[1] - 4) - howH - mm(5);
  page.text('Comment payer', left, howTop, { font: fonts.bold, size: 10 });
  y = howTop + mm(5);
  for (const t of how) y = page.paragraph(t, left, y, contentW, howOpts) + mm(0.8);

  y = mm(FOLDS_MM[0] + 7);
  page.text(`Sommes à payer — ${data.regie.name}`, left, y, { font: fonts.bold, size: 11 });
  y += mm(6);
  page.rect(left, y - mm(3.6), contentW, mm(5), { fill: greyInk(0.9) });
  COLS.forEach((c, i) =>
    page.text(c.title, COL_X[i] ?? left, y, { ...bold, size: 8, align: c.align, width: c.w }),
  );
  const firstRowY = y + mm(5.2);

  // ---- Bottom panel: the coupon to cut off. ----
  const cutY = mm(FOLDS_MM[1] + 2);
  page.line(left, cutY, right, cutY, { dash: [3, 2], thickness: 0.6, color: greyInk(0.3) });
  page.text('✂', left - mm(5), cutY + mm(1.2), { font: fonts.regular, size: 10 });
  y = cutY + mm(7);
  page.text('COUPON À JOINDRE À VOTRE RÈGLEMENT', left, y, { font: fonts.bold, size: 11 });
  // The family's name goes on the line between (see drawCoupon).
  y += mm(5) + mm(3.6);
  const couponBodyY =
    page.paragraph(
      `${data.regie.name}. Chèque à l’ordre de « ${data.regie.creditorLabel} », à adresser à : ${data.regie.serviceName}, ${data.regie.serviceAddress}.`,
      left,
      y,
      contentW,
      { ...small, maxLines: 2 },
    ) + mm(2);

  const footY = mm(286);
  page.text('Montant réglé : ................ €', left + mm(70), footY, body);
  page.text(`Édité le ${printed}`, left, footY, { ...small, align: 'right', width: contentW });
  return { howTop, firstRowY, family, couponBodyY };
}

/** The static part of `data`'s coupon in `cd`, drawn the first time it is asked for. */
function staticPart(cd: CouponDocument, data: CouponData): StaticPart {
  const key = JSON.stringify([
    data.commune,
    data.regie,
    data.familyPortalUrl,
    data.period,
    data.cashLimitCents,
    parisDateTime(data.printedAt).date,
  ]);
  let part = cd.statics.get(key);
  if (!part) {
    const A4 = pageSizes.a4;
    const page = new RawPage(cd.raw, A4.width, A4.height);
    const layout = drawStatic(page, data, cd.fonts);
    const form = `Fm${cd.statics.size + 1}`;
    cd.raw.addForm(form, page.toForm(cd.doc));
    part = { form, ...layout };
    cd.statics.set(key, part);
  }
  return part;
}

/**
 * Draws one coupon on a new page of `cd`: the static part (shared by the document's pages),
 * then the family's. `qr` is the symbol of the page the QR code opens, or null when no
 * family space is configured.
 */
export function drawCoupon(cd: CouponDocument, data: CouponData, qr: MatrixSymbol | null): void {
  const { fonts } = cd;
  const A4 = pageSizes.a4;
  const page = new RawPage(cd.raw, A4.width, A4.height);
  const st = staticPart(cd, data);
  page.form(st.form);
  const left = LEFT;
  const right = RIGHT;
  const contentW = CONTENT_W;
  const small = { font: fonts.regular, size: 8 };
  const body = { font: fonts.regular, size: 9 };
  const bold = { font: fonts.bold, size: 9 };

  // ---- Top panel: code famille, address in the window. ----
  const titleX = mm(ADDRESS_WINDOW_MM.left);
  page.text(`Code famille : ${data.family.code}`, titleX, mm(28), { font: fonts.bold, size: 10 });

  const win = ADDRESS_WINDOW_MM;
  const addrSize = data.family.addressLines.length > 5 ? 9 : 10;
  let ay = mm(win.top) + addrSize;
  for (const line of data.family.addressLines.slice(0, 6)) {
    page.paragraph(line, mm(win.left), ay, mm(win.width), {
      font: fonts.regular,
      size: addrSize,
      maxLines: 1,
    });
    ay += addrSize * 1.25;
  }

  if (st.family) {
    const { qy, tx, tw } = st.family;
    if (qr) drawQr(page, qr, left, qy, mm(26));
    let ty = st.family.ty;
    page.text(data.family.code, tx, ty + mm(4.4), { font: fonts.bold, size: 11 });
    ty += mm(10);
    if (data.accessCode) {
      page.text('Code d’activation', tx, ty, small);
      page.text(data.accessCode.code, tx, ty + mm(4.6), { font: fonts.mono, size: 11 });
      ty += mm(9);
      if (data.accessCode.expiresAt) {
        // Two lines drawn as such: wrapping would cut the date after one of its slashes.
        page.text('À usage unique,', tx, ty, small);
        page.text(
          `avant le ${parisDateTime(data.accessCode.expiresAt).date}`,
          tx,
          ty + mm(3.6),
          small,
        );
      }
    } else {
      page.paragraph(
        'Pas encore de compte ? Demandez un code d’activation au guichet.',
        tx,
        ty,
        tw,
        {
          ...small,
          maxLines: 3,
        },
      );
    }
  }

  // ---- Middle panel: what is due. ----
  const notes: string[] = [];
  if (data.otherDue.count > 0) {
    notes.push(
      `Hors de cette période, ${data.otherDue.count} autre(s) facture(s) restent à payer à cette régie : ${euro(data.otherDue.cents)}.`,
    );
  }
  if (data.creditCents > 0) {
    notes.push(
      `Vous disposez d’un avoir de ${euro(data.creditCents)} sur ce compte, utilisable au guichet.`,
    );
  }
  if (data.tresorerie.count > 0) {
    notes.push(
      `${data.tresorerie.count} facture(s) (${euro(data.tresorerie.cents)}) ont été transmises au Trésor public : elles ne se paient plus à la régie ; réglez-les auprès du centre des finances publiques indiqué sur l’avis que vous avez reçu.`,
    );
  }
  const noteOpts = { ...small, maxLines: 2 };
  const notesH = notes.reduce((h, t) => h + page.measure(t, contentW, noteOpts) + mm(0.8), 0);

  let y = st.firstRowY;
  const rowH = mm(4.6);
  // Rows that fit between the header and the total, notes and "Comment payer" below.
  const fitting = Math.floor((st.howTop - mm(6) - notesH - mm(6) - y) / rowH) + 1;
  const maxRows = Math.max(3, Math.min(MAX_INVOICE_LINES, fitting));
  const listed =
    data.invoices.length > maxRows ? data.invoices.slice(0, maxRows - 1) : data.invoices;
  const cell = (i: number, text: string, font = fonts.regular) => {
    const c = COLS[i];
    if (!c) return;
    page.paragraph(text, COL_X[i] ?? left, y, c.w, {
      font,
      size: 8,
      align: c.align,
      width: c.w,
      maxLines: 1,
    });
  };
  for (const inv of listed) {
    cell(0, inv.number, fonts.mono);
    cell(1, inv.label);
    cell(2, formatDate(inv.dueDate));
    cell(3, euro(inv.amountCents));
    cell(4, euro(inv.remainingCents), fonts.bold);
    cell(5, inv.refdet, fonts.mono);
    y += rowH;
  }
  if (listed.length < data.invoices.length) {
    const rest = data.invoices.slice(listed.length);
    cell(1, `… et ${rest.length} autres factures`);
    cell(4, euro(rest.reduce((s, i) => s + i.remainingCents, 0)), fonts.bold);
    y += rowH;
  }
  if (data.invoices.length === 0) {
    page.text('Aucune facture à payer à ce jour.', left, y, body);
    y += rowH;
  }
  page.line(left, y - mm(3), right, y - mm(3), { thickness: 0.5 });
  y += mm(1);
  page.text('Total à payer', left, y, { font: fonts.bold, size: 10 });
  page.text(euro(data.totalDueCents), left, y, {
    font: fonts.bold,
    size: 10,
    align: 'right',
    width: (COL_X[4] ?? left) + (COLS[4]?.w ?? 0) - left,
  });
  y += mm(5.5);
  for (const note of notes) y = page.paragraph(note, left, y, contentW, noteOpts) + mm(0.8);

  // ---- Bottom panel: the coupon to cut off. ----
  const cutY = mm(FOLDS_MM[1] + 2);
  y = cutY + mm(7);
  page.text(`Code famille ${data.family.code}`, left, y, {
    font: fonts.bold,
    size: 11,
    align: 'right',
    width: contentW,
  });
  y += mm(5);
  page.paragraph(`Famille ${data.family.familyName}`, left, y, contentW, {
    ...bold,
    size: 8,
    maxLines: 1,
  });
  y = st.couponBodyY;

  const shown: CouponInvoice[] = data.invoices.slice(0, MAX_BARCODES);
  const cellW = contentW / 2;
  const cellH = mm(25);
  shown.forEach((inv, i) => {
    const cx = left + (i % 2) * cellW;
    const cy = y + Math.floor(i / 2) * cellH;
    const quiet = mm(3.5);
    drawCode128(page, inv.number, cx + quiet, cy, cellW - mm(8) - 2 * quiet, mm(11));
    page.text(inv.number, cx + quiet, cy + mm(14.5), { font: fonts.mono, size: 9 });
    page.text(`Reste à payer : ${euro(inv.remainingCents)}`, cx + quiet, cy + mm(18.5), {
      ...bold,
      size: 8.5,
    });
    page.text(
      `Réf. PayFiP ${inv.refdet} — échéance ${formatDate(inv.dueDate)}`,
      cx + quiet,
      cy + mm(22),
      small,
    );
  });
  if (data.invoices.length > MAX_BARCODES) {
    page.text(
      `${data.invoices.length - MAX_BARCODES} autre(s) facture(s) : voir le détail ci-dessus.`,
      left,
      y + 2 * cellH + mm(1.5),
      small,
    );
  }
  page.text(`Total à payer : ${euro(data.totalDueCents)}`, left, mm(286), {
    font: fonts.bold,
    size: 10,
  });

  page.finish(cd.doc);
}

/** The symbol of the QR code of a coupon, or null when no family space is configured. */
export function couponQr(
  data: Pick<CouponData, 'familyPortalUrl' | 'family'>,
): MatrixSymbol | null {
  return data.familyPortalUrl
    ? qrCode(activationUrl(data.familyPortalUrl, data.family.code))
    : null;
}

/** A one-coupon PDF. */
export async function renderCoupon(data: CouponData): Promise<Uint8Array> {
  const cd = await createCouponDocument({
    title: `Coupon ${data.family.code} — ${data.regie.name}`,
    author: data.commune.name || 'Guichet',
    createdAt: data.printedAt,
  });
  drawCoupon(cd, data, couponQr(data));
  return cd.doc.save({ useObjectStreams: true, addDefaultPage: false });
}
