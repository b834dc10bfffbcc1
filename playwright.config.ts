// End-to-end tests of the UI in browser mode: a global setup starts the host (src/host/cli.ts)
// on a free port with a fresh demo database and hands the address, secret included, to the
// tests. Debian's Chromium is used because no browser can be downloaded on these machines.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  // The tests share one host and one database; two cores are all the machine has.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  // Not test-results/ itself: Playwright empties its output folder at start, and the screens
  // captured for review live in test-results/screens/.
  outputDir: 'test-results/playwright',
  use: {
    headless: true,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1280, height: 860 },
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.GUICHET_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-gpu',
      ],
    },
  },
});
