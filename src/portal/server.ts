// The portal's HTTP service (Fastify). Its families of routes:
//   /sync/v1/*   the sync protocol of registers (PROTOCOL.md), signed per counter;
//   /admin/v1/*  the administrator's API, behind a bearer token (GUICHET_PORTAL_ADMIN_TOKEN);
//   /family/v1/* what the family portal pages read (public, knowledge-gated for now);
//   /famille/*   the family pages themselves (HTML, family-web/plugin.ts);
//   /payfip/*    PayFiP's notification and the payer's return (payfip/routes.ts).
// Every error answer is JSON { code, message, details? } with a French message.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { asc, desc, eq } from 'drizzle-orm';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createCounter, issueEnrolmentCode, listCounters, revokeCounter } from './counters/admin';
import { authenticateCounter, type AuthenticatedCounter } from './counters/authenticate';
import { enrolCounter } from './counters/enrol';
import type { PortalDatabase } from './db/open';
import { counter, counterOp, counterRegie, invoice, paymentConflict, regie } from './db/schema';
import { PortalError, parseInput } from './errors';
import { invoicePayable } from './family/payable';
import { portalText } from './messages';
import { importBundle, setInvoiceStatus } from './ordonnateur/import';
import { PROTOCOL_VERSION, type CounterInfo, type ProtocolError } from '../shared/sync/schemas';
import { readChanges } from './sync/changes';
import { familyMailer, familyWebPlugin, type FamilyWebOptions } from './family-web/plugin';
import {
  createPayfipService,
  type PayfipService,
  type PayfipServiceOptions,
} from './payfip/attempts';
import { PAYFIP_ENDPOINT } from './payfip/client';
import { payfipRoutes } from './payfip/routes';
import { recheckOnlinePayment } from './payfip/recheck';
import { pushOps } from './sync/push';

declare module 'fastify' {
  interface FastifyInstance {
    /** The PayFiP service (tests and the CLI reach the poller and checks through it). */
    payfip?: PayfipService;
  }
  interface FastifyRequest {
    rawBody: Buffer | null;
    counter: AuthenticatedCounter | null;
  }
}

/** Large enough for a batch of 500 operations, small enough that a flood cannot hurt. */
export const PORTAL_BODY_LIMIT = 4 * 1024 * 1024;
/** A commune bundle can be large (a whole commune's invoices). */
export const IMPORT_BODY_LIMIT = 512 * 1024 * 1024;

export interface PortalAppOptions {
  database: PortalDatabase;
  masterKey: Buffer;
  /** Absent: the admin API answers 403 (the CLI remains available). */
  adminToken?: string | undefined;
  logger: Logger;
  now?: () => Date;
  /** The family pages under /famille (mail, cookies, limits); defaults suit the demo. */
  family?: Partial<Omit<FamilyWebOptions, 'db' | 'masterKey' | 'now'>>;
  /** Online payment through PayFiP (endpoints, public address, poller); see payfip/. */
  payfip?: PayfipPortalOptions;
}

export interface PayfipPortalOptions extends Partial<
  Omit<PayfipServiceOptions, 'db' | 'now' | 'log' | 'mailer'>
> {
  /** How often pending attempts are re-checked (default 60 s); null: never by itself. */
  pollIntervalMs?: number | null;
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send(body);
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  // Hashing first gives equal-length buffers, so the comparison leaks no length either.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const statusBodySchema = z.object({
  status: z.enum(['emise', 'tresorerie', 'prelevement', 'annulee'], {
    error: 'Statut attendu : emise, tresorerie, prelevement ou annulee.',
  }),
});
const revokeBodySchema = z.object({ reason: z.string({ error: 'Motif de révocation manquant.' }) });

export async function buildPortalApp(opts: PortalAppOptions) {
  const now = opts.now ?? (() => new Date());
  const { db } = opts.database;
  const app = Fastify({
    loggerInstance: opts.logger,
    // One log line per poll of every counter would drown what matters; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: PORTAL_BODY_LIMIT,
  });
  app.decorateRequest('rawBody', null);
  app.decorateRequest('counter', null);

  // Only JSON is accepted; the raw bytes are kept because the signature covers them.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    parseJson(request, raw.toString('utf8'), (err, value) => {
      if (err) done(new PortalError(400, 'JSON_INVALIDE', portalText.badJson), undefined);
      else done(null, value);
    });
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof PortalError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return send(reply, error.status, error.toBody());
    }
    const code = (error as { code?: string }).code;
    let body: ProtocolError | null = null;
    let status = 500;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      [status, body] = [413, { code: 'TROP_VOLUMINEUX', message: portalText.bodyTooLarge }];
    else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      [status, body] = [415, { code: 'TYPE_NON_ACCEPTE', message: portalText.unsupportedMedia }];
    else if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_JSON_BODY')
      [status, body] = [400, { code: 'JSON_INVALIDE', message: portalText.badJson }];
    if (body) return send(reply, status, body);
    request.log.error({ err: error, url: request.url }, 'erreur interne du portail');
    return send(reply, 500, { code: 'INTERNE', message: portalText.internal });
  });
  app.setNotFoundHandler((_request, reply) =>
    send(reply, 404, { code: 'INTROUVABLE', message: portalText.notFound }),
  );

  // ------------------------------------------------------------------------------------------
  // Sync protocol.
  const signed = async (request: FastifyRequest) => {
    request.counter = await authenticateCounter(
      db,
      opts.masterKey,
      {
        method: request.method,
        target: request.raw.url ?? request.url,
        headers: request.headers,
        rawBody: request.rawBody,
      },
      now(),
    );
  };
  const who = (request: FastifyRequest): AuthenticatedCounter => {
    if (!request.counter)
      throw new PortalError(401, 'SIGNATURE_MANQUANTE', portalText.signatureMissing);
    return request.counter;
  };

  app.post('/sync/v1/enrol', async (request, reply) =>
    send(reply, 200, await enrolCounter(db, opts.masterKey, request.body, now())),
  );

  app.get('/sync/v1/counter', { preHandler: signed }, async (request, reply) => {
    const c = who(request);
    const [row] = await db
      .select({ lastSeq: counter.lastSeq })
      .from(counter)
      .where(eq(counter.id, c.id));
    const regies = await db
      .select({ code: regie.code, name: regie.name })
      .from(counterRegie)
      .innerJoin(regie, eq(regie.id, counterRegie.regieId))
      .where(eq(counterRegie.counterId, c.id))
      .orderBy(asc(regie.code));
    const info: CounterInfo = {
      counterId: c.id,
      posteCode: c.posteCode,
      name: c.name,
      status: 'actif',
      regies,
      lastSeq: row?.lastSeq ?? 0,
      protocolVersion: PROTOCOL_VERSION,
      serverTime: now().toISOString(),
    };
    return send(reply, 200, info);
  });

  app.post('/sync/v1/push', { preHandler: signed }, async (request, reply) =>
    send(reply, 200, await pushOps(db, who(request), request.body, now)),
  );

  app.get('/sync/v1/changes', { preHandler: signed }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    return send(
      reply,
      200,
      await readChanges(db, who(request), { cursor: q.cursor, limit: q.limit }, now()),
    );
  });

  // ------------------------------------------------------------------------------------------
  // Administration.
  const admin = async (request: FastifyRequest) => {
    if (!opts.adminToken) throw new PortalError(403, 'ADMIN_DESACTIVE', portalText.adminDisabled);
    const auth = request.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!tokenMatches(token, opts.adminToken)) {
      throw new PortalError(401, 'ADMIN_NON_AUTORISE', portalText.adminUnauthorized);
    }
  };

  app.post('/admin/v1/counters', { preHandler: admin }, async (request, reply) =>
    send(reply, 201, await createCounter(db, request.body, 'admin-api', now())),
  );
  app.get('/admin/v1/counters', { preHandler: admin }, async (_request, reply) =>
    send(reply, 200, { counters: await listCounters(db) }),
  );
  app.post(
    '/admin/v1/counters/:poste/enrolment-code',
    { preHandler: admin },
    async (request, reply) => {
      const { poste } = request.params as { poste: string };
      return send(reply, 201, await issueEnrolmentCode(db, poste, 'admin-api', now()));
    },
  );
  app.post('/admin/v1/counters/:poste/revoke', { preHandler: admin }, async (request, reply) => {
    const { poste } = request.params as { poste: string };
    const { reason } = parseInput(revokeBodySchema, request.body);
    await revokeCounter(db, poste, reason, 'admin-api', now());
    return send(reply, 200, { posteCode: poste.toUpperCase(), status: 'revoque' });
  });
  app.post(
    '/admin/v1/import',
    { preHandler: admin, bodyLimit: IMPORT_BODY_LIMIT },
    async (request, reply) =>
      send(reply, 200, await importBundle(db, request.body, 'admin-api', now())),
  );
  app.post('/admin/v1/invoices/:number/status', { preHandler: admin }, async (request, reply) => {
    const { number } = request.params as { number: string };
    const { status } = parseInput(statusBodySchema, request.body);
    await setInvoiceStatus(db, number, status, 'admin-api', now());
    return send(reply, 200, { number, status });
  });
  app.get('/admin/v1/conflicts', { preHandler: admin }, async (_request, reply) => {
    const list = await db
      .select({
        ref: paymentConflict.ref,
        kind: paymentConflict.kind,
        invoiceNumber: invoice.number,
        amountCents: paymentConflict.amountCents,
        proposedResolution: paymentConflict.proposedResolution,
        status: paymentConflict.status,
        detail: paymentConflict.detail,
        detectedAt: paymentConflict.detectedAt,
      })
      .from(paymentConflict)
      .innerJoin(invoice, eq(invoice.id, paymentConflict.invoiceId))
      .where(eq(paymentConflict.status, 'a_traiter'))
      .orderBy(desc(paymentConflict.id));
    return send(reply, 200, { conflicts: list });
  });
  app.get('/admin/v1/rejected-ops', { preHandler: admin }, async (_request, reply) => {
    const list = await db
      .select({
        posteCode: counter.posteCode,
        opId: counterOp.opId,
        seq: counterOp.seq,
        kind: counterOp.kind,
        code: counterOp.code,
        message: counterOp.message,
        receivedAt: counterOp.receivedAt,
        payload: counterOp.payload,
      })
      .from(counterOp)
      .innerJoin(counter, eq(counter.id, counterOp.counterId))
      .where(eq(counterOp.status, 'rejected'))
      .orderBy(desc(counterOp.id));
    return send(reply, 200, { rejected: list });
  });

  // ------------------------------------------------------------------------------------------
  // Family side. Until family accounts exist, knowing the invoice's PayFiP reference (printed
  // on it) is what lets one read its payable amount; an unknown pair gives the same answer as
  // an unknown invoice, so the route reveals nothing else.
  app.get('/family/v1/invoices/:number/payable', async (request, reply) => {
    const { number } = request.params as { number: string };
    const { refdet } = request.query as { refdet?: string };
    const found = await invoicePayable(db, number, now());
    if (!found || !refdet || found.refdet !== refdet) {
      throw new PortalError(404, 'INTROUVABLE', portalText.invoiceNotFound(number));
    }
    const { refdet: _refdet, ...payable } = found;
    return send(reply, 200, payable);
  });

  // PayFiP: the régies in test mode (saisie T) use the test endpoint (the sandbox in the demo),
  // the others the real service. Its notification and the browser return have their own
  // encapsulated context (form bodies), like the family pages below.
  const mailer = familyMailer(opts.family ?? {});
  const payfipOpts = opts.payfip ?? {};
  const payfip = createPayfipService({
    ...payfipOpts,
    publicUrl:
      payfipOpts.publicUrl ?? opts.family?.publicUrl ?? process.env.GUICHET_PORTAL_PUBLIC_URL,
    db,
    now,
    log: opts.logger,
    mailer,
  });
  await app.register(payfipRoutes, { service: payfip });
  // A counter's agent asks for an online payment to be checked with PayFiP now (PROTOCOL.md
  // 7.1): signed like push and pull, it runs the service's own check.
  app.post(
    '/sync/v1/online-payments/:ref/recheck',
    { preHandler: signed },
    async (request, reply) =>
      send(
        reply,
        200,
        await recheckOnlinePayment({
          db,
          service: payfip,
          counter: who(request),
          ref: (request.params as { ref: string }).ref,
          now,
        }),
      ),
  );
  const paymentOrigins = [
    ...new Set(
      [payfipOpts.testEndpoint, payfipOpts.productionEndpoint ?? PAYFIP_ENDPOINT]
        .filter((e): e is string => Boolean(e))
        .map((e) => new URL(e).origin),
    ),
  ];

  // The family pages (HTML, forms, their own cookies and error pages) live in their own
  // encapsulated context, so none of their parsers or hooks reaches the APIs above.
  await app.register(familyWebPlugin, {
    prefix: '/famille',
    ...opts.family,
    mailer,
    payfip,
    paymentOrigins,
    db,
    masterKey: opts.masterKey,
    now,
  });

  const pollEvery = payfipOpts.pollIntervalMs === undefined ? 60_000 : payfipOpts.pollIntervalMs;
  if (pollEvery !== null) {
    let polling = false;
    const timer = setInterval(() => {
      if (polling) return;
      polling = true;
      payfip
        .pollOnce()
        .catch((err: unknown) => app.log.error({ err }, 'PayFiP : tour de vérification en échec'))
        .finally(() => {
          polling = false;
        });
    }, pollEvery);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.decorate('payfip', payfip);

  app.get('/health', async (_request, reply) =>
    send(reply, 200, {
      ok: true,
      database: opts.database.kind,
      schemaVersion: opts.database.migration.schemaVersion,
      protocolVersion: PROTOCOL_VERSION,
      serverTime: now().toISOString(),
    }),
  );

  return app;
}

export type PortalApp = Awaited<ReturnType<typeof buildPortalApp>>;

export interface RunningPortal {
  app: PortalApp;
  url: string;
  close(): Promise<void>;
}

export async function listenPortal(
  app: PortalApp,
  host: string,
  port: number,
): Promise<RunningPortal> {
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    app,
    url: `http://${shownHost}:${address.port}`,
    close: () => app.close(),
  };
}
