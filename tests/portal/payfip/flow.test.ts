// A family pays online, end to end: the portal on PGlite and the PayFiP sandbox on loopback
// ports, the payer's clicks over real HTTP, the notification sent by the sandbox to the
// portal. Whatever the notifications do (before or after the browser return, twice, never),
// the payment is recorded once, settles its invoices, releases the locks and reaches the feed.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  invoice,
  onlinePayment,
  onlinePaymentLock,
  payfipAttempt,
  paymentConflict,
} from '../../../src/portal/db/schema';
import { addInvoice, ops, paymentPayload, pullAll, push } from '../helpers/portal-fixture';
import { mails, text, type Browser } from '../family-web/family-fixture';
import {
  familyBrowser,
  openPayfipPortal,
  payerChooses,
  startPayment,
  type PayfipPortal,
} from './payfip-fixture';

let p: PayfipPortal;
let b: Browser;

beforeAll(async () => {
  p = await openPayfipPortal();
  b = await familyBrowser(p);
}, 120_000);
afterAll(async () => {
  await p?.close();
});

const db = () => p.database.db;
async function invoiceRow(number: string) {
  const [row] = await db().select().from(invoice).where(eq(invoice.number, number));
  return row!;
}
async function attempt(idop: string) {
  const [row] = await db().select().from(payfipAttempt).where(eq(payfipAttempt.idop, idop));
  return row!;
}
async function liveLocks(number: string) {
  const inv = await invoiceRow(number);
  return (
    await db().select().from(onlinePaymentLock).where(eq(onlinePaymentLock.invoiceId, inv.id))
  ).filter((l) => l.releasedAt === null);
}
async function paidShares(number: string) {
  const inv = await invoiceRow(number);
  return (
    await db().select().from(onlinePayment).where(eq(onlinePayment.invoiceId, inv.id))
  ).filter((o) => o.status === 'paye');
}

describe('paiement en ligne de bout en bout (bac à sable)', () => {
  it('P : la notification arrive avant le retour du navigateur ; une seule écriture, facture réglée, verrou levé, courriel', async () => {
    const number = await addInvoice(p, { amountCents: 4900 });
    const { res, location, idop } = await startPayment(p, b, [number]);
    expect(res.statusCode).toBe(303);
    expect(location).toContain(`${p.sandbox.url}/tpa/paiementws.web?idop=`);
    // While pending: "paiement en cours", not offered again.
    expect(await liveLocks(number)).toHaveLength(1);
    const list = text((await b.get('/famille/factures?regie=SCO')).body);
    expect(list).toContain('Paiement en cours');
    const again = await startPayment(p, b, [number]);
    expect(again.res.statusCode).toBe(409);
    expect(text(again.res.body)).toMatch(/déjà en cours pour la facture/);

    const chosen = await payerChooses(location, 'P');
    expect(chosen.status).toBe(200);
    await p.sandbox.sandbox.idle();
    const a = await attempt(idop!);
    expect(a).toMatchObject({ status: 'paye', resultrans: 'P', amountCents: 4900 });
    expect(a.numauto).toMatch(/^\d{12}-tip$/);
    expect(p.sandbox.sandbox.deliveries.filter((d) => d.idOp === idop)).toHaveLength(1);

    const back = await b.get(`/payfip/retour?idop=${idop}`);
    expect(back.statusCode).toBe(303);
    const page = text((await b.get(String(back.headers.location))).body);
    expect(page).toContain('Paiement accepté');
    expect(page).toContain(a.numauto!);
    expect(page).toMatch(/49,00\s€/);
    expect((await invoiceRow(number)).onlinePaidCents).toBe(4900);
    expect(await paidShares(number)).toHaveLength(1);
    expect(await liveLocks(number)).toHaveLength(0);
    const mail = mails(p.mailDir).find((m) => m.includes(a.numauto!));
    expect(mail).toBeDefined();
    expect(mail).toContain(a.refdet);
  });

  it('le retour du navigateur avant la notification, puis deux notifications : un seul paiement', async () => {
    const number = await addInvoice(p, { amountCents: 2500 });
    const { location, idop } = await startPayment(p, b, [number]);
    p.sandbox.sandbox.setNotification({ mode: 'late', delayMs: 300 }, idop!);
    await payerChooses(location, 'V');
    const back = await b.get(`/payfip/retour?idop=${idop}`);
    expect(back.statusCode).toBe(303);
    expect((await attempt(idop!)).status).toBe('paye');
    await p.sandbox.sandbox.idle();
    // Extra notifications in both spellings, form and query.
    const n1 = await p.app.inject({
      method: 'POST',
      url: '/payfip/notification',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `idOp=${idop}`,
    });
    const n2 = await p.app.inject({ method: 'GET', url: `/payfip/notification?idop=${idop}` });
    expect([n1.statusCode, n2.statusCode]).toEqual([200, 200]);
    expect(await paidShares(number)).toHaveLength(1);
    expect((await invoiceRow(number)).onlinePaidCents).toBe(2500);
    expect((await attempt(idop!)).resultrans).toBe('V');
  });

  it('notification envoyée deux fois par PayFiP, et simultanée avec le retour : un seul paiement', async () => {
    const number = await addInvoice(p, { amountCents: 3100 });
    const { location, idop } = await startPayment(p, b, [number]);
    p.sandbox.sandbox.setNotification({ mode: 'never' }, idop!);
    await payerChooses(location, 'P');
    await Promise.all([
      p.app.inject({ method: 'GET', url: `/payfip/retour?idop=${idop}` }),
      p.app.inject({
        method: 'POST',
        url: '/payfip/notification',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `idop=${idop}`,
      }),
      p.app.inject({ method: 'GET', url: `/payfip/notification?idOp=${idop}` }),
      p.payfip.check(idop!, 'test'),
    ]);
    expect(await paidShares(number)).toHaveLength(1);
    expect((await invoiceRow(number)).onlinePaidCents).toBe(3100);
    const events = await db().select().from(onlinePayment).where(eq(onlinePayment.idop, idop!));
    expect(events).toHaveLength(1);
  });

  it('R, Z et A terminent la tentative et lèvent le verrou à l’instant, sans rien régler', async () => {
    for (const r of ['R', 'Z', 'A'] as const) {
      const number = await addInvoice(p, { amountCents: 1500 });
      const { location, idop } = await startPayment(p, b, [number]);
      await payerChooses(location, r);
      await p.sandbox.sandbox.idle();
      const a = await attempt(idop!);
      expect(a.status).toBe(r === 'A' ? 'abandonne' : 'refuse');
      expect(a.resultrans).toBe(r);
      expect(a.numauto === null || a.numauto === '').toBe(true);
      expect(await liveLocks(number)).toHaveLength(0);
      expect((await invoiceRow(number)).onlinePaidCents).toBe(0);
      const page = text((await b.get(`/famille/paiement/${idop}`)).body);
      expect(page).toMatch(r === 'A' ? /Paiement abandonné/ : /Paiement refusé/);
      // The invoice can be paid again at once.
      const again = await startPayment(p, b, [number]);
      expect(again.res.statusCode).toBe(303);
    }
  });

  it('aucune notification ni retour : le poller règle la tentative après 5 minutes', async () => {
    const number = await addInvoice(p, { amountCents: 6000 });
    const { location, idop } = await startPayment(p, b, [number]);
    p.sandbox.sandbox.setNotification({ mode: 'never' }, idop!);
    await payerChooses(location, 'P');
    expect((await p.payfip.pollOnce()).checked).toBe(0);
    expect((await attempt(idop!)).status).toBe('en_cours');
    p.clock.advance(5 * 60_000 + 1000);
    const report = await p.payfip.pollOnce();
    expect(report.finished).toBeGreaterThanOrEqual(1);
    expect((await attempt(idop!)).status).toBe('paye');
    expect((await invoiceRow(number)).onlinePaidCents).toBe(6000);
    expect(await liveLocks(number)).toHaveLength(0);
  });

  it('P5 tant que le payeur n’a pas choisi ; page jamais ouverte : expirée après le délai, verrou levé', async () => {
    const number = await addInvoice(p, { amountCents: 1200 });
    const { idop } = await startPayment(p, b, [number]);
    expect(await p.payfip.check(idop!, 'test')).toEqual({ state: 'pending', reason: 'P5' });
    p.clock.advance(16 * 60_000);
    // PayFiP no longer knows an idOp never opened in its 15 minutes (P1): nothing can be paid.
    await p.payfip.pollOnce();
    expect((await attempt(idop!)).status).toBe('expire');
    expect(await liveLocks(number)).toHaveLength(0);
  });

  it('plusieurs factures d’une régie en un paiement ; deux régies refusées', async () => {
    const a1 = await addInvoice(p, { amountCents: 1000 });
    const a2 = await addInvoice(p, { amountCents: 2345 });
    const other = await addInvoice(p, { amountCents: 1000, regie: 'SPO' });
    const mixed = await startPayment(p, b, [a1, other]);
    expect(mixed.res.statusCode).toBe(409);
    expect(text(mixed.res.body)).toMatch(/deux services différents se paient séparément/);
    expect(await liveLocks(a1)).toHaveLength(0);

    const { location, idop } = await startPayment(p, b, [a1, a2]);
    const op = p.sandbox.sandbox.get(idop!)!;
    expect(op.montant).toBe('3345');
    expect(op.refdet).toMatch(/^LOTSCO\d{14}$/);
    expect(op.objet).toMatch(/^[A-Za-z0-9 ]+$/);
    await payerChooses(location, 'P');
    await p.sandbox.sandbox.idle();
    expect((await invoiceRow(a1)).onlinePaidCents).toBe(1000);
    expect((await invoiceRow(a2)).onlinePaidCents).toBe(2345);
  });

  it('payée au guichet pendant le paiement en ligne : trop-perçu ouvert et publié dans le flux', async () => {
    const number = await addInvoice(p, { amountCents: 4000 });
    const { location, idop } = await startPayment(p, b, [number]);
    const pushed = await push(
      p,
      p.counter,
      ops(p.counter, [
        {
          kind: 'payment',
          payload: paymentPayload(p.counter, {
            amountCents: 4000,
            allocations: [{ invoiceNumber: number, amountCents: 4000 }],
          }),
        },
      ]),
    );
    expect(pushed.results[0]?.status).toBe('applied');
    await payerChooses(location, 'P');
    await p.sandbox.sandbox.idle();
    const inv = await invoiceRow(number);
    expect(inv.paidCents).toBe(8000);
    const conflicts = await db()
      .select()
      .from(paymentConflict)
      .where(eq(paymentConflict.invoiceId, inv.id));
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'trop_percu', amountCents: 4000 });
    expect(conflicts[0]!.onlinePaymentId).not.toBeNull();

    const feed = await pullAll(p, p.counter);
    const online = feed.changes.filter(
      (c) => c.entity === 'online_payment' && c.data?.idop === idop,
    );
    expect(online.at(-1)?.data).toMatchObject({
      status: 'paye',
      invoiceNumber: number,
      amountCents: 4000,
      resultrans: 'P',
      refdet: expect.stringMatching(/^2026SCO/),
      numauto: expect.stringMatching(/-tip$/),
    });
    const lock = feed.changes.filter((c) => c.entity === 'online_lock' && c.key === number).at(-1);
    expect((lock?.data?.lock as { releasedAt: string | null }).releasedAt).not.toBeNull();
    expect(
      feed.changes.some(
        (c) =>
          c.entity === 'conflict' &&
          c.data?.kind === 'trop_percu' &&
          c.data?.invoiceNumber === number,
      ),
    ).toBe(true);
  });

  it('refus avant appel : facture d’une autre famille, aucune facture, moins de 1 € ; rien n’est écrit', async () => {
    const before = (await db().select().from(payfipAttempt)).length;
    const foreign = await addInvoice(p, { amountCents: 1000, family: 'MAR-00002' });
    const r1 = await startPayment(p, b, [foreign]);
    expect(r1.res.statusCode).toBe(409);
    expect(text(r1.res.body)).toMatch(/introuvable dans votre espace/);
    const r2 = await startPayment(p, b, []);
    expect(text(r2.res.body)).toMatch(/Cochez au moins une facture/);
    const small = await addInvoice(p, { amountCents: 50 });
    const r3 = await startPayment(p, b, [small]);
    expect(text(r3.res.body)).toMatch(/au moins 1,00 €/);
    expect((await db().select().from(payfipAttempt)).length).toBe(before);
    expect(await liveLocks(small)).toHaveLength(0);
  });
});
