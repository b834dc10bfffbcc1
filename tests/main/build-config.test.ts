// The desktop build's output, checked from electron.vite.config.ts itself: the files the
// application loads at run time must be the ones the build emits. The sandboxed preload must be
// one CommonJS file (index.cjs): an ES module or a require of node_modules would leave the
// window without its bridge. The engine's process (core-process.js) and the backup
// verification's worker (verify-worker.js) are started by path, so each must be an entry of the
// main build of its own, beside index.js. better-sqlite3 must stay outside the bundle, since a
// native module cannot be bundled and the Electron build is handed to it at run time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { UserConfig } from 'electron-vite';
import { describe, expect, it } from 'vitest';
import config from '../../electron.vite.config';
import { appPaths } from '../../src/main/app-paths';

const root = path.resolve(__dirname, '..', '..');
// defineConfig hands an object configuration back as it is; a function would need an env.
const build = config as UserConfig;
const main = build.main?.build;
const preload = build.preload?.build;

/** The main build's entries, by output name, as paths relative to the repository. */
function mainEntries(): Record<string, string> {
  const lib = main?.lib;
  const entry = lib && typeof lib === 'object' ? lib.entry : undefined;
  expect(entry, 'main.build.lib.entry').toBeTypeOf('object');
  expect(Array.isArray(entry), 'main.build.lib.entry is named, not a list').toBe(false);
  return Object.fromEntries(
    Object.entries(entry as Record<string, string>).map(([name, file]) => [
      name,
      path.relative(root, file).split(path.sep).join('/'),
    ]),
  );
}

describe('electron.vite.config.ts', () => {
  it('is an object configuration with main, preload and renderer builds', () => {
    expect(typeof config).toBe('object');
    expect(Object.keys(build).sort()).toEqual(['main', 'preload', 'renderer']);
  });

  it('builds the sandboxed preload as one CommonJS file, index.cjs, where the window loads it', () => {
    const output = preload?.rolldownOptions?.output;
    expect(Array.isArray(output)).toBe(false);
    expect(output).toMatchObject({ format: 'cjs', entryFileNames: 'index.cjs' });
    expect(preload?.externalizeDeps).toBe(false);
    expect(path.relative(root, String(preload?.outDir))).toBe(path.join('out', 'preload'));
    const paths = appPaths({ isPackaged: false, appPath: root, resourcesPath: '', dataDir: 'D' });
    expect(paths.preloadFile).toBe(path.join(root, 'out', 'preload', 'index.cjs'));
  });

  it('has the main process and the verification worker as main entries', () => {
    const entries = mainEntries();
    expect(entries.index).toBe('src/main/index.ts');
    expect(entries['verify-worker']).toBe('src/core/admin/verify-worker.ts');
    expect(path.relative(root, String(main?.outDir))).toBe(path.join('out', 'main'));
    for (const file of Object.values(entries)) expect(existsSync(path.join(root, file))).toBe(true);
  });

  it('has the engine’s process as a main entry, emitted as out/main/core-process.js', () => {
    const entries = mainEntries();
    expect(
      entries['core-process'],
      'electron.vite.config.ts : entrée « core-process » (src/main/core-process/entry.ts) absente du build main',
    ).toBe('src/main/core-process/entry.ts');
    expect(existsSync(path.join(root, 'src', 'main', 'core-process', 'entry.ts'))).toBe(true);
  });

  it('keeps better-sqlite3 out of the main bundle', () => {
    const externalize = main?.externalizeDeps;
    expect(externalize).toBeTypeOf('object');
    expect((externalize as { include?: string[] }).include).toContain('better-sqlite3');
    expect((externalize as { exclude?: string[] }).exclude ?? []).not.toContain('better-sqlite3');
  });
});
