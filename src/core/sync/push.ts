// Push (PROTOCOL.md section 4): the outbox in sequence order, in batches. Each step is short:
// a synchronous read, the HTTP exchange (async: handlers run meanwhile), then one small
// transaction that deletes what the portal acknowledged. Nothing is deleted without an answer.
import type Database from 'better-sqlite3';
import type { Op } from '../../shared/sync/schemas';
import type { PortalClient } from './client';
import { buildPayload, type OutboxRow } from './payloads';

export interface PushReport {
  sent: number;
  acknowledged: number;
  rejected: number;
  held: number;
}

export async function pushOutbox(
  db: () => Database.Database,
  client: PortalClient,
  opts: { batchSize?: number; now: () => Date },
): Promise<PushReport> {
  const report: PushReport = { sent: 0, acknowledged: 0, rejected: 0, held: 0 };
  const batchSize = opts.batchSize ?? 200;
  let afterSeq = 0;
  for (;;) {
    const sqlite = db();
    const rows = sqlite
      .prepare(
        'SELECT seq, op_id, kind, entity_id FROM sync_outbox WHERE seq > ? ORDER BY seq LIMIT ?',
      )
      .all(afterSeq, batchSize) as OutboxRow[];
    if (rows.length === 0) return report;
    const ops: Op[] = rows.map((r) => ({
      opId: r.op_id,
      seq: r.seq,
      kind: r.kind,
      payload: buildPayload(sqlite, r),
    }));
    const answer = await client.push(ops);
    report.sent += ops.length;
    const byOp = new Map(ops.map((o) => [o.opId, o]));
    const at = opts.now().toISOString();
    let held = false;
    // Read the connection again: a restore may have replaced it during the exchange.
    const after = db();
    after.transaction(() => {
      const del = after.prepare('DELETE FROM sync_outbox WHERE op_id = ?');
      const reject = after.prepare(
        `INSERT OR IGNORE INTO sync_rejected (seq, op_id, kind, entity_id, payload, code, message, rejected_at)
         SELECT seq, op_id, kind, entity_id, ?, ?, ?, ? FROM sync_outbox WHERE op_id = ?`,
      );
      for (const r of answer.results) {
        const op = byOp.get(r.opId);
        if (!op) continue;
        if (r.status === 'held') {
          held = true;
          report.held++;
          continue;
        }
        const refused =
          r.status === 'rejected' || (r.status === 'duplicate' && r.original === 'rejected');
        if (refused) {
          const code = r.status === 'rejected' ? r.code : (r.code ?? 'REFUSE');
          const message =
            r.status === 'rejected'
              ? r.message
              : (r.message ?? 'Opération refusée par le portail.');
          reject.run(JSON.stringify(op.payload), code, message, at, r.opId);
          report.rejected++;
        } else {
          report.acknowledged++;
        }
        del.run(r.opId);
      }
    })();
    // Held operations wait for the missing ones: the next round sends them again.
    if (held) return report;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}
