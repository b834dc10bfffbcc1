// The Electron shell: one window showing the interface from app://guichet/, and IPC wiring from
// that window to the core. Every decision that can be made without Electron lives in the
// modules imported below, where tests check it; this file only connects them to Electron's
// objects, in the order Electron requires.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  type WebContents,
} from 'electron';
import pino, { type Logger } from 'pino';
import { openCore, type Core } from '../core/core';
import { DomainError } from '../core/errors';
import { handlerNames } from '../shared/contract';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, serveAppRequest } from './app-protocol';
import { appPaths, devRendererUrl } from './app-paths';
import { devContentSecurityPolicy } from './csp';
import { isInternalNavigation, originOf, vetExternalUrl } from './external-url';
import { createIpcDispatcher, registerIpcHandlers, type TrustedWindow } from './ipc-guard';
import { mainMessages } from './messages';
import { mainWindowOptions } from './window-options';

// Must run before 'ready': Chromium fixes the list of privileged schemes at start-up. 'standard'
// gives app://guichet a real origin (relative URLs, the IPC origin check), 'secure' makes it a
// secure context like https, and fetch and the code cache work as they do for web pages.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

let mainWindow: BrowserWindow | null = null;
let core: Core | null = null;
// Until the data folder is known the log goes to the console; then to a file beside the data,
// shared with the core. (electron-log/main is not used: it opens IPC channels of its own that
// any page could write to, outside the sender checks below.)
let log: Logger = pino({ level: 'info' });

const devUrl = devRendererUrl(process.env, app.isPackaged);
const devOrigin = devUrl ? originOf(devUrl) : null;
const trustedOrigins: readonly string[] = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];

function openExternally(url: string): void {
  const verdict = vetExternalUrl(url);
  if (verdict.ok) {
    void shell.openExternal(verdict.url);
  } else {
    log.warn({ url: url.slice(0, 200), reason: verdict.reason }, 'ouverture externe refusée');
  }
}

/**
 * Applied to every web contents the application ever creates, not only our window's, so that
 * nothing created later (a print preview, a future dialog) escapes these rules.
 */
function hardenWebContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isInternalNavigation(event.url, trustedOrigins)) return;
    event.preventDefault();
    openExternally(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isInternalNavigation(event.url, trustedOrigins)) event.preventDefault();
  });
}

function denyAllPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

function currentWindow(): TrustedWindow | null {
  if (!mainWindow || mainWindow.isDestroyed()) return null;
  return { webContents: mainWindow.webContents, mainFrame: mainWindow.webContents.mainFrame };
}

function fatal(message: string, error?: unknown): void {
  log.error({ err: error }, message);
  dialog.showErrorBox(mainMessages.startupTitle, message);
  app.exit(1);
}

async function onReady(): Promise<void> {
  const paths = appPaths({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    userDataPath: app.getPath('userData'),
  });

  mkdirSync(paths.dataDir, { recursive: true });
  log = pino(
    { level: process.env.GUICHET_LOG_LEVEL ?? 'info' },
    pino.destination({
      dest: path.join(paths.dataDir, 'journaux', 'guichet.log'),
      mkdir: true,
      // Written at once: the lines that matter most come just before app.exit().
      sync: true,
    }),
  );

  denyAllPermissions();
  protocol.handle(APP_SCHEME, (request) =>
    serveAppRequest(request, paths.rendererDir, {
      onRefused: (url, refusal) =>
        log.warn({ url: url.slice(0, 200), ...refusal }, 'requête app:// refusée'),
    }),
  );
  if (devUrl && devOrigin) {
    // Vite's server sends no CSP of its own; the development page gets one close to the
    // packaged policy so that a violation shows up while developing, not at the counter.
    session.defaultSession.webRequest.onHeadersReceived(
      { urls: [`${devOrigin}/*`] },
      (details, callback) =>
        callback({
          responseHeaders: {
            ...details.responseHeaders,
            'Content-Security-Policy': [devContentSecurityPolicy(devOrigin)],
          },
        }),
    );
  }

  if (!existsSync(paths.sqliteBinding)) {
    fatal(mainMessages.sqliteBindingMissing(app.isPackaged, paths.sqliteBinding));
    return;
  }
  try {
    core = await openCore({
      dbFile: paths.dbFile,
      seed: 'demo',
      backupDir: paths.backupDir,
      migrationsDir: paths.migrationsDir,
      nativeBinding: paths.sqliteBinding,
      logger: log,
    });
  } catch (e) {
    // The core's own refusals (a database from a newer version, a migration history that does
    // not match) carry a French message meant for the person; anything else is summarised.
    fatal(e instanceof DomainError ? e.message : mainMessages.startupFailed(String(e)), e);
    return;
  }
  const openedCore = core;

  registerIpcHandlers(
    ipcMain,
    handlerNames,
    createIpcDispatcher({
      send: (name, args, sessionToken) => openedCore.send(name, args, sessionToken),
      trustedOrigins,
      currentWindow,
      onRefused: (handler, reason) => log.warn({ handler, reason }, 'appel IPC refusé'),
      onError: (handler, err) => log.error({ handler, err }, 'appel IPC : erreur interne'),
    }),
  );

  const win = new BrowserWindow(
    mainWindowOptions({ preloadPath: paths.preloadFile, devTools: !app.isPackaged }),
  );
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    mainWindow = null;
  });
  await win.loadURL(devUrl ?? APP_ENTRY_URL);
}

// A second copy would open the same ledger from a second process and show a second, diverging
// view of the till: the second launch only brings the first window forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    core?.close();
    core = null;
  });
  app
    .whenReady()
    .then(onReady)
    .catch((e: unknown) => fatal(mainMessages.startupFailed(String(e)), e));
}
