// Start-up of src/main/index.ts when support's GUICHET_DATA_DIR names a folder Guichet must not
// use (here a relative path, which would depend on where the program was started from): one
// French message saying what to do, an exit with an error, and nothing opened — no log file, no
// database, no window, no IPC channel.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { fake, waitFor } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const base = mkdtempSync(path.join(tmpdir(), 'guichet-main-datadir-'));
const before = process.env.GUICHET_DATA_DIR;
afterAll(() => {
  if (before === undefined) delete process.env.GUICHET_DATA_DIR;
  else process.env.GUICHET_DATA_DIR = before;
  rmSync(base, { recursive: true, force: true });
});

it('refuses a data folder that is not a full path, before opening anything', async () => {
  fake.appPath = path.join(base, 'app');
  fake.userData = path.join(base, 'userData');
  mkdirSync(fake.appPath, { recursive: true });
  process.env.GUICHET_DATA_DIR = 'donnees/guichet';

  await import('../../src/main/index');
  fake.fireReady();
  await waitFor(() => fake.exitCode !== null, 'sortie');

  expect(fake.exitCode).toBe(1);
  expect(fake.errorBoxes).toHaveLength(1);
  const [title, message] = fake.errorBoxes[0]!;
  expect(title).toBe('Guichet ne peut pas démarrer');
  expect(message).toContain('GUICHET_DATA_DIR');
  expect(message).toContain('donnees/guichet');
  expect(message).toContain('chemin complet');
  expect(fake.windows).toEqual([]);
  expect(fake.ipc.size).toBe(0);
  expect(fake.ipcOn.size).toBe(0);
  expect(existsSync(fake.userData)).toBe(false);
  expect(readdirSync(base)).toEqual(['app']);
}, 30_000);
