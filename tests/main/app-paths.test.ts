import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPaths, devRendererUrl } from '../../src/main/app-paths';

describe('appPaths', () => {
  it('reads everything from the repository in development', () => {
    const p = appPaths({
      isPackaged: false,
      appPath: '/repo',
      resourcesPath: '/electron/resources',
      dataDir: '/home/agent/.config/guichet',
    });
    expect(p).toEqual({
      rendererDir: path.join('/repo', 'out', 'renderer'),
      preloadFile: path.join('/repo', 'out', 'preload', 'index.cjs'),
      coreEntry: path.join('/repo', 'out', 'main', 'core-process.js'),
      migrationsDir: path.join('/repo', 'migrations'),
      sqliteBinding: path.join('/repo', 'out', 'native', 'electron', 'better_sqlite3.node'),
      dataDir: '/home/agent/.config/guichet',
      dbFile: path.join('/home/agent/.config/guichet', 'guichet.sqlite'),
      backupDir: path.join('/home/agent/.config/guichet', 'sauvegardes'),
      logFile: path.join('/home/agent/.config/guichet', 'journaux', 'guichet.log'),
    });
  });

  it('reads code from app.asar and migrations and the native module beside it once packaged', () => {
    const p = appPaths({
      isPackaged: true,
      appPath: '/opt/Guichet/resources/app.asar',
      resourcesPath: '/opt/Guichet/resources',
      dataDir: '/data',
    });
    expect(p.rendererDir).toBe(path.join('/opt/Guichet/resources/app.asar', 'out', 'renderer'));
    expect(p.preloadFile).toBe(
      path.join('/opt/Guichet/resources/app.asar', 'out', 'preload', 'index.cjs'),
    );
    // The core's process starts from inside the archive, as the main process does.
    expect(p.coreEntry).toBe(
      path.join('/opt/Guichet/resources/app.asar', 'out', 'main', 'core-process.js'),
    );
    expect(p.migrationsDir).toBe(path.join('/opt/Guichet/resources', 'migrations'));
    expect(p.sqliteBinding).toBe(
      path.join('/opt/Guichet/resources', 'native', 'better_sqlite3.node'),
    );
    expect(p.dbFile).toBe(path.join('/data', 'guichet.sqlite'));
  });
});

describe('devRendererUrl', () => {
  it('follows electron-vite dev on the loopback interface', () => {
    expect(devRendererUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false)).toBe(
      'http://localhost:5173/',
    );
    expect(devRendererUrl({ ELECTRON_RENDERER_URL: 'http://127.0.0.1:5174/' }, false)).toBe(
      'http://127.0.0.1:5174/',
    );
  });

  it('is ignored by a packaged application and refuses anything not local', () => {
    expect(devRendererUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true)).toBeNull();
    expect(devRendererUrl({}, false)).toBeNull();
    for (const url of [
      'https://localhost:5173',
      'http://evil.example:5173',
      'http://localhost.evil.example/',
      'http://user@localhost:5173',
      'file:///tmp/index.html',
      'not a url',
    ]) {
      expect(devRendererUrl({ ELECTRON_RENDERER_URL: url }, false), url).toBeNull();
    }
  });
});
