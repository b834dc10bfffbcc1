// Import without a portal, through the interface: the régisseur opens the office screen (F7),
// the "Import" tab, picks a file with a mistake and reads the error with its line and column,
// then picks the documented sample files, checks them, imports them, and finds an imported
// family from the search screen. Importing the same files again finds nothing new.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { expect, test, type Page } from '@playwright/test';
import { login, screenshot, searchBox } from './helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sample = (name: string) => path.join(root, 'resources', 'samples', name);

async function choose(page: Page, label: string, file: string): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: label }).click(),
  ]);
  await chooser.setFiles(file);
}

test('the régisseur imports families and invoices from CSV files', async ({ page }) => {
  await login(page);
  await page.keyboard.press('F7');
  await page.getByTestId('tab-import').click();
  const panel = page.getByTestId('import-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('import-check')).toBeDisabled();

  // A file with a typing mistake: the check lists it, and nothing can be imported.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-import-'));
  const wrong = path.join(dir, 'factures-erreur.csv');
  writeFileSync(
    wrong,
    'regie;numero_facture;code_famille;libelle;date_emission;date_echeance;montant\r\n' +
      'SCO;E2E-0001;FAM1001;Cantine;05/03/2026;04/04/2026;12,5O\r\n',
  );
  await choose(page, 'Fichier des factures', wrong);
  await page.getByTestId('import-check').click();
  const errors = page.getByTestId('import-errors');
  await expect(errors).toContainText('2 erreurs : rien ne sera importé');
  await expect(
    errors.getByRole('region', { name: 'Erreurs trouvées dans les fichiers' }),
  ).toContainText(
    'Ligne 2, colonne « montant » : « 12,5O » n’est pas un montant (exemple : 12,50).',
  );
  await expect(errors).toContainText(
    'Ligne 2, colonne « code_famille » : la famille « FAM1001 » n’existe ni dans le fichier des familles ni dans Guichet.',
  );
  await expect(page.getByTestId('import-apply')).toBeDisabled();
  await screenshot(page, 'import-erreurs');

  // The sample files: checked, then imported.
  await choose(page, 'Fichier des familles', sample('familles.csv'));
  await choose(page, 'Fichier des enfants', sample('enfants.csv'));
  await choose(page, 'Fichier des factures', sample('factures.csv'));
  await page.getByTestId('import-check').click();
  const summary = page.getByTestId('import-summary');
  await expect(summary.locator('[data-file="familles"] [data-count="created"]')).toHaveText('5');
  await expect(summary.locator('[data-file="enfants"] [data-count="created"]')).toHaveText('6');
  await expect(summary.locator('[data-file="factures"] [data-count="created"]')).toHaveText('8');
  await expect(page.getByTestId('import-preview')).toContainText(
    'Aucune erreur : les fichiers peuvent être importés.',
  );
  await screenshot(page, 'import-verification');
  await page.getByTestId('import-apply').click();
  const done = page.getByTestId('import-done');
  await expect(done).toContainText('Familles : 5 créées, 0 mise à jour, 0 inchangée.');
  await expect(done).toContainText('Enfants : 6 créés, 0 mis à jour, 0 inchangé.');
  await expect(done).toContainText('Factures : 8 créées, 0 mise à jour, 0 inchangée.');
  await expect(done).toContainText('Inscrit au journal des opérations');
  await screenshot(page, 'import-termine');

  // The same files again: nothing new, nothing to import.
  await page.getByTestId('import-check').click();
  await expect(summary.locator('[data-file="familles"] [data-count="unchanged"]')).toHaveText('5');
  await expect(page.getByTestId('import-preview')).toContainText('rien de nouveau');
  await expect(page.getByTestId('import-apply')).toBeDisabled();

  // The counter finds the imported family and its invoices.
  await page.keyboard.press('Escape');
  await searchBox(page).fill('leonie');
  await expect(page.getByText('FAM1001')).toBeVisible();
});
