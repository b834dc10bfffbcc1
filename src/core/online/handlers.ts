// Online payments on the family page: the list comes from what the portal published; the
// re-check asks the portal, which asks PayFiP.
import type { HandlerGroup } from '../context';
import { familyOnlinePayments } from './family-online';
import { recheckOnlinePayment } from './recheck';

export const onlineHandlers: HandlerGroup<'online.familyPayments' | 'online.recheck'> = {
  'online.familyPayments': (args, ctx) =>
    familyOnlinePayments(ctx.sqlite, args.familyId, ctx.now()),
  'online.recheck': (args, ctx) => recheckOnlinePayment(ctx, args.onlinePaymentRef),
};
