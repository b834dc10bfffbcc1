// The renderer runs inside Electron (the preload exposes window.guichet) or in a browser served
// by the local host (HTTP with the per-run secret). It picks its transport once, at start.
import { httpTransport, type Transport } from '../shared/client';
import { isHandlerName } from '../shared/contract';
import type { GuichetPreloadApi } from './env.d';
import { appMessages } from './messages';

const SECRET_KEY = 'guichet.secret';

/**
 * The host prints an address whose fragment carries the secret (#secret=...). The fragment is
 * never sent to a server; the renderer keeps it in sessionStorage (so a reload of this tab still
 * works) and removes it from the address bar so it does not linger in history or screenshots.
 */
export function takeSecret(): string | null {
  const match = /(?:^#|&)secret=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(SECRET_KEY, match[1]);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(SECRET_KEY);
}

export function ipcTransport(api: GuichetPreloadApi): Transport {
  return async (name, args, sessionToken) => {
    const fn = isHandlerName(name) ? api.handlers[name] : undefined;
    if (!fn) {
      return {
        ok: false,
        error: { code: 'VALIDATION', message: appMessages.unknownHandler(name) },
      };
    }
    try {
      return await fn(args, sessionToken);
    } catch {
      return { ok: false, error: { code: 'INTERNE', message: appMessages.engineUnreachable } };
    }
  };
}

export type TransportChoice =
  | { ok: true; transport: Transport; mode: 'electron' | 'navigateur' }
  | { ok: false; message: string };

export function pickTransport(): TransportChoice {
  if (window.guichet)
    return { ok: true, transport: ipcTransport(window.guichet), mode: 'electron' };
  const secret = takeSecret();
  if (!secret) return { ok: false, message: appMessages.missingSecret };
  return { ok: true, transport: httpTransport(window.location.origin, secret), mode: 'navigateur' };
}
