import type { HandlerGroup } from '../context';

declare const __GUICHET_VERSION__: string | undefined;
export const APP_VERSION =
  typeof __GUICHET_VERSION__ === 'string'
    ? __GUICHET_VERSION__
    : (process.env.npm_package_version ?? '0.1.0');

export const systemHandlers = {
  'system.status'(_args, ctx) {
    const commune = ctx.sqlite.prepare('SELECT name, demo FROM commune LIMIT 1').get() as
      { name: string; demo: number } | undefined;
    const version = ctx.sqlite.pragma('user_version', { simple: true }) as number;
    return {
      version: APP_VERSION,
      commune: commune ? { name: commune.name, demo: commune.demo === 1 } : null,
      posteCode: ctx.posteCode,
      schemaVersion: version,
    };
  },
} satisfies HandlerGroup<'system.status'>;
