// The Windows packaging, checked without building: electron-builder's own schema accepts the
// configuration; the installer is NSIS, per machine, with its include that opens the data folder
// to the Users group; better-sqlite3's Electron build, the migrations and the fonts land where
// the application looks for them; installers are named for differential updates; the feed comes
// from the environment at build time; and the packages left out of app.asar are really unused
// by the main process.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { describe, expect, it, vi } from 'vitest';
import config, {
  ARTIFACT_NAME,
  RENDERER_ONLY_PACKAGES,
  UPDATE_FEED_ENV,
} from '../../electron-builder';
import { appPaths } from '../../src/main/app-paths';
import { WINDOWS_DATA_FOLDER } from '../../src/main/data-location';
import { electronFuses } from '../../src/main/fuses';

type ExtraResource = { from: string; to: string; filter?: string[] };
const extra = () => config.extraResources as ExtraResource[];

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own validation', async () => {
    await expect(
      validateConfiguration(config as Configuration, new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('builds an NSIS installer installed per machine, with the fuses flipped', () => {
    expect(config.win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis.perMachine).toBe(true);
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
    expect(config.npmRebuild).toBe(false);
    expect(config.electronFuses).toBe(electronFuses);
  });

  it('ships better-sqlite3’s Electron build, the migrations and the fonts where the app reads them', () => {
    const packaged = appPaths({
      isPackaged: true,
      appPath: path.join('R', 'app.asar'),
      resourcesPath: 'R',
      dataDir: 'D',
    });
    const sqlite = extra().find((r) => r.filter?.includes('better_sqlite3.node'));
    expect(sqlite?.from).toBe(path.join('out', 'native', 'electron'));
    expect(path.join('R', sqlite!.to, 'better_sqlite3.node')).toBe(packaged.sqliteBinding);
    const migrations = extra().find((r) => r.from === 'migrations');
    expect(path.join('R', migrations!.to)).toBe(packaged.migrationsDir);
    expect(existsSync(path.join('migrations', 'meta', '_journal.json'))).toBe(true);
    // src/core/pdf/fonts.ts looks for fonts/ under Electron's resourcesPath.
    const fonts = extra().find((r) => r.from === 'resources/fonts');
    expect(fonts?.to).toBe('fonts');
    expect(readdirSync('resources/fonts').some((f) => f.endsWith('.ttf'))).toBe(true);
  });

  it('keeps Node’s build of better-sqlite3 and its sources out of the archive', () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        '!node_modules/better-sqlite3/build/**',
        '!node_modules/better-sqlite3/deps/**',
      ]),
    );
  });

  it('names installers with their version and keeps blockmaps for differential updates', () => {
    expect(ARTIFACT_NAME).toBe('${productName}-Setup-${version}.${ext}');
    expect(config.win.artifactName).toBe(ARTIFACT_NAME);
    expect(config.nsis.artifactName).toBe(ARTIFACT_NAME);
    expect(ARTIFACT_NAME).not.toContain(' ');
    expect(config.nsis.differentialPackage).not.toBe(false);
    expect(config.publish).toEqual([
      { provider: 'generic', url: expect.stringMatching(/^https:/) },
    ]);
  });

  it('takes the publish feed from the environment at build time', async () => {
    const before = process.env[UPDATE_FEED_ENV];
    process.env[UPDATE_FEED_ENV] = 'https://portail.mairie.fr/guichet/mises-a-jour/';
    try {
      vi.resetModules();
      const fresh = (await import('../../electron-builder')).default;
      expect(fresh.publish).toEqual([
        { provider: 'generic', url: 'https://portail.mairie.fr/guichet/mises-a-jour/' },
      ]);
    } finally {
      if (before === undefined) delete process.env[UPDATE_FEED_ENV];
      else process.env[UPDATE_FEED_ENV] = before;
    }
  });

  it('includes the NSIS script that opens %ProgramData%\\Guichet to the Users group', () => {
    const include = config.nsis.include;
    expect(include).toBe('build/installer.nsh');
    const script = readFileSync(include, 'utf8');
    expect(script).toMatch(/!macro customInstall[\s\S]*!macroend/);
    expect(script).toContain(`CreateDirectory "$0\\${WINDOWS_DATA_FOLDER}"`);
    expect(script).toContain(
      `icacls.exe" "$0\\${WINDOWS_DATA_FOLDER}" /grant *S-1-5-32-545:(OI)(CI)M`,
    );
    // makensis reads an include without a byte-order mark in the system code page.
    expect([...script].every((c) => c.charCodeAt(0) < 128)).toBe(true);
  });

  it('leaves out of app.asar only packages the main process never imports', () => {
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.tsx?$/.test(name)) sources.push(p);
      }
    };
    for (const dir of ['src/main', 'src/core', 'src/shared']) walk(dir);
    expect(sources.length).toBeGreaterThan(50);
    const imported = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*'([^.'][^']*)'/g)) imported.add(m[1]!);
    }
    for (const pkg of RENDERER_ONLY_PACKAGES) {
      const users = [...imported].filter((s) => s === pkg || s.startsWith(`${pkg}/`));
      expect(users, pkg).toEqual([]);
      expect(config.files, pkg).toContain(`!node_modules/${pkg}/**`);
    }
    // And the ones it does import stay in.
    for (const needed of ['better-sqlite3', 'pino', 'pdf-lib', 'zod', 'electron-updater']) {
      expect(imported.has(needed), needed).toBe(true);
      expect(RENDERER_ONLY_PACKAGES as readonly string[]).not.toContain(needed);
    }
  });
});
