// The desktop application itself, started by Playwright's Electron driver: the window on
// app://guichet with the login screen, the page holding only the preload's bridges (no Node, no
// ipcRenderer), the printers listed through the shell's channel, the data folder taken from
// GUICHET_DATA_DIR with its rotated log, climbs out of app:// refused, and a backup made through
// the window verified in its worker thread loaded from app.asar. It needs Electron's
// runtime, the desktop build and better-sqlite3 built for Electron; where any of them is missing
// (as on the machines where Guichet is developed, which cannot download Electron) the test is
// reported as skipped with the reason, and the rest of the suite runs as usual.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import {
  checkLocalElectronBuild,
  installedElectronVersion,
  type NativeVerdict,
} from '../../scripts/native-build';

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
const electronVersion = installedElectronVersion(root);
// The same check as `npm start`: a module built for another Electron would stop the engine.
const native: NativeVerdict = electronVersion
  ? checkLocalElectronBuild(root, electronVersion)
  : { ok: true };

const skipReasons = [
  ...('missing' in binary
    ? [
        `Runtime Electron absent sur cette machine : ${binary.missing}. Ce test tourne sur un poste où « npm ci » a pu télécharger Electron.`,
      ]
    : []),
  ...(built ? [] : ['Application de bureau non construite : lancez « npm run build » d’abord.']),
  ...(native.ok
    ? []
    : [`${native.message} : lancez « npm run rebuild:electron » (ou « npm start ») d’abord.`]),
];
// Playwright's list reporter shows a skipped test without its reason: the runner process (not
// the workers, which load this file again) prints it once.
if (skipReasons.length > 0 && process.env.TEST_WORKER_INDEX === undefined) {
  process.stdout.write(`Test Electron ignoré : ${skipReasons.join(' ')}\n`);
}

test.describe('application de bureau (Electron)', () => {
  test.skip(skipReasons.length > 0, skipReasons.join(' '));

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
        // debug: the backup verification says on which thread it ran only at that level.
        GUICHET_LOG_LEVEL: 'debug',
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

      // app:// serves nothing outside the interface's folder. Chromium canonicalises a climb
      // spelled with dots (`..`, `%2e%2e`, `..\`) before the protocol handler sees it: the
      // handler receives app://guichet/package.json, which names no file of the interface, so
      // the answer is 404 and, above all, never the repository's package.json. The refusals
      // with their own status (src/main/app-protocol.ts) are the spellings Chromium leaves
      // alone: an encoded separator and a double encoding, both 400. The 403 for `.` and `..`
      // segments cannot be reached from a page; tests/main/app-protocol.test.ts covers it.
      const climbs = await page.evaluate(async () => {
        const statusOf = async (url: string) => {
          const r = await fetch(url);
          return { url, status: r.status, body: await r.text() };
        };
        return Promise.all(
          [
            'app://guichet/%2e%2e/%2e%2e/package.json',
            'app://guichet/../../package.json',
            'app://guichet/..%5c..%5cpackage.json',
            'app://guichet/..%5C..%5Celectron-builder.ts',
            'app://guichet/%252e%252e/%252e%252e/package.json',
          ].map(statusOf),
        );
      });
      for (const climb of climbs.slice(0, 2)) {
        expect(climb.status, climb.url).toBe(404);
        expect(climb.body, climb.url).not.toContain('"name": "guichet"');
      }
      for (const climb of climbs.slice(2)) {
        expect(climb.status, climb.url).toBe(400);
        expect(climb.body, climb.url).toBe('');
      }

      // A backup made through the window, as « Sauvegarder maintenant » does, is verified in the
      // worker thread: out/main/verify-worker.js is an ES module loaded from app.asar, and if it
      // could not start, the verification would fall back to the main thread and say so.
      const backup = await page.evaluate(async () => {
        type Call = (a: unknown, token: string | null) => Promise<{ ok: boolean; value?: unknown }>;
        const h = (window as unknown as { guichet: { handlers: Record<string, Call> } }).guichet
          .handlers;
        const login = await h['auth.login']!(
          { login: 'regisseur', password: 'demo-regisseur' },
          null,
        );
        const token = login.ok ? (login.value as { token: string }).token : null;
        return { login: login.ok, made: await h['backups.create']!({}, token) };
      });
      expect(backup.login).toBe(true);
      expect(backup.made.ok).toBe(true);

      // The data folder and its log are where GUICHET_DATA_DIR said.
      expect(existsSync(path.join(dataDir, 'guichet.sqlite'))).toBe(true);
      const logFile = path.join(dataDir, 'journaux', 'guichet.log');
      const readLog = () => readFileSync(logFile, 'utf8');
      // The engine's lines reach the file through the main process: wait for the verification's.
      await expect
        .poll(readLog, { timeout: 10_000 })
        .toContain('vérification de la sauvegarde terminée');
      const log = readLog();
      expect(log).toContain('démarrage de Guichet');
      expect(log).not.toContain('le fil de travail n’a pas démarré');
      const verified = log
        .split('\n')
        .filter((line) => line.includes('vérification de la sauvegarde terminée'))
        .map((line) => JSON.parse(line) as { ranOn?: string; ok?: boolean });
      // The daily backup may have run meanwhile: every verification counts, each on the worker.
      expect(verified.length).toBeGreaterThan(0);
      for (const v of verified) expect(v).toMatchObject({ ranOn: 'worker', ok: true });
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
