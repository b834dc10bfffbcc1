// The PayFiP sandbox as its own HTTP service (own port): the SOAP endpoint at
// /tpa/services/securite, the payment page at /tpa/paiementws.web?idop=…, and a small control
// API under /sandbox for tests and demos (notification plans, clean-up, the list of
// operations). The demo portal starts it next to itself (cli.ts).
import type { AddressInfo } from 'node:net';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { faultXml } from '../faults';
import { child, leaves, parseSoap, soapBody, soapResponse, XmlRefused } from '../xml';
import { faultPage, paymentPage, resultPage } from './pages';
import { createSandbox, SandboxFault, type Sandbox, type SandboxOptions } from './sandbox';

export const DEFAULT_SANDBOX_PORT = 8795;

const OPERATIONS = [
  'creerPaiementSecurise',
  'recupererDetailPaiementSecurise',
  'recupererDetailClient',
] as const;

const planSchema = z.object({
  mode: z.enum(['once', 'twice', 'late', 'never'], {
    error: 'mode attendu : once, twice, late ou never.',
  }),
  delayMs: z.number().int().min(0).max(3_600_000).optional(),
  idop: z.string().optional(),
});

export interface SandboxApp {
  sandbox: Sandbox;
  url: string;
  /** The SOAP endpoint to give the portal. */
  endpoint: string;
  close(): Promise<void>;
}

export async function buildSandboxApp(sandbox: Sandbox, logger?: Logger) {
  const app = Fastify(logger ? { loggerInstance: logger } : { logger: false });
  app.addContentTypeParser(
    ['text/xml', 'application/soap+xml', 'application/xml'],
    { parseAs: 'string', bodyLimit: 256 * 1024 },
    (_req, body, done) => done(null, body),
  );
  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });

  const xml = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/xml; charset=utf-8').send(body);
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(body);

  app.post('/tpa/services/securite', async (request, reply) => {
    const text = typeof request.body === 'string' ? request.body : '';
    let operation: string | undefined;
    let args: Record<string, string> = {};
    try {
      const body = soapBody(parseSoap(text));
      operation = OPERATIONS.find((op) => child(body, op) !== undefined);
      if (operation) args = leaves(child(child(body, operation), 'arg0'));
    } catch (e) {
      if (!(e instanceof XmlRefused)) throw e;
      return xml(
        reply,
        500,
        faultXml('', { type: 'TechProtocolaireErreur', descriptif: e.message, libelle: e.message }),
      );
    }
    try {
      switch (operation) {
        case 'creerPaiementSecurise':
          return xml(reply, 200, soapResponse(operation, [['idOp', sandbox.create(args)]]));
        case 'recupererDetailPaiementSecurise':
          return xml(reply, 200, soapResponse(operation, sandbox.detail(args.idOp ?? '')));
        case 'recupererDetailClient':
          return xml(reply, 200, soapResponse(operation, sandbox.detailClient(args.numCli ?? '')));
        default:
          return xml(
            reply,
            500,
            faultXml('', {
              type: 'TechProtocolaireErreur',
              descriptif: 'Opération inconnue',
              libelle: 'Opération inconnue',
            }),
          );
      }
    } catch (e) {
      if (e instanceof SandboxFault) return xml(reply, 500, faultXml(e.code, { type: e.type }));
      throw e;
    }
  });

  app.get('/tpa/paiementws.web', async (request, reply) => {
    const { idop } = request.query as { idop?: string };
    try {
      return html(reply, 200, paymentPage(sandbox.open(idop ?? '')));
    } catch (e) {
      if (e instanceof SandboxFault) return html(reply, 400, faultPage(e.code));
      throw e;
    }
  });
  app.post('/tpa/paiementws.web', async (request, reply) => {
    const b = (request.body ?? {}) as Record<string, unknown>;
    const s = (k: string) => (typeof b[k] === 'string' ? b[k] : '');
    const r = s('resultrans');
    if (!['P', 'V', 'R', 'Z', 'A'].includes(r)) return html(reply, 400, faultPage('P3'));
    try {
      return html(
        reply,
        200,
        resultPage(sandbox.choose(s('idop'), s('jeton'), r as 'P' | 'V' | 'R' | 'Z' | 'A')),
      );
    } catch (e) {
      if (e instanceof SandboxFault) return html(reply, 400, faultPage(e.code));
      throw e;
    }
  });

  // Control API (JSON).
  app.get('/sandbox/operations', async () => ({
    operations: sandbox.list().map((o) => ({
      idOp: o.idOp,
      refdet: o.refdet,
      montant: o.montant,
      createdAt: o.createdAt.toISOString(),
      openedAt: o.openedAt?.toISOString() ?? null,
      result: o.result,
      notification: o.notification,
    })),
    deliveries: sandbox.deliveries.map((d) => ({ ...d, at: d.at.toISOString() })),
  }));
  app.post('/sandbox/notifications', async (request, reply) => {
    const parsed = planSchema.safeParse(request.body);
    if (!parsed.success)
      return reply.code(400).send({ code: 'VALIDATION', message: parsed.error.issues[0]?.message });
    const { idop, ...plan } = parsed.data;
    try {
      sandbox.setNotification(plan, idop);
    } catch (e) {
      if (e instanceof SandboxFault)
        return reply.code(404).send({ code: e.code, message: 'IdOp inconnu du bac à sable.' });
      throw e;
    }
    return { ok: true };
  });
  app.post('/sandbox/cleanup', async (request) => {
    const b = (request.body ?? {}) as { olderThanMinutes?: unknown };
    const minutes = typeof b.olderThanMinutes === 'number' ? b.olderThanMinutes : 24 * 60;
    return {
      forgotten: sandbox.cleanup(new Date(sandbox.now().getTime() - minutes * 60_000)),
    };
  });
  app.get('/', async (_request, reply) =>
    html(
      reply,
      200,
      '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Bac à sable PayFiP</title><p>Bac à sable PayFiP de Guichet : service SOAP sur /tpa/services/securite, page de paiement sur /tpa/paiementws.web?idop=…, pilotage sur /sandbox/operations.</p></html>',
    ),
  );
  app.addHook('onClose', async () => sandbox.close());
  return app;
}

/** Starts a sandbox on host:port (0: any free port). */
export async function startSandbox(
  opts: SandboxOptions & { host?: string; port?: number; logger?: Logger } = {},
): Promise<SandboxApp> {
  const sandbox = createSandbox(opts);
  const app = await buildSandboxApp(sandbox, opts.logger);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return { sandbox, url, endpoint: `${url}/tpa/services/securite`, close: () => app.close() };
}
