// The shared scenario of the closure tests: a core with a controllable clock, the two agents
// who work at the counter, and two days of payments in several modes with a cancellation and a
// credit use. The bindings below are live: tests read them after start() and at().
import { expect } from 'vitest';
import type { Input } from '../../../src/shared/contract';
import { closeSession } from '../../../src/core/till/closing';
import { sessionFigures } from '../../../src/core/till/figures';
import { openSessionRow } from '../../../src/core/till/session';
import {
  IDS,
  countOf,
  ledgerSnapshot,
  newCommandId,
  openTestCore,
  rolloverTill,
  type TestCore,
} from '../fixtures';

export let t: TestCore;
export let regisseur: string;
export let mandataire: string;

export async function start(opts: Parameters<typeof openTestCore>[0] = {}): Promise<void> {
  t = await openTestCore(opts);
  await loginAll();
}

export async function loginAll(): Promise<void> {
  regisseur = await t.login('regisseur');
  mandataire = await t.login('mandataire');
}

/** Moves the clock to a UTC instant and logs the agents in again (a jump ends their sessions). */
export async function at(iso: string): Promise<void> {
  t.clock.ms = Date.parse(iso);
  await loginAll();
}

export const pay = (
  familyId: number,
  amountCents: number,
  method: Input<'payments.record'>['method'],
  regieId: number = IDS.sco,
) =>
  t.call(
    'payments.record',
    { commandId: newCommandId(), familyId, regieId, amountCents, method },
    mandataire,
  );
export const cash = { mode: 'especes' as const };
export const cheque = {
  mode: 'cheque' as const,
  bank: 'Banque Populaire',
  number: '1234567',
  drawer: 'Hélène Dupond',
  payee: 'DGFiP',
};
export const card = { mode: 'carte' as const, terminalReference: 'A12345' };
export const transfer = (reference: string) => ({ mode: 'virement' as const, reference });

export const close = (
  kind: 'jour' | 'mois' | 'annee',
  period: string,
  opts: { token?: string; commandId?: string; regieId?: number } = {},
) =>
  t.call(
    'closures.close',
    {
      commandId: opts.commandId ?? newCommandId(),
      regieId: opts.regieId ?? IDS.sco,
      kind,
      period,
    },
    opts.token ?? regisseur,
  );

export function closureRows() {
  return t.sqlite.prepare('SELECT * FROM closure ORDER BY id').all();
}

/** Everything a refused closing must leave as it was. */
export function snapshot() {
  return { ledger: ledgerSnapshot(t.sqlite), closures: closureRows() };
}

export function addInvoice(id: number, familyId: number, amount: number, due: string): void {
  t.sqlite
    .prepare(
      `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
       VALUES (?, ?, ?, ?, 'Cantine', ?, ?, ?, ?, ?, 'emise', 'import')`,
    )
    .run(
      id,
      `FAC-SCO-X${id}`,
      IDS.sco,
      familyId,
      due.slice(0, 7),
      due,
      due,
      amount,
      `REFX${String(id).padStart(6, '0')}`,
    );
}

/**
 * Two days at the counter. Monday 16 March 2026 (Paris): SCO takes 49,00 € cash, a 120,00 €
 * cheque, 30,00 € by card and a 100,00 € transfer that leaves 70,00 € of credit; SPO takes
 * 35,00 € cash. Tuesday 17: the cheque of Monday is cancelled, SCO takes 20,00 € cash, and
 * 25,00 € of Martin's credit settles a new invoice. Both tills are closed at the end of each day.
 */
export async function twoDays(
  opts: { cashShortOnTuesdayCents?: number } = {},
): Promise<{ chequeId: number }> {
  await pay(IDS.dupond, 4900, cash);
  const chq = await pay(IDS.dupond, 12000, cheque);
  await pay(IDS.martin, 3000, card);
  const vir = await pay(IDS.martin, 10000, transfer('VIR-0316'));
  expect(vir.creditCreatedCents).toBe(7000);
  await pay(IDS.bernard, 3500, cash, IDS.spo);

  await at('2026-03-17T08:00:00.000Z');
  rolloverTill(t.sqlite, new Date(t.clock.ms), { closeAt: new Date('2026-03-16T17:00:00.000Z') });
  await t.call(
    'payments.cancel',
    { commandId: newCommandId(), paymentId: chq.paymentId, reason: 'Chèque sans provision' },
    regisseur,
  );
  await pay(IDS.dupond, 2000, cash);
  addInvoice(70, IDS.martin, 2500, '2026-04-10');
  await t.call(
    'credits.apply',
    { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
    mandataire,
  );
  await at('2026-03-17T17:00:00.000Z');
  closeTill({ cashShortCents: opts.cashShortOnTuesdayCents ?? 0 });
  return { chequeId: chq.paymentId };
}

/**
 * Closes the poste's open session, counting what is expected except `cashShortCents` missing
 * from the cash (a déficit, given with its reason and validated by the régisseur).
 */
export function closeTill(opts: { cashShortCents?: number } = {}): void {
  const s = openSessionRow(t.sqlite, 'P01');
  if (!s) return;
  const f = sessionFigures(t.sqlite, s.id);
  const expected = (mode: string) => f.modes.find((m) => m.mode === mode)?.expectedCents ?? 0;
  const agent = t.sqlite.prepare("SELECT id FROM agent WHERE role = 'regisseur'").get() as {
    id: number;
  };
  const short = opts.cashShortCents ?? 0;
  closeSession(t.sqlite, {
    commandId: newCommandId(),
    cashCounts: countOf(expected('especes') - short),
    chequesPresent: f.cheques.map((c) => c.paymentId),
    cardBatchCents: expected('carte'),
    cesuCents: expected('cesu'),
    chequeVacancesCents: expected('cheque_vacances'),
    reasons: short ? { especes: 'Erreur de rendu de monnaie' } : {},
    agentId: agent.id,
    validatorId: agent.id,
    posteCode: 'P01',
    now: new Date(t.clock.ms),
  });
}

export { refusal } from '../fixtures';
