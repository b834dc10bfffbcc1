// Cash movements of a session (apport, retrait, versement au comptable) and the régisseur's
// override of the cash ceiling. Both are signed, journaled entries of the open session.
import type Database from 'better-sqlite3';
import { formatEuro } from '../../shared/money';
import { movementKindLabels, type MovementKind } from '../../shared/contract/till';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { prepared } from '../db/prepared';
import { isOvernight, noSessionMessage, openSessionRow, overnightMessage } from './session';
import { sessionFigures } from './figures';

export const MOVEMENT_HANDLER = 'till.movement';
export const OVERRIDE_HANDLER = 'till.ceilingOverride';

function requireOpenSession(
  sqlite: Database.Database,
  posteCode: string,
  now: Date,
  allowOvernight: boolean,
) {
  const session = openSessionRow(sqlite, posteCode);
  if (!session) {
    throw ruleError('CAISSE_FERMEE', noSessionMessage.replace('avant d’encaisser', 'd’abord'));
  }
  if (!allowOvernight && isOvernight(session, now)) {
    throw ruleError('CAISSE_DE_LA_VEILLE', `${overnightMessage(session)} Rien n’a été enregistré.`);
  }
  return session;
}

function regieRow(sqlite: Database.Database, regieId: number) {
  const r = prepared(sqlite, 'SELECT id, code, name FROM regie WHERE id = ?').get(regieId) as
    { id: number; code: string; name: string } | undefined;
  if (!r) throw notFound('Régie');
  return r;
}

export function recordMovement(
  sqlite: Database.Database,
  input: {
    commandId: string;
    regieId: number;
    kind: MovementKind;
    amountCents: number;
    reason: string;
    agentId: number;
    posteCode: string;
    now: Date;
  },
): { movementId: number; signedAmountCents: number; replayed: boolean } {
  const hash = requestHash({
    regieId: input.regieId,
    kind: input.kind,
    amountCents: input.amountCents,
    reason: input.reason,
  });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, MOVEMENT_HANDLER, hash)) {
        const m = prepared(
          sqlite,
          'SELECT id, amount_cents FROM till_movement WHERE command_id = ?',
        ).get(input.commandId) as { id: number; amount_cents: number };
        return { movementId: m.id, signedAmountCents: m.amount_cents, replayed: true };
      }
      const session = requireOpenSession(sqlite, input.posteCode, input.now, false);
      const regie = regieRow(sqlite, input.regieId);
      const signed = input.kind === 'apport' ? input.amountCents : -input.amountCents;
      if (signed < 0) {
        const cash = sessionFigures(sqlite, session.id).modes.find((m) => m.mode === 'especes');
        const inDrawer = cash?.expectedCents ?? 0;
        if (input.amountCents > inDrawer) {
          throw ruleError(
            'MOUVEMENT_SUPERIEUR_CAISSE',
            `${movementKindLabels[input.kind]} de ${formatEuro(input.amountCents)} impossible : la caisse ne doit contenir que ${formatEuro(inDrawer)} en espèces (fonds compris). Vérifiez le montant ; rien n’a été enregistré.`,
          );
        }
      }
      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: MOVEMENT_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const movementId = (
        prepared(sqlite, 'SELECT COALESCE(MAX(id), 0) + 1 AS id FROM till_movement').get() as {
          id: number;
        }
      ).id;
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'mouvement_caisse',
        instant: at,
        agentId: input.agentId,
        regieId: regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          movementId,
          sessionId: session.id,
          regieId: regie.id,
          regieCode: regie.code,
          movementKind: input.kind,
          amountCents: signed,
          reason: input.reason,
        },
      });
      prepared(
        sqlite,
        `INSERT INTO till_movement (id, command_id, session_id, regie_id, kind, amount_cents, reason, agent_id, at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        movementId,
        input.commandId,
        session.id,
        regie.id,
        input.kind,
        signed,
        input.reason,
        input.agentId,
        at,
        entry.seq,
      );
      return { movementId, signedAmountCents: signed, replayed: false };
    })
    .immediate();
}

export function recordCeilingOverride(
  sqlite: Database.Database,
  input: {
    commandId: string;
    regieId: number;
    reason: string;
    agentId: number;
    posteCode: string;
    now: Date;
  },
): { overrideId: number; sessionId: number; replayed: boolean } {
  const hash = requestHash({ regieId: input.regieId, reason: input.reason });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, OVERRIDE_HANDLER, hash)) {
        const o = prepared(
          sqlite,
          'SELECT id, session_id FROM till_ceiling_override WHERE command_id = ?',
        ).get(input.commandId) as { id: number; session_id: number };
        return { overrideId: o.id, sessionId: o.session_id, replayed: true };
      }
      const session = requireOpenSession(sqlite, input.posteCode, input.now, false);
      const regie = regieRow(sqlite, input.regieId);
      if (
        prepared(
          sqlite,
          'SELECT 1 FROM till_ceiling_override WHERE session_id = ? AND regie_id = ?',
        ).get(session.id, regie.id)
      ) {
        throw new DomainError(
          'CONFLIT',
          `Une dérogation au plafond est déjà en cours pour la ${regie.name} dans cette session. Rien n’a été modifié.`,
          'DEROGATION_EXISTANTE',
        );
      }
      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: OVERRIDE_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const overrideId = (
        prepared(
          sqlite,
          'SELECT COALESCE(MAX(id), 0) + 1 AS id FROM till_ceiling_override',
        ).get() as { id: number }
      ).id;
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'derogation_plafond',
        instant: at,
        agentId: input.agentId,
        regieId: regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          overrideId,
          sessionId: session.id,
          regieId: regie.id,
          regieCode: regie.code,
          reason: input.reason,
        },
      });
      prepared(
        sqlite,
        `INSERT INTO till_ceiling_override (id, command_id, session_id, regie_id, reason, agent_id, at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        overrideId,
        input.commandId,
        session.id,
        regie.id,
        input.reason,
        input.agentId,
        at,
        entry.seq,
      );
      return { overrideId, sessionId: session.id, replayed: false };
    })
    .immediate();
}
