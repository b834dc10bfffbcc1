// The web build of the renderer, served by the browser-mode host (src/host/) from dist-web/.
// The Electron build of the same renderer is configured in electron.vite.config.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(root, 'src', 'renderer'),
  // Relative asset URLs work under http://127.0.0.1:PORT/ and under Electron's app:// alike.
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist-web'),
    emptyOutDir: true,
    // The host's CSP forbids inline scripts; keeping every asset a file also keeps data: URLs
    // out of script-src.
    assetsInlineLimit: 0,
    target: 'es2023',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1' },
});
