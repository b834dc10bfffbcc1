// journal.verify must catch a ledger row rewritten behind the journal's back, column by column,
// and a gap in the receipt numbering; the database itself must refuse INSERT OR REPLACE.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendJournal } from '../../../src/core/journal/chain';
import { verifyAll, verifyChain } from '../../../src/core/journal/verify';
import { IDS, newCommandId, openTestCore, type TestCore } from '../fixtures';

let t: TestCore;
let regisseur: string;
let controleur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
  controleur = await t.login('controleur');
});
afterEach(() => t.close());

const payCheque = () =>
  t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents: 4900,
      method: { mode: 'cheque', bank: 'LBP', number: '1234567', drawer: 'DUPOND', payee: 'DGFiP' },
    },
    regisseur,
  );

const ledgerError = async () =>
  (await t.call('journal.verify', {}, controleur)).ledger.firstError?.message ?? null;

function dropGuards(table: string) {
  t.sqlite.exec(`DROP TRIGGER ${table}_no_update; DROP TRIGGER ${table}_no_delete;`);
}

describe('ledger rows against their journal entries', () => {
  it('refuses INSERT OR REPLACE on a payment (the DELETE guard fires)', async () => {
    const p = await payCheque();
    const row = t.sqlite.prepare('SELECT * FROM payment WHERE id = ?').get(p.paymentId);
    expect(() =>
      t.sqlite
        .prepare(
          `INSERT OR REPLACE INTO payment (id, command_id, regie_id, family_id, agent_id, poste_code, mode, amount_cents,
             tendered_cents, change_cents, credit_created_cents, details, receipt_year, receipt_seq, receipt_number,
             recorded_at, journal_seq)
           VALUES (@id, @command_id, @regie_id, @family_id, 1, 'P09', 'especes', @amount_cents, NULL, NULL,
             @credit_created_cents, '{}', @receipt_year, @receipt_seq, @receipt_number, '2020-01-01T00:00:00.000Z', @journal_seq)`,
        )
        .run(row),
    ).toThrow(/inaltérable \(paiement\) : suppression refusée/);
    expect(t.sqlite.prepare('SELECT * FROM payment WHERE id = ?').get(p.paymentId)).toEqual(row);
    expect(await ledgerError()).toBeNull();
  });

  const edits: [string, string, RegExp][] = [
    ['mode', "mode = 'virement'", /\(mode\)/],
    [
      'details',
      `details = '{"bank":"LBP","drawer":"AUTRE","number":"1234567","payee":"DGFiP"}'`,
      /\(détails du moyen de paiement\)/,
    ],
    ['agent', 'agent_id = 3', /\(agent\)/],
    ['poste', "poste_code = 'P09'", /\(poste, année ou rang du reçu\)/],
    ['instant', "recorded_at = '2026-03-16T08:00:00.000Z'", /\(date\)/],
    ['family', 'family_id = 2', /\(famille\)/],
    ['tendered', 'tendered_cents = 5000, change_cents = 100', /\(somme remise, monnaie rendue\)/],
    ['receipt seq', 'receipt_seq = 7', /\(année ou rang du reçu\)/],
    ['receipt year', 'receipt_year = 2025', /\(année ou rang du reçu, année du reçu\)/],
  ];
  for (const [what, set, says] of edits) {
    it(`catches a payment whose ${what} was rewritten with the guards dropped`, async () => {
      const p = await payCheque();
      expect(await ledgerError()).toBeNull();
      dropGuards('payment');
      t.sqlite.exec('PRAGMA foreign_keys = OFF');
      t.sqlite.prepare(`UPDATE payment SET ${set} WHERE id = ?`).run(p.paymentId);
      const message = await ledgerError();
      expect(message).toContain(
        `Paiement ${p.receiptNumber} : la ligne de paiement ne correspond plus`,
      );
      expect(message).toMatch(says);
    });
  }

  it('catches a gap in the receipt numbering', async () => {
    const a = await payCheque();
    const b = await payCheque();
    dropGuards('payment');
    // The first payment is removed with its allocation, as someone deleting a receipt from the
    // file would: payment n° 2 is left alone in its sequence.
    t.sqlite.exec('PRAGMA foreign_keys = OFF');
    t.sqlite.exec('DROP TRIGGER allocation_no_delete; DROP TRIGGER credit_movement_no_delete;');
    t.sqlite.prepare('DELETE FROM allocation WHERE payment_id = ?').run(a.paymentId);
    t.sqlite.prepare('DELETE FROM payment WHERE id = ?').run(a.paymentId);
    const message = await ledgerError();
    expect(message).toBe(
      `Numérotation des reçus de la régie SCO, poste P01, année 2026 : 1 reçus pour les rangs 2 à 2. Des reçus manquent : la numérotation doit être continue.`,
    );
    expect(b.receiptNumber).toBe('R-SCO-P01-2026-000002');
  });

  it('catches a cancellation whose reason, agent or instant was rewritten', async () => {
    const p = await payCheque();
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p.paymentId, reason: 'erreur de saisie' },
      regisseur,
    );
    expect(await ledgerError()).toBeNull();
    dropGuards('cancellation');
    t.sqlite.exec('PRAGMA foreign_keys = OFF');
    t.sqlite
      .prepare(
        "UPDATE cancellation SET reason = 'demande de la famille', agent_id = 3 WHERE payment_id = ?",
      )
      .run(p.paymentId);
    expect(await ledgerError()).toMatch(
      /^Annulation n° 1 : la ligne ne correspond plus à son écriture au journal n° \d+ \(motif, agent\)\.$/,
    );
    t.sqlite
      .prepare(
        "UPDATE cancellation SET reason = 'erreur de saisie', cancelled_at = '2026-01-01T00:00:00.000Z' WHERE payment_id = ?",
      )
      .run(p.paymentId);
    expect(await ledgerError()).toMatch(/\(agent, date\)\.$/);
  });

  it('catches a credit use whose agent or poste was rewritten', async () => {
    await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.martin,
        regieId: IDS.sco,
        amountCents: 10000,
        method: { mode: 'cheque', bank: 'B', number: '12', drawer: 'MARTIN', payee: 'DGFiP' },
      },
      regisseur,
    );
    t.sqlite
      .prepare(
        `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
         VALUES (81, 'FAC-SCO-0081', ?, ?, 'Cantine avril', '2026-04', '2026-04-01', '2026-05-10', 2000, 'REF000081', 'emise', 'import')`,
      )
      .run(IDS.sco, IDS.martin);
    const use = await t.call(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.martin, regieId: IDS.sco },
      regisseur,
    );
    expect(await ledgerError()).toBeNull();
    dropGuards('credit_use');
    t.sqlite.exec('PRAGMA foreign_keys = OFF');
    t.sqlite
      .prepare("UPDATE credit_use SET agent_id = 3, poste_code = 'P07' WHERE id = ?")
      .run(use.creditUseId);
    expect(await ledgerError()).toMatch(
      /^Utilisation d’avoir n° 1 : la ligne ne correspond plus à son écriture au journal n° \d+ \(agent, poste\)\.$/,
    );
  });
});

describe('verification under concurrent writes', () => {
  it('reads both chains and the ledger from one snapshot', async () => {
    t.close();
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-verify-'));
    t = await openTestCore({ dbFile: path.join(dir, 'a.sqlite') });
    regisseur = await t.login('regisseur');
    await payCheque();
    const other = new Database(path.join(dir, 'a.sqlite'));
    other.pragma('busy_timeout = 5000');
    try {
      // Another process appends an entry right after the verifier has read the chain's tip,
      // the worst moment: the chain it then streams is longer than the tip it read.
      const sqlite = t.sqlite;
      const original = sqlite.prepare.bind(sqlite);
      let appended = 0;
      const hooked = (sql: string) => {
        const statement = original(sql);
        if (sql.startsWith('SELECT last_seq, last_hash FROM journal_tip')) {
          const get = statement.get.bind(statement);
          statement.get = ((...a: unknown[]) => {
            const row: unknown = get(...a);
            appended++;
            appendJournal(other, 'operations', {
              kind: 'connexion',
              instant: new Date(t.clock.ms).toISOString(),
              agentId: 1,
              regieId: null,
              posteCode: 'P02',
              payload: { login: 'autre-poste' },
            });
            return row;
          }) as typeof statement.get;
        }
        return statement;
      };
      sqlite.prepare = hooked as typeof sqlite.prepare;
      // Outside a snapshot the interleaving gives a false alarm (this is what the test guards).
      expect(verifyChain(sqlite, 'operations').ok).toBe(false);
      const reports = verifyAll(sqlite);
      sqlite.prepare = original;
      expect(appended).toBe(2);
      expect(reports.operations.firstError).toBeNull();
      expect(reports.ledger.firstError).toBeNull();
      // Once the other process is done, a fresh check sees every entry, all consistent.
      const after = verifyAll(t.sqlite);
      expect(after.operations.ok).toBe(true);
      expect(after.operations.lastSeq).toBe(reports.operations.lastSeq + 1);
    } finally {
      other.close();
    }
  });
});
