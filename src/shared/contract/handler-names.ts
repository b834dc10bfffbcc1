// The handler names as a plain list, for code that must not load the contract's zod schemas:
// the sandboxed preload is bundled whole into the window, and importing `handlerNames` from
// ./index would drag all of zod (about 160 kB) into it for the sake of a few strings.
// `satisfies` refuses a name the contract does not have; tests/preload/preload.test.ts fails,
// showing the difference, when a contract handler is missing here. Add each new handler here.
import type { HandlerName } from './index';

export const handlerNameList = [
  'system.status',
  'auth.login',
  'auth.unlock',
  'auth.logout',
  'auth.me',
  'families.search',
  'families.get',
  'invoices.lookup',
  'payments.preview',
  'payments.record',
  'payments.receipt',
  'payments.cancel',
  'payments.list',
  'credits.apply',
  'credits.cancel',
  'journal.list',
  'journal.verify',
  'till.status',
  'till.open',
  'till.movement',
  'till.closingPreview',
  'till.close',
  'till.zReport',
  'till.ceilingOverride',
] as const satisfies readonly HandlerName[];
