// The data folder: where it is on each system, and the refusals of a folder on the network (UNC
// paths, mapped drives, links to a share) or one this user cannot write to. Windows is checked
// here with fake answers from the system (data-dir-probe.test.ts runs the real probe on this
// machine), since that is where the counters are.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  classifyWindowsPath,
  parsePowerShellDriveType,
  parseWmicDriveType,
  windowsDriveType,
  type DriveType,
  type ExecFile,
  type FolderProbe,
} from '../../src/core/admin/local-folder';
import { checkDataDir, chooseDataDir, sessionDataDir } from '../../src/main/data-location';

const winEnv = {
  ProgramData: 'C:\\ProgramData',
  LOCALAPPDATA: 'C:\\Users\\agent\\AppData\\Local',
  SystemDrive: 'C:',
  SystemRoot: 'C:\\Windows',
};

describe('chooseDataDir', () => {
  it('keeps a packaged Windows installation’s data in %ProgramData%\\Guichet', () => {
    expect(
      chooseDataDir({
        platform: 'win32',
        env: winEnv,
        isPackaged: true,
        userDataPath: 'C:\\Users\\agent\\AppData\\Roaming\\Guichet',
      }),
    ).toEqual({ ok: true, dir: 'C:\\ProgramData\\Guichet', source: 'programdata' });
  });

  it('reads Windows variables whatever their case, and falls back to ALLUSERSPROFILE', () => {
    const base = { platform: 'win32' as const, isPackaged: true, userDataPath: 'X' };
    expect(chooseDataDir({ ...base, env: { PROGRAMDATA: 'D:\\PD' } })).toMatchObject({
      dir: 'D:\\PD\\Guichet',
    });
    expect(chooseDataDir({ ...base, env: { ALLUSERSPROFILE: 'C:\\ProgramData' } })).toMatchObject({
      dir: 'C:\\ProgramData\\Guichet',
    });
    const none = chooseDataDir({ ...base, env: {} });
    expect(none.ok).toBe(false);
    expect(!none.ok && none.message).toContain('%ProgramData%');
  });

  it('uses userData in development, even on Windows, and on other systems', () => {
    expect(
      chooseDataDir({ platform: 'win32', env: winEnv, isPackaged: false, userDataPath: 'C:\\U' }),
    ).toEqual({ ok: true, dir: 'C:\\U', source: 'userdata' });
    expect(
      chooseDataDir({
        platform: 'linux',
        env: {},
        isPackaged: true,
        userDataPath: '/home/agent/.config/Guichet',
      }),
    ).toEqual({ ok: true, dir: '/home/agent/.config/Guichet', source: 'userdata' });
  });

  it('follows GUICHET_DATA_DIR when it is a full path, normalised', () => {
    expect(
      chooseDataDir({
        platform: 'win32',
        env: { ...winEnv, guichet_data_dir: ' D:\\Caisse\\..\\Guichet ' },
        isPackaged: true,
        userDataPath: 'X',
      }),
    ).toEqual({ ok: true, dir: 'D:\\Guichet', source: 'variable' });
    expect(
      chooseDataDir({
        platform: 'linux',
        env: { GUICHET_DATA_DIR: '/srv/guichet/' },
        isPackaged: false,
        userDataPath: 'X',
      }),
    ).toEqual({ ok: true, dir: '/srv/guichet/', source: 'variable' });
  });

  it('refuses a GUICHET_DATA_DIR that is not a full path, saying so in French', () => {
    for (const [platform, value] of [
      ['win32', 'Guichet'],
      ['win32', 'D:Guichet'],
      ['win32', '\\Guichet'],
      ['linux', 'guichet/donnees'],
    ] as const) {
      const choice = chooseDataDir({
        platform,
        env: { GUICHET_DATA_DIR: value },
        isPackaged: true,
        userDataPath: 'X',
      });
      expect(choice.ok, value).toBe(false);
      expect(!choice.ok && choice.message, value).toContain('n’est pas un chemin complet');
    }
  });
});

describe('sessionDataDir', () => {
  it('moves Chromium’s data out of the roaming profile on a packaged Windows installation', () => {
    const input = { platform: 'win32' as const, env: winEnv, isPackaged: true, userDataPath: 'X' };
    expect(sessionDataDir(input)).toBe('C:\\Users\\agent\\AppData\\Local\\Guichet\\Session');
    expect(sessionDataDir({ ...input, isPackaged: false })).toBeNull();
    expect(sessionDataDir({ ...input, platform: 'linux' })).toBeNull();
    expect(sessionDataDir({ ...input, env: {} })).toBeNull();
  });
});

describe('classifyWindowsPath', () => {
  it('recognises drives, shares and the long-path namespaces', () => {
    const cases: Array<[string, ReturnType<typeof classifyWindowsPath>]> = [
      ['C:\\ProgramData\\Guichet', { kind: 'drive', letter: 'C' }],
      ['d:/Guichet', { kind: 'drive', letter: 'D' }],
      ['\\\\serveur\\partage\\Guichet', { kind: 'unc', host: 'serveur' }],
      ['//serveur/partage/Guichet', { kind: 'unc', host: 'serveur' }],
      ['\\\\?\\UNC\\serveur\\partage', { kind: 'unc', host: 'serveur' }],
      ['\\\\.\\unc\\serveur\\partage', { kind: 'unc', host: 'serveur' }],
      ['\\\\?\\C:\\ProgramData\\Guichet', { kind: 'drive', letter: 'C' }],
      ['\\\\127.0.0.1\\c$\\Guichet', { kind: 'unc', host: '127.0.0.1' }],
      ['\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\Guichet', { kind: 'unsupported' }],
      ['\\\\.\\pipe\\guichet', { kind: 'unsupported' }],
      ['Guichet', { kind: 'unsupported' }],
      ['C:Guichet', { kind: 'unsupported' }],
    ];
    for (const [input, expected] of cases)
      expect(classifyWindowsPath(input), input).toEqual(expected);
  });
});

/** A probe whose answers the test sets, recording the questions asked. */
function fakeProbe(answers: {
  realpath?: string | null;
  drives?: Record<string, DriveType>;
  fsType?: number | null;
  writable?: { ok: true } | { ok: false; code: string };
}) {
  const asked: string[] = [];
  const probe: FolderProbe = {
    realpath: async (dir) => {
      asked.push(`realpath:${dir}`);
      return answers.realpath === undefined ? dir : answers.realpath;
    },
    driveType: async (letter) => {
      asked.push(`drive:${letter}`);
      return answers.drives?.[letter] ?? 'unknown';
    },
    fsType: async (dir) => {
      asked.push(`fsType:${dir}`);
      return answers.fsType ?? null;
    },
    ensureWritable: async (dir) => {
      asked.push(`write:${dir}`);
      return answers.writable ?? { ok: true };
    },
  };
  return { probe, asked };
}

const onWindows = (dir: string, probe: FolderProbe, env: Record<string, string> = winEnv) =>
  checkDataDir({ dir, platform: 'win32', env, probe });

describe('checkDataDir on Windows', () => {
  it('accepts the default folder on the system drive without starting PowerShell', async () => {
    const { probe, asked } = fakeProbe({});
    expect(await onWindows('C:\\ProgramData\\Guichet', probe)).toEqual({
      ok: true,
      dir: 'C:\\ProgramData\\Guichet',
    });
    expect(asked).toEqual(['realpath:C:\\ProgramData\\Guichet', 'write:C:\\ProgramData\\Guichet']);
  });

  it('refuses a UNC path at once, asking the system nothing', async () => {
    for (const dir of [
      '\\\\serveur\\partage\\Guichet',
      '//serveur/partage/Guichet',
      '\\\\?\\UNC\\serveur\\partage\\Guichet',
    ]) {
      const { probe, asked } = fakeProbe({});
      const verdict = await onWindows(dir, probe);
      expect(verdict.ok, dir).toBe(false);
      expect(!verdict.ok && verdict.message, dir).toContain('est sur le réseau');
      expect(!verdict.ok && verdict.message, dir).toContain('GUICHET_DATA_DIR');
      expect(asked, dir).toEqual([]);
    }
  });

  it('refuses a mapped network drive that Windows resolves to its share', async () => {
    const { probe, asked } = fakeProbe({ realpath: '\\\\nas-mairie\\caisse\\Guichet' });
    const verdict = await onWindows('Z:\\Guichet', probe);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toContain('« Z:\\Guichet »');
    expect(!verdict.ok && verdict.message).toContain(
      'en réalité « \\\\nas-mairie\\caisse\\Guichet »',
    );
    expect(asked).not.toContain('write:Z:\\Guichet');
  });

  it('refuses a junction on the system drive that leads to a share', async () => {
    const { probe } = fakeProbe({ realpath: '\\\\?\\UNC\\nas\\caisse' });
    const verdict = await onWindows('C:\\ProgramData\\Guichet', probe);
    expect(verdict.ok).toBe(false);
  });

  it('asks for the type of any other drive, and refuses a network one', async () => {
    const { probe, asked } = fakeProbe({ drives: { Z: 'network' } });
    const verdict = await onWindows('Z:\\Guichet', probe);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toContain('est sur le réseau');
    expect(asked).toContain('drive:Z');
  });

  it('checks the drive a local junction really leads to', async () => {
    const { probe, asked } = fakeProbe({ realpath: 'Y:\\Cible', drives: { Y: 'network' } });
    expect((await onWindows('C:\\ProgramData\\Guichet', probe)).ok).toBe(false);
    expect(asked).toContain('drive:Y');
  });

  it('accepts a local second disk', async () => {
    const { probe } = fakeProbe({ drives: { D: 'local' } });
    expect(await onWindows('D:\\Guichet', probe)).toEqual({ ok: true, dir: 'D:\\Guichet' });
  });

  it('treats a system drive other than C: as local, and C: as any other drive then', async () => {
    const env = { ...winEnv, SystemDrive: 'E:' };
    const e = fakeProbe({});
    expect((await onWindows('E:\\ProgramData\\Guichet', e.probe, env)).ok).toBe(true);
    expect(e.asked.some((a) => a.startsWith('drive:'))).toBe(false);
    const c = fakeProbe({ drives: { C: 'network' } });
    expect((await onWindows('C:\\Guichet', c.probe, env)).ok).toBe(false);
  });

  it('refuses a drive that does not exist, or whose type could not be learnt', async () => {
    const missing = await onWindows('Q:\\Guichet', fakeProbe({ drives: { Q: 'missing' } }).probe);
    expect(!missing.ok && missing.message).toContain('lecteur Q:, qui n’existe pas');
    const unknown = await onWindows('D:\\Guichet', fakeProbe({ drives: { D: 'unknown' } }).probe);
    expect(!unknown.ok && unknown.message).toContain('n’a pas pu vérifier que le lecteur D:');
  });

  it('refuses device paths and volume GUIDs', async () => {
    const verdict = await onWindows('\\\\?\\Volume{1234}\\Guichet', fakeProbe({}).probe);
    expect(!verdict.ok && verdict.message).toContain('n’est pas un dossier ordinaire');
  });

  it('refuses a folder this Windows user cannot write to, pointing at the installer', async () => {
    const denied = await onWindows(
      'C:\\ProgramData\\Guichet',
      fakeProbe({ writable: { ok: false, code: 'EPERM' } }).probe,
    );
    expect(!denied.ok && denied.message).toContain('n’a pas le droit d’écrire');
    expect(!denied.ok && denied.message).toContain('groupe Utilisateurs');
    const full = await onWindows(
      'C:\\ProgramData\\Guichet',
      fakeProbe({ writable: { ok: false, code: 'ENOSPC' } }).probe,
    );
    expect(!full.ok && full.message).toContain('(ENOSPC)');
  });
});

describe('checkDataDir elsewhere', () => {
  it('refuses NFS and SMB mounts on Linux and accepts a local disk', async () => {
    for (const [type, name] of [
      [0x6969, 'NFS'],
      [0xff534d42, 'CIFS'],
      [0xfe534d42, 'SMB2'],
    ] as const) {
      const verdict = await checkDataDir({
        dir: '/mnt/caisse',
        platform: 'linux',
        env: {},
        probe: fakeProbe({ fsType: type }).probe,
      });
      expect(!verdict.ok && verdict.message, name).toContain(`(système de fichiers ${name})`);
    }
    const ext4 = await checkDataDir({
      dir: '/var/lib/guichet',
      platform: 'linux',
      env: {},
      probe: fakeProbe({ fsType: 0xef53 }).probe,
    });
    expect(ext4).toEqual({ ok: true, dir: '/var/lib/guichet' });
  });
});

describe('asking Windows for a drive type', () => {
  it('reads PowerShell’s and WMIC’s answers', () => {
    expect(parsePowerShellDriveType('Network\r\n')).toBe('network');
    expect(parsePowerShellDriveType('Fixed')).toBe('local');
    expect(parsePowerShellDriveType('Removable')).toBe('local');
    expect(parsePowerShellDriveType('NoRootDirectory')).toBe('missing');
    expect(parsePowerShellDriveType('')).toBe('unknown');
    expect(parsePowerShellDriveType('Accès refusé')).toBe('unknown');
    expect(parseWmicDriveType('\r\r\nDriveType=4\r\r\n')).toBe('network');
    expect(parseWmicDriveType('DriveType=3')).toBe('local');
    expect(parseWmicDriveType('DriveType=1')).toBe('missing');
    expect(parseWmicDriveType('No Instance(s) Available.')).toBe('unknown');
  });

  function fakeExec(answers: Array<string | Error>) {
    const calls: Array<{ file: string; args: readonly string[]; timeout: number }> = [];
    const exec: ExecFile = async (file, args, options) => {
      calls.push({ file, args, timeout: options.timeout });
      const answer = answers.shift();
      if (answer === undefined || answer instanceof Error) throw answer ?? new Error('absent');
      return { stdout: answer };
    };
    return { exec, calls };
  }

  it('asks PowerShell by its full path, with a time limit', async () => {
    const { exec, calls } = fakeExec(['Network\r\n']);
    expect(await windowsDriveType('Z', { execFile: exec, env: winEnv, timeoutMs: 5000 })).toBe(
      'network',
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.file).toBe(
      path.win32.join('C:\\Windows', 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
    );
    expect(calls[0]?.args.at(-1)).toBe("[System.IO.DriveInfo]::new('Z:').DriveType");
    expect(calls[0]?.timeout).toBe(5000);
  });

  it('falls back to WMIC when PowerShell is blocked, and says unknown when both fail', async () => {
    const blocked = fakeExec([new Error('bloqué par AppLocker'), 'DriveType=4']);
    expect(
      await windowsDriveType('Z', { execFile: blocked.exec, env: winEnv, timeoutMs: 5000 }),
    ).toBe('network');
    expect(blocked.calls[1]?.file).toBe('C:\\Windows\\System32\\wbem\\WMIC.exe');
    expect(blocked.calls[1]?.args).toContain("DeviceID='Z:'");
    const none = fakeExec([new Error('délai dépassé'), new Error('absent')]);
    expect(await windowsDriveType('Z', { execFile: none.exec, env: winEnv, timeoutMs: 5 })).toBe(
      'unknown',
    );
  });

  it('never puts anything but one capital letter in the command', async () => {
    const { exec, calls } = fakeExec(['Fixed']);
    expect(
      await windowsDriveType("Z:').x; calc; ('", { execFile: exec, env: winEnv, timeoutMs: 5 }),
    ).toBe('unknown');
    expect(calls).toEqual([]);
  });
});
