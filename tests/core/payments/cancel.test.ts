import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import { creditBalance } from '../../../src/core/payments/balances';
import {
  AGENT_NAMES,
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  paidCents,
  pdfBytes,
  type TestCore,
} from '../fixtures';

let t: TestCore;
let mandataire: string;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  mandataire = await t.login('mandataire');
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

/** toCreditCents: the excess the agent explicitly puts on credit (Dupond has a debt en trésorerie). */
const record = (amountCents: number, toCreditCents?: number) =>
  t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents,
      method: {
        mode: 'cheque',
        bank: 'CIC',
        number: '9876543',
        drawer: 'DUPOND Hélène',
        payee: 'DGFiP',
      },
      ...(toCreditCents !== undefined ? { toCreditCents } : {}),
    },
    mandataire,
  );

describe('payments.cancel', () => {
  it('reverses the allocations with a counter-entry that keeps the receipt number', async () => {
    const p = await record(10000);
    t.clock.ms += 60_000;
    const c = await t.call(
      'payments.cancel',
      {
        commandId: newCommandId(),
        paymentId: p.paymentId,
        reason: 'Erreur de famille',
        printLayout: 'a5',
      },
      regisseur,
    );
    expect(c.receiptNumber).toBe(p.receiptNumber);
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(0);
    expect(paidCents(t.sqlite, IDS.inv2)).toBe(0);
    // The original rows are untouched; the cancellation adds negative allocations.
    expect(
      t.sqlite
        .prepare('SELECT amount_cents FROM allocation ORDER BY id')
        .all()
        .map((r) => (r as { amount_cents: number }).amount_cents),
    ).toEqual([4900, 5100, -4900, -5100]);
    expect(c.receipt!).toMatchObject({
      kind: 'annulation',
      receiptNumber: p.receiptNumber,
      amountCents: 10000,
      agentName: AGENT_NAMES.regisseur,
      cancellation: { reason: 'Erreur de famille', cancelledBy: AGENT_NAMES.regisseur },
      balanceDueCents: 4900 + 12000 + 45000 + 2500,
    });
    expect(
      c.receipt!.allocations.map((a) => [a.invoiceNumber, a.allocatedCents, a.remainingCents]),
    ).toEqual([
      ['FAC-SCO-0001', 4900, 4900],
      ['FAC-SCO-0002', 5100, 12000],
    ]);
    const pdf = await extractPdfText(pdfBytes(c.print?.pdfBase64));
    expect(printed(pdf, 'ANNULATION')).toBe(true);
    expect(printed(pdf, 'Erreur de famille')).toBe(true);
    expect(printed(pdf, p.receiptNumber)).toBe(true);
    const totals = JSON.parse(
      (
        t.sqlite.prepare("SELECT payload FROM journal_entry WHERE kind = 'annulation'").get() as {
          payload: string;
        }
      ).payload,
    ).totals;
    expect(totals).toEqual({ collectedCents: 10000, cancelledCents: 10000, netCents: 0 });
    // The invoices are payable again.
    const again = await record(4900);
    expect(again.receipt!.allocations[0]?.invoiceNumber).toBe('FAC-SCO-0001');
  });

  it('cannot be done twice', async () => {
    const p = await record(4900);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Doublon de saisie' },
      regisseur,
    );
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Doublon de saisie' },
      regisseur,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('CONFLIT');
      expect(r.error.message).toMatch(/déjà annulé/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('is refused to a mandataire (PERMISSION_REFUSEE)', async () => {
    const p = await record(4900);
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de saisie' },
      mandataire,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('PERMISSION_REFUSEE');
      expect(r.error.message).toMatch(/Demandez au régisseur ou à son suppléant/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('is allowed to the suppléant', async () => {
    const p = await record(4900);
    const suppleant = await t.login('suppleant');
    const r = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de saisie' },
      suppleant,
    );
    expect(r.ok).toBe(true);
  });

  it('needs a reason of 5 characters at least', async () => {
    const p = await record(4900);
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: ' err ' },
      regisseur,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.message).toMatch(/motif de l’annulation \(5 caractères au moins\)/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('removes the credit the payment created', async () => {
    const p = await record(65000, 3100);
    expect(creditBalance(t.sqlite, IDS.dupond, IDS.sco)).toBe(3100);
    const c = await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Chèque rejeté' },
      regisseur,
    );
    expect(creditBalance(t.sqlite, IDS.dupond, IDS.sco)).toBe(0);
    expect(c.receipt!.creditCreatedCents).toBe(3100);
    expect(c.receipt!.balanceCreditCents).toBe(0);
  });

  it('refuses when the credit it created has been used, until that use is cancelled', async () => {
    const p = await record(65000, 3100); // 31 € of credit
    t.sqlite
      .prepare(
        `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
         VALUES (60, 'FAC-SCO-0060', ?, ?, 'Cantine avril', '2026-04', '2026-04-01', '2026-05-10', 2000, 'REF000060', 'emise', 'import')`,
      )
      .run(IDS.sco, IDS.dupond);
    const use = await t.call(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
      mandataire,
    );
    expect(use.creditUsedCents).toBe(2000);
    const before = ledgerSnapshot(t.sqlite);
    const r = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Chèque rejeté' },
      regisseur,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.reason).toBe('AVOIR_DEJA_UTILISE');
      expect(r.error.message).toMatch(/déjà été utilisé.*Annulez d’abord l’utilisation de l’avoir/);
    }
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
    await t.call(
      'credits.cancel',
      { commandId: newCommandId(), creditUseId: use.creditUseId, reason: 'Pour annuler le chèque' },
      regisseur,
    );
    expect(paidCents(t.sqlite, 60)).toBe(0);
    const ok = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Chèque rejeté' },
      regisseur,
    );
    expect(ok.ok).toBe(true);
    expect(creditBalance(t.sqlite, IDS.dupond, IDS.sco)).toBe(0);
  });

  it('reprints the cancellation receipt as a DUPLICATA, journaled', async () => {
    const p = await record(4900);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'Erreur de saisie' },
      regisseur,
    );
    const file = await t.call(
      'payments.receipt',
      { commandId: newCommandId(), paymentId: p.paymentId, layout: 'ticket', kind: 'annulation' },
      mandataire,
    );
    expect(file.fileName).toBe(`recu-${p.receiptNumber}-annulation-duplicata.pdf`);
    const pdf = await extractPdfText(pdfBytes(file.pdfBase64));
    expect(printed(pdf, 'DUPLICATA')).toBe(true);
    expect(printed(pdf, 'ANNULATION')).toBe(true);
  });
});

// Found by the sync storm tests: another poste paid the same invoice in full while this one
// was offline, so the register's paid figure (its own allocations plus what others paid) is
// above the invoice's amount. Cancelling this poste's payment is what settles the trop-perçu,
// and the allocation bound used to refuse it with an internal error.
describe('payments.cancel on an invoice another poste overpaid', () => {
  it('is accepted, and a counter-entry can never take back more than this poste gave', async () => {
    const p = await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 4900,
        allocations: [{ invoiceId: IDS.inv1, amountCents: 4900 }],
        method: { mode: 'especes', tenderedCents: 4900 },
      },
      mandataire,
    );
    // What the pull writes when the portal reports that another poste paid the whole 49,00 €.
    t.sqlite
      .prepare(
        'UPDATE invoice SET remote_paid_cents = 4900, paid_cents = paid_outside_cents + 4900 + 4900 WHERE id = ?',
      )
      .run(IDS.inv1);
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(9800);

    t.clock.ms += 60_000;
    await t.call(
      'payments.cancel',
      {
        commandId: newCommandId(),
        paymentId: p.paymentId,
        reason: 'Trop-perçu : payé au poste P02',
      },
      regisseur,
    );
    expect(paidCents(t.sqlite, IDS.inv1)).toBe(4900);

    // The ledger guard itself: a negative allocation beyond this poste's own (now zero) is
    // refused even though the invoice still shows 49,00 € paid elsewhere.
    const before = ledgerSnapshot(t.sqlite);
    const cancellation = t.sqlite
      .prepare('SELECT id FROM cancellation ORDER BY id DESC LIMIT 1')
      .get() as { id: number };
    expect(() =>
      t.sqlite
        .prepare(
          'INSERT INTO allocation (cancellation_id, invoice_id, amount_cents) VALUES (?, ?, -100)',
        )
        .run(cancellation.id, IDS.inv1),
    ).toThrow(/reprendrait plus que ce qui a été payé/);
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });
});
