// The desktop application itself, started by Playwright's Electron driver: the window on
// app://guichet with the login screen, the page holding only the preload's bridges (no Node, no
// ipcRenderer), the printers listed through the shell's channel, the data folder taken from
// GUICHET_DATA_DIR with its rotated log, and a climb out of app:// refused. It needs Electron's
// runtime, the desktop build and better-sqlite3 built for Electron; where any of them is missing
// (as on the machines where Guichet is developed, which cannot download Electron) the test is
// reported as skipped with the reason, and the rest of the suite runs as usual.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Electron's binary when the runtime is really installed, else why not. */
function electronBinary(): { path: string } | { missing: string } {
  try {
    // The electron package's main export is its binary's path; it throws when the binary's
    // download never happened.
    const bin: unknown = createRequire(import.meta.url)('electron');
    if (typeof bin === 'string' && existsSync(bin)) return { path: bin };
    return { missing: `le binaire d’Electron est absent (${String(bin)})` };
  } catch (e) {
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { missing: `require('electron') échoue : ${detail}` };
  }
}

const binary = electronBinary();
const built = existsSync(path.join(root, 'out', 'main', 'index.js'));
const nativeBuilt = existsSync(path.join(root, 'out', 'native', 'electron', 'better_sqlite3.node'));

test.describe('application de bureau (Electron)', () => {
  test.skip(
    'missing' in binary,
    `Runtime Electron absent sur cette machine : ${'missing' in binary ? binary.missing : ''}. Ce test tourne sur un poste où « npm ci » a pu télécharger Electron.`,
  );
  test.skip(!built, 'Application de bureau non construite : lancez « npm run build » d’abord.');
  test.skip(
    !nativeBuilt,
    'better-sqlite3 pour Electron absent : lancez « npm run rebuild:electron » d’abord.',
  );

  test('opens a hardened window on app://guichet with the login screen', async () => {
    test.setTimeout(120_000);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-electron-'));
    const app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : undefined,
      args: [root],
      cwd: root,
      env: {
        ...process.env,
        GUICHET_DATA_DIR: dataDir,
        ELECTRON_RENDERER_URL: '',
        GUICHET_LOG_LEVEL: 'info',
      },
    });
    try {
      const page = await app.firstWindow();
      await expect(page).toHaveURL(/^app:\/\/guichet\//);
      await expect(page.getByRole('heading', { name: 'Connexion au guichet' })).toBeVisible({
        timeout: 60_000,
      });

      // Only the preload's two frozen bridges: no Node, no ipcRenderer, no require.
      const exposed = await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        return {
          require: typeof w.require,
          process: typeof w.process,
          bridge: Object.keys((w.guichet ?? {}) as object),
          shell: Object.keys((w.guichetShell ?? {}) as object).sort(),
        };
      });
      expect(exposed).toEqual({
        require: 'undefined',
        process: 'undefined',
        bridge: ['handlers'],
        shell: ['listPrinters', 'print', 'reportError'],
      });

      // The printers of this machine come through the shell's checked channel.
      const printers = await page.evaluate(() =>
        (
          window as unknown as { guichetShell: { listPrinters(): Promise<{ ok: boolean }> } }
        ).guichetShell.listPrinters(),
      );
      expect(printers.ok).toBe(true);

      // app:// serves nothing outside the interface's folder.
      const climb = await page.evaluate(async () => {
        const r = await fetch('app://guichet/%2e%2e/%2e%2e/package.json');
        return r.status;
      });
      expect(climb).toBe(403);

      // The data folder and its log are where GUICHET_DATA_DIR said.
      expect(existsSync(path.join(dataDir, 'guichet.sqlite'))).toBe(true);
      const log = readFileSync(path.join(dataDir, 'journaux', 'guichet.log'), 'utf8');
      expect(log).toContain('démarrage de Guichet');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
