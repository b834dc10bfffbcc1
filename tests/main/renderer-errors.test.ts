// The interface's errors on their way to the log: only from our window's main frame, validated,
// cut to length, and rate-limited so that a page throwing in a loop leaves a few lines and a
// count, not a full disk.
import { describe, expect, it } from 'vitest';
import {
  RENDERER_ERROR_LIMITS,
  createRateLimiter,
  createRendererErrorSink,
  rendererErrorSchema,
  type ShellLog,
} from '../../src/main/renderer-errors';
import type { SenderFrame } from '../../src/main/ipc-guard';

function recordingLog() {
  const lines: Array<{ level: string; obj: object; msg: string }> = [];
  const log: ShellLog = {
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
  return { log, lines };
}

function setup(opts: { burst?: number; everyMs?: number } = {}) {
  const clock = { ms: 0 };
  const mainFrame: SenderFrame = { url: 'app://guichet/index.html', parent: null };
  const win = { webContents: { id: 1 }, mainFrame };
  const { log, lines } = recordingLog();
  const sink = createRendererErrorSink({
    trustedOrigins: ['app://guichet'],
    currentWindow: () => win,
    log: () => log,
    limiter: createRateLimiter({
      burst: opts.burst ?? 3,
      everyMs: opts.everyMs ?? 1000,
      now: () => clock.ms,
    }),
  });
  const fromMain = { sender: win.webContents, senderFrame: mainFrame };
  return { sink, lines, clock, fromMain, win };
}

describe('rendererErrorSchema', () => {
  it('cuts long texts to the logged lengths, and refuses absurd ones', () => {
    const parsed = rendererErrorSchema.parse({
      kind: 'error',
      message: 'm'.repeat(RENDERER_ERROR_LIMITS.message + 10),
      stack: 's'.repeat(RENDERER_ERROR_LIMITS.stack + 10),
    });
    expect(parsed.message).toHaveLength(RENDERER_ERROR_LIMITS.message);
    expect(parsed.stack).toHaveLength(RENDERER_ERROR_LIMITS.stack);
    expect(
      rendererErrorSchema.safeParse({ kind: 'error', message: 'm'.repeat(5_000_000) }).success,
    ).toBe(false);
    for (const bad of [
      null,
      'texte',
      { kind: 'fatal', message: 'x' },
      { kind: 'error' },
      { kind: 'error', message: 'x', line: -1 },
      { kind: 'error', message: 'x', extra: true },
    ]) {
      expect(rendererErrorSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('createRateLimiter', () => {
  it('lets a burst through, then one per period, and counts the rest', () => {
    const clock = { ms: 0 };
    const limiter = createRateLimiter({ burst: 2, everyMs: 1000, now: () => clock.ms });
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(limiter.drainDropped()).toBe(2);
    expect(limiter.drainDropped()).toBe(0);
    clock.ms = 999;
    expect(limiter.take()).toBe(false);
    clock.ms = 2000;
    expect(limiter.take()).toBe(true);
    clock.ms = 100_000;
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual([true, true, false]);
  });
});

describe('createRendererErrorSink', () => {
  it('logs a report from the main frame as an error', () => {
    const { sink, lines, fromMain } = setup();
    sink(fromMain, { kind: 'unhandledrejection', message: 'TypeError: x is undefined' });
    expect(lines).toEqual([
      {
        level: 'error',
        obj: { renderer: { kind: 'unhandledrejection', message: 'TypeError: x is undefined' } },
        msg: 'erreur de l’interface',
      },
    ]);
  });

  it('refuses other frames and malformed reports, logging only that they were refused', () => {
    const { sink, lines, fromMain, win } = setup();
    sink(
      { sender: {}, senderFrame: { url: 'https://evil.example/', parent: null } },
      {
        kind: 'error',
        message: 'injecté',
      },
    );
    sink(
      { sender: win.webContents, senderFrame: { url: 'app://guichet/x', parent: win.mainFrame } },
      { kind: 'error', message: 'sous-cadre' },
    );
    sink(fromMain, { kind: 'error', message: 42 });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'erreur de l’interface refusée'],
      ['warn', 'erreur de l’interface refusée'],
      ['warn', 'erreur de l’interface mal formée'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('injecté');
  });

  it('keeps a loop of errors to a few lines and a count', () => {
    const { sink, lines, clock, fromMain } = setup({ burst: 3, everyMs: 1000 });
    for (let i = 0; i < 500; i++) sink(fromMain, { kind: 'error', message: `boucle ${i}` });
    expect(lines).toHaveLength(3);
    clock.ms = 1000;
    sink(fromMain, { kind: 'error', message: 'après la pause' });
    expect(lines.slice(3).map((l) => [l.msg, l.obj])).toEqual([
      ['erreurs de l’interface non journalisées (trop nombreuses)', { dropped: 497 }],
      ['erreur de l’interface', { renderer: { kind: 'error', message: 'après la pause' } }],
    ]);
  });
});
