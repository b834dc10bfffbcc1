// The portal tab of the settings (F9): a poste that is not enrolled says so; the régisseur's
// enrolment with a portal that cannot be reached is refused in French and leaves the poste as
// it was (still working alone).
import { expect, test } from '@playwright/test';
import { login, screenshot } from './helpers';
import { watchProblems } from './payment-helpers';

test('the portal tab shows the poste alone and refuses an unreachable portal in French', async ({
  page,
}) => {
  const problems = watchProblems(page);
  await login(page);
  await expect(page.getByTestId('sync-status')).toContainText('Non relié au portail');
  await page.keyboard.press('F9');
  await page.getByTestId('settings-tab-portail').click();
  await expect(page.getByTestId('portal-state')).toContainText('n’est pas relié au portail');
  // Port 9 (discard) is closed on the loopback: the portal cannot be reached.
  await page.getByTestId('portal-url').fill('http://127.0.0.1:9');
  await page.getByTestId('portal-code').fill('NEQA-TFT8-BQVR-9KFU');
  await page.getByTestId('portal-enrol').click();
  await expect(page.getByTestId('portal-error')).toContainText('ne répond pas', {
    timeout: 20_000,
  });
  await expect(page.getByTestId('portal-error')).toContainText('ce poste n’a pas été modifié');
  await screenshot(page, '50-portail-injoignable');
  await expect(page.getByTestId('portal-state')).toContainText('n’est pas relié au portail');
  expect(problems.filter((p) => !/ 4\d\d /.test(p))).toEqual([]);
});
