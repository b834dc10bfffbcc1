// The family side, end to end across the register and the portal (issue 6): a register started
// empty is enrolled with the portal through its settings, receives the portal's families, issues
// an access code on a family's page and prints the coupon; the codes are read back FROM THE PDF
// and a family activates its account with them on the portal, in a second browser context; it
// sees its invoices; a cash payment taken at the counter then shows on the portal as réglée,
// with its receipt number, after the register's synchronisation.
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { ACCESS_CODE_ALPHABET } from '../../src/shared/contract';
import { formatEuro } from '../../src/shared/money';
import { screenshot } from './helpers';
import {
  familyContext,
  familyLogin,
  linkedFamilyCount,
  loginLinked,
  pickLinkedFamily,
  reopenFamily,
  startLinked,
  syncNow,
  type LinkedSetup,
  type LinkedFamily,
} from './linked-fixture';
import { downloadedPdf, openFamily, regiePanel, typed, watchProblems } from './payment-helpers';

// Starting a portal and a register, then PDFs and scrypt, on a shared two-core machine.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

const PDF_TIMEOUT = 30_000;
const SYNC_TIMEOUT = 60_000;

let linked: (LinkedSetup & { enrolmentCode: string }) | null = null;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  linked = await startLinked({ families: 20, enrol: false });
});

test.afterAll(async () => {
  await linked?.stop();
});

function setup(): LinkedSetup & { enrolmentCode: string } {
  if (!linked) throw new Error('mise en place absente');
  return linked;
}

const codeInText = new RegExp(
  `\\b([${ACCESS_CODE_ALPHABET}]{4}-[${ACCESS_CODE_ALPHABET}]{4}-[${ACCESS_CODE_ALPHABET}]{4})\\b`,
);

/** What the test carries from one step to the next. */
const journey: {
  family?: LinkedFamily;
  familyCode?: string;
  activationCode?: string;
} = {};

let problems: string[] = [];
test.beforeEach(async ({ page }) => {
  problems = watchProblems(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

test('the empty register is enrolled with the portal in its settings and receives its families', async ({
  page,
}) => {
  const s = setup();
  await loginLinked(page, s);
  await expect(page.getByTestId('sync-status')).toContainText('Non relié au portail');
  await page.keyboard.press('F9');
  await page.getByTestId('settings-tab-portail').click();
  await page.getByTestId('portal-url').fill(s.portal.base);
  await page.getByTestId('portal-code').fill(s.enrolmentCode);
  await page.getByTestId('portal-enrol').click();
  await expect(page.getByTestId('portal-done')).toBeVisible({ timeout: SYNC_TIMEOUT });
  // The first synchronisation starts on its own after the enrolment.
  await expect(page.getByTestId('sync-status')).toContainText('En ligne', {
    timeout: SYNC_TIMEOUT,
  });
  await screenshot(page, 'relie-10-enrolement');
  // The families arrive with the first pull.
  await expect.poll(() => linkedFamilyCount(s), { timeout: SYNC_TIMEOUT }).toBe(20);
});

test('a code issued at the counter is read from the coupon PDF and opens the family’s account', async ({
  page,
  browser,
}) => {
  const s = setup();
  const family = pickLinkedFamily(s, 'SCO', { minInvoices: 2, maxFirstCents: 150_00 });
  journey.family = family;
  await loginLinked(page, s);
  await openFamily(page, family.code);

  const section = page.getByTestId('family-access');
  await expect(section.getByTestId('access-none')).toBeVisible();
  const issue = section
    .getByTestId('access-regies')
    .locator('tr[data-regie="SCO"]')
    .getByTestId('access-issue');
  await expect(issue).toHaveAccessibleName(/Émettre un code d’activation et imprimer le coupon/);
  await issue.click();
  const dialog = page.getByRole('dialog', { name: /Code d’activation — Famille/ });
  await expect(dialog.getByTestId('receipt-preview')).toHaveAttribute('data-drawn', 'done', {
    timeout: PDF_TIMEOUT,
  });
  await screenshot(page, 'relie-20-code-emis', false);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByTestId('receipt-download').click(),
  ]);
  const pdf = await downloadedPdf(download);

  // The family has only the paper: both codes come from the PDF's text, not from the screen.
  const activationCode = codeInText.exec(pdf.text)?.[1];
  expect(activationCode, `code d’activation absent du coupon :\n${pdf.text}`).toBeDefined();
  const familyCode = /\b([A-Z]{3}-\d{5})\b/.exec(pdf.text)?.[1];
  expect(familyCode, `code famille absent du coupon :\n${pdf.text}`).toBe(family.code);
  // The screen showed the same code the coupon prints.
  await expect(dialog.getByTestId('access-code')).toHaveText(activationCode ?? '?');
  journey.familyCode = familyCode;
  journey.activationCode = activationCode;
  await dialog.getByTestId('access-code-close').click();
  await expect(dialog).toBeHidden();

  // The portal learns the code (its hash) at the next synchronisation: « Synchroniser
  // maintenant » rather than the background timer.
  await expect(section).toContainText('En attente de synchronisation');
  await syncNow(page, s);
  // The section is read when the family's page opens: open it again to see the new state.
  await reopenFamily(page, family.code);
  await expect(section).not.toContainText('En attente de synchronisation');
  await expect(section.getByTestId('access-status')).toHaveText('Émis, en attente d’activation');

  const family_ = await familyContext(browser);
  try {
    const portal = family_.page;
    await portal.goto(`${s.portal.base}/famille/`);
    await portal.getByRole('link', { name: 'Activer mon compte' }).click();
    await portal.getByLabel('Code famille').fill(familyCode ?? '');
    await portal.getByLabel('Code d’activation').fill(activationCode ?? '');
    await screenshot(portal, 'relie-30-portail-activation');
    await portal.getByRole('button', { name: 'Continuer' }).click();
    await expect(
      portal.getByRole('heading', { name: 'Choisir mon adresse e-mail et mon mot de passe' }),
    ).toBeVisible();
    await portal.getByLabel('Adresse e-mail').fill(familyEmail(family.code));
    await portal.getByLabel('Mot de passe', { exact: true }).fill(FAMILY_PASSWORD);
    await portal.getByLabel('Confirmation du mot de passe').fill(FAMILY_PASSWORD);
    await portal.getByRole('button', { name: 'Activer mon compte' }).click();
    await expect(portal.getByRole('heading', { name: 'Mes factures' })).toBeVisible();
    await expect(portal.getByRole('status')).toContainText('Votre compte est activé');

    // Its invoices, per régie: the SCO ones the register holds as unpaid are to pay here too.
    await portal.goto(`${s.portal.base}/famille/factures?regie=SCO&onglet=a-payer`);
    for (const inv of family.invoices) {
      const card = portal.getByRole('article').filter({ hasText: `n° ${inv.number}` });
      await expect(card).toContainText(formatEuro(inv.remainingCents));
    }
    await screenshot(portal, 'relie-40-portail-factures');
    expect(family_.problems).toEqual([]);
  } finally {
    await family_.context.close();
  }

  // The register learns of the activation at its next pull.
  await syncNow(page, s);
  await reopenFamily(page, family.code);
  await expect(section.getByTestId('access-status')).not.toHaveText(
    'Émis, en attente d’activation',
  );
  await expect(section).toContainText('Compte activé le');
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: 'test-results/screens/relie-50-acces-active.png' });
});

test('a cash payment at the counter shows on the portal as réglée after the synchronisation', async ({
  page,
  browser,
}) => {
  const s = setup();
  const family = journey.family;
  const first = family?.invoices[0];
  if (!family || !first) throw new Error('l’étape précédente n’a pas abouti');
  // Cash needs an open till on the poste (a 150 € float).
  if (!(await s.register.api.ok('till.status', {})).session) {
    await s.register.api.ok('till.open', { commandId: randomUUID(), counts: { b50: 3 } });
  }

  await loginLinked(page, s);
  await openFamily(page, family.code);
  const collect = regiePanel(page, 'SCO').getByTestId('collect');
  await collect.focus();
  await page.keyboard.press('F4');
  await expect(page.getByTestId('payment-form')).toBeVisible();
  const amount = page.getByRole('textbox', { name: 'Montant encaissé' });
  await expect(amount).toBeFocused();
  await page.keyboard.type(typed(first.remainingCents));
  await page.keyboard.press('Tab');
  await page.keyboard.type(typed(first.remainingCents));
  await expect(
    page.getByRole('textbox', { name: `Montant affecté à la facture ${first.number}` }),
  ).toHaveValue(typed(first.remainingCents));
  await expect(page.getByTestId('payment-submit')).toHaveAttribute('aria-disabled', 'false');
  await page.getByTestId('payment-submit').click();
  await expect(page.getByTestId('payment-done')).toBeVisible();
  const receipt = (await page.getByTestId('receipt-number').innerText()).trim();
  expect(receipt).toMatch(/^R-SCO-P01-\d{4}-\d{6}$/);

  await syncNow(page, s);

  const family_ = await familyContext(browser);
  try {
    const portal = family_.page;
    await familyLogin(portal, s, familyEmail(family.code), FAMILY_PASSWORD);
    await portal.goto(`${s.portal.base}/famille/factures?regie=SCO&onglet=reglees`);
    const paid = portal.getByRole('article').filter({ hasText: `n° ${first.number}` });
    // The portal has the payment once the register's push is applied; reload until it shows.
    await expect(async () => {
      await portal.reload();
      await expect(paid).toContainText('Réglée', { timeout: 1_000 });
    }).toPass({ timeout: SYNC_TIMEOUT });
    await expect(paid).toContainText('Espèces');
    await expect(paid).toContainText(`Quittance ${receipt}`);
    await expect(paid).toContainText(formatEuro(first.remainingCents));
    await screenshot(portal, 'relie-60-portail-reglee');
    // And it is no longer to pay.
    await portal.goto(`${s.portal.base}/famille/factures?regie=SCO&onglet=a-payer`);
    await expect(portal.getByRole('article').filter({ hasText: `n° ${first.number}` })).toHaveCount(
      0,
    );
    expect(family_.problems).toEqual([]);
  } finally {
    await family_.context.close();
  }
});

// ---------------------------------------------------------------------------------------------

const FAMILY_PASSWORD = 'la cantine du jeudi';

function familyEmail(code: string): string {
  return `famille.${code.toLowerCase()}@example.fr`;
}
