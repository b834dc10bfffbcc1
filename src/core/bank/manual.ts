// The régisseur's own reconciliation decisions: matching a line to the items it pays in (when
// the automatic rules could not decide), and undoing a match, automatic or manual, with a
// reason. Each is a command (replayed safely) and a journal entry; nothing is edited: a match
// is new rows, its undoing a bank_unmatch row naming the match's group.
import type Database from 'better-sqlite3';
import type { BankLineView, BankTargetKind } from '../../shared/contract';
import { formatEuro } from '../../shared/money';
import { DomainError, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { nextJournalSeq } from '../payments/ledger';
import { liveMatchedTargets, loadExpectations, targetKey, type ExpectedTarget } from './expected';
import { getLine } from './views';

export const MATCH_HANDLER = 'bank.match';
export const UNMATCH_HANDLER = 'bank.unmatch';

interface Who {
  commandId: string;
  agentId: number;
  posteCode: string;
  now: Date;
}

const LIVE = 'NOT EXISTS (SELECT 1 FROM bank_unmatch u WHERE u.group_key = m.group_key)';

function liveGroup(sqlite: Database.Database, lineId: number): string | null {
  const row = sqlite
    .prepare(`SELECT m.group_key FROM bank_match m WHERE m.line_id = ? AND ${LIVE} LIMIT 1`)
    .get(lineId) as { group_key: string } | undefined;
  return row?.group_key ?? null;
}

export function matchManually(
  sqlite: Database.Database,
  input: Who & { lineId: number; targets: { kind: BankTargetKind; key: string }[] },
): { replayed: boolean; line: BankLineView } {
  const hash = requestHash({ lineId: input.lineId, targets: input.targets });
  const replayed = sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, MATCH_HANDLER, hash)) return true;
      const line = sqlite
        .prepare(
          `SELECT l.id, l.amount_cents, l.booking_date, s.account FROM bank_line l
           JOIN bank_statement s ON s.id = l.statement_id WHERE l.id = ?`,
        )
        .get(input.lineId) as
        { id: number; amount_cents: number; booking_date: string; account: string } | undefined;
      if (!line) {
        throw new DomainError(
          'INTROUVABLE',
          'Ligne de relevé introuvable. Rechargez le relevé puis recommencez.',
        );
      }
      if (line.amount_cents <= 0) {
        throw ruleError(
          'LIGNE_DEBIT',
          `Cette ligne est un débit (${formatEuro(line.amount_cents)}) : seuls les crédits se rapprochent de paiements, de bordereaux ou de dépôts.`,
        );
      }
      if (liveGroup(sqlite, line.id)) {
        throw ruleError(
          'LIGNE_DEJA_RAPPROCHEE',
          'Cette ligne est déjà rapprochée. Annulez d’abord son rapprochement si vous voulez le refaire.',
        );
      }
      const keys = input.targets.map(targetKey);
      if (new Set(keys).size !== keys.length) {
        throw ruleError(
          'PIECE_EN_DOUBLE',
          'La même pièce est choisie deux fois. Corrigez la sélection.',
        );
      }
      const known = new Map<string, ExpectedTarget>();
      for (const e of loadExpectations(sqlite))
        for (const t of e.targets) known.set(targetKey(t), t);
      const live = liveMatchedTargets(sqlite);
      const targets: ExpectedTarget[] = input.targets.map((t) => {
        const found = known.get(targetKey(t));
        if (!found) {
          throw ruleError(
            'PIECE_INCONNUE',
            `La pièce choisie (${t.kind} ${t.key}) est introuvable : un paiement en ligne doit être payé, un bordereau validé. Rechargez la liste.`,
          );
        }
        if (live.has(targetKey(t))) {
          throw ruleError(
            'PIECE_DEJA_RAPPROCHEE',
            `${found.label} est déjà rapproché(e) d’une autre ligne de relevé. Annulez ce rapprochement d’abord.`,
          );
        }
        return found;
      });
      const total = targets.reduce((n, t) => n + t.amountCents, 0);
      if (total !== line.amount_cents) {
        throw ruleError(
          'MONTANT_DIFFERENT',
          `Les pièces choisies font ${formatEuro(total)} et la ligne de relevé ${formatEuro(line.amount_cents)} : le rapprochement doit être exact. Corrigez la sélection.`,
        );
      }
      const at = input.now.toISOString();
      const journalSeq = nextJournalSeq(sqlite);
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: MATCH_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const insert = sqlite.prepare(
        `INSERT INTO bank_match (line_id, target_kind, target_key, amount_cents, group_key, origin, created_at, agent_id, journal_seq)
         VALUES (?, ?, ?, ?, ?, 'manuel', ?, ?, ?)`,
      );
      for (const t of targets) {
        insert.run(
          line.id,
          t.kind,
          t.key,
          t.amountCents,
          input.commandId,
          at,
          input.agentId,
          journalSeq,
        );
      }
      const regies = [...new Set(targets.map((t) => t.regieId))];
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'rapprochement_manuel',
        instant: at,
        agentId: input.agentId,
        regieId: regies.length === 1 ? (regies[0] ?? null) : null,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          lineId: line.id,
          account: line.account,
          bookingDate: line.booking_date,
          amountCents: line.amount_cents,
          targets: targets.map((t) => ({
            kind: t.kind,
            key: t.key,
            label: t.label,
            amountCents: t.amountCents,
          })),
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return false;
    })
    .immediate();
  return { replayed, line: getLine(sqlite, input.lineId) };
}

export function unmatchLine(
  sqlite: Database.Database,
  input: Who & { lineId: number; reason: string },
): { replayed: boolean; line: BankLineView } {
  const hash = requestHash({ lineId: input.lineId, reason: input.reason });
  const replayed = sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, UNMATCH_HANDLER, hash)) return true;
      const exists = sqlite.prepare('SELECT 1 FROM bank_line WHERE id = ?').get(input.lineId);
      if (!exists) {
        throw new DomainError(
          'INTROUVABLE',
          'Ligne de relevé introuvable. Rechargez le relevé puis recommencez.',
        );
      }
      const group = liveGroup(sqlite, input.lineId);
      if (!group) {
        throw ruleError(
          'LIGNE_NON_RAPPROCHEE',
          'Cette ligne n’est pas rapprochée : il n’y a rien à annuler.',
        );
      }
      const rows = sqlite
        .prepare(
          'SELECT target_kind, target_key, amount_cents, origin FROM bank_match WHERE group_key = ?',
        )
        .all(group) as {
        target_kind: string;
        target_key: string;
        amount_cents: number;
        origin: string;
      }[];
      const at = input.now.toISOString();
      const journalSeq = nextJournalSeq(sqlite);
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: UNMATCH_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      sqlite
        .prepare(
          `INSERT INTO bank_unmatch (command_id, group_key, line_id, reason, agent_id, at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(input.commandId, group, input.lineId, input.reason, input.agentId, at, journalSeq);
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'rapprochement_annule',
        instant: at,
        agentId: input.agentId,
        regieId: null,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          lineId: input.lineId,
          groupKey: group,
          origin: rows[0]?.origin ?? 'auto',
          reason: input.reason,
          targets: rows.map((r) => ({
            kind: r.target_kind,
            key: r.target_key,
            amountCents: r.amount_cents,
          })),
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return false;
    })
    .immediate();
  return { replayed, line: getLine(sqlite, input.lineId) };
}
