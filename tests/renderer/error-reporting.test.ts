// The interface's uncaught errors and unhandled rejections, turned into reports for the
// application log (desktop) or the console (browser mode), with a stand-in window.
import { describe, expect, it, vi } from 'vitest';
import type { ShellBridge, ShellErrorReport } from '../../src/renderer/desktop/shell-bridge';
import {
  errorReport,
  errorSink,
  installErrorReporting,
  rejectionReport,
  type ErrorSource,
} from '../../src/renderer/desktop/error-reporting';

/** A window that keeps its listeners so the test can fire them. */
function fakeWindow() {
  const listeners = new Map<string, Set<(event: never) => void>>();
  const source = {
    addEventListener: (type: string, fn: (event: never) => void) => {
      listeners.set(type, (listeners.get(type) ?? new Set()).add(fn));
    },
    removeEventListener: (type: string, fn: (event: never) => void) => {
      listeners.get(type)?.delete(fn);
    },
  } as ErrorSource;
  const fire = (type: string, event: unknown) => {
    for (const fn of listeners.get(type) ?? []) (fn as (e: unknown) => void)(event);
  };
  return { source, fire, listeners };
}

describe('reports', () => {
  it('describe an uncaught error with its stack and position', () => {
    const error = new TypeError('x is undefined');
    expect(
      errorReport({
        message: 'Uncaught TypeError',
        error,
        filename: 'app://guichet/a.js',
        lineno: 3,
        colno: 9,
      }),
    ).toEqual({
      kind: 'error',
      message: 'TypeError: x is undefined',
      stack: error.stack,
      source: 'app://guichet/a.js',
      line: 3,
      column: 9,
    });
    expect(errorReport({ message: 'Script error.' })).toEqual({
      kind: 'error',
      message: 'Script error.',
    });
  });

  it('describe a rejection whatever it was rejected with', () => {
    expect(rejectionReport({ reason: new Error('délai') })).toMatchObject({
      kind: 'unhandledrejection',
      message: 'Error: délai',
    });
    expect(rejectionReport({ reason: 'texte' })).toEqual({
      kind: 'unhandledrejection',
      message: 'texte',
    });
    expect(rejectionReport({ reason: { code: 'INTERNE' } })).toEqual({
      kind: 'unhandledrejection',
      message: '{"code":"INTERNE"}',
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejectionReport({ reason: cyclic }).message).toBe('[object Object]');
    expect(rejectionReport({}).message).toBe('undefined');
  });
});

describe('installErrorReporting', () => {
  it('sends every error and rejection to the sink, and stops when asked', () => {
    const w = fakeWindow();
    const sent: ShellErrorReport[] = [];
    const stop = installErrorReporting(w.source, (r) => sent.push(r));
    w.fire('error', { message: 'boum' });
    w.fire('unhandledrejection', { reason: 'refus' });
    expect(sent.map((r) => [r.kind, r.message])).toEqual([
      ['error', 'boum'],
      ['unhandledrejection', 'refus'],
    ]);
    stop();
    w.fire('error', { message: 'après' });
    expect(sent).toHaveLength(2);
  });
});

describe('errorSink', () => {
  it('goes to the shell’s log in the desktop application, never throwing back', () => {
    const reported: ShellErrorReport[] = [];
    const shell: ShellBridge = {
      print: async () => ({ ok: true, printer: '' }),
      listPrinters: async () => ({ ok: true, printers: [] }),
      reportError: (r) => {
        reported.push(r);
        throw new Error('IPC fermé');
      },
    };
    const console = { error: vi.fn() };
    expect(() => errorSink(shell, console)({ kind: 'error', message: 'boum' })).not.toThrow();
    expect(reported).toEqual([{ kind: 'error', message: 'boum' }]);
    expect(console.error).not.toHaveBeenCalled();
  });

  it('goes to the console in browser mode', () => {
    const console = { error: vi.fn() };
    errorSink(null, console)({ kind: 'error', message: 'boum' });
    expect(console.error).toHaveBeenCalledExactlyOnceWith('[Guichet] erreur de l’interface', {
      kind: 'error',
      message: 'boum',
    });
  });
});
