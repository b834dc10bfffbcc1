// Part of journal.verify: every closure row must still be the one its journal entry describes
// (same period, same totals, same place in the chain), and every closure entry must have its
// row. The hash chain protects the entries; this ties the rows the screens and the PDFs read
// to them, so a closure row edited with the triggers dropped does not pass for the original.
import type Database from 'better-sqlite3';
import { canonicalJson } from '../journal/canonical';

interface Row {
  id: number;
  regie_id: number;
  kind: string;
  period: string;
  period_start: string;
  period_end: string;
  totals: string;
  last_covered_seq: number;
  last_covered_hash: string;
  closed_at: string;
  journal_seq: number;
  j_kind: string | null;
  j_regie_id: number | null;
  j_instant: string | null;
  j_prev_hash: string | null;
  payload: string | null;
}

function mismatches(r: Row): string[] {
  const out: string[] = [];
  let p: Record<string, unknown> = {};
  try {
    p = JSON.parse(r.payload ?? '{}') as Record<string, unknown>;
  } catch {
    return ['contenu illisible'];
  }
  const totals = (p.totals ?? {}) as Record<string, unknown>;
  let totalsText: string | null = null;
  try {
    totalsText = canonicalJson(p.totals);
  } catch {
    totalsText = null;
  }
  if (r.j_kind !== `cloture_${r.kind}` || p.closureKind !== r.kind) out.push('nature');
  if (r.j_regie_id !== r.regie_id || totals.regieId !== r.regie_id) out.push('régie');
  if (p.period !== r.period || totals.period !== r.period) out.push('période');
  if (totals.periodStart !== r.period_start || totals.periodEnd !== r.period_end) {
    out.push('bornes de la période');
  }
  if (totalsText !== r.totals) out.push('totaux');
  if (r.j_instant !== r.closed_at) out.push('date');
  if (
    p.lastCoveredSeq !== r.last_covered_seq ||
    p.lastCoveredHash !== r.last_covered_hash ||
    r.last_covered_seq !== r.journal_seq - 1 ||
    r.j_prev_hash !== r.last_covered_hash
  ) {
    out.push('dernière écriture couverte');
  }
  return out;
}

/** The first closure that disagrees with the journal, in French, or null. */
export function checkClosures(sqlite: Database.Database): string | null {
  const rows = sqlite
    .prepare(
      `SELECT c.id, c.regie_id, c.kind, c.period, c.period_start, c.period_end, c.totals,
              c.last_covered_seq, c.last_covered_hash, c.closed_at, c.journal_seq,
              j.kind AS j_kind, j.regie_id AS j_regie_id, j.instant AS j_instant,
              j.prev_hash AS j_prev_hash, j.payload
       FROM closure c LEFT JOIN journal_entry j ON j.seq = c.journal_seq ORDER BY c.id`,
    )
    .iterate() as IterableIterator<Row>;
  for (const r of rows) {
    if (r.j_kind === null) {
      return `Clôture ${r.kind} ${r.period} : son écriture au journal (n° ${r.journal_seq}) est absente.`;
    }
    const bad = mismatches(r);
    if (bad.length > 0) {
      return `Clôture ${r.kind} ${r.period} : la ligne de clôture ne correspond plus à son écriture au journal n° ${r.journal_seq} (${bad.join(', ')}).`;
    }
  }
  const orphan = sqlite
    .prepare(
      `SELECT j.seq FROM journal_entry j LEFT JOIN closure c ON c.journal_seq = j.seq
       WHERE j.kind IN ('cloture_jour', 'cloture_mois', 'cloture_annee') AND c.id IS NULL
       ORDER BY j.seq LIMIT 1`,
    )
    .get() as { seq: number } | undefined;
  return orphan
    ? `Écriture n° ${orphan.seq} : la clôture journalisée est absente de la table des clôtures.`
    : null;
}
