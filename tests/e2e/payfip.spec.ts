// An online payment end to end (issue 7): a family of the portal's commune, activated with a
// code the linked register issued, ticks an unpaid invoice, pays it on the PayFiP sandbox's
// page, comes back to the portal's confirmation with the authorisation number; the register,
// after « Synchroniser maintenant », shows the invoice paid, once. A second family's payment
// never gets its notification (sandbox control API): the browser's return alone settles it.
import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { formatEuro } from '../../src/shared/money';
import { screenshot } from './helpers';
import {
  familyContext,
  familyLogin,
  loginLinked,
  pickLinkedFamily,
  reopenFamily,
  startLinked,
  syncNow,
  type LinkedFamily,
  type LinkedSetup,
} from './linked-fixture';
import { openFamily, regiePanel, watchProblems } from './payment-helpers';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

const FAMILY_PASSWORD = 'la piscine du samedi';

let linked: LinkedSetup | null = null;
/** Three families activated on the portal in beforeAll, one per test. */
const families: LinkedFamily[] = [];

function setup(): LinkedSetup {
  if (!linked) throw new Error('mise en place absente');
  return linked;
}

function emailOf(code: string): string {
  return `payeur.${code.toLowerCase()}@example.fr`;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  linked = await startLinked({ families: 20 });
  const s = linked;
  const regieId = (
    await s.register.api.ok('families.get', { familyId: pickLinkedFamily(s, 'SCO').id })
  ).regies.find((r) => r.regieCode === 'SCO')?.regieId;
  if (!regieId) throw new Error('régie SCO absente du registre relié');
  // Codes issued through the API (the coupon's PDF is family-journey.spec's business), pushed
  // to the portal, then each family activates its account in the browser.
  const codes: string[] = [];
  for (const skip of [0, 1, 2]) {
    const family = pickLinkedFamily(s, 'SCO', { skip });
    families.push(family);
    const issued = await s.register.api.ok('access.issue', {
      commandId: randomUUID(),
      familyId: family.id,
      regieId,
    });
    codes.push(issued.code ?? '');
  }
  await s.register.api.ok('sync.now', {});
  for (const [i, family] of families.entries()) {
    const f = await familyContext(browser);
    try {
      await activate(f.page, s, family.code, codes[i] ?? '');
    } finally {
      await f.context.close();
    }
  }
});

test.afterAll(async () => {
  await linked?.stop();
});

let problems: string[] = [];
test.beforeEach(async ({ page }) => {
  problems = watchProblems(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

test('a family pays an invoice online in the sandbox and the counter sees it paid once after sync', async ({
  page,
  browser,
}) => {
  const s = setup();
  const family = families[0];
  const invoice = family?.invoices[0];
  if (!family || !invoice) throw new Error('famille attendue');

  const f = await familyContext(browser);
  let numauto = '';
  try {
    const portal = f.page;
    await familyLogin(portal, s, emailOf(family.code), FAMILY_PASSWORD);
    const idop = await payOnSandbox(portal, s, invoice.number, invoice.remainingCents);
    await screenshot(portal, 'payfip-10-bac-a-sable');
    await portal.getByRole('button', { name: 'P – Payer par carte (paiement accepté)' }).click();
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText(
      'Votre paiement par carte a été accepté.',
    );
    numauto = (
      await portal.locator('p', { hasText: 'Numéro d’autorisation' }).locator('strong').innerText()
    ).trim();
    expect(numauto).not.toBe('');
    await portal.getByRole('link', { name: 'Retourner sur le site de la collectivité' }).click();

    // The portal's confirmation: paid, with the sandbox's authorisation number.
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText('Paiement accepté');
    await expect(portal.locator('.numauto')).toHaveText(numauto);
    await expect(portal.getByText(idop)).toBeVisible();
    await screenshot(portal, 'payfip-20-confirmation');

    // Among the paid invoices, once, by card online, with the authorisation.
    await portal.getByRole('link', { name: 'Retour à mes factures' }).click();
    const card = portal.getByRole('article').filter({ hasText: `n° ${invoice.number}` });
    await expect(card).toContainText('Réglée');
    await expect(card.locator('table.payments tbody tr')).toHaveCount(1);
    await expect(card).toContainText(`Autorisation n° ${numauto}`);
    await screenshot(portal, 'payfip-30-portail-reglee');

    // The sandbox notified the portal once (the default plan).
    const ops = (await s.portal.sandboxControl('GET', '/sandbox/operations')) as {
      deliveries: { idOp: string; status: number | null }[];
    };
    expect(ops.deliveries.filter((d) => d.idOp === idop)).toHaveLength(1);
    expect(f.problems).toEqual([]);
  } finally {
    await f.context.close();
  }

  // At the counter: « Synchroniser maintenant », and the invoice is paid.
  await loginLinked(page, s);
  await openFamily(page, family.code);
  await syncNow(page, s);
  await reopenFamily(page, family.code);
  await expectPaidAtCounter(page, s, family, invoice);
  await screenshot(page, 'payfip-40-guichet-payee');

  // A second synchronisation changes nothing: paid once, not twice.
  await syncNow(page, s);
  await expectPaidAtCounter(page, s, family, invoice);
});

test('a payment whose notification never arrives is settled by the browser’s return alone', async ({
  page,
  browser,
}) => {
  const s = setup();
  const family = families[1];
  const invoice = family?.invoices[0];
  if (!family || !invoice) throw new Error('famille attendue');

  const f = await familyContext(browser);
  try {
    const portal = f.page;
    await familyLogin(portal, s, emailOf(family.code), FAMILY_PASSWORD);
    const idop = await payOnSandbox(portal, s, invoice.number, invoice.remainingCents);
    // PayFiP's notification is lost: the sandbox will never call the portal for this payment.
    await s.portal.sandboxControl('POST', '/sandbox/notifications', { mode: 'never', idop });
    await portal.getByRole('button', { name: 'P – Payer par carte (paiement accepté)' }).click();
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText(
      'Votre paiement par carte a été accepté.',
    );
    await portal.getByRole('link', { name: 'Retourner sur le site de la collectivité' }).click();
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText('Paiement accepté');
    await screenshot(portal, 'payfip-50-retour-sans-notification');
    const ops = (await s.portal.sandboxControl('GET', '/sandbox/operations')) as {
      deliveries: { idOp: string }[];
    };
    expect(ops.deliveries.filter((d) => d.idOp === idop)).toHaveLength(0);
    expect(f.problems).toEqual([]);
  } finally {
    await f.context.close();
  }

  await loginLinked(page, s);
  await openFamily(page, family.code);
  await syncNow(page, s);
  await reopenFamily(page, family.code);
  await expectPaidAtCounter(page, s, family, invoice);
});

test('the agent asks PayFiP through the portal about a payment still pending at the counter, and sees it settled with its authorisation', async ({
  page,
  browser,
}) => {
  const s = setup();
  const family = families[2];
  const invoice = family?.invoices[0];
  if (!family || !invoice) throw new Error('famille attendue');

  // The family pays on the sandbox, then closes its phone: no notification, no browser return.
  // The portal does not know the result; the counter sees the payment « en cours ».
  const f = await familyContext(browser);
  let numauto = '';
  try {
    const portal = f.page;
    await familyLogin(portal, s, emailOf(family.code), FAMILY_PASSWORD);
    const idop = await payOnSandbox(portal, s, invoice.number, invoice.remainingCents);
    await s.portal.sandboxControl('POST', '/sandbox/notifications', { mode: 'never', idop });
    await portal.getByRole('button', { name: 'P – Payer par carte (paiement accepté)' }).click();
    await expect(portal.getByRole('heading', { level: 1 })).toHaveText(
      'Votre paiement par carte a été accepté.',
    );
    numauto = (
      await portal.locator('p', { hasText: 'Numéro d’autorisation' }).locator('strong').innerText()
    ).trim();
    expect(numauto).not.toBe('');
    expect(f.problems).toEqual([]);
  } finally {
    await f.context.close();
  }

  await loginLinked(page, s);
  await openFamily(page, family.code);
  await syncNow(page, s);
  await reopenFamily(page, family.code);
  const pending = page.getByTestId('online-pending');
  await expect(pending.getByRole('heading', { name: 'Paiements en ligne en cours' })).toBeVisible();
  const row = pending.locator('tr', { hasText: invoice.number });
  await expect(row).toContainText(formatEuro(invoice.remainingCents));
  await expect(row.getByTestId('online-age')).toHaveText(/min|moins d’une minute/);
  const invoiceRow = regiePanel(page, 'SCO').locator('tr', { hasText: invoice.number });
  await expect(invoiceRow).toContainText('Paiement en ligne en cours');
  await expect(invoiceRow).toContainText('À payer');
  await screenshot(page, 'payfip-60-guichet-en-cours');

  // From the keyboard: the button takes the focus and Entrée asks for the check.
  const check = row.getByRole('button', {
    name: `Vérifier auprès de PayFiP le paiement en ligne de la facture ${invoice.number}`,
  });
  await check.focus();
  await expect(check).toBeFocused();
  await page.keyboard.press('Enter');
  const notice = page.getByTestId('online-recheck-notice');
  await expect(notice).toContainText('Paiement en ligne accepté', { timeout: 20_000 });
  await expect(notice).toContainText(`autorisation n° ${numauto}`);
  await expect(notice).toContainText(`La facture ${invoice.number} est réglée.`);
  await expect(notice).toBeFocused();
  await screenshot(page, 'payfip-70-guichet-verification');

  // Settled at once, shown as the family sees it: mode, date and time, amount, idOp, numauto.
  await expect(pending).toHaveCount(0);
  await expect(invoiceRow).toContainText('Payée');
  await expect(invoiceRow.getByTestId('invoice-paid-online')).toHaveText(
    `En ligne (PayFiP), autorisation n°\u00a0${numauto}`,
  );
  const paidRow = page.getByTestId('online-paid').locator('tr', { hasText: invoice.number });
  await expect(paidRow).toContainText('En ligne (PayFiP)');
  await expect(paidRow).toContainText(formatEuro(invoice.remainingCents));
  await expect(paidRow.getByTestId('online-numauto')).toHaveText(numauto);
  await expect(paidRow).toContainText(/\d\d\/\d\d\/\d{4}\s*à \d\d:\d\d/);
  await notice.getByRole('button', { name: 'Fermer le message' }).click();
  await expect(notice).toHaveCount(0);
  await paidRow.scrollIntoViewIfNeeded();
  await screenshot(page, 'payfip-80-guichet-paye-en-ligne');
  await expectPaidAtCounter(page, s, family, invoice);

  // The check is in the operations journal, with PayFiP's answer.
  const journal = await s.register.api.ok('journal.list', {
    book: 'operations',
    kinds: ['verification_paiement_en_ligne'],
  });
  expect(journal.entries[0]?.summary).toContain(numauto);
});

// ---------------------------------------------------------------------------------------------

async function activate(page: Page, s: LinkedSetup, familyCode: string, code: string) {
  await page.goto(`${s.portal.base}/famille/`);
  await page.getByRole('link', { name: 'Activer mon compte' }).click();
  await page.getByLabel('Code famille').fill(familyCode);
  await page.getByLabel('Code d’activation').fill(code);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.getByLabel('Adresse e-mail').fill(emailOf(familyCode));
  await page.getByLabel('Mot de passe', { exact: true }).fill(FAMILY_PASSWORD);
  await page.getByLabel('Confirmation du mot de passe').fill(FAMILY_PASSWORD);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await expect(page.getByRole('heading', { name: 'Mes factures' })).toBeVisible();
}

/**
 * Ticks the invoice on the portal, « Payer en ligne », and checks the sandbox's page asks for
 * that amount. Returns the PayFiP operation id from the page's address.
 */
async function payOnSandbox(
  page: Page,
  s: LinkedSetup,
  invoiceNumber: string,
  cents: number,
): Promise<string> {
  await page.goto(`${s.portal.base}/famille/factures?regie=SCO&onglet=a-payer`);
  const card = page.getByRole('article').filter({ hasText: `n° ${invoiceNumber}` });
  await card.getByRole('checkbox', { name: /Payer en ligne cette facture/ }).check();
  await screenshot(page, 'payfip-05-facture-cochee');
  await page.getByRole('button', { name: 'Payer en ligne' }).click();
  await page.waitForURL((u) => u.href.startsWith(`${s.portal.sandbox}/tpa/paiementws.web`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Payer ${formatEuro(cents)}`);
  const idop = new URL(page.url()).searchParams.get('idop') ?? '';
  expect(idop).not.toBe('');
  return idop;
}

/**
 * The invoice is paid at the counter, exactly: on screen (its row: paid in full, nothing left,
 * « Payée ») and through the API (paid = amount, not twice; no counter payment was recorded).
 */
async function expectPaidAtCounter(
  page: Page,
  s: LinkedSetup,
  family: LinkedFamily,
  invoice: LinkedFamily['invoices'][number],
): Promise<void> {
  const detail = await s.register.api.ok('families.get', { familyId: family.id });
  const view = detail.regies.flatMap((r) => r.invoices).find((i) => i.number === invoice.number);
  expect(view?.remainingCents).toBe(0);
  expect(view?.paidCents).toBe(view?.amountCents);
  const row = regiePanel(page, 'SCO').locator('tr', { hasText: invoice.number });
  await expect(row).toContainText('Payée');
  await expect(row.locator('td').nth(4)).toHaveText(formatEuro(view?.amountCents ?? -1));
  await expect(row.locator('td').nth(5)).toHaveText(formatEuro(0));
  expect(await s.register.api.ok('payments.list', { familyId: family.id })).toEqual([]);
  // Nothing for the régisseur to sort out: no refused operation, no conflict (an overpayment
  // would be one).
  const status = await s.register.api.ok('sync.status', {});
  expect({ toHandle: status.toHandle, conflicts: status.openConflicts }).toEqual({
    toHandle: 0,
    conflicts: 0,
  });
}
