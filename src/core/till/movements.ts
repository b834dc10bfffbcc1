// Cash movements of a session (apport, retrait, versement au comptable) and the régisseur's
// override of the cash ceiling. Both are signed, journaled entries of the open session.
import type Database from 'better-sqlite3';
import { formatEuro } from '../../shared/money';
import {
  movementKindLabels,
  type MovementKind,
  type MovementSource,
} from '../../shared/contract/till';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { prepared } from '../db/prepared';
import {
  isOvernight,
  noSessionMessage,
  openSessionRow,
  overnightMessage,
  type SessionRow,
} from './session';
import { cashHeld } from './cash';
import { sessionFigures } from './figures';

export const MOVEMENT_HANDLER = 'till.movement';
export const OVERRIDE_HANDLER = 'till.ceilingOverride';

/** The poste's open session; refused in French when there is none or it is of an earlier day. */
export function requireOpenSession(
  sqlite: Database.Database,
  posteCode: string,
  now: Date,
  allowOvernight: boolean,
): SessionRow {
  const session = openSessionRow(sqlite, posteCode);
  if (!session) {
    throw ruleError('CAISSE_FERMEE', noSessionMessage.replace('avant d’encaisser', 'd’abord'));
  }
  if (!allowOvernight && isOvernight(session, now)) {
    throw ruleError('CAISSE_DE_LA_VEILLE', `${overnightMessage(session)} Rien n’a été enregistré.`);
  }
  return session;
}

export function regieRow(
  sqlite: Database.Database,
  regieId: number,
): { id: number; code: string; name: string } {
  const r = prepared(sqlite, 'SELECT id, code, name FROM regie WHERE id = ?').get(regieId) as
    { id: number; code: string; name: string } | undefined;
  if (!r) throw notFound('Régie');
  return r;
}

/**
 * Writes a cash movement of an open session and its journal entry, inside the caller's write
 * transaction (the caller has checked the session and recorded its command). A movement taking
 * cash out may not exceed what the drawer should hold. Shared by till.movement and by the cash
 * deposit, whose versement must be exactly the same movement.
 */
export function writeMovement(
  sqlite: Database.Database,
  input: {
    commandId: string;
    sessionId: number;
    regie: { id: number; code: string };
    kind: MovementKind;
    /** Always positive: the kind gives the direction. */
    amountCents: number;
    reason: string;
    agentId: number;
    posteCode: string;
    at: string;
    /** Default 'tiroir'; 'coffre' for a versement of takings kept in the safe. */
    source?: MovementSource;
  },
): { movementId: number; signedAmountCents: number } {
  const { regie, at } = input;
  const source = input.source ?? 'tiroir';
  const signed = input.kind === 'apport' ? input.amountCents : -input.amountCents;
  if (source === 'coffre') {
    if (input.kind !== 'versement') {
      throw ruleError(
        'MOUVEMENT_COFFRE',
        `Seul un versement au comptable peut être pris dans le coffre ; un ${movementKindLabels[input.kind].toLowerCase()} se fait depuis la caisse. Rien n’a été enregistré.`,
      );
    }
    const inSafe = safeCashCents(sqlite, regie.id, input.posteCode, input.sessionId);
    if (input.amountCents > inSafe) {
      throw ruleError(
        'MOUVEMENT_SUPERIEUR_COFFRE',
        `Versement de ${formatEuro(input.amountCents)} impossible depuis le coffre : les recettes en espèces des caisses déjà clôturées de ce poste, non encore versées, ne font que ${formatEuro(inSafe)} pour cette régie. Vérifiez le montant ; rien n’a été enregistré.`,
      );
    }
  } else if (signed < 0) {
    const inDrawer = drawerCashCents(sqlite, input.sessionId);
    if (input.amountCents > inDrawer) {
      throw ruleError(
        'MOUVEMENT_SUPERIEUR_CAISSE',
        `${movementKindLabels[input.kind]} de ${formatEuro(input.amountCents)} impossible : la caisse ne doit contenir que ${formatEuro(inDrawer)} en espèces (fonds compris). Vérifiez le montant ; rien n’a été enregistré.`,
      );
    }
  }
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
      sessionId: input.sessionId,
      regieId: regie.id,
      regieCode: regie.code,
      movementKind: input.kind,
      amountCents: signed,
      reason: input.reason,
      // Only written when it is the safe, so the entries of drawer movements keep their shape.
      ...(source === 'coffre' ? { source } : {}),
    },
  });
  prepared(
    sqlite,
    `INSERT INTO till_movement (id, command_id, session_id, regie_id, kind, amount_cents, reason, agent_id, at, journal_seq, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    movementId,
    input.commandId,
    input.sessionId,
    regie.id,
    input.kind,
    signed,
    input.reason,
    input.agentId,
    at,
    entry.seq,
    source,
  );
  return { movementId, signedAmountCents: signed };
}

/**
 * The régie's cash this poste holds outside the open session's drawer: its cash ledger on the
 * poste (payments, cancellations and movements of every session) minus what this session's
 * drawer holds for it. That is the takings earlier closings took out of the drawer and that no
 * versement has yet carried to the comptable.
 */
export function safeCashCents(
  sqlite: Database.Database,
  regieId: number,
  posteCode: string,
  sessionId: number,
): number {
  const drawer = sessionFigures(sqlite, sessionId).perRegie.find((r) => r.regieId === regieId);
  const drawerPart = (drawer?.perMode.especes ?? 0) + (drawer?.drawerMovementsCents ?? 0);
  return Math.max(0, cashHeld(sqlite, regieId, posteCode) - drawerPart);
}

/** The cash the session's drawer should hold now, float included (all régies). */
export function drawerCashCents(sqlite: Database.Database, sessionId: number): number {
  const cash = sessionFigures(sqlite, sessionId).modes.find((m) => m.mode === 'especes');
  return cash?.expectedCents ?? 0;
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
    source?: MovementSource;
  },
): { movementId: number; signedAmountCents: number; replayed: boolean } {
  const source = input.source ?? 'tiroir';
  const hash = requestHash({
    regieId: input.regieId,
    kind: input.kind,
    amountCents: input.amountCents,
    reason: input.reason,
    // Absent for the drawer, so commands recorded before the safe existed replay unchanged.
    ...(source === 'coffre' ? { source } : {}),
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
      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: MOVEMENT_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const written = writeMovement(sqlite, {
        commandId: input.commandId,
        sessionId: session.id,
        regie,
        kind: input.kind,
        amountCents: input.amountCents,
        reason: input.reason,
        agentId: input.agentId,
        posteCode: input.posteCode,
        at,
        source,
      });
      return { ...written, replayed: false };
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
