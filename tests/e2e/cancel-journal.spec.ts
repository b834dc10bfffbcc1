// What happens after a payment: the family's history, the régisseur's cancellation (a motive,
// a cancellation receipt, the invoice payable again), the duplicata, what a mandataire and a
// contrôleur may and may not do (the core refusing what the screen does not offer), and the
// journal with its integrity check. Each test records its own payment through the API.
import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { formatEuro } from '../../src/shared/money';
import { printed } from '../helpers/pdf-text';
import { login, screenshot } from './helpers';
import {
  Api,
  downloadedPdf,
  ensureTillOpen,
  invoiceRemaining,
  openFamily,
  pickFamily,
  regiePanel,
  watchProblems,
  type PickedFamily,
} from './payment-helpers';

// Each test renders and reads back several PDFs on a machine shared with other work.
test.describe.configure({ timeout: 90_000 });

// Recording or cancelling renders the receipt at once; the first one of a run also loads
// pdf-lib and the fonts, and the machine is shared.
const RECEIPT_TIMEOUT = 20_000;

let problems: string[] = [];
test.beforeEach(async ({ page, request }) => {
  problems = watchProblems(page);
  await ensureTillOpen(request);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** A 20,00 € cash payment on the family's oldest SCO invoice, recorded by the régisseur. */
async function recordCash(request: APIRequestContext, family: PickedFamily, cents = 20_00) {
  const invoice = family.invoices[0];
  if (!invoice) throw new Error('facture attendue');
  const api = await Api.login(request, 'regisseur', 'demo-regisseur');
  const recorded = await api.ok('payments.record', {
    commandId: randomUUID(),
    familyId: family.id,
    regieId: family.regieId,
    amountCents: cents,
    method: { mode: 'especes', tenderedCents: cents },
    allocations: [{ invoiceId: invoice.id, amountCents: cents }],
    toCreditCents: 0,
  });
  return { api, invoice, recorded };
}

function historyRow(page: Page, receiptNumber: string) {
  return page.getByTestId('payment-history').locator(`tr[data-receipt="${receiptNumber}"]`);
}

test('the régisseur cancels a payment with a motive: cancellation receipt, "Annulé", invoice payable again', async ({
  page,
  request,
}) => {
  const family = pickFamily('SCO', { minFirstCents: 20_00 });
  const { api, invoice, recorded } = await recordCash(request, family);
  expect(invoiceRemaining(invoice.id)).toBe(invoice.remainingCents - 20_00);
  const dueOf = async () =>
    (await api.ok('families.search', { query: family.code, limit: 1 }))[0]?.dueCents ?? -1;
  const dueBefore = await dueOf();

  await login(page);
  await openFamily(page, family.code);
  const row = historyRow(page, recorded.receiptNumber);
  await expect(row.getByTestId('payment-state')).toHaveText('Valide');
  await row.getByRole('button', { name: `Annuler le paiement ${recorded.receiptNumber}` }).click();
  const dialog = page.getByRole('dialog', {
    name: `Annuler le paiement ${recorded.receiptNumber}`,
  });
  await expect(dialog).toBeVisible();
  const reason = dialog.getByRole('textbox', { name: /Motif de l’annulation/ });
  await expect(reason).toBeFocused();

  // Échap closes the dialog and nothing more: the family page stays.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
  await expect(row.getByTestId('payment-state')).toHaveText('Valide');
  await row.getByRole('button', { name: `Annuler le paiement ${recorded.receiptNumber}` }).click();
  await expect(dialog).toBeVisible();
  await expect(reason).toBeFocused();

  // Too short a motive is refused before anything is sent.
  await page.keyboard.type('abc');
  await page.keyboard.press('Enter');
  await expect(dialog).toContainText('5 caractères au moins');
  await expect(dialog).toBeVisible();
  await reason.fill('Erreur de montant, payé par chèque');
  await screenshot(page, '20-annulation-motif', false);
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('cancel-done')).toContainText(
    `Le paiement ${recorded.receiptNumber} est annulé.`,
    { timeout: RECEIPT_TIMEOUT },
  );
  await expect(dialog.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
  await screenshot(page, '21-annulation-recu', false);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('receipt-download').click(),
  ]);
  const pdf = await downloadedPdf(download);
  expect(printed(pdf, recorded.receiptNumber)).toBe(true);
  expect(printed(pdf, 'Erreur de montant, payé par chèque')).toBe(true);

  await dialog.getByRole('button', { name: 'Fermer' }).click();
  await expect(dialog).toHaveCount(0);
  // Still on the family page (Échap in the dialog did not leave it), now showing the result.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
  await expect(row.getByTestId('payment-state')).toHaveText('Annulé');
  await expect(
    row.getByRole('button', { name: `Annuler le paiement ${recorded.receiptNumber}` }),
  ).toHaveCount(0);
  expect(invoiceRemaining(invoice.id)).toBe(invoice.remainingCents);
  const invoiceRow = regiePanel(page, 'SCO').locator('tr', { hasText: invoice.number });
  await expect(invoiceRow).toContainText(formatEuro(invoice.remainingCents));
  await expect(
    invoiceRow.getByRole('button', { name: `Encaisser la facture ${invoice.number}` }),
  ).toBeVisible();
  await screenshot(page, '22-historique-annule');

  // A reprint of the cancellation receipt is a DUPLICATA.
  await row.getByRole('button', { name: `Réimprimer le reçu ${recorded.receiptNumber}` }).click();
  await page.getByRole('menuitem', { name: 'Reçu d’annulation — Ticket 80 mm' }).click();
  const reprint = page.getByRole('dialog', { name: `Duplicata du reçu ${recorded.receiptNumber}` });
  await expect(reprint.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: RECEIPT_TIMEOUT,
  });
  const [dup] = await Promise.all([
    page.waitForEvent('download'),
    reprint.getByTestId('receipt-download').click(),
  ]);
  const dupPdf = await downloadedPdf(dup);
  expect(printed(dupPdf, 'DUPLICATA')).toBe(true);
  expect(printed(dupPdf, recorded.receiptNumber)).toBe(true);
  await screenshot(page, '23-duplicata', false);
  await page.keyboard.press('Escape');
  await expect(reprint).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);

  // Back on the search, the family's "Reste dû" counts the cancelled payment again.
  const dueAfter = await dueOf();
  expect(dueAfter).toBe(dueBefore + 20_00);
  // The closed dialog leaves the document at the end of its fade; Échap before then closes it.
  await expect(page.locator('[role="dialog"][aria-modal="true"]')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible();
  const hit = page.getByRole('option', { name: new RegExp(family.code) });
  await expect(hit.locator('.search-hit-due')).toHaveText(formatEuro(dueAfter));
});

test('a mandataire collects and reprints but has no cancel button, and the core refuses the call', async ({
  page,
  request,
}) => {
  const family = pickFamily('SCO', { minFirstCents: 20_00 });
  const { api, recorded } = await recordCash(request, family);
  let token = '';
  page.on('request', (r) => {
    token = r.headers()['x-guichet-session'] ?? token;
  });
  await login(page, 'mandataire', 'demo-mandataire');
  await openFamily(page, family.code);
  await expect(regiePanel(page, 'SCO').getByTestId('collect')).toBeVisible();
  const row = historyRow(page, recorded.receiptNumber);
  await expect(
    row.getByRole('button', { name: `Réimprimer le reçu ${recorded.receiptNumber}` }),
  ).toBeVisible();
  await expect(row.getByRole('button', { name: /^Annuler/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Annuler le paiement/ })).toHaveCount(0);
  await screenshot(page, '24-famille-mandataire');

  // The same request the régisseur's dialog sends, made from the page with this session.
  expect(token).not.toBe('');
  const answer = await page.evaluate(
    async ({ paymentId, session, commandId }) => {
      const r = await fetch('/api/payments.cancel', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-guichet-secret': sessionStorage.getItem('guichet.secret') ?? '',
          'x-guichet-session': session,
        },
        body: JSON.stringify({ commandId, paymentId, reason: 'Tentative du mandataire' }),
      });
      return (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
    },
    { paymentId: recorded.paymentId, session: token, commandId: randomUUID() },
  );
  expect(answer).toMatchObject({ ok: false, error: { code: 'PERMISSION_REFUSEE' } });
  const after = await api.ok('payments.list', { familyId: family.id });
  expect(after.find((p) => p.paymentId === recorded.paymentId)?.cancelled).toBeNull();
});

test('a contrôleur reads everything and can act on nothing', async ({ page, request }) => {
  const family = pickFamily('SCO', { minFirstCents: 20_00 });
  const { recorded } = await recordCash(request, family);
  await login(page, 'controleur', 'demo-controleur');
  await openFamily(page, family.code);
  await expect(page.getByTestId('collect')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Encaisser/ })).toHaveCount(0);
  const row = historyRow(page, recorded.receiptNumber);
  await expect(row).toContainText(formatEuro(20_00));
  await expect(row.getByRole('button')).toHaveCount(0);
  // F4 does nothing either.
  await page.keyboard.press('F4');
  await expect(page.getByTestId('payment-form')).toHaveCount(0);
  await screenshot(page, '25-famille-controleur');
});

test('the journal lists the operations and its integrity check says OK', async ({
  page,
  request,
}) => {
  const family = pickFamily('SCO', { minFirstCents: 20_00 });
  const { recorded } = await recordCash(request, family);
  await login(page);
  await page.keyboard.press('F8');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Journal des opérations');
  const table = page.getByTestId('journal-table');
  const payment = table.locator('tr[data-kind="paiement"]', { hasText: recorded.receiptNumber });
  await expect(payment).toContainText('Paiement');
  await expect(payment).toContainText(formatEuro(20_00));
  await expect(payment).toContainText('SCO');
  await expect(payment).toContainText(/[0-9a-f]{10}…/);
  await expect(page.getByTestId('journal-count')).toHaveText(/\d+ écritures?/);
  await screenshot(page, '26-journal');

  await page.getByTestId('journal-verify').click();
  const result = page.getByTestId('journal-verify-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText('Intégrité vérifiée');
  await expect(result).toContainText(/Opérations\s: \d+ écritures? vérifiées?/);
  await expect(page.getByTestId('journal-last-hash')).toHaveText(/^[0-9a-f]{64}$/);
  await screenshot(page, '27-journal-verifie');

  // The technical journal records the integrity check itself.
  await page.locator('label', { hasText: 'Événements techniques' }).click();
  await expect(page.getByRole('radio', { name: 'Événements techniques' })).toBeChecked();
  await expect(table.locator('tr[data-kind="verification_integrite"]').first()).toBeVisible();

  // Échap returns to where the agent was.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible();
});

test('a mandataire reads the journal but has no integrity check button', async ({ page }) => {
  await login(page, 'mandataire', 'demo-mandataire');
  await page.getByTestId('nav-journal').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Journal des opérations');
  await expect(page.getByTestId('journal-table')).toBeVisible();
  await expect(page.getByTestId('journal-verify')).toHaveCount(0);
});
