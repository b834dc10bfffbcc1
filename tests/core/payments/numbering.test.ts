// Receipt numbers are gapless per régie, poste and Paris year, drawn inside the payment's
// transaction: a payment that fails after its number was drawn leaves no hole.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  openTill,
  rolloverTill,
  type TestCore,
} from '../fixtures';

let t: TestCore;
let token: string;

beforeEach(async () => {
  t = await openTestCore();
  token = await t.login('mandataire');
});
afterEach(() => t.close());

const pay = (regieId: number, familyId: number, amountCents = 1000) => ({
  commandId: newCommandId(),
  familyId,
  regieId,
  amountCents,
  method: { mode: 'cheque' as const, bank: 'LCL', number: '1', drawer: 'X', payee: 'DGFiP' },
});

describe('receipt numbering', () => {
  it('keeps one sequence per régie', async () => {
    const a = await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    const b = await t.call('payments.record', pay(IDS.spo, IDS.dupond), token);
    const c = await t.call('payments.record', pay(IDS.sco, IDS.martin), token);
    expect([a.receiptNumber, b.receiptNumber, c.receiptNumber]).toEqual([
      'R-SCO-P01-2026-000001',
      'R-SPO-P01-2026-000001',
      'R-SCO-P01-2026-000002',
    ]);
  });

  it('keeps one sequence per poste', async () => {
    await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    t.sqlite.prepare("UPDATE setting SET value = 'P02' WHERE key = 'poste_code'").run();
    openTill(t.sqlite, { posteCode: 'P02', now: new Date(t.clock.ms) });
    const r = await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    expect(r.receiptNumber).toBe('R-SCO-P02-2026-000001');
  });

  it('restarts on 1 January in Paris, not in UTC', async () => {
    t.clock.ms = Date.parse('2026-12-31T22:59:00.000Z'); // 23:59 in Paris: still 2026
    // The till of 16 March is closed and a new one opened on 31 December, then again at
    // midnight: a till session never spans two Paris days.
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    await t.login('mandataire').then((tok) => (token = tok));
    const a = await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    t.clock.ms = Date.parse('2026-12-31T23:01:00.000Z'); // 00:01 on 1 January 2027 in Paris
    rolloverTill(t.sqlite, new Date(t.clock.ms));
    const b = await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    expect(a.receiptNumber).toBe('R-SCO-P01-2026-000001');
    expect(b.receiptNumber).toBe('R-SCO-P01-2027-000001');
  });

  it('uses no number when the payment fails after numbering, inside the transaction', async () => {
    await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    // The journal entry is the last write of the payment, after the number was drawn and the
    // payment row inserted: make it fail.
    t.sqlite.exec(
      "CREATE TRIGGER test_fail BEFORE INSERT ON journal_entry WHEN NEW.kind = 'paiement' BEGIN SELECT RAISE(ABORT, 'panne simulée'); END",
    );
    const before = ledgerSnapshot(t.sqlite);
    const failed = await t.send('payments.record', pay(IDS.sco, IDS.dupond), token);
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.error.code).toBe('INTERNE');
      expect(failed.error.message).toMatch(/vérifiez dans l’historique des paiements/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
    t.sqlite.exec('DROP TRIGGER test_fail');
    const next = await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    expect(next.receiptNumber).toBe('R-SCO-P01-2026-000002');
  });

  it('refuses a duplicate number in the database itself', async () => {
    await t.call('payments.record', pay(IDS.sco, IDS.dupond), token);
    const row = t.sqlite.prepare('SELECT * FROM payment').get() as Record<string, unknown>;
    t.sqlite
      .prepare(
        "INSERT INTO command (command_id, handler, request_hash, created_at) VALUES ('dup', 'x', 'y', 'z')",
      )
      .run();
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT INTO payment (id, command_id, regie_id, family_id, agent_id, poste_code, mode, amount_cents, details,
             receipt_year, receipt_seq, receipt_number, recorded_at, journal_seq)
           VALUES (99, 'dup', @regie_id, @family_id, @agent_id, @poste_code, 'cheque', 100, '{}', @receipt_year, @receipt_seq, 'R-X', 'now', 999)`,
        )
        .run(row),
    ).toThrow(
      /UNIQUE constraint failed: payment.regie_id, payment.poste_code, payment.receipt_year, payment.receipt_seq/,
    );
  });
});
