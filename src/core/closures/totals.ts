// The figures of a closure, read from the ledger for one period of one régie. Every entry
// belongs to the Paris day of its recorded instant: a payment by recorded_at, a cancellation by
// cancelled_at (with the mode and the régie of what it cancels), a credit use by used_at.
//
// Payments, credit uses and cancellations are reached through the journal's index on instants
// (each row is written with the same instant as its journal entry, which journal.verify
// checks), so a closure reads only its own period's entries however long the history is. The
// row's own instant is tested as well: the attribution is the row's, the index only finds it.
import type Database from 'better-sqlite3';
import type {
  ClosureDeposit,
  ClosureModeTotal,
  ClosurePart,
  ClosureTillDifference,
  ClosureTotals,
} from '../../shared/contract/closures';
import { paymentModeLabels, paymentModes, type PaymentMode } from '../../shared/payment-modes';
import { prepared } from '../db/prepared';
import { canonicalJson } from '../journal/canonical';
import type { GrandTotals } from '../payments/ledger';
import type { Period } from './periods';

export interface RegieInfo {
  id: number;
  code: string;
  name: string;
  dftAccount: string | null;
}

export function regieInfo(sqlite: Database.Database, regieId: number): RegieInfo | null {
  const row = prepared(sqlite, 'SELECT id, code, name, dft_account FROM regie WHERE id = ?').get(
    regieId,
  ) as { id: number; code: string; name: string; dft_account: string | null } | undefined;
  return row ? { id: row.id, code: row.code, name: row.name, dftAccount: row.dft_account } : null;
}

interface Range {
  regie: number;
  start: string;
  end: string;
  /** Journal seqs of the first and last entries dated in the period (see seqRange). */
  lo: number;
  hi: number;
}

/**
 * The journal seqs bounding the entries dated in [start, end): read from the index on instants
 * alone (it holds the seq), so it costs a walk of that index range and no row. Every payment,
 * credit use and cancellation has the same instant as its entry (journal.verify checks it), so
 * its journal_seq lies in this range even if the clock went back at some point; the ledger
 * tables are then read through their UNIQUE index on journal_seq, bounded by the period
 * instead of the régie's whole history, and each row's own instant is tested as well.
 */
export function seqRange(
  sqlite: Database.Database,
  start: string,
  end: string,
): { lo: number; hi: number } {
  const row = prepared(
    sqlite,
    'SELECT MIN(seq) AS lo, MAX(seq) AS hi FROM journal_entry WHERE instant >= ? AND instant < ?',
  ).get(start, end) as { lo: number | null; hi: number | null };
  return row.lo === null || row.hi === null ? { lo: 1, hi: 0 } : { lo: row.lo, hi: row.hi };
}

// `+x.regie_id` keeps SQLite from the payments' index on the régie, which would walk every
// payment the régie ever took; CROSS JOIN keeps the cancellation as the outer loop.
const PAYMENTS_SQL = `
  SELECT p.mode AS mode, p.poste_code AS poste, p.receipt_year AS year, count(*) AS n,
         SUM(p.amount_cents) AS amount, SUM(p.credit_created_cents) AS credit,
         MIN(p.receipt_seq) AS lo, MAX(p.receipt_seq) AS hi
  FROM payment p
  WHERE p.journal_seq BETWEEN @lo AND @hi AND +p.regie_id = @regie
    AND p.recorded_at >= @start AND p.recorded_at < @end
  GROUP BY p.mode, p.poste_code, p.receipt_year`;

const CANCELLATIONS_SQL = `
  SELECT p.mode AS mode, count(*) AS n, SUM(p.amount_cents) AS amount,
         SUM(p.credit_created_cents) AS credit
  FROM cancellation c CROSS JOIN payment p ON p.id = c.payment_id
  WHERE c.journal_seq BETWEEN @lo AND @hi AND c.cancelled_at >= @start AND c.cancelled_at < @end
    AND +p.regie_id = @regie
  GROUP BY p.mode`;

const CREDIT_USES_SQL = `
  SELECT
    (SELECT COALESCE(SUM(u.amount_cents), 0) FROM credit_use u
     WHERE u.journal_seq BETWEEN @lo AND @hi AND +u.regie_id = @regie
       AND u.used_at >= @start AND u.used_at < @end) AS used,
    (SELECT COALESCE(SUM(u.amount_cents), 0)
     FROM cancellation c CROSS JOIN credit_use u ON u.id = c.credit_use_id
     WHERE c.journal_seq BETWEEN @lo AND @hi AND c.cancelled_at >= @start AND c.cancelled_at < @end
       AND +u.regie_id = @regie) AS cancelled,
    (SELECT COALESCE(SUM(o.amount_cents), 0) FROM online_overpayment o
     WHERE o.journal_seq BETWEEN @lo AND @hi AND +o.regie_id = @regie AND o.resolution = 'avoir'
       AND o.resolved_at >= @start AND o.resolved_at < @end) AS online`;

const DEPOSITS_SQL = `
  SELECT kind, number, validated_at AS at, item_count AS count, total_cents AS total
  FROM deposit_slip
  WHERE regie_id = @regie AND status = 'validated' AND validated_at >= @start AND validated_at < @end
  UNION ALL
  SELECT 'especes', number, deposited_at, (notes_cents > 0) + (coins_cents > 0), total_cents
  FROM cash_deposit
  WHERE regie_id = @regie AND deposited_at >= @start AND deposited_at < @end
  ORDER BY at, number`;

/**
 * A till session serves every régie collected on its poste: its differences are the régie's
 * when the régie collected, cancelled or moved cash in it.
 */
export const REGIE_SESSION_SQL = `(
    EXISTS (SELECT 1 FROM till_link l JOIN payment p ON p.id = l.payment_id
            WHERE l.session_id = d.session_id AND p.regie_id = @regie)
    OR EXISTS (SELECT 1 FROM till_link l JOIN cancellation c ON c.id = l.cancellation_id
               JOIN payment p ON p.id = c.payment_id
               WHERE l.session_id = d.session_id AND p.regie_id = @regie)
    OR EXISTS (SELECT 1 FROM till_movement m WHERE m.session_id = d.session_id AND m.regie_id = @regie))`;

const DIFFERENCES_SQL = `
  SELECT d.at, d.session_id AS sessionId, s.poste_code AS posteCode, d.mode,
         d.expected_cents AS expected, d.counted_cents AS counted, d.difference_cents AS difference,
         d.reason
  FROM till_difference d JOIN till_session s ON s.id = d.session_id
  WHERE d.at >= @start AND d.at < @end AND ${REGIE_SESSION_SQL}
  ORDER BY d.at, d.id`;

/**
 * The régie's perpetual grand totals at an instant: every payment and every cancellation of a
 * payment dated before it, summed from the ledger itself.
 */
export function perpetualAt(
  sqlite: Database.Database,
  regieId: number,
  instant: string,
): GrandTotals {
  const row = prepared(
    sqlite,
    `SELECT
       (SELECT COALESCE(SUM(amount_cents), 0) FROM payment
        WHERE regie_id = @regie AND recorded_at < @end) AS collected,
       (SELECT COALESCE(SUM(p.amount_cents), 0) FROM cancellation c JOIN payment p ON p.id = c.payment_id
        WHERE p.regie_id = @regie AND c.cancelled_at < @end) AS cancelled`,
  ).get({ regie: regieId, end: instant }) as { collected: number; cancelled: number };
  return {
    collectedCents: row.collected,
    cancelledCents: row.cancelled,
    netCents: row.collected - row.cancelled,
  };
}

/**
 * The perpetual totals at the end of each period closed by one command, in closing order (a
 * month's days, then the month): the history is summed once, at the start of the first period;
 * after that each period's end is its start plus its own figures, and a month closed after its
 * days only adds what lies between its last day and its end (nothing: those days had no
 * activity).
 */
export class PerpetualCursor {
  private at: string | null = null;
  private totals: GrandTotals = { collectedCents: 0, cancelledCents: 0, netCents: 0 };

  constructor(
    private readonly sqlite: Database.Database,
    private readonly regieId: number,
  ) {}

  private moveTo(instant: string): void {
    if (this.at === null || instant < this.at) {
      this.totals = perpetualAt(this.sqlite, this.regieId, instant);
    } else if (instant > this.at) {
      const own = ownFigures(this.sqlite, this.regieId, this.at, instant);
      this.totals = plus(this.totals, own);
    }
    this.at = instant;
  }

  /** Totals at the end of `p`, whose own collected and cancelled amounts are given. */
  endOf(
    p: { start: string; end: string },
    own: { collectedCents: number; cancelledCents: number },
  ): GrandTotals {
    if (this.at !== null && p.start < this.at) {
      // A period that contains what was already counted (a month after its days).
      this.moveTo(p.end);
    } else {
      this.moveTo(p.start);
      this.totals = plus(this.totals, own);
      this.at = p.end;
    }
    return { ...this.totals };
  }
}

function plus(
  t: GrandTotals,
  own: { collectedCents: number; cancelledCents: number },
): GrandTotals {
  return {
    collectedCents: t.collectedCents + own.collectedCents,
    cancelledCents: t.cancelledCents + own.cancelledCents,
    netCents: t.netCents + own.collectedCents - own.cancelledCents,
  };
}

/** Collected and cancelled amounts of a régie between two instants. */
function ownFigures(
  sqlite: Database.Database,
  regieId: number,
  start: string,
  end: string,
): { collectedCents: number; cancelledCents: number } {
  const range: Range = { regie: regieId, start, end, ...seqRange(sqlite, start, end) };
  const paid = prepared(sqlite, PAYMENTS_SQL).all(range) as { amount: number }[];
  const cancelled = prepared(sqlite, CANCELLATIONS_SQL).all(range) as { amount: number }[];
  return {
    collectedCents: paid.reduce((s, r) => s + r.amount, 0),
    cancelledCents: cancelled.reduce((s, r) => s + r.amount, 0),
  };
}

const differenceModeLabel = (mode: PaymentMode) => paymentModeLabels[mode];

/** The totals of one period, from the ledger; `parts` are given by the caller. */
export function computeTotals(
  sqlite: Database.Database,
  regie: RegieInfo,
  p: Period,
  perpetualAtEnd: (own: { collectedCents: number; cancelledCents: number }) => GrandTotals,
  parts: ClosurePart[],
): ClosureTotals {
  const range: Range = {
    regie: regie.id,
    start: p.start,
    end: p.end,
    ...seqRange(sqlite, p.start, p.end),
  };
  const paid = prepared(sqlite, PAYMENTS_SQL).all(range) as {
    mode: PaymentMode;
    poste: string;
    year: number;
    n: number;
    amount: number;
    credit: number;
    lo: number;
    hi: number;
  }[];
  const cancelled = prepared(sqlite, CANCELLATIONS_SQL).all(range) as {
    mode: PaymentMode;
    n: number;
    amount: number;
    credit: number;
  }[];
  const uses = prepared(sqlite, CREDIT_USES_SQL).get(range) as {
    used: number;
    cancelled: number;
    /** Avoirs the régisseur decided on online trop-perçus: credit created without a receipt. */
    online: number;
  };

  const modes: ClosureModeTotal[] = [];
  for (const mode of paymentModes) {
    const ins = paid.filter((r) => r.mode === mode);
    const outs = cancelled.filter((r) => r.mode === mode);
    if (ins.length === 0 && outs.length === 0) continue;
    const collectedCents = ins.reduce((s, r) => s + r.amount, 0);
    const cancelledCents = outs.reduce((s, r) => s + r.amount, 0);
    modes.push({
      mode,
      label: paymentModeLabels[mode],
      paymentCount: ins.reduce((s, r) => s + r.n, 0),
      collectedCents,
      cancellationCount: outs.reduce((s, r) => s + r.n, 0),
      cancelledCents,
      netCents: collectedCents - cancelledCents,
    });
  }
  const sum = (pick: (m: ClosureModeTotal) => number) => modes.reduce((s, m) => s + pick(m), 0);

  // Receipt numbers run per poste and per Paris year; a period lies inside one year, so one
  // range per poste (grouped by year all the same, should a receipt year ever disagree).
  const byPoste = new Map<
    string,
    { poste: string; year: number; lo: number; hi: number; n: number }
  >();
  for (const r of paid) {
    const key = `${r.poste}\u0000${r.year}`;
    const cur = byPoste.get(key);
    byPoste.set(
      key,
      cur
        ? { ...cur, lo: Math.min(cur.lo, r.lo), hi: Math.max(cur.hi, r.hi), n: cur.n + r.n }
        : { poste: r.poste, year: r.year, lo: r.lo, hi: r.hi, n: r.n },
    );
  }
  const receiptNumber = (poste: string, year: number, seq: number) =>
    (
      prepared(
        sqlite,
        'SELECT receipt_number FROM payment WHERE regie_id = ? AND poste_code = ? AND receipt_year = ? AND receipt_seq = ?',
      ).get(regie.id, poste, year, seq) as { receipt_number: string }
    ).receipt_number;
  const receiptRanges = [...byPoste.values()]
    .sort((a, b) => (a.poste === b.poste ? a.year - b.year : a.poste < b.poste ? -1 : 1))
    .map((r) => ({
      posteCode: r.poste,
      first: receiptNumber(r.poste, r.year, r.lo),
      last: receiptNumber(r.poste, r.year, r.hi),
      count: r.n,
    }));

  const deposits: ClosureDeposit[] = (
    prepared(sqlite, DEPOSITS_SQL).all(range) as {
      kind: string;
      number: string;
      at: string;
      count: number;
      total: number;
    }[]
  ).map((d) => ({ kind: d.kind, number: d.number, at: d.at, count: d.count, totalCents: d.total }));

  const tillDifferences: ClosureTillDifference[] = (
    prepared(sqlite, DIFFERENCES_SQL).all(range) as {
      at: string;
      sessionId: number;
      posteCode: string;
      mode: PaymentMode;
      expected: number;
      counted: number;
      difference: number;
      reason: string;
    }[]
  ).map((d) => ({
    at: d.at,
    sessionId: d.sessionId,
    posteCode: d.posteCode,
    mode: d.mode,
    label: differenceModeLabel(d.mode),
    expectedCents: d.expected,
    countedCents: d.counted,
    differenceCents: d.difference,
    reason: d.reason,
  }));

  const perpetual = perpetualAtEnd({
    collectedCents: sum((m) => m.collectedCents),
    cancelledCents: sum((m) => m.cancelledCents),
  });
  const creditCreatedCents = paid.reduce((s, r) => s + r.credit, 0) + uses.online;
  const creditRemovedCents = cancelled.reduce((s, r) => s + r.credit, 0);
  const creditUsedCents = uses.used - uses.cancelled;
  return {
    regieId: regie.id,
    regieCode: regie.code,
    regieName: regie.name,
    dftAccount: regie.dftAccount,
    kind: p.kind,
    period: p.period,
    periodStart: p.start,
    periodEnd: p.end,
    modes,
    paymentCount: sum((m) => m.paymentCount),
    collectedCents: sum((m) => m.collectedCents),
    cancellationCount: sum((m) => m.cancellationCount),
    cancelledCents: sum((m) => m.cancelledCents),
    netCents: sum((m) => m.netCents),
    creditCreatedCents,
    creditRemovedCents,
    creditUsedCents,
    creditNetChangeCents: creditCreatedCents - creditRemovedCents - creditUsedCents,
    receiptRanges,
    deposits,
    tillDifferences,
    tillDifferenceCents: tillDifferences.reduce((s, d) => s + d.differenceCents, 0),
    perpetual: {
      collectedCents: perpetual.collectedCents,
      cancelledCents: perpetual.cancelledCents,
      netCents: perpetual.netCents,
    },
    parts,
  };
}

/**
 * The additive figures of a closure, flattened: a month's must equal the sum of its days', a
 * year's the sum of its months'. Lists (deposits, differences) are compared as joined text.
 */
export function additiveFigures(t: ClosureTotals): Map<string, number> {
  const out = new Map<string, number>();
  const put = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  put('nombre de paiements', t.paymentCount);
  put('encaissé', t.collectedCents);
  put('nombre d’annulations', t.cancellationCount);
  put('annulé', t.cancelledCents);
  put('net', t.netCents);
  put('avoirs créés', t.creditCreatedCents);
  put('avoirs repris', t.creditRemovedCents);
  put('avoirs utilisés', t.creditUsedCents);
  put('écarts de caisse', t.tillDifferenceCents);
  for (const m of t.modes) {
    put(`${m.label} : nombre`, m.paymentCount);
    put(`${m.label} : encaissé`, m.collectedCents);
    put(`${m.label} : annulations`, m.cancellationCount);
    put(`${m.label} : annulé`, m.cancelledCents);
  }
  for (const r of t.receiptRanges) put(`reçus du poste ${r.posteCode}`, r.count);
  for (const d of t.deposits) put(`remise ${d.number}`, d.totalCents);
  return out;
}

/** The figures of `whole` that differ from the sum of `parts`, in French; empty when equal. */
export function differingFigures(whole: ClosureTotals, parts: ClosureTotals[]): string[] {
  const sum = new Map<string, number>();
  for (const p of parts) {
    for (const [k, v] of additiveFigures(p)) sum.set(k, (sum.get(k) ?? 0) + v);
  }
  const own = additiveFigures(whole);
  const keys = new Set([...own.keys(), ...sum.keys()]);
  const out: string[] = [];
  for (const k of keys) {
    const a = own.get(k) ?? 0;
    const b = sum.get(k) ?? 0;
    if (a !== b) out.push(`${k} : ${a} pour la période, ${b} pour la somme`);
  }
  // Canonical text: the stored parts come back from canonical JSON, keys sorted.
  const list = (ts: ClosureTotals[], pick: (t: ClosureTotals) => unknown[]) =>
    canonicalJson(ts.flatMap(pick));
  if (list([whole], (t) => t.tillDifferences) !== list(parts, (t) => t.tillDifferences)) {
    out.push('liste des écarts de caisse');
  }
  if (list([whole], (t) => t.deposits) !== list(parts, (t) => t.deposits)) {
    out.push('liste des remises');
  }
  return out;
}

/** A closure as a part of the coarser closure that sums it. */
export function partOf(t: ClosureTotals, journalSeq: number): ClosurePart {
  return {
    period: t.period,
    paymentCount: t.paymentCount,
    collectedCents: t.collectedCents,
    cancellationCount: t.cancellationCount,
    cancelledCents: t.cancelledCents,
    netCents: t.netCents,
    journalSeq,
  };
}
