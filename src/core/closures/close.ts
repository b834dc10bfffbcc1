// Closing a period of a régie, in one write transaction: the checks, then each finer period the
// closing also covers (the active days of a month, the months of a year and their days), then
// the period itself. Each closure is a journal entry carrying its totals and the tip of the
// chain it covers, and a closure row holding the same totals; the triggers then refuse any new
// entry dated inside it. A month must come out as the exact sum of its days, a year of its
// months: anything else is a bug, and nothing is written.
import type Database from 'better-sqlite3';
import {
  closurePeriodPhrase,
  closurePeriodPhraseOf,
  type ClosureKind,
  type ClosurePart,
  type ClosureTotals,
  type ClosureView,
} from '../../shared/contract/closures';
import { formatInstant } from '../../shared/dates';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal, journalTip } from '../journal/chain';
import { canonicalJson } from '../journal/canonical';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { prepared } from '../db/prepared';
import {
  openTillsMessage,
  periodsClosedWith,
  regieCalendar,
  tillsBlocking,
  type RegieCalendar,
} from './calendar';
import { enclosingPeriods, parsePeriod, type Period } from './periods';
import {
  computeTotals,
  differingFigures,
  partOf,
  PerpetualCursor,
  regieInfo,
  type RegieInfo,
} from './totals';
import { closureViews } from './views';

export const CLOSE_HANDLER = 'closures.close';

export const journalKindOf: Record<ClosureKind, 'cloture_jour' | 'cloture_mois' | 'cloture_annee'> =
  {
    jour: 'cloture_jour',
    mois: 'cloture_mois',
    annee: 'cloture_annee',
  };

export interface CloseInput {
  commandId: string;
  regieId: number;
  kind: ClosureKind;
  period: string;
  agentId: number;
  posteCode: string;
  now: Date;
}

export interface CloseResult {
  closure: ClosureView;
  alsoClosed: ClosureView[];
  replayed: boolean;
}

/** What a closure entry carries in the journal. */
export interface ClosurePayload {
  commandId: string;
  closureKind: ClosureKind;
  period: string;
  /** The month or year whose closing closed this period too, or null. */
  closedWith: { kind: ClosureKind; period: string } | null;
  /** The agent's name as it was, so a reprint names the same person. */
  closedByName: string;
  totals: ClosureTotals;
  lastCoveredSeq: number;
  lastCoveredHash: string;
}

function resultOf(sqlite: Database.Database, input: CloseInput, replayed: boolean): CloseResult {
  const main = prepared(
    sqlite,
    'SELECT id, closed_at FROM closure WHERE regie_id = ? AND kind = ? AND period = ?',
  ).get(input.regieId, input.kind, input.period) as { id: number; closed_at: string };
  const others = prepared(
    sqlite,
    `SELECT c.id FROM closure c JOIN journal_entry j ON j.seq = c.journal_seq
     WHERE c.regie_id = ? AND c.closed_at = ? AND c.id <> ?
       AND json_extract(j.payload, '$.commandId') = ?
     ORDER BY c.journal_seq`,
  )
    .pluck()
    .all(input.regieId, main.closed_at, main.id, input.commandId) as number[];
  const [closure] = closureViews(sqlite, { ids: [main.id] });
  if (!closure) throw new Error('Clôture introuvable après écriture');
  return { closure, alsoClosed: closureViews(sqlite, { ids: others }), replayed };
}

const agreement = (kind: ClosureKind) => (kind === 'mois' ? '' : 'e');

/** Every reason this period cannot be closed now, checked before anything is written. */
function checkClosable(cal: RegieCalendar, target: Period, nowIso: string): void {
  const phrase = closurePeriodPhrase(target.kind, target.period);
  const Phrase = phrase.charAt(0).toUpperCase() + phrase.slice(1);
  // "La journée … est clôturée", "Le mois … est clôturé": the participle agrees.
  const e = agreement(target.kind);
  if (target.end > nowIso) {
    throw ruleError(
      target.start > nowIso ? 'PERIODE_FUTURE' : 'PERIODE_EN_COURS',
      target.start > nowIso
        ? `${Phrase} n’a pas commencé : seule une période terminée peut être clôturée. Rien n’a été clôturé.`
        : `${Phrase} n’est pas terminé${e} : ${target.kind === 'mois' ? 'il' : 'elle'} pourra être clôturé${e} à partir du ${formatInstant(target.end)}. Rien n’a été clôturé.`,
    );
  }
  const done = cal.closed[target.kind].get(target.period);
  if (done) {
    throw new DomainError(
      'CONFLIT',
      `${Phrase} est déjà clôturé${e} (écriture n° ${done.journalSeq} du journal). Une clôture est définitive ; rien n’a été modifié.`,
      'DEJA_CLOTUREE',
    );
  }
  for (const outer of enclosingPeriods(target)) {
    const covering = cal.closed[outer.kind].get(outer.period);
    if (covering) {
      throw new DomainError(
        'CONFLIT',
        `${Phrase} fait partie ${closurePeriodPhraseOf(outer.kind, outer.period)}, déjà clôturé${agreement(outer.kind)} (écriture n° ${covering.journalSeq} du journal). Rien n’a été modifié.`,
        'DEJA_CLOTUREE',
      );
    }
  }
  if (cal.firstActivity === null) {
    throw ruleError(
      'AUCUNE_ACTIVITE',
      `La régie ${cal.regie.code} n’a encore enregistré aucune opération : il n’y a rien à clôturer.`,
    );
  }
  if (target.end <= cal.firstActivity) {
    throw ruleError(
      'AVANT_ACTIVITE',
      `${Phrase} précède la première opération de la régie ${cal.regie.code} (le ${formatInstant(cal.firstActivity)}) : il n’y a rien à clôturer.`,
    );
  }
  const earlier = cal.pending.find((p) => p.kind === target.kind && p.periodEnd <= target.start);
  if (earlier) {
    throw ruleError(
      'CLOTURE_ANTERIEURE',
      `Clôturez d’abord ${closurePeriodPhrase(earlier.kind, earlier.period)} : les clôtures se font dans l’ordre chronologique. Rien n’a été clôturé.`,
      { kind: earlier.kind, period: earlier.period },
    );
  }
  const tills = tillsBlocking(cal.openTills, target.end);
  if (tills.length > 0) {
    throw ruleError(
      'CAISSE_OUVERTE',
      `${Phrase} ne peut pas être clôturé${e} : ${openTillsMessage(tills)}. Clôturez d’abord cette caisse (comptage et rapport Z) ; rien n’a été clôturé.`,
      { postes: tills.map((t) => t.posteCode) },
    );
  }
}

/** The stored totals of the closures of `kind` inside `p`, oldest first. */
function storedParts(
  sqlite: Database.Database,
  regieId: number,
  kind: ClosureKind,
  p: Period,
): { totals: ClosureTotals; journalSeq: number }[] {
  return (
    prepared(
      sqlite,
      `SELECT totals, journal_seq FROM closure
       WHERE regie_id = ? AND kind = ? AND period_start >= ? AND period_end <= ? ORDER BY period_start`,
    ).all(regieId, kind, p.start, p.end) as { totals: string; journal_seq: number }[]
  ).map((r) => ({ totals: JSON.parse(r.totals) as ClosureTotals, journalSeq: r.journal_seq }));
}

function writeClosure(
  sqlite: Database.Database,
  regie: RegieInfo,
  p: Period,
  perpetual: PerpetualCursor,
  ctx: {
    input: CloseInput;
    at: string;
    agentName: string;
    closedWith: ClosurePayload['closedWith'];
  },
): void {
  const finer: ClosureKind | null = p.kind === 'mois' ? 'jour' : p.kind === 'annee' ? 'mois' : null;
  const parts = finer ? storedParts(sqlite, regie.id, finer, p) : [];
  const partList: ClosurePart[] = parts.map((x) => partOf(x.totals, x.journalSeq));
  const totals = computeTotals(sqlite, regie, p, (own) => perpetual.endOf(p, own), partList);
  if (finer) {
    const differing = differingFigures(
      totals,
      parts.map((x) => x.totals),
    );
    if (differing.length > 0) {
      // A bug guard: the same ledger read twice cannot disagree unless the code is wrong.
      throw new DomainError(
        'INTERNE',
        `Clôture refusée : les totaux ${closurePeriodPhraseOf(p.kind, p.period)} ne sont pas la somme de ses ${finer === 'jour' ? 'journées' : 'mois'} (${differing.join(' ; ')}). Rien n’a été clôturé. Lancez la vérification du journal et signalez l’incident.`,
        'SOMME_INCOHERENTE',
        { differing },
      );
    }
  }
  const tip = journalTip(sqlite, 'operations');
  const payload: ClosurePayload = {
    commandId: ctx.input.commandId,
    closureKind: p.kind,
    period: p.period,
    closedWith: ctx.closedWith,
    closedByName: ctx.agentName,
    totals,
    lastCoveredSeq: tip.lastSeq,
    lastCoveredHash: tip.lastHash,
  };
  const entry = appendJournal(sqlite, 'operations', {
    kind: journalKindOf[p.kind],
    instant: ctx.at,
    agentId: ctx.input.agentId,
    regieId: regie.id,
    posteCode: ctx.input.posteCode,
    payload: { ...payload },
  });
  prepared(
    sqlite,
    `INSERT INTO closure (regie_id, kind, period, period_start, period_end, totals, last_covered_seq,
       last_covered_hash, agent_id, closed_at, journal_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    regie.id,
    p.kind,
    p.period,
    p.start,
    p.end,
    canonicalJson(totals),
    tip.lastSeq,
    tip.lastHash,
    ctx.input.agentId,
    ctx.at,
    entry.seq,
  );
}

export function closePeriod(sqlite: Database.Database, input: CloseInput): CloseResult {
  // A malformed period is refused before the transaction: nothing to look up.
  const target = parsePeriod(input.kind, input.period);
  const hash = requestHash({ regieId: input.regieId, kind: input.kind, period: input.period });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, CLOSE_HANDLER, hash)) {
        return resultOf(sqlite, input, true);
      }
      const regie = regieInfo(sqlite, input.regieId);
      if (!regie) throw notFound('Régie');
      const at = input.now.toISOString();
      const cal = regieCalendar(sqlite, regie, input.now);
      checkClosable(cal, target, at);

      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: CLOSE_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const agentName = (
        prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(input.agentId) as {
          display_name: string;
        }
      ).display_name;
      const perpetual = new PerpetualCursor(sqlite, regie.id);
      const closedWith = { kind: target.kind, period: target.period };
      for (const p of periodsClosedWith(cal, target)) {
        writeClosure(sqlite, regie, p, perpetual, { input, at, agentName, closedWith });
      }
      writeClosure(sqlite, regie, target, perpetual, { input, at, agentName, closedWith: null });
      return resultOf(sqlite, input, false);
    })
    .immediate();
}
