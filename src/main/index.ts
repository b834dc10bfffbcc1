// The Electron shell: one window showing the interface from app://guichet/, and IPC wiring from
// that window to the core and to the shell's own services (printing, the log, updates). The core
// itself runs in its own utility process (core-process/), so that no handler, however long,
// holds up this process, which draws and moves the window. Every decision that can be made
// without Electron lives in the modules imported below, where tests check it; this file only
// connects them to Electron's objects, in the order Electron requires.
import { existsSync } from 'node:fs';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  utilityProcess,
  type Session,
  type WebContents,
} from 'electron';
import pino, { type Logger } from 'pino';
import { handlerNames } from '../shared/contract';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME, serveAppRequest } from './app-protocol';
import { appPaths, devRendererUrl } from './app-paths';
import { CoreStartError, startCoreProcess, type RemoteCore } from './core-process/client';
import { forkUtilityCore } from './core-process/electron-child';
import { devContentSecurityPolicy } from './csp';
import { systemFolderProbe } from '../core/admin/folder-probe';
import { checkDataDir, chooseDataDir, sessionDataDir, type DataDirInput } from './data-location';
import { isInternalNavigation, originOf, vetExternalUrl } from './external-url';
import { createIpcDispatcher, registerIpcHandlers, type TrustedWindow } from './ipc-guard';
import { openRotatingLog, type RotatingLog } from './log-file';
import { mainMessages } from './messages';
import { openPrintWindow } from './print-window';
import { createPrintService, PRINT_PARTITION, sweepStalePrintDirs } from './printing';
import { createRateLimiter, createRendererErrorSink } from './renderer-errors';
import type { ShellCore } from './shell-core';
import { createShellIpc, registerShellIpc, summarizePrinters } from './shell-ipc';
import { createUpdatePolicy, type UpdatePolicy, type UpdaterPort } from './updates';
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
let core: RemoteCore | null = null;
/** The log file, shared with the core's process, whose lines arrive as messages. */
let logFile: RotatingLog | null = null;
let updates: UpdatePolicy | null = null;
/** Set by the first 'will-quit': from then on the core is being closed on purpose. */
let quitting = false;
// Until the data folder is known the log goes to the console; then to journaux/guichet.log in
// it, rotated by size (log-file.ts) and shared with the core. electron-log is not used: its
// main-process module opens IPC channels of its own that any page could write to, outside the
// sender checks below; the interface's errors reach this log through the shell's checked,
// rate-limited channel instead (renderer-errors.ts).
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
 * nothing created later (the hidden print window, a future dialog) escapes these rules.
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

function denyAllPermissions(ses: Session): void {
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

const location: DataDirInput = {
  platform: process.platform,
  env: process.env,
  isPackaged: app.isPackaged,
  userDataPath: app.getPath('userData'),
};

/**
 * electron-updater is loaded only in a packaged application: it does nothing elsewhere, and
 * loading it requires Electron's own modules at once.
 */
async function startUpdates(shellCore: ShellCore): Promise<void> {
  const mod: { autoUpdater?: UpdaterPort; default?: { autoUpdater?: UpdaterPort } } =
    await import('electron-updater');
  // Imported from an ES module, a CommonJS package's exports arrive under `default`.
  const updater = mod.default?.autoUpdater ?? mod.autoUpdater;
  if (!updater) {
    log.warn({}, 'mise à jour : electron-updater introuvable');
    return;
  }
  updates = createUpdatePolicy({
    updater,
    feedUrl: () => shellCore.machineSettings().updateFeedUrl,
    hasOpenTill: () => shellCore.hasOpenTill(),
    log: () => log,
  });
  updates.start();
}

function registerShellServices(shellCore: ShellCore, tempRoot: string): void {
  const printSession = session.fromPartition(PRINT_PARTITION);
  denyAllPermissions(printSession);
  // Windows is asked through the counter's window: Electron lists printers per web contents.
  const printers = async () => {
    if (!mainWindow || mainWindow.isDestroyed()) return [];
    return summarizePrinters(await mainWindow.webContents.getPrintersAsync());
  };
  const printService = createPrintService({
    settings: () => shellCore.machineSettings(),
    printers,
    openWindow: () => openPrintWindow((options) => new BrowserWindow(options)),
    tempRoot,
    log: () => log,
  });
  registerShellIpc(
    ipcMain,
    createShellIpc({
      trustedOrigins,
      currentWindow,
      print: (request) => printService.print(request),
      printers,
      rendererError: createRendererErrorSink({
        trustedOrigins,
        currentWindow,
        log: () => log,
        limiter: createRateLimiter({ burst: 20, everyMs: 3000, now: Date.now }),
      }),
      log: () => log,
    }),
  );
  void sweepStalePrintDirs(tempRoot, Date.now()).then((removed) => {
    if (removed > 0) log.info({ removed }, 'impression : dossiers temporaires oubliés supprimés');
  });
}

async function onReady(): Promise<void> {
  const choice = chooseDataDir(location);
  if (!choice.ok) {
    fatal(choice.message);
    return;
  }
  const verdict = await checkDataDir({
    dir: choice.dir,
    platform: location.platform,
    env: location.env,
    probe: systemFolderProbe(),
  });
  if (!verdict.ok) {
    fatal(verdict.message);
    return;
  }
  const paths = appPaths({
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    dataDir: verdict.dir,
  });

  const logLevel = process.env.GUICHET_LOG_LEVEL ?? 'info';
  const file = openRotatingLog({ file: paths.logFile });
  logFile = file;
  log = pino({ level: logLevel }, file);
  log.info(
    { dataDir: paths.dataDir, source: choice.source, version: app.getVersion() },
    'démarrage de Guichet',
  );

  denyAllPermissions(session.defaultSession);
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
  let remote: RemoteCore;
  try {
    remote = await startCoreProcess({
      spawn: () =>
        forkUtilityCore(utilityProcess, paths.coreEntry, (text, stream) =>
          log.warn({ stream, text: text.slice(0, 4000) }, 'moteur : sortie hors journal'),
        ),
      open: {
        dbFile: paths.dbFile,
        // A development run starts on the demo commune; an installation starts empty, and the
        // window then asks for the commune, the poste and the régisseur (« Mise en service »).
        seed: app.isPackaged ? 'none' : 'demo',
        backupDir: paths.backupDir,
        migrationsDir: paths.migrationsDir,
        nativeBinding: paths.sqliteBinding,
        logLevel,
      },
      onLog: (line) => file.write(line),
      onEvent: (event) => {
        if (event.kind === 'exit') {
          // Once Guichet is quitting, the core's process ending is the expected last step.
          if (quitting) log.info(event, 'moteur : processus terminé');
          else log.error(event, 'moteur : processus arrêté');
        } else if (event.kind === 'restarted') {
          log.warn({}, 'moteur : processus relancé sur la même base');
        } else {
          log.error({ detail: event.detail }, 'moteur : message illisible ignoré');
        }
      },
      onFatal: (message) => fatal(message),
    });
  } catch (e) {
    // The core's own refusals (a database from a newer version, a migration history that does
    // not match) carry a French message meant for the person; anything else is summarised.
    const message =
      e instanceof CoreStartError && e.domain
        ? e.message
        : mainMessages.startupFailed(e instanceof Error ? e.message : String(e));
    fatal(message, e);
    return;
  }
  core = remote;

  registerIpcHandlers(
    ipcMain,
    handlerNames,
    createIpcDispatcher({
      send: (name, args, sessionToken) => remote.send(name, args, sessionToken),
      trustedOrigins,
      currentWindow,
      onRefused: (handler, reason) => log.warn({ handler, reason }, 'appel IPC refusé'),
      onError: (handler, err) => log.error({ handler, err }, 'appel IPC : erreur interne'),
    }),
  );
  registerShellServices(remote, app.getPath('temp'));

  const win = new BrowserWindow(
    mainWindowOptions({ preloadPath: paths.preloadFile, devTools: !app.isPackaged }),
  );
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) =>
    log.error({ details }, 'processus de l’interface arrêté'),
  );
  win.webContents.on('preload-error', (_event, preloadPath, error) =>
    log.error({ preloadPath, err: error }, 'erreur du preload'),
  );
  win.on('unresponsive', () => log.warn({}, 'l’interface ne répond plus'));
  await win.loadURL(devUrl ?? APP_ENTRY_URL);

  if (app.isPackaged) {
    startUpdates(remote).catch((e: unknown) =>
      log.warn({ err: e }, 'mise à jour : démarrage impossible'),
    );
  }
}

// A second copy would open the same ledger from a second process and show a second, diverging
// view of the till: the second launch only brings the first window forward.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Chromium's own data (caches, the page's storage) would otherwise sit in the roaming
  // profile; it must be moved before 'ready'.
  const sessionData = sessionDataDir(location);
  if (sessionData) app.setPath('sessionData', sessionData);
  let toldStillClosing = false;
  app.on('second-instance', () => {
    if (quitting) {
      // No window any more, but the lock is held until the database is closed: without a word,
      // the relaunch would seem to do nothing. One box at a time; a relaunch after it is closed
      // is told again.
      if (toldStillClosing) return;
      toldStillClosing = true;
      void dialog
        .showMessageBox({
          type: 'info',
          title: mainMessages.stillClosingTitle,
          message: mainMessages.stillClosing,
          buttons: ['OK'],
        })
        .catch((e: unknown) => log.warn({ err: e }, 'message « Guichet se ferme » impossible'))
        .finally(() => {
          toldStillClosing = false;
        });
      return;
    }
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  // Quitting waits for the core to close its database: a payment being recorded or the backup
  // that follows a till closing (the usual end of a day) finishes first. The first 'will-quit'
  // is held back until then, and the quit asked again lets the second one through.
  app.on('will-quit', (event) => {
    if (!core) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    updates?.stop();
    const closing = core;
    void closing
      .close()
      .catch((e: unknown) => log.error({ err: e }, 'moteur : fermeture en erreur'))
      .finally(() => {
        // Decided once the calls in flight have ended (a till.open or till.close among them
        // changes the answer), from the last state the core sent: an update is installed on
        // this quit only if no till is open on the poste (updates.ts).
        updates?.beforeQuit();
        core = null;
        log.info({}, 'arrêt de Guichet');
        logFile?.close();
        // Outside will-quit's own dispatch: a quit asked from inside it may be ignored.
        setImmediate(() => app.quit());
      });
  });
  app
    .whenReady()
    .then(onReady)
    .catch((e: unknown) => fatal(mainMessages.startupFailed(String(e)), e));
}
