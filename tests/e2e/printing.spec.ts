// Printing from the interface, in browser mode against the real core. In a browser the PDF opens
// in a new tab whose print dialog opens on it. For the desktop application, the page is given a
// stand-in for the shell's bridge (window.guichetShell, which the preload would expose) that
// records the requests and fails the first print as a jammed printer would: the receipt stays on
// screen, the retry asks the core for a DUPLICATA (journaled) and prints that, never a second
// original.
import { expect, test, type Page } from '@playwright/test';
import { login, screenshot } from './helpers';
import {
  ensureTillOpen,
  openFamily,
  pickFamily,
  regiePanel,
  watchProblems,
} from './payment-helpers';

test.describe.configure({ timeout: 90_000 });
const RECEIPT_TIMEOUT = 20_000;

let problems: string[] = [];
test.beforeEach(async ({ page, request }) => {
  problems = watchProblems(page);
  await ensureTillOpen(request);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** Records a cash payment of 10,00 € for a family nobody else uses, up to its receipt. */
async function payAndShowReceipt(page: Page, skip: number): Promise<void> {
  const family = pickFamily('SCO', { minFirstCents: 10_00, skip });
  await login(page);
  await openFamily(page, family.code);
  await regiePanel(page, 'SCO').getByTestId('collect').click();
  const amount = page.getByRole('textbox', { name: 'Montant encaissé' });
  await expect(amount).toBeFocused();
  await page.keyboard.type('10');
  await expect(page.getByTestId('payment-submit')).toHaveAttribute('aria-disabled', 'false');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('payment-done')).toBeVisible();
  await expect(page.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
}

test('browser mode: « Imprimer » opens the receipt’s PDF in a new tab, then only a duplicata can follow', async ({
  page,
  context,
}) => {
  await payAndShowReceipt(page, 20);
  const print = page.getByTestId('receipt-print');
  await expect(print).toHaveText('Imprimer');
  const [tab] = await Promise.all([context.waitForEvent('page'), print.click()]);
  expect(tab.url()).toMatch(/^blob:http:\/\/(127\.0\.0\.1|localhost):\d+\//);
  await tab.close();
  await expect(page.getByTestId('receipt-print-status')).toContainText('nouvel onglet');
  await expect(page.getByTestId('receipt-print-status')).toContainText('DUPLICATA');
  // The original has been printed: the button now asks for a duplicata.
  await expect(page.getByTestId('receipt-print')).toHaveText('Réimprimer (DUPLICATA)');
  await expect(page.getByTestId('receipt-download')).toBeVisible();
});

test('desktop: a failed print keeps the receipt, and the retry prints a journaled DUPLICATA', async ({
  page,
}) => {
  const duplicataRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/payments.receipt')) duplicataRequests.push(r.postData() ?? '');
  });
  await page.addInitScript(() => {
    const calls: Array<{ kind: string; fileName: string }> = [];
    (window as unknown as { printCalls: typeof calls }).printCalls = calls;
    (window as unknown as { guichetShell: unknown }).guichetShell = Object.freeze({
      print: async (r: { kind: string; fileName: string }) => {
        calls.push({ kind: r.kind, fileName: r.fileName });
        return calls.length === 1
          ? {
              ok: false,
              code: 'ECHEC',
              message:
                'L’imprimante « EPSON_TM_T20 » n’a pas imprimé le document (Print job failed).',
            }
          : { ok: true, printer: 'EPSON_TM_T20' };
      },
      listPrinters: async () => ({ ok: true, printers: [] }),
      reportError: () => undefined,
    });
  });
  await payAndShowReceipt(page, 21);

  await page.getByTestId('receipt-print').click();
  const status = page.getByTestId('receipt-print-status');
  await expect(status).toContainText('Print job failed');
  await expect(status).toContainText('Le document reste affiché');
  await expect(status).toContainText('la nouvelle impression portera la mention DUPLICATA');
  // Still on screen, still downloadable.
  await expect(page.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done');
  await expect(page.getByTestId('receipt-download')).toBeVisible();
  expect(duplicataRequests).toEqual([]);
  await screenshot(page, '40-impression-echouee');

  await expect(page.getByTestId('receipt-print')).toHaveText('Réessayer l’impression (DUPLICATA)');
  await page.getByTestId('receipt-print').click();
  await expect(page.getByTestId('receipt-print-status')).toContainText(
    'Document envoyé à l’imprimante « EPSON_TM_T20 »',
  );
  await screenshot(page, '41-duplicata-imprime');
  // One duplicata asked from the core, in the ticket layout, and it is what was printed.
  expect(duplicataRequests).toHaveLength(1);
  expect(JSON.parse(duplicataRequests[0]!)).toMatchObject({ layout: 'ticket', kind: 'paiement' });
  const calls = await page.evaluate(
    () =>
      (window as unknown as { printCalls: Array<{ kind: string; fileName: string }> }).printCalls,
  );
  expect(calls).toHaveLength(2);
  expect(calls[0]).toMatchObject({ kind: 'ticket' });
  expect(calls[0]?.fileName).not.toContain('duplicata');
  expect(calls[1]).toMatchObject({ kind: 'ticket' });
  expect(calls[1]?.fileName).toContain('-duplicata');
});
