// « Nouvelle régie » in Paramètres (F9) › Régies, at the keyboard: the dialog opens with the
// focus on the code, a code already taken is refused in French and the dialog keeps what was
// typed, then the régie is created and listed. The régie created here takes cheques and cards
// only (no float, no cash), so the till of the specs that run after this one is unchanged.
// The commune tab shows the demo commune. The family space fields of « Ce poste » refuse a plain http address and a validity out of
// range before anything is sent.
import { expect, test } from '@playwright/test';
import { login, screenshot } from './helpers';
import { watchProblems } from './payment-helpers';

test('the régisseur creates a régie from the settings, at the keyboard', async ({ page }) => {
  const problems = watchProblems(page);
  await login(page);
  await page.keyboard.press('F9');
  await page.getByTestId('settings-tab-regies').click();
  await page.getByTestId('regie-create').click();

  const dialog = page.getByRole('dialog', { name: 'Nouvelle régie' });
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('new-regie-code')).toBeFocused();
  await page.keyboard.type('sco');
  await expect(page.getByTestId('new-regie-code')).toHaveValue('SCO');
  await page.getByTestId('new-regie-name').fill('Régie culturelle');
  await page.getByTestId('new-regie-service-name').fill('Service Culture');
  await page
    .getByTestId('new-regie-service-address')
    .fill('Médiathèque, 3 rue Victor Hugo, 49100 Ville de Démo');
  await page.getByTestId('new-regie-service-phone').fill('02 61 91 00 40');
  // Cash is not taken by this régie: its box is unticked with the space bar.
  await page.getByTestId('new-regie-mode-especes').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('new-regie-mode-especes')).not.toBeChecked();
  await page.getByTestId('new-regie-float').fill('0');
  await page.getByTestId('new-regie-ceiling').fill('500');
  await page.getByTestId('new-regie-creditor').fill('Régie culturelle de Ville de Démo');
  await screenshot(page, 'regie-nouvelle-formulaire', false);

  // Enter in a field submits; SCO is taken: refused in French, the dialog keeps the draft.
  await page.getByTestId('new-regie-creditor').press('Enter');
  await expect(page.getByTestId('new-regie-error')).toContainText(
    'Le code SCO est déjà celui de la régie « Régie scolaire et périscolaire ». Aucune régie n’a été créée',
  );
  await expect(page.getByTestId('new-regie-name')).toHaveValue('Régie culturelle');
  await screenshot(page, 'regie-nouvelle-code-pris', false);

  await page.getByTestId('new-regie-code').fill('CUL');
  await page.getByTestId('new-regie-code').press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('regie-created')).toContainText(
    'Régie CUL — Régie culturelle créée. Elle peut encaisser dès maintenant',
  );
  await expect(page.getByRole('radio', { name: 'CUL — Régie culturelle' })).toBeChecked();
  await expect(page.getByTestId('regie-mode-especes')).not.toBeChecked();
  await expect(page.getByTestId('regie-mode-cheque')).toBeChecked();
  await expect(page.getByTestId('regie-creditor')).toHaveValue('Régie culturelle de Ville de Démo');
  await screenshot(page, 'regie-nouvelle-creee');

  // The commune's identity has its own tab; the demo commune is already filled in.
  await page.getByTestId('settings-tab-commune').click();
  await expect(page.getByTestId('commune-name')).toHaveValue('Ville de Démo');
  await expect(page.getByTestId('commune-to-configure')).toHaveCount(0);

  // The family space settings of this poste: refused before sending, then left as they were.
  await page.getByTestId('settings-tab-poste').click();
  await page.getByTestId('settings-family-portal-url').fill('http://famille.ville.fr');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-error')).toHaveText(
    'L’adresse de l’espace familles doit commencer par https:// (http:// n’est admis que pour localhost).',
  );
  await page.getByTestId('settings-family-portal-url').fill('https://famille.ville.fr');
  await page.getByTestId('settings-access-code-days').fill('400');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-error')).toHaveText(
    'Validité des codes d’accès\u00a0: de 1 à 365 jours.',
  );
  await screenshot(page, 'poste-espace-familles');
  await page.getByRole('button', { name: 'Annuler les modifications' }).click();
  await expect(page.getByTestId('settings-access-code-days')).toHaveValue('60');

  // The reconciliation's delay (working days before a credit is reported missing).
  await expect(page.getByTestId('settings-bank-missing-days')).toHaveValue('5');
  await page.getByTestId('settings-bank-missing-days').fill('8');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-error')).toHaveCount(0);
  // Saved: cancelling a later edit goes back to 8, not to the default.
  await page.getByTestId('settings-bank-missing-days').fill('9');
  await page.getByRole('button', { name: 'Annuler les modifications' }).click();
  await expect(page.getByTestId('settings-bank-missing-days')).toHaveValue('8');
  await page.getByTestId('settings-bank-missing-days').scrollIntoViewIfNeeded();
  await screenshot(page, 'poste-rapprochement');
  expect(problems.filter((p) => !/ 4\d\d /.test(p))).toEqual([]);
});
