// The update policy with a stand-in for electron-updater and a hand-driven clock: the feed from
// this machine's settings, a check at start and every four hours, nothing shown when offline,
// and an update installed on quit only when no till is open — otherwise kept for a later quit.
// The stand-in reproduces the one electron-updater behaviour the policy relies on: the install
// happens at quit only if its quit handler was registered when the download finished (which
// needs autoInstallOnAppQuit to be true then) and the flag is still true when the app quits.
import type { AppUpdater } from 'electron-updater';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ShellLog } from '../../src/main/renderer-errors';
import {
  UPDATE_CHECK_INTERVAL_MS,
  createUpdatePolicy,
  vetFeedUrl,
  type UpdateClock,
  type UpdaterLogger,
  type UpdaterPort,
} from '../../src/main/updates';

class FakeUpdater implements UpdaterPort {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  allowPrerelease = true;
  logger: UpdaterLogger | null = null;
  feeds: string[] = [];
  checks = 0;
  quitHandlerAdded = false;
  next: () => Promise<{ downloadPromise?: Promise<unknown> | null } | null> = async () => null;
  private listeners = new Map<string, Array<(...args: never[]) => void>>();

  setFeedURL(options: { provider: 'generic'; url: string }) {
    this.feeds.push(`${options.provider} ${options.url}`);
  }
  checkForUpdates() {
    this.checks += 1;
    return this.next();
  }
  on(event: string, listener: (...args: never[]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.listeners.get(event) ?? []) (fn as (...a: unknown[]) => void)(...args);
  }
  /** What electron-updater does when a download completes. */
  finishDownload(version: string) {
    this.emit('update-downloaded', { version });
    if (this.autoInstallOnAppQuit) this.quitHandlerAdded = true;
  }
  /** What electron-updater's handler decides on app 'quit'. */
  installsOnQuit() {
    return this.quitHandlerAdded && this.autoInstallOnAppQuit;
  }
}

class FakeClock implements UpdateClock {
  timers = new Map<number, { fn: () => void; ms: number }>();
  private id = 0;
  setInterval(fn: () => void, ms: number) {
    this.timers.set(++this.id, { fn, ms });
    return this.id;
  }
  clearInterval(handle: unknown) {
    this.timers.delete(handle as number);
  }
  fire() {
    for (const t of this.timers.values()) t.fn();
  }
}

function setup(opts: { feed?: string; tillOpen?: boolean | (() => boolean) } = {}) {
  const updater = new FakeUpdater();
  const clock = new FakeClock();
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  const log: ShellLog = {
    info: (obj, msg) => lines.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj }),
  };
  const state = {
    feed: opts.feed ?? 'https://portail.mairie.fr/guichet/maj',
    tillOpen: opts.tillOpen ?? false,
  };
  const policy = createUpdatePolicy({
    updater,
    feedUrl: () => state.feed,
    hasOpenTill: () => (typeof state.tillOpen === 'function' ? state.tillOpen() : state.tillOpen),
    log: () => log,
    clock,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { updater, clock, lines, state, policy, settle };
}

describe('vetFeedUrl', () => {
  it('accepts https (and http on this computer), normalised to a folder URL', () => {
    expect(vetFeedUrl('')).toEqual({ kind: 'none' });
    expect(vetFeedUrl('   ')).toEqual({ kind: 'none' });
    expect(vetFeedUrl('https://portail.mairie.fr/guichet/maj')).toEqual({
      kind: 'ok',
      url: 'https://portail.mairie.fr/guichet/maj/',
    });
    expect(vetFeedUrl('https://portail.mairie.fr/maj/?v=1#x')).toEqual({
      kind: 'ok',
      url: 'https://portail.mairie.fr/maj/',
    });
    expect(vetFeedUrl('http://127.0.0.1:8080/maj')).toMatchObject({ kind: 'ok' });
  });

  it('refuses plain http elsewhere, credentials, other schemes and nonsense', () => {
    for (const raw of [
      'http://intranet.mairie.local/maj',
      'https://agent:secret@portail.mairie.fr/maj',
      'file:///C:/maj',
      '\\\\serveur\\maj',
      'pas une adresse',
    ]) {
      expect(vetFeedUrl(raw).kind, raw).toBe('invalid');
    }
  });
});

describe('createUpdatePolicy', () => {
  it('configures a silent background download and checks at start then every four hours', async () => {
    const { updater, clock, policy, settle } = setup();
    policy.start();
    await settle();
    expect(updater).toMatchObject({
      autoDownload: true,
      autoInstallOnAppQuit: true,
      allowDowngrade: false,
      allowPrerelease: false,
    });
    expect(updater.logger).not.toBeNull();
    expect(updater.feeds).toEqual(['generic https://portail.mairie.fr/guichet/maj/']);
    expect(updater.checks).toBe(1);
    expect([...clock.timers.values()].map((t) => t.ms)).toEqual([UPDATE_CHECK_INTERVAL_MS]);
    expect(UPDATE_CHECK_INTERVAL_MS).toBe(4 * 60 * 60 * 1000);
    clock.fire();
    clock.fire();
    await settle();
    expect(updater.checks).toBe(3);
    // The feed is given once, not at every check.
    expect(updater.feeds).toHaveLength(1);
    policy.stop();
    expect(clock.timers.size).toBe(0);
  });

  it('looks for nothing without a feed, and says so once in the log', async () => {
    const { updater, clock, lines, policy, settle } = setup({ feed: '' });
    policy.start();
    clock.fire();
    clock.fire();
    await settle();
    expect(updater.checks).toBe(0);
    expect(updater.feeds).toEqual([]);
    expect(lines.filter((l) => l.msg.includes('aucun flux'))).toHaveLength(1);
  });

  it('refuses an http feed on the network, warning once', async () => {
    const { updater, lines, policy } = setup({ feed: 'http://intranet/maj' });
    expect(await policy.check()).toBe('invalid-feed');
    expect(await policy.check()).toBe('invalid-feed');
    expect(updater.checks).toBe(0);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('follows a feed changed in the settings at the next check', async () => {
    const { updater, state, policy } = setup();
    await policy.check();
    state.feed = 'https://autre.mairie.fr/maj/';
    await policy.check();
    expect(updater.feeds).toEqual([
      'generic https://portail.mairie.fr/guichet/maj/',
      'generic https://autre.mairie.fr/maj/',
    ]);
  });

  it('only logs a warning when offline, with no rejection left unhandled', async () => {
    const { updater, lines, policy } = setup();
    policy.start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      updater.next = async () => {
        const error = new Error('net::ERR_INTERNET_DISCONNECTED');
        updater.emit('error', error);
        throw error;
      };
      expect(await policy.check()).toBe('failed');
      // A check that finds an update whose download then fails.
      updater.next = async () => ({
        downloadPromise: Promise.reject(new Error('net::ERR_TIMED_OUT')),
      });
      expect(await policy.check()).toBe('checked');
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toBe('mise à jour : échec');
    expect(lines.some((l) => l.level === 'error')).toBe(false);
    // electron-updater's own error lines are warnings too, never errors.
    updater.logger?.error('Error: net::ERR_INTERNET_DISCONNECTED');
    expect(lines.at(-1)?.level).toBe('warn');
  });

  it('installs on quit when no till is open', async () => {
    const { updater, policy } = setup();
    policy.start();
    updater.finishDownload('1.4.0');
    expect(policy.downloadedVersion()).toBe('1.4.0');
    expect(policy.beforeQuit()).toBe('install');
    expect(updater.installsOnQuit()).toBe(true);
  });

  it('keeps the update for a later quit while a till is open on the poste', async () => {
    const { updater, state, lines, policy } = setup({ tillOpen: true });
    policy.start();
    updater.finishDownload('1.4.0');
    expect(policy.beforeQuit()).toBe('kept-till-open');
    expect(updater.installsOnQuit()).toBe(false);
    expect(lines.some((l) => l.msg.includes('caisse ouverte'))).toBe(true);
    // The next quit, the till closed in between.
    state.tillOpen = false;
    expect(policy.beforeQuit()).toBe('install');
    expect(updater.installsOnQuit()).toBe(true);
  });

  it('treats an unknown till state as open', async () => {
    const { updater, policy } = setup({
      tillOpen: () => {
        throw new Error('base fermée');
      },
    });
    policy.start();
    updater.finishDownload('1.4.0');
    expect(policy.beforeQuit()).toBe('kept-till-open');
    expect(updater.installsOnQuit()).toBe(false);
  });

  it('does nothing at quit when nothing was downloaded', () => {
    const { updater, policy } = setup({ tillOpen: true });
    policy.start();
    expect(policy.beforeQuit()).toBe('nothing-pending');
    expect(updater.installsOnQuit()).toBe(false);
  });

  it('fits electron-updater’s AppUpdater', () => {
    expectTypeOf<AppUpdater>().toExtend<UpdaterPort>();
  });
});
