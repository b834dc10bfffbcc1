// Payments at the counter, driven as an agent would: from a family's page, F4 or an invoice's
// "Payer" button opens the form; the core's preview shows the allocation, the change and any
// refusal; Entrée records; the confirmation shows the receipt, whose PDF is read back. Each test
// takes a demo family nobody has paid for yet, so the tests do not depend on one another.
import { expect, test, type Page, type Request } from '@playwright/test';
import { formatEuro } from '../../src/shared/money';
import { printed } from '../helpers/pdf-text';
import { login, screenshot } from './helpers';
import {
  downloadedPdf,
  ensureTillOpen,
  invoiceRemaining,
  openFamily,
  paymentCount,
  pickFamily,
  regiePanel,
  typed,
  watchProblems,
} from './payment-helpers';

const RECEIPT_NUMBER = /^R-SCO-P\d+-\d{4}-\d{6}$/;
// PDF page widths in points: 80 mm and A5 (148 mm).
const TICKET_WIDTH = (80 / 25.4) * 72;
const A5_WIDTH = (148 / 25.4) * 72;

// Each test renders and reads back several PDFs on a machine shared with other work.
test.describe.configure({ timeout: 90_000 });

// Recording or cancelling renders the receipt at once; the first one of a run also loads
// pdf-lib and the fonts, and the machine is shared.
const RECEIPT_TIMEOUT = 20_000;

let problems: string[] = [];
// A test that cuts the network on purpose adds the browser's own report of it here.
let ignored: RegExp[] = [];
test.beforeEach(async ({ page, request }) => {
  ignored = [];
  problems = watchProblems(page, () => ignored);
  const sent: string[] = [];
  reprintRequests.set(page, sent);
  page.on('request', (r) => {
    if (r.url().endsWith('/api/payments.receipt')) sent.push(r.postData() ?? '');
  });
  await ensureTillOpen(request);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

const reprintRequests = new WeakMap<Page, string[]>();

/** Bodies of the duplicata requests (payments.receipt) the page has sent. */
function reprints(page: Page): string[] {
  return reprintRequests.get(page) ?? [];
}

function form(page: Page) {
  return page.getByTestId('payment-form');
}

function allocationInput(page: Page, invoiceNumber: string) {
  return page.getByRole('textbox', { name: `Montant affecté à la facture ${invoiceNumber}` });
}

async function waitForPreview(page: Page) {
  await expect(page.getByTestId('payment-violations')).not.toContainText(
    'Calcul de la répartition',
  );
}

test('cash: 40,00 € paid with 50,00 € shows 10,00 € change, the receipt number and a PDF receipt that says so', async ({
  page,
}) => {
  const family = pickFamily('SCO', { minFirstCents: 40_00 });
  const first = family.invoices[0];
  if (!first) throw new Error('facture attendue');
  await login(page);
  await openFamily(page, family.code);

  // F4 collects on the régie panel the keyboard is in; the shortcut is shown on its button.
  const panel = regiePanel(page, 'SCO');
  const collect = panel.getByTestId('collect');
  await collect.focus();
  await expect(collect).toContainText('F4');
  await page.keyboard.press('F4');
  await expect(form(page)).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Encaissement');

  // The amount is selected on arrival (the amount due): typing replaces it.
  const amount = page.getByRole('textbox', { name: 'Montant encaissé' });
  await expect(amount).toBeFocused();
  await page.keyboard.type('40');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: 'Somme remise par le payeur' })).toBeFocused();
  await page.keyboard.type('50,00');
  await expect(page.getByTestId('change-due')).toContainText(
    `Monnaie à rendre ${formatEuro(10_00)}`,
  );
  await waitForPreview(page);
  // Oldest due first: the whole 40,00 € goes to the oldest invoice.
  await expect(allocationInput(page, first.number)).toHaveValue('40,00');
  await expect(page.getByTestId('preview-summary')).toContainText(formatEuro(40_00));
  await expect(page.getByTestId('payment-submit')).toHaveAttribute('aria-disabled', 'false');
  await screenshot(page, '10-encaissement-especes');

  await page.keyboard.press('Enter');
  const done = page.getByTestId('payment-done');
  await expect(done).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Paiement enregistré');
  const receiptNumber = (await page.getByTestId('receipt-number').innerText()).trim();
  expect(receiptNumber).toMatch(RECEIPT_NUMBER);
  await expect(page.getByTestId('done-amount')).toHaveText(formatEuro(40_00));
  await expect(page.getByTestId('done-change')).toContainText(
    `Monnaie à rendre ${formatEuro(10_00)}`,
  );
  await expect(page.getByTestId('replayed')).toHaveCount(0);
  await expect(page.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
  await expect(page.locator('canvas.receipt-page')).toHaveCount(1);
  await screenshot(page, '11-paiement-enregistre');

  // The receipt the payer gets: the PDF itself, read back.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('receipt-download').click(),
  ]);
  expect(download.suggestedFilename()).toContain(receiptNumber);
  const pdf = await downloadedPdf(download);
  expect(printed(pdf, receiptNumber)).toBe(true);
  expect(printed(pdf, '40,00 €')).toBe(true);
  expect(printed(pdf, 'Monnaie rendue 10,00 €')).toBe(true);
  expect(printed(pdf, 'DUPLICATA')).toBe(false);
  expect(pdf.pages[0]?.width).toBeCloseTo(TICKET_WIDTH, 0);

  // The payer wants A5: the other layout is a DUPLICATA (journaled by the core), and a second
  // click shows the same file instead of making another one.
  await expect(page.getByRole('button', { name: 'Original — Ticket 80 mm' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const duplicataA5 = page.getByTestId('duplicata-a5');
  await duplicataA5.click();
  await duplicataA5.click();
  await expect(duplicataA5).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
  const [a5] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('receipt-download').click(),
  ]);
  const a5Pdf = await downloadedPdf(a5);
  expect(a5Pdf.pages[0]?.width).toBeCloseTo(A5_WIDTH, 0);
  expect(printed(a5Pdf, receiptNumber)).toBe(true);
  expect(printed(a5Pdf, 'DUPLICATA')).toBe(true);
  expect(reprints(page)).toHaveLength(1);
  expect(paymentCount(family.id)).toBe(1);
  expect(invoiceRemaining(first.id)).toBe(first.remainingCents - 40_00);

  // Échap: back to the family, whose history now lists the payment.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
  const row = page.getByTestId('payment-history').locator(`tr[data-receipt="${receiptNumber}"]`);
  await expect(row).toContainText('Espèces');
  await expect(row).toContainText(formatEuro(40_00));
  await expect(row).toContainText(/\d{2}\/\d{2}\/\d{4}à \d{2}:\d{2}/);
  await expect(row.getByTestId('payment-state')).toHaveText('Valide');
});

test('cheque: one cheque split by hand over two invoices that are not the oldest', async ({
  page,
}) => {
  const family = pickFamily('SCO', { minInvoices: 3 });
  const [oldest, second, third] = family.invoices;
  if (!oldest || !second || !third) throw new Error('trois factures attendues');
  const part2 = Math.min(10_00, second.remainingCents);
  const part3 = Math.min(15_50, third.remainingCents);
  const total = part2 + part3;

  await login(page);
  await openFamily(page, family.code);
  await regiePanel(page, 'SCO').getByTestId('collect').click();
  await expect(form(page)).toBeVisible();

  await page.getByRole('radio', { name: 'Chèque' }).check();
  await page.getByRole('textbox', { name: 'Montant encaissé' }).fill(typed(total));
  await page.getByRole('textbox', { name: 'Banque' }).fill('Crédit Mutuel');
  await page.getByRole('textbox', { name: 'Numéro du chèque' }).fill('1234567');
  await page.getByRole('textbox', { name: 'Tireur (titulaire du compte)' }).fill('M. Démo Tireur');
  // Prefilled with the régie's creditor label, which the core accepts as the payee.
  await expect(page.getByRole('textbox', { name: 'À l’ordre de' })).toHaveValue(
    'Régie scolaire et périscolaire de Ville de Démo',
  );
  await waitForPreview(page);
  await expect(allocationInput(page, oldest.number)).not.toHaveValue('');

  // Typing an amount switches to a hand-made allocation that starts from the preview's.
  await allocationInput(page, second.number).fill(typed(part2));
  await expect(page.getByText('Répartition saisie à la main.')).toBeVisible();
  await allocationInput(page, third.number).fill(typed(part3));
  await allocationInput(page, oldest.number).fill('');
  await waitForPreview(page);
  await expect(page.getByTestId('payment-violations')).not.toContainText('refusé');
  await expect(page.getByTestId('preview-summary')).toContainText(formatEuro(total));
  await expect(page.getByTestId('payment-submit')).toHaveAttribute('aria-disabled', 'false');
  await screenshot(page, '12-encaissement-cheque-reparti');

  await allocationInput(page, third.number).press('Enter');
  await expect(page.getByTestId('payment-done')).toBeVisible({ timeout: RECEIPT_TIMEOUT });
  const done = page.getByTestId('payment-done');
  await expect(done).toContainText('Chèque n° 1234567');
  await expect(page.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
  await expect(done).toContainText(second.number);
  await expect(done).toContainText(third.number);
  await expect(done).not.toContainText(oldest.number);
  await screenshot(page, '13-cheque-enregistre');

  expect(paymentCount(family.id)).toBe(1);
  expect(invoiceRemaining(oldest.id)).toBe(oldest.remainingCents);
  expect(invoiceRemaining(second.id)).toBe(second.remainingCents - part2);
  expect(invoiceRemaining(third.id)).toBe(third.remainingCents - part3);
});

test('cash above 300 € on one invoice is refused in French and nothing is recorded', async ({
  page,
}) => {
  const family = pickFamily('PEN', { minAnyCents: 350_00 });
  const invoice = family.invoices.find((i) => i.remainingCents >= 350_00);
  if (!invoice) throw new Error('facture de 350 € attendue');
  await login(page);
  await openFamily(page, family.code);
  await expect(page.getByTestId('payment-history-empty')).toBeVisible();

  // Started from the invoice's own row: the form settles that invoice.
  await page.getByRole('button', { name: `Encaisser la facture ${invoice.number}` }).click();
  await expect(form(page)).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Espèces' })).toBeChecked();
  await page.getByRole('textbox', { name: 'Montant encaissé' }).fill('350');
  await waitForPreview(page);
  await expect(allocationInput(page, invoice.number)).toHaveValue('350,00');
  const violations = page.getByTestId('payment-violations');
  await expect(violations).toContainText('Paiement en espèces refusé');
  await expect(violations).toContainText(
    `${formatEuro(350_00)} sur la facture ${invoice.number} dépasse le plafond de ${formatEuro(300_00)} par dette`,
  );
  await expect(page.getByTestId('payment-submit')).toHaveAttribute('aria-disabled', 'true');

  // A small window: the error appears below the fold unless it is brought into view.
  await page.setViewportSize({ width: 1280, height: 600 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('payment-error')).toContainText('rien n’a été enregistré');
  await expect(page.getByTestId('payment-error')).toBeInViewport();
  await expect(page.getByTestId('payment-done')).toHaveCount(0);
  await screenshot(page, '14-refus-plafond-especes');
  expect(paymentCount(family.id)).toBe(0);
  expect(invoiceRemaining(invoice.id)).toBe(invoice.remainingCents);

  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
  await expect(page.getByTestId('payment-history-empty')).toBeVisible();
});

function recordBodies(page: Page): { commandId: string; body: Record<string, unknown> }[] {
  const bodies: { commandId: string; body: Record<string, unknown> }[] = [];
  page.on('request', (r: Request) => {
    if (!r.url().endsWith('/api/payments.record')) return;
    const body = r.postDataJSON() as Record<string, unknown>;
    bodies.push({ commandId: String(body.commandId), body });
  });
  return bodies;
}

test('a double click and a second Entrée record one payment: one commandId, replayed by the core', async ({
  page,
}) => {
  const family = pickFamily('SCO', { minFirstCents: 12_00 });
  let token = '';
  page.on('request', (r) => {
    token = r.headers()['x-guichet-session'] ?? token;
  });
  const bodies = recordBodies(page);
  await login(page);
  await openFamily(page, family.code);
  await regiePanel(page, 'SCO').getByTestId('collect').click();
  await page.getByRole('textbox', { name: 'Montant encaissé' }).fill('12');
  await waitForPreview(page);

  const submit = page.getByTestId('payment-submit');
  await submit.dblclick();
  await page.keyboard.press('Enter').catch(() => undefined);
  await expect(page.getByTestId('payment-done')).toBeVisible({ timeout: RECEIPT_TIMEOUT });
  const receiptNumber = (await page.getByTestId('receipt-number').innerText()).trim();
  expect(bodies.length).toBeGreaterThanOrEqual(1);
  expect(new Set(bodies.map((b) => b.commandId)).size).toBe(1);
  expect(paymentCount(family.id)).toBe(1);

  // The same command sent again, as a retry would: the core answers with the first payment.
  const first = bodies[0];
  if (!first) throw new Error('requête attendue');
  const replay = await page.evaluate(
    async ({ body, session }) => {
      const r = await fetch('/api/payments.record', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-guichet-secret': sessionStorage.getItem('guichet.secret') ?? '',
          'x-guichet-session': session,
        },
        body: JSON.stringify(body),
      });
      return (await r.json()) as {
        ok: boolean;
        value?: { replayed: boolean; receiptNumber: string };
      };
    },
    { body: first.body, session: token },
  );
  expect(replay).toMatchObject({ ok: true, value: { replayed: true, receiptNumber } });
  expect(paymentCount(family.id)).toBe(1);
});

test('an answer lost on the way: Entrée again sends the same commandId and shows the first payment', async ({
  page,
}) => {
  ignored.push(/net::ERR_/);
  const family = pickFamily('SCO', { minFirstCents: 15_00 });
  const bodies = recordBodies(page);
  let firstAnswer: { value?: { receiptNumber: string } } | null = null;
  // The first recording reaches the core, which records it; its answer never reaches the page.
  await page.route('**/api/payments.record', async (route) => {
    if (firstAnswer === null) {
      const response = await route.fetch();
      firstAnswer = (await response.json()) as { value?: { receiptNumber: string } };
      await route.abort('connectionfailed');
    } else {
      await route.continue();
    }
  });
  await login(page);
  await openFamily(page, family.code);
  await regiePanel(page, 'SCO').getByTestId('collect').click();
  await page.getByRole('textbox', { name: 'Montant encaissé' }).fill('15');
  await waitForPreview(page);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('payment-error')).toContainText('ne répond pas');
  expect(paymentCount(family.id)).toBe(1);

  await page.keyboard.press('Enter');
  await expect(page.getByTestId('payment-done')).toBeVisible({ timeout: RECEIPT_TIMEOUT });
  await expect(page.getByTestId('replayed')).toContainText('déjà été enregistré');
  const shown = (await page.getByTestId('receipt-number').innerText()).trim();
  expect(shown).toBe(
    (firstAnswer as { value?: { receiptNumber: string } } | null)?.value?.receiptNumber,
  );
  expect(bodies.length).toBe(2);
  expect(bodies[0]?.commandId).toBe(bodies[1]?.commandId);
  expect(paymentCount(family.id)).toBe(1);
  // The original went with the lost answer: the agent prints a duplicata for the payer.
  await expect(page.getByTestId('receipt-notice')).toContainText('premier envoi');
  await screenshot(page, '15-paiement-rejoue');
  await page.getByTestId('duplicata-ticket').click();
  await expect(page.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
  await screenshot(page, '15b-paiement-rejoue-duplicata');
});

test('CESU: lines of titles make the amount; a card number typed in the card reference is refused', async ({
  page,
}) => {
  const family = pickFamily('PEN', { minFirstCents: 25_50 });
  await login(page);
  await openFamily(page, family.code);
  await regiePanel(page, 'PEN').getByTestId('collect').click();
  await expect(form(page)).toBeVisible();

  // Card first: the warning is shown, and a card number is refused wherever it is typed.
  await page.getByRole('radio', { name: 'Carte bancaire (TPE)' }).check();
  await expect(page.getByText('Ne saisissez jamais le numéro de la carte')).toBeVisible();
  await page.getByRole('textbox', { name: 'Montant encaissé' }).fill('25,50');
  await page
    .getByRole('textbox', { name: 'Référence du ticket TPE / n° d’autorisation' })
    .fill('4111 1111 1111 1111');
  await waitForPreview(page);
  await expect(page.getByTestId('payment-violations')).toContainText(
    'Un numéro de carte bancaire a été saisi',
  );
  await screenshot(page, '16-carte-numero-refuse');
  await page.getByRole('textbox', { name: 'Référence du ticket TPE / n° d’autorisation' }).fill('');

  // CESU, which this régie accepts: 2 × 10,00 € + 1 × 5,50 € = 25,50 €.
  await page.getByRole('radio', { name: 'CESU' }).check();
  await page.getByRole('textbox', { name: 'Nombre (ligne 1)' }).fill('2');
  await page.getByRole('textbox', { name: 'Valeur faciale (ligne 1)' }).fill('10');
  await page.getByRole('button', { name: 'Ajouter une valeur faciale' }).click();
  await page.getByRole('textbox', { name: 'Nombre (ligne 2)' }).fill('1');
  await page.getByRole('textbox', { name: 'Valeur faciale (ligne 2)' }).fill('5,50');
  await expect(page.getByTestId('titles-total')).toContainText(formatEuro(25_50));
  await expect(page.getByRole('textbox', { name: /Total des titres remis/ })).toHaveValue('25,50');
  await waitForPreview(page);
  await expect(page.getByTestId('payment-submit')).toHaveAttribute('aria-disabled', 'false');
  await screenshot(page, '17-encaissement-cesu');
  await page.getByTestId('payment-submit').click();
  await expect(page.getByTestId('payment-done')).toContainText('2 titres de 10,00 €', {
    timeout: RECEIPT_TIMEOUT,
  });
  await expect(page.getByTestId('done-amount')).toHaveText(formatEuro(25_50));
  expect(paymentCount(family.id)).toBe(1);
});

test('a régie only offers the modes it accepts', async ({ page }) => {
  const family = pickFamily('SPO');
  await login(page);
  await openFamily(page, family.code);
  await regiePanel(page, 'SPO').getByTestId('collect').click();
  await expect(form(page)).toBeVisible();
  const names = await page
    .locator('.mode-radio')
    .evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ''));
  expect(names).toEqual(['Espèces', 'Chèque', 'Carte bancaire (TPE)', 'Chèques-vacances (ANCV)']);
});
