// `npm start`: the desktop app when Electron's runtime is installed, browser mode otherwise.
// Electron is an optional dependency: npm silently drops it when its binary cannot be
// downloaded, and a half-installed package may resolve while its binary is missing, so both
// are checked before choosing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  checkLocalElectronBuild,
  installedElectronVersion,
  nativeText,
  nodeBuildProblem,
} from './native-build';
import { UsageError, parseBrowserModeArgs, runBrowserMode } from '../src/host/browser-mode';
import { repoRoot } from '../src/host/web-build';

const text = {
  noElectron: 'Electron n’est pas installé sur cette machine : Guichet démarre en mode navigateur.',
  electronRequired:
    'Impossible de lancer l’application de bureau : le logiciel Electron n’est pas installé (ou son binaire manque). Lancez « npm start -- --browser » pour le mode navigateur.',
  noElectronConfig:
    'Impossible de lancer l’application de bureau : electron.vite.config.ts est absent du dépôt.',
  noElectronConfigFallback:
    'electron.vite.config.ts est absent du dépôt : Guichet démarre en mode navigateur.',
  bothModes: 'Choisissez --browser ou --electron, pas les deux.',
};

/** The path of Electron's binary when the runtime is really there, else null. */
function electronBinary(): string | null {
  const require = createRequire(import.meta.url);
  try {
    // The electron package's main export is the path of its binary; it throws when the
    // post-install download never happened.
    const bin: unknown = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/**
 * Makes sure out/native/electron holds better-sqlite3 built for the installed Electron on this
 * system, rebuilding it when not: after an Electron upgrade the old module would otherwise fail
 * inside the core with a message about module versions. False when the rebuild failed.
 */
function ensureElectronSqlite(): boolean {
  const electron = installedElectronVersion(repoRoot);
  // electronBinary() found the package a moment ago; an unreadable version is left to Electron.
  if (!electron) return true;
  const verdict = checkLocalElectronBuild(repoRoot, electron);
  if (verdict.ok) return true;
  process.stdout.write(`${nativeText.rebuilding(verdict.message, electron)}\n`);
  const require = createRequire(import.meta.url);
  const tsx = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
  const run = spawnSync(
    process.execPath,
    [tsx, path.join(repoRoot, 'scripts', 'rebuild-electron.ts')],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  return run.status === 0 && checkLocalElectronBuild(repoRoot, electron).ok;
}

/**
 * Browser mode loads Node's build from node_modules. One compiled for another Node (after
 * switching Node versions, or an Electron build copied there by hand) would fail in openCore with
 * a stack; this says which command to run instead.
 */
async function checkNodeSqlite(): Promise<void> {
  const { default: Database } = await import('better-sqlite3');
  const problem = nodeBuildProblem(() => new Database(':memory:').close());
  if (problem) throw new Error(problem);
}

function runElectron(): void {
  if (!ensureElectronSqlite()) throw new Error(nativeText.rebuildFailed);
  const require = createRequire(import.meta.url);
  const cli = path.join(
    path.dirname(require.resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  // preview builds main, preload and renderer then runs them as the installed app would;
  // `npx electron-vite dev` remains available for hot reload while developing.
  const child = spawn(process.execPath, [cli, 'preview'], { cwd: repoRoot, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
}

async function main(argv: string[]): Promise<void> {
  const forceBrowser = argv.includes('--browser');
  const forceElectron = argv.includes('--electron');
  if (forceBrowser && forceElectron) throw new UsageError(text.bothModes);
  const options = parseBrowserModeArgs(argv);
  const hasConfig = existsSync(path.join(repoRoot, 'electron.vite.config.ts'));

  if (forceElectron) {
    if (!electronBinary()) throw new Error(text.electronRequired);
    if (!hasConfig) throw new Error(text.noElectronConfig);
    runElectron();
    return;
  }
  if (!forceBrowser) {
    if (!electronBinary()) {
      process.stdout.write(`${text.noElectron}\n`);
    } else if (!hasConfig) {
      process.stdout.write(`${text.noElectronConfigFallback}\n`);
    } else {
      runElectron();
      return;
    }
  }
  await checkNodeSqlite();
  await runBrowserMode(options);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof UsageError ? 2 : 1);
}
