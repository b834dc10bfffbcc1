// The conflict a storm avoids on purpose, provoked here under faults: both registers pay the
// same small invoice in full, one of them offline. The portal applies both (the money was
// taken), opens one trop-perçu conflict, and all three sides agree on what was paid, with the
// conflict visible on both registers and each payment counted once.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { addInvoice } from '../portal/helpers/portal-fixture';
import { idOf } from '../core/sync/sync-fixtures';
import { expectConverged, readPortal, readRegister } from './convergence';
import { stormState, waitFor, type Station, type Storm } from './storm-harness';

function cheque(s: Station, invoice: string, amountCents: number) {
  return {
    commandId: randomUUID(),
    familyId: idOf(s.reg, 'family', 'DUP-00001'),
    regieId: idOf(s.reg, 'regie', 'SCO'),
    amountCents,
    method: {
      mode: 'cheque' as const,
      bank: 'Crédit Mutuel',
      number: String(2_000_000 + amountCents),
      drawer: 'Anne Dupond',
      payee: 'Trésor public',
    },
    allocations: [{ invoiceId: idOf(s.reg, 'invoice', invoice), amountCents }],
  };
}

async function settle(stations: Station[]) {
  for (const s of stations) {
    s.proxy.heal();
    s.reg.core.sync.stop();
  }
  for (const s of stations) await s.proxy.idle();
  for (const s of [...stations, ...stations]) await s.reg.call('sync.now', {});
}

export async function overpaymentScenario(storm: Storm): Promise<void> {
  const { P01, P02 } = storm.stations;
  const invoice = await addInvoice(storm.portal, { amountCents: 3_000 });
  for (const s of [P01, P02]) await s.reg.call('sync.now', {});
  P02.proxy.offline = true;
  const online = await P01.reg.call('payments.record', cheque(P01, invoice, 3_000));
  const offline = await P02.reg.call('payments.record', cheque(P02, invoice, 3_000));
  // P01 is online but every request it sends reaches the portal twice.
  P01.proxy.setRates({ duplicate: 1, delay: 0.3 });
  const wait = (what: string, check: () => Promise<boolean> | boolean) =>
    waitFor(storm.seed, what, check, { state: () => stormState(storm) });
  // P01's payment reaches the portal first; then P02 comes back, and the portal's answers to it
  // are lost until its payment has been applied, then only some of them.
  await wait('P01 n’a pas poussé', async () =>
    (await readPortal(storm.portal)).payments.some((p) => p.receipt === online.receiptNumber),
  );
  P02.proxy.setRates({ loseResponse: 1 });
  P02.proxy.offline = false;
  await wait(
    'P02 n’a pas poussé',
    async () =>
      P02.proxy.counts.responsesLost > 0 &&
      (await readPortal(storm.portal)).payments.some((p) => p.receipt === offline.receiptNumber),
  );
  P02.proxy.setRates({ loseResponse: 0.3, duplicate: 0.3, cut: 0.2, drop: 0.1, delay: 0.3 });
  await wait('P02 attend encore', () => readRegister(P02.reg).outbox === 0);
  expect(P01.proxy.counts.duplicated, `graine ${storm.seed}`).toBeGreaterThan(0);
  await settle([P01, P02]);

  const portal = await readPortal(storm.portal);
  expect(portal.payments.map((p) => p.receipt).sort()).toEqual(
    [online.receiptNumber, offline.receiptNumber].sort(),
  );
  expect(portal.invoices.find((i) => i.number === invoice)).toMatchObject({
    amount: 3_000,
    paid: 6_000,
  });
  expect(portal.conflicts).toBe(1);
  for (const s of [P01, P02]) {
    const status = s.reg.core.sync.status();
    expect(status, s.poste).toMatchObject({ waitingOps: 0, toHandle: 0, openConflicts: 1 });
    const conflict = s.reg.core.sqlite
      .prepare("SELECT data FROM sync_mirror WHERE entity = 'conflict'")
      .get() as { data: string };
    // The second payment to arrive is the one in excess, whichever poste took it.
    expect(JSON.parse(conflict.data), s.poste).toMatchObject({
      kind: 'trop_percu',
      invoiceNumber: invoice,
      amountCents: 3_000,
      source: { kind: 'counter_payment', receiptNumber: offline.receiptNumber },
      status: 'a_traiter',
    });
  }
  await expectConverged(storm);
}
