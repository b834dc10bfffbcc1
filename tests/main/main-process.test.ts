// src/main/index.ts run under plain Node with a recording stand-in for the 'electron' module:
// Electron's runtime cannot be installed here, but everything on our side of that boundary is
// real — the core on a SQLite file, the app:// handler on real files, the IPC guard, the
// hardening listeners. The stand-in only records what main registers and lets the test call it
// the way Electron would.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handlerNames } from '../../src/shared/contract';
import { APP_CONTENT_SECURITY_POLICY } from '../../src/main/csp';
import { renderReceiptPdf } from '../../src/core/receipts/receipt-pdf';
import { richReceipt } from '../core/receipts/receipt-fixtures';
import { fake, waitFor } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

let base: string;

beforeAll(async () => {
  // An application folder laid out like the repository after a build: the renderer, the
  // migrations, and better-sqlite3's native module where rebuild-electron.ts puts the Electron
  // build. Under plain Node the right module for that place is Node's own build.
  base = mkdtempSync(path.join(tmpdir(), 'guichet-main-'));
  fake.appPath = path.join(base, 'app');
  fake.userData = path.join(base, 'userData');
  fake.temp = path.join(base, 'temp');
  mkdirSync(fake.temp, { recursive: true });
  delete process.env.GUICHET_DATA_DIR;
  mkdirSync(path.join(fake.appPath, 'out', 'renderer'), { recursive: true });
  writeFileSync(path.join(fake.appPath, 'out', 'renderer', 'index.html'), '<title>Guichet</title>');
  symlinkSync(path.resolve('migrations'), path.join(fake.appPath, 'migrations'));
  const nativeDir = path.join(fake.appPath, 'out', 'native', 'electron');
  mkdirSync(nativeDir, { recursive: true });
  const sqliteDir = path.dirname(
    createRequire(import.meta.url).resolve('better-sqlite3/package.json'),
  );
  copyFileSync(
    path.join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'),
    path.join(nativeDir, 'better_sqlite3.node'),
  );
  delete process.env.ELECTRON_RENDERER_URL;

  await import('../../src/main/index');
}, 60_000);

afterAll(async () => {
  // The last test quits; should it have failed first, the core's process is still stopped here.
  if (!fake.calls.includes('quit')) {
    fake.emitApp('will-quit', { preventDefault: () => undefined });
    await waitFor(() => fake.calls.includes('quit'), 'arrêt');
  }
  rmSync(base, { recursive: true, force: true });
});

describe('main process, before Electron is ready', () => {
  it('takes the single-instance lock and registers app:// as privileged, serving nothing yet', () => {
    expect(fake.calls).toContain('requestSingleInstanceLock');
    // Chromium's data is moved only for a packaged Windows installation.
    expect(fake.paths.size).toBe(0);
    expect(fake.schemes).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ]);
    expect(fake.protocolHandlers.size).toBe(0);
    expect(fake.ipc.size).toBe(0);
    expect(fake.windows).toHaveLength(0);
  });
});

describe('main process, once ready', () => {
  beforeAll(async () => {
    fake.fireReady();
    await waitFor(
      () => (fake.windows[0]?.loadedUrl ?? null) !== null || fake.exitCode !== null,
      'fenêtre',
    );
    expect(fake.errorBoxes).toEqual([]);
  }, 60_000);

  it('opens one sandboxed window on app://guichet with the built preload', () => {
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    expect(win.loadedUrl).toBe('app://guichet/index.html');
    expect(win.options.webPreferences).toMatchObject({
      preload: path.join(fake.appPath, 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('keeps its data, database and log under the userData folder', () => {
    expect(fake.calls).toContain('getPath:userData');
    expect(existsSync(path.join(fake.userData, 'guichet.sqlite'))).toBe(true);
    expect(existsSync(path.join(fake.userData, 'journaux', 'guichet.log'))).toBe(true);
  });

  it('serves the renderer through app:// with the CSP, and refuses a climb', async () => {
    const handler = fake.protocolHandlers.get('app')!;
    const ok = await handler(new Request('app://guichet/index.html'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
    expect(await ok.text()).toBe('<title>Guichet</title>');
    const climb = await handler({
      url: 'app://guichet/%2e%2e/%2e%2e/etc/passwd',
      method: 'GET',
    } as Request);
    expect(climb.status).toBe(403);
    expect(climb.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
  });

  it('denies every permission request and check', () => {
    const answers: boolean[] = [];
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'fullscreen',
    ]) {
      fake.permissionRequest?.({}, permission, (granted) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false, false]);
    expect(fake.permissionCheck?.({}, 'clipboard-read', 'app://guichet', {})).toBe(false);
    expect(fake.deviceCheck?.({})).toBe(false);
  });

  it('blocks new windows, webviews and navigation, opening only vetted links outside', () => {
    const contents = fake.webContents[0]!;
    expect(contents.windowOpenHandler?.({ url: 'https://www.tipi.budget.gouv.fr/' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler?.({ url: 'file:///C:/Windows/System32/calc.exe' })).toEqual({
      action: 'deny',
    });
    expect(fake.opened).toEqual(['https://www.tipi.budget.gouv.fr/']);

    const navigate = (url: string) => {
      const event = { url, preventDefault: vi.fn() };
      (contents.registered.get('will-navigate') as (e: typeof event) => void)(event);
      return event.preventDefault.mock.calls.length > 0;
    };
    expect(navigate('https://evil.example/phish')).toBe(true);
    expect(navigate('javascript:alert(1)')).toBe(true);
    expect(navigate('app://guichet/index.html')).toBe(false);
    expect(fake.opened).toEqual(['https://www.tipi.budget.gouv.fr/', 'https://evil.example/phish']);

    const webview = { preventDefault: vi.fn() };
    (contents.registered.get('will-attach-webview') as (e: typeof webview) => void)(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('registers one IPC channel per handler and lets the main frame reach the real core', async () => {
    const coreChannels = [...fake.ipc.keys()].filter((c) => c.startsWith('guichet:'));
    expect(coreChannels.sort()).toEqual(handlerNames.map((n) => `guichet:${n}`).sort());
    const win = fake.windows[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const invoke = (channel: string, e: unknown, payload: unknown) =>
      fake.ipc.get(channel)?.(e, payload);

    const status = await invoke('guichet:system.status', event, { args: {}, session: null });
    expect(status).toMatchObject({ ok: true, value: { schemaVersion: expect.any(Number) } });

    // The core's own checks still apply behind the guard.
    expect(await invoke('guichet:auth.me', event, { args: {}, session: null })).toMatchObject({
      ok: false,
      error: { code: 'NON_AUTHENTIFIE' },
    });
  });

  it('refuses IPC from a subframe or another origin, and logs it', async () => {
    const win = fake.windows[0]!;
    const invoke = (e: unknown) =>
      fake.ipc.get('guichet:system.status')?.(e, { args: {}, session: null });
    const sub = { url: 'app://guichet/index.html', parent: win.webContents.mainFrame };
    expect(await invoke({ sender: win.webContents, senderFrame: sub })).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_REFUSEE' },
    });
    const foreign = { sender: {}, senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(await invoke(foreign)).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_REFUSEE' },
    });
    const logged = readFileSync(path.join(fake.userData, 'journaux', 'guichet.log'), 'utf8');
    expect(logged).toContain('appel IPC refusé');
    expect(logged).toContain('sous-cadre');
  });

  it('registers the shell’s channels, and its print session denies every permission', () => {
    expect([...fake.ipc.keys()].filter((c) => c.startsWith('guichet-shell:')).sort()).toEqual([
      'guichet-shell:print',
      'guichet-shell:printers',
    ]);
    expect([...fake.ipcOn.keys()]).toEqual(['guichet-shell:renderer-error']);
    const printSession = fake.partitions.get('guichet-impression');
    const answers: boolean[] = [];
    (printSession?.permissionRequest as (c: unknown, p: string, cb: (g: boolean) => void) => void)(
      {},
      'media',
      (granted) => answers.push(granted),
    );
    expect(answers).toEqual([false]);
    expect((printSession?.permissionCheck as () => boolean)()).toBe(false);
  });

  it('lists this computer’s printers for the main frame only', async () => {
    fake.printers = [
      { name: 'EPSON_TM_T20', displayName: 'Epson TM-T20', description: '', options: {} },
      { name: 'HP_A4', displayName: 'HP LaserJet', description: '', options: {} },
    ];
    const win = fake.windows[0]!;
    const main = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const list = fake.ipc.get('guichet-shell:printers')!;
    expect(await list(main, undefined)).toEqual({
      ok: true,
      printers: [
        { name: 'EPSON_TM_T20', displayName: 'Epson TM-T20' },
        { name: 'HP_A4', displayName: 'HP LaserJet' },
      ],
    });
    const sub = { url: 'app://guichet/index.html', parent: win.webContents.mainFrame };
    expect(await list({ sender: win.webContents, senderFrame: sub }, undefined)).toMatchObject({
      ok: false,
    });
  });

  it('prints a real ticket in a hidden sandboxed window at 80 mm, then removes it all', async () => {
    const pdf = await renderReceiptPdf(richReceipt(), { layout: 'ticket' });
    const win = fake.windows[0]!;
    const main = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const windowsBefore = fake.windows.length;
    const outcome = await fake.ipc.get('guichet-shell:print')!(main, {
      kind: 'ticket',
      fileName: 'recu-R-SCO-P01-2026-000123.pdf',
      pdfBase64: Buffer.from(pdf).toString('base64'),
    });
    // No printer chosen in this demo database: Windows' default printer, with its dialog.
    expect(outcome).toEqual({ ok: true, printer: '' });
    expect(fake.windows).toHaveLength(windowsBefore + 1);
    const printWindow = fake.windows.at(-1)!;
    expect(printWindow.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      partition: 'guichet-impression',
    });
    expect(printWindow.options.webPreferences).not.toHaveProperty('preload');
    expect(printWindow.destroyed).toBe(true);
    const job = fake.printJobs.at(-1)!;
    expect(job.options).toMatchObject({
      silent: false,
      pageSize: { width: 80_000 },
      margins: { marginType: 'none' },
    });
    expect(job.options).not.toHaveProperty('deviceName');
    // The PDF was loaded from a private temporary folder, which is gone.
    expect(job.loadedFile?.startsWith(path.join(fake.temp, 'guichet-impression-'))).toBe(true);
    expect(readdirSync(fake.temp)).toEqual([]);
  });

  it('refuses to print for another frame, and a malformed document, in French', async () => {
    const win = fake.windows[0]!;
    const print = fake.ipc.get('guichet-shell:print')!;
    const jobs = fake.printJobs.length;
    const foreign = { sender: {}, senderFrame: { url: 'https://evil.example/', parent: null } };
    expect(
      await print(foreign, { kind: 'a4', fileName: 'x.pdf', pdfBase64: 'JVBERi0=' }),
    ).toMatchObject({
      ok: false,
      code: 'NON_IMPRIME',
      message: expect.stringContaining('refusée'),
    });
    const main = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    expect(
      await print(main, { kind: 'a4', fileName: '../../x.pdf', pdfBase64: 'JVBERi0=' }),
    ).toMatchObject({
      ok: false,
      code: 'NON_IMPRIME',
      message: expect.stringContaining('mal formée'),
    });
    expect(fake.printJobs).toHaveLength(jobs);
  });

  it('writes the interface’s errors to the log, from the main frame only', () => {
    const win = fake.windows[0]!;
    const report = fake.ipcOn.get('guichet-shell:renderer-error')!;
    report(
      { sender: win.webContents, senderFrame: win.webContents.mainFrame },
      { kind: 'error', message: 'TypeError: boum dans l’écran', line: 12 },
    );
    report(
      { sender: {}, senderFrame: { url: 'https://evil.example/', parent: null } },
      { kind: 'error', message: 'injecté' },
    );
    const logged = readFileSync(path.join(fake.userData, 'journaux', 'guichet.log'), 'utf8');
    expect(logged).toContain('boum dans l’écran');
    expect(logged).not.toContain('injecté');
    expect(logged).toContain('erreur de l’interface refusée');
  });

  it('brings the existing window forward when a second copy is launched', () => {
    const before = fake.windows[0]!.focused;
    fake.emitApp('second-instance');
    expect(fake.windows[0]!.focused).toBe(before + 1);
  });

  it('runs the core in its own process, started from the built entry', () => {
    expect(fake.utilityForks).toHaveLength(1);
    const [forked] = fake.utilityForks;
    expect(forked!.modulePath).toBe(path.join(fake.appPath, 'out', 'main', 'core-process.js'));
    expect(forked!.options).toMatchObject({ serviceName: 'Guichet (moteur)', stdio: 'pipe' });
    expect(forked!.child.exitCode).toBeNull();
  });

  it('on quit, lets a backup under way finish, closes the database, then quits', async () => {
    const win = fake.windows[0]!;
    const event = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const invoke = (name: string, args: unknown, session: string | null) =>
      fake.ipc.get(`guichet:${name}`)!(event, { args, session }) as Promise<{
        ok: boolean;
        value?: unknown;
      }>;
    const login = await invoke(
      'auth.login',
      { login: 'regisseur', password: 'demo-regisseur' },
      null,
    );
    expect(login.ok).toBe(true);
    const token = (login.value as { token: string }).token;
    const backupDir = path.join(fake.userData, 'sauvegardes');
    const before = existsSync(backupDir) ? readdirSync(backupDir).length : 0;

    // The backup is asked for, and the person closes the window at once.
    const backup = invoke('backups.create', {}, token);
    const quitEvent = { preventDefault: vi.fn() };
    fake.emitApp('will-quit', quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    expect(fake.calls).not.toContain('quit');
    // Launched again meanwhile: no window to bring forward, so it says why nothing opens, with
    // one box at a time; launched again once the box is closed, it says so again.
    const focused = win.focused;
    fake.emitApp('second-instance');
    fake.emitApp('second-instance');
    expect(fake.messageBoxes).toEqual([
      ['Guichet se ferme', expect.stringMatching(/jusqu’à 3 minutes.*relancez-le/)],
    ]);
    await new Promise((r) => setImmediate(r));
    fake.emitApp('second-instance');
    expect(fake.messageBoxes).toHaveLength(2);
    expect(win.focused).toBe(focused);

    expect(await backup).toMatchObject({ ok: true });
    await waitFor(() => fake.calls.includes('quit'), 'arrêt après la fermeture du moteur');
    const child = fake.utilityForks[0]!.child;
    await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'fin du moteur');
    // The backup is complete (no .partiel left), and the database lock has been released.
    const files = readdirSync(backupDir);
    expect(files.filter((f) => f.endsWith('.sqlite')).length).toBeGreaterThan(before);
    expect(files.filter((f) => f.endsWith('.partiel'))).toEqual([]);
    expect(existsSync(path.join(fake.userData, 'guichet.sqlite.verrou'))).toBe(false);
    const logged = readFileSync(path.join(fake.userData, 'journaux', 'guichet.log'), 'utf8');
    expect(logged.indexOf('sauvegarde faite')).toBeGreaterThan(-1);
    expect(logged.lastIndexOf('arrêt de Guichet')).toBeGreaterThan(
      logged.lastIndexOf('sauvegarde faite'),
    );

    // A second will-quit (Electron's, after app.quit()) goes through at once.
    const again = { preventDefault: vi.fn() };
    fake.emitApp('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  }, 60_000);
});
