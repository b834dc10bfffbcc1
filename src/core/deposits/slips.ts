// Deposit slips (bordereaux de remise) of cheques, CESU and chèques-vacances. A régie has at
// most one draft per kind (a partial UNIQUE index says so); its selection may be replaced until
// the slip is validated. Validation re-checks every item, writes the items, draws the gapless
// number inside the same immediate transaction (so two postes validating at once, or a
// validation that fails half-way, can neither share nor waste a number), journals the slip and
// freezes it: triggers refuse any later change. A cheque cancelled after validation stays on
// the slip, which then shows the adjustment.
import type Database from 'better-sqlite3';
import {
  slipNumberPrefix,
  type DepositCandidate,
  type SlipKind,
  type SlipLine,
  type SlipView,
} from '../../shared/contract/deposits';
import { formatDate, formatInstant } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { paymentModeLabels, type PaymentMode } from '../../shared/payment-modes';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { nextDay, parisDayStart, parisYear } from '../journal/paris-time';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { prepared } from '../db/prepared';

export const DRAFT_HANDLER = 'deposits.draft';
export const VALIDATE_HANDLER = 'deposits.validate';

/** How an empty selection is worded, per kind. */
const noneWord: Record<SlipKind, string> = {
  cheque: 'Aucun chèque',
  cesu: 'Aucun paiement en CESU',
  cheque_vacances: 'Aucun paiement en chèques-vacances',
};

const titleIssuer: Record<Exclude<SlipKind, 'cheque'>, string> = {
  cesu: 'CESU',
  cheque_vacances: 'ANCV',
};

export interface RegieInfo {
  id: number;
  code: string;
  name: string;
  dft_account: string | null;
}

export function regieInfo(sqlite: Database.Database, regieId: number): RegieInfo {
  const r = prepared(sqlite, 'SELECT id, code, name, dft_account FROM regie WHERE id = ?').get(
    regieId,
  ) as RegieInfo | undefined;
  if (!r) throw notFound('Régie');
  return r;
}

/** A payment as a slip sees it, with everything that decides whether it may be deposited. */
interface PaymentRow {
  id: number;
  regie_id: number;
  regie_code: string;
  mode: PaymentMode;
  receipt_number: string;
  recorded_at: string;
  family_name: string;
  amount_cents: number;
  details: string;
  poste_code: string;
  /** Status of the till session it was collected in; null when it has no till link. */
  session_status: 'open' | 'closed' | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  /** The validated slip it is already on, if any. */
  slip_id: number | null;
  slip_number: string | null;
}

const paymentSelect = `
  SELECT p.id, p.regie_id, r.code AS regie_code, p.mode, p.receipt_number, p.recorded_at,
         f.family_name, p.amount_cents, p.details, p.poste_code,
         (SELECT s.status FROM till_link l JOIN till_session s ON s.id = l.session_id
            WHERE l.payment_id = p.id) AS session_status,
         c.cancelled_at, c.reason AS cancel_reason,
         i.slip_id, ds.number AS slip_number
    FROM payment p
    JOIN regie r ON r.id = p.regie_id
    JOIN family f ON f.id = p.family_id
    LEFT JOIN cancellation c ON c.payment_id = p.id
    LEFT JOIN deposit_slip_item i ON i.payment_id = p.id
    LEFT JOIN deposit_slip ds ON ds.id = i.slip_id`;

/** The payments with these ids, by id (missing ids are simply absent). */
function paymentRows(sqlite: Database.Database, ids: readonly number[]): Map<number, PaymentRow> {
  if (ids.length === 0) return new Map();
  const rows = prepared(
    sqlite,
    `${paymentSelect} WHERE p.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as PaymentRow[];
  return new Map(rows.map((r) => [r.id, r]));
}

/** A payment that collected money in a session still open cannot leave the drawer yet. */
function sessionClosed(row: PaymentRow): boolean {
  return row.session_status !== 'open';
}

function describeTitles(details: Record<string, unknown>): { text: string; count: number } {
  const titles = Array.isArray(details.titles)
    ? (details.titles as { count?: unknown; faceValueCents?: unknown }[])
    : [];
  const parts: string[] = [];
  let count = 0;
  for (const t of titles) {
    if (typeof t.count !== 'number' || typeof t.faceValueCents !== 'number') continue;
    count += t.count;
    parts.push(`${t.count} × ${formatEuro(t.faceValueCents)}`);
  }
  return { text: parts.join(' + '), count };
}

function toCandidate(row: PaymentRow, kind: SlipKind): DepositCandidate {
  let details: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.details);
    if (parsed && typeof parsed === 'object') details = parsed as Record<string, unknown>;
  } catch {
    // A payment's details are written by the core as canonical JSON; an unreadable one shows
    // blank fields rather than hiding the payment from the slip.
  }
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  const common = {
    paymentId: row.id,
    receiptNumber: row.receipt_number,
    recordedAt: row.recorded_at,
    familyName: row.family_name,
    amountCents: row.amount_cents,
    sessionClosed: sessionClosed(row),
  };
  if (kind === 'cheque') {
    return {
      ...common,
      bank: s(details.bank),
      number: s(details.number),
      drawer: s(details.drawer),
      titleCount: null,
    };
  }
  const titles = describeTitles(details);
  return {
    ...common,
    bank: titleIssuer[kind],
    number: titles.text,
    drawer: row.family_name,
    titleCount: titles.count,
  };
}

/** The instant before which a payment is "up to" a Paris date (that whole day included). */
function upToInstant(upToDate: string | undefined | null): string {
  return upToDate ? parisDayStart(nextDay(upToDate)).toISOString() : '9999-12-31T23:59:59.999Z';
}

/** Why this payment cannot go on the régie's slip of this kind now, in French, or null. */
function refusalOf(
  row: PaymentRow | undefined,
  paymentId: number,
  regie: RegieInfo,
  kind: SlipKind,
  upTo: string,
): string | null {
  if (!row) return `le paiement n° ${paymentId} n’existe pas`;
  const r = row.receipt_number;
  if (row.regie_id !== regie.id) {
    return `le reçu ${r} relève d’une autre régie (${row.regie_code}) : il va sur un bordereau de sa régie`;
  }
  if (row.mode !== kind) {
    return `le reçu ${r} n’est pas un paiement par ${paymentModeLabels[kind].toLowerCase()} (mode : ${paymentModeLabels[row.mode].toLowerCase()})`;
  }
  if (row.cancelled_at !== null) {
    return `le reçu ${r} a été annulé le ${formatInstant(row.cancelled_at)}`;
  }
  if (row.slip_number !== null) {
    return `le reçu ${r} figure déjà sur le bordereau ${row.slip_number}`;
  }
  if (!sessionClosed(row)) {
    return `le reçu ${r} a été encaissé dans la caisse encore ouverte du poste ${row.poste_code} : clôturez-la (pointage des chèques) avant de le remettre`;
  }
  if (row.recorded_at >= upTo) {
    return `le reçu ${r} a été encaissé après la date limite choisie`;
  }
  return null;
}

/**
 * Every payment of the régie and mode that is not cancelled and not on a validated slip, up to
 * a Paris date if given, oldest first. Those of a session still open are returned flagged
 * (sessionClosed false) so the agent sees why they are not offered.
 */
export function listCandidates(
  sqlite: Database.Database,
  regieId: number,
  kind: SlipKind,
  upToDate?: string | null,
): DepositCandidate[] {
  regieInfo(sqlite, regieId);
  const rows = prepared(
    sqlite,
    `${paymentSelect}
      WHERE p.regie_id = ? AND p.mode = ? AND p.recorded_at < ?
        AND c.id IS NULL AND i.id IS NULL
      ORDER BY p.recorded_at, p.id`,
  ).all(regieId, kind, upToInstant(upToDate)) as PaymentRow[];
  return rows.map((r) => toCandidate(r, kind));
}

interface SlipRow {
  id: number;
  command_id: string;
  regie_id: number;
  kind: SlipKind;
  status: 'draft' | 'validated';
  selection: string;
  up_to_date: string | null;
  created_at: string;
  created_by: number;
  updated_at: string;
  validate_command_id: string | null;
  year: number | null;
  seq: number | null;
  number: string | null;
  validated_at: string | null;
  validated_by: number | null;
  item_count: number | null;
  total_cents: number | null;
  journal_seq: number | null;
}

function slipRow(sqlite: Database.Database, slipId: number): SlipRow | null {
  return (
    (prepared(sqlite, 'SELECT * FROM deposit_slip WHERE id = ?').get(slipId) as
      SlipRow | undefined) ?? null
  );
}

function agentName(sqlite: Database.Database, id: number | null): string | null {
  if (id === null) return null;
  const row = prepared(sqlite, 'SELECT display_name FROM agent WHERE id = ?').get(id) as
    { display_name: string } | undefined;
  return row?.display_name ?? null;
}

function parseSelection(text: string): number[] {
  const v: unknown = JSON.parse(text);
  return Array.isArray(v) ? v.filter((n): n is number => Number.isSafeInteger(n)) : [];
}

/** "Le chèque n° 1234567 (reçu R-…, 120,00 €)", with its capital: it starts a sentence. */
function describeItem(kind: SlipKind, line: DepositCandidate): string {
  return kind === 'cheque'
    ? `Le chèque n° ${line.number || '?'} (reçu ${line.receiptNumber}, ${formatEuro(line.amountCents)})`
    : `Le paiement en ${paymentModeLabels[kind]} du reçu ${line.receiptNumber} (${formatEuro(line.amountCents)})`;
}

/** The slip as the screens and the PDF show it. */
export function slipView(sqlite: Database.Database, slip: SlipRow): SlipView {
  const regie = regieInfo(sqlite, slip.regie_id);
  const selection = parseSelection(slip.selection);
  const notices: string[] = [];
  let lines: SlipLine[];
  if (slip.status === 'draft') {
    const rows = paymentRows(sqlite, selection);
    lines = selection.flatMap((id, i): SlipLine[] => {
      const row = rows.get(id);
      if (!row) return [];
      const candidate = toCandidate(row, slip.kind);
      const cancelled =
        row.cancelled_at === null
          ? null
          : { at: row.cancelled_at, reason: row.cancel_reason ?? '' };
      if (cancelled) {
        notices.push(
          `${describeItem(slip.kind, candidate)} a été annulé le ${formatInstant(cancelled.at)} : il sera retiré du bordereau à la validation.`,
        );
      }
      return [{ ...candidate, line: i + 1, cancelled }];
    });
  } else {
    const items = prepared(
      sqlite,
      'SELECT payment_id, line FROM deposit_slip_item WHERE slip_id = ? ORDER BY line',
    ).all(slip.id) as { payment_id: number; line: number }[];
    const rows = paymentRows(
      sqlite,
      items.map((i) => i.payment_id),
    );
    lines = items.flatMap((item): SlipLine[] => {
      const row = rows.get(item.payment_id);
      if (!row) return [];
      return [
        {
          ...toCandidate(row, slip.kind),
          line: item.line,
          cancelled:
            row.cancelled_at === null
              ? null
              : { at: row.cancelled_at, reason: row.cancel_reason ?? '' },
        },
      ];
    });
    // What the draft held but validation left out (cancelled meanwhile) is said on the slip.
    const onSlip = new Set(items.map((i) => i.payment_id));
    const left = selection.filter((id) => !onSlip.has(id));
    const leftRows = paymentRows(sqlite, left);
    for (const id of left) {
      const row = leftRows.get(id);
      if (!row) continue;
      notices.push(
        `${describeItem(slip.kind, toCandidate(row, slip.kind))} a été retiré du brouillon à la validation${row.cancelled_at && row.cancelled_at <= (slip.validated_at ?? '') ? ` : il avait été annulé le ${formatInstant(row.cancelled_at)}` : ''}.`,
      );
    }
  }
  const live = slip.status === 'draft' ? lines.filter((l) => l.cancelled === null) : lines;
  const count = slip.status === 'draft' ? live.length : (slip.item_count ?? lines.length);
  const totalCents =
    slip.status === 'draft'
      ? live.reduce((s, l) => s + l.amountCents, 0)
      : (slip.total_cents ?? lines.reduce((s, l) => s + l.amountCents, 0));
  const adjustments =
    slip.status === 'validated'
      ? lines.flatMap((l) =>
          l.cancelled
            ? [
                {
                  paymentId: l.paymentId,
                  receiptNumber: l.receiptNumber,
                  amountCents: l.amountCents,
                  at: l.cancelled.at,
                  reason: l.cancelled.reason,
                },
              ]
            : [],
        )
      : [];
  return {
    slipId: slip.id,
    regieId: regie.id,
    regieCode: regie.code,
    regieName: regie.name,
    kind: slip.kind,
    status: slip.status,
    number: slip.number,
    upToDate: slip.up_to_date,
    createdAt: slip.created_at,
    createdBy: agentName(sqlite, slip.created_by) ?? '',
    validatedAt: slip.validated_at,
    validatedBy: agentName(sqlite, slip.validated_by),
    dftAccount: regie.dft_account,
    lines,
    count,
    totalCents,
    adjustments,
    adjustedTotalCents: totalCents - adjustments.reduce((s, a) => s + a.amountCents, 0),
    notices,
  };
}

export function getSlip(sqlite: Database.Database, slipId: number): SlipView {
  const slip = slipRow(sqlite, slipId);
  if (!slip) throw notFound('Bordereau');
  return slipView(sqlite, slip);
}

export function listSlips(
  sqlite: Database.Database,
  filter: { regieId?: number; kind?: SlipKind; limit: number },
): SlipView[] {
  const rows = prepared(
    sqlite,
    `SELECT * FROM deposit_slip
      WHERE (@regie IS NULL OR regie_id = @regie) AND (@kind IS NULL OR kind = @kind)
      ORDER BY status = 'draft' DESC, COALESCE(validated_at, updated_at) DESC, id DESC
      LIMIT @limit`,
  ).all({
    regie: filter.regieId ?? null,
    kind: filter.kind ?? null,
    limit: filter.limit,
  }) as SlipRow[];
  return rows.map((r) => slipView(sqlite, r));
}

export interface DraftInput {
  commandId: string;
  regieId: number;
  kind: SlipKind;
  paymentIds?: number[];
  upToDate?: string;
  agentId: number;
  posteCode: string;
  now: Date;
}

/** Creates the régie's draft of this kind, or replaces the selection of the existing one. */
export function saveDraft(
  sqlite: Database.Database,
  input: DraftInput,
): { slip: SlipView; replayed: boolean } {
  const hash = requestHash({
    regieId: input.regieId,
    kind: input.kind,
    paymentIds: input.paymentIds ?? null,
    upToDate: input.upToDate ?? null,
  });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, DRAFT_HANDLER, hash)) {
        const entry = prepared(
          sqlite,
          `SELECT json_extract(payload, '$.slipId') AS slip_id FROM journal_entry
            WHERE kind = 'bordereau_brouillon' AND json_extract(payload, '$.commandId') = ?`,
        ).get(input.commandId) as { slip_id: number };
        return { slip: getSlip(sqlite, entry.slip_id), replayed: true };
      }
      const regie = regieInfo(sqlite, input.regieId);
      const upTo = upToInstant(input.upToDate);
      let selection: number[];
      if (input.paymentIds) {
        selection = [...new Set(input.paymentIds)];
        const rows = paymentRows(sqlite, selection);
        const refused = selection
          .map((id) => refusalOf(rows.get(id), id, regie, input.kind, upTo))
          .filter((r): r is string => r !== null);
        if (refused.length) {
          throw ruleError(
            'NON_REMETTABLE',
            `Sélection refusée : ${refused.join(' ; ')}. Retirez ${refused.length > 1 ? 'ces paiements' : 'ce paiement'} de la sélection ; le brouillon n’a pas été modifié.`,
            { count: refused.length },
          );
        }
      } else {
        selection = listCandidates(sqlite, regie.id, input.kind, input.upToDate)
          .filter((c) => c.sessionClosed)
          .map((c) => c.paymentId);
      }
      if (selection.length === 0) {
        throw ruleError(
          'SELECTION_VIDE',
          `${noneWord[input.kind]} à remettre${input.upToDate ? ` jusqu’au ${formatDate(input.upToDate)}` : ''} pour la ${regie.name} : le bordereau serait vide. Seuls les paiements non annulés, pas encore remis et d’une caisse clôturée peuvent y figurer. Le brouillon n’a pas été modifié.`,
        );
      }
      const rows = paymentRows(sqlite, selection);
      const totalCents = selection.reduce((s, id) => s + (rows.get(id)?.amount_cents ?? 0), 0);
      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: DRAFT_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      const existing = prepared(
        sqlite,
        "SELECT * FROM deposit_slip WHERE regie_id = ? AND kind = ? AND status = 'draft'",
      ).get(regie.id, input.kind) as SlipRow | undefined;
      let slipId: number;
      if (existing) {
        slipId = existing.id;
        prepared(
          sqlite,
          "UPDATE deposit_slip SET selection = ?, up_to_date = ?, updated_at = ? WHERE id = ? AND status = 'draft'",
        ).run(JSON.stringify(selection), input.upToDate ?? null, at, slipId);
      } else {
        slipId = Number(
          prepared(
            sqlite,
            `INSERT INTO deposit_slip (command_id, regie_id, kind, status, selection, up_to_date, created_at, created_by, updated_at)
               VALUES (?, ?, ?, 'draft', ?, ?, ?, ?, ?)`,
          ).run(
            input.commandId,
            regie.id,
            input.kind,
            JSON.stringify(selection),
            input.upToDate ?? null,
            at,
            input.agentId,
            at,
          ).lastInsertRowid,
        );
      }
      appendJournal(sqlite, 'operations', {
        kind: 'bordereau_brouillon',
        instant: at,
        agentId: input.agentId,
        regieId: regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          slipId,
          regieId: regie.id,
          regieCode: regie.code,
          slipKind: input.kind,
          created: !existing,
          upToDate: input.upToDate ?? null,
          paymentIds: selection,
          count: selection.length,
          totalCents,
        },
      });
      return { slip: getSlip(sqlite, slipId), replayed: false };
    })
    .immediate();
}

export function formatSlipNumber(kind: SlipKind, regieCode: string, year: number, seq: number) {
  return `${slipNumberPrefix[kind]}-${regieCode}-${year}-${String(seq).padStart(4, '0')}`;
}

export interface ValidateInput {
  commandId: string;
  slipId: number;
  agentId: number;
  posteCode: string;
  now: Date;
}

/** Validates the draft: re-checked items written, gapless number drawn, journaled, frozen. */
export function validateSlip(
  sqlite: Database.Database,
  input: ValidateInput,
): { slip: SlipView; replayed: boolean } {
  const hash = requestHash({ slipId: input.slipId });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, VALIDATE_HANDLER, hash)) {
        const row = prepared(
          sqlite,
          'SELECT * FROM deposit_slip WHERE validate_command_id = ?',
        ).get(input.commandId) as SlipRow;
        return { slip: slipView(sqlite, row), replayed: true };
      }
      const slip = slipRow(sqlite, input.slipId);
      if (!slip) throw notFound('Bordereau');
      if (slip.status === 'validated') {
        throw new DomainError(
          'CONFLIT',
          `Le bordereau ${slip.number ?? ''} est déjà validé (le ${formatInstant(slip.validated_at ?? '')} par ${agentName(sqlite, slip.validated_by) ?? '?'}). Il ne peut plus être modifié ; rien n’a été enregistré.`,
          'BORDEREAU_DEJA_VALIDE',
        );
      }
      const regie = regieInfo(sqlite, slip.regie_id);
      const selection = parseSelection(slip.selection);
      const rows = paymentRows(sqlite, selection);
      const upTo = upToInstant(null);
      const kept: PaymentRow[] = [];
      const dropped: { paymentId: number; receiptNumber: string | null; why: string }[] = [];
      for (const id of selection) {
        const row = rows.get(id);
        const why = refusalOf(row, id, regie, slip.kind, upTo);
        if (why === null && row) kept.push(row);
        else
          dropped.push({
            paymentId: id,
            receiptNumber: row?.receipt_number ?? null,
            why: why ?? '',
          });
      }
      if (kept.length === 0) {
        throw ruleError(
          'BORDEREAU_VIDE',
          `Plus rien à remettre sur ce brouillon : ${dropped.map((d) => d.why).join(' ; ')}. Rien n’a été validé ; refaites la sélection.`,
        );
      }
      const at = input.now.toISOString();
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: VALIDATE_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      // The number is drawn last, inside this immediate transaction: nothing that can still
      // refuse comes after it, and a rollback takes the number back with everything else.
      const year = parisYear(input.now);
      const seq = (
        prepared(
          sqlite,
          'SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM deposit_slip WHERE regie_id = ? AND kind = ? AND year = ?',
        ).get(regie.id, slip.kind, year) as { seq: number }
      ).seq;
      const number = formatSlipNumber(slip.kind, regie.code, year, seq);
      const lines = kept.map((row, i) => ({ line: i + 1, row, c: toCandidate(row, slip.kind) }));
      const insertItem = prepared(
        sqlite,
        'INSERT INTO deposit_slip_item (slip_id, payment_id, line, amount_cents) VALUES (?, ?, ?, ?)',
      );
      for (const l of lines) insertItem.run(slip.id, l.row.id, l.line, l.row.amount_cents);
      const totalCents = kept.reduce((s, r) => s + r.amount_cents, 0);
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'bordereau_valide',
        instant: at,
        agentId: input.agentId,
        regieId: regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          slipId: slip.id,
          regieId: regie.id,
          regieCode: regie.code,
          slipKind: slip.kind,
          number,
          year,
          seq,
          dftAccount: regie.dft_account,
          lines: lines.map((l) => ({
            line: l.line,
            paymentId: l.row.id,
            receiptNumber: l.row.receipt_number,
            bank: l.c.bank,
            number: l.c.number,
            drawer: l.c.drawer,
            amountCents: l.row.amount_cents,
          })),
          count: lines.length,
          totalCents,
          dropped: dropped.map((d) => ({ paymentId: d.paymentId, receiptNumber: d.receiptNumber })),
        },
      });
      prepared(
        sqlite,
        `UPDATE deposit_slip SET status = 'validated', validate_command_id = ?, year = ?, seq = ?, number = ?,
             validated_at = ?, validated_by = ?, item_count = ?, total_cents = ?, journal_seq = ?, updated_at = ?
           WHERE id = ? AND status = 'draft'`,
      ).run(
        input.commandId,
        year,
        seq,
        number,
        at,
        input.agentId,
        lines.length,
        totalCents,
        entry.seq,
        at,
        slip.id,
      );
      const view = getSlip(sqlite, slip.id);
      return { slip: view, replayed: false };
    })
    .immediate();
}
