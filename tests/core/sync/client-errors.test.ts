// What the register's sync client makes of the portal's error answers: which ones stop the
// engine until a person acts (credentials, clock), and which ones it retries. A real HTTP server
// on loopback plays the portal, so cut bodies are cut for real.
//
// The case that motivated it: on a busy CI machine a 401 NONCE_REJOUE (the answer to a copy of a
// request the network had duplicated) lost its body mid-way; read as "401, no code", it stopped
// both registers' engines for good.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalClient, SyncError } from '../../../src/core/sync/client';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
let answer: Answer = (_req, res) => res.end();
let server: Server;
let client: PortalClient;

const json =
  (status: number, body: unknown): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

/** Sends the headers and half of the body announced, then drops the connection. */
const cut =
  (status: number, body: unknown): Answer =>
  (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  client = new PortalClient({
    baseUrl: `http://127.0.0.1:${port}`,
    creds: {
      counterId: '00000000-0000-4000-8000-000000000001',
      secret: Buffer.alloc(32, 7).toString('base64'),
    },
    timeoutMs: 5_000,
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function failure(a: Answer): Promise<SyncError> {
  answer = a;
  const e = await client.changes('0', 10).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SyncError);
  return e as SyncError;
}

describe('réponses d’erreur du portail vues par le client de synchronisation', () => {
  it('arrête le moteur sur un refus qui demande une action (signature, horloge, poste révoqué)', async () => {
    for (const code of ['SIGNATURE_INVALIDE', 'HORODATAGE_HORS_FENETRE', 'POSTE_REVOQUE']) {
      const e = await failure(
        json(code === 'POSTE_REVOQUE' ? 403 : 401, { code, message: 'refusé' }),
      );
      expect(e).toMatchObject({ code, retry: false, message: 'refusé' });
    }
  });

  it('réessaie un jeton rejoué, une erreur 5xx et un 429', async () => {
    expect(await failure(json(401, { code: 'NONCE_REJOUE', message: 'rejoué' }))).toMatchObject({
      code: 'NONCE_REJOUE',
      retry: true,
    });
    expect(await failure(json(503, { code: 'INTERNE', message: 'x' }))).toMatchObject({
      retry: true,
      status: 503,
    });
    expect(await failure(json(429, { code: 'TROP_DE_REQUETES', message: 'x' }))).toMatchObject({
      retry: true,
    });
  });

  it('réessaie une réponse 401 dont le corps a été coupé en route, au lieu de s’arrêter', async () => {
    const e = await failure(cut(401, { code: 'NONCE_REJOUE', message: 'Jeton déjà utilisé.' }));
    expect(e.retry).toBe(true);
    expect(e.message).toMatch(/interrompue|sans explication/);
  });

  it('réessaie une erreur qui n’est pas celle du portail (page d’un proxy), en le disant', async () => {
    const e = await failure((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/html' });
      res.end('<html><body>Authentification du proxy requise</body></html>');
    });
    expect(e).toMatchObject({ code: 'HTTP_401', retry: true, status: 401 });
    expect(e.message).toContain('401');
  });

  it('réessaie une réponse 200 coupée en route', async () => {
    const e = await failure(cut(200, { changes: [], cursor: '1', more: false }));
    expect(e.retry).toBe(true);
  });

  it('ne réessaie pas une demande que le portail juge invalide (erreur du client)', async () => {
    const e = await failure(json(400, { code: 'VALIDATION', message: 'Limite invalide.' }));
    expect(e).toMatchObject({ code: 'VALIDATION', retry: false, message: 'Limite invalide.' });
  });
});
