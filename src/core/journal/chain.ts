// The journals are append-only hash chains. Each entry's hash is SHA-256 over the previous
// entry's hash and the canonical JSON of its own content (seq, instant, kind, agent, régie,
// poste, payload), so changing, removing or reordering any entry breaks every hash after it.
// The tip table (last seq and hash) sits outside the chain and is moved by a trigger on every
// insert, which is how deleting the last entries is detected.
import { hash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { JournalBook } from '../../shared/contract';
import { canonicalJson } from './canonical';

export const GENESIS_HASH = '0'.repeat(64);

export const journalTables: Record<JournalBook, { entries: string; tip: string }> = {
  operations: { entries: 'journal_entry', tip: 'journal_tip' },
  technique: { entries: 'tech_journal_entry', tip: 'tech_journal_tip' },
};

export interface JournalContent {
  seq: number;
  instant: string;
  kind: string;
  agentId: number | null;
  regieId: number | null;
  posteCode: string;
  /** Canonical JSON text of the payload. */
  payload: string;
}

export interface JournalRow extends JournalContent {
  prevHash: string;
  hash: string;
}

/**
 * The canonical JSON of an entry's header (everything but the payload), keys sorted. Written
 * out by hand because it runs a million times in a verification; a test checks it against
 * canonicalJson.
 */
export function headerJson(c: Omit<JournalContent, 'payload'>): string {
  const int = (n: number | null) => {
    if (n !== null && !Number.isSafeInteger(n)) throw new TypeError(`Entier attendu : ${n}`);
    return n === null ? 'null' : String(n);
  };
  return `{"agentId":${int(c.agentId)},"instant":${JSON.stringify(c.instant)},"kind":${JSON.stringify(c.kind)},"posteCode":${JSON.stringify(c.posteCode)},"regieId":${int(c.regieId)},"seq":${int(c.seq)}}`;
}

/**
 * The one hashing function, used when appending, in bulk and when verifying:
 * SHA-256(prev_hash + "\n" + header JSON + "\n" + payload JSON). JSON text never contains a
 * raw line break, so the separators make the hashed text unambiguous.
 */
export function entryHash(prevHash: string, c: JournalContent): string {
  // One-shot hashing: about twice as fast as createHash() for entries this small.
  return hash('sha256', `${prevHash}\n${headerJson(c)}\n${c.payload}`, 'hex');
}

/** "7F3A-91C2": the first 8 hex digits of an entry's hash, printed on receipts. */
export function verificationCode(hash: string): string {
  const h = hash.slice(0, 8).toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4, 8)}`;
}

export interface AppendInput {
  kind: string;
  instant: string;
  agentId: number | null;
  regieId: number | null;
  posteCode: string;
  payload: Record<string, unknown>;
}

interface Statements {
  tip: Database.Statement<[], { last_seq: number; last_hash: string }>;
  insert: Database.Statement<[JournalRow]>;
}

const cache = new WeakMap<Database.Database, Map<JournalBook, Statements>>();

function statements(sqlite: Database.Database, book: JournalBook): Statements {
  let perDb = cache.get(sqlite);
  if (!perDb) {
    perDb = new Map();
    cache.set(sqlite, perDb);
  }
  let s = perDb.get(book);
  if (!s) {
    const t = journalTables[book];
    s = {
      tip: sqlite.prepare(`SELECT last_seq, last_hash FROM ${t.tip} WHERE id = 1`),
      insert: sqlite.prepare(
        `INSERT INTO ${t.entries} (seq, instant, kind, agent_id, regie_id, poste_code, payload, prev_hash, hash)
         VALUES (@seq, @instant, @kind, @agentId, @regieId, @posteCode, @payload, @prevHash, @hash)`,
      ),
    };
    perDb.set(book, s);
  }
  return s;
}

export function journalTip(
  sqlite: Database.Database,
  book: JournalBook,
): { lastSeq: number; lastHash: string } {
  const row = statements(sqlite, book).tip.get();
  if (!row) throw new Error(`Fin de chaîne absente (${journalTables[book].tip})`);
  return { lastSeq: row.last_seq, lastHash: row.last_hash };
}

/**
 * Appends one entry. Callers that change business data call it inside their own transaction,
 * so the change and its journal entry are committed together or not at all; on its own it
 * opens one.
 */
export function appendJournal(
  sqlite: Database.Database,
  book: JournalBook,
  input: AppendInput,
): { seq: number; hash: string } {
  const run = () => {
    const tip = journalTip(sqlite, book);
    const row = buildRow(tip.lastSeq + 1, tip.lastHash, input);
    statements(sqlite, book).insert.run(row);
    return { seq: row.seq, hash: row.hash };
  };
  return sqlite.inTransaction ? run() : sqlite.transaction(run).immediate();
}

function buildRow(seq: number, prevHash: string, input: AppendInput): JournalRow {
  const content: JournalContent = {
    seq,
    instant: input.instant,
    kind: input.kind,
    agentId: input.agentId,
    regieId: input.regieId,
    posteCode: input.posteCode,
    payload: canonicalJson(input.payload),
  };
  return { ...content, prevHash, hash: entryHash(prevHash, content) };
}

/**
 * Appends many entries in one transaction with the same hashing as appendJournal: used by the
 * verification benchmark and by imports. Returns the last seq written.
 */
export function appendJournalBulk(
  sqlite: Database.Database,
  book: JournalBook,
  inputs: Iterable<AppendInput>,
): number {
  return sqlite
    .transaction(() => {
      const s = statements(sqlite, book);
      let { lastSeq, lastHash } = journalTip(sqlite, book);
      for (const input of inputs) {
        const row = buildRow(lastSeq + 1, lastHash, input);
        s.insert.run(row);
        lastSeq = row.seq;
        lastHash = row.hash;
      }
      return lastSeq;
    })
    .immediate();
}
