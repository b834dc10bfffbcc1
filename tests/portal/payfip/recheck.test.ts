// The counter's re-check (PROTOCOL.md 7.1): POST /sync/v1/online-payments/<ref>/recheck, signed
// like push and pull, runs the PayFiP service's own check on a real PGlite portal against the
// sandbox. PayFiP's notifications never arrive here (the sandbox's plan), so only the checks
// a test triggers can learn the result.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  invoice,
  onlinePayment,
  onlinePaymentLock,
  payfipAttempt,
  portalEvent,
} from '../../../src/portal/db/schema';
import { recheckAnswerSchema, type RecheckAnswer } from '../../../src/shared/sync/online-recheck';
import { addInvoice, enrolNewCounter, signed, type TestCounter } from '../helpers/portal-fixture';
import type { Browser } from '../family-web/family-fixture';
import { familyBrowser, payerChooses, startPayment } from './payfip-fixture';
import { openRecheckPortal, type RecheckPortal } from './recheck-fixture';

let p: RecheckPortal;
let b: Browser;

beforeAll(async () => {
  p = await openRecheckPortal();
  b = await familyBrowser(p);
}, 120_000);
afterAll(async () => {
  await p?.close();
});

const db = () => p.database.db;

async function shareOf(number: string) {
  const [inv] = await db().select().from(invoice).where(eq(invoice.number, number));
  const shares = await db()
    .select()
    .from(onlinePayment)
    .where(eq(onlinePayment.invoiceId, inv!.id));
  return { inv: inv!, shares };
}

async function attempt(idop: string) {
  const [row] = await db().select().from(payfipAttempt).where(eq(payfipAttempt.idop, idop));
  return row!;
}

async function liveLocks(invoiceId: number) {
  return (
    await db().select().from(onlinePaymentLock).where(eq(onlinePaymentLock.invoiceId, invoiceId))
  ).filter((l) => l.releasedAt === null);
}

function recheck(ref: string, counter: TestCounter = p.counter, o: { secret?: string } = {}) {
  return signed(p, counter, 'POST', `/sync/v1/online-payments/${ref}/recheck`, undefined, o);
}

/** A started payment on a new invoice: its number, idop, sandbox page and online_payment ref. */
async function pending(amountCents: number) {
  const number = await addInvoice(p, { amountCents });
  const started = await startPayment(p, b, [number]);
  expect(started.res.statusCode).toBe(303);
  const { shares } = await shareOf(number);
  expect(shares).toHaveLength(1);
  return { number, idop: started.idop!, location: started.location, ref: shares[0]!.ref };
}

describe('re-vérification d’un paiement en ligne depuis un guichet', () => {
  it('P : la re-vérification enregistre le paiement, une fois ; la suivante répond « déjà terminé » avec l’autorisation', async () => {
    const { number, idop, location, ref } = await pending(4200);
    await payerChooses(location, 'P');
    expect((await attempt(idop)).status).toBe('en_cours');

    const res = await recheck(ref);
    expect(res.statusCode).toBe(200);
    const answer: RecheckAnswer = recheckAnswerSchema.parse(res.json());
    expect(answer).toMatchObject({
      ref,
      idop,
      status: 'paye',
      recorded: true,
      pendingReason: null,
      fault: null,
      resultrans: 'P',
      attemptAmountCents: 4200,
      shares: [{ ref, invoiceNumber: number, amountCents: 4200, status: 'paye' }],
    });
    expect(answer.numauto).toMatch(/^\d{12}-tip$/);
    expect(answer.paidAt).not.toBeNull();
    expect(answer.message).toContain(`autorisation n° ${answer.numauto}`);
    const { inv, shares } = await shareOf(number);
    expect(inv.onlinePaidCents).toBe(4200);
    expect(shares.filter((s) => s.status === 'paye')).toHaveLength(1);
    expect(await liveLocks(inv.id)).toHaveLength(0);

    // Asked again: the attempt is final, the answer says how it ended and nothing moves.
    const again = await recheck(ref);
    expect(again.statusCode).toBe(409);
    const body = again.json<{ code: string; message: string; details: Record<string, unknown> }>();
    expect(body.code).toBe('PAIEMENT_EN_LIGNE_TERMINE');
    expect(body.message).toMatch(/déjà terminé : payé par carte le \d\d\/\d\d\/\d{4} à \d\d:\d\d/);
    expect(body.message).toContain(answer.numauto!);
    expect(body.details).toMatchObject({ status: 'paye', numauto: answer.numauto });
    expect((await shareOf(number)).inv.onlinePaidCents).toBe(4200);
  });

  it('le poller, une notification et deux re-vérifications en même temps : le paiement est enregistré une seule fois', async () => {
    const { number, idop, location, ref } = await pending(3300);
    await payerChooses(location, 'V');
    // Old enough for the poller (5 minutes), within the signature window (5 minutes).
    p.clock.advance(5 * 60_000 + 1000);
    const [polled, r1, r2] = await Promise.all([
      p.payfip.pollOnce(),
      recheck(ref),
      recheck(ref),
      p.app.inject({ method: 'GET', url: `/payfip/notification?idop=${idop}` }),
    ]);
    expect(polled.checked).toBeGreaterThanOrEqual(1);
    // Each re-check either recorded the payment, saw it recorded, or found it already final.
    const answers = [r1, r2].map((r) =>
      r.statusCode === 200
        ? recheckAnswerSchema.parse(r.json())
        : { status: r.json<{ code: string }>().code, recorded: false },
    );
    for (const a of answers) expect(['paye', 'PAIEMENT_EN_LIGNE_TERMINE']).toContain(a.status);
    expect(answers.filter((a) => a.recorded).length).toBeLessThanOrEqual(1);

    const { inv, shares } = await shareOf(number);
    expect(shares.filter((s) => s.status === 'paye')).toHaveLength(1);
    expect(inv.onlinePaidCents).toBe(3300);
    expect(inv.paidCents).toBe(3300);
    const results = (
      await db().select().from(portalEvent).where(eq(portalEvent.kind, 'payfip_resultat'))
    ).filter((e) => (e.details as { idop?: string }).idop === idop);
    expect(results).toHaveLength(1);
    expect((await attempt(idop)).resultrans).toBe('V');
  });

  it('R : la re-vérification termine la tentative et lève le verrou, sans rien régler', async () => {
    const { number, location, ref } = await pending(1500);
    await payerChooses(location, 'R');
    const res = await recheck(ref);
    expect(res.statusCode).toBe(200);
    const answer = recheckAnswerSchema.parse(res.json());
    expect(answer).toMatchObject({ status: 'refuse', recorded: true, numauto: null, paidAt: null });
    expect(answer.message).toMatch(/refusé par la banque/);
    const { inv, shares } = await shareOf(number);
    expect(shares[0]!.status).toBe('refuse');
    expect(inv.onlinePaidCents).toBe(0);
    expect(await liveLocks(inv.id)).toHaveLength(0);
    const again = await recheck(ref);
    expect(again.statusCode).toBe(409);
    expect(again.json<{ message: string }>().message).toMatch(/déjà terminé : refusé/);
  });

  it('P5 : le payeur n’a pas choisi ; la tentative reste en cours, rien ne change', async () => {
    const { number, ref } = await pending(1800);
    const res = await recheck(ref);
    expect(res.statusCode).toBe(200);
    const answer = recheckAnswerSchema.parse(res.json());
    expect(answer).toMatchObject({ status: 'en_cours', recorded: false, pendingReason: 'P5' });
    expect(answer.message).toMatch(/ne connaît pas encore le résultat/);
    const { inv, shares } = await shareOf(number);
    expect(shares[0]!.status).toBe('en_cours');
    expect(await liveLocks(inv.id)).toHaveLength(1);
  });

  it('erreur SOAP de PayFiP : dite en français avec son code, la tentative reste en cours', async () => {
    const { number, location, ref } = await pending(2100);
    await payerChooses(location, 'P');
    p.faults.next = 1;
    const res = await recheck(ref);
    expect(res.statusCode).toBe(200);
    const answer = recheckAnswerSchema.parse(res.json());
    expect(answer).toMatchObject({
      status: 'en_cours',
      recorded: false,
      pendingReason: 'indisponible',
      fault: { code: 'I1' },
    });
    expect(answer.message).toMatch(
      /^PayFiP signale une difficulté technique \(erreur I1\) : le paiement reste en cours et rien n’a changé/,
    );
    expect((await shareOf(number)).inv.onlinePaidCents).toBe(0);
    // The fault passed: the next re-check records the payment.
    const ok = recheckAnswerSchema.parse((await recheck(ref)).json());
    expect(ok).toMatchObject({ status: 'paye', recorded: true });
    expect((await shareOf(number)).inv.onlinePaidCents).toBe(2100);
  });

  it('référence inconnue, mal formée ou d’une régie hors périmètre : refusée, rien ne change', async () => {
    const unknown = await recheck('6f1c2e1a-0b9d-4c55-9d0e-2a7f3c4b5d6e');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      code: 'PAIEMENT_EN_LIGNE_INCONNU',
      message: expect.stringMatching(/ne connaît pas le paiement en ligne/),
    });
    const malformed = await recheck('pas-un-uuid');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'VALIDATION' });

    // A counter of the sports régie only does not see a school payment: same answer as unknown.
    const { idop, location, ref } = await pending(1600);
    await payerChooses(location, 'P');
    const sport = await enrolNewCounter(p, ['SPO']);
    const outside = await recheck(ref, sport);
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ code: 'PAIEMENT_EN_LIGNE_INCONNU' });
    expect((await attempt(idop)).status).toBe('en_cours');
  });

  it('sans signature ou mal signée : refusée avant toute vérification', async () => {
    const { idop, location, ref } = await pending(1700);
    await payerChooses(location, 'P');
    const checksBefore = (await attempt(idop)).checks;
    const unsigned = await p.app.inject({
      method: 'POST',
      url: `/sync/v1/online-payments/${ref}/recheck`,
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({ code: 'SIGNATURE_MANQUANTE' });
    const forged = await recheck(ref, p.counter, {
      secret: Buffer.alloc(32, 9).toString('base64url'),
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'SIGNATURE_INVALIDE' });
    const a = await attempt(idop);
    expect(a.status).toBe('en_cours');
    expect(a.checks).toBe(checksBefore);
  });
});
