// The core in its own process: the real entry (src/main/core-process/entry.ts) started with
// Node's fork, which speaks the same messages as Electron's utilityProcess, on a real SQLite
// file; and the client's crash handling driven with a stand-in child whose deaths the test
// decides.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../../src/core/core';
import {
  coreCrashedResult,
  coreStoppedResult,
  CoreStartError,
  reopenTimeoutMessage,
  repeatedCrashMessage,
  startCoreProcess,
  unreadableAnswerResult,
  type CoreChild,
  type CoreProcessEvent,
} from '../../src/main/core-process/client';
import {
  CORE_SERVICE_NAME,
  forkUtilityCore,
  type UtilityForker,
  type UtilityProcessLike,
} from '../../src/main/core-process/electron-child';
import { forkCoreProcess } from '../../src/main/core-process/node-child';
import { runCoreHost, unsentAnswerResult } from '../../src/main/core-process/host';
import { CoreGoneError } from '../../src/main/core-process/ready-gate';
import type { FromCore, ToCore } from '../../src/main/core-process/protocol';
import { countOf } from '../core/fixtures';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'guichet-core-process-'));
  process.env.GUICHET_DEMO_FAMILIES = '12';
});
afterAll(() => {
  delete process.env.GUICHET_DEMO_FAMILIES;
  rmSync(dir, { recursive: true, force: true });
});

describe('the real core in a forked process', () => {
  it('answers calls, mirrors the shell state, restarts after a kill and closes cleanly', async () => {
    const dbFile = path.join(dir, 'guichet.sqlite');
    const events: CoreProcessEvent[] = [];
    const logs: string[] = [];
    let pid: number | undefined;
    const remote = await startCoreProcess({
      spawn: () => {
        const child = forkCoreProcess();
        pid = child.pid;
        return child;
      },
      open: { dbFile, seed: 'demo', backupSchedule: false, syncBackground: false },
      onLog: (line) => logs.push(line),
      onEvent: (e) => events.push(e),
    });
    expect(remote.hasOpenTill()).toBe(false);
    expect(remote.machineSettings().posteCode).toBe('P01');
    expect(logs.some((l) => l.includes('commune de démonstration créée'))).toBe(true);

    const login = await remote.send(
      'auth.login',
      { login: 'regisseur', password: 'demo-regisseur' },
      null,
    );
    expect(login.ok).toBe(true);
    const bad = await remote.send('auth.login', { login: 'regisseur' }, null);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/mot de passe/);

    // The process dies: a fresh one opens the same database, and calls go on.
    const first = pid!;
    process.kill(first, 'SIGKILL');
    // A call sent before the death is known would be answered « a pu être enregistrée ou non »
    // (tested below); this one is sent once the client knows, so it waits for the new process.
    await vi.waitFor(() => expect(events.map((e) => e.kind)).toContain('exit'), {
      timeout: 15_000,
    });
    const again = await remote.send(
      'auth.login',
      { login: 'regisseur', password: 'demo-regisseur' },
      null,
    );
    expect(again.ok).toBe(true);
    expect(pid).not.toBe(first);
    expect(events.map((e) => e.kind)).toEqual(['exit', 'restarted']);

    await remote.close();
    expect(await remote.send('system.status', {}, null)).toEqual(coreStoppedResult);
    // The database lock was released: the file opens again in this process.
    const core = await openCore({ dbFile, seed: 'none', backupSchedule: false });
    core.close();
  }, 120_000);

  // End to end through a real fork: the closing and its backup both land before the database
  // closes. The exact order (calls first, then the backup a call started) is pinned by the unit
  // test « the host closing its core » below, which a race-free fake makes deterministic.
  it('on close, waits for a till closing in flight and for the backup it starts', async () => {
    const dbFile = path.join(dir, 'closing.sqlite');
    const backupDir = path.join(dir, 'closing-backups');
    const remote = await startCoreProcess({
      spawn: () => forkCoreProcess(),
      open: { dbFile, seed: 'demo', backupDir, backupSchedule: false, syncBackground: false },
    });
    const login = await remote.send(
      'auth.login',
      { login: 'regisseur', password: 'demo-regisseur' },
      null,
    );
    const token = login.ok ? (login.value as { token: string }).token : null;
    const opened = await remote.send(
      'till.open',
      { commandId: randomUUID(), counts: { b100: 1, b50: 1 } },
      token,
    );
    expect(opened).toMatchObject({ ok: true });
    expect(remote.hasOpenTill()).toBe(true);
    // The agent closes the till and quits Guichet at once, as at the end of a day.
    const closing = remote.send(
      'till.close',
      { commandId: randomUUID(), cashCounts: countOf(15_000) },
      token,
    );
    await remote.close();
    expect(await closing).toMatchObject({ ok: true });
    expect(remote.hasOpenTill()).toBe(false);
    const files = readdirSync(backupDir);
    expect(files.filter((f) => f.endsWith('-cloture.sqlite'))).toHaveLength(1);
    expect(files.filter((f) => f.includes('.partiel'))).toEqual([]);
    // The backup was journaled before the database closed.
    const db = new Database(dbFile, { readonly: true });
    try {
      const kinds = db
        .prepare("SELECT payload FROM tech_journal_entry WHERE kind = 'sauvegarde'")
        .all() as { payload: string }[];
      expect(kinds.some((k) => k.payload.includes('cloture'))).toBe(true);
    } finally {
      db.close();
    }
  }, 120_000);

  it('reports the core’s own French refusal when the database is held elsewhere', async () => {
    const dbFile = path.join(dir, 'held.sqlite');
    const holder = await openCore({ dbFile, seed: 'empty', backupSchedule: false });
    try {
      const start = startCoreProcess({
        spawn: () => forkCoreProcess(),
        open: { dbFile, seed: 'none', backupSchedule: false, syncBackground: false },
      });
      const error = await start.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CoreStartError);
      expect((error as CoreStartError).domain).toBe(true);
      expect((error as CoreStartError).message).toMatch(/déjà/);
    } finally {
      holder.close();
    }
  }, 60_000);
});

/** A client on a stand-in process, with the events it reports. */
async function startStandIn() {
  const { made, spawn } = standIn();
  const events: CoreProcessEvent[] = [];
  const remote = await startCoreProcess({
    spawn,
    open: { dbFile: 'x' },
    onEvent: (e) => events.push(e),
  });
  return { made, events, remote };
}

const OPENED = {
  type: 'opened',
  shell: { machineSettings: { posteCode: 'P02' }, hasOpenTill: true },
} as const;

/**
 * A child that answers only what the test tells it to. The first one opens at once; the later
 * ones (restarts) open at once too unless `holdReopen`, in which case the test sends OPENED.
 */
function standIn(holdReopen = false) {
  const made: Array<{
    posted: ToCore[];
    message: (m: unknown) => void;
    exit: (c: number | null) => void;
    killed: boolean;
    /** The process has gone: posting throws as a launcher does then. */
    refuse: boolean;
  }> = [];
  const spawn = (): CoreChild => {
    const record = {
      posted: [] as ToCore[],
      message: (_m: unknown) => undefined as void,
      exit: (_c: number | null) => undefined as void,
      killed: false,
      refuse: false,
    };
    const first = made.length === 0;
    made.push(record);
    return {
      postMessage(m) {
        if (record.refuse) throw new CoreGoneError('canal vers le moteur fermé');
        record.posted.push(m);
        if (m.type === 'open' && (first || !holdReopen)) {
          queueMicrotask(() => record.message(OPENED));
        }
      },
      onMessage(l) {
        record.message = l;
      },
      onExit(l) {
        record.exit = l;
      },
      kill() {
        record.killed = true;
      },
    };
  };
  return { made, spawn };
}

// The files the application really starts, as `npm run build` emits them (npm test builds
// them first): out/main/core-process.js is an ES module with chunks beside it, and the backup
// verification's worker must load from there too, not only from the sources.
const builtEntry = path.resolve('out', 'main', 'core-process.js');
describe.skipIf(!existsSync(builtEntry))('the built core entry', () => {
  it('opens, answers and verifies a backup on its worker thread, from out/main', async () => {
    const dbFile = path.join(dir, 'built.sqlite');
    const logs: string[] = [];
    const remote = await startCoreProcess({
      spawn: () => forkCoreProcess({ entry: builtEntry }),
      open: {
        dbFile,
        seed: 'demo',
        backupSchedule: false,
        syncBackground: false,
        logLevel: 'debug',
      },
      onLog: (line) => logs.push(line),
    });
    try {
      const login = await remote.send(
        'auth.login',
        { login: 'regisseur', password: 'demo-regisseur' },
        null,
      );
      expect(login.ok).toBe(true);
      const token = login.ok ? (login.value as { token: string }).token : null;
      expect(await remote.send('backups.create', {}, token)).toMatchObject({ ok: true });
      const verified = logs
        .filter((l) => l.includes('vérification de la sauvegarde terminée'))
        .map((l) => JSON.parse(l) as { ranOn?: string; ok?: boolean });
      expect(verified).toEqual([expect.objectContaining({ ranOn: 'worker', ok: true })]);
    } finally {
      await remote.close();
    }
  }, 60_000);
});

describe('the client when its process dies', () => {
  it('answers a call in flight with « elle a pu être enregistrée ou non », then restarts', async () => {
    const { made, spawn } = standIn(true);
    const remote = await startCoreProcess({ spawn, open: { dbFile: 'x' } });
    expect(remote.hasOpenTill()).toBe(true);
    const call = remote.send('payments.record', {}, 't');
    made[0]!.exit(null);
    expect(await call).toEqual(coreCrashedResult);
    expect(coreCrashedResult.ok ? '' : coreCrashedResult.error.message).toMatch(
      /a pu être enregistrée ou non/,
    );
    // The next call waits for the new process to open its database, then reaches it.
    const next = remote.send('system.status', {}, null);
    await new Promise((r) => setTimeout(r, 10));
    expect(made[1]!.posted.map((m) => m.type)).toEqual(['open']);
    made[1]!.message(OPENED);
    await new Promise((r) => setTimeout(r, 0));
    const sent = made[1]!.posted.find((m) => m.type === 'call');
    expect(sent).toMatchObject({ type: 'call', name: 'system.status' });
    made[1]!.message({
      type: 'result',
      id: (sent as { id: number }).id,
      result: { ok: true, value: 1 },
      shell: null,
    });
    expect(await next).toEqual({ ok: true, value: 1 });
  });

  it('gives up after repeated deaths, telling the person, and refuses calls after', async () => {
    const { made, spawn } = standIn();
    const fatal: string[] = [];
    let t = 0;
    const remote = await startCoreProcess({
      spawn,
      open: { dbFile: 'x' },
      onFatal: (m) => fatal.push(m),
      restart: { maxRestarts: 2, windowMs: 1000 },
      now: () => t,
    });
    for (let i = 0; i < 3; i++) {
      t += 10;
      made[made.length - 1]!.exit(1);
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(made).toHaveLength(3);
    expect(fatal).toEqual([repeatedCrashMessage]);
    expect(await remote.send('system.status', {}, null)).toEqual(coreStoppedResult);
  });

  it('stops with a French message when a restarted process never reopens the database', async () => {
    const { made, spawn } = standIn(true);
    const fatal: string[] = [];
    const remote = await startCoreProcess({
      spawn,
      open: { dbFile: 'x' },
      onFatal: (m) => fatal.push(m),
      reopenTimeoutMs: 1_000,
    });
    vi.useFakeTimers();
    let answer: unknown = null;
    try {
      made[0]!.exit(1);
      void remote.send('system.status', {}, null).then((r) => (answer = r));
      await vi.advanceTimersByTimeAsync(999);
      expect(fatal).toEqual([]);
      expect(answer).toBeNull();
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    expect(answer).toEqual(coreStoppedResult);
    expect(fatal).toEqual([reopenTimeoutMessage]);
    expect(made[1]!.killed).toBe(true);
    // Too late: the process that did not open in time is no longer listened to.
    made[1]!.message(OPENED);
    expect(await remote.send('system.status', {}, null)).toEqual(coreStoppedResult);
  });

  it('holds a call sent as the process ends, and sends it to the new one, not « mal formée »', async () => {
    const { made, spawn } = standIn(true);
    const remote = await startCoreProcess({ spawn, open: { dbFile: 'x' } });
    // The channel has closed but the exit is not known yet: the launcher's send refuses.
    const gone = made[0]!;
    gone.refuse = true;
    const call = remote.send('system.status', {}, null);
    gone.exit(1);
    made[1]!.message(OPENED);
    await vi.waitFor(() => expect(made[1]!.posted.some((m) => m.type === 'call')).toBe(true));
    const sent = made[1]!.posted.find((m) => m.type === 'call') as { id: number };
    made[1]!.message({ type: 'result', id: sent.id, result: { ok: true, value: 3 }, shell: null });
    expect(await call).toEqual({ ok: true, value: 3 });
  });

  it('closes once: a second close() waits for the same end', async () => {
    const { made, spawn } = standIn();
    const remote = await startCoreProcess({ spawn, open: { dbFile: 'x' } });
    const first = remote.close();
    const second = remote.close();
    expect(second).toBe(first);
    expect(made[0]!.posted.filter((m) => m.type === 'close')).toHaveLength(1);
    let ended = false;
    void second.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(ended).toBe(false);
    made[0]!.message({ type: 'closed' });
    await first;
    expect(ended).toBe(true);
    expect(made[0]!.killed).toBe(true);
  });

  it('requires a refusal’s code and French message; an unreadable answer still settles its call', async () => {
    const { made, events, remote } = await startStandIn();
    const first = remote.send('payments.record', {}, 't');
    const second = remote.send('payments.record', {}, 't');
    const third = remote.send('payments.record', {}, 't');
    made[0]!.message({ type: 'result', id: 1, result: { ok: false }, shell: null });
    made[0]!.message({
      type: 'result',
      id: 2,
      result: { ok: false, error: { code: 'INCONNU', message: 'x' } },
      shell: null,
    });
    expect(events.map((e) => e.kind)).toEqual(['invalid-message', 'invalid-message']);
    // The handler ran: the person is told it may have been recorded, not left waiting.
    expect(await first).toEqual(unreadableAnswerResult);
    expect(await second).toEqual(unreadableAnswerResult);
    expect(JSON.stringify(unreadableAnswerResult)).toMatch(/a pu être enregistrée ou non/);
    const refusal = { ok: false, error: { code: 'CONFLIT', message: 'Déjà encaissé.' } };
    made[0]!.message({ type: 'result', id: 3, result: refusal, shell: null });
    expect(await third).toEqual(refusal);
  });

  it('counts the close’s time limit again from the host’s « closing »', async () => {
    const { made, spawn } = standIn();
    const remote = await startCoreProcess({
      spawn,
      open: { dbFile: 'x' },
      closeTimeoutMs: 1_000,
    });
    vi.useFakeTimers();
    try {
      let ended = false;
      void remote.close().then(() => (ended = true));
      // A long handler held the host for 900 ms before it read the close.
      await vi.advanceTimersByTimeAsync(900);
      made[0]!.message({ type: 'closing' });
      await vi.advanceTimersByTimeAsync(900);
      expect(ended).toBe(false);
      expect(made[0]!.killed).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      // The host never said 'closed': the shell ends it, 1 s after 'closing'.
      expect(ended).toBe(true);
      expect(made[0]!.killed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ignores a malformed message and says so', async () => {
    const { made, events, remote } = await startStandIn();
    const call = remote.send('system.status', {}, null);
    made[0]!.message({ type: 'result', id: 'un', result: 'n’importe quoi' });
    expect(events[0]?.kind).toBe('invalid-message');
    made[0]!.message({ type: 'result', id: 1, result: { ok: true, value: 2 }, shell: null });
    expect(await call).toEqual({ ok: true, value: 2 });
  });
});

describe('the utilityProcess adapter', () => {
  /** A stand-in for Electron's UtilityProcess: records what is posted, emits what the test says. */
  function fakeUtility() {
    const posted: unknown[] = [];
    const forks: Array<{ modulePath: string; options: Record<string, unknown> }> = [];
    const child = Object.assign(new EventEmitter(), {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      postMessage: (m: unknown) => posted.push(m),
      kill: () => true,
    });
    const utility: UtilityForker = {
      fork(modulePath, _args, options) {
        forks.push({ modulePath, options });
        return child as unknown as UtilityProcessLike;
      },
    };
    return { utility, child, posted, forks };
  }

  it('holds what is posted until the process says ready, then sends it in order', () => {
    const { utility, child, posted, forks } = fakeUtility();
    const core = forkUtilityCore(utility, '/app.asar/out/main/core-process.js', () => undefined);
    expect(forks).toEqual([
      {
        modulePath: '/app.asar/out/main/core-process.js',
        options: { serviceName: CORE_SERVICE_NAME, stdio: 'pipe' },
      },
    ]);
    const close = { type: 'close' } as ToCore;
    const call = { type: 'call', id: 1, name: 'system.status', args: {}, session: null } as ToCore;
    core.postMessage(close);
    core.postMessage(call);
    expect(posted).toEqual([]);
    child.emit('message', { type: 'ready' });
    expect(posted).toEqual([close, call]);
    core.postMessage(close);
    expect(posted).toHaveLength(3);
  });

  it('reads both output streams, and refuses to post once the process has ended', async () => {
    const { utility, child } = fakeUtility();
    const output: Array<[string, string]> = [];
    const core = forkUtilityCore(utility, 'x.js', (text, stream) => output.push([stream, text]));
    child.stdout.write('ligne égarée\n');
    child.stderr.write('Error: boum\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(output).toEqual([
      ['stdout', 'ligne égarée\n'],
      ['stderr', 'Error: boum\n'],
    ]);
    child.emit('message', { type: 'ready' });
    const exits: Array<number | null> = [];
    core.onExit((code) => exits.push(code));
    child.emit('exit', 70);
    expect(exits).toEqual([70]);
    expect(() => core.postMessage({ type: 'close' } as ToCore)).toThrow('moteur arrêté');
  });
});

/** A Core answering every call at once and closing quietly; each test overrides what it watches. */
function fakeCore(overrides: Record<string, unknown> = {}): Core {
  return {
    machineSettings: () => ({}),
    hasOpenTill: () => false,
    send: async () => ({ ok: true, value: null }),
    backupsIdle: () => Promise.resolve(),
    stopBackground: () => undefined,
    close: () => undefined,
    ...overrides,
  } as unknown as Core;
}

/** runCoreHost on a port the test holds: `post` sees what it posts; the result sends it messages. */
function hostOn(
  open: (options: unknown) => Promise<Core>,
  post: (m: FromCore) => void,
): (m: unknown) => void {
  const listeners: Array<(m: unknown) => void> = [];
  runCoreHost({ onMessage: (l) => listeners.push(l), post }, open);
  return (m) => listeners.forEach((l) => l(m));
}

describe('the host checking what it receives', () => {
  function host(send: Core['send']) {
    const posted: FromCore[] = [];
    const opens: unknown[] = [];
    let failNextResult = false;
    const emit = hostOn(
      async (options) => {
        opens.push(options);
        return fakeCore({ send });
      },
      (m) => {
        if (m.type === 'result' && failNextResult) {
          failNextResult = false;
          throw new Error('could not be cloned');
        }
        posted.push(m);
      },
    );
    return { emit, posted, opens, failNext: () => (failNextResult = true) };
  }
  const logLines = (posted: FromCore[]) =>
    posted.flatMap((m) => (m.type === 'log' ? [JSON.parse(m.line) as { msg: string }] : []));

  it('logs a malformed message and acts on nothing; a malformed call is refused, not left waiting', async () => {
    const calls: string[] = [];
    const { emit, posted, opens } = host(async (name) => {
      calls.push(name);
      return { ok: true, value: null };
    });
    emit({ type: 'open', options: { dbFile: 42 } });
    emit({ type: 'call', id: 7, name: 'payments.record', args: {}, session: 5 });
    emit({ type: 'call', name: 'payments.record', args: {}, session: null });
    emit('close');
    await new Promise((r) => setTimeout(r, 10));
    expect(opens).toEqual([]);
    expect(calls).toEqual([]);
    // The open is answered too: the shell would otherwise wait for ever for its core.
    expect(posted.filter((m) => m.type === 'open-failed')).toEqual([
      { type: 'open-failed', message: expect.stringMatching(/mal formée/), domain: false },
    ]);
    const results = posted.filter((m) => m.type === 'result');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ id: 7, result: { ok: false, error: { code: 'INTERNE' } } });
    expect(JSON.stringify(results[0])).toMatch(/n’a pas été faite/);
    expect(
      logLines(posted).filter((l) => l.msg === 'moteur : message mal formé ignoré'),
    ).toHaveLength(4);
    expect(posted.some((m) => m.type === 'closed')).toBe(false);
  });

  it('says « a pu être enregistrée » when a handler’s answer cannot cross back', async () => {
    const { emit, posted, failNext } = host(async () => ({ ok: true, value: null }));
    emit({ type: 'open', options: { dbFile: 'x' } });
    await vi.waitFor(() => expect(posted.some((m) => m.type === 'opened')).toBe(true));
    failNext();
    emit({ type: 'call', id: 1, name: 'payments.record', args: {}, session: 't' });
    await vi.waitFor(() => expect(posted.some((m) => m.type === 'result')).toBe(true));
    expect(posted.find((m) => m.type === 'result')).toMatchObject({
      id: 1,
      result: unsentAnswerResult,
    });
    expect(JSON.stringify(unsentAnswerResult)).toMatch(/a pu être enregistrée/);
  });
});

describe('the host sending the shell state', () => {
  it('reads and sends it only when the database changed, or its connection was replaced', async () => {
    let changes = 0;
    const connection = () => ({ prepare: () => ({ pluck: () => ({ get: () => changes }) }) });
    let sqlite = connection();
    let reads = 0;
    const core = fakeCore({
      machineSettings: () => {
        reads++;
        return { posteCode: 'P01' };
      },
    });
    Object.defineProperty(core, 'sqlite', { get: () => sqlite });
    const results: Array<Extract<FromCore, { type: 'result' }>> = [];
    const emit = hostOn(
      async () => core,
      (m) => {
        if (m.type === 'result') results.push(m);
      },
    );
    emit({ type: 'open', options: { dbFile: 'x' } });
    await vi.waitFor(() => expect(reads).toBe(1));
    let id = 0;
    const call = async () => {
      emit({ type: 'call', id: ++id, name: 'system.status', args: {}, session: null });
      await vi.waitFor(() => expect(results).toHaveLength(id));
      return results[id - 1]!.shell;
    };
    expect(await call()).not.toBeNull(); // the first answer sends it
    expect(await call()).toBeNull();
    expect(await call()).toBeNull();
    expect(reads).toBe(2);
    changes = 1; // a handler wrote
    expect(await call()).toEqual({ machineSettings: { posteCode: 'P01' }, hasOpenTill: false });
    expect(await call()).toBeNull();
    sqlite = connection(); // a restore reopened the database; its count starts again
    expect(await call()).not.toBeNull();
    expect(reads).toBe(4);
  });
});

describe('the host closing its core', () => {
  it('waits for a call in flight, then for the backup that call started, then closes', async () => {
    const order: string[] = [];
    let backup: Promise<void> = Promise.resolve();
    const core = fakeCore({
      // A till closing: it commits after a moment, then starts the closing's backup.
      send: async () => {
        await new Promise((r) => setTimeout(r, 50));
        order.push('clôture enregistrée');
        backup = new Promise((r) => setTimeout(r, 300)).then(() => {
          order.push('sauvegarde finie');
        });
        return { ok: true, value: null };
      },
      backupsIdle: () => backup,
      stopBackground: () => order.push('tâches de fond arrêtées'),
      close: () => order.push('base fermée'),
    });
    const posted: FromCore[] = [];
    const emit = hostOn(
      async () => core,
      (m) => {
        posted.push(m);
        if (m.type === 'closing' || m.type === 'closed') order.push(m.type);
      },
    );
    emit({ type: 'open', options: { dbFile: 'x' } });
    await vi.waitFor(() => expect(posted.some((m) => m.type === 'opened')).toBe(true));
    emit({ type: 'call', id: 1, name: 'till.close', args: {}, session: 't' });
    emit({ type: 'close' });
    await vi.waitFor(() => expect(order).toContain('closed'), { timeout: 5_000 });
    expect(order).toEqual([
      'closing',
      'clôture enregistrée',
      'tâches de fond arrêtées',
      'sauvegarde finie',
      'base fermée',
      'closed',
    ]);
  });

  it('waits for an opening under way before closing, so that the database opened is closed', async () => {
    const order: string[] = [];
    const emit = hostOn(
      async () => {
        await new Promise((r) => setTimeout(r, 100));
        order.push('base ouverte');
        return fakeCore({ close: () => order.push('base fermée') });
      },
      (m) => {
        if (m.type !== 'log') order.push(m.type);
      },
    );
    emit({ type: 'open', options: { dbFile: 'x' } });
    emit({ type: 'close' });
    emit({ type: 'open', options: { dbFile: 'x' } });
    await vi.waitFor(() => expect(order).toContain('closed'), { timeout: 5_000 });
    expect(order).toEqual(['closing', 'base ouverte', 'opened', 'base fermée', 'closed']);
  });
});
