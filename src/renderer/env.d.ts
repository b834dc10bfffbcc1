/// <reference types="vite/client" />
// What the Electron preload exposes on window: one function per handler of the contract, each
// taking the handler's argument and the session token and resolving to a Result. Absent in
// browser mode, where the renderer talks to the host over HTTP instead.
import type { HandlerName } from '../shared/contract';
import type { Result } from '../shared/result';

export type PreloadHandler = (
  args: unknown,
  sessionToken: string | null,
) => Promise<Result<unknown>>;

export interface GuichetPreloadApi {
  handlers: Readonly<Record<HandlerName, PreloadHandler>>;
}

declare global {
  interface Window {
    guichet?: GuichetPreloadApi;
  }
}
