// The family side of a PayFiP payment, under /famille (registered by the family pages'
// plugin, so sessions, CSRF and the page frame are theirs): POST /paiement starts a payment of
// the ticked invoices and sends the browser to PayFiP; GET /paiement/:idop shows its result.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FamilySessionInfo } from '../family-web/accounts';
import type { PageContext } from '../family-web/pages/layout';
import { PaymentRefused, type PayfipService } from './attempts';
import { PaymentRefusedPage, PaymentResultPage } from './pages';
import { PayfipInputError } from './validate';

export interface FamilyRouteDeps {
  service: PayfipService;
  requireFamily(request: FastifyRequest, reply: FastifyReply): FamilySessionInfo | null;
  context(
    request: FastifyRequest,
    reply: FastifyReply,
    section?: PageContext['section'],
  ): Promise<PageContext>;
  html(
    reply: FastifyReply,
    element: ReturnType<typeof PaymentResultPage>,
    status?: number,
  ): FastifyReply;
  /** The portal's address as the family reached it. */
  baseUrl(request: FastifyRequest): Promise<string>;
}

export function payfipFamilyRoutes(app: FastifyInstance, deps: FamilyRouteDeps) {
  const { service } = deps;

  app.post('/paiement', async (request, reply) => {
    const s = deps.requireFamily(request, reply);
    if (!s) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const raw = body.facture;
    const numbers = (Array.isArray(raw) ? raw : [raw]).filter(
      (v): v is string => typeof v === 'string',
    );
    const regieCode = typeof body.regie === 'string' ? body.regie : null;
    try {
      const { redirectUrl } = await service.start({
        familyId: s.familyId,
        invoiceNumbers: numbers,
        mel: s.email,
        requestBaseUrl: await deps.baseUrl(request),
      });
      return reply.code(303).redirect(redirectUrl);
    } catch (e) {
      if (!(e instanceof PaymentRefused)) throw e;
      return deps.html(
        reply,
        PaymentRefusedPage({
          ctx: await deps.context(request, reply, 'factures'),
          message: e.message,
          regieCode,
        }),
        409,
      );
    }
  });

  app.get('/paiement/:idop', async (request, reply) => {
    const s = deps.requireFamily(request, reply);
    if (!s) return reply;
    const { idop } = request.params as { idop: string };
    let v = await service.view(s.familyId, idop);
    if (v?.status === 'en_cours' && v.idop) {
      // The family looks at a pending payment: ask PayFiP now rather than wait for the poller.
      await service.check(v.idop, 'page').catch((e: unknown) => {
        if (!(e instanceof PaymentRefused || e instanceof PayfipInputError)) throw e;
      });
      v = await service.view(s.familyId, idop);
    }
    const ctx = await deps.context(request, reply, 'factures');
    if (!v)
      return deps.html(
        reply,
        PaymentRefusedPage({
          ctx,
          message: 'Ce paiement en ligne est introuvable dans votre espace.',
          regieCode: null,
        }),
        404,
      );
    return deps.html(reply, PaymentResultPage({ ctx, v }));
  });
}
