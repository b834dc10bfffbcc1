// The real probe on this machine's file system: links resolved, the nearest existing parent
// used for a folder not created yet, the file system type read, and the write test leaving
// nothing behind. Its Windows half (PowerShell, WMIC) is driven with fakes in
// data-location.test.ts.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemFolderProbe } from '../../src/core/admin/folder-probe';
import { checkDataDir } from '../../src/main/data-location';

const base = mkdtempSync(path.join(tmpdir(), 'guichet-probe-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const probe = systemFolderProbe({ platform: 'linux' });

describe('systemFolderProbe', () => {
  it('resolves links, from the nearest parent that exists', async () => {
    const target = path.join(base, 'cible');
    mkdirSync(target);
    symlinkSync(target, path.join(base, 'lien'));
    expect(await probe.realpath(path.join(base, 'lien', 'Guichet', 'pas-encore'))).toBe(target);
  });

  it('reads the file system type of a folder not created yet', async () => {
    const type = await probe.fsType(path.join(base, 'a', 'b'));
    expect(typeof type).toBe('number');
  });

  it('creates the folder and leaves nothing of its write test', async () => {
    const dir = path.join(base, 'donnees', 'Guichet');
    expect(await probe.ensureWritable(dir)).toEqual({ ok: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports why a folder cannot be written', async () => {
    const file = path.join(base, 'fichier');
    writeFileSync(file, 'x');
    const verdict = await probe.ensureWritable(path.join(file, 'Guichet'));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.code).toMatch(/^E[A-Z]+$/);
  });

  it.skipIf(process.getuid?.() === 0)('reports EACCES for a read-only folder', async () => {
    const dir = path.join(base, 'lecture-seule');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    expect(await probe.ensureWritable(dir)).toEqual({ ok: false, code: 'EACCES' });
    chmodSync(dir, 0o755);
  });

  it('lets checkDataDir accept a local temporary folder on this machine', async () => {
    const dir = path.join(base, 'local');
    expect(await checkDataDir({ dir, platform: 'linux', env: {}, probe })).toEqual({
      ok: true,
      dir,
    });
  });
});
