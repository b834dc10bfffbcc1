// Shared pieces of the report tests: payment drafts for each mode, deposit slips and cash
// deposits written the way the deposits module writes them (the database triggers check them),
// an independent CSV reader, and a refusal catcher.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Input } from '../../../src/shared/contract';
import { IDS } from '../fixtures';

type Draft = Input<'payments.record'>;

const base = (amountCents: number, familyId: number, regieId: number) => ({
  commandId: randomUUID(),
  familyId,
  regieId,
  amountCents,
});

export const pay = {
  cash: (amountCents: number, familyId: number = IDS.dupond, regieId: number = IDS.sco): Draft => ({
    ...base(amountCents, familyId, regieId),
    method: { mode: 'especes' },
  }),
  cheque: (
    amountCents: number,
    number: string,
    familyId: number = IDS.dupond,
    regieId: number = IDS.sco,
  ): Draft => ({
    ...base(amountCents, familyId, regieId),
    method: { mode: 'cheque', bank: 'Banque Populaire', number, drawer: 'Tireur', payee: 'DGFiP' },
  }),
  card: (amountCents: number, familyId: number = IDS.martin): Draft => ({
    ...base(amountCents, familyId, IDS.sco),
    method: { mode: 'carte', terminalReference: 'A12345' },
  }),
  cesu: (amountCents: number, familyId: number = IDS.dupond): Draft => ({
    ...base(amountCents, familyId, IDS.sco),
    method: { mode: 'cesu', titles: [{ count: 1, faceValueCents: amountCents }] },
  }),
  chequesVacances: (amountCents: number, familyId: number = IDS.bernard): Draft => ({
    ...base(amountCents, familyId, IDS.spo),
    method: { mode: 'cheque_vacances', titles: [{ count: 1, faceValueCents: amountCents }] },
  }),
  transfer: (amountCents: number, familyId: number = IDS.dupond): Draft => ({
    ...base(amountCents, familyId, IDS.sco),
    method: { mode: 'virement', reference: 'VIR-2026-03' },
  }),
};

function command(sqlite: Database.Database, handler: string): string {
  const id = randomUUID();
  sqlite
    .prepare(
      "INSERT INTO command (command_id, handler, request_hash, created_at) VALUES (?, ?, 'test', '2026-01-01T00:00:00.000Z')",
    )
    .run(id, handler);
  return id;
}

function agentId(sqlite: Database.Database): number {
  return (
    sqlite.prepare("SELECT id FROM agent WHERE role = 'regisseur' ORDER BY id LIMIT 1").get() as {
      id: number;
    }
  ).id;
}

/** A draft slip holding these payments (as deposits.draft leaves it). */
export function insertDraftSlip(
  sqlite: Database.Database,
  regieId: number,
  kind: 'cheque' | 'cesu' | 'cheque_vacances',
  paymentIds: number[],
  at: string,
): number {
  return Number(
    sqlite
      .prepare(
        `INSERT INTO deposit_slip (command_id, regie_id, kind, status, selection, created_at, created_by, updated_at)
         VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)`,
      )
      .run(
        command(sqlite, 'deposits.draft'),
        regieId,
        kind,
        JSON.stringify(paymentIds),
        at,
        agentId(sqlite),
        at,
      ).lastInsertRowid,
  );
}

/** A validated slip: draft, items written while it is a draft, then validation. */
export function insertValidatedSlip(
  sqlite: Database.Database,
  regieId: number,
  kind: 'cheque' | 'cesu' | 'cheque_vacances',
  paymentIds: number[],
  at: string,
  number: string,
): number {
  return sqlite.transaction(() => {
    const slipId = insertDraftSlip(sqlite, regieId, kind, paymentIds, at);
    let total = 0;
    paymentIds.forEach((paymentId, i) => {
      const { amount_cents } = sqlite
        .prepare('SELECT amount_cents FROM payment WHERE id = ?')
        .get(paymentId) as { amount_cents: number };
      total += amount_cents;
      sqlite
        .prepare(
          'INSERT INTO deposit_slip_item (slip_id, payment_id, line, amount_cents) VALUES (?, ?, ?, ?)',
        )
        .run(slipId, paymentId, i + 1, amount_cents);
    });
    sqlite
      .prepare(
        `UPDATE deposit_slip SET status = 'validated', validate_command_id = ?, year = 2026, seq = ?, number = ?,
           validated_at = ?, validated_by = ?, item_count = ?, total_cents = ?, journal_seq = 999999, selection = '[]'
         WHERE id = ?`,
      )
      .run(
        command(sqlite, 'deposits.validate'),
        slipId,
        number,
        at,
        agentId(sqlite),
        paymentIds.length,
        total,
        slipId,
      );
    return slipId;
  })();
}

/** The sealed-bag deposit that goes with a versement movement (notes only). */
export function insertCashDeposit(
  sqlite: Database.Database,
  movementId: number,
  number: string,
  at: string,
): void {
  const m = sqlite
    .prepare('SELECT regie_id, session_id, amount_cents FROM till_movement WHERE id = ?')
    .get(movementId) as { regie_id: number; session_id: number; amount_cents: number };
  sqlite
    .prepare(
      `INSERT INTO cash_deposit (command_id, regie_id, session_id, movement_id, year, seq, number, notes_counts,
         coins_counts, notes_cents, coins_cents, total_cents, notes_bag, coins_bag, deposited_at, agent_id, journal_seq)
       VALUES (?, ?, ?, ?, 2026, 1, ?, '{}', '{}', ?, 0, ?, 'SAC-0001', NULL, ?, ?, 999998)`,
    )
    .run(
      command(sqlite, 'deposits.cashDeposit'),
      m.regie_id,
      m.session_id,
      movementId,
      number,
      -m.amount_cents,
      -m.amount_cents,
      at,
      agentId(sqlite),
    );
}

/**
 * Reads CSV text the way a spreadsheet does (RFC 4180 with ";"), written independently of the
 * register's writer so that a writer bug cannot hide behind a matching reader bug.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ';') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** What a refused report call must leave as it was: the ledger and both journals. */
export function everything(sqlite: Database.Database): unknown {
  const all = (sql: string) => sqlite.prepare(sql).all();
  return {
    ledger: all('SELECT id, amount_cents FROM payment ORDER BY id'),
    cancellations: all('SELECT id FROM cancellation ORDER BY id'),
    journal: all('SELECT last_seq, last_hash FROM journal_tip'),
    tech: all('SELECT last_seq, last_hash FROM tech_journal_tip'),
    slips: all('SELECT id, status FROM deposit_slip ORDER BY id'),
  };
}

export { refusal } from '../fixtures';
