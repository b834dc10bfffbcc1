// Reads the portal and both registers back after a storm and checks that they agree exactly:
// every register operation on the portal once, with the same content; each register mirroring
// the other's payments once; every invoice's remaining amount and every family's credit equal
// on all sides; nothing waiting, nothing refused, both journals intact. Each assertion names
// the seed, so a failure can be replayed.
import { expect } from 'vitest';
import type { LivePortal, TestRegister } from '../core/sync/sync-fixtures';
import { POSTES, type Poste, type Storm } from './storm-harness';

interface PaymentLine {
  ref: string;
  receipt: string;
  poste: string;
  mode: string;
  amount: number;
  creditCreated: number;
  cancelled: boolean;
}

interface CreditUseLine {
  ref: string;
  poste: string;
  amount: number;
  cancelled: boolean;
}

const byReceipt = (a: PaymentLine, b: PaymentLine) => a.receipt.localeCompare(b.receipt);
const byRef = (a: { ref: string }, b: { ref: string }) => a.ref.localeCompare(b.ref);

async function q<T extends Record<string, unknown>>(
  portal: LivePortal,
  text: string,
): Promise<T[]> {
  return portal.database.withSession((s) => s.query<T>(text));
}

export async function readPortal(portal: LivePortal) {
  const payments = (
    await q<{
      ref: string;
      receipt: string;
      poste: string;
      mode: string;
      amount: number;
      credit: number;
      cancelled: boolean;
    }>(
      portal,
      `SELECT p.ref::text AS ref, p.receipt_number AS receipt, p.poste_code AS poste, p.mode,
              p.amount_cents AS amount, p.credit_created_cents AS credit,
              EXISTS (SELECT 1 FROM cancellation c WHERE c.payment_id = p.id) AS cancelled
         FROM counter_payment p`,
    )
  )
    .map((r): PaymentLine => ({
      ref: r.ref,
      receipt: r.receipt,
      poste: r.poste,
      mode: r.mode,
      amount: Number(r.amount),
      creditCreated: Number(r.credit),
      cancelled: r.cancelled,
    }))
    .sort(byReceipt);
  const creditUses = (
    await q<{ ref: string; poste: string; amount: number; cancelled: boolean }>(
      portal,
      `SELECT u.ref::text AS ref, u.poste_code AS poste, u.amount_cents AS amount,
              EXISTS (SELECT 1 FROM cancellation c WHERE c.credit_use_id = u.id) AS cancelled
         FROM credit_use u`,
    )
  )
    .map((r): CreditUseLine => ({ ...r, amount: Number(r.amount) }))
    .sort(byRef);
  const invoices = await q<{ number: string; amount: number; paid: number; status: string }>(
    portal,
    `SELECT number, amount_cents AS amount, paid_cents AS paid, status FROM invoice ORDER BY number`,
  );
  const accounts = await q<{ key: string; credit: number }>(
    portal,
    `SELECT f.code || '/' || r.code AS key, a.credit_cents AS credit
       FROM family_account a JOIN family f ON f.id = a.family_id JOIN regie r ON r.id = a.regie_id
      ORDER BY 1`,
  );
  const counters = await q<{ poste: string; lastSeq: string }>(
    portal,
    `SELECT poste_code AS poste, last_seq::text AS "lastSeq" FROM counter ORDER BY 1`,
  );
  const ops = await q<{ poste: string; status: string; n: string }>(
    portal,
    `SELECT c.poste_code AS poste, o.status, count(*)::text AS n
       FROM counter_op o JOIN counter c ON c.id = o.counter_id GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const conflicts = await q<{ n: string }>(
    portal,
    `SELECT count(*)::text AS n FROM payment_conflict`,
  );
  const feedTop = await q<{ top: string | null }>(
    portal,
    `SELECT max(id)::text AS top FROM change`,
  );
  return {
    payments,
    creditUses,
    invoices: invoices.map((i) => ({ ...i, amount: Number(i.amount), paid: Number(i.paid) })),
    accounts: accounts.map((a) => ({ key: a.key, credit: Number(a.credit) })),
    counters: counters.map((c) => ({ poste: c.poste, lastSeq: Number(c.lastSeq) })),
    ops: ops.map((o) => ({ ...o, n: Number(o.n) })),
    conflicts: Number(conflicts[0]!.n),
    feedTop: feedTop[0]!.top ?? '0',
  };
}

export function readRegister(reg: TestRegister) {
  const db = reg.core.sqlite;
  const payments = (
    db
      .prepare(
        `SELECT p.command_id AS ref, p.receipt_number AS receipt, p.poste_code AS poste, p.mode,
                p.amount_cents AS amount, p.credit_created_cents AS creditCreated,
                EXISTS (SELECT 1 FROM cancellation c WHERE c.payment_id = p.id) AS cancelled
           FROM payment p`,
      )
      .all() as (Omit<PaymentLine, 'cancelled'> & { cancelled: number })[]
  )
    .map((p): PaymentLine => ({ ...p, cancelled: p.cancelled === 1 }))
    .sort(byReceipt);
  const creditUses = (
    db
      .prepare(
        `SELECT u.command_id AS ref, u.poste_code AS poste, u.amount_cents AS amount,
                EXISTS (SELECT 1 FROM cancellation c WHERE c.credit_use_id = u.id) AS cancelled
           FROM credit_use u`,
      )
      .all() as (Omit<CreditUseLine, 'cancelled'> & { cancelled: number })[]
  )
    .map((u): CreditUseLine => ({ ...u, cancelled: u.cancelled === 1 }))
    .sort(byRef);
  const mirrored = (
    db
      .prepare(`SELECT key, data FROM sync_mirror WHERE entity = 'counter_payment' ORDER BY key`)
      .all() as { key: string; data: string }[]
  ).map((m) => {
    const d = JSON.parse(m.data) as {
      ref: string;
      receiptNumber: string;
      posteCode: string;
      mode: string;
      amountCents: number;
      creditCreatedCents: number;
      cancellation: unknown;
    };
    return {
      key: m.key,
      line: {
        ref: d.ref,
        receipt: d.receiptNumber,
        poste: d.posteCode,
        mode: d.mode,
        amount: d.amountCents,
        creditCreated: d.creditCreatedCents,
        cancelled: d.cancellation !== null,
      } satisfies PaymentLine,
    };
  });
  const mirroredCreditUses = (
    db.prepare(`SELECT data FROM sync_mirror WHERE entity = 'credit_use'`).all() as {
      data: string;
    }[]
  )
    .map((m) => {
      const d = JSON.parse(m.data) as {
        ref: string;
        posteCode: string;
        amountCents: number;
        cancellation: unknown;
      };
      return {
        ref: d.ref,
        poste: d.posteCode,
        amount: d.amountCents,
        cancelled: d.cancellation !== null,
      } satisfies CreditUseLine;
    })
    .sort(byRef);
  const invoices = db
    .prepare(
      `SELECT number, amount_cents AS amount, paid_cents AS paid, remote_paid_cents AS remote, status
         FROM invoice ORDER BY number`,
    )
    .all() as { number: string; amount: number; paid: number; remote: number; status: string }[];
  const credits = db
    .prepare(
      `SELECT f.code || '/' || r.code AS key, SUM(m.amount_cents) AS credit FROM credit_movement m
         JOIN family f ON f.id = m.family_id JOIN regie r ON r.id = m.regie_id GROUP BY 1`,
    )
    .all() as { key: string; credit: number }[];
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const state = db.prepare('SELECT cursor FROM sync_state WHERE id = 1').get() as {
    cursor: string;
  };
  const topSeq =
    (
      db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'").get() as
        { seq: number } | undefined
    )?.seq ?? 0;
  return {
    payments,
    creditUses,
    mirrored,
    mirroredCreditUses,
    invoices,
    credits: new Map(credits.map((c) => [c.key, c.credit])),
    outbox: count('SELECT count(*) AS n FROM sync_outbox'),
    rejected: count('SELECT count(*) AS n FROM sync_rejected'),
    cursor: state.cursor,
    topSeq,
  };
}

export interface ConvergenceFigures {
  perPoste: Record<
    Poste,
    { payments: number; cents: number; cancelled: number; creditUses: number }
  >;
  portalPayments: number;
  portalCents: number;
  invoicesChecked: number;
  conflicts: number;
}

/** Every check of the storm's "after" state; returns the figures for the report. */
export async function expectConverged(storm: Storm): Promise<ConvergenceFigures> {
  const seed = `graine ${storm.seed}`;
  const portal = await readPortal(storm.portal);
  const regs = {
    P01: readRegister(storm.stations.P01.reg),
    P02: readRegister(storm.stations.P02.reg),
  };
  // Each receipt and each reference once on the portal.
  expect(new Set(portal.payments.map((p) => p.receipt)).size, seed).toBe(portal.payments.length);
  expect(new Set(portal.payments.map((p) => p.ref)).size, seed).toBe(portal.payments.length);
  expect(
    portal.payments.filter((p) => !POSTES.includes(p.poste as Poste)),
    seed,
  ).toEqual([]);

  const perPoste = {} as ConvergenceFigures['perPoste'];
  for (const poste of POSTES) {
    const other: Poste = poste === 'P01' ? 'P02' : 'P01';
    const mine = regs[poste];
    // The register's own ledger holds only its own poste's payments.
    expect(
      mine.payments.every((p) => p.poste === poste),
      seed,
    ).toBe(true);
    // The portal holds exactly the register's payments and credit uses, cancelled alike.
    expect(
      portal.payments.filter((p) => p.poste === poste),
      `${seed}, paiements de ${poste} au portail`,
    ).toEqual(mine.payments);
    expect(
      portal.creditUses.filter((u) => u.poste === poste),
      `${seed}, avoirs utilisés par ${poste} au portail`,
    ).toEqual(mine.creditUses);
    // The other register mirrors them, each once, never its own.
    const mirrored = regs[other].mirrored;
    expect(new Set(mirrored.map((m) => m.key)).size, seed).toBe(mirrored.length);
    expect(
      mirrored.map((m) => m.line).filter((l) => l.poste === poste),
      `${seed}, paiements de ${poste} vus par ${other}`,
    ).toEqual(mine.payments);
    expect(
      mine.mirrored.filter((m) => m.line.poste === poste),
      seed,
    ).toEqual([]);
    expect(
      regs[other].mirroredCreditUses.filter((u) => u.poste === poste),
      `${seed}, avoirs de ${poste} vus par ${other}`,
    ).toEqual(mine.creditUses);
    // Nothing waits, nothing was refused, and the portal processed every sequence number.
    expect(mine.outbox, `${seed}, file de ${poste}`).toBe(0);
    expect(mine.rejected, `${seed}, « à traiter » de ${poste}`).toBe(0);
    expect(
      portal.counters.find((c) => c.poste === poste)?.lastSeq,
      `${seed}, dernière séquence de ${poste}`,
    ).toBe(mine.topSeq);
    expect(mine.cursor, `${seed}, curseur de ${poste}`).toBe(portal.feedTop);
    const live = mine.payments.filter((p) => !p.cancelled);
    perPoste[poste] = {
      payments: mine.payments.length,
      cents: live.reduce((t, p) => t + p.amount, 0),
      cancelled: mine.payments.length - live.length,
      creditUses: mine.creditUses.length,
    };
  }
  expect(
    portal.ops.filter((o) => o.status !== 'applied'),
    `${seed}, opérations refusées`,
  ).toEqual([]);

  // Every invoice: same amount, same paid, so the same remaining, on the three sides.
  for (const inv of portal.invoices) {
    for (const poste of POSTES) {
      const local = regs[poste].invoices.find((i) => i.number === inv.number);
      expect(local, `${seed}, facture ${inv.number} sur ${poste}`).toBeDefined();
      expect(
        { remaining: local!.amount - local!.paid, paid: local!.paid, status: local!.status },
        `${seed}, facture ${inv.number} sur ${poste}`,
      ).toEqual({ remaining: inv.amount - inv.paid, paid: inv.paid, status: inv.status });
    }
  }
  // Credit lives in each register's ledger; the portal's account is the sum of both.
  for (const a of portal.accounts) {
    const sum = POSTES.reduce((t, p) => t + (regs[p].credits.get(a.key) ?? 0), 0);
    expect(a.credit, `${seed}, avoir ${a.key}`).toBe(sum);
  }
  for (const poste of POSTES) {
    const verify = await storm.stations[poste].reg.call('journal.verify', {});
    expect(verify.ok, `${seed}, journal de ${poste}`).toBe(true);
  }
  const live = portal.payments.filter((p) => !p.cancelled);
  return {
    perPoste,
    portalPayments: portal.payments.length,
    portalCents: live.reduce((t, p) => t + p.amount, 0),
    invoicesChecked: portal.invoices.length,
    conflicts: portal.conflicts,
  };
}
