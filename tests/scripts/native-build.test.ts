// The checks that keep the right build of better-sqlite3 in place: `npm start` rebuilds the
// Electron module when build-info.json is missing, unreadable or written for another Electron,
// system or processor; browser mode turns a Node module of the wrong ABI into « lancez npm run
// rebuild:node »; and packaging refuses anything but a win32/x64 module for the installed
// Electron, through the beforePack hook electron-builder really calls.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import config from '../../electron-builder';
import {
  assertPackagedBuild,
  checkElectronBuild,
  checkLocalElectronBuild,
  installedElectronVersion,
  isAbiMismatch,
  nativePaths,
  nativeText,
  nodeBuildProblem,
  parseBuildInfo,
  readBuildInfo,
  type BuildInfo,
} from '../../scripts/native-build';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'guichet-native-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/**
 * A fake repository: node_modules/electron at `electron`, node_modules/better-sqlite3 at
 * `betterSqlite3` (12.6.2, the builds' own, unless given; null: absent), and out/native/electron
 * as asked.
 */
function fakeRepo(opts: {
  electron?: string;
  betterSqlite3?: string | null;
  buildInfo?: BuildInfo | string;
  binary?: boolean;
}): void {
  for (const [name, version] of [
    ['electron', opts.electron],
    ['better-sqlite3', opts.betterSqlite3 === undefined ? '12.6.2' : opts.betterSqlite3],
  ] as const) {
    if (!version) continue;
    mkdirSync(path.join(root, 'node_modules', name), { recursive: true });
    writeFileSync(
      path.join(root, 'node_modules', name, 'package.json'),
      JSON.stringify({ name, version }),
    );
  }
  const paths = nativePaths(root);
  mkdirSync(paths.dir, { recursive: true });
  if (opts.buildInfo !== undefined) {
    writeFileSync(
      paths.buildInfo,
      typeof opts.buildInfo === 'string' ? opts.buildInfo : JSON.stringify(opts.buildInfo),
    );
  }
  if (opts.binary !== false) writeFileSync(paths.binary, 'pas un vrai module');
}

const linuxBuild: BuildInfo = {
  electron: '41.7.1',
  betterSqlite3: '12.6.2',
  platform: 'linux',
  arch: 'x64',
  builtAt: '2026-11-23T10:00:00.000Z',
};
const windowsBuild: BuildInfo = { ...linuxBuild, platform: 'win32' };
const linuxHost = { platform: 'linux', arch: 'x64' };

describe('build-info.json', () => {
  it('is read back with its fields', () => {
    fakeRepo({ buildInfo: linuxBuild });
    expect(readBuildInfo(nativePaths(root).buildInfo)).toEqual({ kind: 'ok', info: linuxBuild });
  });

  it('counts as missing when absent, and as corrupt when unreadable or incomplete', () => {
    expect(readBuildInfo(path.join(root, 'absent.json'))).toEqual({ kind: 'missing' });
    expect(parseBuildInfo('{"electron": "41.7.1", ')).toMatchObject({ kind: 'corrupt' });
    expect(parseBuildInfo('[]')).toEqual({ kind: 'corrupt', detail: 'pas un objet JSON' });
    expect(parseBuildInfo('null')).toMatchObject({ kind: 'corrupt' });
    expect(parseBuildInfo(JSON.stringify({ ...linuxBuild, arch: '' }))).toEqual({
      kind: 'corrupt',
      detail: 'champ « arch » absent ou vide',
    });
    expect(parseBuildInfo(JSON.stringify({ ...linuxBuild, electron: 41 }))).toMatchObject({
      kind: 'corrupt',
      detail: 'champ « electron » absent ou vide',
    });
    // A folder where the file should be is unreadable, not missing.
    mkdirSync(path.join(root, 'dossier.json'));
    expect(readBuildInfo(path.join(root, 'dossier.json'))).toMatchObject({ kind: 'corrupt' });
  });
});

describe('npm start’s check of the Electron build', () => {
  it('accepts a build for the installed Electron on this system and processor', () => {
    fakeRepo({ electron: '41.7.1', buildInfo: linuxBuild });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toEqual({ ok: true });
  });

  it('asks for a rebuild when nothing was ever built', () => {
    fakeRepo({ electron: '41.7.1' });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toEqual({
      ok: false,
      reason: 'missing',
      message: 'better-sqlite3 n’a jamais été construit pour Electron sur ce poste',
    });
  });

  it('asks for a rebuild after an Electron upgrade, and says so in one line', () => {
    fakeRepo({ electron: '42.0.0', buildInfo: linuxBuild });
    const verdict = checkLocalElectronBuild(root, '42.0.0', linuxHost);
    expect(verdict).toEqual({
      ok: false,
      reason: 'electron',
      message:
        'better-sqlite3 a été construit pour Electron 41.7.1, or Electron 42.0.0 est installé',
    });
    expect(nativeText.rebuilding(verdict.ok ? '' : verdict.message, '42.0.0')).toBe(
      'Construction de better-sqlite3 pour Electron 42.0.0 avant le lancement (better-sqlite3 a été construit pour Electron 41.7.1, or Electron 42.0.0 est installé) : npm run rebuild:electron…',
    );
  });

  it('asks for a rebuild when the module was built for another system or processor', () => {
    fakeRepo({ electron: '41.7.1', buildInfo: windowsBuild });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toMatchObject({
      ok: false,
      reason: 'platform',
    });
    expect(checkLocalElectronBuild(root, '41.7.1', { platform: 'win32', arch: 'arm64' })).toEqual({
      ok: false,
      reason: 'arch',
      message: 'better-sqlite3 a été construit pour le processeur x64, pas pour arm64',
    });
  });

  it('asks for a rebuild when build-info.json is corrupt or the module beside it is gone', () => {
    fakeRepo({ electron: '41.7.1', buildInfo: 'pas du JSON' });
    const corrupt = checkLocalElectronBuild(root, '41.7.1', linuxHost);
    expect(corrupt).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(corrupt.ok ? '' : corrupt.message).toMatch(
      /^la fiche de construction de better-sqlite3 pour Electron est illisible \(.+\)$/,
    );
    rmSync(root, { recursive: true, force: true });
    fakeRepo({ electron: '41.7.1', buildInfo: linuxBuild, binary: false });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toMatchObject({
      ok: false,
      reason: 'binary-missing',
    });
  });

  it('reads the installed Electron’s version from node_modules', () => {
    expect(installedElectronVersion(root)).toBeNull();
    fakeRepo({ electron: '41.7.1' });
    expect(installedElectronVersion(root)).toBe('41.7.1');
    writeFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), '{');
    expect(installedElectronVersion(root)).toBeNull();
  });

  it('rebuilds after a better-sqlite3 upgrade, or when the record does not say which one', () => {
    fakeRepo({ electron: '41.7.1', betterSqlite3: '12.6.2', buildInfo: linuxBuild });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toEqual({ ok: true });
    fakeRepo({ electron: '41.7.1', betterSqlite3: '12.7.0', buildInfo: linuxBuild });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toEqual({
      ok: false,
      reason: 'better-sqlite3',
      message:
        'le module pour Electron vient de better-sqlite3 12.6.2, or better-sqlite3 12.7.0 est installé',
    });
    const { betterSqlite3: _dropped, ...unnamed } = linuxBuild;
    fakeRepo({ electron: '41.7.1', betterSqlite3: '12.7.0', buildInfo: unnamed });
    expect(checkLocalElectronBuild(root, '41.7.1', linuxHost)).toMatchObject({
      reason: 'better-sqlite3',
      message: expect.stringMatching(/version inconnue de better-sqlite3/),
    });
    // Packaging refuses it too.
    fakeRepo({ electron: '41.7.1', betterSqlite3: '12.7.0', buildInfo: windowsBuild });
    expect(() => assertPackagedBuild(root, { platform: 'win32', arch: 'x64' })).toThrow(
      /vient de better-sqlite3 12\.6\.2, or better-sqlite3 12\.7\.0 est installé/,
    );
  });

  it('checks each field, whatever the order of the failures', () => {
    const read = parseBuildInfo(JSON.stringify(linuxBuild));
    const target = { electron: '41.7.1', platform: 'linux', arch: 'x64' };
    expect(checkElectronBuild(read, target, true)).toEqual({ ok: true });
    expect(checkElectronBuild(read, { ...target, electron: '41.7.2' }, true)).toMatchObject({
      reason: 'electron',
    });
    expect(checkElectronBuild(read, { ...target, platform: 'win32' }, true)).toMatchObject({
      reason: 'platform',
    });
    expect(checkElectronBuild(read, { ...target, arch: 'arm64' }, true)).toMatchObject({
      reason: 'arch',
    });
    expect(checkElectronBuild(read, { ...target, betterSqlite3: '13.0.0' }, true)).toMatchObject({
      reason: 'better-sqlite3',
    });
    expect(checkElectronBuild(read, target, false)).toMatchObject({ reason: 'binary-missing' });
    // Several wrong at once: the first in the order binary, Electron, better-sqlite3, system,
    // processor, which is also the order a person fixes them in.
    expect(
      checkElectronBuild(read, { ...target, electron: '42.0.0', arch: 'arm64' }, true),
    ).toMatchObject({ reason: 'electron' });
  });
});

describe('the Node build, for browser mode and the tests', () => {
  it('loads here: the test suite runs on Node’s build', () => {
    expect(nodeBuildProblem(() => new Database(':memory:').close())).toBeNull();
  });

  it('turns a module of another ABI into « lancez npm run rebuild:node », without a stack', () => {
    // Node's own wording when a .node file was compiled for another ABI (here Electron 41's).
    const abiError = new Error(
      `The module 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 145. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
    );
    expect(isAbiMismatch(abiError)).toBe(true);
    const message = nodeBuildProblem(() => {
      throw abiError;
    });
    expect(message).toContain('Lancez « npm run rebuild:node » puis recommencez.');
    expect(message).toMatch(/^better-sqlite3 dans node_modules n’est pas construit pour ce Node/);
    expect(message).not.toContain('\n');
  });

  it('says what to do for any other loading failure too', () => {
    const missing = new Error('Could not locate the bindings file. Tried:\n → /a/b.node');
    expect(isAbiMismatch(missing)).toBe(false);
    expect(
      nodeBuildProblem(() => {
        throw missing;
      }),
    ).toBe(
      'better-sqlite3 ne se charge pas dans ce Node (Could not locate the bindings file. Tried:). Lancez « npm run rebuild:node » ; si cela persiste, « npm ci ».',
    );
  });
});

describe('packaging', () => {
  const win64 = { platform: 'win32', arch: 1 };

  it('accepts a win32/x64 module built for the installed Electron', () => {
    fakeRepo({ electron: '41.7.1', buildInfo: windowsBuild });
    expect(() => assertPackagedBuild(root, win64)).not.toThrow();
    expect(() => assertPackagedBuild(root, { platform: 'win32', arch: 'x64' })).not.toThrow();
  });

  it('refuses the module built for the Linux machine that runs the build', () => {
    fakeRepo({ electron: '41.7.1', buildInfo: linuxBuild });
    expect(() => assertPackagedBuild(root, win64)).toThrow(
      'Paquet d’installation refusé : better-sqlite3 a été construit pour le système linux, pas pour win32.',
    );
  });

  it('refuses a module for another Electron, another processor, none, or an unreadable record', () => {
    fakeRepo({ electron: '42.0.0', buildInfo: windowsBuild });
    expect(() => assertPackagedBuild(root, win64)).toThrow(/construit pour Electron 41\.7\.1/);
    fakeRepo({ electron: '41.7.1', buildInfo: { ...windowsBuild, arch: 'ia32' } });
    expect(() => assertPackagedBuild(root, win64)).toThrow(/processeur ia32, pas pour x64/);
    fakeRepo({ electron: '41.7.1', buildInfo: '{"electron":' });
    expect(() => assertPackagedBuild(root, win64)).toThrow(/illisible/);
    rmSync(nativePaths(root).dir, { recursive: true });
    expect(() => assertPackagedBuild(root, win64)).toThrow(/jamais été construit/);
  });

  it('is what « npm run dist » builds, for Windows x64, before electron-builder runs', () => {
    const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const steps = pkg.scripts['dist']!.split('&&').map((step) => step.trim());
    const rebuild = steps.indexOf('npm run rebuild:electron -- --platform=win32 --arch=x64');
    const builder = steps.findIndex((step) => step.startsWith('electron-builder'));
    expect(rebuild).toBeGreaterThanOrEqual(0);
    expect(builder).toBeGreaterThan(rebuild);
  });

  it('refuses to guess when the electron package is absent', () => {
    expect(() => assertPackagedBuild(root, win64)).toThrow(
      'Le paquet « electron » est absent de node_modules',
    );
  });

  it('refuses to guess when better-sqlite3’s version cannot be read', () => {
    fakeRepo({ electron: '41.7.1', betterSqlite3: null, buildInfo: windowsBuild });
    expect(() => assertPackagedBuild(root, win64)).toThrow(
      'Le paquet « better-sqlite3 » est absent de node_modules ou illisible',
    );
  });

  it('is wired into electron-builder as its beforePack hook, on the repository’s own folder', () => {
    expect(typeof config.beforePack).toBe('function');
    const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const hook = () => config.beforePack({ electronPlatformName: 'win32', arch: 1 });
    const electron = installedElectronVersion(repoRoot);
    if (!electron) {
      expect(hook).toThrow(nativeText.electronMissing);
      return;
    }
    const verdict = checkLocalElectronBuild(repoRoot, electron, { platform: 'win32', arch: 'x64' });
    // Whatever this machine holds, the hook agrees with the check: it passes a win32/x64 build
    // for the installed Electron and refuses anything else.
    if (verdict.ok) expect(hook).not.toThrow();
    else expect(hook).toThrow(`Paquet d’installation refusé : ${verdict.message}.`);
  });
});
