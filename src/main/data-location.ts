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
// network drive or a link leading to either is refused with a message saying what to do. The
// network question itself is answered by the core's src/core/admin/local-folder.ts, which the
// backup folder setting uses too.
import path from 'node:path';
import {
  localFolderRefusal,
  windowsEnv as winEnv,
  type FolderProbe,
  type FolderRefusals,
} from '../core/admin/local-folder';
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

export interface DataDirCheckInput {
  dir: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** The questions the check asks the system; tests answer them with fakes. */
  probe: FolderProbe;
}

export type DataDirVerdict = { ok: true; dir: string } | { ok: false; message: string };

/**
 * Refuses a data folder on the network, or one this Windows user cannot write to. Each refusal
 * carries the French message shown to the person before the application quits.
 */
export async function checkDataDir(input: DataDirCheckInput): Promise<DataDirVerdict> {
  const message = await localFolderRefusal(input, dataDirRefusals);
  return message === null ? { ok: true, dir: input.dir } : { ok: false, message };
}

const dataDirRefusals: FolderRefusals = {
  network: mainMessages.dataDirOnNetwork,
  unsupported: mainMessages.dataDirUnsupported,
  driveMissing: mainMessages.dataDirDriveMissing,
  driveUnknown: mainMessages.dataDirDriveUnknown,
  notWritable: mainMessages.dataDirNotWritable,
};
