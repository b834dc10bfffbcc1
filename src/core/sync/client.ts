// The HTTP side of the sync protocol (src/portal/PROTOCOL.md): global fetch, a timeout on every
// request, and the signature of section 3.2. A retry is always a new request (new timestamp,
// new nonce), which is what calling these methods again gives.
import type {
  ChangesResponse,
  EnrolResponse,
  Op,
  ProtocolError,
  PushResponse,
} from '../../shared/sync/schemas';
import { signRequest, type CounterCredentials } from '../../shared/sync/signing';

export type FetchLike = typeof fetch;

/**
 * A failed exchange. `retry` tells the engine whether backing off and trying again can help
 * (network, timeout, 5xx, 429) or whether a person must act (credentials, clock, client bug).
 */
export class SyncError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retry: boolean,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface PortalClientOptions {
  baseUrl: string;
  creds?: CounterCredentials;
  timeoutMs?: number;
  fetch?: FetchLike;
  now?: () => Date;
}

const STOP_CODES = new Set([
  'SIGNATURE_INVALIDE',
  'POSTE_INCONNU',
  'POSTE_NON_ENROLE',
  'POSTE_REVOQUE',
  'HORODATAGE_HORS_FENETRE',
]);

export class PortalClient {
  private readonly fetchFn: FetchLike;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(private readonly opts: PortalClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.now = opts.now ?? (() => new Date());
  }

  enrol(code: string, machine?: string): Promise<EnrolResponse> {
    return this.request<EnrolResponse>('POST', '/sync/v1/enrol', { code, machine }, false);
  }

  push(ops: Op[]): Promise<PushResponse> {
    return this.request<PushResponse>('POST', '/sync/v1/push', { ops }, true);
  }

  changes(cursor: string, limit: number): Promise<ChangesResponse> {
    return this.request<ChangesResponse>(
      'GET',
      `/sync/v1/changes?cursor=${encodeURIComponent(cursor)}&limit=${limit}`,
      undefined,
      true,
    );
  }

  private async request<T>(
    method: 'GET' | 'POST',
    target: string,
    body: unknown,
    signed: boolean,
  ): Promise<T> {
    // The exact bytes that are hashed are the bytes sent: no re-serialisation after signing.
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {};
    if (text !== undefined) headers['content-type'] = 'application/json';
    if (signed) {
      if (!this.opts.creds) throw new SyncError('NON_ENROLE', 'Ce poste n’est pas enrôlé.', false);
      Object.assign(
        headers,
        signRequest(this.opts.creds, method, target, text, { now: this.now() }),
      );
    }
    let res: Response;
    try {
      res = await this.fetchFn(this.opts.baseUrl + target, {
        method,
        headers,
        ...(text === undefined ? {} : { body: text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw new SyncError(
        timeout ? 'DELAI_DEPASSE' : 'RESEAU',
        timeout
          ? `Le portail n’a pas répondu dans les ${Math.round(this.timeoutMs / 1000)} secondes. Nouvel essai automatique.`
          : 'Portail injoignable (réseau coupé ou adresse erronée). Les paiements restent en attente et partiront au retour du réseau.',
        true,
      );
    }
    const raw = await res.text().catch(() => '');
    if (res.ok) {
      try {
        return JSON.parse(raw) as T;
      } catch {
        throw new SyncError('REPONSE_INVALIDE', 'Réponse illisible du portail.', true, res.status);
      }
    }
    let err: ProtocolError | null = null;
    try {
      err = JSON.parse(raw) as ProtocolError;
    } catch {
      err = null;
    }
    const code = err?.code ?? `HTTP_${res.status}`;
    const message = err?.message ?? `Le portail a répondu par une erreur ${res.status}.`;
    const retry =
      (res.status >= 500 || res.status === 429 || code === 'NONCE_REJOUE') && !STOP_CODES.has(code);
    throw new SyncError(code, message, retry, res.status);
  }
}
