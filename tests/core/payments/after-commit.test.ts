// What happens after a payment or a cancellation is committed: a replay gives no second
// original, a failure to prepare or print the receipt is a success with a warning (never
// "not recorded"), and a duplicata shows what the original showed even after the family moved.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as ReceiptDataBuilder from '../../../src/core/receipts/receipt-data-builder';
import type * as ReceiptPdf from '../../../src/core/receipts/receipt-pdf';
import { extractPdfText } from '../../helpers/pdf-text';
import {
  IDS,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  pdfBytes,
  type TestCore,
} from '../fixtures';

const faults = vi.hoisted(() => ({ render: false, build: false }));

vi.mock('../../../src/core/receipts/receipt-pdf', async (importOriginal) => {
  const original = await importOriginal<typeof ReceiptPdf>();
  return {
    ...original,
    renderReceiptPdf: (...a: Parameters<typeof original.renderReceiptPdf>) => {
      if (faults.render) throw new Error('imprimante virtuelle en panne');
      return original.renderReceiptPdf(...a);
    },
  };
});
vi.mock('../../../src/core/receipts/receipt-data-builder', async (importOriginal) => {
  const original = await importOriginal<typeof ReceiptDataBuilder>();
  return {
    ...original,
    buildReceiptData: (...a: Parameters<typeof original.buildReceiptData>) => {
      if (faults.build) throw new Error('données du reçu illisibles');
      return original.buildReceiptData(...a);
    },
  };
});

let t: TestCore;
let token: string;
let regisseur: string;

beforeEach(async () => {
  faults.render = false;
  faults.build = false;
  t = await openTestCore();
  token = await t.login('mandataire');
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

const cash = (commandId = newCommandId()) => ({
  commandId,
  familyId: IDS.dupond,
  regieId: IDS.sco,
  amountCents: 1000,
  method: { mode: 'especes' as const },
  printLayout: 'ticket' as const,
});

describe('replays', () => {
  it('returns no second original when a payment with printLayout is replayed', async () => {
    const args = cash();
    const first = await t.call('payments.record', args, token);
    expect(first.print?.fileName).toBe('recu-R-SCO-P01-2026-000001.pdf');
    const before = ledgerSnapshot(t.sqlite);
    const again = await t.call('payments.record', args, token);
    expect(again).toMatchObject({ replayed: true, print: null, warning: null });
    expect(again.receipt).toEqual(first.receipt);
    expect(ledgerSnapshot(t.sqlite)).toEqual(before);
  });

  it('returns no second original when a cancellation with printLayout is replayed', async () => {
    const p = await t.call('payments.record', { ...cash(), printLayout: undefined }, token);
    const args = {
      commandId: newCommandId(),
      paymentId: p.paymentId,
      reason: 'erreur de saisie',
      printLayout: 'a5' as const,
    };
    const first = await t.call('payments.cancel', args, regisseur);
    expect(first.print).not.toBeNull();
    const again = await t.call('payments.cancel', args, regisseur);
    expect(again).toMatchObject({ replayed: true, print: null, warning: null });
  });
});

describe('failures after the commit', () => {
  it('reports a payment whose print failed as recorded, with a warning', async () => {
    faults.render = true;
    const r = await t.send('payments.record', cash(), token);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.print).toBeNull();
    expect(r.value.receipt?.receiptNumber).toBe('R-SCO-P01-2026-000001');
    expect(r.value.warning).toBe(
      'Le paiement est bien enregistré(e) sous le n° R-SCO-P01-2026-000001, mais le reçu n’a pas pu être imprimé. Ne recommencez pas l’opération : imprimez le reçu depuis l’historique des paiements de la famille.',
    );
    expect(t.sqlite.prepare('SELECT count(*) AS n FROM payment').get()).toEqual({ n: 1 });
  });

  it('reports a payment whose receipt data failed as recorded, with a warning', async () => {
    faults.build = true;
    const r = await t.send('payments.record', cash(), token);
    expect(r.ok ? r.value : r.error).toMatchObject({
      receiptNumber: 'R-SCO-P01-2026-000001',
      amountCents: 1000,
      receipt: null,
      print: null,
      warning: expect.stringMatching(
        /^Le paiement est bien enregistré\(e\) sous le n° R-SCO-P01-2026-000001, mais son reçu n’a pas pu être préparé\./,
      ),
    });
    const c = await t.send(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: 1, reason: 'erreur de saisie' },
      regisseur,
    );
    expect(c.ok ? c.value.warning : c.error.message).toMatch(/^L’annulation est bien enregistré/);
  });

  it('tells the agent to check the history before retrying after an internal error', async () => {
    const p = await t.call('payments.record', { ...cash(), printLayout: undefined }, token);
    // A reprint whose ledger table has vanished fails inside the core, not on a rule.
    t.sqlite.exec('DROP TABLE receipt_reprint');
    const r = await t.send(
      'payments.receipt',
      { commandId: newCommandId(), paymentId: p.paymentId, layout: 'a5' },
      token,
    );
    expect(r.ok ? null : r.error).toEqual({
      code: 'INTERNE',
      message:
        'Erreur interne : l’opération n’a peut-être pas abouti. Avant de recommencer, vérifiez dans l’historique des paiements de la famille si elle a été enregistrée ; si cela persiste, faites un rapport d’incident.',
    });
  });
});

describe('duplicata', () => {
  it('shows the payer, commune, régie and agent as they were when the payment was recorded', async () => {
    const p = await t.call('payments.record', cash(), token);
    expect(p.receipt?.payer.addressLines).toEqual(['12 rue des Lilas', '69100 Villetest']);
    t.sqlite
      .prepare(
        "UPDATE responsable SET last_name = 'DURAND', address_line1 = '1 chemin Neuf', city = 'Ailleurs' WHERE family_id = ?",
      )
      .run(IDS.dupond);
    t.sqlite.prepare("UPDATE commune SET name = 'Commune nouvelle'").run();
    t.sqlite
      .prepare("UPDATE regie SET name = 'Régie renommée', service_address = 'Ailleurs'")
      .run();
    t.sqlite.prepare("UPDATE agent SET display_name = 'Nom corrigé'").run();
    const file = await t.call(
      'payments.receipt',
      { commandId: newCommandId(), paymentId: p.paymentId, layout: 'a5' },
      token,
    );
    const text = (await extractPdfText(pdfBytes(file.pdfBase64))).text;
    expect(text).toContain('DUPLICATA');
    expect(text).toContain('12 rue des Lilas');
    expect(text).toContain('DUPOND');
    expect(text).toContain('VILLE DE TEST');
    expect(text).toContain('Régie scolaire et périscolaire');
    expect(text).toContain('Marc Guichet');
    for (const now of [
      'DURAND',
      '1 chemin Neuf',
      'COMMUNE NOUVELLE',
      'Régie renommée',
      'Nom corrigé',
    ]) {
      expect(text).not.toContain(now);
    }
  });
});
