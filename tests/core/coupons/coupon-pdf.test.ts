// The coupon as printed: every value read back from the PDF with pdfjs, the address inside the
// DL envelope's window and nothing else there, the Code 128 bars decoded by an independent
// reader, and the QR code holding the activation page with the code famille (never the code).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activationUrl } from '../../../src/core/coupons/coupon-data';
import { ADDRESS_WINDOW_MM } from '../../../src/core/coupons/coupon-pdf';
import { qrCode } from '../../../src/core/coupons/symbols';
import { mm } from '../../../src/core/pdf/format';
import { normaliseAccessCode } from '../../../src/shared/access-code';
import { extractPdfText, normalizeSpaces, type PdfTextItem } from '../../helpers/pdf-text';
import { IDS, newCommandId, openTestCore, pdfBytes, refusal, type TestCore } from '../fixtures';
import { decodeCode128 } from './code128-decode';
import { decodeQr } from './qr-decode';
import { barWidths, isLinear, pageContents, symbolGroups, type DrawnRect } from './pdf-symbols';

let t: TestCore;
beforeEach(async () => {
  t = await openTestCore();
  t.sqlite
    .prepare(
      "INSERT INTO setting (key, value) VALUES ('family_portal_url', 'https://famille.villetest.fr/')",
    )
    .run();
  t.sqlite.prepare("UPDATE regie SET numcli = '123456' WHERE id = ?").run(IDS.sco);
});
afterEach(() => t.close());

const A4_HEIGHT = mm(297);
/** A text item's box in millimetres from the top-left corner. */
function boxMm(i: PdfTextItem) {
  const toMm = (pt: number) => (pt * 25.4) / 72;
  return {
    left: toMm(i.x),
    right: toMm(i.x + i.width),
    top: toMm(A4_HEIGHT - i.y - i.fontSize * 0.8),
    bottom: toMm(A4_HEIGHT - i.y + i.fontSize * 0.2),
  };
}

function qrMatrix(rects: DrawnRect[]): { size: number; dark: boolean[] } {
  const module = Math.min(...rects.map((r) => r.h));
  const minX = Math.min(...rects.map((r) => r.x));
  const top = Math.max(...rects.map((r) => r.y + r.h));
  const size = Math.round((Math.max(...rects.map((r) => r.x + r.w)) - minX) / module);
  const dark = new Array<boolean>(size * size).fill(false);
  for (const r of rects) {
    const row = Math.round((top - (r.y + r.h)) / module);
    const col = Math.round((r.x - minX) / module);
    for (let c = 0; c < Math.round(r.w / module); c++) dark[row * size + col + c] = true;
  }
  return { size, dark };
}

async function issue() {
  const token = await t.login('mandataire');
  const r = await t.call(
    'access.issue',
    { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
    token,
  );
  return { token, r, bytes: pdfBytes(r.file.pdfBase64) };
}

describe('the coupon PDF', () => {
  it('prints the collectivité, the family, each open invoice, how to pay and the codes', async () => {
    const { r, bytes } = await issue();
    expect(r.file.fileName).toBe('coupon-F00001-SCO-20260316.pdf');
    const pdf = await extractPdfText(bytes);
    expect(pdf.pages).toHaveLength(1);
    const page = pdf.pages[0]!;
    expect(Math.round(page.width)).toBe(595);
    expect(Math.round(page.height)).toBe(842);
    const text = normalizeSpaces(pdf.text.replace(/\n/g, ' '));
    const lines = page.lines.map(normalizeSpaces);
    for (const expected of [
      'Ville de Test',
      'Régie scolaire et périscolaire',
      'Service Éducation',
      '3 rue des Écoles, 69100 Villetest',
      'Tél. 04 00 00 00 01',
      'Avis de sommes à payer',
      'Édité le 16/03/2026',
      'Code famille : F00001',
      'Mme Hélène DUPOND',
      '12 rue des Lilas',
      '69100 VILLETEST',
    ]) {
      expect(
        lines.some((l) => l.includes(expected)),
        expected,
      ).toBe(true);
    }
    // Each open invoice with its number, label, due date, amounts and PayFiP reference.
    expect(lines).toContain('FAC-SCO-0001 Cantine janvier 10/01/2026 49,00 € 49,00 € REF000001');
    expect(lines).toContain('FAC-SCO-0002 Cantine février 10/02/2026 120,00 € 120,00 € REF000002');
    expect(lines).toContain(
      'FAC-SCO-0003 Séjour classe de neige 10/03/2026 450,00 € 450,00 € REF000003',
    );
    // Paid, cancelled, direct-debit and Trésor invoices are not offered for payment.
    for (const absent of ['FAC-SCO-0004', 'FAC-SCO-0005', 'FAC-SCO-0006', 'FAC-SPO-0007']) {
      expect(text).not.toContain(absent);
    }
    expect(text).toContain('Total à payer 619,00 €');
    expect(text).toContain('1 facture(s) (30,00 €) ont été transmises au Trésor public');
    expect(text).toContain('espèces (300,00 € au plus par facture), chèque, carte bancaire, CESU');
    expect(text).toContain('Par chèque à l’ordre de « Régie scolaire de Ville de Test »');
    expect(text).toContain(
      'En ligne par carte bancaire, sur votre espace familles (https://famille.villetest.fr) avec votre code famille indiqué en haut de ce courrier.',
    );
    expect(text).toContain('Code d’activation');
    // Nothing of the family space reaches past 86 mm, left of any window position.
    for (const item of (await extractPdfText(bytes)).pages[0]!.items) {
      if (/activation|usage unique|avant le/.test(item.str))
        expect(boxMm(item).right).toBeLessThan(88);
    }
    expect(lines).toContain(r.code);
    expect(lines).toContain('À usage unique,');
    expect(lines.some((l) => l.endsWith('avant le 15/05/2026'))).toBe(true);
    expect(text).toContain('COUPON À JOINDRE À VOTRE RÈGLEMENT');
    expect(text).toContain('Reste à payer : 120,00 €');
    expect(text).toContain('Réf. PayFiP REF000002 — échéance 10/02/2026');
  });

  it('puts the address in the DL window frame and nothing else where the window can show', async () => {
    const { r, bytes } = await issue();
    const page = (await extractPdfText(bytes)).pages[0]!;
    const w = ADDRESS_WINDOW_MM;
    const address = ['Mme Hélène DUPOND', '12 rue des Lilas', '69100 VILLETEST'];
    for (const line of address) {
      const item = page.items.find((i) => normalizeSpaces(i.str) === line);
      expect(item, line).toBeDefined();
      const b = boxMm(item!);
      expect(b.left).toBeCloseTo(w.left, 1);
      expect(b.right).toBeLessThanOrEqual(w.left + w.width);
      expect(b.top).toBeGreaterThanOrEqual(w.top);
      expect(b.bottom).toBeLessThanOrEqual(w.top + w.height);
    }
    // The window (100–200 mm across, 50–95 mm down on the envelope) may show the sheet from
    // 90 to 205 mm across and from 39 mm down to the first fold (99 mm) when the letter
    // slides: only the address is there.
    const visible = page.items.filter((i) => {
      const b = boxMm(i);
      return i.str.trim() !== '' && b.right > 90 && b.left < 205 && b.bottom > 39 && b.top < 99;
    });
    expect(visible.map((i) => normalizeSpaces(i.str)).sort()).toEqual([...address].sort());
    const codeItem = page.items.find((i) => i.str === r.code);
    expect(boxMm(codeItem!).right).toBeLessThan(88);
  });

  it('draws Code 128 bars that decode to each invoice number, and the QR of the activation page', async () => {
    const { r, bytes } = await issue();
    const [content] = await pageContents(bytes);
    const groups = symbolGroups(content ?? '');
    const linear = groups.filter(isLinear);
    expect(linear.map((g) => decodeCode128(barWidths(g)))).toEqual([
      'FAC-SCO-0001',
      'FAC-SCO-0002',
      'FAC-SCO-0003',
    ]);
    // Narrowest bar: 0.3 mm, wide enough for any counter scanner.
    const narrowest = Math.min(...linear.flat().map((b) => b.w));
    expect((narrowest * 25.4) / 72).toBeCloseTo(0.3, 2);
    // Each decoded number is one invoices.lookup resolves to the invoice.
    const lookup = await t.call(
      'invoices.lookup',
      { reference: 'FAC-SCO-0002' },
      await t.login('controleur'),
    );
    expect(lookup).toEqual({ invoiceId: IDS.inv2, familyId: IDS.dupond, regieId: IDS.sco });

    const matrices = groups.filter((g) => !isLinear(g));
    expect(matrices).toHaveLength(1);
    const url = activationUrl('https://famille.villetest.fr', 'F00001');
    expect(url).toBe('https://famille.villetest.fr/activation?famille=F00001');
    expect(url).not.toContain(normaliseAccessCode(r.code ?? ''));
    // What is drawn is the encoder's symbol, module for module, and an independent reader
    // (jsQR) reads the activation page's address from it.
    const expected = qrCode(url);
    const drawn = qrMatrix(matrices[0]!);
    expect(drawn.size).toBe(expected.size);
    expect(drawn.dark).toEqual(expected.dark);
    expect(decodeQr(drawn)).toBe(url);
    // Finder patterns in three corners: a 7 × 7 ring around a 3 × 3 square.
    const at = (row: number, col: number) => drawn.dark[row * drawn.size + col];
    for (const [r0, c0] of [
      [0, 0],
      [0, drawn.size - 7],
      [drawn.size - 7, 0],
    ] as const) {
      expect([at(r0, c0), at(r0 + 1, c0 + 1), at(r0 + 3, c0 + 3), at(r0 + 6, c0 + 6)]).toEqual([
        true,
        false,
        true,
        true,
      ]);
    }
  });

  it('prints a coupon without a new code, and no QR or family space when none is configured', async () => {
    const token = await t.login('controleur');
    const withPortal = await t.call(
      'coupons.family',
      { familyId: IDS.martin, regieId: IDS.sco },
      token,
    );
    expect(withPortal.code).toBeNull();
    expect(withPortal.accessCode).toBeNull();
    const text = normalizeSpaces(
      (await extractPdfText(pdfBytes(withPortal.file.pdfBase64))).text.replace(/\n/g, ' '),
    );
    expect(text).toContain('Demandez un code d’activation au guichet');
    expect(text).not.toContain('À usage unique');
    expect(text).toContain('FAC-SCO-0008 Cantine février 10/02/2026 60,00 € 60,00 € REF000008');
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM access_code').get()).toEqual({ n: 0 });

    t.sqlite.prepare("DELETE FROM setting WHERE key = 'family_portal_url'").run();
    const bare = await t.call('coupons.family', { familyId: IDS.bernard, regieId: IDS.spo }, token);
    const bytes = pdfBytes(bare.file.pdfBase64);
    const bareText = normalizeSpaces((await extractPdfText(bytes)).text.replace(/\n/g, ' '));
    expect(bareText).not.toContain('espace familles');
    // The sports régie accepts no card: the coupon does not offer it.
    expect(bareText).toContain(
      'espèces (300,00 € au plus par facture), chèque, chèques-vacances (ANCV)',
    );
    expect(bareText).not.toContain('carte bancaire');
    const groups = symbolGroups((await pageContents(bytes))[0] ?? '');
    expect(groups.filter((g) => !isLinear(g))).toHaveLength(0);
    expect(groups.filter(isLinear).map((g) => decodeCode128(barWidths(g)))).toEqual([
      'FAC-SPO-0009',
    ]);
  });

  it('sends the family to the portal this poste is enrolled with when no family space is set', async () => {
    t.sqlite.prepare("DELETE FROM setting WHERE key = 'family_portal_url'").run();
    t.sqlite
      .prepare("INSERT INTO setting (key, value) VALUES ('portal_url', 'https://ancien.ville.fr')")
      .run();
    t.sqlite
      .prepare(
        `INSERT INTO sync_state (id, portal_url, counter_id, poste_code, enrolled_at)
         VALUES (1, 'https://portail.villetest.fr/', 'c0ffee00-0000-4000-8000-000000000001', 'P01', '2026-03-01T08:00:00Z')`,
      )
      .run();
    const { bytes } = await issue();
    const text = normalizeSpaces((await extractPdfText(bytes)).text.replace(/\n/g, ' '));
    expect(text).toContain('https://portail.villetest.fr/famille');
    expect(text).not.toContain('ancien.ville.fr');
    const matrices = symbolGroups((await pageContents(bytes))[0] ?? '').filter((g) => !isLinear(g));
    expect(decodeQr(qrMatrix(matrices[0]!))).toBe(
      'https://portail.villetest.fr/famille/activation?famille=F00001',
    );
  });

  it('refuses a coupon when nothing is due, or for an unknown family or régie, in French', async () => {
    const token = await t.login('controleur');
    t.sqlite.prepare("UPDATE invoice SET status = 'annulee' WHERE id = ?").run(IDS.invMartin);
    const none = await refusal(
      t.call('coupons.family', { familyId: IDS.martin, regieId: IDS.sco }, token),
    );
    expect(none.error).toMatchObject({ code: 'REGLE_METIER', reason: 'RIEN_A_PAYER' });
    expect(none.error.message).toContain(
      'MARTIN n’a rien à payer à la régie « Régie scolaire et périscolaire »',
    );
    const unknown = await refusal(
      t.call('coupons.family', { familyId: 404, regieId: IDS.sco }, token),
    );
    expect(unknown.error.code).toBe('INTROUVABLE');
    const noRegie = await refusal(
      t.call('coupons.family', { familyId: IDS.dupond, regieId: 404 }, token),
    );
    expect(noRegie.error.message).toMatch(/^Cette régie est introuvable/);
    // A family with nothing due may still be given a code to open its account.
    const issued = await t.call(
      'access.issue',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      await t.login('mandataire'),
    );
    const text = normalizeSpaces(
      (await extractPdfText(pdfBytes(issued.file.pdfBase64))).text.replace(/\n/g, ' '),
    );
    expect(text).toContain('Aucune facture à payer à ce jour.');
    expect(text).toContain(issued.code ?? '?');
  });
});
