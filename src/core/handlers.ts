// The full handler map. The type below fails to compile until every handler of the contract
// has exactly one implementation.
import type { HandlerName } from '../shared/contract';
import { adminHandlers } from './admin/handlers';
import { authHandlers } from './auth/handlers';
import { bankHandlers } from './bank/handlers';
import { closureHandlers } from './closures/handlers';
import { depositHandlers } from './deposits/handlers';
import type { HandlerGroup } from './context';
import { couponHandlers } from './coupons/handlers';
import { familyHandlers } from './families/handlers';
import { importHandlers } from './imports/handlers';
import { journalHandlers } from './journal/handlers';
import { onlineHandlers } from './online/handlers';
import { paymentHandlers } from './payments/handlers';
import { reportHandlers } from './reports/handlers';
import { setupHandlers } from './setup/handlers';
import { syncHandlers } from './sync/handlers';
import { systemHandlers } from './system/handlers';
import { tillHandlers } from './till/handlers';

export const handlers: HandlerGroup<HandlerName> = {
  ...systemHandlers,
  ...authHandlers,
  ...familyHandlers,
  ...paymentHandlers,
  ...journalHandlers,
  ...tillHandlers,
  ...closureHandlers,
  ...depositHandlers,
  ...reportHandlers,
  ...adminHandlers,
  ...syncHandlers,
  ...couponHandlers,
  ...importHandlers,
  ...bankHandlers,
  ...onlineHandlers,
  ...setupHandlers,
};
