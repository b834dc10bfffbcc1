// The PDF of one invoice as the family downloads it: who bills (commune, régie, service), who
// is billed, the lines, the total, what is already paid and what remains, the due date and
// the PayFiP reference. Generated on demand from the portal's tables, so it always tells the
// state of the moment (the printed date says which).
import { and, asc, eq } from 'drizzle-orm';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatDate, formatInstant } from '../../shared/dates';
import { invoiceStateLabels } from '../../shared/invoice-state';
import { formatEuro } from '../../shared/money';
import type { Executor } from '../db/sql';
import { child, commune, family, invoice, invoiceLine, regie, responsable } from '../db/schema';
import { portalFontBytes } from './fonts';
import { familyInvoices, type FamilyInvoice } from './invoices';

export interface InvoicePdfData {
  commune: { name: string; addressLine: string; postalCode: string; city: string };
  regie: { name: string; serviceName: string; serviceAddress: string; servicePhone: string | null };
  payer: { name: string; lines: string[] };
  familyCode: string;
  refdet: string;
  lines: {
    label: string;
    child: string | null;
    quantity: number;
    unitPriceCents: number;
    amountCents: number;
  }[];
  view: FamilyInvoice;
}

/** The invoice of this family (null when the number is not one of its invoices). */
export async function loadInvoicePdfData(
  db: Executor,
  familyId: number,
  number: string,
  now: Date,
): Promise<InvoicePdfData | null> {
  const [row] = await db
    .select({
      id: invoice.id,
      regieId: invoice.regieId,
      refdet: invoice.refdet,
      familyCode: family.code,
      familyName: family.familyName,
      regieName: regie.name,
      serviceName: regie.serviceName,
      serviceAddress: regie.serviceAddress,
      servicePhone: regie.servicePhone,
      communeId: regie.communeId,
    })
    .from(invoice)
    .innerJoin(family, eq(family.id, invoice.familyId))
    .innerJoin(regie, eq(regie.id, invoice.regieId))
    .where(and(eq(invoice.number, number), eq(invoice.familyId, familyId)));
  if (!row) return null;
  const [c] = await db.select().from(commune).where(eq(commune.id, row.communeId));
  const [payer] = await db
    .select()
    .from(responsable)
    .where(eq(responsable.familyId, familyId))
    .orderBy(asc(responsable.rank))
    .limit(1);
  const lines = await db
    .select({
      label: invoiceLine.label,
      childFirst: child.firstName,
      quantity: invoiceLine.quantity,
      unitPriceCents: invoiceLine.unitPriceCents,
      amountCents: invoiceLine.amountCents,
    })
    .from(invoiceLine)
    .leftJoin(child, eq(child.id, invoiceLine.childId))
    .where(eq(invoiceLine.invoiceId, row.id))
    .orderBy(asc(invoiceLine.lineNo));
  let view: FamilyInvoice | undefined;
  for (const tab of ['a_payer', 'reglees', 'tresorerie'] as const) {
    view ??= (await familyInvoices(db, familyId, row.regieId, tab, now)).find(
      (i) => i.number === number,
    );
  }
  if (!view || !c) return null;
  return {
    commune: c,
    regie: {
      name: row.regieName,
      serviceName: row.serviceName,
      serviceAddress: row.serviceAddress,
      servicePhone: row.servicePhone,
    },
    payer: payer
      ? {
          name: `${payer.civility} ${payer.firstName} ${payer.lastName}`,
          lines: [
            payer.addressLine1,
            ...(payer.addressLine2 ? [payer.addressLine2] : []),
            `${payer.postalCode} ${payer.city}`,
          ],
        }
      : { name: `Famille ${row.familyName}`, lines: [] },
    familyCode: row.familyCode,
    refdet: row.refdet,
    lines: lines.map((l) => ({
      label: l.label,
      child: l.childFirst,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      amountCents: l.amountCents,
    })),
    view,
  };
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const INK = rgb(0.1, 0.1, 0.15);
const MUTED = rgb(0.35, 0.35, 0.4);

function wrap(s: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      out.push(line);
      line = word;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

export async function renderInvoicePdf(d: InvoicePdfData, now: Date): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const bytes = portalFontBytes();
  const regular = await pdf.embedFont(bytes.regular, { subset: true });
  const bold = await pdf.embedFont(bytes.bold, { subset: true });
  const v = d.view;
  pdf.setTitle(`Facture ${v.number}`);
  pdf.setAuthor(d.commune.name);
  pdf.setSubject(v.label);
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);
  pdf.setProducer('Guichet — espace familles');

  let page: PDFPage = pdf.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const text = (s: string, x: number, size = 10, font: PDFFont = regular, color = INK) => {
    page.drawText(s, { x, y, size, font, color });
  };
  const right = (s: string, xRight: number, size = 10, font: PDFFont = regular) => {
    page.drawText(s, { x: xRight - font.widthOfTextAtSize(s, size), y, size, font, color: INK });
  };
  const newline = (h = 14) => {
    y -= h;
    if (y < MARGIN + 40) {
      page = pdf.addPage([A4.width, A4.height]);
      y = A4.height - MARGIN;
    }
  };

  text(d.commune.name, MARGIN, 14, bold);
  newline(16);
  text(`${d.regie.name} — ${d.regie.serviceName}`, MARGIN, 10);
  newline();
  text(d.regie.serviceAddress, MARGIN, 9, regular, MUTED);
  if (d.regie.servicePhone) {
    newline(12);
    text(`Téléphone : ${d.regie.servicePhone}`, MARGIN, 9, regular, MUTED);
  }
  // The payer, where a window envelope would show it.
  let py = A4.height - MARGIN - 90;
  const px = 320;
  for (const [i, line] of [d.payer.name, ...d.payer.lines].entries()) {
    page.drawText(line, { x: px, y: py, size: 10, font: i === 0 ? bold : regular, color: INK });
    py -= 13;
  }
  y = A4.height - MARGIN - 190;
  text(`Facture n° ${v.number}`, MARGIN, 16, bold);
  newline(20);
  text(v.label, MARGIN, 11);
  newline(18);
  const facts: [string, string][] = [
    ['Code famille', d.familyCode],
    ['Période', v.period],
    ['Émise le', formatDate(v.issueDate)],
    ['À régler avant le', formatDate(v.dueDate)],
    ['Référence de paiement (PayFiP)', d.refdet],
    ['État', invoiceStateLabels[v.state]],
  ];
  for (const [k, val] of facts) {
    text(`${k} :`, MARGIN, 10, regular, MUTED);
    text(val, MARGIN + 190, 10, bold);
    newline();
  }
  newline(10);
  const cols = { label: MARGIN, qty: 360, unit: 450, amount: A4.width - MARGIN };
  text('Désignation', cols.label, 9, bold);
  right('Qté', cols.qty, 9, bold);
  right('Prix unitaire', cols.unit, 9, bold);
  right('Montant', cols.amount, 9, bold);
  newline(6);
  page.drawLine({
    start: { x: MARGIN, y },
    end: { x: A4.width - MARGIN, y },
    thickness: 0.5,
    color: MUTED,
  });
  newline(12);
  for (const l of d.lines) {
    const label = l.child ? `${l.label} (${l.child})` : l.label;
    text(label.length > 60 ? `${label.slice(0, 59)}…` : label, cols.label, 9);
    right(String(l.quantity), cols.qty, 9);
    right(formatEuro(l.unitPriceCents), cols.unit, 9);
    right(formatEuro(l.amountCents), cols.amount, 9);
    newline(13);
  }
  newline(4);
  const totals: [string, number][] = [
    ['Montant total', v.amountCents],
    ['Déjà réglé', v.paidCents],
    ['Reste à payer', v.remainingCents],
  ];
  for (const [k, cents] of totals) {
    right(k, cols.unit, 10, bold);
    right(formatEuro(cents), cols.amount, 10, bold);
    newline();
  }
  if (v.payments.length > 0) {
    newline(8);
    text('Règlements reçus', MARGIN, 11, bold);
    newline();
    for (const p of v.payments) {
      const parts = [
        p.how,
        p.at ? `le ${formatInstant(p.at)}` : null,
        p.receiptNumber ? `quittance ${p.receiptNumber}` : null,
        p.authorisation ? `autorisation n° ${p.authorisation}` : null,
      ].filter(Boolean);
      text(parts.join(', '), MARGIN, 9);
      right(formatEuro(p.amountCents), cols.amount, 9);
      newline(13);
    }
  }
  newline(10);
  const howTo =
    v.state === 'tresorerie'
      ? 'Cette facture a été transmise au Trésor public : réglez-la selon l’avis de sommes à payer que vous recevrez.'
      : v.remainingCents > 0
        ? `À régler avant le ${formatDate(v.dueDate)} au guichet de la régie, par chèque à l’ordre de la régie, ou en ligne depuis l’espace familles.`
        : 'Cette facture est entièrement réglée. Merci.';
  for (const line of wrap(howTo, regular, 9, A4.width - 2 * MARGIN)) {
    text(line, MARGIN, 9, regular, MUTED);
    newline(12);
  }
  page.drawText(`Document édité depuis l’espace familles le ${formatInstant(now.toISOString())}.`, {
    x: MARGIN,
    y: MARGIN - 10,
    size: 8,
    font: regular,
    color: MUTED,
  });
  return pdf.save();
}
