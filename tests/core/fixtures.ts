// A small, fully known register for precise assertions: one commune, two régies (SCO allows
// credits and accepts espèces/chèque/carte/CESU/virement; SPO allows no credit and accepts
// espèces/chèque/chèques-vacances), poste P01, the four agents with known passwords, and a few
// families with invoices in every status. Tests drive it through openCore()/send() like the UI.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import pino from 'pino';
import { hashPassword } from '../../src/core/auth/passwords';
import { openCore, type Core } from '../../src/core/core';
import { closeSession } from '../../src/core/till/closing';
import { sessionFigures } from '../../src/core/till/figures';
import { openSession, openSessionRow } from '../../src/core/till/session';
import { denominations, type CashCount } from '../../src/shared/contract';
import type { HandlerName, Input, Output } from '../../src/shared/contract';
import type { AppError } from '../../src/shared/errors';
import type { Role } from '../../src/shared/roles';

export const PASSWORDS: Record<Role, string> = {
  regisseur: 'Regie-Titulaire-2026',
  suppleant: 'Suppleant-2026!',
  mandataire: 'Guichet-Mandataire-1',
  controleur: 'Controle-Tresor-9',
};
export const LOGINS: Record<Role, string> = {
  regisseur: 'rtitulaire',
  suppleant: 'msuppleant',
  mandataire: 'mguichet',
  controleur: 'ccontrole',
};
export const AGENT_NAMES: Record<Role, string> = {
  regisseur: 'Régine Titulaire',
  suppleant: 'Sylvain Suppléant',
  mandataire: 'Marc Guichet',
  controleur: 'Claire Contrôle',
};

let hashes: Promise<Record<Role, string>> | null = null;
/** scrypt is slow on purpose: hash the four passwords once per test process. */
function passwordHashes(): Promise<Record<Role, string>> {
  hashes ??= (async () => {
    const entries = await Promise.all(
      (Object.keys(PASSWORDS) as Role[]).map(async (r) => [r, await hashPassword(PASSWORDS[r])]),
    );
    return Object.fromEntries(entries) as Record<Role, string>;
  })();
  return hashes;
}

export const IDS = {
  commune: 1,
  sco: 1,
  spo: 2,
  dupond: 1,
  martin: 2,
  bernard: 3,
  /** Dupond, SCO. Oldest payable first: inv1, inv2, inv3 (inv5 is prélèvement). */
  inv1: 1, // 49,00 € due 2026-01-10
  inv2: 2, // 120,00 € due 2026-02-10
  inv3: 3, // 450,00 € due 2026-03-10
  invTresorerie: 4, // 30,00 € due 2025-10-10, en trésorerie
  invPrelevement: 5, // 25,00 € due 2026-02-20, prélèvement
  invAnnulee: 6, // 15,00 €, annulée
  invSpo: 7, // Dupond, SPO, 80,00 €
  invMartin: 8, // Martin, SCO, 60,00 €
  invBernardSpo: 9, // Bernard, SPO, 35,00 €
} as const;

export async function buildFixture(sqlite: Database.Database): Promise<void> {
  const h = await passwordHashes();
  sqlite.transaction(() => {
    sqlite
      .prepare(
        `INSERT INTO commune (id, name, address_line, postal_code, city) VALUES (1, 'Ville de Test', '1 place de la Mairie', '69100', 'Villetest')`,
      )
      .run();
    const regie = sqlite.prepare(
      `INSERT INTO regie (id, commune_id, code, name, accepted_modes, cash_ceiling_cents, float_cents, creditor_label,
         allow_credit, allow_direct_debit_payment, service_name, service_address, service_phone)
       VALUES (?, 1, ?, ?, ?, 150000, 15000, ?, ?, 0, ?, ?, ?)`,
    );
    regie.run(
      IDS.sco,
      'SCO',
      'Régie scolaire et périscolaire',
      JSON.stringify(['especes', 'cheque', 'carte', 'cesu', 'virement']),
      'Régie scolaire de Ville de Test',
      1,
      'Service Éducation',
      '3 rue des Écoles, 69100 Villetest',
      '04 00 00 00 01',
    );
    regie.run(
      IDS.spo,
      'SPO',
      'Régie des sports',
      JSON.stringify(['especes', 'cheque', 'cheque_vacances']),
      'Régie des sports de Ville de Test',
      0,
      'Service des sports',
      'Gymnase municipal, 69100 Villetest',
      null,
    );
    sqlite.prepare(`INSERT INTO poste (id, code, name) VALUES (1, 'P01', 'Accueil mairie')`).run();
    sqlite
      .prepare(
        `INSERT INTO setting (key, value) VALUES ('poste_code', 'P01') ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      )
      .run();
    const agent = sqlite.prepare(
      'INSERT INTO agent (login, display_name, role, password_hash) VALUES (?, ?, ?, ?)',
    );
    for (const role of Object.keys(PASSWORDS) as Role[]) {
      agent.run(LOGINS[role], AGENT_NAMES[role], role, h[role]);
    }
    const family = sqlite.prepare('INSERT INTO family (id, code, family_name) VALUES (?, ?, ?)');
    const resp = sqlite.prepare(
      `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1, postal_code, city)
       VALUES (?, 1, ?, ?, ?, ?, '69100', 'Villetest')`,
    );
    family.run(IDS.dupond, 'F00001', 'DUPOND');
    resp.run(IDS.dupond, 'Mme', 'DUPOND', 'Hélène', '12 rue des Lilas');
    family.run(IDS.martin, 'F00002', 'MARTIN');
    resp.run(IDS.martin, 'M.', 'MARTIN', 'Paul', '4 avenue Foch');
    family.run(IDS.bernard, 'F00003', 'BERNARD');
    resp.run(IDS.bernard, 'Mme', 'BERNARD', 'Zoé', '8 impasse du Moulin');
    const account = sqlite.prepare(
      'INSERT INTO family_account (family_id, regie_id) VALUES (?, ?)',
    );
    account.run(IDS.dupond, IDS.sco);
    account.run(IDS.dupond, IDS.spo);
    account.run(IDS.martin, IDS.sco);
    account.run(IDS.bernard, IDS.spo);
    const invoice = sqlite.prepare(
      `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import')`,
    );
    const inv = (
      id: number,
      regieId: number,
      familyId: number,
      label: string,
      due: string,
      amount: number,
      status: string,
    ) =>
      invoice.run(
        id,
        `FAC-${regieId === IDS.sco ? 'SCO' : 'SPO'}-${String(id).padStart(4, '0')}`,
        regieId,
        familyId,
        label,
        due.slice(0, 7),
        due,
        due,
        amount,
        `REF${String(id).padStart(6, '0')}`,
        status,
      );
    inv(IDS.inv1, IDS.sco, IDS.dupond, 'Cantine janvier', '2026-01-10', 4900, 'emise');
    inv(IDS.inv2, IDS.sco, IDS.dupond, 'Cantine février', '2026-02-10', 12000, 'emise');
    inv(IDS.inv3, IDS.sco, IDS.dupond, 'Séjour classe de neige', '2026-03-10', 45000, 'emise');
    inv(
      IDS.invTresorerie,
      IDS.sco,
      IDS.dupond,
      'Garderie octobre',
      '2025-10-10',
      3000,
      'tresorerie',
    );
    inv(
      IDS.invPrelevement,
      IDS.sco,
      IDS.dupond,
      'Garderie février',
      '2026-02-20',
      2500,
      'prelevement',
    );
    inv(IDS.invAnnulee, IDS.sco, IDS.dupond, 'Étude annulée', '2026-02-01', 1500, 'annulee');
    inv(IDS.invSpo, IDS.spo, IDS.dupond, 'École de natation', '2026-02-15', 8000, 'emise');
    inv(IDS.invMartin, IDS.sco, IDS.martin, 'Cantine février', '2026-02-10', 6000, 'emise');
    inv(IDS.invBernardSpo, IDS.spo, IDS.bernard, 'Stage multisport', '2026-02-28', 3500, 'emise');
  })();
}

export class CallError extends Error {
  constructor(readonly error: AppError) {
    super(`${error.code}: ${error.message}`);
  }
}

/** The refusal a call must end in; fails the test when the call succeeds. */
export async function refusal(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CallError) return e;
    throw e;
  }
  throw new Error('refus attendu');
}

export interface TestCore {
  core: Core;
  sqlite: Database.Database;
  clock: { ms: number };
  login(role: Role): Promise<string>;
  /** Sends and returns the raw result. */
  send<K extends HandlerName>(
    name: K,
    args: Input<K>,
    token: string | null,
  ): Promise<{ ok: true; value: Output<K> } | { ok: false; error: AppError }>;
  /** Sends and returns the value, throwing CallError on a refusal. */
  call<K extends HandlerName>(name: K, args: Input<K>, token: string | null): Promise<Output<K>>;
  close(): void;
}

export const START = Date.parse('2026-03-16T09:30:00.000Z');

/**
 * Opens a till session on the poste with the configured float (150,00 €: one 100 € note and
 * one 50 € note), as the régisseur, without going through a login. Counter payments need one
 * (issue 4); tests that exercise the till itself pass `till: false` and open it themselves.
 */
export function openTill(
  sqlite: Database.Database,
  opts: { now?: Date; posteCode?: string; role?: Role } = {},
): number {
  const agent = sqlite
    .prepare('SELECT id FROM agent WHERE role = ? ORDER BY id LIMIT 1')
    .get(opts.role ?? 'regisseur') as { id: number };
  return openSession(sqlite, {
    commandId: randomUUID(),
    counts: { ...emptyCount(), b100: 1, b50: 1 },
    agentId: agent.id,
    posteCode: opts.posteCode ?? 'P01',
    now: opts.now ?? new Date(START),
  }).sessionId;
}

/** A cash count of exactly `amountCents`, largest notes and coins first. */
export function countOf(amountCents: number): CashCount {
  const counts = emptyCount();
  let rest = amountCents;
  for (const d of denominations) {
    counts[d.key] = Math.floor(rest / d.cents);
    rest -= counts[d.key] * d.cents;
  }
  return counts;
}

/**
 * Closes the poste's open session with counts matching exactly what is expected (every cheque
 * present, no difference), then opens a new one at `now`: what the counter does at the end of
 * a day, for tests whose clock crosses midnight.
 */
export function rolloverTill(
  sqlite: Database.Database,
  now: Date,
  opts: { posteCode?: string; closeAt?: Date } = {},
): number {
  const posteCode = opts.posteCode ?? 'P01';
  const agent = sqlite
    .prepare("SELECT id FROM agent WHERE role = 'regisseur' ORDER BY id LIMIT 1")
    .get() as { id: number };
  const current = openSessionRow(sqlite, posteCode);
  if (current) {
    const f = sessionFigures(sqlite, current.id);
    const expected = (mode: string) => f.modes.find((m) => m.mode === mode)?.expectedCents ?? 0;
    closeSession(sqlite, {
      commandId: randomUUID(),
      cashCounts: countOf(expected('especes')),
      chequesPresent: f.cheques.map((c) => c.paymentId),
      cardBatchCents: expected('carte'),
      cesuCents: expected('cesu'),
      chequeVacancesCents: expected('cheque_vacances'),
      reasons: {},
      agentId: agent.id,
      validatorId: null,
      posteCode,
      now: opts.closeAt ?? now,
    });
  }
  return openTill(sqlite, { now, posteCode });
}

/** A cash count with every denomination at zero. */
export function emptyCount(): CashCount {
  return Object.fromEntries(denominations.map((d) => [d.key, 0])) as CashCount;
}

export async function openTestCore(
  opts: {
    dbFile?: string;
    startMs?: number;
    /** Open a till session on P01 before the test (default true). */
    till?: boolean;
  } = {},
): Promise<TestCore> {
  const clock = { ms: opts.startMs ?? START };
  const core = await openCore({
    dbFile: opts.dbFile ?? ':memory:',
    now: () => new Date(clock.ms),
    logger: pino({ level: 'silent' }),
  });
  await buildFixture(core.sqlite);
  if (opts.till !== false) openTill(core.sqlite, { now: new Date(clock.ms) });
  const send = async <K extends HandlerName>(name: K, args: Input<K>, token: string | null) =>
    (await core.send(name, args, token)) as
      { ok: true; value: Output<K> } | { ok: false; error: AppError };
  return {
    core,
    sqlite: core.sqlite,
    clock,
    async login(role) {
      const r = await send('auth.login', { login: LOGINS[role], password: PASSWORDS[role] }, null);
      if (!r.ok) throw new CallError(r.error);
      return r.value.token;
    },
    send,
    async call(name, args, token) {
      const r = await send(name, args, token);
      if (!r.ok) throw new CallError(r.error);
      return r.value;
    },
    close: () => core.close(),
  };
}

export const newCommandId = (): string => randomUUID();

/** Everything a refused command must leave untouched. */
export function ledgerSnapshot(sqlite: Database.Database): Record<string, unknown> {
  const count = (t: string) =>
    (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return {
    command: count('command'),
    payment: count('payment'),
    allocation: count('allocation'),
    cancellation: count('cancellation'),
    creditUse: count('credit_use'),
    creditMovement: count('credit_movement'),
    receiptReprint: count('receipt_reprint'),
    journal: sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
    journalRows: count('journal_entry'),
    paid: sqlite.prepare('SELECT id, paid_cents FROM invoice ORDER BY id').all(),
  };
}

export function paidCents(sqlite: Database.Database, invoiceId: number): number {
  return (
    sqlite.prepare('SELECT paid_cents FROM invoice WHERE id = ?').get(invoiceId) as {
      paid_cents: number;
    }
  ).paid_cents;
}

/** A base64 PDF from a result, as the bytes pdfjs wants (a plain Uint8Array, not a Buffer). */
export function pdfBytes(base64: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(base64 ?? '', 'base64'));
}
