// The first start of an installation, in browser mode with a new, empty database (`--seed none`,
// what the installed app opens): the « Mise en service » screen instead of the login, filled in
// at the keyboard, with the refusals shown in French in the form; then the login screen with
// the régisseur's login filled in, the login, the home screen, and Paramètres ready for the
// first régie. This spec starts its own register on its own folder: the suite's demo register
// is not touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { screenshot } from './helpers';
import { watchProblems } from './payment-helpers';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 120_000;

let child: ChildProcess | null = null;
let dataDir = '';
let url = '';

test.beforeAll(async () => {
  test.setTimeout(START_TIMEOUT_MS + 10_000);
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-e2e-setup-'));
  const args = ['--import', 'tsx', 'src/host/cli.ts', '--port', '0', '--data', dataDir];
  child = spawn(process.execPath, [...args, '--seed', 'none', '--no-open'], {
    cwd: root,
    env: { ...process.env, GUICHET_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = child;
  let stderr = '';
  started.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`Le registre neuf n’a pas démarré à temps.\n${stderr}`)),
      START_TIMEOUT_MS,
    );
    started.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#secret=[A-Za-z0-9_-]+)/.exec(stdout);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    started.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Le registre neuf s’est arrêté (code ${code}).\n${stderr}`));
    });
  });
});

test.afterAll(async () => {
  if (child && child.exitCode === null) {
    const running = child;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (running.exitCode === null) running.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a new installation is put into service at the keyboard, then the régisseur logs in', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const problems = watchProblems(page);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Mise en service de Guichet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toHaveCount(0);
  await expect(page.getByTestId('setup-commune-name')).toBeFocused();
  await expect(page.getByTestId('setup-login')).toHaveValue('regisseur');

  // Field after field with Tab, as a person would; the login keeps its proposed value.
  const typeThenTab = async (text: string) => {
    if (text) await page.keyboard.type(text);
    await page.keyboard.press('Tab');
  };
  await typeThenTab('Ville de Saint-Essai');
  await typeThenTab('1 place de la Mairie');
  await typeThenTab('4910');
  await typeThenTab('Saint-Essai');
  await typeThenTab('acc1');
  await typeThenTab('Accueil mairie');
  await typeThenTab('Régine Titulaire');
  await expect(page.getByTestId('setup-login')).toBeFocused();
  await typeThenTab('');
  await expect(page.getByTestId('setup-password')).toBeFocused();
  await typeThenTab('Regie-Essai-2026');
  await expect(page.getByTestId('setup-password-again')).toBeFocused();
  await page.keyboard.type('Regie-Essai-2027');
  await expect(page.getByTestId('setup-poste-code')).toHaveValue('ACC1');
  await screenshot(page, 'mise-en-service-formulaire');

  // Two different passwords: refused before anything is sent, both cleared.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('setup-error')).toHaveText(
    'Les deux mots de passe saisis diffèrent : rien n’a été créé. Saisissez-les à nouveau.',
  );
  await expect(page.getByTestId('setup-password')).toHaveValue('');
  await expect(page.getByTestId('setup-commune-name')).toHaveValue('Ville de Saint-Essai');

  // The postal code has 4 digits: the core refuses in French and the form keeps the rest.
  await page.getByTestId('setup-password').fill('Regie-Essai-2026');
  await page.getByTestId('setup-password-again').fill('Regie-Essai-2026');
  await page.getByTestId('setup-password-again').press('Enter');
  await expect(page.getByTestId('setup-error')).toHaveText(
    'code postal : Le code postal comporte 5 chiffres (par exemple 49100).',
  );
  await expect(page.getByTestId('setup-city')).toHaveValue('Saint-Essai');
  await screenshot(page, 'mise-en-service-refus');

  await page.getByTestId('setup-postal-code').fill('49100');
  await page.getByTestId('setup-password').fill('Regie-Essai-2026');
  await page.getByTestId('setup-password-again').fill('Regie-Essai-2026');
  await page.getByTestId('setup-postal-code').press('Enter');

  // The login screen, for the new commune and poste, with the login filled in and the focus
  // on the password.
  await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toBeVisible();
  await expect(page.getByTestId('login-where')).toHaveText('Ville de Saint-Essai · Poste ACC1');
  await expect(page.getByTestId('login-welcome')).toHaveText(
    'Guichet est mis en service pour Ville de Saint-Essai, poste ACC1. Connectez-vous avec le compte du régisseur titulaire.',
  );
  await expect(page.getByLabel('Identifiant')).toHaveValue('regisseur');
  await expect(page.getByLabel('Mot de passe')).toBeFocused();
  await expect(page.getByText('Comptes de démonstration')).toHaveCount(0);
  await screenshot(page, 'mise-en-service-connexion', false);
  await page.keyboard.type('Regie-Essai-2026');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible();

  // Paramètres: the commune as typed, nothing left « à configurer », and the first régie to
  // create.
  await page.keyboard.press('F9');
  await page.getByTestId('settings-tab-commune').click();
  await expect(page.getByTestId('commune-name')).toHaveValue('Ville de Saint-Essai');
  await expect(page.getByTestId('commune-to-configure')).toHaveCount(0);
  await page.getByTestId('settings-tab-regies').click();
  await expect(page.getByTestId('regie-create')).toBeVisible();
  await screenshot(page, 'mise-en-service-parametres-regies', false);

  // Opened again (another window, a restart): the login screen, never the setup again.
  await page.goto('about:blank');
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Mise en service de Guichet' })).toHaveCount(0);
  expect(problems).toEqual([]);
});
