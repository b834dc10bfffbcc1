// Till sessions: one open session per poste at most (a UNIQUE partial index says so), opened
// by counting the float. A session belongs to the Paris day it was opened on; one still open
// on a later day must be closed before any new counter payment.
import type Database from 'better-sqlite3';
import { formatEuro } from '../../shared/money';
import { formatInstant, parisDate } from '../../shared/dates';
import type { CashCount, FloatCheck, TillSessionView } from '../../shared/contract/till';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { prepared } from '../db/prepared';
import { expectedFloatCents } from './config';
import { countTotal, normalizedCounts } from './counts';

export const OPEN_HANDLER = 'till.open';

export interface SessionRow {
  id: number;
  poste_code: string;
  status: 'open' | 'closed';
  opened_at: string;
  opened_by: number;
  float_counted_cents: number;
  float_expected_cents: number;
  previous_float_left_cents: number | null;
  open_journal_seq: number;
  closed_at: string | null;
  closed_by: number | null;
  validated_by: number | null;
  float_left_cents: number | null;
  close_journal_seq: number | null;
}

export function openSessionRow(sqlite: Database.Database, posteCode: string): SessionRow | null {
  return (
    (prepared(sqlite, "SELECT * FROM till_session WHERE poste_code = ? AND status = 'open'").get(
      posteCode,
    ) as SessionRow | undefined) ?? null
  );
}

export function sessionRow(sqlite: Database.Database, id: number): SessionRow | null {
  return (
    (prepared(sqlite, 'SELECT * FROM till_session WHERE id = ?').get(id) as
      SessionRow | undefined) ?? null
  );
}

/** True when the session was opened on an earlier Paris day than `now`. */
export function isOvernight(session: SessionRow, now: Date): boolean {
  return session.status === 'open' && parisDate(new Date(session.opened_at)) < parisDate(now);
}

export function overnightMessage(session: SessionRow): string {
  return `La caisse de ce poste est ouverte depuis le ${formatInstant(session.opened_at)} : elle n’a pas été clôturée. Clôturez-la (comptage et rapport Z) avant tout nouvel encaissement.`;
}

export const noSessionMessage =
  'Aucune caisse n’est ouverte sur ce poste : rien n’a été enregistré. Ouvrez la caisse (comptage du fonds de caisse) avant d’encaisser.';

export function agentName(sqlite: Database.Database, id: number | null): string | null {
  if (id === null) return null;
  const row = prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(id) as
    { display_name: string } | undefined;
  return row?.display_name ?? null;
}

export function sessionView(sqlite: Database.Database, s: SessionRow): TillSessionView {
  return {
    sessionId: s.id,
    posteCode: s.poste_code,
    status: s.status,
    openedAt: s.opened_at,
    openedBy: agentName(sqlite, s.opened_by) ?? '',
    closedAt: s.closed_at,
    closedBy: agentName(sqlite, s.closed_by),
    floatCountedCents: s.float_counted_cents,
  };
}

function floatCheck(counted: number, expected: number, previousLeft: number | null): FloatCheck {
  const warnings: string[] = [];
  const difference = counted - expected;
  if (difference !== 0) {
    warnings.push(
      `Le fonds de caisse compté (${formatEuro(counted)}) diffère du fonds prévu (${formatEuro(expected)}) : ${difference < 0 ? 'il manque' : 'il y a en trop'} ${formatEuro(Math.abs(difference))}. Recomptez ; si l’écart se confirme, signalez-le au régisseur.`,
    );
  }
  const previousDifference = previousLeft === null ? null : counted - previousLeft;
  if (previousLeft !== null && previousDifference !== 0) {
    warnings.push(
      `Le fonds compté (${formatEuro(counted)}) ne correspond pas à ce que la dernière clôture a laissé en caisse (${formatEuro(previousLeft)}).`,
    );
  }
  return {
    countedCents: counted,
    expectedCents: expected,
    differenceCents: difference,
    previousFloatLeftCents: previousLeft,
    previousDifferenceCents: previousDifference,
    warnings,
  };
}

/** Opens the poste's session, or returns the one this commandId already opened. */
export function openSession(
  sqlite: Database.Database,
  input: { commandId: string; counts: CashCount; agentId: number; posteCode: string; now: Date },
): { sessionId: number; float: FloatCheck; replayed: boolean } {
  const counts = normalizedCounts(input.counts);
  const hash = requestHash({ counts });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, OPEN_HANDLER, hash)) {
        const s = prepared(sqlite, 'SELECT * FROM till_session WHERE command_id = ?').get(
          input.commandId,
        ) as SessionRow;
        return {
          sessionId: s.id,
          float: floatCheck(
            s.float_counted_cents,
            s.float_expected_cents,
            s.previous_float_left_cents,
          ),
          replayed: true,
        };
      }
      const current = openSessionRow(sqlite, input.posteCode);
      if (current) {
        throw new DomainError(
          'CONFLIT',
          `Une caisse est déjà ouverte sur ce poste (depuis le ${formatInstant(current.opened_at)}, par ${agentName(sqlite, current.opened_by) ?? '?'}). Continuez avec elle, ou clôturez-la avant d’en ouvrir une autre. Rien n’a été modifié.`,
          'CAISSE_DEJA_OUVERTE',
        );
      }
      const counted = countTotal(input.counts);
      const expected = expectedFloatCents(sqlite);
      const previous = prepared(
        sqlite,
        `SELECT float_left_cents FROM till_session WHERE poste_code = ? AND status = 'closed'
           ORDER BY id DESC LIMIT 1`,
      ).get(input.posteCode) as { float_left_cents: number } | undefined;
      const previousLeft = previous?.float_left_cents ?? null;
      const check = floatCheck(counted, expected, previousLeft);
      const at = input.now.toISOString();
      const sessionId = (
        prepared(sqlite, 'SELECT COALESCE(MAX(id), 0) + 1 AS id FROM till_session').get() as {
          id: number;
        }
      ).id;
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: OPEN_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'ouverture_caisse',
        instant: at,
        agentId: input.agentId,
        regieId: null,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          sessionId,
          counts,
          floatCountedCents: counted,
          floatExpectedCents: expected,
          floatDifferenceCents: check.differenceCents,
          previousFloatLeftCents: previousLeft,
        },
      });
      prepared(
        sqlite,
        `INSERT INTO till_session (id, command_id, poste_code, status, opened_at, opened_by, float_counts,
             float_counted_cents, float_expected_cents, previous_float_left_cents, open_journal_seq)
           VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        sessionId,
        input.commandId,
        input.posteCode,
        at,
        input.agentId,
        JSON.stringify(counts),
        counted,
        expected,
        previousLeft,
        entry.seq,
      );
      return { sessionId, float: check, replayed: false };
    })
    .immediate();
}
