// Windows packaging for the counters: one NSIS installer, installed per machine, that updates
// itself from the feed this machine's settings name. The README's « Installation sur les postes
// Windows » explains the choices to a mairie's IT; tests/main/electron-builder.test.ts holds the
// configuration to them.
//
// better-sqlite3 is rebuilt for Electron by `npm run rebuild:electron` into out/native and
// shipped beside app.asar (extraResources), never inside it: Node cannot load a .node file from
// an archive. npmRebuild stays off so that the Node build used by the tests is never replaced.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// electron-builder exports the context given to beforePack and afterPack under one name.
import type { AfterPackContext as PackContext, Configuration } from 'electron-builder';
import { assertPackagedBuild } from './scripts/native-build';
import { packagesOnlyNeededBy, readPackageLock } from './scripts/package-graph';
import { electronFuses } from './src/main/fuses';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * Refuses to pack unless out/native/electron holds better-sqlite3 built for the installer's
 * system and processor (win32/x64) and for the installed Electron. `npm run rebuild:electron`
 * builds for the machine it runs on, so on Linux it yields a Linux module: shipped, it would
 * stop every counter at start-up with a message only a developer understands.
 */
export function beforePack(context: Pick<PackContext, 'electronPlatformName' | 'arch'>) {
  assertPackagedBuild(repoRoot, { platform: context.electronPlatformName, arch: context.arch });
}

/**
 * Where the published installers and latest.yml will be served. Each installation reads its own
 * feed from its settings (update_feed_url) at run time; this address only goes into the
 * app-update.yml electron-builder writes and into what `--publish` uploads to. The placeholder is
 * a reserved name that resolves nowhere.
 */
export const UPDATE_FEED_ENV = 'GUICHET_UPDATE_FEED_URL';
const updateFeedUrl = process.env[UPDATE_FEED_ENV] || 'https://mises-a-jour.guichet.invalid/';

/**
 * No spaces, and the version in the name: the feed keeps each release's installer and its
 * .blockmap side by side, and electron-updater downloads only the blocks that changed between
 * the installed version's blockmap and the new one.
 */
export const ARTIFACT_NAME = '${productName}-Setup-${version}.${ext}';

/**
 * Runtime dependencies the main process never loads: the interface is bundled by Vite into
 * out/renderer, and the HTTP host is for browser mode. Left out of app.asar they save well over
 * 100 MB per installer and per update. tests/main/electron-builder.test.ts checks that nothing
 * under src/main, src/core or src/shared imports them.
 */
export const RENDERER_ONLY_PACKAGES = [
  'react',
  'react-dom',
  'scheduler',
  '@mantine',
  '@tabler',
  'fastify',
  '@fastify',
] as const;

/** The central portal's packages (PostgreSQL, its in-process test database, mail). */
export const PORTAL_ONLY_PACKAGES = ['pg', '@electric-sql/pglite', 'nodemailer'] as const;

/** Every package left out of app.asar by name; a scope (`@mantine`) stands for all of its own. */
export const LEFT_OUT_PACKAGES: readonly string[] = [
  ...RENDERER_ONLY_PACKAGES,
  ...PORTAL_ONLY_PACKAGES,
];

const leftOut = (name: string): boolean =>
  LEFT_OUT_PACKAGES.some((p) => name === p || name.startsWith(`${p}/`));

/**
 * What the packages left out need and nothing else does (fastify's router, pg's protocol,
 * React's scheduler...), from package-lock.json: electron-builder copies every production
 * dependency with its own dependencies, so leaving out a package alone would still ship them.
 */
export function leftOutDependencies(root: string = repoRoot): string[] {
  const lock = readPackageLock(root);
  const declared = Object.keys(lock.packages['']?.dependencies ?? {});
  return packagesOnlyNeededBy(
    lock,
    declared.filter(leftOut),
    declared.filter((d) => !leftOut(d)),
  ).filter((name) => !leftOut(name));
}

export default {
  appId: 'fr.guichet.caisse',
  productName: 'Guichet',
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'package.json',
    ...LEFT_OUT_PACKAGES.map((p) => `!node_modules/${p}/**`),
    ...leftOutDependencies().map((p) => `!node_modules/${p}/**`),
    // Node's build of better-sqlite3 (never loaded: the app passes the Electron build to
    // `nativeBinding`) and its C sources.
    '!node_modules/better-sqlite3/build/**',
    '!node_modules/better-sqlite3/deps/**',
    '!node_modules/better-sqlite3/src/**',
  ],
  extraResources: [
    { from: 'out/native/electron', to: 'native', filter: ['better_sqlite3.node'] },
    { from: 'migrations', to: 'migrations' },
    { from: 'resources/fonts', to: 'fonts' },
  ],
  npmRebuild: false,
  beforePack,
  electronFuses,
  publish: [{ provider: 'generic', url: updateFeedUrl }],
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    artifactName: ARTIFACT_NAME,
  },
  nsis: {
    // Per machine: the counter's data is the machine's (%ProgramData%\Guichet), and every agent's
    // Windows session must run the same installed version against it. See the README for what
    // it costs: installing and updating need administrator rights.
    perMachine: true,
    oneClick: true,
    allowElevation: true,
    artifactName: ARTIFACT_NAME,
    // Blockmaps for differential downloads (the default, stated so that it is not lost).
    differentialPackage: true,
    // Creates %ProgramData%\Guichet and lets the Users group modify it (see the file).
    include: 'build/installer.nsh',
    // The ledger is never deleted by an uninstall.
    deleteAppDataOnUninstall: false,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Guichet',
    installerLanguages: ['fr_FR'],
    language: '1036',
  },
} satisfies Configuration;
