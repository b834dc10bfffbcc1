// Automatic reconciliation of statement credits with what the register expects. Pure: lines and
// expectations in, decisions and candidates out. The rules, most certain first:
//   1. A credit whose text (label, reference, complements) names exactly one expectation of its
//      amount, within the window after that expectation's day, is matched to it: a PayFiP
//      transaction by its refdet, authorisation number or idOp, a slip or a cash deposit by
//      its number (or a bag number). A PayFiP credit is never matched without such a reference,
//      as the DGFiP's rule for tying an online payment to its debt is the refdet.
//   2. A credit of exactly the sum of one day's PayFiP transactions of a régie (a grouped
//      credit, several transactions) whose text says PAYFIP or TIPI is matched to all of them.
//   3. Otherwise, a credit with exactly one possible slip, cash deposit or grouped day, which no
//      other credit could also be, is matched to it: deposits carry no reference a bank copies.
// Two credits claiming the same expectation, or one credit with two possible ones, stay
// unmatched with what they could be, for the régisseur to decide. Debits are never matched.
import { addDays } from './working-days';
import type { Expectation } from './expected';

/** A credit may come this many days after the day the money left the register, at most. */
export const MATCH_WINDOW_DAYS = 31;

export interface MatchLine {
  id: number;
  bookingDate: string;
  amountCents: number;
  /** Upper-case searchable text. */
  text: string;
  /** The régie whose account the statement is, when known. */
  regieId: number | null;
}

export interface MatchOutcome {
  matched: Map<number, Expectation>;
}

const GROUP_WORDS = /PAYFIP|TIPI/;

const windowEnds = new Map<string, string>();

/** The last day a credit for money of `date` is looked for (memoised: few distinct days). */
function windowEnd(date: string): string {
  let end = windowEnds.get(date);
  if (end === undefined) {
    end = addDays(date, MATCH_WINDOW_DAYS);
    if (windowEnds.size < 100_000) windowEnds.set(date, end);
  }
  return end;
}

function fits(line: MatchLine, e: Expectation): boolean {
  if (line.amountCents !== e.amountCents) return false;
  if (line.regieId !== null && e.regieId !== null && line.regieId !== e.regieId) return false;
  return line.bookingDate >= e.date && line.bookingDate <= windowEnd(e.date);
}

function names(line: MatchLine, e: Expectation): boolean {
  if (e.source === 'payfip_jour') return GROUP_WORDS.test(line.text);
  return e.refs.some((r) => line.text.includes(r));
}

function byAmount(expectations: Expectation[]): Map<number, Expectation[]> {
  const m = new Map<number, Expectation[]>();
  for (const e of expectations) {
    const list = m.get(e.amountCents) ?? [];
    list.push(e);
    m.set(e.amountCents, list);
  }
  return m;
}

/** A day's PayFiP transactions of one régie as one expectation, when there are several. */
export function dayGroups(expectations: Expectation[]): Expectation[] {
  const groups = new Map<string, Expectation[]>();
  for (const e of expectations) {
    if (e.source !== 'payfip') continue;
    const k = `${e.regieId ?? ''}|${e.date}`;
    const list = groups.get(k) ?? [];
    list.push(e);
    groups.set(k, list);
  }
  const out: Expectation[] = [];
  for (const [k, list] of groups) {
    if (list.length < 2) continue;
    const first = list[0]!;
    const amount = list.reduce((sum, e) => sum + e.amountCents, 0);
    out.push({
      id: `payfip_jour:${k}`,
      source: 'payfip_jour',
      targets: list.flatMap((e) => e.targets),
      amountCents: amount,
      date: first.date,
      regieId: first.regieId,
      refs: [],
      description: `Paiements en ligne du ${first.date} regroupés (${list.length} paiements)`,
    });
  }
  return out;
}

/**
 * Decides which lines are matched to what. `expectations` must hold only what is not matched
 * yet; lines already matched must not be passed.
 */
export function matchLines(lines: MatchLine[], expectations: Expectation[]): MatchOutcome {
  const matched = new Map<number, Expectation>();
  const used = new Set<string>();
  const credits = lines.filter((l) => l.amountCents > 0);

  // Accepts each proposal whose expectation no other line proposes too.
  const accept = (proposals: Map<number, Expectation>) => {
    const claims = new Map<string, number>();
    for (const e of proposals.values()) claims.set(e.id, (claims.get(e.id) ?? 0) + 1);
    for (const [lineId, e] of proposals) {
      if (claims.get(e.id) !== 1) continue;
      if (e.targets.some((t) => used.has(`${t.kind}|${t.key}`))) continue;
      matched.set(lineId, e);
      for (const t of e.targets) used.add(`${t.kind}|${t.key}`);
    }
  };
  const free = (e: Expectation) => !e.targets.some((t) => used.has(`${t.kind}|${t.key}`));

  // 1. Named by a reference.
  const index = byAmount(expectations);
  const named = new Map<number, Expectation>();
  for (const line of credits) {
    const found = (index.get(line.amountCents) ?? []).filter(
      (e) => fits(line, e) && names(line, e),
    );
    if (found.length === 1) named.set(line.id, found[0]!);
  }
  accept(named);

  // 2 and 3. Grouped PayFiP days named as such, then lone possibilities.
  const rest = expectations.filter(free);
  const groupIndex = byAmount(dayGroups(rest));
  const grouped = new Map<number, Expectation>();
  for (const line of credits) {
    if (matched.has(line.id)) continue;
    const found = (groupIndex.get(line.amountCents) ?? []).filter(
      (e) => fits(line, e) && names(line, e),
    );
    if (found.length === 1) grouped.set(line.id, found[0]!);
  }
  accept(grouped);

  const lone = new Map<number, Expectation>();
  const loneIndex = byAmount([
    ...expectations.filter((e) => e.source !== 'payfip' && free(e)),
    ...dayGroups(expectations.filter(free)),
  ]);
  for (const line of credits) {
    if (matched.has(line.id)) continue;
    const found = (loneIndex.get(line.amountCents) ?? []).filter((e) => fits(line, e));
    const single = (index.get(line.amountCents) ?? []).filter(
      (e) => e.source === 'payfip' && free(e) && fits(line, e),
    );
    // A line that could also be a single online payment is not a lone possibility.
    if (found.length === 1 && single.length === 0) lone.set(line.id, found[0]!);
  }
  accept(lone);
  return { matched };
}

/** Every expectation and grouped PayFiP day by amount, to look candidates up quickly. */
export function candidateIndex(expectations: Expectation[]): Map<number, Expectation[]> {
  return byAmount([...expectations, ...dayGroups(expectations)]);
}

/** What an unmatched credit could be, those it names first, at most `limit`. */
export function candidatesFor(
  line: MatchLine,
  index: Map<number, Expectation[]>,
  limit = 10,
): Expectation[] {
  if (line.amountCents <= 0) return [];
  const all = (index.get(line.amountCents) ?? []).filter((e) => fits(line, e));
  all.sort((a, b) => Number(names(line, b)) - Number(names(line, a)) || (a.date < b.date ? 1 : -1));
  return all.slice(0, limit);
}
