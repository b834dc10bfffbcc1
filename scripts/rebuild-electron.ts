// `npm run rebuild:electron`: builds better-sqlite3 for the installed Electron's ABI into
// out/native/electron/better_sqlite3.node, which the desktop app loads through better-sqlite3's
// `nativeBinding` option. The build happens on a copy of the package, so the Node build in
// node_modules — the one the tests and browser mode load — is never touched: neither build can
// break the other, and no "restore" step can be forgotten after an interrupted run.
//
// @electron/rebuild first tries a prebuilt binary (better-sqlite3 publishes them per Electron
// ABI), then compiles from source with node-gyp against Electron's headers.
//
// By default the module is built for this machine, which is what `npm start` needs.
// `--platform=win32 --arch=x64` asks for the counters' build from another system: only the
// prebuilt binary can serve then (node-gyp does not cross-compile), and the packaging refuses
// any build-info.json that does not say win32/x64 for the installed Electron
// (scripts/native-build.ts, electron-builder's beforePack).
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuild } from '@electron/rebuild';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(repoRoot, 'package.json'));

const text = {
  noElectron:
    'Electron n’est pas installé (paquet « electron » absent de node_modules) : impossible de construire better-sqlite3 pour Electron.',
  noSqlite: 'better-sqlite3 est absent de node_modules : lancez d’abord « npm ci ».',
  building: (v: string) => `Construction de better-sqlite3 pour Electron ${v}…`,
  noOutput: 'La construction n’a produit aucun better_sqlite3.node.',
  done: (file: string) => `better-sqlite3 pour Electron prêt : ${path.relative(repoRoot, file)}`,
  failed: (detail: string) =>
    `Échec de la construction de better-sqlite3 pour Electron : ${detail}`,
  badOption: (arg: string) =>
    `Option inconnue : « ${arg} ». Options admises : --platform=<win32|linux|darwin> --arch=<x64|arm64|ia32>.`,
};

const PLATFORMS = ['win32', 'linux', 'darwin'] as const satisfies readonly NodeJS.Platform[];
const ARCHES = ['x64', 'arm64', 'ia32'] as const;
const isPlatform = (v: string): v is (typeof PLATFORMS)[number] =>
  (PLATFORMS as readonly string[]).includes(v);

/** `--platform=win32` or `--platform win32`, and the same for --arch; the host's otherwise. */
function targetFromArgs(argv: readonly string[]): { platform: NodeJS.Platform; arch: string } {
  const target: { platform: NodeJS.Platform; arch: string } = {
    platform: process.platform,
    arch: process.arch,
  };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(platform|arch)(?:=(.*))?$/.exec(argv[i] ?? '');
    const value = m ? (m[2] ?? argv[++i]) : undefined;
    if (!m || !value) fail(text.badOption(argv[i] ?? ''));
    if (m[1] === 'arch') {
      if (!(ARCHES as readonly string[]).includes(value)) fail(text.badOption(`--arch=${value}`));
      target.arch = value;
    } else {
      if (!isPlatform(value)) fail(text.badOption(`--platform=${value}`));
      target.platform = value;
    }
  }
  return target;
}

function packageDir(name: string): string | null {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const electronDir = packageDir('electron');
if (!electronDir) fail(text.noElectron);
const sqliteDir = packageDir('better-sqlite3');
if (!sqliteDir) fail(text.noSqlite);

const electronVersion = (require('electron/package.json') as { version: string }).version;
const target = targetFromArgs(process.argv.slice(2));
const nativeDir = path.join(repoRoot, 'out', 'native');
// Inside the repository on purpose: @electron/rebuild looks for better-sqlite3's prebuild-install
// in the node_modules folders above the module, and finds the project's own there.
const workDir = path.join(nativeDir, 'build');
const workModule = path.join(workDir, 'node_modules', 'better-sqlite3');
const output = path.join(nativeDir, 'electron', 'better_sqlite3.node');

process.stdout.write(
  `${text.building(`${electronVersion} (${target.platform}/${target.arch})`)}\n`,
);
try {
  rmSync(workDir, { recursive: true, force: true });
  // The copy leaves out build/, Node's compiled output, so that nothing built for Node's ABI can
  // be mistaken for the Electron build.
  cpSync(sqliteDir, workModule, {
    recursive: true,
    filter: (src) => path.relative(sqliteDir, src).split(path.sep)[0] !== 'build',
  });
  const { version } = require('better-sqlite3/package.json') as { version: string };
  writeFileSync(
    path.join(workDir, 'package.json'),
    JSON.stringify({
      name: 'guichet-native-build',
      private: true,
      dependencies: { 'better-sqlite3': version },
    }),
  );

  await rebuild({
    buildPath: workDir,
    projectRootPath: workDir,
    electronVersion,
    onlyModules: ['better-sqlite3'],
    force: true,
    platform: target.platform,
    arch: target.arch,
  });

  const built = path.join(workModule, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) throw new Error(text.noOutput);
  mkdirSync(path.dirname(output), { recursive: true });
  copyFileSync(built, output);
  writeFileSync(
    path.join(path.dirname(output), 'build-info.json'),
    `${JSON.stringify(
      {
        electron: electronVersion,
        betterSqlite3: version,
        platform: target.platform,
        arch: target.arch,
        builtAt: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${text.done(output)}\n`);
} catch (e) {
  rmSync(workDir, { recursive: true, force: true });
  fail(text.failed(e instanceof Error ? e.message : String(e)));
}
rmSync(workDir, { recursive: true, force: true });
