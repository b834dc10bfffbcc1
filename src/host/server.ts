// Browser mode: the same core as the desktop app, served over HTTP on the loopback interface.
// The host holds no rule of its own: it checks that a request comes from the page Guichet
// opened, hands (name, body, session) to core.send, and returns the Result as JSON.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import pino, { type Logger } from 'pino';
import { IMPORT_MAX_REQUEST_BYTES, type HandlerName } from '../shared/contract';
import type { AppError } from '../shared/errors';
import type { Result } from '../shared/result';
import { openCore, type Core } from '../core/core';
import type { SeedKind } from '../shared/demo/seed-kinds';
import { hostErrors, hostLog, webUiMissing } from './messages';
import {
  SECRET_HEADER,
  SECURITY_HEADERS,
  SESSION_HEADER,
  generateSecret,
  hostAllowed,
  originAllowed,
  secretMatches,
} from './security';

/** Large enough for any handler argument, small enough that a flood cannot exhaust memory. */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/**
 * Handlers that carry whole files (base64 in JSON): each gets its own route with a limit just
 * above what its contract accepts, so the core's French refusal of a too-large file is what
 * the agent sees, not the transport's 413. Every other handler keeps the small default.
 */
export const LARGE_BODY_LIMITS: Partial<Record<HandlerName, number>> = {
  'import.preview': IMPORT_MAX_REQUEST_BYTES,
  'import.apply': IMPORT_MAX_REQUEST_BYTES,
};

export interface HostAppOptions {
  core: Core;
  secret: string;
  /** Folder holding the built web UI (index.html and assets/). */
  webDir: string;
  logger: Logger;
  /** The port actually listened on, read at each request because port 0 is chosen late. */
  port: () => number;
  bodyLimit?: number;
}

function refuse(reply: FastifyReply, status: number, error: AppError): FastifyReply {
  const body: Result<never> = { ok: false, error };
  return reply.code(status).header('cache-control', 'no-store').send(body);
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export async function buildHostApp(opts: HostAppOptions) {
  const app = Fastify({
    loggerInstance: opts.logger,
    // One log line per keystroke of the search box would drown what matters; refusals and
    // errors are logged explicitly below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
  });
  // Only JSON is parsed: a form post or a text/plain body (what another page could send
  // without a preflight) is refused with 415 before anything runs. Fastify's own JSON parser
  // also refuses "__proto__" and "constructor.prototype" keys.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    const port = opts.port();
    if (!hostAllowed(request.headers.host, port)) {
      request.log.warn({ host: request.headers.host, url: request.url }, hostLog.refused);
      return refuse(reply, 403, hostErrors.badHost);
    }
    if (!request.url.startsWith('/api/')) return;
    if (!originAllowed(headerValue(request.headers.origin), port)) {
      request.log.warn({ origin: request.headers.origin }, hostLog.refused);
      return refuse(reply, 403, hostErrors.badOrigin);
    }
    if (!secretMatches(headerValue(request.headers[SECRET_HEADER]), opts.secret)) {
      request.log.warn({ url: request.url }, hostLog.refused);
      return refuse(reply, 403, hostErrors.badSecret);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(reply, 413, hostErrors.tooLarge);
    if (
      code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
      code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
    ) {
      return refuse(reply, 415, hostErrors.notJson);
    }
    if (
      code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error instanceof SyntaxError
    ) {
      return refuse(reply, 400, hostErrors.badJson);
    }
    // Other client errors come from the static file server (a path that climbs out of the web
    // folder gives 403): the refusal is kept, the library's English message is not.
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      request.log.warn({ url: request.url, status }, hostLog.refused);
      return refuse(reply, status, status === 404 ? hostErrors.notFound : hostErrors.badRequest);
    }
    request.log.error({ err: error, url: request.url }, 'erreur du serveur local');
    return refuse(reply, 500, hostErrors.internal);
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return refuse(reply, 404, hostErrors.notFound);
    return reply.code(404).type('text/plain; charset=utf-8').send(hostErrors.notFound.message);
  });

  const dispatch = async (name: string, request: FastifyRequest, reply: FastifyReply) => {
    const token = headerValue(request.headers[SESSION_HEADER]) ?? null;
    // Typed results, failures included, travel with HTTP 200: the status code only speaks for
    // the transport, the Result for the register.
    const result = await opts.core.send(name, request.body ?? {}, token || null);
    return reply.code(200).header('cache-control', 'no-store').send(result);
  };
  app.post<{ Params: { name: string } }>('/api/:name', async (request, reply) =>
    dispatch(request.params.name, request, reply),
  );
  // Static routes win over the parametric one in Fastify's router, and a route's bodyLimit
  // overrides the content-type parser's.
  for (const [name, limit] of Object.entries(LARGE_BODY_LIMITS)) {
    app.post(`/api/${name}`, { bodyLimit: limit }, async (request, reply) =>
      dispatch(name, request, reply),
    );
  }

  if (existsSync(path.join(opts.webDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: opts.webDir,
      index: ['index.html'],
      dotfiles: 'deny',
      list: false,
      setHeaders(reply, filePath) {
        // Vite names assets by content hash, so they never change; index.html must always be
        // asked again so a rebuilt UI is picked up.
        if (filePath.includes(`${path.sep}assets${path.sep}`)) {
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        } else {
          reply.header('cache-control', 'no-cache');
        }
      },
    });
  } else {
    app.get('/', (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send(webUiMissing),
    );
  }

  return app;
}

export interface StartHostOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  seed: SeedKind;
  webDir: string;
  host?: string;
  logger?: Logger;
  bodyLimit?: number;
  now?: () => Date;
}

export type HostApp = Awaited<ReturnType<typeof buildHostApp>>;

export interface RunningHost {
  /** The address to open, secret included in the fragment. */
  url: string;
  origin: string;
  port: number;
  secret: string;
  app: HostApp;
  core: Core;
  close(): Promise<void>;
}

export async function startHost(opts: StartHostOptions): Promise<RunningHost> {
  const logger = opts.logger ?? pino({ level: process.env.GUICHET_LOG_LEVEL ?? 'info' });
  mkdirSync(opts.dataDir, { recursive: true });
  const core = await openCore({
    dbFile: path.join(opts.dataDir, 'guichet.sqlite'),
    seed: opts.seed,
    logger: logger.child({ module: 'core' }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const secret = generateSecret();
  let port = opts.port;
  let app: HostApp;
  try {
    app = await buildHostApp({
      core,
      secret,
      webDir: opts.webDir,
      logger: logger.child({ module: 'host' }),
      port: () => port,
      ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    });
    await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  } catch (e) {
    core.close();
    throw e;
  }
  port = (app.server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  logger.info({ port }, hostLog.listening);
  return {
    url: `${origin}/#secret=${secret}`,
    origin,
    port,
    secret,
    app,
    core,
    async close() {
      await app.close();
      core.close();
    },
  };
}
