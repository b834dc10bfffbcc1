// Windows packaging for the counters (issue 8 completes it: NSIS choices, update feed).
// better-sqlite3 is rebuilt for Electron by `npm run rebuild:electron` into out/native so that
// the Node build used by the tests is never replaced; npmRebuild stays off for the same reason.
import type { Configuration } from 'electron-builder';
import { electronFuses } from './src/main/fuses';

export default {
  appId: 'fr.guichet.caisse',
  productName: 'Guichet',
  directories: { output: 'release' },
  files: ['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json'],
  extraResources: [
    { from: 'out/native/electron', to: 'native', filter: ['better_sqlite3.node'] },
    { from: 'migrations', to: 'migrations' },
    { from: 'resources/fonts', to: 'fonts' },
  ],
  npmRebuild: false,
  electronFuses,
  win: { target: 'nsis' },
} satisfies Configuration;
