// Sync under faults (issue 5, item 9): two registers of the same régies, each behind a proxy
// that drops, loses, duplicates, delays, reorders and cuts, answers 502/503, and cuts the
// network for a while, with the portal restarted during the storm. Afterwards both registers
// and the portal hold exactly the same payments, each once, and agree on every invoice.
//
// One file on purpose: the portal's PGlite cluster takes seconds of CPU to create, so it is
// made once here and copied for each scenario. Seeds can be chosen from the environment
// (GUICHET_STORM_SEEDS="11,12,13"); every assertion message names its seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectConverged } from './convergence';
import { offlinePaymentScenario } from './offline-payment';
import { overpaymentScenario } from './overpayment';
import {
  faultTotals,
  makePortalTemplate,
  REQUIRED_FAULTS,
  runStorm,
  setUpStorm,
  type PortalTemplate,
  type Storm,
} from './storm-harness';

const seeds = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);

const STORM_SEEDS = seeds('GUICHET_STORM_SEEDS', '20261123,7');
const OFFLINE_SEED = seeds('GUICHET_OFFLINE_SEED', '424242')[0]!;
const OVERPAY_SEED = seeds('GUICHET_OVERPAY_SEED', '5150')[0]!;

let template: PortalTemplate;

beforeAll(async () => {
  template = await makePortalTemplate();
}, 120_000);
afterAll(() => template?.remove());

async function withStorm(seed: number, fn: (storm: Storm) => Promise<void>) {
  const storm = await setUpStorm(template, seed);
  try {
    await fn(storm);
  } finally {
    await storm.close();
  }
}

describe('synchronisation sous pannes : deux postes, un portail, un proxy qui casse tout', () => {
  it(`un paiement pris hors ligne arrive au portail et sur l’autre poste après la reconnexion, une seule fois, malgré les pannes (graine ${OFFLINE_SEED})`, async () => {
    await withStorm(OFFLINE_SEED, offlinePaymentScenario);
  }, 240_000);

  it(`deux paiements complets de la même facture, l’un hors ligne : un trop-perçu, chaque paiement une fois (graine ${OVERPAY_SEED})`, async () => {
    await withStorm(OVERPAY_SEED, overpaymentScenario);
  }, 240_000);

  for (const seed of STORM_SEEDS) {
    it(`graine ${seed} : après la tempête, portail et postes ont les mêmes paiements, une fois chacun`, async () => {
      await withStorm(seed, async (storm) => {
        const run = await runStorm(storm, { steps: 60, restarts: 2 });
        const totals = faultTotals(run.counts);
        for (const k of REQUIRED_FAULTS) {
          expect(
            totals[k],
            `graine ${seed} : la panne « ${k} » n’a jamais eu lieu`,
          ).toBeGreaterThan(0);
        }
        expect(run.restarts, `graine ${seed}`).toBe(2);
        expect(
          run.restartsMidRequest,
          `graine ${seed} : redémarrage en pleine synchronisation`,
        ).toBeGreaterThan(0);
        expect(run.tally.refusedLocally, `graine ${seed}`).toEqual([]);
        // The workload did what it says: several modes, offline payments, credit both ways.
        expect(Object.keys(run.tally.byMode).length, `graine ${seed}`).toBeGreaterThanOrEqual(3);
        expect(run.tally.offlinePayments, `graine ${seed}`).toBeGreaterThan(0);
        expect(run.tally.creditCreated, `graine ${seed}`).toBeGreaterThan(0);
        expect(run.tally.creditUses, `graine ${seed}`).toBeGreaterThan(0);
        expect(run.tally.paymentCancellations, `graine ${seed}`).toBeGreaterThan(0);

        const figures = await expectConverged(storm);
        expect(figures.portalPayments, `graine ${seed}`).toBe(run.tally.payments);
        // No conflict: every invoice is large enough for what both postes pay without knowing
        // of each other (the overpayment case has its own test above).
        expect(figures.conflicts, `graine ${seed}`).toBe(0);
        if (process.env.GUICHET_STORM_REPORT) {
          console.log(JSON.stringify({ seed, ...run, counts: undefined, figures, faults: totals }));
        }
      });
    }, 150_000);
  }
});
