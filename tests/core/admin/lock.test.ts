// One Guichet per database: a second process (another Windows session, a browser-mode host
// started beside the desktop application) is refused with a French message naming who holds
// the database, a lock left by a process that died is taken over, and the lock goes away when
// the core closes or fails to open.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockFileOf, processAlive } from '../../../src/core/admin/lock';
import { openCore, type Core } from '../../../src/core/core';
import { DomainError } from '../../../src/core/errors';
import { tempDir } from './admin-fixtures';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const childScript = path.join(here, 'lock-child.ts');
const silent = pino({ level: 'silent' });

let dir: string;
let dbFile: string;
const children: ChildProcessWithoutNullStreams[] = [];
const cores: Core[] = [];

beforeEach(() => {
  dir = tempDir('guichet-verrou-');
  dbFile = path.join(dir, 'guichet.sqlite');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of cores.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<Core> {
  const core = await openCore({ dbFile, logger: silent, backupSchedule: false });
  cores.push(core);
  return core;
}

interface Child {
  proc: ChildProcessWithoutNullStreams;
  /** The first line the child printed (OUVERT or REFUS ...). */
  first: Promise<string>;
  exit: Promise<number | null>;
}

function startChild(): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', childScript, dbFile], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const first = new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    proc.on('exit', (code) => reject(new Error(`enfant arrêté (${code}) : ${err}`)));
  });
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, first, exit };
}

async function refusal(): Promise<DomainError> {
  const e: unknown = await open().then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe('a second process', () => {
  it('cannot open a database another process holds, and gets it once that one closes', async () => {
    const holder = startChild();
    expect(await holder.first).toBe('OUVERT');

    const e = await refusal();
    expect(e.code).toBe('CONFLIT');
    expect(e.reason).toBe('BASE_DEJA_OUVERTE');
    expect(e.message).toMatch(/^Cette base de données est déjà utilisée par un autre Guichet : /);
    expect(e.message).toContain(`processus ${holder.proc.pid}`);
    expect(e.message).toContain(`« ${os.hostname()} »`);
    expect(e.message).toContain('Fermez l’autre Guichet');
    expect(e.message).toContain('guichet.sqlite.verrou');

    holder.proc.stdin.end();
    expect(await holder.exit).toBe(0);
    expect(existsSync(lockFileOf(dbFile))).toBe(false);
    const core = await open();
    expect(core.sqlite.open).toBe(true);
  });

  it('is refused while this process holds the database, and writes nothing to it', async () => {
    const core = await open();
    const starts = () =>
      core.sqlite
        .prepare("SELECT count(*) AS n FROM tech_journal_entry WHERE kind = 'demarrage'")
        .get();
    const before = starts();

    const child = startChild();
    const line = await child.first;
    expect(await child.exit).toBe(2);
    expect(line).toMatch(
      /^REFUS CONFLIT BASE_DEJA_OUVERTE Cette base de données est déjà utilisée/,
    );
    expect(line).toContain(`processus ${process.pid}`);
    expect(starts()).toEqual(before);
    // The refused process did not take the lock away either.
    expect(JSON.parse(readFileSync(lockFileOf(dbFile), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
  });

  it('is refused in the same process too (a second core on the same file)', async () => {
    await open();
    expect((await refusal()).reason).toBe('BASE_DEJA_OUVERTE');
  });
});

describe('a stale lock', () => {
  it('left by a process killed without closing is taken over', async () => {
    const holder = startChild();
    expect(await holder.first).toBe('OUVERT');
    const pid = holder.proc.pid;
    holder.proc.kill('SIGKILL');
    await holder.exit;
    expect(JSON.parse(readFileSync(lockFileOf(dbFile), 'utf8'))).toMatchObject({ pid });
    expect(processAlive(pid ?? 0)).toBe(false);

    const core = await open();
    expect(JSON.parse(readFileSync(lockFileOf(dbFile), 'utf8'))).toMatchObject({
      pid: process.pid,
      hostname: os.hostname(),
      app: 'guichet',
    });
    core.close();
    expect(existsSync(lockFileOf(dbFile))).toBe(false);
  });

  it('left empty (a crash between creating and writing it) is taken over', async () => {
    writeFileSync(lockFileOf(dbFile), '');
    const core = await open();
    expect(core.sqlite.open).toBe(true);
  });

  it('is never taken over when it names another computer', async () => {
    writeFileSync(
      lockFileOf(dbFile),
      JSON.stringify({
        app: 'guichet',
        pid: 999_999_999,
        hostname: 'PC-ACCUEIL-2',
        user: 'agent',
        mode: 'bureau',
        startedAt: '2026-03-16T08:00:00.000Z',
        nonce: 'x',
      }),
    );
    const e = await refusal();
    expect(e.message).toContain('« PC-ACCUEIL-2 »');
    expect(e.message).toContain('jamais sur un partage réseau');
    expect(existsSync(lockFileOf(dbFile))).toBe(true);
  });
});

describe('releasing the lock', () => {
  it('happens when the core closes and when it fails to open', async () => {
    (await open()).close();
    cores.pop();
    expect(existsSync(lockFileOf(dbFile))).toBe(false);

    // A database from a newer version is refused at start: the lock must not stay behind.
    const db = new Database(dbFile);
    db.prepare(
      "INSERT INTO _migrations (idx, tag, hash, applied_at) VALUES (99, 'future', 'x', 'now')",
    ).run();
    db.close();
    const e = await refusal();
    expect(e.code).toBe('BASE_INCOMPATIBLE');
    expect(existsSync(lockFileOf(dbFile))).toBe(false);
  });

  it('leaves no lock for an in-memory database', async () => {
    const core = await openCore({ dbFile: ':memory:', logger: silent });
    core.close();
    expect(existsSync(lockFileOf(':memory:'))).toBe(false);
  });
});
