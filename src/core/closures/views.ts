// Closures as the contract shows them: the stored totals, who closed and when, and the
// verification code of the closure's journal entry.
import type Database from 'better-sqlite3';
import type { ClosureKind, ClosureTotals, ClosureView } from '../../shared/contract/closures';
import { verificationCode } from '../journal/chain';

interface Row {
  id: number;
  regie_id: number;
  regie_code: string;
  kind: ClosureKind;
  period: string;
  totals: string;
  closed_at: string;
  journal_seq: number;
  agent_name: string | null;
  hash: string;
  with_kind: ClosureKind | null;
  with_period: string | null;
}

const SELECT = `
  SELECT c.id, c.regie_id, r.code AS regie_code, c.kind, c.period, c.totals, c.closed_at,
         c.journal_seq, COALESCE(json_extract(j.payload, '$.closedByName'), a.display_name) AS agent_name,
         j.hash,
         json_extract(j.payload, '$.closedWith.kind') AS with_kind,
         json_extract(j.payload, '$.closedWith.period') AS with_period
  FROM closure c
  JOIN regie r ON r.id = c.regie_id
  JOIN journal_entry j ON j.seq = c.journal_seq
  LEFT JOIN agent a ON a.id = c.agent_id`;

function view(r: Row): ClosureView {
  return {
    closureId: r.id,
    regieId: r.regie_id,
    regieCode: r.regie_code,
    kind: r.kind,
    period: r.period,
    closedAt: r.closed_at,
    closedBy: r.agent_name,
    closedWith:
      r.with_kind !== null && r.with_period !== null
        ? { kind: r.with_kind, period: r.with_period }
        : null,
    journalSeq: r.journal_seq,
    verificationCode: verificationCode(r.hash),
    totals: JSON.parse(r.totals) as ClosureTotals,
  };
}

/** Closures by id (in the order given), or newest first with optional filters. */
export function closureViews(
  sqlite: Database.Database,
  q: { ids: number[] } | { regieId?: number; kind?: ClosureKind; limit: number },
): ClosureView[] {
  if ('ids' in q) {
    if (q.ids.length === 0) return [];
    const rows = sqlite
      .prepare(`${SELECT} WHERE c.id IN (${q.ids.map(() => '?').join(', ')})`)
      .all(...q.ids) as Row[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return q.ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [view(r)] : [];
    });
  }
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.regieId !== undefined) {
    where.push('c.regie_id = ?');
    params.push(q.regieId);
  }
  if (q.kind !== undefined) {
    where.push('c.kind = ?');
    params.push(q.kind);
  }
  const rows = sqlite
    .prepare(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.journal_seq DESC LIMIT ?`,
    )
    .all(...params, q.limit) as Row[];
  return rows.map(view);
}
