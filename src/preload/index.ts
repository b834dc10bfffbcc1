// The preload's only job: give the page one function per contract handler, each forwarding its
// argument and the session token to the main process over IPC, and the three functions of the
// desktop shell (print a document, list the printers, report an interface error), and nothing
// else. ipcRenderer itself is never exposed — a page holding it could send any message on any
// channel — and the page cannot choose the channel: each function is bound to its own.
//
// The window is sandboxed, so this file is bundled (by electron-vite) into one CommonJS script
// that requires nothing but 'electron'; it therefore imports the plain list of handler names,
// not the contract with its zod schemas.
import { contextBridge, ipcRenderer } from 'electron';
import type { HandlerName } from '../shared/contract';
import { handlerNameList } from '../shared/contract/handler-names';
import type { Result } from '../shared/result';

/** Must match IPC_CHANNEL_PREFIX in src/main/ipc-guard.ts (checked by tests/preload). */
const CHANNEL_PREFIX = 'guichet:';

export type PreloadHandler = (
  args: unknown,
  sessionToken: string | null,
) => Promise<Result<unknown>>;

export interface GuichetBridge {
  handlers: Readonly<Record<HandlerName, PreloadHandler>>;
}

type Invoke = (channel: string, payload: unknown) => Promise<unknown>;

function buildBridge(invoke: Invoke): GuichetBridge {
  const entries = handlerNameList.map((name): [HandlerName, PreloadHandler] => [
    name,
    // The main process answers every call with a Result (see src/main/ipc-guard.ts).
    (args, sessionToken) =>
      invoke(`${CHANNEL_PREFIX}${name}`, {
        args,
        session: typeof sessionToken === 'string' ? sessionToken : null,
      }) as Promise<Result<unknown>>,
  ]);
  const handlers = Object.freeze(Object.fromEntries(entries)) as Readonly<
    Record<HandlerName, PreloadHandler>
  >;
  return Object.freeze({ handlers });
}

/** Must match SHELL_CHANNELS in src/main/shell-ipc.ts (checked by tests/preload). */
export const SHELL_CHANNEL_NAMES = {
  print: 'guichet-shell:print',
  printers: 'guichet-shell:printers',
  rendererError: 'guichet-shell:renderer-error',
} as const;

/** Must match RENDERER_ERROR_LIMITS in src/main/renderer-errors.ts (checked by tests/preload). */
export const ERROR_REPORT_LIMITS = { message: 1000, stack: 4000, source: 300 } as const;

export interface ShellPrintRequest {
  kind: 'ticket' | 'a4';
  fileName: string;
  pdfBase64: string;
}

export interface ShellErrorReport {
  kind: 'error' | 'unhandledrejection';
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  column?: number;
}

/** What window.guichetShell holds; the answers are those of src/main/shell-ipc.ts. */
export interface ShellBridge {
  print(request: ShellPrintRequest): Promise<unknown>;
  listPrinters(): Promise<unknown>;
  reportError(report: ShellErrorReport): void;
}

type Send = (channel: string, payload: unknown) => void;

const cut = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' ? value.slice(0, max) : undefined;
const position = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;

function buildShellBridge(invoke: Invoke, send: Send): ShellBridge {
  return Object.freeze({
    // Only the three expected fields cross, copied: nothing else the page attaches to the
    // object (getters, prototypes, extra keys) reaches the main process.
    print: (request: ShellPrintRequest) =>
      invoke(SHELL_CHANNEL_NAMES.print, {
        kind: request?.kind,
        fileName: request?.fileName,
        pdfBase64: request?.pdfBase64,
      }),
    listPrinters: () => invoke(SHELL_CHANNEL_NAMES.printers, undefined),
    reportError: (report: ShellErrorReport) => {
      const payload = {
        kind: report?.kind === 'unhandledrejection' ? 'unhandledrejection' : 'error',
        message: cut(report?.message, ERROR_REPORT_LIMITS.message) ?? '',
        stack: cut(report?.stack, ERROR_REPORT_LIMITS.stack),
        source: cut(report?.source, ERROR_REPORT_LIMITS.source),
        line: position(report?.line),
        column: position(report?.column),
      };
      send(
        SHELL_CHANNEL_NAMES.rendererError,
        Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined)),
      );
    },
  });
}

const invoke: Invoke = (channel, payload) => ipcRenderer.invoke(channel, payload);
contextBridge.exposeInMainWorld('guichet', buildBridge(invoke));
contextBridge.exposeInMainWorld(
  'guichetShell',
  buildShellBridge(invoke, (channel, payload) => ipcRenderer.send(channel, payload)),
);
