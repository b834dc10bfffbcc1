// "Vérifier auprès de PayFiP" at the counter, against a live portal: a real register (SQLite
// file) enrolled over HTTP with a PGlite portal that has the PayFiP sandbox beside it. A family
// starts a payment on the portal, pays on the sandbox page, PayFiP's notification never comes;
// the agent's re-check makes the portal learn the result and the register settle the invoice
// at once, with the online payment shown as the family sees it. Every refusal leaves the
// register exactly as it was.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounter } from '../../../src/portal/counters/admin';
import type { Browser } from '../../portal/family-web/family-fixture';
import { addInvoice } from '../../portal/helpers/portal-fixture';
import { familyBrowser, payerChooses, startPayment } from '../../portal/payfip/payfip-fixture';
import { openRecheckPortal, type RecheckPortal } from '../../portal/payfip/recheck-fixture';
import { idOf, invoiceRow, openRegister, type TestRegister } from '../sync/sync-fixtures';

let p: RecheckPortal;
let reg: TestRegister;
let b: Browser;
let familyId: number;

beforeAll(async () => {
  // The register signs with the real clock: the portal's starts there too.
  p = await openRecheckPortal({ start: new Date() });
  b = await familyBrowser(p);
  reg = await openRegister('P41');
  const issued = await createCounter(
    p.database.db,
    { posteCode: 'P41', name: 'Poste P41' },
    'test',
    new Date(),
  );
  await reg.call('sync.enrol', { portalUrl: p.running.url, code: issued.code });
  const status = await reg.call('sync.now', {});
  expect(status.lastError).toBeNull();
  familyId = idOf(reg, 'family', 'DUP-00001');
}, 180_000);
afterAll(async () => {
  reg?.close();
  await p?.close();
});

/** Everything a refused re-check must leave alone, as one fingerprint. */
function snapshot(r: TestRegister): string {
  const q = (sql: string) => JSON.stringify(r.core.sqlite.prepare(sql).all());
  return createHash('sha256')
    .update(q('SELECT seq, kind, hash FROM journal_entry ORDER BY seq'))
    .update(q('SELECT entity, key, data FROM sync_mirror ORDER BY entity, key'))
    .update(q('SELECT number, paid_cents, remote_paid_cents, status FROM invoice ORDER BY number'))
    .update(q('SELECT cursor FROM sync_state'))
    .digest('hex');
}

function journalOf(r: TestRegister) {
  return (
    r.core.sqlite
      .prepare(
        `SELECT payload FROM journal_entry WHERE kind = 'verification_paiement_en_ligne' ORDER BY seq`,
      )
      .all() as { payload: string }[]
  ).map((e) => JSON.parse(e.payload) as Record<string, unknown>);
}

/** A new invoice on the portal, pulled, and an online payment started for it. */
async function startedPayment(amountCents: number) {
  const number = await addInvoice(p, { amountCents });
  const started = await startPayment(p, b, [number]);
  expect(started.res.statusCode).toBe(303);
  await reg.call('sync.now', {});
  const online = await reg.call('online.familyPayments', { familyId });
  const share = online.pending.find((o) => o.invoiceNumber === number);
  if (!share) throw new Error(`paiement en cours absent du registre pour ${number}`);
  return { number, idop: started.idop!, location: started.location, share };
}

describe('online.recheck contre un portail en marche', () => {
  it('le paiement en cours est listé ; après le choix P, la re-vérification règle la facture au guichet et la journalise', async () => {
    const { number, idop, location, share } = await startedPayment(4900);
    expect(share).toMatchObject({
      status: 'en_cours',
      idop,
      amountCents: 4900,
      numauto: null,
      invoiceId: idOf(reg, 'invoice', number),
    });
    expect(share.lockExpiresAt).not.toBeNull();
    expect(invoiceRow(reg, number).paid_cents).toBe(0);

    await payerChooses(location, 'P');
    const result = await reg.call('online.recheck', { onlinePaymentRef: share.ref });
    expect(result).toMatchObject({
      ref: share.ref,
      status: 'paye',
      recorded: true,
      pendingReason: null,
      idop,
      synced: true,
      invoices: [{ number, state: 'payee', remainingCents: 0 }],
    });
    expect(result.numauto).toMatch(/^\d{12}-tip$/);
    expect(result.message).toContain(`autorisation n° ${result.numauto}`);
    // Settled at once on this poste, once.
    expect(invoiceRow(reg, number)).toMatchObject({ paid_cents: 4900, remote_paid_cents: 4900 });

    // The counter now shows it as the family sees it: paid online, with its authorisation.
    const online = await reg.call('online.familyPayments', { familyId });
    expect(online.pending.find((o) => o.ref === share.ref)).toBeUndefined();
    const paid = online.paid.find((o) => o.ref === share.ref);
    expect(paid).toMatchObject({
      status: 'paye',
      resultrans: 'P',
      numauto: result.numauto,
      idop,
      amountCents: 4900,
      invoiceNumber: number,
    });
    expect(paid?.paidAt).toBe(result.paidAt);

    const entries = journalOf(reg);
    expect(entries.at(-1)).toMatchObject({
      onlinePaymentRef: share.ref,
      familyCode: 'DUP-00001',
      idop,
      status: 'paye',
      recorded: true,
      numauto: result.numauto,
      amountCents: 4900,
      invoices: [{ invoiceNumber: number, amountCents: 4900 }],
    });
    const listed = await reg.call('journal.list', {
      book: 'operations',
      kinds: ['verification_paiement_en_ligne'],
    });
    expect(listed.entries[0]?.summary).toMatch(
      new RegExp(`Vérification PayFiP du paiement en ligne ${idop}.*payé`),
    );
    expect((await reg.call('journal.verify', {})).ok).toBe(true);

    // Asked again: already final, said with its state; nothing is written.
    const before = snapshot(reg);
    const again = await reg.send('online.recheck', { onlinePaymentRef: share.ref });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error).toMatchObject({
        code: 'REGLE_METIER',
        reason: 'PAIEMENT_EN_LIGNE_TERMINE',
      });
      expect(again.error.message).toMatch(/déjà terminé : payé par carte le .*autorisation n°/);
    }
    expect(snapshot(reg)).toBe(before);
  });

  it('encore en cours chez PayFiP (P5) : dit, journalisé, la facture reste à payer', async () => {
    const { number, share } = await startedPayment(1800);
    const result = await reg.call('online.recheck', { onlinePaymentRef: share.ref });
    expect(result).toMatchObject({ status: 'en_cours', recorded: false, pendingReason: 'P5' });
    expect(result.message).toMatch(/ne connaît pas encore le résultat/);
    expect(result.invoices).toEqual([{ number, state: 'a_payer', remainingCents: 1800 }]);
    expect(journalOf(reg).at(-1)).toMatchObject({ status: 'en_cours', pendingReason: 'P5' });
  });

  it('hors ligne : « Le portail est injoignable … rien n’a changé », et rien n’a changé', async () => {
    const { number, location, share } = await startedPayment(2600);
    await payerChooses(location, 'P');
    const before = snapshot(reg);
    reg.net.offline = true;
    try {
      const r = await reg.send('online.recheck', { onlinePaymentRef: share.ref });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatchObject({ code: 'REGLE_METIER', reason: 'PORTAIL_INJOIGNABLE' });
        expect(r.error.message).toMatch(
          /^Le portail est injoignable : réseau coupé ou adresse du portail erronée, rien n’a changé\./,
        );
      }
    } finally {
      reg.net.offline = false;
    }
    expect(snapshot(reg)).toBe(before);
    expect(invoiceRow(reg, number).paid_cents).toBe(0);
    // Back online, the same click works.
    const ok = await reg.call('online.recheck', { onlinePaymentRef: share.ref });
    expect(ok.status).toBe('paye');
    expect(invoiceRow(reg, number).paid_cents).toBe(2600);
  });

  it('PayFiP répond par une erreur : dite en français avec son code, rien ne change', async () => {
    const { number, location, share } = await startedPayment(2100);
    await payerChooses(location, 'P');
    const before = snapshot(reg);
    p.faults.next = 1;
    const r = await reg.send('online.recheck', { onlinePaymentRef: share.ref });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'REGLE_METIER', reason: 'PAYFIP_ERREUR' });
      expect(r.error.message).toMatch(
        /^PayFiP signale une difficulté technique \(erreur I1\) : le paiement reste en cours et rien n’a changé/,
      );
    }
    expect(snapshot(reg)).toBe(before);
    expect(invoiceRow(reg, number).paid_cents).toBe(0);
  });

  it('référence inconnue du portail ou mal formée : erreur claire, rien ne change', async () => {
    const before = snapshot(reg);
    const unknown = await reg.send('online.recheck', {
      onlinePaymentRef: '6f1c2e1a-0b9d-4c55-9d0e-2a7f3c4b5d6e',
    });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) {
      expect(unknown.error.code).toBe('INTROUVABLE');
      expect(unknown.error.message).toMatch(/ne connaît pas le paiement en ligne/);
    }
    const malformed = await reg.send('online.recheck', { onlinePaymentRef: 'abc' });
    expect(malformed.ok).toBe(false);
    if (!malformed.ok) {
      expect(malformed.error.code).toBe('VALIDATION');
      expect(malformed.error.message).toMatch(/Référence de paiement en ligne invalide/);
    }
    expect(snapshot(reg)).toBe(before);
  });

  it('un poste non enrôlé : la vérification passe par le portail, refusée clairement', async () => {
    const alone = await openRegister('P42');
    try {
      const r = await alone.send('online.recheck', {
        onlinePaymentRef: '6f1c2e1a-0b9d-4c55-9d0e-2a7f3c4b5d6e',
      });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error).toMatchObject({ code: 'REGLE_METIER', reason: 'SYNC_NON_CONFIGUREE' });
        expect(r.error.message).toMatch(/n’est relié à aucun portail/);
      }
    } finally {
      alone.close();
    }
  });
});
