// The preload's only job: give the page one function per contract handler, each forwarding its
// argument and the session token to the main process over IPC, and nothing else. ipcRenderer
// itself is never exposed — a page holding it could send any message on any channel — and the
// page cannot choose the channel: each function is bound to its own handler's name.
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

type Invoke = (
  channel: string,
  payload: { args: unknown; session: string | null },
) => Promise<unknown>;

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

contextBridge.exposeInMainWorld(
  'guichet',
  buildBridge((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
