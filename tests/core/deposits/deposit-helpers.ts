// Shared pieces of the deposit tests: payments in each mode deposited on slips, and the counts
// of everything a refused deposit command must leave untouched.
import type Database from 'better-sqlite3';
import type { Input } from '../../../src/shared/contract';
import { IDS, newCommandId, type TestCore } from '../fixtures';

/** Martin (SCO) takes any amount: beyond his one invoice it becomes credit, which SCO allows. */
export function chequeDraft(
  amountCents: number,
  number: string,
  opts: { regieId?: number; familyId?: number; bank?: string; drawer?: string } = {},
): Input<'payments.record'> {
  const regieId = opts.regieId ?? IDS.sco;
  return {
    commandId: newCommandId(),
    familyId: opts.familyId ?? (regieId === IDS.spo ? IDS.bernard : IDS.martin),
    regieId,
    amountCents,
    method: {
      mode: 'cheque',
      bank: opts.bank ?? 'Crédit Agricole',
      number,
      drawer: opts.drawer ?? 'Paul Martin',
      payee: 'DGFiP',
    },
  };
}

export function cashDraft(amountCents: number, familyId: number = IDS.martin) {
  return {
    commandId: newCommandId(),
    familyId,
    regieId: IDS.sco,
    amountCents,
    method: { mode: 'especes' as const },
  };
}

export function cesuDraft(titles: { count: number; faceValueCents: number }[]) {
  return {
    commandId: newCommandId(),
    familyId: IDS.martin,
    regieId: IDS.sco,
    amountCents: titles.reduce((s, t) => s + t.count * t.faceValueCents, 0),
    method: { mode: 'cesu' as const, titles },
  };
}

export function vacancesDraft(titles: { count: number; faceValueCents: number }[]) {
  return {
    commandId: newCommandId(),
    familyId: IDS.bernard,
    regieId: IDS.spo,
    amountCents: titles.reduce((s, t) => s + t.count * t.faceValueCents, 0),
    method: { mode: 'cheque_vacances' as const, titles },
  };
}

/** The deposit tables, the till's movements, commands and the journal's tip. */
export function depositSnapshot(sqlite: Database.Database): Record<string, unknown> {
  const all = (sql: string) => sqlite.prepare(sql).all();
  return {
    slips: all('SELECT * FROM deposit_slip ORDER BY id'),
    items: all('SELECT * FROM deposit_slip_item ORDER BY id'),
    cash: all('SELECT * FROM cash_deposit ORDER BY id'),
    movements: all('SELECT * FROM till_movement ORDER BY id'),
    commands: sqlite.prepare('SELECT count(*) AS n FROM command').get(),
    journal: sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  };
}

export function journalPayloads(
  sqlite: Database.Database,
  kind: string,
): Record<string, unknown>[] {
  return (
    sqlite.prepare('SELECT payload FROM journal_entry WHERE kind = ? ORDER BY seq').all(kind) as {
      payload: string;
    }[]
  ).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}

/** Records payments as the given agent; returns their ids and receipt numbers. */
export async function record(
  t: TestCore,
  token: string,
  drafts: Input<'payments.record'>[],
): Promise<{ paymentId: number; receiptNumber: string }[]> {
  const out: { paymentId: number; receiptNumber: string }[] = [];
  for (const d of drafts) {
    const r = await t.call('payments.record', d, token);
    out.push({ paymentId: r.paymentId, receiptNumber: r.receiptNumber });
  }
  return out;
}

export { refusal } from '../fixtures';
