// Starts Guichet in browser mode the way a person would (`tsx src/host/cli.ts`), on a free port
// and a throw-away data folder with the demo commune, then passes the printed address to the
// tests through the environment. The returned function stops it and removes the folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 120_000;

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'guichet-e2e-'));
  // Node with tsx's loader runs the CLI in this one process, so stopping it is one signal.
  const args = [
    '--import',
    'tsx',
    'src/host/cli.ts',
    '--port',
    '0',
    '--data',
    dataDir,
    '--no-open',
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, GUICHET_LOG_LEVEL: process.env.GUICHET_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new Error(`Le serveur local n’a pas démarré à temps.\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#secret=[A-Za-z0-9_-]+)/.exec(stdout);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Le serveur local s’est arrêté (code ${code}).\n${stderr}`));
    });
  });

  process.env.GUICHET_E2E_URL = url;
  process.env.GUICHET_E2E_DATA = dataDir;

  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}
