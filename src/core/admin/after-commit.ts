// Work the dispatcher starts once a handler has committed, without making the caller wait:
// the backup after a till closing. A closing is the moment the day's money is counted and
// signed off, so a copy of the register is written right after it; the closing has already
// succeeded, and a failed backup is logged and journaled, never reported as a failed closing.
import type { Logger } from 'pino';
import type { CloseResult, HandlerName } from '../../shared/contract';
import type { AdminRuntime } from './runtime';

export function afterCommit(
  name: HandlerName,
  value: unknown,
  admin: AdminRuntime,
  log: Logger,
): void {
  try {
    if (name === 'till.close' && !(value as CloseResult).replayed) {
      admin.backups.makeInBackground('cloture');
    }
  } catch (e) {
    log.error({ err: e, handler: name }, 'travail après validation non lancé');
  }
}
