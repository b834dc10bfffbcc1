// An online trop-perçu, end to end: a family pays an invoice online while the counter takes
// the same invoice in cash, so the portal opens a trop-perçu. The régisseur turns it into an
// avoir on one poste: the credit exists at once and can be spent there, the decision reaches
// the portal (conflict closed, account credited, split by poste), a second register sees the
// credit and the decision and refuses to decide again, and a second decision that reaches the
// portal from another poste before the first one's pull is refused and kept "à traiter". A
// refund request closes the conflict without credit; bad decisions change nothing.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  finishOnlinePayment,
  startOnlinePayment,
} from '../../../src/portal/online/online-payments';
import { rows } from '../../../src/portal/db/sql';
import { parisDate } from '../../../src/shared/dates';
import { extractPdfText, normalizeSpaces } from '../../helpers/pdf-text';
import { addInvoice, agent, enrolNewCounter, ops, push } from '../../portal/helpers/portal-fixture';
import {
  enrolAndSync,
  idOf,
  openRegister,
  outboxCount,
  startPortal,
  type LivePortal,
  type TestRegister,
} from '../sync/sync-fixtures';

let portal: LivePortal;
let p01: TestRegister;
let p02: TestRegister;

beforeAll(async () => {
  portal = await startPortal();
  p01 = await openRegister('P01');
  p02 = await openRegister('P02');
  await enrolAndSync(portal, p01, 'P01');
  await enrolAndSync(portal, p02, 'P02');
}, 120_000);

afterAll(async () => {
  p01?.close();
  p02?.close();
  await portal?.close();
});

const today = () => parisDate(new Date());

/**
 * An invoice paid twice: an online attempt is started, the counter (P01) takes the invoice in
 * cash and pushes it, then PayFiP says the online payment succeeded. Returns the online ref.
 */
async function paidTwice(amountCents: number, regie: 'SCO' | 'SPO' = 'SCO') {
  const invoice = await addInvoice(portal, { amountCents, regie });
  await p01.call('sync.now', {});
  const online = await startOnlinePayment(portal.database.db, invoice, amountCents, new Date());
  await p01.call('payments.record', {
    commandId: randomUUID(),
    familyId: idOf(p01, 'family', 'DUP-00001'),
    regieId: idOf(p01, 'regie', regie),
    amountCents,
    method: { mode: 'especes', tenderedCents: amountCents },
    allocations: [{ invoiceId: idOf(p01, 'invoice', invoice), amountCents }],
  });
  await p01.call('sync.now', {});
  await finishOnlinePayment(
    portal.database.db,
    online.ref,
    { status: 'paye', idop: randomUUID().replace(/-/g, ''), numauto: '123456-tip' },
    new Date(),
  );
  await p01.call('sync.now', {});
  await p02.call('sync.now', {});
  return { invoice, ref: online.ref };
}

async function onlineView(reg: TestRegister, ref: string) {
  const view = await reg.call('online.reconciliation', { from: today(), to: today() });
  const found = view.days.flatMap((d) => d.payments).find((p) => p.ref === ref);
  if (!found) throw new Error(`paiement en ligne ${ref} absent de la réconciliation`);
  return found;
}

async function familyCredit(reg: TestRegister, regie: 'SCO' | 'SPO' = 'SCO') {
  const detail = await reg.call('families.get', { familyId: idOf(reg, 'family', 'DUP-00001') });
  return detail.regies.find((r) => r.regieCode === regie)?.creditCents ?? 0;
}

async function portalConflicts(invoice: string) {
  return rows<{ status: string; resolution_note: string | null; kind: string }>(
    portal.database.db,
    sql`SELECT k.status, k.resolution_note, k.kind FROM payment_conflict k
          JOIN invoice i ON i.id = k.invoice_id WHERE i.number = ${invoice} ORDER BY k.id`,
  );
}

async function portalCredit(regie = 'SCO') {
  const [row] = await rows<{ credit_cents: number }>(
    portal.database.db,
    sql`SELECT a.credit_cents FROM family_account a JOIN family f ON f.id = a.family_id
          JOIN regie r ON r.id = a.regie_id WHERE f.code = 'DUP-00001' AND r.code = ${regie}`,
  );
  return Number(row?.credit_cents ?? 0);
}

function decisionsOn(reg: TestRegister) {
  const s = reg.core.sqlite;
  return {
    decisions: (s.prepare('SELECT count(*) AS n FROM online_overpayment').get() as { n: number }).n,
    movements: (s.prepare('SELECT count(*) AS n FROM credit_movement').get() as { n: number }).n,
    outbox: outboxCount(reg),
  };
}

describe('trop-perçu en ligne porté en avoir', () => {
  it('creates spendable credit, reaches the portal once, and a second register sees it and refuses to decide again', async () => {
    const { invoice, ref } = await paidTwice(3_000);
    const before = await onlineView(p01, ref);
    expect(before).toMatchObject({ anomalies: ['trop_percu'], overpaymentCents: 3_000 });
    expect((await portalConflicts(invoice)).map((c) => c.status)).toEqual(['a_traiter']);
    const creditBefore = await familyCredit(p01);
    const portalCreditBefore = await portalCredit();

    // Offline: the avoir exists at once on this poste, and the decision waits in the outbox.
    p01.net.offline = true;
    const decided = await p01.call('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'avoir',
      reason: 'Payé au guichet et en ligne',
    });
    expect(decided.payment.resolution).toMatchObject({ resolution: 'avoir', amountCents: 3_000 });
    expect(await familyCredit(p01)).toBe(creditBefore + 3_000);
    const op = p01.core.sqlite
      .prepare("SELECT op_id FROM sync_outbox WHERE kind = 'overpayment_resolution'")
      .all() as { op_id: string }[];
    expect(op).toHaveLength(1);

    // A second decision on this poste is refused and changes nothing.
    const snapshot = decisionsOn(p01);
    const again = await p01.send('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'remboursement',
      reason: 'Finalement remboursé',
    });
    expect(again.ok).toBe(false);
    if (!again.ok) {
      expect(again.error).toMatchObject({ code: 'CONFLIT', reason: 'TROP_PERCU_DEJA_TRAITE' });
      expect(again.error.message).toMatch(/déjà été traité .*poste P01.*Rien n’a été enregistré/);
    }
    expect(decisionsOn(p01)).toEqual(snapshot);

    // Online again: the portal closes the conflict and credits the account, once.
    p01.net.offline = false;
    await p01.call('sync.now', {});
    expect(outboxCount(p01)).toBe(0);
    const conflicts = await portalConflicts(invoice);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'trop_percu', status: 'traite' });
    expect(conflicts[0]!.resolution_note).toMatch(
      /^Avoir de 30,00\s€ porté au compte de la famille, décidé au poste P01 par Régisseur titulaire le .* Motif : Payé au guichet et en ligne$/,
    );
    expect(await portalCredit()).toBe(portalCreditBefore + 3_000);
    // Acknowledged and pulled back: still counted once on the poste that decided.
    expect(await familyCredit(p01)).toBe(creditBefore + 3_000);
    const mirrored = JSON.parse(
      (
        p01.core.sqlite
          .prepare(
            "SELECT data FROM sync_mirror WHERE entity = 'account' AND key = 'DUP-00001/SCO'",
          )
          .get() as { data: string }
      ).data,
    ) as { creditCents: number; creditByPoste: Record<string, number> };
    expect(mirrored.creditCents).toBe(portalCreditBefore + 3_000);
    expect(mirrored.creditByPoste.P01).toBe(creditBefore + 3_000);

    // The second register sees the credit and the decision, and refuses to decide again.
    await p02.call('sync.now', {});
    expect(await familyCredit(p02)).toBe(creditBefore + 3_000);
    const seen = await onlineView(p02, ref);
    expect(seen.resolution).toMatchObject({
      resolution: 'avoir',
      amountCents: 3_000,
      agentName: 'Régisseur titulaire',
    });
    const conflict = p02.core.sqlite
      .prepare(
        "SELECT json_extract(data, '$.status') AS status FROM sync_mirror WHERE entity = 'conflict' AND json_extract(data, '$.invoiceNumber') = ?",
      )
      .get(invoice) as { status: string };
    expect(conflict.status).toBe('traite');
    const p02Before = decisionsOn(p02);
    const refused = await p02.send('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'avoir',
      reason: 'Payé au guichet et en ligne',
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error).toMatchObject({ code: 'CONFLIT', reason: 'TROP_PERCU_DEJA_TRAITE' });
      expect(refused.error.message).toContain('poste P01');
    }
    expect(decisionsOn(p02)).toEqual(p02Before);
    // The credit another poste holds is shown here but spent there: a clear refusal.
    const elsewhere = await p02.send('credits.apply', {
      commandId: randomUUID(),
      familyId: idOf(p02, 'family', 'DUP-00001'),
      regieId: idOf(p02, 'regie', 'SCO'),
    });
    expect(elsewhere.ok).toBe(false);
    if (!elsewhere.ok) {
      expect(elsewhere.error.message).toMatch(/tenu par un autre poste/);
    }
    expect(decisionsOn(p02)).toEqual(p02Before);

    // The avoir is spent on another invoice at P01, and the cash receipt of the rest says so.
    const other = await addInvoice(portal, { amountCents: 5_000 });
    await p01.call('sync.now', {});
    const familyId = idOf(p01, 'family', 'DUP-00001');
    const regieId = idOf(p01, 'regie', 'SCO');
    const used = await p01.call('credits.apply', {
      commandId: randomUUID(),
      familyId,
      regieId,
      amountCents: 2_000,
      allocations: [{ invoiceId: idOf(p01, 'invoice', other), amountCents: 2_000 }],
    });
    expect(used).toMatchObject({
      creditUsedCents: 2_000,
      creditBalanceCents: creditBefore + 1_000,
    });
    const paid = await p01.call('payments.record', {
      commandId: randomUUID(),
      familyId,
      regieId,
      amountCents: 3_000,
      method: { mode: 'especes', tenderedCents: 3_000 },
      allocations: [{ invoiceId: idOf(p01, 'invoice', other), amountCents: 3_000 }],
      printLayout: 'a5',
    });
    const pdf = await extractPdfText(new Uint8Array(Buffer.from(paid.print!.pdfBase64, 'base64')));
    const lines = pdf.pages.flatMap((p) => p.lines).map(normalizeSpaces);
    expect(lines.some((l) => l.includes(other))).toBe(true);
    const euro = (cents: number) =>
      `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;
    expect(lines).toContain(`Avoir disponible ${euro(creditBefore + 1_000)}`);
    await p01.call('sync.now', {});
    await p02.call('sync.now', {});
    expect(await portalCredit()).toBe(portalCreditBefore + 1_000);
    expect(await familyCredit(p02)).toBe(creditBefore + 1_000);
    expect(await familyCredit(p01)).toBe(creditBefore + 1_000);
  }, 120_000);

  it('refuses at the portal a decision taken on a second poste before it heard of the first, kept à traiter', async () => {
    const { invoice, ref } = await paidTwice(2_500);
    const creditBefore = await familyCredit(p02);
    const portalBefore = await portalCredit();
    // P02 decides offline, without having pulled P01's decision.
    p02.net.offline = true;
    await p01.call('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'avoir',
      reason: 'Payé deux fois, avoir',
    });
    await p02.call('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'remboursement',
      reason: 'Payé deux fois, à rembourser',
    });
    await p01.call('sync.now', {});
    p02.net.offline = false;
    const status = await p02.call('sync.now', {});
    expect(status.toHandle).toBe(1);
    expect(status.rejected[0]).toMatchObject({
      kind: 'overpayment_resolution',
      code: 'TROP_PERCU_DEJA_TRAITE',
    });
    expect(status.rejected[0]!.message).toMatch(
      /déjà été traité au poste P01 par Régisseur titulaire/,
    );
    // The portal kept the first decision only; P02 shows it, and its credit counts once.
    expect(await portalCredit()).toBe(portalBefore + 2_500);
    expect((await portalConflicts(invoice)).map((c) => c.status)).toEqual(['traite']);
    expect((await onlineView(p02, ref)).resolution).toMatchObject({
      resolution: 'avoir',
      amountCents: 2_500,
    });
    expect(await familyCredit(p02)).toBe(creditBefore + 2_500);
    const retry = await p02.send('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'remboursement',
      reason: 'Payé deux fois, à rembourser',
    });
    expect(retry.ok).toBe(false);
    if (!retry.ok) expect(retry.error.reason).toBe('TROP_PERCU_DEJA_TRAITE');
  }, 120_000);

  it('closes the conflict of a refund request without giving credit', async () => {
    const { invoice, ref } = await paidTwice(1_800);
    const before = { p01: await familyCredit(p01), p02: await familyCredit(p02) };
    const portalBefore = await portalCredit();
    const movements = decisionsOn(p01).movements;
    await p01.call('online.resolveOverpayment', {
      commandId: randomUUID(),
      onlinePaymentRef: ref,
      resolution: 'remboursement',
      reason: 'La famille demande le remboursement',
    });
    expect(decisionsOn(p01).movements).toBe(movements);
    await p01.call('sync.now', {});
    await p02.call('sync.now', {});
    const [conflict] = await portalConflicts(invoice);
    expect(conflict).toMatchObject({ status: 'traite' });
    expect(conflict!.resolution_note).toMatch(/^Demande de remboursement de 18,00\s€ à la famille/);
    expect(await portalCredit()).toBe(portalBefore);
    expect({ p01: await familyCredit(p01), p02: await familyCredit(p02) }).toEqual(before);
    expect((await onlineView(p02, ref)).resolution).toMatchObject({ resolution: 'remboursement' });
  }, 120_000);
});

describe('décisions refusées par le portail', () => {
  it('refuses an unknown online payment, a wrong amount and an avoir in a régie without credit, changing nothing', async () => {
    const { invoice, ref } = await paidTwice(1_200);
    const spo = await paidTwice(900, 'SPO');
    const counter = await enrolNewCounter(portal);
    const state = async () => ({
      conflicts: await portalConflicts(invoice),
      spo: await portalConflicts(spo.invoice),
      credit: await portalCredit(),
      spoCredit: await portalCredit('SPO'),
      decisions: (
        await rows<{ n: number }>(
          portal.database.db,
          sql`SELECT count(*)::int AS n FROM overpayment_resolution`,
        )
      )[0]!.n,
    });
    const before = await state();
    const decision = (over: Record<string, unknown>) => ({
      kind: 'overpayment_resolution' as const,
      payload: {
        onlinePaymentRef: ref,
        resolution: 'avoir',
        amountCents: 1_200,
        reason: 'Payé deux fois',
        agent,
        resolvedAt: new Date().toISOString(),
        ...over,
      },
    });
    const answer = await push(
      portal,
      counter,
      ops(counter, [
        decision({ onlinePaymentRef: randomUUID() }),
        decision({ amountCents: 1_000 }),
        decision({ onlinePaymentRef: spo.ref, amountCents: 900 }),
        decision({ reason: 'non' }),
      ]),
    );
    expect(answer.results.map((r) => [r.status, 'code' in r ? r.code : null])).toEqual([
      ['rejected', 'PAIEMENT_EN_LIGNE_INCONNU'],
      ['rejected', 'MONTANT_TROP_PERCU_DIFFERENT'],
      ['rejected', 'AVOIR_NON_ADMIS'],
      ['rejected', 'VALIDATION'],
    ]);
    const messages = answer.results.map((r) => ('message' in r ? r.message : ''));
    expect(messages[0]).toMatch(/^Paiement en ligne .* inconnu du portail : synchronisez le poste/);
    expect(messages[1]).toMatch(
      /Le trop-perçu annoncé \(10,00\s€\) ne correspond pas à celui que le portail constate sur la facture .* \(12,00\s€\)/,
    );
    expect(messages[2]).toMatch(/La régie SPO n’admet pas les avoirs/);
    expect(await state()).toEqual(before);
  }, 120_000);
});
