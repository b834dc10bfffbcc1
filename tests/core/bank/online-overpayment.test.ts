// An online trop-perçu turned into an avoir on the fixture register (no portal): the credit is
// real at once (family page, credit use, journal integrity), the decision is queued for the
// portal, a second decision and a decision on an unknown payment are refused with a French
// message and change nothing.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { periodOf } from '../../../src/core/closures/periods';
import { computeTotals, regieInfo } from '../../../src/core/closures/totals';
import {
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  refusal,
  type TestCore,
} from '../fixtures';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

/** An online payment of FAC-SCO-0001 as the portal publishes it, after the counter paid it. */
function mirrorOnline(amountCents: number): string {
  const ref = randomUUID();
  const at = '2026-03-16T12:00:00.000Z';
  t.sqlite
    .prepare(
      "INSERT INTO sync_mirror (entity, key, data, committed_at) VALUES ('online_payment', ?, ?, ?)",
    )
    .run(
      ref,
      JSON.stringify({
        ref,
        invoiceNumber: 'FAC-SCO-0001',
        regieCode: 'SCO',
        familyCode: 'F00001',
        amountCents,
        status: 'paye',
        idop: randomUUID().replace(/-/g, ''),
        numauto: '987654-tip',
        startedAt: at,
        finishedAt: at,
        refdet: 'REF000001',
        paidAt: at,
        attemptAmountCents: amountCents,
        overpaymentResolution: null,
      }),
      at,
    );
  return ref;
}

const outbox = () =>
  t.sqlite.prepare('SELECT kind, op_id FROM sync_outbox ORDER BY seq').all() as {
    kind: string;
    op_id: string;
  }[];

async function scoCredit() {
  const d = await t.call('families.get', { familyId: IDS.dupond }, regisseur);
  return d.regies.find((r) => r.regieId === IDS.sco)!.creditCents;
}

it('turns the trop-perçu into credit the counter can spend, queued for the portal, once', async () => {
  await t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents: 4900,
      method: { mode: 'especes' },
      allocations: [{ invoiceId: IDS.inv1, amountCents: 4900 }],
    },
    regisseur,
  );
  const ref = mirrorOnline(4900);
  expect(await scoCredit()).toBe(0);

  // Unknown payment: a French refusal, nothing written.
  const before = ledgerSnapshot(t.sqlite);
  const unknown = await refusal(
    t.call(
      'online.resolveOverpayment',
      {
        commandId: newCommandId(),
        onlinePaymentRef: randomUUID(),
        resolution: 'avoir',
        reason: 'Payé deux fois',
      },
      regisseur,
    ),
  );
  expect(unknown.error.code).toBe('INTROUVABLE');
  expect(unknown.error.message).toMatch(/^Paiement en ligne introuvable sur ce poste/);
  expect(ledgerSnapshot(t.sqlite)).toEqual(before);

  const commandId = newCommandId();
  await t.call(
    'online.resolveOverpayment',
    { commandId, onlinePaymentRef: ref, resolution: 'avoir', reason: 'Payé deux fois' },
    regisseur,
  );
  expect(await scoCredit()).toBe(4900);
  expect(outbox().at(-1)).toEqual({ kind: 'overpayment_resolution', op_id: commandId });
  const movement = t.sqlite
    .prepare(
      'SELECT amount_cents, payment_id, credit_use_id, cancellation_id, online_overpayment_id FROM credit_movement WHERE online_overpayment_id IS NOT NULL',
    )
    .get();
  expect(movement).toMatchObject({
    amount_cents: 4900,
    payment_id: null,
    credit_use_id: null,
    cancellation_id: null,
  });
  const entry = await t.call('journal.list', { kinds: ['trop_percu_avoir'] }, regisseur);
  expect(entry.entries).toHaveLength(1);
  // The day's closure counts the avoir among the credit created.
  const day = computeTotals(
    t.sqlite,
    regieInfo(t.sqlite, IDS.sco)!,
    periodOf('jour', '2026-03-16'),
    (own) => ({ ...own, netCents: own.collectedCents - own.cancelledCents }),
    [],
  );
  expect(day).toMatchObject({ creditCreatedCents: 4900, creditNetChangeCents: 4900 });

  // Replaying the same command changes nothing; a second decision is refused.
  const afterFirst = ledgerSnapshot(t.sqlite);
  const replay = await t.call(
    'online.resolveOverpayment',
    { commandId, onlinePaymentRef: ref, resolution: 'avoir', reason: 'Payé deux fois' },
    regisseur,
  );
  expect(replay.replayed).toBe(true);
  const second = await refusal(
    t.call(
      'online.resolveOverpayment',
      {
        commandId: newCommandId(),
        onlinePaymentRef: ref,
        resolution: 'remboursement',
        reason: 'Finalement remboursé',
      },
      regisseur,
    ),
  );
  expect(second.error).toMatchObject({ code: 'CONFLIT', reason: 'TROP_PERCU_DEJA_TRAITE' });
  expect(second.error.message).toContain('avoir de 49,00\u202f€');
  expect(ledgerSnapshot(t.sqlite)).toEqual(afterFirst);
  expect(outbox().filter((o) => o.kind === 'overpayment_resolution')).toHaveLength(1);

  // The avoir settles the next invoice through the ordinary credit use.
  const used = await t.call(
    'credits.apply',
    { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
    regisseur,
  );
  expect(used).toMatchObject({ creditUsedCents: 4900, creditBalanceCents: 0 });
  expect(used.allocations.map((a) => a.invoiceId)).toEqual([IDS.inv2]);
  expect(await scoCredit()).toBe(0);
  const verify = await t.call('journal.verify', {}, regisseur);
  expect(verify.ok).toBe(true);
});

it('gives no credit for a refund request', async () => {
  await t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents: 4900,
      method: { mode: 'especes' },
      allocations: [{ invoiceId: IDS.inv1, amountCents: 4900 }],
    },
    regisseur,
  );
  const ref = mirrorOnline(4900);
  const movements = ledgerSnapshot(t.sqlite).creditMovement;
  await t.call(
    'online.resolveOverpayment',
    {
      commandId: newCommandId(),
      onlinePaymentRef: ref,
      resolution: 'remboursement',
      reason: 'La famille demande le remboursement',
    },
    regisseur,
  );
  expect(ledgerSnapshot(t.sqlite).creditMovement).toBe(movements);
  expect(await scoCredit()).toBe(0);
  expect(outbox().at(-1)?.kind).toBe('overpayment_resolution');
});
