// Where the database, its backups and the log live, and the checks that folder must pass before
// the core opens anything in it.
//
// The folder belongs to the counter's computer, not to a Windows user: a till, its float and its
// ledger are the poste's, and the agents who take turns at the counter each have their own
// Windows session. So a packaged installation on Windows keeps its data in %ProgramData%\Guichet,
// shared by every session of the machine, local, never roamed nor redirected to a server.
// %LOCALAPPDATA% would also be local, but it is per user: each agent would see a different
// database (a different till, a different numbering) on the same counter. ProgramData's default
// rights only let a user read what another user created there, so the installer gives the Users
// group the right to modify that one folder (build/installer.nsh).
//
// SQLite over a network share is the other danger this module guards against: file locking over
// SMB is not reliable enough for a ledger (SQLite's own documentation warns against it), and a
// share that drops in the middle of a payment leaves a journal to recover. A UNC path, a mapped
// network drive or a link leading to either is refused with a message saying what to do.
import path from 'node:path';
import { mainMessages } from './messages';

/** Environment variable support may set to move the data folder (still checked like any other). */
export const DATA_DIR_ENV = 'GUICHET_DATA_DIR';
export const WINDOWS_DATA_FOLDER = 'Guichet';

export type DataDirSource = 'variable' | 'programdata' | 'userdata';

export interface DataDirInput {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  isPackaged: boolean;
  /** app.getPath('userData'). */
  userDataPath: string;
}

export type DataDirChoice =
  { ok: true; dir: string; source: DataDirSource } | { ok: false; message: string };

/** Reads a Windows environment variable whatever the case its name was given in. */
function winEnv(env: DataDirInput['env'], name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : env[key]?.trim();
  return value ? value : undefined;
}

/**
 * Picks the data folder. Development keeps using userData even on Windows, so that a developer's
 * test database can never mix with a real installation's on the same computer.
 */
export function chooseDataDir(input: DataDirInput): DataDirChoice {
  const win = input.platform === 'win32';
  const override = win ? winEnv(input.env, DATA_DIR_ENV) : input.env[DATA_DIR_ENV]?.trim();
  if (override) {
    const p = win ? path.win32 : path.posix;
    // path.win32 calls "\dossier" absolute, but it depends on the current drive: refused too.
    const rootedWithoutDrive = win && /^[\\/](?![\\/])/.test(override);
    if (!p.isAbsolute(override) || rootedWithoutDrive) {
      return { ok: false, message: mainMessages.dataDirNotAbsolute(override) };
    }
    return { ok: true, dir: p.normalize(override), source: 'variable' };
  }
  if (win && input.isPackaged) {
    const programData = winEnv(input.env, 'ProgramData') ?? winEnv(input.env, 'ALLUSERSPROFILE');
    if (!programData) return { ok: false, message: mainMessages.programDataMissing };
    return {
      ok: true,
      dir: path.win32.join(programData, WINDOWS_DATA_FOLDER),
      source: 'programdata',
    };
  }
  return { ok: true, dir: input.userDataPath, source: 'userdata' };
}

/**
 * Where Chromium keeps its own data (caches, the page's local storage). By default that is
 * userData, which on Windows lies in the roaming profile, copied to and from a server at every
 * logon and logoff. The per-user local folder holds it instead: it belongs to the agent, not to
 * the machine, and never roams. Null leaves Electron's default.
 */
export function sessionDataDir(input: DataDirInput): string | null {
  if (input.platform !== 'win32' || !input.isPackaged) return null;
  const local = winEnv(input.env, 'LOCALAPPDATA');
  return local ? path.win32.join(local, WINDOWS_DATA_FOLDER, 'Session') : null;
}

export type WindowsPathKind =
  { kind: 'drive'; letter: string } | { kind: 'unc'; host: string } | { kind: 'unsupported' };

/**
 * What a Windows path points at, from its spelling alone. The `\\?\` and `\\.\` prefixes are
 * Win32's long-path and device namespaces: `\\?\C:\…` is still drive C, `\\?\UNC\serveur\…` is
 * a share, anything else there (a volume GUID, a pipe, a device) is no place for a database.
 */
export function classifyWindowsPath(raw: string): WindowsPathKind {
  const p = raw.replace(/\//g, '\\');
  const namespaced = /^\\\\[?.]\\(.*)$/.exec(p);
  if (namespaced) {
    const rest = namespaced[1] ?? '';
    const unc = /^UNC\\([^\\]*)/i.exec(rest);
    if (unc) return { kind: 'unc', host: unc[1] ?? '' };
    const drive = /^([A-Za-z]):(\\|$)/.exec(rest);
    if (drive?.[1]) return { kind: 'drive', letter: drive[1].toUpperCase() };
    return { kind: 'unsupported' };
  }
  if (p.startsWith('\\\\')) return { kind: 'unc', host: p.slice(2).split('\\', 1)[0] ?? '' };
  const drive = /^([A-Za-z]):\\/.exec(p);
  if (drive?.[1]) return { kind: 'drive', letter: drive[1].toUpperCase() };
  return { kind: 'unsupported' };
}

/** What Windows says a drive letter is. */
export type DriveType = 'local' | 'network' | 'missing' | 'unknown';

/** Linux `statfs` magic numbers of network file systems (see statfs(2)). */
export const NETWORK_FS_TYPES: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x564c, 'NCP'],
  [0x5346414f, 'AFS'],
  [0x73757245, 'CODA'],
  [0x00c36400, 'CEPH'],
  [0x19830326, 'FhGFS'],
  [0x47504653, 'GPFS'],
  [0x0bd00bd0, 'Lustre'],
]);

export type WritableCheck = { ok: true } | { ok: false; code: string };

/** The questions the check asks the system; tests answer them with fakes. */
export interface DataDirProbe {
  /**
   * The final path of `dir` or of its nearest existing parent, links, junctions and mapped
   * drives resolved (Windows answers a mapped network drive with its UNC path); null when
   * nothing can be resolved.
   */
  realpath(dir: string): Promise<string | null>;
  driveType(letter: string): Promise<DriveType>;
  /** The statfs type of the nearest existing parent (Linux), null when unknown. */
  fsType(dir: string): Promise<number | null>;
  /** Creates the folder if needed and writes then removes a small file in it. */
  ensureWritable(dir: string): Promise<WritableCheck>;
}

export interface DataDirCheckInput {
  dir: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  probe: DataDirProbe;
}

export type DataDirVerdict = { ok: true; dir: string } | { ok: false; message: string };

/**
 * Refuses a data folder on the network, or one this Windows user cannot write to. Each refusal
 * carries the French message shown to the person before the application quits.
 */
export async function checkDataDir(input: DataDirCheckInput): Promise<DataDirVerdict> {
  const { dir, probe } = input;
  const refuse = (message: string): DataDirVerdict => ({ ok: false, message });

  if (input.platform === 'win32') {
    const shape = classifyWindowsPath(dir);
    if (shape.kind === 'unc') return refuse(mainMessages.dataDirOnNetwork(dir));
    if (shape.kind === 'unsupported') return refuse(mainMessages.dataDirUnsupported(dir));

    // A junction or a mapped drive shows its true target once resolved.
    const real = await probe.realpath(dir);
    const resolved = real === null ? shape : classifyWindowsPath(real);
    if (resolved.kind === 'unc') {
      return refuse(mainMessages.dataDirOnNetwork(dir, `en réalité « ${real ?? ''} »`));
    }
    const letter = resolved.kind === 'drive' ? resolved.letter : shape.letter;

    // The system drive cannot be a network drive (Windows boots from it): no need to ask.
    const systemDrive = /^([A-Za-z]):/.exec(winEnv(input.env, 'SystemDrive') ?? 'C:')?.[1];
    if (letter !== systemDrive?.toUpperCase()) {
      const type = await probe.driveType(letter);
      if (type === 'network') return refuse(mainMessages.dataDirOnNetwork(dir));
      if (type === 'missing') return refuse(mainMessages.dataDirDriveMissing(dir, letter));
      if (type === 'unknown') return refuse(mainMessages.dataDirDriveUnknown(dir, letter));
    }
  } else if (input.platform === 'linux') {
    const type = await probe.fsType(dir);
    const network = type === null ? undefined : NETWORK_FS_TYPES.get(type);
    if (network)
      return refuse(mainMessages.dataDirOnNetwork(dir, `système de fichiers ${network}`));
  }

  const writable = await probe.ensureWritable(dir);
  if (!writable.ok) return refuse(mainMessages.dataDirNotWritable(dir, writable.code));
  return { ok: true, dir };
}

/** Reads `[System.IO.DriveInfo]::new('Z:').DriveType` as PowerShell prints it. */
export function parsePowerShellDriveType(stdout: string): DriveType {
  switch (stdout.trim()) {
    case 'Network':
      return 'network';
    case 'Fixed':
    case 'Removable':
    case 'CDRom':
    case 'Ram':
      return 'local';
    case 'NoRootDirectory':
      return 'missing';
    default:
      return 'unknown';
  }
}

/** Reads `wmic logicaldisk where DeviceID='Z:' get DriveType /value` (Win32_LogicalDisk codes). */
export function parseWmicDriveType(stdout: string): DriveType {
  const code = /DriveType=(\d+)/.exec(stdout)?.[1];
  if (code === undefined) return 'unknown';
  if (code === '4') return 'network';
  if (code === '1') return 'missing';
  if (['2', '3', '5', '6'].includes(code)) return 'local';
  return 'unknown';
}

/** The part of child_process.execFile used by the probe. */
export type ExecFile = (
  file: string,
  args: readonly string[],
  options: { timeout: number; windowsHide: boolean },
) => Promise<{ stdout: string }>;

/**
 * Asks Windows for a drive's type: PowerShell first (its answer is the .NET enum's name, the
 * same in every language of Windows), WMIC where PowerShell is blocked by the administration's
 * policy. Programs are called by their full path under %SystemRoot%, never through PATH.
 */
export async function windowsDriveType(
  letter: string,
  opts: {
    execFile: ExecFile;
    env: Readonly<Record<string, string | undefined>>;
    timeoutMs: number;
  },
): Promise<DriveType> {
  if (!/^[A-Z]$/.test(letter)) return 'unknown';
  const root = winEnv(opts.env, 'SystemRoot') ?? 'C:\\Windows';
  const run = { timeout: opts.timeoutMs, windowsHide: true };
  try {
    const { stdout } = await opts.execFile(
      path.win32.join(root, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
      [
        '-NoLogo',
        '-NoProfile',
        '-NonInteractive',
        '-Command',
        `[System.IO.DriveInfo]::new('${letter}:').DriveType`,
      ],
      run,
    );
    const type = parsePowerShellDriveType(stdout);
    if (type !== 'unknown') return type;
  } catch {
    // Blocked, missing or too slow: WMIC is tried next.
  }
  try {
    const { stdout } = await opts.execFile(
      path.win32.join(root, 'System32', 'wbem', 'WMIC.exe'),
      ['logicaldisk', 'where', `DeviceID='${letter}:'`, 'get', 'DriveType', '/value'],
      run,
    );
    return parseWmicDriveType(stdout);
  } catch {
    return 'unknown';
  }
}
