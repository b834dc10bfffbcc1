// Closing a session: the counted amounts per mode against what the ledger says should be there,
// each difference recorded as its own signed journal entry with its reason, differences above
// the tolerance validated by the régisseur or the suppléant, then the closing (Z) entry that
// carries every figure of the report and the hash of the last entry it covers, and the session
// frozen. All of it in one transaction.
import type Database from 'better-sqlite3';
import { formatEuro } from '../../shared/money';
import type {
  CashCount,
  ClosingLine,
  ClosingPreview,
  CloseResult,
  TillCountMode,
} from '../../shared/contract/till';
import { DomainError, ruleError } from '../errors';
import { appendJournal, journalTip } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { lastGrandTotals, type GrandTotals } from '../payments/ledger';
import { prepared } from '../db/prepared';
import { toleranceCents } from './config';
import { countTotal, normalizedCounts } from './counts';
import { sessionFigures, type SessionFigures } from './figures';
import { isOvernight, openSessionRow, type SessionRow } from './session';

export const CLOSE_HANDLER = 'till.close';

export function closingPreview(
  sqlite: Database.Database,
  posteCode: string,
  now: Date,
): ClosingPreview {
  const session = openSessionRow(sqlite, posteCode);
  if (!session) {
    throw ruleError(
      'CAISSE_FERMEE',
      'Aucune caisse n’est ouverte sur ce poste : il n’y a rien à clôturer.',
    );
  }
  const f = sessionFigures(sqlite, session.id);
  return {
    sessionId: session.id,
    openedAt: session.opened_at,
    overnight: isOvernight(session, now),
    modes: f.modes,
    cheques: f.cheques,
    toleranceCents: toleranceCents(sqlite),
  };
}

export interface CloseInput {
  commandId: string;
  cashCounts: CashCount;
  chequesPresent: number[];
  cardBatchCents: number;
  cesuCents: number;
  chequeVacancesCents: number;
  reasons: Partial<Record<TillCountMode, string>>;
  agentId: number;
  /** The agent validating differences above the tolerance (already authenticated), if any. */
  validatorId: number | null;
  posteCode: string;
  now: Date;
}

/** Everything the Z report prints, as carried by the closing journal entry. */
export type ZPayload = {
  commandId: string;
  sessionId: number;
  posteCode: string;
  openedAt: string;
  closedAt: string;
  openedBy: string;
  closedBy: string;
  validatedBy: string | null;
  agents: string[];
  float: { counts: Record<string, number>; countedCents: number; expectedCents: number };
  cashCounts: Record<string, number>;
  modes: SessionFigures['modes'];
  lines: ClosingLine[];
  chequesPresent: { receiptNumber: string; amountCents: number }[];
  chequesMissing: { receiptNumber: string; amountCents: number }[];
  perRegie: SessionFigures['perRegie'];
  cancellations: SessionFigures['cancellations'];
  movements: SessionFigures['movements'];
  grandTotals: ({ regieId: number; regieCode: string } & GrandTotals)[];
  floatLeftCents: number;
  toleranceCents: number;
  lastCoveredSeq: number;
  lastCoveredHash: string;
};

function agentName(sqlite: Database.Database, id: number): string {
  return (
    prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(id) as {
      display_name: string;
    }
  ).display_name;
}

export function closePayload(sqlite: Database.Database, session: SessionRow): ZPayload {
  if (session.close_journal_seq === null) throw new Error('Session non clôturée');
  const row = prepared(sqlite, 'SELECT payload FROM journal_entry WHERE seq = ?').get(
    session.close_journal_seq,
  ) as { payload: string };
  return JSON.parse(row.payload) as ZPayload;
}

function resultOf(session: SessionRow, z: ZPayload, replayed: boolean): CloseResult {
  return {
    sessionId: session.id,
    closedAt: z.closedAt,
    lines: z.lines,
    journalSeq: session.close_journal_seq ?? 0,
    floatLeftCents: z.floatLeftCents,
    replayed,
  };
}

export function closeSession(sqlite: Database.Database, input: CloseInput): CloseResult {
  const hash = requestHash({
    cashCounts: normalizedCounts(input.cashCounts),
    chequesPresent: [...input.chequesPresent].sort((a, b) => a - b),
    cardBatchCents: input.cardBatchCents,
    cesuCents: input.cesuCents,
    chequeVacancesCents: input.chequeVacancesCents,
    reasons: input.reasons,
  });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, CLOSE_HANDLER, hash)) {
        const s = prepared(sqlite, 'SELECT * FROM till_session WHERE close_command_id = ?').get(
          input.commandId,
        ) as SessionRow;
        return resultOf(s, closePayload(sqlite, s), true);
      }
      const session = openSessionRow(sqlite, input.posteCode);
      if (!session) {
        throw ruleError(
          'CAISSE_FERMEE',
          'Aucune caisse n’est ouverte sur ce poste : il n’y a rien à clôturer.',
        );
      }
      const figures = sessionFigures(sqlite, session.id);
      const expectedCheques = new Map(figures.cheques.map((c) => [c.paymentId, c]));
      const unknown = input.chequesPresent.filter((id) => !expectedCheques.has(id));
      if (unknown.length) {
        throw new DomainError(
          'VALIDATION',
          `Chèque(s) coché(s) qui ne font pas partie de cette caisse (paiement n° ${unknown.join(', ')}). Cochez uniquement les chèques de la liste ; rien n’a été enregistré.`,
          'CHEQUE_INCONNU',
        );
      }
      const present = new Set(input.chequesPresent);
      const counted: Record<TillCountMode, number> = {
        especes: countTotal(input.cashCounts),
        cheque: figures.cheques
          .filter((c) => present.has(c.paymentId))
          .reduce((s, c) => s + c.amountCents, 0),
        carte: input.cardBatchCents,
        cesu: input.cesuCents,
        cheque_vacances: input.chequeVacancesCents,
      };
      const lines: ClosingLine[] = figures.modes.map((m) => {
        const difference = counted[m.mode] - m.expectedCents;
        return {
          mode: m.mode,
          label: m.label,
          expectedCents: m.expectedCents,
          countedCents: counted[m.mode],
          differenceCents: difference,
          reason: difference === 0 ? null : (input.reasons[m.mode] ?? null),
        };
      });
      const differing = lines.filter((l) => l.differenceCents !== 0);
      const unexplained = differing.filter((l) => l.reason === null);
      if (unexplained.length) {
        throw ruleError(
          'ECART_SANS_MOTIF',
          `Écart de caisse sans motif : ${unexplained
            .map(
              (l) =>
                `${l.label} ${l.differenceCents < 0 ? 'déficit' : 'excédent'} de ${formatEuro(Math.abs(l.differenceCents))} (attendu ${formatEuro(l.expectedCents)}, compté ${formatEuro(l.countedCents)})`,
            )
            .join(
              ' ; ',
            )}. Recomptez, ou indiquez le motif de chaque écart. La caisse n’a pas été clôturée.`,
          { modes: unexplained.map((l) => l.mode) },
        );
      }
      const tolerance = toleranceCents(sqlite);
      const overTolerance = differing.filter((l) => Math.abs(l.differenceCents) > tolerance);
      if (overTolerance.length && input.validatorId === null) {
        throw ruleError(
          'VALIDATION_REQUISE',
          `Écart supérieur à la tolérance de ${formatEuro(tolerance)} (${overTolerance
            .map((l) => `${l.label} : ${formatEuro(l.differenceCents)}`)
            .join(
              ' ; ',
            )}). Le régisseur ou son suppléant doit valider la clôture en saisissant son identifiant et son mot de passe. La caisse n’a pas été clôturée.`,
        );
      }
      const validatorId = overTolerance.length ? input.validatorId : null;

      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: CLOSE_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      for (const l of differing) {
        const entry = appendJournal(sqlite, 'operations', {
          kind: 'ecart_caisse',
          instant: at,
          agentId: input.agentId,
          regieId: null,
          posteCode: input.posteCode,
          payload: {
            commandId: input.commandId,
            sessionId: session.id,
            mode: l.mode,
            expectedCents: l.expectedCents,
            countedCents: l.countedCents,
            differenceCents: l.differenceCents,
            nature: l.differenceCents < 0 ? 'deficit' : 'excedent',
            reason: l.reason,
            validatedBy: validatorId,
          },
        });
        prepared(
          sqlite,
          `INSERT INTO till_difference (session_id, mode, expected_cents, counted_cents, difference_cents, reason, agent_id, validated_by, at, journal_seq)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          session.id,
          l.mode,
          l.expectedCents,
          l.countedCents,
          l.differenceCents,
          l.reason,
          input.agentId,
          validatorId,
          at,
          entry.seq,
        );
      }
      const cash = figures.modes.find((m) => m.mode === 'especes');
      const takings = (cash?.expectedCents ?? 0) - (cash?.floatCents ?? 0);
      const floatLeft = counted.especes - takings;
      const regieIds = new Set([...figures.perRegie.map((r) => r.regieId)]);
      const grandTotals = [...regieIds].map((regieId) => ({
        regieId,
        regieCode: figures.perRegie.find((r) => r.regieId === regieId)?.regieCode ?? '',
        ...lastGrandTotals(sqlite, regieId),
      }));
      const tip = journalTip(sqlite, 'operations');
      const closedBy = agentName(sqlite, input.agentId);
      const payload: ZPayload = {
        commandId: input.commandId,
        sessionId: session.id,
        posteCode: input.posteCode,
        openedAt: session.opened_at,
        closedAt: at,
        openedBy: agentName(sqlite, session.opened_by),
        closedBy,
        validatedBy: validatorId === null ? null : agentName(sqlite, validatorId),
        agents: [...new Set([...figures.agentNames, closedBy])],
        float: {
          counts: JSON.parse(
            (
              prepared(sqlite, 'SELECT float_counts FROM till_session WHERE id = ?').get(
                session.id,
              ) as { float_counts: string }
            ).float_counts,
          ) as Record<string, number>,
          countedCents: session.float_counted_cents,
          expectedCents: session.float_expected_cents,
        },
        cashCounts: normalizedCounts(input.cashCounts),
        modes: figures.modes,
        lines,
        chequesPresent: figures.cheques
          .filter((c) => present.has(c.paymentId))
          .map((c) => ({ receiptNumber: c.receiptNumber, amountCents: c.amountCents })),
        chequesMissing: figures.cheques
          .filter((c) => !present.has(c.paymentId))
          .map((c) => ({ receiptNumber: c.receiptNumber, amountCents: c.amountCents })),
        perRegie: figures.perRegie,
        cancellations: figures.cancellations,
        movements: figures.movements,
        grandTotals,
        floatLeftCents: floatLeft,
        toleranceCents: tolerance,
        lastCoveredSeq: tip.lastSeq,
        lastCoveredHash: tip.lastHash,
      };
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'cloture_caisse',
        instant: at,
        agentId: input.agentId,
        regieId: null,
        posteCode: input.posteCode,
        payload,
      });
      prepared(
        sqlite,
        `UPDATE till_session SET status = 'closed', close_command_id = ?, closed_at = ?, closed_by = ?,
             validated_by = ?, float_left_cents = ?, close_journal_seq = ? WHERE id = ?`,
      ).run(input.commandId, at, input.agentId, validatorId, floatLeft, entry.seq, session.id);
      const closed = { ...session, close_journal_seq: entry.seq };
      return resultOf(closed, payload, false);
    })
    .immediate();
}
