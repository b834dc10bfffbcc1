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

  /**
   * Asks the portal to check an online payment with PayFiP now (PROTOCOL.md 7.1). The answer
   * is returned unparsed: the caller validates it against the shared schema.
   */
  recheckOnlinePayment(ref: string): Promise<unknown> {
    return this.request<unknown>(
      'POST',
      `/sync/v1/online-payments/${encodeURIComponent(ref)}/recheck`,
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
    // A body cut mid-way (the connection dropped) reads as null: it is a network failure.
    const raw = await res.text().catch(() => null);
    if (raw === null) {
      throw new SyncError(
        'REPONSE_INTERROMPUE',
        'La réponse du portail a été interrompue (réseau instable). Nouvel essai automatique.',
        true,
        res.status,
      );
    }
    if (res.ok) {
      try {
        return JSON.parse(raw) as T;
      } catch {
        throw new SyncError('REPONSE_INVALIDE', 'Réponse illisible du portail.', true, res.status);
      }
    }
    let err: ProtocolError | null = null;
    try {
      const parsed = JSON.parse(raw) as Partial<ProtocolError> | null;
      err = typeof parsed?.code === 'string' ? (parsed as ProtocolError) : null;
    } catch {
      err = null;
    }
    if (!err) {
      // Not the portal's own answer (a proxy's error page, or a body cut short by the network):
      // nothing says a person must act, so the engine keeps trying with its backoff. Stopping
      // here once stopped two registers for good when a 401 answer lost its body mid-way.
      throw new SyncError(
        `HTTP_${res.status}`,
        `Le portail a répondu par une erreur ${res.status} sans explication lisible. Nouvel essai automatique.`,
        true,
        res.status,
      );
    }
    const retry =
      (res.status >= 500 || res.status === 429 || err.code === 'NONCE_REJOUE') &&
      !STOP_CODES.has(err.code);
    const message =
      typeof err.message === 'string' && err.message
        ? err.message
        : `Le portail a répondu par une erreur ${res.status} (${err.code}).`;
    throw new SyncError(err.code, message, retry, res.status);
  }
}
