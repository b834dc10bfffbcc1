// The renderer's one way to reach the core. A transport carries (name, args, session token) to
// the core and brings back a Result; the client adds typing and keeps the session token.
import type { HandlerName, Input, Output } from './contract';
import type { Result } from './result';

export type Transport = (
  name: HandlerName,
  args: unknown,
  sessionToken: string | null,
) => Promise<Result<unknown>>;

export interface Client {
  send<K extends HandlerName>(name: K, args: Input<K>): Promise<Result<Output<K>>>;
  setSessionToken(token: string | null): void;
}

export function createClient(transport: Transport): Client {
  let token: string | null = null;
  return {
    async send(name, args) {
      const result = await transport(name, args, token);
      return result as Result<Output<typeof name>>;
    },
    setSessionToken(t) {
      token = t;
    },
  };
}

/** HTTP transport for browser mode: POST /api/<name> with the per-run secret. */
export function httpTransport(baseUrl: string, secret: string): Transport {
  return async (name, args, sessionToken) => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-guichet-secret': secret,
          ...(sessionToken ? { 'x-guichet-session': sessionToken } : {}),
        },
        body: JSON.stringify(args ?? {}),
      });
    } catch {
      return {
        ok: false,
        error: {
          code: 'INTERNE',
          message: 'Le moteur de Guichet ne répond pas. Relancez l’application.',
        },
      };
    }
    return (await response.json()) as Result<unknown>;
  };
}
