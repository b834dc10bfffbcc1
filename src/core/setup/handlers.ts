import type { HandlerGroup } from '../context';
import { initializeSetup, setupStatus } from './initialize';

export const setupHandlers = {
  'setup.status'(_args, ctx) {
    return setupStatus(ctx);
  },
  'setup.initialize'(args, ctx) {
    return initializeSetup(ctx, args);
  },
} satisfies HandlerGroup<'setup.status' | 'setup.initialize'>;
