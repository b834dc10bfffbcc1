// When Guichet looks for, downloads and installs its updates. The rules, for a cash register
// that must never stop in front of a payer:
// - the feed is this machine's `update_feed_url` setting (the portal can serve it on the
//   intranet); without one nothing is looked for, and that is logged once;
// - a check at start and every four hours; the download happens in the background;
// - the install happens only when the application quits with no till open on this poste; an
//   update that arrives during an open till waits for a later quit;
// - nothing is ever shown: no prompt, no dialog, and an offline counter or a failing server only
//   writes a line in the log.
//
// electron-updater stays behind UpdaterPort and the clock behind UpdateClock, so tests drive the
// whole policy with a fake updater and a fake clock.
import type { ShellLog } from './renderer-errors';

export const UPDATE_CHECK_INTERVAL_MS = 4 * 3_600_000;

/** The parts of electron-updater's AppUpdater used here. */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  logger: UpdaterLogger | null;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown;
}

/** electron-updater's logger interface. */
export interface UpdaterLogger {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
}

export interface UpdateClock {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: UpdateClock = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    // The timer alone must not keep the process alive once everything else has quit.
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

export type FeedVerdict =
  { kind: 'none' } | { kind: 'ok'; url: string } | { kind: 'invalid'; reason: string };

/**
 * The feed must be https (an update is code that will run on the counter), or http on this
 * computer for a local test server. The generic provider looks for latest.yml under the URL, so
 * the URL is given with a final slash.
 */
export function vetFeedUrl(raw: string): FeedVerdict {
  const value = raw.trim();
  if (value === '') return { kind: 'none' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: 'invalid', reason: 'adresse invalide' };
  }
  if (url.username || url.password) return { kind: 'invalid', reason: 'identifiants dans l’URL' };
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { kind: 'invalid', reason: `schéma non autorisé (${url.protocol})` };
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { kind: 'ok', url: url.href };
}

export type CheckOutcome = 'no-feed' | 'invalid-feed' | 'checked' | 'failed';
export type QuitDecision = 'nothing-pending' | 'install' | 'kept-till-open';

export interface UpdatePolicyOptions {
  updater: UpdaterPort;
  /** This machine's update_feed_url setting, read at each check ('' when none). */
  feedUrl: () => string;
  /** Whether a till session is open on this poste, read at quit time. */
  hasOpenTill: () => boolean;
  log: () => ShellLog;
  clock?: UpdateClock;
  intervalMs?: number;
}

export interface UpdatePolicy {
  /** Configures the updater, checks once and then every interval. */
  start(): void;
  check(): Promise<CheckOutcome>;
  /** Called while quitting, before electron-updater's own quit handler runs. */
  beforeQuit(): QuitDecision;
  stop(): void;
  downloadedVersion(): string | null;
}

export function createUpdatePolicy(opts: UpdatePolicyOptions): UpdatePolicy {
  const { updater } = opts;
  const clock = opts.clock ?? systemClock;
  let timer: unknown = null;
  let configuredUrl: string | null = null;
  let lastFeedNote: string | null = null;
  let downloaded: string | null = null;

  /** Logs a feed situation the first time it is met, not at every check. */
  function noteFeed(note: string, level: 'info' | 'warn', fields: object): void {
    if (lastFeedNote === note) return;
    lastFeedNote = note;
    opts.log()[level](fields, note);
  }

  function configure(): void {
    updater.autoDownload = true;
    // electron-updater registers its install-on-quit handler when a download completes, and
    // only if this flag is true at that moment; beforeQuit() turns it off when a till is open.
    updater.autoInstallOnAppQuit = true;
    updater.allowDowngrade = false;
    updater.allowPrerelease = false;
    const log = opts.log;
    updater.logger = {
      info: (m) => log().info({ updater: true }, String(m)),
      warn: (m) => log().warn({ updater: true }, String(m)),
      // electron-updater reports failures both here and through 'error': one warning is enough.
      error: (m) => log().warn({ updater: true }, String(m).slice(0, 2000)),
    };
    updater.on('update-downloaded', (info) => {
      downloaded = info.version;
      opts
        .log()
        .info({ version: info.version }, 'mise à jour téléchargée, installée à la fermeture');
    });
    updater.on('error', (error) => {
      // Offline counters meet this every few hours: a warning in the log, nothing on screen.
      opts.log().warn({ err: error.message.slice(0, 500) }, 'mise à jour : échec');
    });
  }

  async function check(): Promise<CheckOutcome> {
    let raw: string;
    try {
      raw = opts.feedUrl();
    } catch (e) {
      opts.log().warn({ err: e }, 'mise à jour : réglages illisibles');
      return 'failed';
    }
    const feed = vetFeedUrl(raw);
    if (feed.kind === 'none') {
      noteFeed('aucun flux de mise à jour configuré : pas de recherche', 'info', {});
      return 'no-feed';
    }
    if (feed.kind === 'invalid') {
      noteFeed('flux de mise à jour refusé', 'warn', { reason: feed.reason });
      return 'invalid-feed';
    }
    noteFeed('flux de mise à jour', 'info', { url: feed.url });
    if (configuredUrl !== feed.url) {
      updater.setFeedURL({ provider: 'generic', url: feed.url });
      configuredUrl = feed.url;
    }
    try {
      const result = await updater.checkForUpdates();
      // The download runs on; its failure is reported through 'error' and must not surface
      // as an unhandled rejection.
      result?.downloadPromise?.catch(() => undefined);
      return 'checked';
    } catch {
      return 'failed';
    }
  }

  return {
    start() {
      configure();
      void check();
      timer = clock.setInterval(() => void check(), opts.intervalMs ?? UPDATE_CHECK_INTERVAL_MS);
    },
    check,
    beforeQuit() {
      if (downloaded === null) return 'nothing-pending';
      let open: boolean;
      try {
        open = opts.hasOpenTill();
      } catch (e) {
        // Not knowing is treated as an open till: the update waits, the till is never at risk.
        opts.log().warn({ err: e }, 'mise à jour : état de la caisse inconnu');
        open = true;
      }
      updater.autoInstallOnAppQuit = !open;
      if (open) {
        opts
          .log()
          .info(
            { version: downloaded },
            'mise à jour gardée pour une prochaine fermeture : caisse ouverte sur ce poste',
          );
        return 'kept-till-open';
      }
      opts.log().info({ version: downloaded }, 'installation de la mise à jour à la fermeture');
      return 'install';
    },
    stop() {
      if (timer !== null) clock.clearInterval(timer);
      timer = null;
    },
    downloadedVersion: () => downloaded,
  };
}
