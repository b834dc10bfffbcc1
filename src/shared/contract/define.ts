// The contract: one map from handler name to its input schema, its result type and the
// permission it needs. Every layer derives its types from this map, so a handler renamed or
// re-typed here breaks the build everywhere it is used.
import type { z } from 'zod';
import type { Permission } from '../roles';

export interface HandlerSpec<I extends z.ZodType, O> {
  input: I;
  /** 'public' handlers run without a session (login, status); the rest need one. */
  access: 'public' | Permission;
  /** Phantom field carrying the result type; never read at run time. */
  readonly output?: O;
}

export function handler<I extends z.ZodType>(input: I, access: 'public' | Permission) {
  return {
    returns<O>(): HandlerSpec<I, O> {
      return { input, access };
    },
  };
}
