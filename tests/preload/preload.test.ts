import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, handlerNames } from '../../src/shared/contract';
import { handlerNameList } from '../../src/shared/contract/handler-names';
import { IPC_CHANNEL_PREFIX } from '../../src/main/ipc-guard';
import { RENDERER_ERROR_LIMITS } from '../../src/main/renderer-errors';
import { SHELL_CHANNELS } from '../../src/main/shell-ipc';

// The preload runs inside Electron's sandbox; here 'electron' is replaced by a recorder of what
// the script hands to contextBridge and sends through ipcRenderer. That module is the true
// boundary between the page and the main process, so nothing else is faked.
const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (channel: string, payload: unknown) => ({
  ok: true,
  value: { channel, payload },
}));
const send = vi.fn();
const ipcRenderer = { invoke, send, on: vi.fn(), sendSync: vi.fn() };

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
  },
  ipcRenderer,
}));

type Bridge = { handlers: Record<string, (args: unknown, session: unknown) => Promise<unknown>> };
type Shell = {
  print(request: unknown): Promise<unknown>;
  listPrinters(): Promise<unknown>;
  reportError(report: unknown): void;
};

async function loadPreload(): Promise<Bridge> {
  exposed.clear();
  vi.resetModules();
  await import('../../src/preload/index');
  expect([...exposed.keys()]).toEqual(['guichet', 'guichetShell']);
  return exposed.get('guichet') as Bridge;
}

async function loadShell(): Promise<Shell> {
  await loadPreload();
  return exposed.get('guichetShell') as Shell;
}

beforeEach(() => {
  invoke.mockClear();
  send.mockClear();
});

describe('preload', () => {
  it('exposes only `guichet`, holding only `handlers`', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge)).toEqual(['handlers']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.handlers)).toBe(true);
  });

  it('has exactly one function per contract handler', async () => {
    const { handlers } = await loadPreload();
    expect(Object.keys(handlers).sort()).toEqual([...handlerNames].sort());
    for (const name of handlerNames) expect(typeof handlers[name], name).toBe('function');
  });

  it('never hands ipcRenderer, or any of its methods, to the page', async () => {
    await loadPreload();
    const bridge = [...exposed.values()];
    const seen = new Set<unknown>();
    const walk = (value: unknown): void => {
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return;
      if (seen.has(value)) return;
      seen.add(value);
      for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key]);
    };
    walk(bridge);
    for (const leaked of [
      ipcRenderer,
      invoke,
      ipcRenderer.send,
      ipcRenderer.on,
      ipcRenderer.sendSync,
    ]) {
      expect(seen.has(leaked)).toBe(false);
    }
  });

  it('sends each call on its own handler’s channel with { args, session }', async () => {
    const { handlers } = await loadPreload();
    const result = await handlers['families.search']?.({ query: 'dupond' }, 'jeton-1');
    expect(invoke).toHaveBeenCalledExactlyOnceWith('guichet:families.search', {
      args: { query: 'dupond' },
      session: 'jeton-1',
    });
    expect(result).toEqual({
      ok: true,
      value: {
        channel: 'guichet:families.search',
        payload: { args: { query: 'dupond' }, session: 'jeton-1' },
      },
    });
    for (const name of handlerNames) {
      invoke.mockClear();
      await handlers[name]?.({}, null);
      expect(invoke.mock.calls[0]?.[0], name).toBe(`${IPC_CHANNEL_PREFIX}${name}`);
    }
  });

  it('sends a null session for anything that is not a string', async () => {
    const { handlers } = await loadPreload();
    await handlers['auth.me']?.({}, undefined);
    await handlers['auth.me']?.({}, { token: 'x' });
    expect(invoke.mock.calls.map((c) => c[1])).toEqual([
      { args: {}, session: null },
      { args: {}, session: null },
    ]);
  });
});

describe('preload: the shell’s bridge', () => {
  it('holds exactly print, listPrinters and reportError, frozen', async () => {
    const shell = await loadShell();
    expect(Object.keys(shell).sort()).toEqual(['listPrinters', 'print', 'reportError']);
    expect(Object.isFrozen(shell)).toBe(true);
  });

  it('uses the channel names and lengths the main process expects', async () => {
    const preload = await import('../../src/preload/index');
    expect(preload.SHELL_CHANNEL_NAMES).toEqual(SHELL_CHANNELS);
    expect(preload.ERROR_REPORT_LIMITS).toEqual(RENDERER_ERROR_LIMITS);
  });

  it('sends only kind, file name and bytes of a print request', async () => {
    const shell = await loadShell();
    const request = {
      kind: 'ticket',
      fileName: 'recu.pdf',
      pdfBase64: 'JVBERi0=',
      deviceName: 'Imprimante de quelqu’un d’autre',
      silent: true,
    };
    await shell.print(request);
    expect(invoke).toHaveBeenCalledExactlyOnceWith('guichet-shell:print', {
      kind: 'ticket',
      fileName: 'recu.pdf',
      pdfBase64: 'JVBERi0=',
    });
    await shell.listPrinters();
    expect(invoke).toHaveBeenLastCalledWith('guichet-shell:printers', undefined);
  });

  it('reports an error one way, cut to the logged lengths, and drops what is not expected', async () => {
    const shell = await loadShell();
    shell.reportError({
      kind: 'unhandledrejection',
      message: 'x'.repeat(5000),
      stack: 'y'.repeat(9000),
      line: -3,
      column: 7,
      cookie: 'secret',
    });
    expect(invoke).not.toHaveBeenCalled();
    expect(send).toHaveBeenCalledOnce();
    const [channel, payload] = send.mock.calls[0] as [string, Record<string, unknown>];
    expect(channel).toBe('guichet-shell:renderer-error');
    expect(payload).toEqual({
      kind: 'unhandledrejection',
      message: 'x'.repeat(RENDERER_ERROR_LIMITS.message),
      stack: 'y'.repeat(RENDERER_ERROR_LIMITS.stack),
      column: 7,
    });
    shell.reportError({ kind: 'autre', message: 42 });
    expect(send.mock.calls[1]?.[1]).toEqual({ kind: 'error', message: '' });
  });
});

describe('handler name list', () => {
  it('is the contract’s handler names, in full and without duplicates', () => {
    expect([...handlerNameList].sort()).toEqual(Object.keys(contract).sort());
    expect(new Set(handlerNameList).size).toBe(handlerNameList.length);
  });
});
