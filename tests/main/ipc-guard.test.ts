import { describe, expect, it } from 'vitest';
import { handlerNames, type HandlerName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import {
  checkSender,
  createIpcDispatcher,
  ipcChannel,
  registerIpcHandlers,
  type InvokeEvent,
  type SenderFrame,
} from '../../src/main/ipc-guard';

// Stand-ins for Electron's objects: only their identity and the fields the guard reads matter.
function fakeWindow(url = 'app://guichet/index.html') {
  const mainFrame: SenderFrame = { url, parent: null };
  const webContents = { id: 1 };
  return { webContents, mainFrame };
}

const TRUSTED = ['app://guichet'] as const;

function setup(opts: { window?: ReturnType<typeof fakeWindow> | null; throws?: boolean } = {}) {
  const win = opts.window === undefined ? fakeWindow() : opts.window;
  const calls: Array<{ name: HandlerName; args: unknown; session: string | null }> = [];
  const refusals: Array<{ name: HandlerName; reason: string }> = [];
  const errors: unknown[] = [];
  const dispatch = createIpcDispatcher({
    send: async (name, args, session) => {
      calls.push({ name, args, session });
      if (opts.throws) throw new Error('panne');
      return { ok: true, value: { echoed: args } } satisfies Result<unknown>;
    },
    trustedOrigins: TRUSTED,
    currentWindow: () => win,
    onRefused: (name, reason) => refusals.push({ name, reason }),
    onError: (_name, e) => errors.push(e),
  });
  const eventFrom = (
    frame: SenderFrame | null,
    sender: unknown = win?.webContents,
  ): InvokeEvent => ({
    sender,
    senderFrame: frame,
  });
  return { win, dispatch, calls, refusals, errors, eventFrom };
}

const payload = { args: { query: 'dupond', limit: 5 }, session: 'jeton-123' };

describe('IPC dispatcher', () => {
  it('passes a well-formed call from our main frame to the core and returns its Result', async () => {
    const { win, dispatch, calls, refusals, eventFrom } = setup();
    const result = await dispatch('families.search', eventFrom(win!.mainFrame), payload);
    expect(result).toEqual({ ok: true, value: { echoed: { query: 'dupond', limit: 5 } } });
    expect(calls).toEqual([{ name: 'families.search', args: payload.args, session: 'jeton-123' }]);
    expect(refusals).toEqual([]);
  });

  it('accepts a call without a session for public handlers', async () => {
    const { win, dispatch, calls, eventFrom } = setup();
    await dispatch('system.status', eventFrom(win!.mainFrame), { args: {}, session: null });
    expect(calls).toEqual([{ name: 'system.status', args: {}, session: null }]);
  });

  it('refuses a page from another origin, without reaching the core', async () => {
    for (const url of [
      'https://evil.example/',
      'app://evil/index.html',
      'app://guichet.evil/index.html',
      'file:///C:/guichet/index.html',
      'http://localhost:5173/',
      'about:blank',
      '',
    ]) {
      const win = fakeWindow(url);
      const { dispatch, calls, refusals, eventFrom } = setup({ window: win });
      const result = await dispatch('auth.me', eventFrom(win.mainFrame), payload);
      expect(result, url).toMatchObject({ ok: false, error: { code: 'PERMISSION_REFUSEE' } });
      expect(calls, url).toEqual([]);
      expect(refusals[0]?.reason, url).toMatch(/origine/);
    }
  });

  it('refuses a subframe, even one showing our own origin', async () => {
    const { win, dispatch, calls, eventFrom } = setup();
    const sub: SenderFrame = { url: 'app://guichet/index.html', parent: win!.mainFrame };
    const result = await dispatch('auth.me', eventFrom(sub), payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_REFUSEE' } });
    expect(calls).toEqual([]);
  });

  it('refuses a frame that is not our window’s main frame although it claims no parent', async () => {
    const { dispatch, calls, eventFrom } = setup();
    const impostor: SenderFrame = { url: 'app://guichet/index.html', parent: null };
    expect(await dispatch('auth.me', eventFrom(impostor), payload)).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  it('refuses other web contents, a vanished frame, and calls when no window is open', async () => {
    const a = setup();
    expect(
      await a.dispatch('auth.me', a.eventFrom(a.win!.mainFrame, { id: 2 }), payload),
    ).toMatchObject({ ok: false, error: { code: 'PERMISSION_REFUSEE' } });
    expect(await a.dispatch('auth.me', a.eventFrom(null), payload)).toMatchObject({ ok: false });
    expect(a.calls).toEqual([]);

    const b = setup({ window: null });
    const frame: SenderFrame = { url: 'app://guichet/index.html', parent: null };
    expect(await b.dispatch('auth.me', b.eventFrom(frame, { id: 1 }), payload)).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_REFUSEE' },
    });
    expect(b.calls).toEqual([]);
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'families.search'],
    ['an array', [{}, 'jeton']],
    ['no session key', { args: {} }],
    ['a numeric session', { args: {}, session: 42 }],
    ['an empty session', { args: {}, session: '' }],
    ['an oversized session', { args: {}, session: 'x'.repeat(257) }],
    ['an extra key', { args: {}, session: null, channel: 'guichet:auth.login' }],
    ['a prototype key', JSON.parse('{"args":{},"session":null,"__proto__":{"admin":true}}')],
  ])('refuses a malformed payload (%s) with a French message', async (_label, bad) => {
    const { win, dispatch, calls, eventFrom } = setup();
    const result = await dispatch('families.search', eventFrom(win!.mainFrame), bad);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!result.ok) expect(result.error.message).toMatch(/Requête mal formée/);
    expect(calls).toEqual([]);
  });

  it('turns an exception from the core into an internal-error Result', async () => {
    const { win, dispatch, errors, eventFrom } = setup({ throws: true });
    const result = await dispatch('families.search', eventFrom(win!.mainFrame), payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNE' } });
    if (!result.ok) expect(result.error.message).toMatch(/n’a pas été enregistrée/);
    expect(errors).toHaveLength(1);
  });
});

describe('checkSender', () => {
  it('accepts the development server only when it is listed as trusted', () => {
    const win = fakeWindow('http://localhost:5173/');
    const event = { sender: win.webContents, senderFrame: win.mainFrame };
    expect(checkSender(event, win, ['app://guichet']).ok).toBe(false);
    expect(checkSender(event, win, ['app://guichet', 'http://localhost:5173']).ok).toBe(true);
  });
});

describe('registerIpcHandlers', () => {
  it('registers exactly one channel per contract handler, each bound to its own name', async () => {
    const listeners = new Map<string, (event: InvokeEvent, payload: unknown) => unknown>();
    registerIpcHandlers(
      {
        handle(channel, listener) {
          expect(listeners.has(channel)).toBe(false);
          listeners.set(channel, listener);
        },
      },
      handlerNames,
      async (name) => ({ ok: true, value: name }),
    );
    expect([...listeners.keys()].sort()).toEqual(handlerNames.map((n) => `guichet:${n}`).sort());
    expect(ipcChannel('auth.login')).toBe('guichet:auth.login');
    const event: InvokeEvent = { sender: null, senderFrame: null };
    expect(await listeners.get('guichet:families.get')?.(event, {})).toEqual({
      ok: true,
      value: 'families.get',
    });
  });
});
