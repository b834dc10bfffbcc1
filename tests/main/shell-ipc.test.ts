// The shell's own IPC channels: each checks its sender exactly as the core's channels do and
// parses its payload before anything is printed or listed; a refusal is a French answer, never
// an exception across IPC.
import { describe, expect, it } from 'vitest';
import type { SenderFrame } from '../../src/main/ipc-guard';
import type { PrintRequest } from '../../src/main/printing';
import type { ShellLog } from '../../src/main/renderer-errors';
import {
  SHELL_CHANNELS,
  createShellIpc,
  registerShellIpc,
  summarizePrinters,
} from '../../src/main/shell-ipc';

function setup(opts: { printThrows?: boolean; printersThrow?: boolean } = {}) {
  const mainFrame: SenderFrame = { url: 'app://guichet/index.html', parent: null };
  const win = { webContents: { id: 1 }, mainFrame };
  const printed: PrintRequest[] = [];
  const warnings: string[] = [];
  const log: ShellLog = {
    info: () => undefined,
    warn: (obj, msg) => warnings.push(`${msg} ${JSON.stringify(obj)}`),
    error: (_obj, msg) => warnings.push(msg),
  };
  const errors: unknown[] = [];
  const handlers = createShellIpc({
    trustedOrigins: ['app://guichet'],
    currentWindow: () => win,
    print: async (request) => {
      if (opts.printThrows) throw new Error('panne');
      printed.push(request);
      return { ok: true, printer: 'EPSON' };
    },
    printers: async () => {
      if (opts.printersThrow) throw new Error('spouleur');
      return [{ name: 'EPSON', displayName: 'Epson' }];
    },
    rendererError: (_event, payload) => errors.push(payload),
    log: () => log,
  });
  const fromMain = { sender: win.webContents, senderFrame: mainFrame };
  const fromSub = {
    sender: win.webContents,
    senderFrame: { url: 'app://guichet/index.html', parent: mainFrame },
  };
  const fromElsewhere = {
    sender: win.webContents,
    senderFrame: { url: 'https://evil.example/', parent: null },
  };
  return { handlers, printed, warnings, errors, fromMain, fromSub, fromElsewhere };
}

const request = { kind: 'ticket', fileName: 'recu.pdf', pdfBase64: 'JVBERi0xLjc=' };

describe('shell IPC: print', () => {
  it('passes a well-formed request from the main frame', async () => {
    const s = setup();
    expect(await s.handlers.print(s.fromMain, request)).toEqual({ ok: true, printer: 'EPSON' });
    expect(s.printed).toEqual([request]);
  });

  it('refuses subframes, other origins and a vanished frame, printing nothing', async () => {
    const s = setup();
    for (const event of [s.fromSub, s.fromElsewhere, { sender: {}, senderFrame: null }]) {
      const outcome = await s.handlers.print(event, request);
      expect(outcome).toMatchObject({ ok: false, code: 'NON_IMPRIME' });
      expect(!outcome.ok && outcome.message).toContain('ne vient pas de la fenêtre de Guichet');
    }
    expect(s.printed).toEqual([]);
    expect(s.warnings).toHaveLength(3);
    expect(s.warnings[0]).toContain('guichet-shell:print');
  });

  it('refuses a malformed payload in French', async () => {
    const s = setup();
    for (const payload of [
      undefined,
      null,
      'texte',
      { ...request, kind: 'a3' },
      { ...request, copies: 50 },
    ]) {
      const outcome = await s.handlers.print(s.fromMain, payload);
      expect(!outcome.ok && outcome.message).toContain('mal formée');
    }
    expect(s.printed).toEqual([]);
  });

  it('answers an internal failure instead of throwing across IPC', async () => {
    const s = setup({ printThrows: true });
    expect(await s.handlers.print(s.fromMain, request)).toMatchObject({
      ok: false,
      code: 'NON_IMPRIME',
      message: expect.stringContaining('Erreur interne'),
    });
  });
});

describe('shell IPC: printers', () => {
  it('lists the printers for the main frame only', async () => {
    const s = setup();
    expect(await s.handlers.printers(s.fromMain)).toEqual({
      ok: true,
      printers: [{ name: 'EPSON', displayName: 'Epson' }],
    });
    expect(await s.handlers.printers(s.fromSub)).toMatchObject({ ok: false });
  });

  it('says so in French when the list cannot be read', async () => {
    const s = setup({ printersThrow: true });
    expect(await s.handlers.printers(s.fromMain)).toEqual({
      ok: false,
      message: expect.stringContaining('n’a pas pu être lue'),
    });
  });

  it('keeps the system name and a display name, sorted for the screen', () => {
    expect(
      summarizePrinters([
        { name: 'Z_Thermique', displayName: 'Ticket accueil' },
        { name: 'HP_A4', displayName: '' },
        { name: '', displayName: 'Sans nom' },
      ]),
    ).toEqual([
      { name: 'HP_A4', displayName: 'HP_A4' },
      { name: 'Z_Thermique', displayName: 'Ticket accueil' },
    ]);
  });
});

describe('registerShellIpc', () => {
  it('registers print and printers as invoke handlers and the error report as a one-way listener', async () => {
    const s = setup();
    const handled = new Map<string, (event: never, payload: unknown) => unknown>();
    const listened = new Map<string, (event: never, payload: unknown) => void>();
    registerShellIpc(
      {
        handle: (channel, listener) => handled.set(channel, listener),
        on: (channel, listener) => listened.set(channel, listener),
      },
      s.handlers,
    );
    expect([...handled.keys()].sort()).toEqual([SHELL_CHANNELS.print, SHELL_CHANNELS.printers]);
    expect([...listened.keys()]).toEqual([SHELL_CHANNELS.rendererError]);
    expect(await handled.get(SHELL_CHANNELS.print)?.(s.fromMain as never, request)).toMatchObject({
      ok: true,
    });
    listened.get(SHELL_CHANNELS.rendererError)?.(s.fromMain as never, { kind: 'error' });
    expect(s.errors).toEqual([{ kind: 'error' }]);
    // None of the shell's channels can be mistaken for a core handler's (guichet:<name>).
    for (const channel of Object.values(SHELL_CHANNELS)) {
      expect(channel.startsWith('guichet:')).toBe(false);
    }
  });
});
