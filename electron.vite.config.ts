// The desktop build: main process, preload and renderer, into out/. The renderer is the same
// React application as the browser-mode build (vite.web.config.ts) with the same plugin and
// asset settings; only its output folder differs.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * electron-vite picks the Node and Chrome targets from the installed electron package. Where
 * npm left that package out (no runtime can be downloaded on this machine), the build still
 * works from the major version declared in package.json (as a dev or optional dependency),
 * which is the one a counter's installation would get.
 */
function electronMajor(): string {
  try {
    const pkg = require('electron/package.json') as { version: string };
    return pkg.version.split('.')[0] ?? '';
  } catch {
    const own = require('./package.json') as {
      optionalDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const declared = own.optionalDependencies?.electron ?? own.devDependencies?.electron ?? '';
    const major = /(\d+)/.exec(declared)?.[1];
    if (!major) throw new Error('Version d’Electron introuvable dans package.json.');
    return major;
  }
}
process.env.ELECTRON_MAJOR_VER ??= electronMajor();

export default defineConfig({
  main: {
    build: {
      outDir: path.join(root, 'out', 'main'),
      // The core runs in its own process (src/main/core-process/), started from
      // out/main/core-process.js; the backup verification runs in a worker thread
      // (src/core/admin/backup-verify.ts), which loads out/main/verify-worker.js. Both sit beside
      // index.js and the shared chunks.
      lib: {
        entry: {
          index: path.join(root, 'src', 'main', 'index.ts'),
          'core-process': path.join(root, 'src', 'main', 'core-process', 'entry.ts'),
          'verify-worker': path.join(root, 'src', 'core', 'admin', 'verify-worker.ts'),
        },
      },
      // Runtime dependencies stay in node_modules and are loaded by Node at run time, as in any
      // Node program; better-sqlite3 in particular is a native module that cannot be bundled.
      externalizeDeps: { include: ['better-sqlite3'] },
      sourcemap: true,
    },
  },
  preload: {
    build: {
      outDir: path.join(root, 'out', 'preload'),
      lib: { entry: path.join(root, 'src', 'preload', 'index.ts') },
      // A sandboxed preload cannot load modules from node_modules, nor be an ES module: it is
      // one CommonJS file requiring nothing but 'electron'.
      externalizeDeps: false,
      rolldownOptions: {
        output: { format: 'cjs', entryFileNames: 'index.cjs' },
      },
    },
  },
  renderer: {
    root: path.join(root, 'src', 'renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: path.join(root, 'out', 'renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: path.join(root, 'src', 'renderer', 'index.html') },
      // Same as the web build: every asset a file, so that the CSP needs no data: for scripts
      // or fonts.
      assetsInlineLimit: 0,
      target: 'es2023',
      sourcemap: false,
      chunkSizeWarningLimit: 1500,
    },
  },
});
