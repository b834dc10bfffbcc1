// Every IPC message from the window passes through here before reaching the core. The renderer
// is treated as untrusted input even though we wrote it: if it ever ran foreign code (a
// compromised dependency, an injected script), that code would be able to call window.guichet
// freely but no more. So each call is checked twice — who sent it (our window's main frame,
// showing our own origin) and what it carries (exactly `{ args, session }`) — and the core then
// applies its own session, permission and argument checks as for any other transport.
import { z } from 'zod';
import type { HandlerName } from '../shared/contract';
import type { Result } from '../shared/result';
import { originOf } from './external-url';

/** Channel names are `guichet:<handler name>`; the preload builds the same names. */
export const IPC_CHANNEL_PREFIX = 'guichet:';

export function ipcChannel(name: HandlerName): string {
  return `${IPC_CHANNEL_PREFIX}${name}`;
}

/**
 * What the preload sends. `args` stays unknown here on purpose: each handler's own schema,
 * applied by the core, is the one place that knows its shape.
 */
export const ipcPayloadSchema = z.strictObject({
  args: z.unknown(),
  session: z.string().min(1).max(256).nullable(),
});

export type IpcPayload = z.infer<typeof ipcPayloadSchema>;

/** The parts of Electron's WebFrameMain that the check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** The parts of Electron's IpcMainInvokeEvent that the check reads. */
export interface InvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: SenderFrame | null;
}

/** Our window, as far as the check is concerned: its contents and their main frame. */
export interface TrustedWindow {
  readonly webContents: unknown;
  readonly mainFrame: unknown;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

export function checkSender(
  event: InvokeEvent,
  window: TrustedWindow | null,
  trustedOrigins: readonly string[],
): SenderVerdict {
  if (!window) return { ok: false, reason: 'aucune fenêtre Guichet ouverte' };
  if (event.sender !== window.webContents) return { ok: false, reason: 'autre contenu web' };
  const frame = event.senderFrame;
  // Electron gives null when the frame navigated away or was destroyed before the message was
  // handled: whatever sent it is no longer what we loaded.
  if (!frame) return { ok: false, reason: 'cadre disparu' };
  if (frame !== window.mainFrame || frame.parent !== null) {
    return { ok: false, reason: 'sous-cadre' };
  }
  const origin = originOf(frame.url);
  if (origin === null || !trustedOrigins.includes(origin)) {
    return { ok: false, reason: `origine non autorisée (${origin ?? frame.url.slice(0, 80)})` };
  }
  return { ok: true };
}

export const refusedSenderError: Result<never> = {
  ok: false,
  error: {
    code: 'PERMISSION_REFUSEE',
    message:
      'Requête refusée : elle ne vient pas de la fenêtre de Guichet. Fermez et relancez l’application.',
  },
};

export const malformedPayloadError: Result<never> = {
  ok: false,
  error: {
    code: 'VALIDATION',
    message:
      'Requête mal formée entre l’interface et le moteur de Guichet. Relancez l’application ; si cela persiste, faites un rapport d’incident.',
  },
};

export const internalError: Result<never> = {
  ok: false,
  error: {
    code: 'INTERNE',
    message:
      'Erreur interne : l’opération n’a pas été enregistrée. Réessayez ; si cela persiste, faites un rapport d’incident.',
  },
};

export interface IpcDispatcherOptions {
  send: (name: HandlerName, args: unknown, session: string | null) => Promise<Result<unknown>>;
  trustedOrigins: readonly string[];
  /** The window allowed to call: null before it exists and after it closed. */
  currentWindow: () => TrustedWindow | null;
  /** Told about each refused call, for the log; the page only sees the generic refusal. */
  onRefused?: (name: HandlerName, reason: string) => void;
  onError?: (name: HandlerName, error: unknown) => void;
}

export type IpcDispatcher = (
  name: HandlerName,
  event: InvokeEvent,
  payload: unknown,
) => Promise<Result<unknown>>;

/**
 * Builds the function each `ipcMain.handle` listener calls. It always resolves to a Result: an
 * exception thrown across IPC reaches the page as an opaque "Error invoking remote method",
 * which the interface could not show in French.
 */
export function createIpcDispatcher(options: IpcDispatcherOptions): IpcDispatcher {
  return async (name, event, payload) => {
    const sender = checkSender(event, options.currentWindow(), options.trustedOrigins);
    if (!sender.ok) {
      options.onRefused?.(name, sender.reason);
      return refusedSenderError;
    }
    const parsed = ipcPayloadSchema.safeParse(payload);
    if (!parsed.success) {
      options.onRefused?.(name, 'charge utile mal formée');
      return malformedPayloadError;
    }
    try {
      return await options.send(name, parsed.data.args, parsed.data.session);
    } catch (e) {
      options.onError?.(name, e);
      return internalError;
    }
  };
}

/** The part of ipcMain used to register handlers. */
export interface IpcRegistrar {
  handle(channel: string, listener: (event: InvokeEvent, payload: unknown) => unknown): void;
}

/** One `ipcMain.handle` per handler name, each bound to its own name. */
export function registerIpcHandlers(
  ipc: IpcRegistrar,
  names: readonly HandlerName[],
  dispatch: IpcDispatcher,
): void {
  for (const name of names) {
    ipc.handle(ipcChannel(name), (event, payload) => dispatch(name, event, payload));
  }
}
