// The IPC channels of the desktop shell itself, beside the core's: printing a document, listing
// this computer's printers, and reporting the interface's errors to the log. They are not part
// of the core contract because they concern this machine's hardware and files, which browser
// mode reaches through the browser instead. Each one checks its sender exactly as the core's
// channels do (ipc-guard.ts) and parses its payload with zod.
import { checkSender, type InvokeEvent, type TrustedWindow } from './ipc-guard';
import { printMessages } from './messages';
import {
  printRequestSchema,
  type PrintOutcome,
  type PrintRequest,
  type PrinterSummary,
} from './printing';
import type { ShellLog } from './renderer-errors';

/** Must match the names in src/preload/index.ts (checked by tests/preload). */
export const SHELL_CHANNELS = {
  print: 'guichet-shell:print',
  printers: 'guichet-shell:printers',
  rendererError: 'guichet-shell:renderer-error',
} as const;

export type PrinterListOutcome =
  { ok: true; printers: PrinterSummary[] } | { ok: false; message: string };

export interface ShellIpcOptions {
  trustedOrigins: readonly string[];
  currentWindow: () => TrustedWindow | null;
  print: (request: PrintRequest) => Promise<PrintOutcome>;
  printers: () => Promise<PrinterSummary[]>;
  rendererError: (event: InvokeEvent, payload: unknown) => void;
  log: () => ShellLog;
}

export interface ShellIpcHandlers {
  print(event: InvokeEvent, payload: unknown): Promise<PrintOutcome>;
  printers(event: InvokeEvent): Promise<PrinterListOutcome>;
  rendererError(event: InvokeEvent, payload: unknown): void;
}

export function createShellIpc(opts: ShellIpcOptions): ShellIpcHandlers {
  const refused = (channel: string, reason: string) =>
    opts.log().warn({ channel, reason }, 'appel IPC refusé');
  return {
    async print(event, payload) {
      const sender = checkSender(event, opts.currentWindow(), opts.trustedOrigins);
      if (!sender.ok) {
        refused(SHELL_CHANNELS.print, sender.reason);
        return { ok: false, code: 'NON_IMPRIME', message: printMessages.refusedSender };
      }
      const parsed = printRequestSchema.safeParse(payload);
      if (!parsed.success) {
        refused(SHELL_CHANNELS.print, 'charge utile mal formée');
        return { ok: false, code: 'NON_IMPRIME', message: printMessages.malformed };
      }
      try {
        return await opts.print(parsed.data);
      } catch (e) {
        opts.log().error({ err: e }, 'impression : erreur interne');
        return { ok: false, code: 'NON_IMPRIME', message: printMessages.internal };
      }
    },
    async printers(event) {
      const sender = checkSender(event, opts.currentWindow(), opts.trustedOrigins);
      if (!sender.ok) {
        refused(SHELL_CHANNELS.printers, sender.reason);
        return { ok: false, message: printMessages.refusedSender };
      }
      try {
        const list = await opts.printers();
        return { ok: true, printers: list };
      } catch (e) {
        opts.log().warn({ err: e }, 'liste des imprimantes indisponible');
        return { ok: false, message: printMessages.printersUnavailable };
      }
    },
    rendererError: opts.rendererError,
  };
}

/** The parts of ipcMain used: invoke-style handlers and one-way listeners. */
export interface ShellIpcRegistrar {
  handle(channel: string, listener: (event: InvokeEvent, payload: unknown) => unknown): void;
  on(channel: string, listener: (event: InvokeEvent, payload: unknown) => void): void;
}

export function registerShellIpc(ipc: ShellIpcRegistrar, handlers: ShellIpcHandlers): void {
  ipc.handle(SHELL_CHANNELS.print, (event, payload) => handlers.print(event, payload));
  ipc.handle(SHELL_CHANNELS.printers, (event) => handlers.printers(event));
  ipc.on(SHELL_CHANNELS.rendererError, (event, payload) => handlers.rendererError(event, payload));
}

/** Electron's PrinterInfo reduced to what the settings screen shows and stores. */
export function summarizePrinters(
  list: ReadonlyArray<{ name: string; displayName?: string }>,
): PrinterSummary[] {
  return list
    .filter((p) => typeof p.name === 'string' && p.name !== '')
    .map((p) => ({ name: p.name, displayName: p.displayName || p.name }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
}
