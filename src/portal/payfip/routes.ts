// PayFiP's two calls into the portal. Neither carries the result nor a signature (payfip.md):
// both only make the portal ask PayFiP (recupererDetailPaiementSecurise), so forging one can at
// most trigger a check. They accept idop or idOp, in the query or a form body, any number of
// times and in any order; record() makes the payment count once.
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BASE } from '../family-web/pages/layout';
import { PaymentRefused, type PayfipService } from './attempts';
import { PayfipInputError } from './validate';

function idopOf(request: FastifyRequest): string {
  const pick = (o: unknown) => {
    const r = (o ?? {}) as Record<string, unknown>;
    const v = r.idop ?? r.idOp ?? r.IDOP;
    return typeof v === 'string' ? v.trim() : '';
  };
  return pick(request.query) || pick(request.body);
}

export async function payfipRoutes(app: FastifyInstance, opts: { service: PayfipService }) {
  const { service } = opts;
  await app.register(fastifyFormbody, { bodyLimit: 16 * 1024 });

  const checkQuietly = async (request: FastifyRequest, trigger: string) => {
    const idop = idopOf(request);
    if (!idop) return { idop, ok: false };
    try {
      await service.check(idop, trigger);
      return { idop, ok: true };
    } catch (e) {
      if (e instanceof PaymentRefused || e instanceof PayfipInputError) return { idop, ok: false };
      request.log.error({ err: e, idop, trigger }, 'PayFiP : traitement du retour en échec');
      return { idop, ok: false };
    }
  };

  // PayFiP only needs an answer; what it says does not change anything on its side.
  app.route({
    method: ['GET', 'POST'],
    url: '/payfip/notification',
    handler: async (request, reply) => {
      const { idop, ok } = await checkQuietly(request, 'notification');
      return reply
        .code(idop ? 200 : 400)
        .type('text/plain; charset=utf-8')
        .send(ok ? 'OK' : idop ? 'IGNORE' : 'idop manquant');
    },
  });

  // The browser comes back: check, then show the family its payment in its own space.
  app.route({
    method: ['GET', 'POST'],
    url: '/payfip/retour',
    handler: async (request, reply) => {
      const { idop } = await checkQuietly(request, 'retour');
      if (!idop || !/^[A-Za-z0-9-]{1,64}$/.test(idop))
        return reply.code(303).redirect(`${BASE}/factures`);
      return reply.code(303).redirect(`${BASE}/paiement/${encodeURIComponent(idop)}`);
    },
  });
}
