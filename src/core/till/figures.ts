// What a session holds, from the ledger: payments and cancellations linked to it, cash
// movements, and what each mode should therefore show at closing. The closing preview, the
// closing itself and the Z report all read these figures, so they cannot disagree.
import type Database from 'better-sqlite3';
import { paymentModeLabels } from '../../shared/payment-modes';
import {
  tillCountModes,
  type ExpectedCheque,
  type ModeExpectation,
  type MovementKind,
  type MovementSource,
  type TillCountMode,
} from '../../shared/contract/till';
import { prepared } from '../db/prepared';

export interface RegieFigures {
  regieId: number;
  regieCode: string;
  regieName: string;
  paymentCount: number;
  collectedCents: number;
  cancellationCount: number;
  cancelledCents: number;
  netCents: number;
  /** Net per mode (collected - cancelled) for the modes that moved. */
  perMode: Partial<Record<TillCountMode, number>>;
  movementsCents: number;
  /** The same, without the versements taken from the safe: what moved through the drawer. */
  drawerMovementsCents: number;
  firstReceipt: string | null;
  lastReceipt: string | null;
}

export interface CancellationLine {
  cancellationId: number;
  receiptNumber: string;
  regieCode: string;
  mode: TillCountMode;
  amountCents: number;
  reason: string;
  agentName: string;
  at: string;
  /** False when the payment was collected in an earlier (frozen) session. */
  sameSession: boolean;
  /**
   * The validated deposit slip (bordereau) the cheque or title was already remitted on, if any:
   * it is no longer at the régie, so the payer is refunded rather than handed it back.
   */
  depositSlip?: string | null;
}

export interface MovementLine {
  movementId: number;
  regieCode: string;
  kind: MovementKind;
  /** 'coffre': a versement of takings kept in the safe, which never passed through the drawer. */
  source: MovementSource;
  amountCents: number;
  reason: string;
  agentName: string;
  at: string;
}

export interface SessionFigures {
  modes: ModeExpectation[];
  cheques: ExpectedCheque[];
  perRegie: RegieFigures[];
  cancellations: CancellationLine[];
  /** Cancellations of cheques or titles already remitted on a validated slip, to be refunded. */
  depositedCancellations: CancellationLine[];
  movements: MovementLine[];
  agentNames: string[];
}

interface PaymentAgg {
  regie_id: number;
  mode: TillCountMode;
  n: number;
  total: number;
  first: string;
  last: string;
}

export function sessionFigures(sqlite: Database.Database, sessionId: number): SessionFigures {
  const session = prepared(
    sqlite,
    'SELECT float_counted_cents, opened_by, closed_by FROM till_session WHERE id = ?',
  ).get(sessionId) as { float_counted_cents: number; opened_by: number; closed_by: number | null };
  const regies = prepared(sqlite, 'SELECT id, code, name FROM regie ORDER BY id').all() as {
    id: number;
    code: string;
    name: string;
  }[];
  const payments = prepared(
    sqlite,
    `SELECT p.regie_id, p.mode, count(*) AS n, SUM(p.amount_cents) AS total,
            MIN(p.receipt_number) AS first, MAX(p.receipt_number) AS last
       FROM till_link l JOIN payment p ON p.id = l.payment_id
       WHERE l.session_id = ? GROUP BY p.regie_id, p.mode`,
  ).all(sessionId) as PaymentAgg[];
  const cancellations = (
    prepared(
      sqlite,
      `SELECT c.id, p.receipt_number, r.code AS regie_code, p.regie_id, p.mode, p.amount_cents, c.reason,
              a.display_name AS agent_name, c.cancelled_at,
              (SELECT pl.session_id FROM till_link pl WHERE pl.payment_id = p.id) AS payment_session,
              (SELECT s.number FROM deposit_slip_item i JOIN deposit_slip s ON s.id = i.slip_id
                 WHERE i.payment_id = p.id AND s.status = 'validated') AS deposit_slip
         FROM till_link l JOIN cancellation c ON c.id = l.cancellation_id
         JOIN payment p ON p.id = c.payment_id JOIN regie r ON r.id = p.regie_id
         JOIN agent a ON a.id = c.agent_id
         WHERE l.session_id = ? ORDER BY c.id`,
    ).all(sessionId) as {
      id: number;
      receipt_number: string;
      regie_code: string;
      regie_id: number;
      mode: TillCountMode;
      amount_cents: number;
      reason: string;
      agent_name: string;
      cancelled_at: string;
      payment_session: number | null;
      deposit_slip: string | null;
    }[]
  ).map((c) => ({ ...c, sameSession: c.payment_session === sessionId }));
  const movements = prepared(
    sqlite,
    `SELECT m.id, r.code AS regie_code, m.regie_id, m.kind, m.source, m.amount_cents, m.reason, a.display_name AS agent_name, m.at
       FROM till_movement m JOIN regie r ON r.id = m.regie_id JOIN agent a ON a.id = m.agent_id
       WHERE m.session_id = ? ORDER BY m.id`,
  ).all(sessionId) as {
    id: number;
    regie_code: string;
    regie_id: number;
    kind: MovementKind;
    source: MovementSource;
    amount_cents: number;
    reason: string;
    agent_name: string;
    at: string;
  }[];
  const cheques = (
    prepared(
      sqlite,
      `SELECT p.id, p.receipt_number, p.amount_cents, p.details FROM till_link l JOIN payment p ON p.id = l.payment_id
         WHERE l.session_id = ? AND p.mode = 'cheque'
           AND NOT EXISTS (SELECT 1 FROM cancellation c WHERE c.payment_id = p.id) ORDER BY p.id`,
    ).all(sessionId) as {
      id: number;
      receipt_number: string;
      amount_cents: number;
      details: string;
    }[]
  ).map((c): ExpectedCheque => {
    const d = JSON.parse(c.details) as { bank?: string; number?: string; drawer?: string };
    return {
      paymentId: c.id,
      receiptNumber: c.receipt_number,
      bank: d.bank ?? '',
      number: d.number ?? '',
      drawer: d.drawer ?? '',
      amountCents: c.amount_cents,
    };
  });

  // A versement taken from the safe never passed through this drawer.
  const movementsTotal = movements
    .filter((m) => m.source === 'tiroir')
    .reduce((s, m) => s + m.amount_cents, 0);
  const modes = tillCountModes.map((mode): ModeExpectation => {
    const collected = payments.filter((p) => p.mode === mode);
    // Cash and card refunds leave the drawer or the terminal's batch whatever session the
    // payment came from; a cheque or a title of a frozen session is handed back from the safe
    // or the deposit, not from this drawer, so only this session's own items are taken out. A
    // cheque already remitted on a validated slip is at the Trésor: it is never expected out of
    // the drawer, whichever session collected it (it is listed apart, to be refunded).
    const physical = mode === 'especes' || mode === 'carte';
    const cancelled = cancellations.filter(
      (c) => c.mode === mode && (physical || (c.sameSession && c.deposit_slip === null)),
    );
    const collectedCents = collected.reduce((s, p) => s + p.total, 0);
    const cancelledCents = cancelled.reduce((s, c) => s + c.amount_cents, 0);
    const floatCents = mode === 'especes' ? session.float_counted_cents : 0;
    const movementsCents = mode === 'especes' ? movementsTotal : 0;
    return {
      mode,
      label: paymentModeLabels[mode],
      paymentCount: collected.reduce((s, p) => s + p.n, 0),
      collectedCents,
      cancellationCount: cancelled.length,
      cancelledCents,
      floatCents,
      movementsCents,
      expectedCents: floatCents + collectedCents - cancelledCents + movementsCents,
    };
  });

  const perRegie: RegieFigures[] = [];
  for (const r of regies) {
    const ps = payments.filter((p) => p.regie_id === r.id);
    const cs = cancellations.filter((c) => c.regie_id === r.id);
    const ms = movements.filter((m) => m.regie_id === r.id);
    if (!ps.length && !cs.length && !ms.length) continue;
    const perMode: Partial<Record<TillCountMode, number>> = {};
    for (const p of ps) perMode[p.mode] = (perMode[p.mode] ?? 0) + p.total;
    for (const c of cs) perMode[c.mode] = (perMode[c.mode] ?? 0) - c.amount_cents;
    const collectedCents = ps.reduce((s, p) => s + p.total, 0);
    const cancelledCents = cs.reduce((s, c) => s + c.amount_cents, 0);
    const firsts = ps.map((p) => p.first).sort();
    const lasts = ps.map((p) => p.last).sort();
    perRegie.push({
      regieId: r.id,
      regieCode: r.code,
      regieName: r.name,
      paymentCount: ps.reduce((s, p) => s + p.n, 0),
      collectedCents,
      cancellationCount: cs.length,
      cancelledCents,
      netCents: collectedCents - cancelledCents,
      perMode,
      movementsCents: ms.reduce((s, m) => s + m.amount_cents, 0),
      drawerMovementsCents: ms
        .filter((m) => m.source === 'tiroir')
        .reduce((s, m) => s + m.amount_cents, 0),
      firstReceipt: firsts[0] ?? null,
      lastReceipt: lasts.at(-1) ?? null,
    });
  }

  const agentIds = prepared(
    sqlite,
    `SELECT DISTINCT agent_id FROM (
        SELECT p.agent_id FROM till_link l JOIN payment p ON p.id = l.payment_id WHERE l.session_id = ?
        UNION SELECT c.agent_id FROM till_link l JOIN cancellation c ON c.id = l.cancellation_id WHERE l.session_id = ?
        UNION SELECT agent_id FROM till_movement WHERE session_id = ?)`,
  )
    .all(sessionId, sessionId, sessionId)
    .map((r) => (r as { agent_id: number }).agent_id);
  const ids = [session.opened_by, ...agentIds, ...(session.closed_by ? [session.closed_by] : [])];
  const agentNames = [...new Set(ids)].map(
    (id) =>
      (
        prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(id) as {
          display_name: string;
        }
      ).display_name,
  );

  const cancellationLines = cancellations.map((c): CancellationLine => ({
    cancellationId: c.id,
    receiptNumber: c.receipt_number,
    regieCode: c.regie_code,
    mode: c.mode,
    amountCents: c.amount_cents,
    reason: c.reason,
    agentName: c.agent_name,
    at: c.cancelled_at,
    sameSession: c.sameSession,
    depositSlip: c.deposit_slip,
  }));
  return {
    modes,
    cheques,
    perRegie,
    cancellations: cancellationLines,
    depositedCancellations: cancellationLines.filter((c) => Boolean(c.depositSlip)),
    movements: movements.map((m) => ({
      movementId: m.id,
      regieCode: m.regie_code,
      kind: m.kind,
      source: m.source,
      amountCents: m.amount_cents,
      reason: m.reason,
      agentName: m.agent_name,
      at: m.at,
    })),
    agentNames,
  };
}
