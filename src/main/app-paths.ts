// Where the desktop application finds its code and keeps its data, computed from what Electron
// reports so that the rules can be tested without it. Development (`electron-vite dev` or
// `preview`, run from the repository) and a packaged installation differ only in where the
// read-only parts live: inside the repository, or in the installation's resources folder.
import path from 'node:path';
import { LOG_FILE_NAME } from './log-file';

export interface ElectronLocations {
  /** app.isPackaged */
  isPackaged: boolean;
  /** app.getAppPath(): the repository in development, resources/app.asar once packaged. */
  appPath: string;
  /** process.resourcesPath: the installation's resources folder (unused in development). */
  resourcesPath: string;
  /** The data folder chosen and checked by data-location.ts. */
  dataDir: string;
}

export interface AppPaths {
  rendererDir: string;
  preloadFile: string;
  /** The core's process entry (core-process/entry.ts, built beside the main process). */
  coreEntry: string;
  migrationsDir: string;
  /** better-sqlite3 built for Electron's ABI; see scripts/rebuild-electron.ts. */
  sqliteBinding: string;
  dataDir: string;
  dbFile: string;
  backupDir: string;
  /** The application log; rotated copies sit beside it (log-file.ts). */
  logFile: string;
}

/** Where scripts/rebuild-electron.ts leaves the Electron build of better-sqlite3. */
export const ELECTRON_SQLITE_BINDING = path.join(
  'out',
  'native',
  'electron',
  'better_sqlite3.node',
);

export function appPaths(loc: ElectronLocations): AppPaths {
  const out = path.join(loc.appPath, 'out');
  // Migrations and the native module are shipped beside app.asar (electron-builder
  // extraResources), not inside it: Node cannot load a .node file from an archive, and keeping
  // the SQL files as plain files lets support read which migrations an installation carries.
  const resources = loc.isPackaged ? loc.resourcesPath : null;
  const dataDir = loc.dataDir;
  return {
    rendererDir: path.join(out, 'renderer'),
    preloadFile: path.join(out, 'preload', 'index.cjs'),
    coreEntry: path.join(out, 'main', 'core-process.js'),
    migrationsDir: resources
      ? path.join(resources, 'migrations')
      : path.join(loc.appPath, 'migrations'),
    sqliteBinding: resources
      ? path.join(resources, 'native', 'better_sqlite3.node')
      : path.join(loc.appPath, ELECTRON_SQLITE_BINDING),
    dataDir,
    dbFile: path.join(dataDir, 'guichet.sqlite'),
    backupDir: path.join(dataDir, 'sauvegardes'),
    logFile: path.join(dataDir, 'journaux', LOG_FILE_NAME),
  };
}

/**
 * The Vite server's address under `electron-vite dev`, if any. Only honoured in development and
 * only on the loopback interface: a packaged application always loads its own files, whatever
 * the environment says, so the variable cannot be used to point the cash register at a page
 * from elsewhere.
 */
export function devRendererUrl(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): string | null {
  const raw = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'http:' || !loopback || url.username || url.password) return null;
  return url.href;
}
