// Access codes, coupons and scanning at the counter, driven as an agent would: a code issued
// from the family page is read on screen and on the coupon's PDF (with the code famille); a
// barcode scanner's burst, typed from another screen, lands on the payment form with the
// scanned invoice selected; a reference typed in the search box does the same; an unknown
// reference changes nothing; a batch of coupons runs with its progress and is downloaded.
import { expect, test, type Page } from '@playwright/test';
import { ACCESS_CODE_ALPHABET } from '../../src/shared/contract';
import { printed } from '../helpers/pdf-text';
import { openApp, screenshot, searchBox } from './helpers';
import {
  Api,
  downloadedPdf,
  openFamily,
  pickFamily,
  typed,
  watchProblems,
  type PickedFamily,
} from './payment-helpers';

test.describe.configure({ timeout: 120_000 });

// Coupons render barcodes and fonts; the first one of a run also loads them, on a shared machine.
const PDF_TIMEOUT = 30_000;

let problems: string[] = [];
test.beforeEach(async ({ page }) => {
  problems = watchProblems(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

const codePattern = new RegExp(
  `^[${ACCESS_CODE_ALPHABET}]{4}-[${ACCESS_CODE_ALPHABET}]{4}-[${ACCESS_CODE_ALPHABET}]{4}$`,
);

/**
 * helpers.ts's login, with more patience: the password check (scrypt at the host's real cost)
 * took over 5 s on this machine while other work loaded it.
 */
async function login(page: Page, id = 'regisseur', password = 'demo-regisseur'): Promise<void> {
  await openApp(page);
  await page.getByLabel('Identifiant').fill(id);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByLabel('Mot de passe').press('Enter');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible({
    timeout: 30_000,
  });
}

/** Milliseconds between two keys of the simulated scanner. */
const SCAN_KEY_MS = 5;

/**
 * A keyboard-wedge scanner: the reference typed at 5 ms per key, then Entrée, wherever the focus
 * is. `page.keyboard.type(ref, { delay: 5 })` was the first choice, but each of its keys waits
 * for the page to handle the previous one: on this shared two-core machine the gaps measured
 * 10 to 130 ms, so the burst was sometimes a person's typing. A real scanner's keys carry the
 * time the operating system received them; the DevTools protocol lets the test give each key
 * that time too (5 ms apart), so the page sees what it would see from a scanner, whatever the
 * load. The keys are real (trusted) keystrokes: they type into the focused field.
 */
async function scan(page: Page, reference: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const start = Date.now() / 1000;
    const at = (i: number) => start + (i * SCAN_KEY_MS) / 1000;
    const keys = [...reference];
    for (const [i, ch] of keys.entries()) {
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'keyDown',
        key: ch,
        text: ch,
        unmodifiedText: ch,
        timestamp: at(i),
      });
      await cdp.send('Input.dispatchKeyEvent', {
        type: 'keyUp',
        key: ch,
        timestamp: at(i) + 0.002,
      });
    }
    const enter = {
      key: 'Enter',
      code: 'Enter',
      windowsVirtualKeyCode: 13,
      timestamp: at(keys.length),
    };
    await cdp.send('Input.dispatchKeyEvent', {
      type: 'keyDown',
      ...enter,
      text: '\r',
      unmodifiedText: '\r',
    });
    await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...enter });
  } finally {
    await cdp.detach();
  }
}

function accessSection(page: Page) {
  return page.getByTestId('family-access');
}

function couponRow(page: Page, regieCode: string) {
  return page.getByTestId('access-regies').locator(`tr[data-regie="${regieCode}"]`);
}

test('a code issued from the family page is shown once and printed on the coupon', async ({
  page,
}) => {
  const family = pickFamily('SCO', { skip: 3 });
  await login(page);
  await openFamily(page, family.code);

  const section = accessSection(page);
  await expect(section.getByRole('heading', { name: 'Accès au portail famille' })).toBeVisible();
  await expect(section.getByTestId('access-family-code')).toHaveText(family.code);
  // A fresh demo family has never had a code.
  await expect(section.getByTestId('access-none')).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: `test-results/screens/coupons-family-section-empty.png` });

  // No live code yet: the code is issued at once, and shown in the dialog with its coupon.
  await couponRow(page, 'SCO').getByTestId('access-issue').click();
  const dialog = page.getByRole('dialog', { name: /Code d’activation — Famille/ });
  const codeBox = dialog.getByTestId('access-code');
  await expect(codeBox).toHaveText(codePattern, { timeout: PDF_TIMEOUT });
  const code = (await codeBox.textContent()) ?? '';
  await expect(dialog).toContainText(`code famille ${family.code}`);
  await expect(dialog.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: PDF_TIMEOUT,
  });
  await screenshot(page, 'coupons-code-dialog', false);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('receipt-download').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.pdf$/);
  const pdf = await downloadedPdf(download);
  expect(pdf.pages).toHaveLength(1);
  expect(printed(pdf, code)).toBe(true);
  expect(printed(pdf, family.code)).toBe(true);
  expect(printed(pdf, family.invoices[0]?.number ?? '?')).toBe(true);

  await dialog.getByTestId('access-code-close').click();
  await expect(dialog).toBeHidden();
  // The code itself is gone from the page; its state is shown.
  await expect(page.getByText(code)).toHaveCount(0);
  await expect(section.getByTestId('access-status')).toHaveText('Émis, en attente d’activation');
  await expect(section.getByText(/^Émis le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2} par /)).toBeVisible();
  await expect(section.getByText(/^Expire le /)).toBeVisible();
  await section.screenshot({ path: `test-results/screens/coupons-family-section.png` });

  // F3 issues again on the selected régie: a live code asks first; « Ne rien changer » changes
  // nothing.
  await page.getByRole('heading', { level: 1 }).focus();
  await page.keyboard.press('F3');
  const confirm = page.getByRole('dialog', { name: 'Remplacer le code d’activation ?' });
  await expect(confirm).toContainText('Le nouveau code le remplace');
  await confirm.getByRole('button', { name: 'Ne rien changer' }).click();
  await expect(confirm).toBeHidden();
  await section.getByTestId('access-history-toggle').click();
  await expect(section.getByTestId('access-history').locator('tbody tr')).toHaveCount(1);

  // Confirmed: a new code, different, and the old one is marked replaced.
  await page.keyboard.press('F3');
  await confirm.getByTestId('access-confirm-issue').click();
  await expect(codeBox).toHaveText(codePattern, { timeout: PDF_TIMEOUT });
  const second = (await codeBox.textContent()) ?? '';
  expect(second).not.toBe(code);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  const history = section.getByTestId('access-history').locator('tbody tr');
  await expect(history).toHaveCount(2);
  await expect(history.nth(1)).toContainText('Remplacé');

  // « Imprimer un coupon » prints without a code: the coupon carries the code famille only.
  await couponRow(page, 'SCO').getByTestId('access-print').click();
  const coupon = page.getByRole('dialog', { name: /^Coupon — / });
  await expect(coupon.getByTestId('receipt-download')).toBeVisible({ timeout: PDF_TIMEOUT });
  const [again] = await Promise.all([
    page.waitForEvent('download'),
    coupon.getByTestId('receipt-download').click(),
  ]);
  const reprint = await downloadedPdf(again);
  expect(printed(reprint, family.code)).toBe(true);
  expect(printed(reprint, second)).toBe(false);
  expect(printed(reprint, code)).toBe(false);
});

test('a contrôleur sees the access state but cannot issue a code', async ({ page }) => {
  const family = pickFamily('SCO', { skip: 4 });
  await login(page, 'controleur', 'demo-controleur');
  await openFamily(page, family.code);
  const section = accessSection(page);
  await expect(section.getByTestId('access-family-code')).toHaveText(family.code);
  await expect(section.getByTestId('access-issue')).toHaveCount(0);
  await expect(section.getByTestId('access-print').first()).toBeVisible();
});

/** A family with two payable invoices in the régie, for scanning the one that is not oldest. */
function twoInvoices(skip: number): PickedFamily & { scanned: PickedFamily['invoices'][number] } {
  const family = pickFamily('SCO', { minInvoices: 2, skip });
  const scanned = family.invoices[1];
  if (!scanned) throw new Error('deux factures attendues');
  return { ...family, scanned };
}

async function expectPaymentFormOn(page: Page, family: PickedFamily, invoiceNumber: string) {
  const form = page.getByTestId('payment-form');
  await expect(form).toBeVisible();
  await expect(form).toContainText(family.code);
  // Started on that invoice: not the automatic allocation (oldest first) but the one scanned.
  await expect(form).toContainText('La facture choisie d’abord');
  await expect(
    page.getByRole('textbox', { name: `Montant affecté à la facture ${invoiceNumber}` }),
  ).not.toHaveValue('0,00');
}

test('a scanner burst from the till screen opens the payment form on the scanned invoice', async ({
  page,
}) => {
  const family = twoInvoices(5);
  await login(page);
  await page.keyboard.press('F6');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Caisse du poste');

  await scan(page, family.scanned.number);
  await expectPaymentFormOn(page, family, family.scanned.number);
  await expect(page.getByRole('textbox', { name: /Montant/ }).first()).toHaveValue(
    typed(family.scanned.remainingCents),
  );
  await expect(page.getByTestId('scan-notice')).toContainText(
    `Facture ${family.scanned.number} ouverte pour encaissement.`,
  );
  await screenshot(page, 'coupons-scan-payment', false);
});

test('a scan into the search box opens the invoice and gives the box its text back', async ({
  page,
}) => {
  const family = twoInvoices(6);
  await login(page);
  const box = searchBox(page);
  await box.pressSequentially('Dup', { delay: 120 });
  await page.waitForTimeout(200);
  await scan(page, family.scanned.number);
  await expectPaymentFormOn(page, family, family.scanned.number);

  // Back to the family (Échap), then to the search (Échap): what the agent had typed is intact.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
  await page.keyboard.press('Escape');
  await expect(box).toHaveValue('Dup');
});

test('an invoice number typed in the search box and Entrée opens its payment form', async ({
  page,
}) => {
  const family = twoInvoices(7);
  await login(page);
  // Typed by a person: far slower than a scanner, handled by the search box itself.
  await searchBox(page).pressSequentially(family.scanned.number, { delay: 60 });
  await page.keyboard.press('Enter');
  await expectPaymentFormOn(page, family, family.scanned.number);
});

test('a reference that matches nothing says so in French and changes nothing', async ({ page }) => {
  await login(page);
  await page.keyboard.press('F6');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Caisse du poste');
  // With the till closed, the till screen puts the focus in its first count field (a number
  // field): the scanned characters land there, and must be gone once the scan is recognised. A
  // number field holding letters reports an empty value, so what it shows is checked through its
  // validity. Earlier specs may have left the till open (then no field has the focus): the
  // screen must stay as it was all the same.
  const field = page.locator('input[type="number"]:focus');
  const numberFieldFocused = (await field.count()) === 1;
  await scan(page, '2099-XXX-999999');
  const notice = page.getByTestId('scan-notice');
  await expect(notice).toHaveAttribute('data-tone', 'error');
  await expect(notice).toContainText('Aucune facture ne porte la référence « 2099-XXX-999999 »');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Caisse du poste');
  await expect(page.getByTestId('payment-form')).toHaveCount(0);
  if (numberFieldFocused) {
    expect(await field.evaluate((el) => (el as HTMLInputElement).validity.badInput)).toBe(false);
  }
  await screenshot(page, 'coupons-scan-unknown', false);
  await notice.getByRole('button', { name: 'Fermer le message' }).click();
  await expect(notice).toHaveCount(0);
});

test('a scan while a dialog is open is not acted on, and the dialog stays', async ({ page }) => {
  const family = twoInvoices(8);
  await login(page);
  await openFamily(page, family.code);
  await couponRow(page, 'SCO').getByTestId('access-print').click();
  const coupon = page.getByRole('dialog', { name: /^Coupon — / });
  await expect(coupon).toBeVisible();
  await scan(page, family.scanned.number);
  await expect(page.getByTestId('scan-notice')).toContainText(
    'Un code-barres a été lu pendant qu’une fenêtre était ouverte',
  );
  await expect(coupon).toBeVisible();
  await expect(page.getByTestId('payment-form')).toHaveCount(0);
});

/** How many « lot de coupons » entries the operations journal holds. */
async function batchesJournaled(api: Api): Promise<number> {
  return (await api.ok('journal.list', { kinds: ['coupons_lot'] })).total;
}

test('coupons for a régie are prepared in a batch with progress, then downloaded', async ({
  page,
  request,
}) => {
  const api = await Api.login(request, 'regisseur', 'demo-regisseur');
  const before = await batchesJournaled(api);
  await login(page);
  await page.keyboard.press('F7');
  await page.getByTestId('tab-coupons').click();
  const panel = page.getByTestId('coupon-batch-panel');
  await expect(panel).toBeVisible();
  const regieSelect = panel.getByTestId('coupon-batch-regie');
  const spo = await regieSelect.locator('option', { hasText: '(SPO)' }).getAttribute('value');
  await regieSelect.selectOption(spo ?? '');
  await panel.getByTestId('coupon-batch-period').selectOption({ label: 'Tout ce qui est dû' });
  await panel.getByTestId('coupon-batch-issue-codes').check();
  await screenshot(page, 'coupons-batch-form', false);
  await panel.getByTestId('coupon-batch-start').click();

  const progress = panel.getByTestId('coupon-batch-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('data-state', 'termine', { timeout: 60_000 });
  const result = panel.getByTestId('coupon-batch-result');
  await expect(result).toContainText(/\d+ coupons? prêts?, \d+ codes? d’activation émis\./);
  const count = Number(
    /^([\d\s\u202f\u00a0]+) coupon/
      .exec((await result.textContent()) ?? '')?.[1]
      ?.replace(/\D/g, ''),
  );
  expect(count).toBeGreaterThan(0);
  await expect(panel.getByTestId('coupon-batch-preview')).toBeVisible({ timeout: PDF_TIMEOUT });
  await screenshot(page, 'coupons-batch-done');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByTestId('coupon-batch-download').click(),
  ]);
  const pdf = await downloadedPdf(download);
  expect(pdf.pages).toHaveLength(count);

  // The codes it issued are journaled as one batch.
  expect(await batchesJournaled(api)).toBe(before + 1);
});

test('a batch can be cancelled: nothing is kept', async ({ page, request }) => {
  const api = await Api.login(request, 'regisseur', 'demo-regisseur');
  const before = await batchesJournaled(api);
  await login(page);
  await page.keyboard.press('F7');
  await page.getByTestId('tab-coupons').click();
  const panel = page.getByTestId('coupon-batch-panel');
  // The largest batch the demo has (every régie's first, everything due, with codes), to leave
  // time for the cancel button.
  await panel.getByTestId('coupon-batch-period').selectOption({ label: 'Tout ce qui est dû' });
  await panel.getByTestId('coupon-batch-issue-codes').check();
  await panel.getByTestId('coupon-batch-start').click();
  const progress = panel.getByTestId('coupon-batch-progress');
  await expect(progress).toBeVisible();
  await screenshot(page, 'coupons-batch-running', false);
  await panel.getByTestId('coupon-batch-cancel').click();
  await expect(progress).toHaveAttribute('data-state', 'annule');
  await expect(panel.getByTestId('coupon-batch-result')).toContainText(
    'aucun code n’a été émis et aucun fichier n’est conservé',
  );
  await expect(panel.getByTestId('coupon-batch-file')).toHaveCount(0);
  expect(await batchesJournaled(api)).toBe(before);
});
