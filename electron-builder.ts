// Windows packaging for the counters: one NSIS installer, installed per machine, that updates
// itself from the feed this machine's settings name. The README's « Installation sur les postes
// Windows » explains the choices to a mairie's IT; tests/main/electron-builder.test.ts holds the
// configuration to them.
//
// better-sqlite3 is rebuilt for Electron by `npm run rebuild:electron` into out/native and
// shipped beside app.asar (extraResources), never inside it: Node cannot load a .node file from
// an archive. npmRebuild stays off so that the Node build used by the tests is never replaced.
import type { Configuration } from 'electron-builder';
import { electronFuses } from './src/main/fuses';

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

export default {
  appId: 'fr.guichet.caisse',
  productName: 'Guichet',
  directories: { output: 'release', buildResources: 'build' },
  files: [
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    'package.json',
    ...RENDERER_ONLY_PACKAGES.map((p) => `!node_modules/${p}/**`),
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
