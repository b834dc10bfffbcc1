// The Windows packaging, checked without building: electron-builder's own schema accepts the
// configuration; the installer is NSIS, per machine, with its include that opens the data folder
// to the Users group; better-sqlite3's Electron build, the migrations and the fonts land where
// the application looks for them; installers are named for differential updates; the feed comes
// from the environment at build time; and the packages left out of app.asar (the interface's,
// the portal's, and what only they need) are really unused by the main process as
// built in out/main.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';
import { describe, expect, it, vi } from 'vitest';
import config, {
  ARTIFACT_NAME,
  LEFT_OUT_PACKAGES,
  PORTAL_ONLY_PACKAGES,
  RENDERER_ONLY_PACKAGES,
  UPDATE_FEED_ENV,
  leftOutDependencies,
} from '../../electron-builder';
import { dependencyClosure, readPackageLock, topLevelName } from '../../scripts/package-graph';
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
    for (const pkg of LEFT_OUT_PACKAGES) {
      const users = [...imported].filter((s) => s === pkg || s.startsWith(`${pkg}/`));
      expect(users, pkg).toEqual([]);
      expect(config.files, pkg).toContain(`!node_modules/${pkg}/**`);
    }
    // And the ones it does import stay in.
    for (const needed of ['better-sqlite3', 'pino', 'pdf-lib', 'zod', 'electron-updater']) {
      expect(imported.has(needed), needed).toBe(true);
      expect(LEFT_OUT_PACKAGES).not.toContain(needed);
    }
  });

  /** Whether one of the configuration's `!node_modules/<p>/**` patterns leaves `name` out. */
  const excluded = (name: string): boolean =>
    config.files.some((f) => {
      const m = /^!node_modules\/(.+)\/\*\*$/.exec(f);
      return m !== null && (name === m[1] || name.startsWith(`${m[1]}/`));
    });

  it('leaves out the portal’s packages and what only they need', () => {
    for (const pkg of [...RENDERER_ONLY_PACKAGES, ...PORTAL_ONLY_PACKAGES]) {
      expect(excluded(pkg), pkg).toBe(true);
    }
    expect(PORTAL_ONLY_PACKAGES).toEqual(['pg', '@electric-sql/pglite', 'nodemailer']);
    // Their own dependencies go with them: pg's protocol, fastify's router, React's scheduler.
    const deps = leftOutDependencies();
    for (const dep of ['pg-protocol', 'pg-pool', 'find-my-way', 'avvio', 'prop-types']) {
      expect(deps, dep).toContain(dep);
      expect(excluded(dep), dep).toBe(true);
    }
  });

  // What the built main process really loads, read from out/main (npx electron-vite build).
  const built = existsSync(path.join('out', 'main', 'index.js'));
  it.skipIf(!built)('keeps every package out/main imports, with all it needs', () => {
    const imported = new Set<string>();
    for (const name of readdirSync(path.join('out', 'main'))) {
      if (!name.endsWith('.js')) continue;
      const text = readFileSync(path.join('out', 'main', name), 'utf8');
      const specifiers = text.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["']([^"'.][^"']*)["']/gm,
      );
      for (const [, spec] of specifiers) {
        if (spec!.startsWith('node:') || spec === 'electron') continue;
        const parts = spec!.split('/');
        imported.add(spec!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
    // The engine's own packages must be among them, or the scan above has stopped working.
    for (const needed of ['better-sqlite3', 'drizzle-orm', 'pino', 'pdf-lib', 'electron-updater']) {
      expect(imported.has(needed), needed).toBe(true);
    }
    const lock = readPackageLock('.');
    const needed = [...dependencyClosure(lock, [...imported])]
      .map(topLevelName)
      .filter((n): n is string => n !== null);
    expect(needed.length).toBeGreaterThan(imported.size);
    for (const name of needed) expect(excluded(name), name).toBe(false);
    for (const pkg of PORTAL_ONLY_PACKAGES) {
      expect(imported.has(pkg), pkg).toBe(false);
    }
  });
});
