// Search as you type at the counter: a family is found by its name, a responsable's or a child's
// name, its code famille, or the number or PayFiP reference of one of its invoices. Names go
// through the FTS5 table family_search (migration 0001, accent- and case-insensitive with
// prefix indexes); invoice references go through the unique indexes on invoice.number and
// invoice.refdet. Exact code and invoice matches come first, then names in tiers (whole words
// before words begun, families' and responsables' names before children's), then invoices
// whose reference merely begins with what was typed.
import type Database from 'better-sqlite3';
import type { FamilySearchHit } from '../../shared/contract';
import { foldText } from '../../shared/text';

/** More words than this in one query adds nothing but cost; the rest are ignored. */
const MAX_TOKENS = 6;
/** Words longer than this are not tried as glued compound names (see tokenGroup). */
const MAX_SPLIT_LENGTH = 16;
/** Shortest reference tried as an invoice number or PayFiP reference prefix. */
const MIN_REFERENCE_PREFIX = 6;

// bm25 weights of the FTS columns (code, names, children) for the tiers that span columns: a
// family's and responsables' names outrank a child's, and both outrank a code's letters.
const BM25 = 'bm25(family_search, 2.0, 10.0, 4.0)';

/**
 * One query word as an FTS5 expression: the word itself, exact or as a prefix. Every word is
 * quoted, so nothing a person types is read as FTS syntax (foldText has already reduced it to
 * [a-z0-9]). A word typed glued ("ndiaye", "dasilva", "legall", "mullerpetit") must also find
 * names the index holds as two tokens (N'Diaye, Da Silva, Le Gall, Müller-Petit), so split
 * points are offered as phrases. A split whose second part is a single letter, or a short
 * second part after a long first part, would only add cost (a phrase ending in a one-letter
 * prefix reads the position lists of half the index) for no plausible name.
 */
function tokenGroup(token: string, prefix: boolean): string {
  const star = prefix ? '*' : '';
  const alternatives = [`"${token}"${star}`];
  if (/^[a-z]+$/.test(token) && token.length <= MAX_SPLIT_LENGTH) {
    for (let i = 1; i < token.length - 1; i++) {
      const head = token.slice(0, i);
      const tail = token.slice(i);
      if (head.length <= 3 || tail.length >= 3) alternatives.push(`"${head} ${tail}"${star}`);
    }
  }
  return alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`;
}

/** The FTS5 MATCH expression for the words of a query: every word must match. */
export function ftsExpression(tokens: readonly string[], prefix = true): string {
  return tokens.map((t) => tokenGroup(t, prefix)).join(' AND ');
}

export function queryTokens(query: string): string[] {
  const folded = foldText(query);
  return folded ? folded.split(' ').slice(0, MAX_TOKENS) : [];
}

type Reason =
  | { kind: 'code' }
  | { kind: 'invoice'; number: string; byRefdet: boolean; refdet: string }
  | { kind: 'names' };

interface Candidate {
  familyId: number;
  rank: number;
  score: number;
  reason: Reason;
}

interface FtsRow {
  id: number;
  score: number;
  /** Only from the unranked tiers, which order their rows by it. */
  familyName?: string;
}

interface InvoiceHit {
  family_id: number;
  number: string;
  refdet: string;
}

interface FamilyRow {
  id: number;
  code: string;
  family_name: string;
}

interface PersonRow {
  family_id: number;
  first_name: string;
  last_name: string;
}

/** Does a folded word sequence start, at some word, with the token (words may be glued)? */
function matchesToken(words: readonly string[], token: string): boolean {
  for (let k = 0; k < words.length; k++) {
    let glued = '';
    for (let j = k; j < words.length && glued.length < token.length; j++) glued += words[j];
    if (glued.startsWith(token)) return true;
  }
  return false;
}

function words(text: string): string[] {
  const f = foldText(text);
  return f ? f.split(' ') : [];
}

function personName(p: PersonRow, familyName: string): string {
  return p.last_name === familyName ? p.first_name : `${p.first_name} ${p.last_name}`;
}

/** The line telling the agent why a family came up for a name query. */
function explainNames(
  tokens: readonly string[],
  family: FamilyRow,
  responsables: readonly PersonRow[],
  children: readonly PersonRow[],
): string {
  const familyWords = words(family.family_name);
  const unexplained = tokens.filter((t) => !matchesToken(familyWords, t));
  const best = (people: readonly PersonRow[]) => {
    let found: PersonRow | null = null;
    let count = 0;
    for (const p of people) {
      const w = words(`${p.first_name} ${p.last_name}`);
      const n = unexplained.filter((t) => matchesToken(w, t)).length;
      if (n > count) {
        found = p;
        count = n;
      }
    }
    return { found, count };
  };
  if (unexplained.length > 0) {
    const responsable = best(responsables);
    const child = best(children);
    // On a tie the adult is named: a responsable's first name is the likelier thing typed.
    if (child.found && child.count > responsable.count) {
      return `Enfant : ${personName(child.found, family.family_name)}`;
    }
    if (responsable.found) {
      return `Responsable : ${responsable.found.first_name} ${responsable.found.last_name}`;
    }
    if (unexplained.every((t) => matchesToken(words(family.code), t))) {
      return `Code famille ${family.code}`;
    }
  }
  return `Nom : ${family.family_name}`;
}

function titleOf(family: FamilyRow, responsables: readonly PersonRow[]): string {
  const upper = family.family_name.toLocaleUpperCase('fr-FR');
  const same = responsables.filter((r) => r.last_name === family.family_name);
  const others = responsables.filter((r) => r.last_name !== family.family_name);
  const parts = [
    ...(same.length ? [same.map((r) => r.first_name).join(' et ')] : []),
    ...others.map((r) => `${r.first_name} ${r.last_name.toLocaleUpperCase('fr-FR')}`),
  ];
  return parts.length ? `${upper} ${parts.join(' et ')}` : upper;
}

/** Normalises what was typed into the form invoice numbers and codes are stored in. */
function referenceForms(query: string): { upper: string; compact: string } {
  const upper = query.trim().toUpperCase().replace(/\s+/g, '');
  return { upper, compact: upper.replace(/[^A-Z0-9]/g, '') };
}

/** "lef48213", "LEF 48213" and "lef-48213" all mean the code LEF-48213. */
function codeForm(query: string): string | null {
  const m = /^([A-Z]{3})[\s-]*(\d{4,7})$/.exec(query.trim().toUpperCase());
  return m ? `${m[1]}-${m[2]}` : null;
}

export interface FamilySearch {
  search(query: string, limit: number): FamilySearchHit[];
}

/** Prepares the statements once per database; the search itself runs in a few milliseconds. */
export function createFamilySearch(sqlite: Database.Database): FamilySearch {
  const byCode = sqlite.prepare('SELECT id FROM family WHERE code = ?').pluck();
  const byCodeDigits = sqlite
    .prepare(`SELECT rowid FROM family_search WHERE family_search MATCH ? LIMIT 5`)
    .pluck();
  const invoiceExact = sqlite.prepare(
    'SELECT family_id, number, refdet FROM invoice WHERE number = ? OR refdet = ? LIMIT 5',
  );
  const invoiceByNumberPrefix = sqlite.prepare(
    'SELECT family_id, number, refdet FROM invoice WHERE number >= ? AND number < ? ORDER BY number LIMIT ?',
  );
  const invoiceByRefdetPrefix = sqlite.prepare(
    'SELECT family_id, number, refdet FROM invoice WHERE refdet >= ? AND refdet < ? ORDER BY refdet LIMIT ?',
  );
  const ftsRanked = sqlite.prepare(
    `SELECT rowid AS id, ${BM25} AS score FROM family_search WHERE family_search MATCH ? ORDER BY score LIMIT ?`,
  );
  const ftsUnranked = sqlite.prepare(
    `SELECT s.rowid AS id, 0 AS score, f.family_name AS familyName
     FROM family_search s JOIN family f ON f.id = s.rowid
     WHERE family_search MATCH ? LIMIT ?`,
  );

  function details(ids: number[]) {
    const placeholders = ids.map(() => '?').join(', ');
    const families = sqlite
      .prepare(`SELECT id, code, family_name FROM family WHERE id IN (${placeholders})`)
      .all(...ids) as FamilyRow[];
    const responsables = sqlite
      .prepare(
        `SELECT family_id, first_name, last_name, city FROM responsable WHERE family_id IN (${placeholders}) ORDER BY family_id, rank`,
      )
      .all(...ids) as (PersonRow & { city: string })[];
    const children = sqlite
      .prepare(
        `SELECT family_id, first_name, last_name FROM child WHERE family_id IN (${placeholders}) ORDER BY family_id, birth_date, id`,
      )
      .all(...ids) as PersonRow[];
    // "Still due" follows RegiePanel.dueCents: open invoices only, trésorerie and annulée out.
    const due = sqlite
      .prepare(
        `SELECT family_id, sum(amount_cents - paid_cents) AS due FROM invoice
         WHERE family_id IN (${placeholders}) AND status IN ('emise', 'prelevement') AND paid_cents < amount_cents
         GROUP BY family_id`,
      )
      .all(...ids) as { family_id: number; due: number }[];
    const group = <T extends { family_id: number }>(rows: T[]) => {
      const m = new Map<number, T[]>();
      for (const r of rows) {
        const list = m.get(r.family_id);
        if (list) list.push(r);
        else m.set(r.family_id, [r]);
      }
      return m;
    };
    return {
      families: new Map(families.map((f) => [f.id, f])),
      responsables: group(responsables),
      children: group(children),
      due: new Map(due.map((d) => [d.family_id, d.due])),
    };
  }

  function search(query: string, limit: number): FamilySearchHit[] {
    const tokens = queryTokens(query);
    if (tokens.length === 0) return [];
    const candidates = new Map<number, Candidate>();
    const offer = (c: Candidate) => {
      const known = candidates.get(c.familyId);
      if (!known || c.rank < known.rank || (c.rank === known.rank && c.score < known.score)) {
        candidates.set(c.familyId, c);
      }
    };

    // 1. The code famille typed whole, or its number alone.
    const code = codeForm(query);
    if (code) {
      for (const id of byCode.all(code) as number[]) {
        offer({ familyId: id, rank: 0, score: 0, reason: { kind: 'code' } });
      }
    } else if (tokens.length === 1 && /^\d{4,7}$/.test(tokens[0]!)) {
      const ids = byCodeDigits.all(`code : "${tokens[0]}"`) as number[];
      for (const id of ids) offer({ familyId: id, rank: 0, score: 0, reason: { kind: 'code' } });
    }

    // 2. An invoice number or PayFiP reference, exact, then as a prefix once long enough.
    const { upper, compact } = referenceForms(query);
    if (/\d/.test(upper) && upper.length >= 4) {
      const seen = (row: InvoiceHit, rank: number, score: number) => {
        const byRefdet = !row.number.startsWith(upper) && row.refdet.startsWith(compact);
        offer({
          familyId: row.family_id,
          rank,
          score,
          reason: { kind: 'invoice', number: row.number, refdet: row.refdet, byRefdet },
        });
      };
      for (const row of invoiceExact.all(upper, compact) as InvoiceHit[]) seen(row, 1, 0);
      // Prefix matches keep the order of the references, after every name match.
      if (upper.length >= MIN_REFERENCE_PREFIX) {
        const byNumber = invoiceByNumberPrefix.all(upper, `${upper}\uffff`, limit) as InvoiceHit[];
        byNumber.forEach((row, i) => seen(row, 10, i));
        if (compact.length >= MIN_REFERENCE_PREFIX) {
          const byRefdet = invoiceByRefdetPrefix.all(
            compact,
            `${compact}\uffff`,
            limit,
          ) as InvoiceHit[];
          byRefdet.forEach((row, i) => seen(row, 10, limit + i));
        }
      }
    }

    // 3. Names, children and code words through the full-text index, in tiers: whole words
    // before words begun (so "martin" lists the Martin families before the Martinez), and
    // within each, the families' and responsables' names before the children's. A tier limited
    // to one column needs no ranking and stops at `limit` rows, which keeps a common name on
    // 100,000 families under a millisecond; bm25 only ranks what spans columns ("martin léa"),
    // a small set, except when every word is one or two letters and any order is as good.
    const short = tokens.every((t) => t.length <= 2);
    const exactExpr = ftsExpression(tokens, false);
    const prefixExpr = ftsExpression(tokens, true);
    const tiers: [Database.Statement, string][] = [
      [ftsUnranked, `names : (${exactExpr})`],
      [ftsUnranked, `children : (${exactExpr})`],
      [ftsRanked, exactExpr],
      [ftsUnranked, `names : (${prefixExpr})`],
      [ftsUnranked, `children : (${prefixExpr})`],
      [short ? ftsUnranked : ftsRanked, prefixExpr],
    ];
    let found = 0;
    for (const [i, [statement, expression]] of tiers.entries()) {
      const ranked = statement === ftsRanked;
      // An unranked tier reads twice the rows it may keep and puts first the families whose
      // own name carries the words typed, before those where only a responsable's does.
      const rows = statement.all(expression, ranked ? limit : limit * 2) as FtsRow[];
      for (const r of rows) {
        if (r.familyName !== undefined) {
          const w = words(r.familyName);
          // Most words matched first, then the shortest name: Martin before Martin-Leduc.
          r.score = -10 * tokens.filter((t) => matchesToken(w, t)).length + w.length;
        }
      }
      if (!ranked) rows.sort((a, b) => a.score - b.score || a.id - b.id);
      for (const r of rows.slice(0, limit)) {
        if (!candidates.has(r.id)) found++;
        offer({ familyId: r.id, rank: 2 + i, score: r.score, reason: { kind: 'names' } });
      }
      if (found >= limit) break;
    }

    const chosen = [...candidates.values()]
      .sort((a, b) => a.rank - b.rank || a.score - b.score || a.familyId - b.familyId)
      .slice(0, limit);
    if (chosen.length === 0) return [];
    const d = details(chosen.map((c) => c.familyId));
    const hits: FamilySearchHit[] = [];
    for (const c of chosen) {
      const family = d.families.get(c.familyId);
      if (!family) continue;
      const responsables = d.responsables.get(c.familyId) ?? [];
      const children = d.children.get(c.familyId) ?? [];
      let matched: string;
      if (c.reason.kind === 'code') matched = `Code famille ${family.code}`;
      else if (c.reason.kind === 'invoice') {
        matched = c.reason.byRefdet
          ? `Référence PayFiP ${c.reason.refdet} (facture ${c.reason.number})`
          : `Facture ${c.reason.number}`;
      } else matched = explainNames(tokens, family, responsables, children);
      hits.push({
        familyId: family.id,
        code: family.code,
        title: titleOf(family, responsables),
        matched,
        city: responsables[0]?.city ?? '',
        dueCents: d.due.get(family.id) ?? 0,
      });
    }
    return hits;
  }

  return { search };
}

const searches = new WeakMap<Database.Database, FamilySearch>();

/** The family search of a database, its statements prepared on first use. */
export function familySearch(sqlite: Database.Database): FamilySearch {
  let s = searches.get(sqlite);
  if (!s) {
    s = createFamilySearch(sqlite);
    searches.set(sqlite, s);
  }
  return s;
}
