// The backup folder setting on the counters' Windows: a drive letter mapped to a share looks
// local in its spelling, so the core asks Windows what the drive is, with the probe the desktop
// shell uses for the data folder. Here the probe is a fake that answers as Windows would, the
// paths are hostile, and every refusal is a French VALIDATION error that writes nothing to the
// disk and changes nothing in the settings or the journal. The real probe runs on this machine
// in the last tests (Linux: statfs, a temporary folder).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  backupFolderMessages,
  checkBackupDir,
  type BackupFolderDeps,
} from '../../../src/core/admin/backup-folder';
import { systemFolderProbe } from '../../../src/core/admin/folder-probe';
import type { DriveType, FolderProbe, WritableCheck } from '../../../src/core/admin/local-folder';
import { updateMachineSettings } from '../../../src/core/admin/settings-update';
import type { AgentSession, HandlerContext } from '../../../src/core/context';
import { DomainError } from '../../../src/core/errors';
import { openTestCore, type TestCore } from '../fixtures';

const winEnv = { SystemDrive: 'C:', SystemRoot: 'C:\\Windows' };

/** A Windows that answers from tables, and remembers what it was asked. */
function fakeWindows(
  answers: {
    drives?: Record<string, DriveType>;
    realpaths?: Record<string, string | null>;
    writable?: WritableCheck;
  } = {},
): { deps: BackupFolderDeps; asked: { drives: string[]; written: string[] } } {
  const asked = { drives: [] as string[], written: [] as string[] };
  const probe: FolderProbe = {
    async realpath(dir) {
      return answers.realpaths && dir in answers.realpaths ? (answers.realpaths[dir] ?? null) : dir;
    },
    async driveType(letter) {
      asked.drives.push(letter);
      return answers.drives?.[letter] ?? 'local';
    },
    async fsType() {
      return null;
    },
    async ensureWritable(dir) {
      asked.written.push(dir);
      return answers.writable ?? { ok: true };
    },
  };
  return { deps: { platform: 'win32', env: winEnv, probe }, asked };
}

async function refusal(dir: string, deps: BackupFolderDeps): Promise<string> {
  const e: unknown = await checkBackupDir(dir, deps).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, dir).toBeInstanceOf(DomainError);
  const d = e as DomainError;
  expect(d.code).toBe('VALIDATION');
  expect(d.message).toMatch(/Rien n’a été modifié\.$/);
  return d.message;
}

describe('checkBackupDir on Windows', () => {
  it('refuses a drive letter mapped to a share, without writing to it', async () => {
    const w = fakeWindows({ drives: { Z: 'network' } });
    expect(await refusal('Z:\\Sauvegardes\\Guichet', w.deps)).toBe(
      backupFolderMessages.network('Z:\\Sauvegardes\\Guichet'),
    );
    expect(await refusal('z:/', w.deps)).toContain('est sur le réseau');
    expect(w.asked).toEqual({ drives: ['Z', 'Z'], written: [] });
  });

  it('refuses a local-looking folder that resolves to a share (junction, mapped drive)', async () => {
    const w = fakeWindows({
      realpaths: { 'D:\\Sauvegardes': '\\\\nas-mairie\\caisse\\Sauvegardes' },
    });
    expect(await refusal('D:\\Sauvegardes', w.deps)).toContain(
      '(en réalité « \\\\nas-mairie\\caisse\\Sauvegardes ») est sur le réseau',
    );
    expect(w.asked.written).toEqual([]);
  });

  it('refuses shares and devices in every spelling, without asking Windows', async () => {
    const w = fakeWindows();
    for (const dir of [
      '\\\\serveur\\partage\\Guichet',
      '//serveur/partage',
      '\\\\?\\UNC\\serveur\\partage\\Guichet',
      '\\\\.\\UNC\\serveur\\partage',
    ]) {
      expect(await refusal(dir, w.deps), dir).toContain('est sur le réseau');
    }
    for (const dir of [
      '\\\\.\\pipe\\guichet',
      '\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\Sauvegardes',
      '\\\\.\\PhysicalDrive0',
    ]) {
      expect(await refusal(dir, w.deps), dir).toContain('n’est pas un dossier ordinaire');
    }
    expect(w.asked).toEqual({ drives: [], written: [] });
  });

  it('refuses relative and drive-less paths before asking anything', async () => {
    const w = fakeWindows();
    for (const dir of ['Sauvegardes', '\\Sauvegardes', '/Sauvegardes', 'D:Sauvegardes', '..\\..']) {
      expect(await refusal(dir, w.deps), dir).toBe(backupFolderMessages.notAbsolute(dir));
    }
    expect(w.asked).toEqual({ drives: [], written: [] });
  });

  it('refuses a drive that does not exist, or one Windows would not describe', async () => {
    const w = fakeWindows({ drives: { Q: 'missing', E: 'unknown' } });
    expect(await refusal('Q:\\Sauvegardes', w.deps)).toContain(
      'est sur le lecteur Q:, qui n’existe pas sur cet ordinateur',
    );
    expect(await refusal('E:\\Sauvegardes', w.deps)).toContain(
      'PowerShell et WMIC n’ont pas répondu',
    );
    expect(w.asked.written).toEqual([]);
  });

  it('accepts a local disk, asking nothing about the system drive, then tests the writing', async () => {
    const w = fakeWindows({ drives: { D: 'local' } });
    await checkBackupDir('C:\\Sauvegardes\\Guichet', w.deps);
    await checkBackupDir('D:\\Sauvegardes\\Guichet', w.deps);
    expect(w.asked.drives).toEqual(['D']);
    expect(w.asked.written).toEqual(['C:\\Sauvegardes\\Guichet', 'D:\\Sauvegardes\\Guichet']);
  });

  it('refuses a local folder this session cannot write to', async () => {
    const w = fakeWindows({ writable: { ok: false, code: 'EPERM' } });
    expect(await refusal('C:\\Program Files\\Guichet', w.deps)).toBe(
      backupFolderMessages.notWritable('C:\\Program Files\\Guichet', 'EPERM'),
    );
  });
});

describe('checkBackupDir on Linux, with the real probe', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'guichet-backup-folder-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const real: BackupFolderDeps = { platform: 'linux', env: {}, probe: systemFolderProbe() };

  it('accepts a local folder, creates it and leaves nothing of the write test', async () => {
    const target = path.join(dir, 'copies', 'Guichet');
    await checkBackupDir(target, real);
    expect(existsSync(target)).toBe(true);
    expect(readdirSync(target)).toEqual([]);
  });

  it('refuses a folder under a file, and one on a network file system', async () => {
    writeFileSync(path.join(dir, 'fichier'), 'x');
    expect(await refusal(path.join(dir, 'fichier', 'sous'), real)).toMatch(
      /ne peut pas être créé ou n’accepte pas l’écriture \(E[A-Z]+\)/,
    );
    const cifs: BackupFolderDeps = {
      ...real,
      probe: { ...real.probe, fsType: async () => 0xff534d42 },
    };
    const target = path.join(dir, 'montage');
    expect(await refusal(target, cifs)).toContain('(système de fichiers CIFS) est sur le réseau');
    expect(existsSync(target)).toBe(false);
  });
});

describe('settings.update with a backup folder on a mapped network drive', () => {
  let t: TestCore;
  beforeEach(async () => {
    t = await openTestCore();
  });
  afterEach(() => t.close());

  /** The context the dispatcher would build for the régisseur. */
  function regisseurContext(): HandlerContext {
    const agent = t.sqlite
      .prepare("SELECT id, login, display_name FROM agent WHERE role = 'regisseur' LIMIT 1")
      .get() as { id: number; login: string; display_name: string };
    const session: AgentSession = {
      token: 'jeton-de-test',
      agentId: agent.id,
      login: agent.login,
      displayName: agent.display_name,
      role: 'regisseur',
      lastSeenMs: t.clock.ms,
      startedMs: t.clock.ms,
      locked: false,
    };
    return {
      db: t.core.db,
      sqlite: t.sqlite,
      now: () => new Date(t.clock.ms),
      log: pino({ level: 'silent' }),
      posteCode: 'P01',
      session,
      sessions: new Map([[session.token, session]]),
      presentedToken: session.token,
      // updateMachineSettings reads the runtime it is given, never ctx.admin.
      admin: { defaultBackupDir: null } as HandlerContext['admin'],
    };
  }

  const state = () => ({
    settings: t.sqlite.prepare('SELECT key, value FROM setting ORDER BY key').all(),
    journal: t.sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  });

  it('is refused in French with the other changes of the request, and changes nothing', async () => {
    const ctx = regisseurContext();
    const w = fakeWindows({ drives: { Z: 'network' } });
    const before = state();
    await expect(
      updateMachineSettings(
        ctx,
        { defaultBackupDir: null },
        { backupDir: 'Z:\\Guichet', posteName: 'Accueil' },
        w.deps,
      ),
    ).rejects.toThrow(backupFolderMessages.network('Z:\\Guichet'));
    expect(state()).toEqual(before);
    expect(w.asked.written).toEqual([]);
  });

  it('accepts a local drive, journals it, and does not ask again when it is sent unchanged', async () => {
    const ctx = regisseurContext();
    const w = fakeWindows({ drives: { D: 'local' } });
    const view = await updateMachineSettings(
      ctx,
      { defaultBackupDir: null },
      { backupDir: 'D:\\Sauvegardes' },
      w.deps,
    );
    expect(view.machine).toMatchObject({ backupDir: 'D:\\Sauvegardes', backupDirConfigured: true });
    const after = state();
    // The settings form sends every field: an unchanged folder is neither probed nor journaled.
    await updateMachineSettings(
      ctx,
      { defaultBackupDir: null },
      { backupDir: 'D:\\Sauvegardes', idleLockSeconds: 600 },
      w.deps,
    );
    expect(w.asked).toEqual({ drives: ['D'], written: ['D:\\Sauvegardes'] });
    expect(state().journal).not.toEqual(after.journal);
    const last = t.sqlite
      .prepare("SELECT payload FROM journal_entry WHERE kind = 'configuration' ORDER BY seq")
      .all() as { payload: string }[];
    expect(last.map((r) => JSON.parse(r.payload) as { changes: { key: string }[] })).toEqual([
      expect.objectContaining({ changes: [expect.objectContaining({ key: 'backup_dir' })] }),
      expect.objectContaining({
        changes: [expect.objectContaining({ key: 'idle_lock_seconds' })],
      }),
    ]);
  });
});
