import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contract, handlerNames } from '../../src/shared/contract';
import { handlerNameList } from '../../src/shared/contract/handler-names';
import { IPC_CHANNEL_PREFIX } from '../../src/main/ipc-guard';

// The preload runs inside Electron's sandbox; here 'electron' is replaced by a recorder of what
// the script hands to contextBridge and sends through ipcRenderer. That module is the true
// boundary between the page and the main process, so nothing else is faked.
const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (channel: string, payload: unknown) => ({
  ok: true,
  value: { channel, payload },
}));
const ipcRenderer = { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() };

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
  },
  ipcRenderer,
}));

type Bridge = { handlers: Record<string, (args: unknown, session: unknown) => Promise<unknown>> };

async function loadPreload(): Promise<Bridge> {
  exposed.clear();
  vi.resetModules();
  await import('../../src/preload/index');
  expect([...exposed.keys()]).toEqual(['guichet']);
  return exposed.get('guichet') as Bridge;
}

beforeEach(() => invoke.mockClear());

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
    const bridge = await loadPreload();
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

describe('handler name list', () => {
  it('is the contract’s handler names, in full and without duplicates', () => {
    expect([...handlerNameList].sort()).toEqual(Object.keys(contract).sort());
    expect(new Set(handlerNameList).size).toBe(handlerNameList.length);
  });
});
