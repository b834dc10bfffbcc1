// The quittance as printed: an 80 mm thermal ticket or an A5 page. Both layouts print the same
// fields, worded once in receiptWording() so a field cannot appear on one and be forgotten on
// the other. The output is deterministic: the same data gives the same bytes.
import { z } from 'zod';
import { paymentModeLabels, paymentModes } from '../../shared/payment-modes';
import { DomainError } from '../errors';
import { createPdf, savePdf } from '../pdf/document';
import type { PdfFonts } from '../pdf/fonts';
import {
  formatEuroNegated,
  formatEuroPrint,
  formatIssuedAt,
  mm,
  pageSizes,
  parisDateTime,
} from '../pdf/format';
import { Flow, black, grey, white } from '../pdf/layout';
import type { PageCanvas, PageInfo, TextStyle } from '../pdf/layout';
import { textWidth } from '../pdf/text';
import type { ReceiptData } from './receipt-data';

/** The receipt draws with DejaVu Sans and its bold only (each embedded font has a cost). */
type ReceiptFonts = Pick<PdfFonts, 'regular' | 'bold'>;

export type ReceiptLayout = 'ticket' | 'a5';

export interface RenderReceiptOptions {
  layout: ReceiptLayout;
  /** Folder holding `fonts/`; defaults to GUICHET_RESOURCES_DIR or the app's resources. */
  resourcesDir?: string;
}

const centsField = z.number().int();
const instantField = z.iso.datetime({ offset: true });

const receiptDataSchema = z
  .object({
    kind: z.enum(['paiement', 'annulation']),
    receiptNumber: z.string().min(1),
    duplicata: z.boolean(),
    commune: z.object({
      name: z.string().min(1),
      addressLine: z.string(),
      postalCode: z.string(),
      city: z.string(),
    }),
    regie: z.object({
      code: z.string(),
      name: z.string().min(1),
      serviceAddress: z.string(),
      servicePhone: z.string().nullable(),
    }),
    posteCode: z.string().min(1),
    agentName: z.string().min(1),
    issuedAt: instantField,
    payer: z.object({
      familyCode: z.string().min(1),
      name: z.string().min(1),
      addressLines: z.array(z.string()),
    }),
    mode: z.enum(paymentModes),
    modeDetails: z.array(z.string()),
    amountCents: centsField,
    tenderedCents: centsField.nullable(),
    changeCents: centsField.nullable(),
    allocations: z.array(
      z.object({
        invoiceNumber: z.string().min(1),
        invoiceLabel: z.string(),
        allocatedCents: centsField,
        remainingCents: centsField,
      }),
    ),
    creditCreatedCents: centsField,
    creditUsedCents: centsField,
    balanceDueCents: centsField,
    balanceCreditCents: centsField,
    cancellation: z
      .object({
        reason: z.string().min(1),
        cancelledBy: z.string().min(1),
        cancelledAt: instantField,
      })
      .nullable(),
    verificationCode: z.string().min(1),
  })
  .refine((d) => (d.kind === 'annulation') === (d.cancellation !== null), {
    path: ['cancellation'],
    error: 'une annulation doit indiquer son motif, son auteur et sa date (et seulement elle)',
  }) satisfies z.ZodType<ReceiptData>;

function invalid(error: z.ZodError): DomainError {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'données';
  // zod's own messages are English; only the rules written here carry a French explanation.
  const detail = issue?.code === 'custom' ? ` : ${issue.message}` : '';
  return new DomainError(
    'VALIDATION',
    `La quittance ne peut pas être imprimée : le champ « ${field} » est absent ou invalide` +
      `${detail}. Rien n’a été modifié ; réessayez, et si le problème persiste, signalez-le à ` +
      'l’assistance.',
    'QUITTANCE_INVALIDE',
    { field },
  );
}

/** Every printed string of a receipt, shared by both layouts. */
interface ReceiptWording {
  title: string;
  number: string;
  issued: string;
  poste: string;
  agent: string;
  commune: { name: string; lines: string[] };
  regie: { name: string; lines: string[] };
  cancellation: { heading: string; lines: string[] } | null;
  payer: { name: string; lines: string[] };
  mode: string;
  modeDetails: string[];
  amountLabel: string;
  amount: string;
  cash: { label: string; value: string }[];
  allocationsHeading: string;
  allocations: { number: string; label: string; allocated: string; remaining: string }[];
  noAllocation: string | null;
  credits: { label: string; value: string }[];
  /** Stated in full on the ticket; the A5 prints it inside the payer's box, hence shorter. */
  balanceHeading: string;
  balanceHeadingShort: string;
  balance: { label: string; value: string }[];
  verification: string;
  verificationHelp: string;
  keep: string;
}

function receiptWording(d: ReceiptData): ReceiptWording {
  const cancelled = d.kind === 'annulation';
  // A cancellation reverses the original movements, so they print negative whatever sign the
  // caller stored them with; balances are states, not movements, and print as they are.
  const movement = cancelled ? formatEuroNegated : formatEuroPrint;
  const cash: ReceiptWording['cash'] = [];
  if (!cancelled && d.tenderedCents !== null) {
    cash.push({ label: 'Somme remise', value: formatEuroPrint(d.tenderedCents) });
  }
  if (!cancelled && d.changeCents !== null) {
    cash.push({ label: 'Monnaie rendue', value: formatEuroPrint(d.changeCents) });
  }
  const credits: ReceiptWording['credits'] = [];
  if (d.creditCreatedCents !== 0) {
    credits.push({
      label: cancelled ? 'Avoir créé (annulé)' : 'Avoir créé',
      value: movement(d.creditCreatedCents),
    });
  }
  if (d.creditUsedCents !== 0) {
    credits.push({
      label: cancelled ? 'Avoir utilisé (annulé)' : 'Avoir utilisé',
      value: movement(d.creditUsedCents),
    });
  }
  let cancellation: ReceiptWording['cancellation'] = null;
  if (d.cancellation) {
    const at = parisDateTime(d.cancellation.cancelledAt);
    cancellation = {
      heading: 'Cette quittance est annulée.',
      lines: [
        `Motif : ${d.cancellation.reason}`,
        `Annulée par ${d.cancellation.cancelledBy} le ${at.date} à ${at.time}`,
        ...(d.allocations.length > 0 ? ['Les factures ci-dessous redeviennent payables.'] : []),
      ],
    };
  }
  return {
    title: cancelled ? 'ANNULATION DE QUITTANCE' : 'QUITTANCE',
    number: `N° ${d.receiptNumber}`,
    issued: formatIssuedAt(d.issuedAt),
    poste: `Poste ${d.posteCode}`,
    agent: `Agent : ${d.agentName}`,
    commune: {
      name: d.commune.name,
      lines: [d.commune.addressLine, `${d.commune.postalCode} ${d.commune.city}`.trim()].filter(
        (l) => l !== '',
      ),
    },
    regie: {
      name: d.regie.name,
      lines: [d.regie.serviceAddress, d.regie.servicePhone ? `Tél. ${d.regie.servicePhone}` : '']
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    },
    cancellation,
    payer: {
      name: d.payer.name,
      lines: [`Code famille : ${d.payer.familyCode}`, ...d.payer.addressLines],
    },
    mode: `Mode : ${paymentModeLabels[d.mode]}`,
    modeDetails: d.modeDetails,
    amountLabel: cancelled ? 'MONTANT ANNULÉ' : 'MONTANT PAYÉ',
    amount: movement(d.amountCents),
    cash,
    allocationsHeading: cancelled
      ? 'FACTURES CONCERNÉES'
      : d.allocations.length === 1
        ? 'FACTURE RÉGLÉE'
        : 'FACTURES RÉGLÉES',
    allocations: d.allocations.map((a) => ({
      number: a.invoiceNumber,
      label: a.invoiceLabel,
      allocated: movement(a.allocatedCents),
      remaining: formatEuroPrint(a.remainingCents),
    })),
    noAllocation:
      d.allocations.length === 0
        ? cancelled
          ? 'Aucune facture concernée : l’annulation porte sur l’avoir.'
          : 'Aucune facture réglée : le montant est porté en avoir.'
        : null,
    credits,
    balanceHeading: 'SOLDE DE LA FAMILLE POUR CETTE RÉGIE',
    balanceHeadingShort: 'SOLDE POUR CETTE RÉGIE',
    balance: [
      { label: 'Reste à payer', value: formatEuroPrint(d.balanceDueCents) },
      { label: 'Avoir disponible', value: formatEuroPrint(d.balanceCreditCents) },
    ],
    verification: `Code de vérification : ${d.verificationCode}`,
    verificationHelp:
      'Ce code est tiré du journal inaltérable de la régie : il permet de vérifier que cette ' +
      'quittance correspond à l’opération enregistrée.',
    keep: cancelled
      ? 'Document à conserver : il justifie l’annulation de la quittance.'
      : 'Document à conserver : il justifie votre paiement.',
  };
}

function metadata(d: ReceiptData) {
  const base =
    d.kind === 'annulation'
      ? `Annulation de quittance ${d.receiptNumber}`
      : `Quittance ${d.receiptNumber}`;
  return {
    title: d.duplicata ? `${base} (duplicata)` : base,
    author: d.commune.name,
    subject: `${d.regie.name} – ${d.payer.name}`,
    keywords: ['quittance', d.receiptNumber, d.regie.code, d.payer.familyCode],
    createdAt: d.issuedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// 80 mm thermal ticket: one long page, black only (thermal heads print no grey), centred header.

function renderTicket(
  flow: Flow,
  w: ReceiptWording,
  fonts: ReceiptFonts,
  duplicata: boolean,
): void {
  const s = (font: keyof ReceiptFonts, size: number, leading?: number): TextStyle => ({
    font: fonts[font],
    size,
    leading,
  });
  // 9 pt is the smallest size that stays comfortable on thermal paper; only the explanatory
  // lines go below it.
  const body = s('regular', 9);
  const small = s('regular', 8);
  const label = s('regular', 9);
  const strong = s('bold', 9);
  const heading = s('bold', 8.5);
  const money = s('bold', 9);
  const dashed = { dash: [2, 1.5], thickness: 0.6, spaceAbove: 5, spaceBelow: 5 };

  const banner = () => {
    flow.box((f) => f.text('DUPLICATA', { ...s('bold', 14), color: white }, { align: 'center' }), {
      fill: black,
      padding: 3,
    });
  };
  const amountRow = (text: string, value: string, textStyle = label, valueStyle = money) =>
    flow.row([
      { text, width: 'fill', style: textStyle },
      {
        text: value,
        width: Math.max(62, textWidth(value, valueStyle.font, valueStyle.size)),
        style: valueStyle,
        align: 'right',
      },
    ]);

  if (duplicata) {
    banner();
    flow.space(6);
  }
  flow.text(w.commune.name.toUpperCase(), s('bold', 10.5), { align: 'center' });
  for (const line of w.commune.lines) flow.text(line, body, { align: 'center' });
  flow.space(4);
  flow.text(w.regie.name, s('bold', 9), { align: 'center' });
  for (const line of w.regie.lines) flow.text(line, body, { align: 'center' });

  flow.rule({ thickness: 1, spaceAbove: 6, spaceBelow: 6 });
  flow.text(w.title, s('bold', w.title.length > 12 ? 12 : 15), { align: 'center' });
  flow.space(1);
  flow.text(w.number, s('bold', 10.5), { align: 'center' });
  flow.space(2);
  flow.text(w.issued, s('regular', 9.5), { align: 'center' });
  flow.text(`${w.poste} · ${w.agent}`, body, { align: 'center' });
  flow.rule({ thickness: 1, spaceAbove: 6, spaceBelow: 6 });

  if (w.cancellation) {
    const c = w.cancellation;
    flow.box(
      (f) => {
        f.text(c.heading, strong);
        for (const line of c.lines) f.text(line, body);
      },
      { stroke: black, thickness: 1, padding: 4 },
    );
    flow.space(7);
  }

  flow.text('PAYEUR', heading, { spaceAfter: 1 });
  flow.text(w.payer.name, s('bold', 9));
  for (const line of w.payer.lines) flow.text(line, body);
  flow.rule(dashed);

  flow.text('RÈGLEMENT', heading, { spaceAfter: 1 });
  flow.text(w.mode, body);
  for (const line of w.modeDetails) flow.text(line, body);
  flow.space(4);
  amountRow(w.amountLabel, w.amount, s('bold', 9.5), s('bold', 15));
  for (const line of w.cash) amountRow(line.label, line.value, label, s('regular', 9));
  flow.rule(dashed);

  flow.text(w.allocationsHeading, heading, { spaceAfter: 2 });
  if (w.noAllocation) flow.text(w.noAllocation, body);
  w.allocations.forEach((a, i) => {
    if (i > 0) flow.rule({ dash: [0.6, 1.4], thickness: 0.5, spaceAbove: 3, spaceBelow: 3 });
    amountRow(a.number, a.allocated, strong, money);
    flow.text(a.label, body);
    amountRow('Reste dû sur cette facture', a.remaining, small, s('regular', 8));
  });

  if (w.credits.length > 0) {
    flow.rule(dashed);
    for (const c of w.credits) amountRow(c.label, c.value, label, money);
  }
  flow.rule(dashed);
  flow.text(w.balanceHeading, heading, { spaceAfter: 1 });
  for (const b of w.balance) amountRow(b.label, b.value, label, money);

  flow.rule({ thickness: 1, spaceAbove: 6, spaceBelow: 6 });
  flow.text(w.verification, s('bold', 9.5), { align: 'center' });
  flow.text(w.verificationHelp, small, { align: 'center' });
  flow.space(5);
  flow.text(w.keep, small, { align: 'center' });
  if (duplicata) {
    flow.space(6);
    banner();
  }
}

// ---------------------------------------------------------------------------------------------
// A5 portrait: letterhead, title block, payer and payment boxes, invoice table, totals, footer.

const ink = grey(0.1);
const muted = grey(0.35);
const lineGrey = grey(0.75);
const fillGrey = grey(0.93);

function renderA5(flow: Flow, w: ReceiptWording, fonts: ReceiptFonts, duplicata: boolean): void {
  const s = (font: keyof ReceiptFonts, size: number, color = ink, leading?: number): TextStyle => ({
    font: fonts[font],
    size,
    color,
    leading,
  });
  const body = s('regular', 8.5);
  const mutedBody = s('regular', 8.5, muted);
  const heading = s('bold', 7.5, muted);
  const boxStyle = { stroke: lineGrey, thickness: 0.6, padding: 7, paddingX: 8 };
  const widthOf = (text: string, style: TextStyle) => textWidth(text, style.font, style.size);
  /** A label and its amount on one line, the amount right-aligned in a column of `width`. */
  const amountRow = (f: Flow, label: string, value: string, width: number, valueStyle: TextStyle) =>
    f.row([
      { text: label, width: 'fill', style: body },
      { text: value, width, style: valueStyle, align: 'right' },
    ]);

  // Letterhead: the commune on the left, the régie (who actually collects) on the right.
  const regieStyle = s('bold', 9.5);
  const regieWidth = Math.min(
    flow.width * 0.5,
    Math.max(
      widthOf(w.regie.name, regieStyle),
      ...w.regie.lines.map((l) => widthOf(l, mutedBody)),
    ) + 1,
  );
  flow.sideBySide(
    [
      {
        width: 'fill',
        render: (f) => {
          f.text(w.commune.name.toUpperCase(), s('bold', 12));
          for (const line of w.commune.lines) f.text(line, mutedBody);
        },
      },
      {
        width: regieWidth,
        render: (f) => {
          f.text(w.regie.name, regieStyle, { align: 'right' });
          for (const line of w.regie.lines) f.text(line, mutedBody, { align: 'right' });
        },
      },
    ],
    14,
  );
  flow.rule({ thickness: 1.2, color: ink, spaceAbove: 6, spaceBelow: 10 });

  // Title block: the number and date column is as wide as its longest line, the title takes
  // the rest.
  const numberStyle = s('bold', 11.5);
  const issuedStyle = s('regular', 9.5);
  const posteAgent = `${w.poste} – ${w.agent}`;
  const titleRightWidth = Math.min(
    flow.width * 0.6,
    Math.max(
      widthOf(w.number, numberStyle),
      widthOf(w.issued, issuedStyle),
      widthOf(posteAgent, mutedBody),
    ) + 1,
  );
  flow.sideBySide(
    [
      {
        width: 'fill',
        render: (f) => {
          f.text(w.title, s('bold', w.title.length > 12 ? 15 : 22));
          if (duplicata) {
            f.space(4);
            f.sideBySide([
              {
                width: 92,
                box: { stroke: ink, thickness: 1.5, padding: 3 },
                render: (g) => g.text('DUPLICATA', s('bold', 12), { align: 'center' }),
              },
              { width: 'fill', render: () => undefined },
            ]);
          }
        },
      },
      {
        width: titleRightWidth,
        render: (f) => {
          f.text(w.number, numberStyle, { align: 'right' });
          f.space(2);
          f.text(w.issued, issuedStyle, { align: 'right' });
          f.text(posteAgent, mutedBody, { align: 'right' });
        },
      },
    ],
    12,
  );
  flow.space(10);

  if (w.cancellation) {
    const c = w.cancellation;
    flow.box(
      (f) => {
        f.text(c.heading, s('bold', 9.5));
        f.space(1);
        for (const line of c.lines) f.text(line, body);
      },
      { stroke: ink, thickness: 1.2, fill: fillGrey, padding: 7, paddingX: 8 },
    );
    flow.space(8);
  }

  // Who paid (and where their account stands now) beside what was paid and how. The amount
  // closes the payment box, large, where the eye lands.
  const valueStyle = s('bold', 9);
  const amountStyle = s('bold', 18);
  const valueWidth = Math.max(
    48,
    ...[...w.cash, ...w.credits, ...w.balance].map((r) => widthOf(r.value, valueStyle) + 1),
  );
  flow.sideBySide(
    [
      {
        width: 'fill',
        box: boxStyle,
        render: (f) => {
          f.text('PAYEUR', heading, { spaceAfter: 2 });
          f.text(w.payer.name, s('bold', 10));
          for (const line of w.payer.lines) f.text(line, body);
          f.rule({ color: lineGrey, thickness: 0.5, spaceAbove: 5, spaceBelow: 5 });
          f.text(w.balanceHeadingShort, heading, { spaceAfter: 2 });
          for (const b of w.balance) amountRow(f, b.label, b.value, valueWidth, valueStyle);
        },
      },
      {
        width: 'fill',
        box: { stroke: ink, thickness: 1.2, padding: 7, paddingX: 8 },
        render: (f) => {
          f.text('RÈGLEMENT', heading, { spaceAfter: 2 });
          f.text(w.mode, s('bold', 9.5));
          for (const line of w.modeDetails) f.text(line, body);
          const rows = [...w.cash, ...w.credits];
          if (rows.length > 0) f.space(3);
          for (const r of rows) amountRow(f, r.label, r.value, valueWidth, valueStyle);
          f.rule({ color: lineGrey, thickness: 0.5, spaceAbove: 5, spaceBelow: 5 });
          f.text(w.amountLabel, heading);
          f.text(w.amount, amountStyle, { align: 'right' });
        },
      },
    ],
    10,
  );
  flow.space(12);

  flow.keepTogether((f) => {
    const count = w.allocations.length > 0 ? ` (${w.allocations.length})` : '';
    f.text(`${w.allocationsHeading}${count}`, heading, { spaceAfter: 4 });
  });
  const closing = (f: Flow) => {
    f.rule({ thickness: 0.6, color: lineGrey, spaceAbove: 0, spaceBelow: 6 });
    f.text(w.verification, s('bold', 9));
    f.text(w.verificationHelp, s('regular', 7.5, muted));
  };
  const closingGap = 12;
  if (w.noAllocation) {
    flow.text(w.noAllocation, body);
  } else {
    const invoiceStyle = s('bold', 8);
    const allocatedStyle = s('bold', 8.5);
    const padX = 5;
    // Columns as wide as their widest content, so an invoice number never breaks at its
    // hyphens; the label takes the rest and wraps.
    const widest = (texts: string[], style: TextStyle, min: number, max: number) =>
      Math.min(max, Math.max(min, ...texts.map((t) => widthOf(t, style))) + 2 * padX + 1);
    flow.table({
      columns: [
        {
          header: 'Facture',
          width: widest(
            w.allocations.map((a) => a.number),
            invoiceStyle,
            40,
            flow.width * 0.3,
          ),
          style: invoiceStyle,
        },
        { header: 'Libellé', width: 'fill' },
        {
          header: 'Réglé',
          width: widest(
            w.allocations.map((a) => a.allocated),
            allocatedStyle,
            40,
            90,
          ),
          align: 'right',
          style: allocatedStyle,
        },
        {
          header: 'Reste dû',
          width: widest(
            w.allocations.map((a) => a.remaining),
            body,
            40,
            90,
          ),
          align: 'right',
        },
      ],
      rows: w.allocations.map((a) => [a.number, a.label, a.allocated, a.remaining]),
      headerStyle: s('bold', 7.5),
      bodyStyle: body,
      headerFill: fillGrey,
      rowRule: lineGrey,
      cellPaddingX: padX,
      cellPaddingY: 2.5,
      keepWithLast: closingGap + flow.measure(closing),
    });
  }
  flow.space(closingGap);
  flow.atBottom(closing);
}

function a5Continuation(w: ReceiptWording, fonts: ReceiptFonts) {
  return (flow: Flow) => {
    const title = `${w.title.charAt(0)}${w.title.slice(1).toLowerCase()} ${w.number} (suite)`;
    flow.text(title, { font: fonts.bold, size: 9, color: ink });
    flow.rule({ thickness: 0.8, color: ink, spaceAbove: 4, spaceBelow: 12 });
  };
}

function a5Footer(w: ReceiptWording, fonts: ReceiptFonts) {
  return (canvas: PageCanvas, page: PageInfo) => {
    const left = page.margin.left;
    const width = page.width - page.margin.left - page.margin.right;
    const top = page.height - page.margin.bottom - 12;
    const style = { font: fonts.regular, size: 7, color: muted };
    canvas.line(left, top, left + width, top, { color: lineGrey, thickness: 0.5 });
    canvas.text(w.keep, left, top + 10, style);
    canvas.text(`${w.number} – page ${page.index + 1}/${page.count}`, left, top + 10, style, {
      align: 'right',
      width,
    });
  };
}

function duplicataWatermark(fonts: ReceiptFonts) {
  return (canvas: PageCanvas, page: PageInfo) => {
    const size = 72;
    const text = 'DUPLICATA';
    const angle = (Math.atan2(page.height, page.width) * 180) / Math.PI;
    const rad = (angle * Math.PI) / 180;
    const w = textWidth(text, fonts.bold, size);
    const capHeight = size * 0.73;
    // Rotation turns around the baseline's start: place it so the word's centre sits at the
    // page's centre (in top-down coordinates the rotation goes up-right).
    const cx = page.width / 2;
    const cy = page.height / 2;
    const x = cx - (w / 2) * Math.cos(rad) + (capHeight / 2) * Math.sin(rad);
    const baseline = cy + (w / 2) * Math.sin(rad) + (capHeight / 2) * Math.cos(rad);
    canvas.text(text, x, baseline, { font: fonts.bold, size, color: grey(0.9) }, { rotate: angle });
  };
}

/** Renders a quittance as PDF bytes. Same data, same bytes. */
export async function renderReceiptPdf(
  data: ReceiptData,
  opts: RenderReceiptOptions,
): Promise<Uint8Array> {
  const parsed = receiptDataSchema.safeParse(data);
  if (!parsed.success) throw invalid(parsed.error);
  const d = parsed.data;
  const wording = receiptWording(d);
  const { doc, fonts } = await createPdf(metadata(d), {
    fonts: ['regular', 'bold'],
    resourcesDir: opts.resourcesDir,
  });

  if (opts.layout === 'ticket') {
    const margin = mm(4);
    const flow = new Flow({
      width: pageSizes.ticket80.width,
      height: 'auto',
      margin: { top: margin, right: margin, bottom: mm(6), left: margin },
    });
    renderTicket(flow, wording, fonts, d.duplicata);
    flow.finish(doc);
  } else {
    const flow = new Flow({
      width: pageSizes.a5.width,
      height: pageSizes.a5.height,
      margin: { top: mm(9), right: mm(12), bottom: mm(8), left: mm(12) },
      footerSpace: 18,
      continuation: a5Continuation(wording, fonts),
    });
    renderA5(flow, wording, fonts, d.duplicata);
    flow.finish(doc, {
      underlay: d.duplicata ? duplicataWatermark(fonts) : undefined,
      overlay: a5Footer(wording, fonts),
    });
  }
  return savePdf(doc);
}
