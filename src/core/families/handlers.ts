import type { HandlerGroup } from '../context';
import { getFamilyDetail, lookupInvoice } from './family-detail';
import { familySearch } from './search';

export const familyHandlers = {
  'families.search'({ query, limit }, ctx) {
    return familySearch(ctx.sqlite).search(query, limit);
  },
  'families.get'({ familyId }, ctx) {
    return getFamilyDetail(ctx.sqlite, familyId);
  },
  'invoices.lookup'({ reference }, ctx) {
    return lookupInvoice(ctx.sqlite, reference);
  },
} satisfies HandlerGroup<'families.search' | 'families.get' | 'invoices.lookup'>;
