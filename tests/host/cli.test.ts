import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PORT, UsageError, parseBrowserModeArgs } from '../../src/host/browser-mode';
import { repoRoot, webBuildIsStale } from '../../src/host/web-build';

describe('browser-mode flags', () => {
  it('defaults to port 8787, .data/ in the repository, the demo commune and opening the browser', () => {
    expect(parseBrowserModeArgs([])).toEqual({
      port: DEFAULT_PORT,
      dataDir: path.join(repoRoot, '.data'),
      seed: 'demo',
      open: true,
    });
  });

  it('reads --port, --data, --empty and --no-open', () => {
    expect(
      parseBrowserModeArgs(['--port', '0', '--data', '/tmp/x', '--empty', '--no-open']),
    ).toEqual({
      port: 0,
      dataDir: '/tmp/x',
      seed: 'empty',
      open: false,
    });
    expect(parseBrowserModeArgs(['--browser', '--port=9000']).port).toBe(9000);
  });

  it('reads --seed: none opens an empty database on the setup screen, as the installed app', () => {
    expect(parseBrowserModeArgs(['--seed', 'none']).seed).toBe('none');
    expect(parseBrowserModeArgs(['--seed=empty']).seed).toBe('empty');
    expect(parseBrowserModeArgs(['--seed', 'demo', '--browser']).seed).toBe('demo');
    expect(() => parseBrowserModeArgs(['--seed', 'vide'])).toThrow(UsageError);
    expect(() => parseBrowserModeArgs(['--seed', 'vide'])).toThrow(
      'Valeur de --seed inconnue : « vide ». Choisissez demo, empty ou none.',
    );
    expect(() => parseBrowserModeArgs(['--seed', 'none', '--empty'])).toThrow(
      'Choisissez --empty ou --seed, pas les deux.',
    );
  });

  it('refuses a bad port or an unknown flag in French', () => {
    for (const bad of [['--port=-1'], ['--port', '70000'], ['--port', '80a'], ['--port', '1.5']]) {
      expect(() => parseBrowserModeArgs(bad)).toThrow(UsageError);
      expect(() => parseBrowserModeArgs(bad)).toThrow(/Port invalide/);
    }
    expect(() => parseBrowserModeArgs(['--vite'])).toThrow(/Option inconnue : --vite/);
    expect(() => parseBrowserModeArgs(['--port'])).toThrow(/Valeur manquante/);
    expect(() => parseBrowserModeArgs(['extra'])).toThrow(/Argument inattendu/);
  });
});

describe('web build staleness', () => {
  let root: string | null = null;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = null;
  });

  function fakeRepo(): string {
    root = mkdtempSync(path.join(os.tmpdir(), 'guichet-web-'));
    mkdirSync(path.join(root, 'src', 'renderer', 'screens'), { recursive: true });
    mkdirSync(path.join(root, 'src', 'shared'), { recursive: true });
    writeFileSync(path.join(root, 'src', 'renderer', 'screens', 'a.tsx'), 'x');
    writeFileSync(path.join(root, 'src', 'shared', 'money.ts'), 'x');
    writeFileSync(path.join(root, 'vite.web.config.ts'), 'x');
    return root;
  }

  function touch(p: string, secondsAgo: number) {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(p, t, t);
  }

  it('is stale when dist-web is missing', () => {
    expect(webBuildIsStale(fakeRepo())).toBe(true);
  });

  it('is fresh when dist-web is newer than every source, stale when any source is newer', () => {
    const r = fakeRepo();
    for (const p of [
      'src/renderer/screens/a.tsx',
      'src/renderer/screens',
      'src/renderer',
      'src/shared/money.ts',
      'src/shared',
      'src',
      'vite.web.config.ts',
    ]) {
      touch(path.join(r, p), 100);
    }
    mkdirSync(path.join(r, 'dist-web'));
    writeFileSync(path.join(r, 'dist-web', 'index.html'), '<html>');
    // Explicit times: two writes in a row can share one mtime on coarse file systems.
    touch(path.join(r, 'dist-web', 'index.html'), 50);
    expect(webBuildIsStale(r)).toBe(false);
    writeFileSync(path.join(r, 'src', 'shared', 'money.ts'), 'changed');
    touch(path.join(r, 'src', 'shared', 'money.ts'), 10);
    expect(webBuildIsStale(r)).toBe(true);
  });
});
