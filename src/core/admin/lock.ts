// One Guichet per database file. Two processes writing the same register (two Windows sessions
// on one machine, or the desktop application and a browser-mode host started by hand) would
// each number receipts and chain journal entries from what they last read: SQLite keeps the
// file consistent, but a till session or a closing could be run twice from two screens that
// do not know of each other. So the core takes a lock before it opens the database.
//
// The lock is a file beside the database, created with O_EXCL ('wx'): the creation either
// succeeds for exactly one process or fails because the file exists, on every file system
// Windows and Linux offer locally. It holds who took it (process id, computer, Windows user,
// start time, a random nonce). SQLite's own locking_mode=EXCLUSIVE was considered and set
// aside: it also keeps out every reader (the auditor's read-only copy, support tools, the
// end-to-end tests that read the file while the host runs), its refusal arrives after the
// busy timeout as a bare "database is locked" that cannot say who holds the file, and the
// exclusive mode cannot be left while in WAL.
//
// A process that dies without closing (power cut, SIGKILL) leaves the file behind. Such a
// lock is stale when it names a process of this computer that no longer exists; it is then
// moved aside by renaming (atomic), checked to be the very file that was judged stale (its
// nonce), and the lock is taken again. A lock naming another computer is never judged stale:
// the database should not be on a shared folder in the first place, and the message says so.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DomainError } from '../errors';

export interface LockOwner {
  app: 'guichet';
  pid: number;
  hostname: string;
  user: string;
  /** 'bureau' under Electron, 'navigateur' otherwise (browser-mode host, tests). */
  mode: 'bureau' | 'navigateur';
  startedAt: string;
  nonce: string;
}

export interface DatabaseLock {
  file: string;
  owner: LockOwner;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export function lockFileOf(dbFile: string): string {
  return `${dbFile}.verrou`;
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof v.pid === 'number' && typeof v.nonce === 'string' ? (v as LockOwner) : null;
  } catch {
    return null;
  }
}

/** Whether a process of this computer is still running. EPERM: it exists, owned by another user. */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(owner: LockOwner | null, rawExists: boolean): boolean {
  // An unreadable lock file (empty: the process died between creating and writing it) is stale
  // only if it stays unreadable; a reader racing the writer retries once below.
  if (!owner) return rawExists;
  return owner.hostname === os.hostname() && !processAlive(owner.pid);
}

const parisTime = (iso: string) =>
  new Date(iso).toLocaleString('fr-FR', {
    timeZone: 'Europe/Paris',
    dateStyle: 'short',
    timeStyle: 'short',
  });

export function lockRefusal(dbFile: string, owner: LockOwner | null): DomainError {
  const lockFile = lockFileOf(dbFile);
  const who = owner
    ? `${owner.mode === 'bureau' ? 'l’application Guichet' : 'Guichet en mode navigateur'}, ouvert le ${parisTime(owner.startedAt)} sur l’ordinateur « ${owner.hostname} »${owner.user ? ` par la session ${process.platform === 'win32' ? 'Windows ' : ''}« ${owner.user} »` : ''} (processus ${owner.pid})`
    : 'un autre Guichet';
  const remote = owner !== null && owner.hostname !== os.hostname();
  return new DomainError(
    'CONFLIT',
    `Cette base de données est déjà utilisée par un autre Guichet : ${who}. Deux Guichet ne doivent jamais travailler sur la même base. Fermez l’autre Guichet (ou l’autre session Windows), puis relancez celui-ci.${
      remote
        ? ' La base est ouverte depuis un autre ordinateur : elle doit rester dans un dossier local de ce poste, jamais sur un partage réseau.'
        : ''
    } Si aucun autre Guichet n’est ouvert, redémarrez l’ordinateur ; si le message revient, le support peut supprimer le fichier « ${path.basename(lockFile)} » du dossier ${path.dirname(lockFile)}.`,
    'BASE_DEJA_OUVERTE',
    { lockFile, ...(owner ? { pid: owner.pid, hostname: owner.hostname } : {}) },
  );
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Moves a stale lock aside. Another process may have done the same and taken the lock in the
 * meantime: the file moved is read back, and if it is not the one judged stale it is put back.
 */
function removeStale(file: string, stale: LockOwner | null): boolean {
  const aside = `${file}.${process.pid}-${randomUUID().slice(0, 8)}.perime`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  const moved = readOwner(aside);
  if (stale && moved?.nonce !== stale.nonce) {
    try {
      renameSync(aside, file);
    } catch {
      // The live lock could not be put back: its owner's release() will find nothing to remove.
    }
    return false;
  }
  try {
    unlinkSync(aside);
  } catch {
    // A leftover *.perime file is harmless.
  }
  return true;
}

export function acquireDatabaseLock(dbFile: string, now: Date = new Date()): DatabaseLock {
  const file = lockFileOf(dbFile);
  const owner: LockOwner = {
    app: 'guichet',
    pid: process.pid,
    hostname: os.hostname(),
    user: currentUser(),
    mode: process.versions.electron ? 'bureau' : 'navigateur',
    startedAt: now.toISOString(),
    nonce: randomUUID(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, owner)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        if (readOwner(file)?.nonce === owner.nonce) {
          try {
            unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        }
      };
      // A process that exits without closing the core (an uncaught error, process.exit())
      // still leaves the database free for the next start.
      process.on('exit', release);
      return { file, owner, release };
    }
    let existing = readOwner(file);
    if (!existing) {
      // The holder may be between creating the file and writing it.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      existing = readOwner(file);
    }
    let exists = true;
    try {
      readFileSync(file);
    } catch {
      exists = false;
    }
    if (!exists) continue;
    if (!isStale(existing, exists)) throw lockRefusal(dbFile, existing);
    removeStale(file, existing);
  }
  throw lockRefusal(dbFile, readOwner(file));
}
