// Start-up of src/main/index.ts when the Electron build of better-sqlite3 is missing (the
// developer forgot `npm run rebuild:electron`, or an installation lost the file): the person
// gets one French message saying what to do, the application exits with an error, and no
// window or IPC channel is ever opened.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { fake, waitFor } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const base = mkdtempSync(path.join(tmpdir(), 'guichet-main-fail-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

it('refuses to start without the Electron build of better-sqlite3, saying what to run', async () => {
  fake.appPath = path.join(base, 'app');
  fake.userData = path.join(base, 'userData');
  mkdirSync(fake.appPath, { recursive: true });

  await import('../../src/main/index');
  fake.fireReady();
  await waitFor(() => fake.exitCode !== null, 'sortie');

  expect(fake.exitCode).toBe(1);
  expect(fake.errorBoxes).toHaveLength(1);
  const [title, message] = fake.errorBoxes[0]!;
  expect(title).toBe('Guichet ne peut pas démarrer');
  expect(message).toContain('npm run rebuild:electron');
  expect(message).toContain(path.join('out', 'native', 'electron', 'better_sqlite3.node'));
  expect(fake.windows).toEqual([]);
  expect(fake.ipc.size).toBe(0);
  expect(existsSync(path.join(fake.userData, 'guichet.sqlite'))).toBe(false);
}, 30_000);
