// The till module (issue 4) plugs its "no open session" refusal into the payment path through
// registerTillGuard; these tests pin the hook's contract.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors';
import { registerTillGuard, type TillGuardInput } from '../../../src/core/payments/till-guard';
import { IDS, ledgerSnapshot, newCommandId, openTestCore, type TestCore } from '../fixtures';

let t: TestCore;
let token: string;
let unregister: (() => void) | null = null;

beforeEach(async () => {
  t = await openTestCore();
  token = await t.login('regisseur');
});
afterEach(() => {
  unregister?.();
  unregister = null;
  t.close();
});

const cash = () => ({
  commandId: newCommandId(),
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents: 4900,
  method: { mode: 'especes' as const },
});

describe('till guard hook', () => {
  it('lets a guard refuse a payment in French, changing nothing', async () => {
    unregister = registerTillGuard(() => {
      throw new DomainError(
        'REGLE_METIER',
        'Aucune caisse n’est ouverte sur ce poste. Ouvrez la caisse avant d’encaisser.',
        'CAISSE_FERMEE',
      );
    });
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send('payments.record', cash(), token);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe('CAISSE_FERMEE');
      expect(r.error.message).toMatch(/Ouvrez la caisse/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('gives the guard what it needs, inside the write transaction, for record and cancel', async () => {
    const seen: (Omit<TillGuardInput, 'sqlite' | 'now'> & { inTransaction: boolean })[] = [];
    unregister = registerTillGuard(({ sqlite, now: _now, ...rest }) => {
      seen.push({ ...rest, inTransaction: sqlite.inTransaction });
    });
    const p = await t.call('payments.record', cash(), token);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de saisie' },
      token,
    );
    const agentId = (
      t.sqlite.prepare("SELECT id FROM agent WHERE role = 'regisseur'").get() as { id: number }
    ).id;
    expect(seen).toEqual([
      {
        operation: 'record',
        mode: 'especes',
        amountCents: 4900,
        regieId: IDS.sco,
        agentId,
        posteCode: 'P01',
        inTransaction: true,
      },
      {
        operation: 'cancel',
        mode: 'especes',
        amountCents: 4900,
        regieId: IDS.sco,
        agentId,
        posteCode: 'P01',
        inTransaction: true,
      },
    ]);
  });

  it('is not consulted once removed', async () => {
    registerTillGuard(() => {
      throw new Error('ne doit pas être appelé');
    })();
    const r = await t.send('payments.record', cash(), token);
    expect(r.ok).toBe(true);
  });
});
