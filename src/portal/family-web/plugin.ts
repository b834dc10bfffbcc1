// The family pages, served under /famille by the portal (registered from server.ts). Every
// page is HTML rendered on the server and works without JavaScript; forms post back and are
// answered either by a redirect (success) or by the same page with the errors (nothing
// written). Security: sessions in an HttpOnly SameSite=Lax cookie whose random id is stored
// hashed, a CSRF token on every POST, per-address rate limits on the sensitive forms and
// per-code-famille / per-address failure counters in the database (throttle.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import { asc } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ReactElement } from 'react';
import type { PortalDb } from '../db/open';
import { commune } from '../db/schema';
import {
  DEFAULT_ACCOUNT_POLICY,
  checkActivationCodes,
  closeSession,
  completeActivation,
  completePasswordReset,
  login,
  openSession,
  readSession,
  requestPasswordReset,
  resetTokenIsLive,
  type AccountPolicy,
  type FamilySessionInfo,
} from './accounts';
import { FormRefused } from './form-errors';
import { familyInvoices, familyRegies, type InvoiceTab } from './invoices';
import { loadInvoicePdfData, renderInvoicePdf } from './invoice-pdf';
import { createMailer, type Mailer } from './mailer';
import { AccountPage, ContactPage } from './pages/account';
import {
  ActivationAccountPage,
  ActivationPage,
  ForgotPage,
  LoginPage,
  MessagePage,
  ResetPage,
  emptyForm,
  type FormState,
} from './pages/auth';
import { InvoicesPage, tabSlugs } from './pages/invoices';
import { BASE, renderPage, type PageContext } from './pages/layout';
import {
  addAlertEmail,
  listAlertEmails,
  paperOptOut,
  removeAlertEmail,
  sendFamilyMessage,
  sendInvoiceAlerts,
  setPaperOptOut,
} from './settings';
import { familyText } from './text';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from './throttle';
import { deriveKey } from './tokens';
import type { PayfipService } from '../payfip/attempts';
import { payfipFamilyRoutes } from '../payfip/family-routes';

declare module 'fastify' {
  interface FastifyRequest {
    familySession: FamilySessionInfo | null;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
export const SESSION_COOKIE = 'guichet_famille';

export interface FamilyWebOptions {
  db: PortalDb;
  masterKey: Buffer;
  now: () => Date;
  /** Where reset links and alert mails point; else GUICHET_PORTAL_PUBLIC_URL, the commune's
   * portal address, and last the address of the request. Set it in production: a link built
   * from a request's Host header is only as trustworthy as the proxy in front. */
  publicUrl?: string | undefined;
  /** SMTP URL (PORTAL_SMTP_URL); absent: mails are .eml files in mailDir. */
  smtpUrl?: string | undefined;
  mailDir?: string | undefined;
  mailFrom?: string | undefined;
  /** A mailer of the caller's (tests); overrides smtpUrl and mailDir. */
  mailer?: Mailer;
  /** 'auto' (default): Secure cookies when the request came over https (trustProxy aware). */
  secureCookies?: boolean | 'auto';
  throttle?: Partial<ThrottlePolicy>;
  policy?: Partial<Omit<AccountPolicy, 'throttle'>>;
  /** Requests per address and window on each sensitive form. */
  rateLimit?: { max: number; timeWindowMs: number };
  /** How often queued invoice alerts are mailed; null: never by itself (tests call it). */
  alertIntervalMs?: number | null;
  /** Online payment (src/portal/payfip); absent: no « Payer en ligne ». */
  payfip?: PayfipService | undefined;
  /** Origins the browser may be sent to after a form (the PayFiP payment pages). */
  paymentOrigins?: string[] | undefined;
}

/** The mailer of the family pages: the caller's, else SMTP or .eml files (see mailer.ts). */
export function familyMailer(
  opts: Pick<FamilyWebOptions, 'mailer' | 'smtpUrl' | 'mailDir' | 'mailFrom'>,
): Mailer {
  return (
    opts.mailer ??
    createMailer({
      smtpUrl: opts.smtpUrl ?? process.env.PORTAL_SMTP_URL,
      folder:
        opts.mailDir ??
        process.env.GUICHET_PORTAL_MAIL_DIR ??
        path.join(repoRoot, '.data', 'portal', 'mails'),
      from:
        opts.mailFrom ??
        process.env.PORTAL_MAIL_FROM ??
        'Espace familles <ne-pas-repondre@guichet.invalid>',
    })
  );
}

function str(body: unknown, key: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : '';
}

export async function familyWebPlugin(app: FastifyInstance, opts: FamilyWebOptions) {
  const { db, now } = opts;
  const policy: AccountPolicy = {
    ...DEFAULT_ACCOUNT_POLICY,
    ...opts.policy,
    throttle: { ...DEFAULT_THROTTLE, ...opts.throttle },
  };
  const ticketKey = deriveKey(opts.masterKey, 'activation-ticket');
  const mailer = familyMailer(opts);
  const secure = opts.secureCookies ?? 'auto';
  const limit = opts.rateLimit ?? { max: 20, timeWindowMs: 60_000 };
  const css = readFileSync(path.join(here, 'static', 'famille.css'));

  await app.register(fastifyCookie, {
    secret: deriveKey(opts.masterKey, 'cookie').toString('hex'),
  });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'guichet_famille_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: BASE, secure },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: 429,
      code: 'TROP_DE_DEMANDES',
      message: familyText.tooManyRequests,
      retryAfter: context.after,
    }),
  });
  const limited = { config: { rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs } } };

  app.decorateRequest('familySession', null);

  // The commune's name heads every page; it changes once in a blue moon.
  let communeCache: { name: string; portalUrl: string | null; at: number } | null = null;
  const communeInfo = async () => {
    if (!communeCache || Date.now() - communeCache.at > 60_000) {
      const [c] = await db
        .select({ name: commune.name, portalUrl: commune.portalUrl })
        .from(commune)
        .orderBy(asc(commune.id))
        .limit(1);
      communeCache = {
        name: c?.name ?? 'Votre commune',
        portalUrl: c?.portalUrl ?? null,
        at: Date.now(),
      };
    }
    return communeCache;
  };
  const publicUrl = async (request: FastifyRequest) =>
    (
      opts.publicUrl ??
      process.env.GUICHET_PORTAL_PUBLIC_URL ??
      (await communeInfo()).portalUrl ??
      `${request.protocol}://${request.host}`
    ).replace(/\/+$/, '');

  const context = async (
    request: FastifyRequest,
    reply: FastifyReply,
    section?: PageContext['section'],
  ): Promise<PageContext> => {
    const s = request.familySession;
    return {
      communeName: (await communeInfo()).name,
      family: s ? { name: s.familyName, code: s.familyCode } : null,
      csrfToken: reply.generateCsrf(),
      ...(section ? { section } : {}),
    };
  };
  const html = (reply: FastifyReply, element: ReactElement, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(renderPage(element));
  const redirect = (reply: FastifyReply, to: string) => reply.code(303).redirect(to);

  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: BASE,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: Math.floor(policy.sessionMaxMs / 1000),
    });

  app.addHook('onRequest', async (request) => {
    request.familySession = await readSession(db, request.cookies[SESSION_COOKIE], now(), policy);
  });
  // Every POST carries the CSRF token of a page of ours (the cookie holds its secret).
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') app.csrfProtection(request, reply, done);
    else done();
  });
  // « Payer en ligne » posts here and is redirected to PayFiP's page: browsers apply
  // form-action to that redirect, so PayFiP's origins are allowed as well.
  const formActionSources = ["'self'", ...(opts.paymentOrigins ?? [])].join(' ');
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    // The reset link carries its token in the address: never send it to another site.
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header(
      'content-security-policy',
      `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formActionSources}; frame-ancestors 'none'; base-uri 'none'`,
    );
    return payload;
  });

  const errorPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    message: string,
  ) =>
    html(
      reply,
      MessagePage({
        ctx: await context(request, reply),
        title: status === 404 ? 'Page introuvable' : 'Impossible de continuer',
        message,
        status,
      }),
      status,
    );

  app.setErrorHandler(async (error, request, reply) => {
    const e = error as { code?: string; statusCode?: number };
    if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET')
      return errorPage(request, reply, 403, familyText.csrfRefused);
    if (e.statusCode === 429) return errorPage(request, reply, 429, familyText.tooManyRequests);
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
      return errorPage(request, reply, e.statusCode, familyText.csrfRefused);
    request.log.error({ err: error, url: request.url }, 'erreur interne des pages familles');
    return errorPage(request, reply, 500, familyText.internal);
  });
  app.setNotFoundHandler(async (request, reply) =>
    errorPage(request, reply, 404, familyText.notFound),
  );

  const requireFamily = (
    request: FastifyRequest,
    reply: FastifyReply,
  ): FamilySessionInfo | null => {
    if (request.familySession) return request.familySession;
    void redirect(reply, `${BASE}/connexion?info=expiree`);
    return null;
  };

  /** Runs a form action; a refusal re-renders the form with what was typed. */
  const formAction = async (
    reply: FastifyReply,
    action: () => Promise<void>,
    rerender: (form: FormState, status: number) => Promise<unknown>,
    values: Record<string, string>,
  ) => {
    try {
      await action();
    } catch (e) {
      if (!(e instanceof FormRefused)) throw e;
      return rerender({ errors: e.fields, general: e.general, values }, e.status);
    }
    return reply;
  };

  // ------------------------------------------------------------------------------------------
  app.get('/static/famille.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(css),
  );
  app.get('/', async (request, reply) =>
    redirect(reply, request.familySession ? `${BASE}/factures` : `${BASE}/connexion`),
  );

  const loginNotices: Record<string, string> = {
    deconnecte: familyText.loggedOut,
    expiree: familyText.sessionExpired,
    'mot-de-passe': familyText.resetDone,
  };
  app.get('/connexion', async (request, reply) => {
    if (request.familySession) return redirect(reply, `${BASE}/factures`);
    const info = (request.query as { info?: string }).info;
    return html(
      reply,
      LoginPage({
        ctx: await context(request, reply),
        form: { ...emptyForm(), notice: (info && loginNotices[info]) ?? null },
      }),
    );
  });
  app.post('/connexion', limited, async (request, reply) => {
    const values = { email: str(request.body, 'email') };
    return formAction(
      reply,
      async () => {
        const { userId } = await login(
          db,
          { email: values.email, password: str(request.body, 'password') },
          now(),
          policy,
        );
        setSessionCookie(reply, await openSession(db, userId, now(), policy));
        await redirect(reply, `${BASE}/factures`);
      },
      async (form, status) =>
        html(reply, LoginPage({ ctx: await context(request, reply), form }), status),
      values,
    );
  });
  app.post('/deconnexion', async (request, reply) => {
    if (request.familySession) await closeSession(db, request.familySession.sessionId, now());
    reply.clearCookie(SESSION_COOKIE, { path: BASE });
    return redirect(reply, `${BASE}/connexion?info=deconnecte`);
  });

  // Activation.
  app.get('/activation', async (request, reply) => {
    const q = request.query as { famille?: string };
    return html(
      reply,
      ActivationPage({
        ctx: await context(request, reply),
        form: emptyForm({ familyCode: typeof q.famille === 'string' ? q.famille : '' }),
      }),
    );
  });
  app.post('/activation', limited, async (request, reply) => {
    const values = {
      familyCode: str(request.body, 'familyCode'),
      activationCode: str(request.body, 'activationCode'),
    };
    return formAction(
      reply,
      async () => {
        const ticket = await checkActivationCodes(db, values, now(), policy, ticketKey);
        await html(
          reply,
          ActivationAccountPage({ ctx: await context(request, reply), form: emptyForm(), ticket }),
        );
      },
      async (form, status) =>
        html(
          reply,
          // The activation code is never sent back into the page.
          ActivationPage({
            ctx: await context(request, reply),
            form: { ...form, values: { familyCode: values.familyCode } },
          }),
          status,
        ),
      values,
    );
  });
  app.post('/activation/compte', limited, async (request, reply) => {
    const ticket = str(request.body, 'ticket');
    const values = { email: str(request.body, 'email') };
    return formAction(
      reply,
      async () => {
        const { userId } = await completeActivation(
          db,
          {
            ticket,
            email: values.email,
            password: str(request.body, 'password'),
            passwordConfirm: str(request.body, 'passwordConfirm'),
          },
          now(),
          ticketKey,
        );
        setSessionCookie(reply, await openSession(db, userId, now(), policy));
        await redirect(reply, `${BASE}/factures?info=active`);
      },
      async (form, status) => {
        const ctx = await context(request, reply);
        // A spent or forged ticket sends back to step 1; field errors stay on step 2.
        if (form.general === familyText.activationTicketExpired)
          return html(reply, ActivationPage({ ctx, form: { ...form, values: {} } }), status);
        return html(reply, ActivationAccountPage({ ctx, form, ticket }), status);
      },
      values,
    );
  });

  // Forgotten password.
  app.get('/mot-de-passe-oublie', async (request, reply) =>
    html(reply, ForgotPage({ ctx: await context(request, reply), form: emptyForm() })),
  );
  app.post('/mot-de-passe-oublie', limited, async (request, reply) => {
    const values = { email: str(request.body, 'email') };
    return formAction(
      reply,
      async () => {
        const link = await requestPasswordReset(db, values.email, now(), policy);
        if (link) {
          const url = `${await publicUrl(request)}${BASE}/nouveau-mot-de-passe?jeton=${link.token}`;
          await mailer.send({
            to: link.email,
            subject: familyText.resetMailSubject,
            text: [
              'Bonjour,',
              '',
              'Vous avez demandé à choisir un nouveau mot de passe pour votre espace familles.',
              'Ouvrez ce lien (valable une heure, une seule fois) :',
              url,
              '',
              'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.',
              'Merci de ne pas répondre à ce message.',
            ].join('\n'),
          });
        }
        await html(
          reply,
          ForgotPage({
            ctx: await context(request, reply),
            form: { ...emptyForm(), notice: familyText.forgotSent },
          }),
        );
      },
      async (form, status) =>
        html(reply, ForgotPage({ ctx: await context(request, reply), form }), status),
      values,
    );
  });
  app.get('/nouveau-mot-de-passe', async (request, reply) => {
    const token = (request.query as { jeton?: string }).jeton ?? '';
    const live =
      typeof token === 'string' && token !== '' && (await resetTokenIsLive(db, token, now()));
    const ctx = await context(request, reply);
    return live
      ? html(reply, ResetPage({ ctx, form: emptyForm(), token }))
      : html(
          reply,
          ResetPage({
            ctx,
            form: { ...emptyForm(), general: familyText.resetInvalid },
            token: null,
          }),
          400,
        );
  });
  app.post('/nouveau-mot-de-passe', limited, async (request, reply) => {
    const token = str(request.body, 'token');
    return formAction(
      reply,
      async () => {
        await completePasswordReset(
          db,
          {
            token,
            password: str(request.body, 'password'),
            passwordConfirm: str(request.body, 'passwordConfirm'),
          },
          now(),
        );
        reply.clearCookie(SESSION_COOKIE, { path: BASE });
        await redirect(reply, `${BASE}/connexion?info=mot-de-passe`);
      },
      async (form, status) =>
        html(
          reply,
          ResetPage({
            ctx: await context(request, reply),
            form,
            token: form.general === familyText.resetInvalid ? null : token,
          }),
          status,
        ),
      {},
    );
  });

  // Invoices.
  const slugToTab = new Map(Object.entries(tabSlugs).map(([k, v]) => [v, k as InvoiceTab]));
  app.get('/factures', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const q = request.query as { regie?: string; onglet?: string; info?: string };
    const regies = await familyRegies(db, s.familyId);
    const regie = regies.find((r) => r.code === q.regie) ?? regies[0] ?? null;
    const tab = slugToTab.get(q.onglet ?? '') ?? 'a_payer';
    const invoices = regie ? await familyInvoices(db, s.familyId, regie.id, tab, now()) : [];
    return html(
      reply,
      InvoicesPage({
        ctx: await context(request, reply, 'factures'),
        regies,
        regie,
        tab,
        invoices,
        notice: q.info === 'active' ? familyText.activationDone : null,
        onlinePayment: Boolean(opts.payfip),
      }),
    );
  });
  app.get('/factures/:file', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const { file } = request.params as { file: string };
    const number = file.endsWith('.pdf') ? file.slice(0, -4) : '';
    const data = number ? await loadInvoicePdfData(db, s.familyId, number, now()) : null;
    if (!data) return errorPage(request, reply, 404, familyText.invoiceNotFound);
    const bytes = await renderInvoicePdf(data, now());
    return reply
      .type('application/pdf')
      .header(
        'content-disposition',
        `inline; filename="facture-${number.replace(/[^A-Za-z0-9-]/g, '')}.pdf"`,
      )
      .send(Buffer.from(bytes));
  });

  if (opts.payfip)
    payfipFamilyRoutes(app, {
      service: opts.payfip,
      requireFamily,
      context,
      html,
      baseUrl: publicUrl,
    });

  // Account.
  const accountPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    s: FamilySessionInfo,
    form: FormState,
    status = 200,
  ) =>
    html(
      reply,
      AccountPage({
        ctx: await context(request, reply, 'compte'),
        email: s.email,
        alerts: await listAlertEmails(db, s.familyId),
        paperOptOutAt: await paperOptOut(db, s.familyId),
        form,
      }),
      status,
    );
  const accountNotices: Record<string, string> = {
    ajoutee: familyText.alertAdded,
    retiree: familyText.alertRemoved,
    'sans-papier': familyText.paperDone,
    papier: familyText.paperBack,
  };
  app.get('/compte', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const info = (request.query as { info?: string }).info;
    return accountPage(request, reply, s, {
      ...emptyForm(),
      notice: (info && accountNotices[info]) ?? null,
    });
  });
  app.post('/compte/alertes', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const values = { alertEmail: str(request.body, 'alertEmail') };
    return formAction(
      reply,
      async () => {
        await addAlertEmail(db, s.familyId, values.alertEmail);
        await redirect(reply, `${BASE}/compte?info=ajoutee`);
      },
      (form, status) => accountPage(request, reply, s, form, status),
      values,
    );
  });
  app.post('/compte/alertes/retirer', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const id = Number(str(request.body, 'id'));
    if (Number.isInteger(id)) await removeAlertEmail(db, s.familyId, id);
    return redirect(reply, `${BASE}/compte?info=retiree`);
  });
  app.post('/compte/papier', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const optOut = str(request.body, 'paper') === 'non';
    await setPaperOptOut(db, s.familyId, optOut, now());
    return redirect(reply, `${BASE}/compte?info=${optOut ? 'sans-papier' : 'papier'}`);
  });

  // Messages.
  app.get('/contact', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const sent = (request.query as { info?: string }).info === 'envoye';
    return html(
      reply,
      ContactPage({
        ctx: await context(request, reply, 'contact'),
        regies: await familyRegies(db, s.familyId),
        form: { ...emptyForm(), notice: sent ? familyText.contactSent : null },
      }),
    );
  });
  app.post('/contact', async (request, reply) => {
    const s = requireFamily(request, reply);
    if (!s) return reply;
    const values = {
      regieCode: str(request.body, 'regieCode'),
      subject: str(request.body, 'subject'),
      body: str(request.body, 'body'),
    };
    return formAction(
      reply,
      async () => {
        await sendFamilyMessage(db, s.familyId, values, now());
        await redirect(reply, `${BASE}/contact?info=envoye`);
      },
      async (form, status) =>
        html(
          reply,
          ContactPage({
            ctx: await context(request, reply, 'contact'),
            regies: await familyRegies(db, s.familyId),
            form,
          }),
          status,
        ),
      values,
    );
  });

  // Alert mails of new invoices, queued by the database (migration 0002).
  const interval = opts.alertIntervalMs === undefined ? 60_000 : opts.alertIntervalMs;
  if (interval !== null) {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      communeInfo()
        .then(async (c) =>
          sendInvoiceAlerts(db, mailer, {
            now: now(),
            portalUrl: (
              opts.publicUrl ??
              process.env.GUICHET_PORTAL_PUBLIC_URL ??
              c.portalUrl ??
              ''
            ).replace(/\/+$/, ''),
          }),
        )
        .catch((err: unknown) => app.log.error({ err }, 'envoi des alertes de factures'))
        .finally(() => {
          running = false;
        });
    }, interval);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
}
