// `npm run rebuild:electron`: builds better-sqlite3 for the installed Electron's ABI into
// out/native/electron/better_sqlite3.node, which the desktop app loads through better-sqlite3's
// `nativeBinding` option. The build happens on a copy of the package, so the Node build in
// node_modules — the one the tests and browser mode load — is never touched: neither build can
// break the other, and no "restore" step can be forgotten after an interrupted run.
//
// @electron/rebuild first tries a prebuilt binary (better-sqlite3 publishes them per Electron
// ABI), then compiles from source with node-gyp against Electron's headers.
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
};

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
const nativeDir = path.join(repoRoot, 'out', 'native');
// Inside the repository on purpose: @electron/rebuild looks for better-sqlite3's prebuild-install
// in the node_modules folders above the module, and finds the project's own there.
const workDir = path.join(nativeDir, 'build');
const workModule = path.join(workDir, 'node_modules', 'better-sqlite3');
const target = path.join(nativeDir, 'electron', 'better_sqlite3.node');

process.stdout.write(`${text.building(electronVersion)}\n`);
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
  });

  const built = path.join(workModule, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(built)) throw new Error(text.noOutput);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(built, target);
  writeFileSync(
    path.join(path.dirname(target), 'build-info.json'),
    `${JSON.stringify(
      {
        electron: electronVersion,
        betterSqlite3: version,
        platform: process.platform,
        arch: process.arch,
        builtAt: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${text.done(target)}\n`);
} catch (e) {
  rmSync(workDir, { recursive: true, force: true });
  fail(text.failed(e instanceof Error ? e.message : String(e)));
}
rmSync(workDir, { recursive: true, force: true });
