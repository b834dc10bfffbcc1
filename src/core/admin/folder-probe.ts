// The real answers to local-folder.ts's questions, from the file system and, on Windows, from
// PowerShell or WMIC. Kept apart so that the decisions can be tested with fakes and these calls
// with a temporary folder. The desktop shell uses it for the data folder (src/main), the core
// for the backup folder setting.
import { execFile as execFileCallback } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { windowsDriveType, type ExecFile, type FolderProbe } from './local-folder';

const execFileAsync = promisify(execFileCallback);

const defaultExecFile: ExecFile = async (file, args, options) => {
  const { stdout } = await execFileAsync(file, [...args], { ...options, encoding: 'utf8' });
  return { stdout };
};

/** The folder itself if it exists, else its nearest existing parent; null if none does. */
async function nearestExisting(dir: string, pathApi: typeof path): Promise<string | null> {
  let current = pathApi.resolve(dir);
  for (;;) {
    try {
      await fs.stat(current);
      return current;
    } catch {
      const parent = pathApi.dirname(current);
      if (parent === current) return null;
      current = parent;
    }
  }
}

export function systemFolderProbe(
  opts: {
    platform?: NodeJS.Platform;
    env?: Readonly<Record<string, string | undefined>>;
    execFile?: ExecFile;
    /** A drive question left unanswered this long counts as unknown. */
    timeoutMs?: number;
  } = {},
): FolderProbe {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  return {
    async realpath(dir) {
      const existing = await nearestExisting(dir, pathApi);
      if (existing === null) return null;
      try {
        // fs.promises.realpath is the native one: on Windows it asks GetFinalPathNameByHandle,
        // which answers a mapped network drive with its \\server\share path.
        return await fs.realpath(existing);
      } catch {
        return null;
      }
    },
    driveType: (letter) =>
      windowsDriveType(letter, {
        execFile: opts.execFile ?? defaultExecFile,
        env,
        timeoutMs: opts.timeoutMs ?? 8000,
      }),
    async fsType(dir) {
      const existing = await nearestExisting(dir, pathApi);
      if (existing === null) return null;
      try {
        return (await fs.statfs(existing)).type;
      } catch {
        return null;
      }
    },
    async ensureWritable(dir) {
      const probeFile = pathApi.join(dir, `.ecriture-${randomUUID()}.tmp`);
      try {
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(probeFile, 'Guichet', { flag: 'wx' });
        await fs.rm(probeFile, { force: true });
        return { ok: true };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { ok: false, code: typeof code === 'string' ? code : 'INCONNU' };
      }
    },
  };
}
