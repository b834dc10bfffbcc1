// What a new portal database starts with: the demo commune and its two counters (whose
// one-time enrolment codes are written once to the log), or nothing. A database that already
// holds a commune is never touched.
import type { Logger } from 'pino';
import { parisDate } from '../../shared/dates';
import { createCounter, type IssuedCode } from '../counters/admin';
import type { PortalDb } from '../db/open';
import { commune } from '../db/schema';
import { portalText } from '../messages';
import { importBundle } from '../ordonnateur/import';
import { DEMO_FAMILIES, demoBundle, demoCounters } from './demo';

export type PortalSeed = 'demo' | 'none';

export async function seedPortal(
  db: PortalDb,
  kind: PortalSeed,
  opts: { now: () => Date; log?: Logger; families?: number },
): Promise<IssuedCode[]> {
  if (kind === 'none') return [];
  const [existing] = await db.select({ id: commune.id }).from(commune).limit(1);
  if (existing) return [];
  const now = opts.now();
  const summary = await importBundle(
    db,
    demoBundle({ today: parisDate(now), families: opts.families ?? DEMO_FAMILIES }),
    'demo',
    now,
  );
  opts.log?.info({ event: 'portal.seed.demo', ...summary }, portalText.demoSeeded);
  const codes: IssuedCode[] = [];
  for (const c of demoCounters) {
    const issued = await createCounter(db, { posteCode: c.posteCode, name: c.name }, 'demo', now);
    codes.push(issued);
    opts.log?.warn(
      {
        event: 'portal.seed.counter',
        posteCode: issued.posteCode,
        enrolmentCode: issued.code,
        expiresAt: issued.expiresAt,
      },
      portalText.demoCounterCode,
    );
  }
  return codes;
}
