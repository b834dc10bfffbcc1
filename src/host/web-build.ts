// Browser mode serves the UI from dist-web/. A checkout, or a change to the renderer, leaves that
// folder missing or stale; rebuilding it here saves the person from serving yesterday's screens.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The repository root, two levels above this file (src/host/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultWebDir = path.join(repoRoot, 'dist-web');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** The UI's inputs: its own sources, the contract it imports and the build configuration. */
function sourcesMtime(root: string): number {
  return Math.max(
    newestMtime(path.join(root, 'src', 'renderer')),
    newestMtime(path.join(root, 'src', 'shared')),
    newestMtime(path.join(root, 'vite.web.config.ts')),
  );
}

export function webBuildIsStale(root = repoRoot, webDir = path.join(root, 'dist-web')): boolean {
  const index = path.join(webDir, 'index.html');
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < sourcesMtime(root);
}

/**
 * Runs `vite build --config vite.web.config.ts` when dist-web is missing or older than its
 * sources. Vite's own output goes to stderr so that stdout keeps only the address to open.
 */
export function ensureWebBuild(root = repoRoot): { built: boolean } {
  if (!webBuildIsStale(root)) return { built: false };
  const require = createRequire(import.meta.url);
  const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const run = spawnSync(process.execPath, [viteBin, 'build', '--config', 'vite.web.config.ts'], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (run.status !== 0) {
    throw new Error(
      'La construction de l’interface web a échoué (voir les messages ci-dessus). Corrigez puis relancez.',
    );
  }
  return { built: true };
}
