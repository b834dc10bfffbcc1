// What every end-to-end test needs: the address the host printed (secret included), a login,
// and a place to put the screenshots that a person reviews.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screensDir = path.join(root, 'test-results', 'screens');

export function appUrl(): string {
  const url = process.env.GUICHET_E2E_URL;
  if (!url) throw new Error('GUICHET_E2E_URL absent : la mise en place globale n’a pas tourné.');
  return url;
}

export function appOrigin(): string {
  return new URL(appUrl()).origin;
}

export function appSecret(): string {
  const m = /#secret=([A-Za-z0-9_-]+)/.exec(appUrl());
  if (!m?.[1]) throw new Error('Adresse sans secret');
  return m[1];
}

export async function openApp(page: Page): Promise<void> {
  await page.goto(appUrl());
  await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toBeVisible();
}

export async function login(
  page: Page,
  id = 'regisseur',
  password = 'demo-regisseur',
): Promise<void> {
  await openApp(page);
  await page.getByLabel('Identifiant').fill(id);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByLabel('Mot de passe').press('Enter');
  await expect(page.getByRole('heading', { name: 'Rechercher une famille' })).toBeVisible();
}

export function searchBox(page: Page) {
  return page.getByRole('combobox', { name: /Nom, code famille/ });
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: path.join(screensDir, `${name}.png`), fullPage });
}
