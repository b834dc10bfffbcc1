// The idle lock: with a two-second idle time, the screen locks by itself, the core refuses
// calls, and the password brings the agent back to the very screen that was left.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { login, screenshot, searchBox } from './helpers';

function setIdleLock(seconds: number | null) {
  const dataDir = process.env.GUICHET_E2E_DATA;
  if (!dataDir) throw new Error('GUICHET_E2E_DATA absent');
  const db = new Database(path.join(dataDir, 'guichet.sqlite'));
  try {
    if (seconds === null) db.prepare("DELETE FROM setting WHERE key = 'idle_lock_seconds'").run();
    else
      db.prepare(
        "INSERT INTO setting (key, value) VALUES ('idle_lock_seconds', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ).run(String(seconds));
  } finally {
    db.close();
  }
}

test.afterEach(() => setIdleLock(null));

test('an idle session locks, refuses a wrong password and unlocks back to the same screen', async ({
  page,
}) => {
  setIdleLock(2);
  await login(page);
  await page.keyboard.type('lefevre');
  await expect(page.getByRole('option').first()).toBeVisible();
  await page.keyboard.press('Enter');
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^Famille /);
  const familyTitle = await heading.innerText();

  const dialog = page.getByRole('dialog', { name: 'Session verrouillée' });
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await expect(dialog.getByLabel('Mot de passe')).toBeFocused();
  await expect(dialog).toContainText('Claire Morel');
  await screenshot(page, '08-verrouillage', false);

  await page.keyboard.type('pas-le-bon');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toContainText('mot de passe incorrect');

  // Back to the normal idle time before unlocking, so the rest of the test is not re-locked.
  setIdleLock(null);
  await dialog.getByLabel('Mot de passe').fill('demo-regisseur');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(heading).toHaveText(familyTitle);

  // The session works again: back to the search and a new query is answered.
  await page.keyboard.press('Escape');
  await expect(searchBox(page)).toBeFocused();
  await searchBox(page).fill('');
  await page.keyboard.type('dupont');
  await expect(page.getByRole('option').first()).toContainText(/dupont/i);
});

test('a call refused as locked by the core waits for the unlock and is then answered', async ({
  page,
}) => {
  await login(page);
  // The server locks after 2 s without calls, while the screen's own idle timer (set at login
  // from the old value) stays at its default: the lock then comes from the core's answer.
  setIdleLock(2);
  await page.waitForTimeout(2_500);
  await page.keyboard.type('lefevre');
  const dialog = page.getByRole('dialog', { name: 'Session verrouillée' });
  await expect(dialog).toBeVisible();
  setIdleLock(null);
  await dialog.getByLabel('Mot de passe').fill('demo-regisseur');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('option').first()).toContainText(/lef[eè]vre/i);
});
