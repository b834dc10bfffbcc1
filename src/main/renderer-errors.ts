// Errors of the interface (an uncaught exception, a rejected promise nobody handled) written to
// the main log, where the incident report picks them up. The page reports them over one IPC
// channel; like every other channel it only accepts our window's main frame, and since a page
// gone wrong can throw in a loop, what it sends is validated, cut to a reasonable length and
// rate-limited: the log stays readable and the disk cannot be filled from the page.
import { z } from 'zod';
import { checkSender, type InvokeEvent, type TrustedWindow } from './ipc-guard';

/** Lengths kept in the log; the preload cuts to the same lengths before sending. */
export const RENDERER_ERROR_LIMITS = { message: 1000, stack: 4000, source: 300 } as const;

// The schema accepts somewhat more than is kept, then cuts: an honest report never fails
// validation for being a few characters long, and a huge one is refused outright.
const text = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform((s) => s.slice(0, max));

export const rendererErrorSchema = z.strictObject({
  kind: z.enum(['error', 'unhandledrejection']),
  message: text(RENDERER_ERROR_LIMITS.message),
  stack: text(RENDERER_ERROR_LIMITS.stack).optional(),
  source: text(RENDERER_ERROR_LIMITS.source).optional(),
  line: z.number().int().min(0).max(10_000_000).optional(),
  column: z.number().int().min(0).max(10_000_000).optional(),
});

export type RendererError = z.output<typeof rendererErrorSchema>;

export interface RateLimiter {
  /** True when one more event may pass now. */
  take(): boolean;
  /** How many were refused since the last call, then back to zero. */
  drainDropped(): number;
}

/**
 * A token bucket: `burst` events at once, then one every `everyMs`. A loop of errors fills the
 * log with its first few lines and a count of the rest, not with thousands of copies.
 */
export function createRateLimiter(opts: {
  burst: number;
  everyMs: number;
  now: () => number;
}): RateLimiter {
  let tokens = opts.burst;
  let last = opts.now();
  let dropped = 0;
  return {
    take() {
      const t = opts.now();
      tokens = Math.min(opts.burst, tokens + (t - last) / opts.everyMs);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      dropped += 1;
      return false;
    },
    drainDropped() {
      const n = dropped;
      dropped = 0;
      return n;
    },
  };
}

/** The logger calls used here (pino's signature). */
export interface ShellLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RendererErrorSinkOptions {
  trustedOrigins: readonly string[];
  currentWindow: () => TrustedWindow | null;
  log: () => ShellLog;
  limiter: RateLimiter;
}

/** The listener of the renderer-error channel (one-way: the page waits for no answer). */
export function createRendererErrorSink(
  opts: RendererErrorSinkOptions,
): (event: InvokeEvent, payload: unknown) => void {
  return (event, payload) => {
    const sender = checkSender(event, opts.currentWindow(), opts.trustedOrigins);
    if (!sender.ok) {
      opts.log().warn({ reason: sender.reason }, 'erreur de l’interface refusée');
      return;
    }
    if (!opts.limiter.take()) return;
    const dropped = opts.limiter.drainDropped();
    if (dropped > 0) {
      opts.log().warn({ dropped }, 'erreurs de l’interface non journalisées (trop nombreuses)');
    }
    const parsed = rendererErrorSchema.safeParse(payload);
    if (!parsed.success) {
      opts.log().warn({}, 'erreur de l’interface mal formée');
      return;
    }
    opts.log().error({ renderer: parsed.data }, 'erreur de l’interface');
  };
}
