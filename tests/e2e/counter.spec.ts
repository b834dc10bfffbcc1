// The counter's first screens, driven with the keyboard as an agent would: log in, find a
// family by typing, open it, read it, go back.
import { expect, test } from '@playwright/test';
import { invoiceStateLabels } from '../../src/shared/invoice-state';
import { appOrigin, appSecret, login, openApp, screenshot, searchBox } from './helpers';

const stateLabels = Object.values(invoiceStateLabels);

// Any error in the page's console fails the test: a script or style refused by the CSP, a
// React warning, an unhandled rejection. Refusals that a test provokes on purpose are 403s.
let problems: string[] = [];
test.beforeEach(({ page }) => {
  problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 403/.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.status() !== 403) problems.push(`${res.status()} ${res.url()}`);
  });
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

test('login screen: commune, poste, demo banner, focus on the identifiant, secret out of the address bar', async ({
  page,
}) => {
  await openApp(page);
  await expect(page.getByTestId('demo-banner')).toHaveText(
    'Données de démonstration — Ville de Démo\u00a0: aucune donnée réelle',
  );
  await expect(page.getByTestId('login-where')).toHaveText(/Ville de Démo · Poste P\d+/);
  await expect(page.getByLabel('Identifiant')).toBeFocused();
  expect(page.url()).not.toContain('secret');
  await screenshot(page, '01-connexion');
});

test('a wrong password shows the French error and keeps the agent on the login screen', async ({
  page,
}) => {
  await openApp(page);
  await page.keyboard.type('suppleant');
  await page.keyboard.press('Tab');
  await page.keyboard.type('mauvais-mot-de-passe');
  await page.keyboard.press('Enter');
  const error = page.getByTestId('login-error');
  await expect(error).toContainText('Identifiant ou mot de passe incorrect');
  await expect(page.getByLabel('Mot de passe')).toHaveValue('');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toHaveCount(0);
  await screenshot(page, '02-connexion-erreur');
});

test('a good login lands on the search, focused, under a header naming the agent', async ({
  page,
}) => {
  await login(page);
  await expect(searchBox(page)).toBeFocused();
  const header = page.getByRole('banner');
  await expect(header).toContainText('Ville de Démo');
  await expect(header).toContainText(/Poste P\d+/);
  await expect(header).toContainText('Claire Morel');
  await expect(header).toContainText('Régisseur titulaire');
  await expect(header.getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await expect(page.getByTestId('search-status')).toContainText('au moins 2 caractères');
  await screenshot(page, '03-recherche-vide');
});

test('search as you type ignores accents and says so when nothing matches', async ({ page }) => {
  await login(page);
  await page.keyboard.type('lefevre', { delay: 40 });
  const options = page.getByRole('option');
  await expect(options.first()).toBeVisible();
  await expect(options.first()).toContainText(/lef[eè]vre/i);
  await expect(options.first()).toContainText(/\d+,\d{2}\u202f€|Rien à payer/);
  await expect(page.getByTestId('search-status')).toContainText(/famille(s)? trouvée/);
  await screenshot(page, '04-recherche-resultats');

  await searchBox(page).fill('');
  await page.keyboard.type('muller', { delay: 40 });
  await expect(options.first()).toContainText(/m[uü]ller/i);

  await searchBox(page).fill('');
  await page.keyboard.type('zzqxwv', { delay: 20 });
  await expect(page.getByTestId('search-status')).toContainText(
    'Aucune famille ne correspond à «\u00a0zzqxwv\u00a0»',
  );
  await expect(options).toHaveCount(0);
  await screenshot(page, '05-recherche-aucun-resultat');
});

test('arrows choose a family, Entrée opens it, Échap comes back with the results kept', async ({
  page,
}) => {
  await login(page);
  await page.keyboard.type('lefevre');
  const options = page.getByRole('option');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  const count = await options.count();
  if (count > 1) {
    await page.keyboard.press('ArrowDown');
    await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
    await expect(options.first()).toHaveAttribute('aria-selected', 'false');
    await page.keyboard.press('ArrowUp');
  }
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  const code = (await options.first().locator('.code').innerText()).trim();
  await page.keyboard.press('Enter');

  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Famille /);
  await expect(heading).toBeFocused();
  // The code famille shows under the name, and again in the family portal access section.
  await expect(page.getByText(code, { exact: true }).first()).toBeVisible();

  // Responsables: name, address with a postal code, contact details.
  const responsables = page.getByTestId('responsable');
  await expect(responsables.first()).toBeVisible();
  await expect(responsables.first()).toContainText(/Responsable 1/);
  await expect(responsables.first()).toContainText(/\d{5} [A-Z]/);

  // Children with birth dates as dd/mm/yyyy.
  const childRows = page.getByTestId('children').locator('tbody tr');
  await expect(childRows.first()).toBeVisible();
  await expect(childRows.first()).toContainText(/\d{2}\/\d{2}\/\d{4}/);

  // One panel per régie, each with its amount due and its invoices' states.
  const panels = page.getByTestId('regie-panel');
  await expect(panels.first()).toBeVisible();
  const panelCount = await panels.count();
  for (let i = 0; i < panelCount; i++) {
    const panel = panels.nth(i);
    await expect(panel.getByRole('heading', { level: 3 })).toHaveText(/^Régie /);
    await expect(panel.getByTestId('regie-due')).toHaveText(/^\d[\d\u202f]*,\d{2}\u202f€$/);
    const badges = panel.locator('[data-state]');
    const n = await badges.count();
    for (let b = 0; b < n; b++)
      expect(stateLabels).toContain((await badges.nth(b).innerText()).trim());
  }
  await expect(page.locator('[data-state]').first()).toBeVisible();
  await expect(
    page
      .locator('.invoice-table td')
      .filter({ hasText: /^\d{2}\/\d{2}\/\d{4}$/ })
      .first(),
  ).toBeVisible();
  await screenshot(page, '06-famille');

  await page.keyboard.press('Escape');
  await expect(searchBox(page)).toBeFocused();
  await expect(searchBox(page)).toHaveValue('lefevre');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');

  // "/" from the family page, and F2, bring the search box back from anywhere.
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText(/^Famille /);
  await page.keyboard.press('/');
  await expect(searchBox(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText(/^Famille /);
  await page.keyboard.press('F2');
  await expect(searchBox(page)).toBeFocused();
});

test('a family with something due lists its payable invoices first, oldest due date first', async ({
  page,
}) => {
  await login(page);
  await page.keyboard.type('lefevre');
  const owing = page
    .getByRole('option')
    .filter({ hasText: /\d,\d{2}\u202f€/ })
    .first();
  await expect(owing).toBeVisible();
  const due = (await owing.locator('.search-hit-due').innerText()).trim();
  await owing.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Famille /);
  await expect(page.getByTestId('family-total-due')).toHaveText(due);

  const panel = page
    .getByTestId('regie-panel')
    .filter({ has: page.locator('[data-state="a_payer"], [data-state="partielle"]') })
    .first();
  await expect(panel).toBeVisible();
  const states = await panel
    .locator('[data-state]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
  const firstSettled = states.findIndex((st) => st === 'payee' || st === 'annulee');
  const lastPayable = states.map((st) => st === 'a_payer' || st === 'partielle').lastIndexOf(true);
  if (firstSettled >= 0) expect(lastPayable).toBeLessThan(firstSettled);
  await screenshot(page, '06b-famille-a-payer');
});

test('logging out returns to the login screen and the old session opens nothing', async ({
  page,
  request,
}) => {
  let token: string | undefined;
  page.on('request', (r) => {
    token = r.headers()['x-guichet-session'] ?? token;
  });
  await login(page);
  await page.keyboard.type('dupont');
  await expect(page.getByRole('option').first()).toBeVisible();
  expect(token).toBeTruthy();
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toBeVisible();
  await expect(page.getByText('Vous êtes déconnecté.')).toBeVisible();

  const replay = await request.post(`${appOrigin()}/api/families.search`, {
    data: { query: 'dupont' },
    headers: { 'x-guichet-secret': appSecret(), 'x-guichet-session': token ?? '' },
  });
  expect(await replay.json()).toMatchObject({ ok: false, error: { code: 'NON_AUTHENTIFIE' } });
});

test('the API refuses a call without the secret, and a call without a session', async ({
  page,
  request,
}) => {
  const origin = appOrigin();
  const noSecret = await request.post(`${origin}/api/families.search`, {
    data: { query: 'lefevre' },
  });
  expect(noSecret.status()).toBe(403);
  expect(await noSecret.json()).toMatchObject({ ok: false, error: { code: 'PERMISSION_REFUSEE' } });
  expect(noSecret.headers()['access-control-allow-origin']).toBeUndefined();

  const noSession = await request.post(`${origin}/api/families.search`, {
    data: { query: 'lefevre' },
    headers: { 'x-guichet-secret': appSecret() },
  });
  expect(noSession.status()).toBe(200);
  expect(await noSession.json()).toMatchObject({ ok: false, error: { code: 'NON_AUTHENTIFIE' } });

  // A script in the page itself, without the secret, is refused just the same.
  await openApp(page);
  const status = await page.evaluate(async () => {
    const r = await fetch('/api/families.search', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'lefevre' }),
    });
    return r.status;
  });
  expect(status).toBe(403);
});

test('a page opened without the secret explains what to do', async ({ page }) => {
  await page.goto(`${appOrigin()}/`);
  await expect(page.getByRole('alert')).toContainText('adresse complète');
  await screenshot(page, '07-sans-secret');
});
