// Whether a folder is on a disk of this computer or on the network, decided from the path's
// spelling and from what the system answers about it. Two folders must be local: the data
// folder (src/main/data-location.ts refuses to open a database elsewhere) and the backup folder
// (backup-folder.ts refuses the setting). The decision lives here, in the core, because the
// backup folder is validated by a handler and the core never imports the desktop shell; the
// shell imports it from here.
//
// SMB's file locking is not reliable enough for a ledger, and a share may be unreachable at the
// moment of a till closing, when a backup that silently fails is worse than none. A UNC path,
// a mapped network drive and a link leading to either are all "network".
import path from 'node:path';

/** Reads a Windows environment variable whatever the case its name was given in. */
export function windowsEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : env[key]?.trim();
  return value ? value : undefined;
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

/** The questions the checks ask the system; tests answer them with fakes. */
export interface FolderProbe {
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

/**
 * Where a folder is. `detail` says how a network folder was found out (the share a drive leads
 * to, a file system type), in French, for the message shown to the person.
 */
export type FolderPlace =
  | { kind: 'local' }
  | { kind: 'network'; detail?: string }
  | { kind: 'unsupported' }
  | { kind: 'drive-missing'; letter: string }
  | { kind: 'drive-unknown'; letter: string };

export interface LocateInput {
  dir: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  probe: FolderProbe;
}

/** Says whether `dir` is on a disk of this computer; writes nothing. */
export async function locateFolder(input: LocateInput): Promise<FolderPlace> {
  const { dir, probe } = input;
  if (input.platform === 'win32') {
    const shape = classifyWindowsPath(dir);
    if (shape.kind === 'unc') return { kind: 'network' };
    if (shape.kind === 'unsupported') return { kind: 'unsupported' };

    // A junction or a mapped drive shows its true target once resolved.
    const real = await probe.realpath(dir);
    const resolved = real === null ? shape : classifyWindowsPath(real);
    if (resolved.kind === 'unc') return { kind: 'network', detail: `en réalité « ${real ?? ''} »` };
    const letter = resolved.kind === 'drive' ? resolved.letter : shape.letter;

    // The system drive cannot be a network drive (Windows boots from it): no need to ask.
    const systemDrive = /^([A-Za-z]):/.exec(windowsEnv(input.env, 'SystemDrive') ?? 'C:')?.[1];
    if (letter !== systemDrive?.toUpperCase()) {
      const type = await probe.driveType(letter);
      if (type === 'network') return { kind: 'network' };
      if (type === 'missing') return { kind: 'drive-missing', letter };
      if (type === 'unknown') return { kind: 'drive-unknown', letter };
    }
  } else if (input.platform === 'linux') {
    const type = await probe.fsType(dir);
    const network = type === null ? undefined : NETWORK_FS_TYPES.get(type);
    if (network) return { kind: 'network', detail: `système de fichiers ${network}` };
  }
  return { kind: 'local' };
}

/** How a caller words each refusal: the data folder and the backup folder say it differently. */
export interface FolderRefusals {
  network(dir: string, detail?: string): string;
  unsupported(dir: string): string;
  driveMissing(dir: string, letter: string): string;
  driveUnknown(dir: string, letter: string): string;
  notWritable(dir: string, code: string): string;
}

/**
 * Null when `dir` is a folder of a disk of this computer that this session can create and write
 * to (a probe file is written and removed); otherwise the refusal, in `refusals`' words. Only
 * the write test touches the disk, and only once the folder is known to be local.
 */
export async function localFolderRefusal(
  input: LocateInput,
  refusals: FolderRefusals,
): Promise<string | null> {
  const { dir } = input;
  const place = await locateFolder(input);
  switch (place.kind) {
    case 'network':
      return refusals.network(dir, place.detail);
    case 'unsupported':
      return refusals.unsupported(dir);
    case 'drive-missing':
      return refusals.driveMissing(dir, place.letter);
    case 'drive-unknown':
      return refusals.driveUnknown(dir, place.letter);
    case 'local':
      break;
  }
  const writable = await input.probe.ensureWritable(dir);
  return writable.ok ? null : refusals.notWritable(dir, writable.code);
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
  const root = windowsEnv(opts.env, 'SystemRoot') ?? 'C:\\Windows';
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
