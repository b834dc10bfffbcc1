// Builds the payload of an outbox row from the ledger at push time. The ledger rows are never
// changed (triggers refuse UPDATE and DELETE), so what is built now is exactly what a snapshot
// taken when the row was written would hold: storing a copy in the outbox would add nothing.
import type Database from 'better-sqlite3';
import { prepared } from '../db/prepared';
import type { OpKind } from '../../shared/sync/schemas';

export interface OutboxRow {
  seq: number;
  op_id: string;
  kind: Extract<
    OpKind,
    'payment' | 'cancellation' | 'credit_use' | 'closure' | 'access_code' | 'overpayment_resolution'
  >;
  entity_id: number;
}

interface AgentRow {
  login: string;
  display_name: string;
}

function agentOf(sqlite: Database.Database, id: number | null) {
  if (id === null) return null;
  const a = prepared(sqlite, 'SELECT login, display_name FROM agent WHERE id = ?').get(id) as
    AgentRow | undefined;
  return a ? { login: a.login, displayName: a.display_name } : null;
}

function allocations(
  sqlite: Database.Database,
  column: 'payment_id' | 'credit_use_id',
  id: number,
) {
  return prepared(
    sqlite,
    `SELECT i.number AS invoiceNumber, a.amount_cents AS amountCents
         FROM allocation a JOIN invoice i ON i.id = a.invoice_id
        WHERE a.${column} = ? ORDER BY a.id`,
  ).all(id) as { invoiceNumber: string; amountCents: number }[];
}

export function buildPayload(sqlite: Database.Database, row: OutboxRow): Record<string, unknown> {
  switch (row.kind) {
    case 'payment': {
      const p = prepared(
        sqlite,
        `SELECT p.*, r.code AS regie_code, f.code AS family_code FROM payment p
           JOIN regie r ON r.id = p.regie_id JOIN family f ON f.id = p.family_id WHERE p.id = ?`,
      ).get(row.entity_id) as {
        command_id: string;
        receipt_number: string;
        regie_code: string;
        family_code: string;
        mode: string;
        amount_cents: number;
        tendered_cents: number | null;
        change_cents: number | null;
        credit_created_cents: number;
        details: string;
        recorded_at: string;
        agent_id: number;
      };
      return {
        ref: p.command_id,
        receiptNumber: p.receipt_number,
        regieCode: p.regie_code,
        familyCode: p.family_code,
        mode: p.mode,
        amountCents: p.amount_cents,
        tenderedCents: p.tendered_cents,
        changeCents: p.change_cents,
        creditCreatedCents: p.credit_created_cents,
        details: JSON.parse(p.details) as Record<string, unknown>,
        recordedAt: p.recorded_at,
        agent: agentOf(sqlite, p.agent_id),
        allocations: allocations(sqlite, 'payment_id', row.entity_id),
      };
    }
    case 'credit_use': {
      const c = prepared(
        sqlite,
        `SELECT c.*, r.code AS regie_code, f.code AS family_code FROM credit_use c
           JOIN regie r ON r.id = c.regie_id JOIN family f ON f.id = c.family_id WHERE c.id = ?`,
      ).get(row.entity_id) as {
        command_id: string;
        regie_code: string;
        family_code: string;
        amount_cents: number;
        used_at: string;
        agent_id: number;
      };
      return {
        ref: c.command_id,
        regieCode: c.regie_code,
        familyCode: c.family_code,
        amountCents: c.amount_cents,
        usedAt: c.used_at,
        agent: agentOf(sqlite, c.agent_id),
        allocations: allocations(sqlite, 'credit_use_id', row.entity_id),
      };
    }
    case 'cancellation': {
      const c = prepared(
        sqlite,
        `SELECT c.reason, c.cancelled_at, c.agent_id, p.receipt_number, u.command_id AS credit_ref
           FROM cancellation c LEFT JOIN payment p ON p.id = c.payment_id
           LEFT JOIN credit_use u ON u.id = c.credit_use_id WHERE c.id = ?`,
      ).get(row.entity_id) as {
        reason: string;
        cancelled_at: string;
        agent_id: number;
        receipt_number: string | null;
        credit_ref: string | null;
      };
      return {
        target:
          c.receipt_number !== null
            ? { kind: 'payment', receiptNumber: c.receipt_number }
            : { kind: 'credit_use', ref: c.credit_ref },
        reason: c.reason,
        cancelledAt: c.cancelled_at,
        agent: agentOf(sqlite, c.agent_id),
      };
    }
    case 'closure': {
      const c = prepared(
        sqlite,
        `SELECT c.*, r.code AS regie_code FROM closure c JOIN regie r ON r.id = c.regie_id WHERE c.id = ?`,
      ).get(row.entity_id) as {
        regie_code: string;
        kind: string;
        period: string;
        period_start: string;
        period_end: string;
        totals: string;
        last_covered_seq: number;
        last_covered_hash: string;
        closed_at: string;
        agent_id: number | null;
      };
      return {
        regieCode: c.regie_code,
        kind: c.kind,
        period: c.period,
        periodStart: c.period_start,
        periodEnd: c.period_end,
        totals: JSON.parse(c.totals) as Record<string, unknown>,
        lastCoveredSeq: c.last_covered_seq,
        lastCoveredHash: c.last_covered_hash,
        closedAt: c.closed_at,
        agent: agentOf(sqlite, c.agent_id),
      };
    }
    case 'access_code': {
      // Only the hash travels: the code itself was never stored.
      const a = prepared(
        sqlite,
        `SELECT a.ref, a.code_sha256, a.issued_at, a.expires_at, a.agent_id, f.code AS family_code
           FROM access_code a JOIN family f ON f.id = a.family_id WHERE a.id = ?`,
      ).get(row.entity_id) as {
        ref: string;
        code_sha256: string;
        issued_at: string;
        expires_at: string | null;
        agent_id: number;
        family_code: string;
      };
      return {
        ref: a.ref,
        familyCode: a.family_code,
        codeSha256: a.code_sha256,
        issuedAt: a.issued_at,
        expiresAt: a.expires_at,
        agent: agentOf(sqlite, a.agent_id),
      };
    }
    case 'overpayment_resolution': {
      const o = prepared(
        sqlite,
        `SELECT online_payment_ref, resolution, amount_cents, reason, agent_id, resolved_at
           FROM online_overpayment WHERE id = ?`,
      ).get(row.entity_id) as {
        online_payment_ref: string;
        resolution: string;
        amount_cents: number;
        reason: string;
        agent_id: number;
        resolved_at: string;
      };
      return {
        onlinePaymentRef: o.online_payment_ref,
        resolution: o.resolution,
        amountCents: o.amount_cents,
        reason: o.reason,
        agent: agentOf(sqlite, o.agent_id),
        resolvedAt: o.resolved_at,
      };
    }
  }
}
