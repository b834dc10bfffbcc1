// Migration 0016 on its own: a database at 0015 holding credit movements of every source
// (an overpayment, a credit use, its cancellation) gets the online trop-perçu source with every
// row intact, the ledger's append-only guards back in place, the new one-source CHECK and the
// outbox trigger of the decisions.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../../../src/core/core';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { openSqlite } from '../../../src/core/db/open';
import { tempDir } from '../demo/demo-core';
import { IDS, openTestCore } from '../fixtures';

const shipped = loadShippedMigrations(defaultMigrationsDir());
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// credit_movement and its guards exactly as migrations 0002 and 0003 made them: what a
// database at 0015 holds.
const AT_0015 = `
DROP TRIGGER sync_outbox_online_overpayment;
DROP TRIGGER credit_movement_online_overpayment;
CREATE TABLE credit_movement_0015 (
	id integer PRIMARY KEY NOT NULL,
	family_id integer NOT NULL,
	regie_id integer NOT NULL,
	amount_cents integer NOT NULL,
	payment_id integer,
	credit_use_id integer,
	cancellation_id integer,
	created_at text NOT NULL,
	FOREIGN KEY (family_id) REFERENCES family(id),
	FOREIGN KEY (regie_id) REFERENCES regie(id),
	FOREIGN KEY (payment_id) REFERENCES payment(id),
	FOREIGN KEY (credit_use_id) REFERENCES credit_use(id),
	FOREIGN KEY (cancellation_id) REFERENCES cancellation(id),
	CONSTRAINT "credit_movement_amount_ck" CHECK("credit_movement_0015"."amount_cents" <> 0),
	CONSTRAINT "credit_movement_source_ck" CHECK(("credit_movement_0015"."payment_id" IS NOT NULL) + ("credit_movement_0015"."credit_use_id" IS NOT NULL) + ("credit_movement_0015"."cancellation_id" IS NOT NULL) = 1)
);
INSERT INTO credit_movement_0015 SELECT id, family_id, regie_id, amount_cents, payment_id, credit_use_id, cancellation_id, created_at FROM credit_movement;
DROP TABLE credit_movement;
ALTER TABLE credit_movement_0015 RENAME TO credit_movement;
CREATE INDEX credit_movement_family_regie_ix ON credit_movement (family_id, regie_id);
CREATE TRIGGER credit_movement_no_update BEFORE UPDATE ON credit_movement BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement d’avoir) : modification refusée. Une erreur se corrige par une annulation.');
END;
CREATE TRIGGER credit_movement_no_delete BEFORE DELETE ON credit_movement BEGIN
	SELECT RAISE(ABORT, 'Écriture inaltérable (mouvement d’avoir) : suppression refusée. Une erreur se corrige par une annulation.');
END;
DELETE FROM _migrations WHERE idx = 16;
PRAGMA user_version = 16;
`;

it('migrates a database at 0015 holding credit movements, with every row intact and the guards back', async () => {
  expect(shipped[16]?.tag).toBe('0016_online_overpayment_credit');
  const dir = tempDir('guichet-0016-');
  dirs.push(dir);
  const file = path.join(dir, 'guichet.sqlite');
  // Credit movements of every source, through the handlers.
  const t = await openTestCore({ dbFile: file });
  const token = await t.login('regisseur');
  await t.call(
    'payments.record',
    {
      commandId: randomUUID(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents: 10_000,
      method: { mode: 'especes' },
      allocations: [{ invoiceId: IDS.inv1, amountCents: 4_900 }],
      toCreditCents: 5_100,
    },
    token,
  );
  const use = await t.call(
    'credits.apply',
    { commandId: randomUUID(), familyId: IDS.dupond, regieId: IDS.sco, amountCents: 3_000 },
    token,
  );
  await t.call(
    'credits.cancel',
    { commandId: randomUUID(), creditUseId: use.creditUseId, reason: 'Erreur de saisie' },
    token,
  );
  t.close();

  const old = openSqlite(file);
  old.exec(AT_0015);
  const rowsBefore = old.prepare('SELECT * FROM credit_movement ORDER BY id').all();
  expect(rowsBefore).toHaveLength(3);
  expect(
    old.prepare("SELECT sql FROM sqlite_master WHERE name = 'credit_movement'").get(),
  ).not.toMatchObject({ sql: expect.stringContaining('online_overpayment_id') });

  const report = await migrate(old, shipped);
  expect(report.applied).toEqual(['0016_online_overpayment_credit']);
  const after = old.prepare('SELECT * FROM credit_movement ORDER BY id').all();
  expect(after).toEqual(rowsBefore.map((r) => ({ ...(r as object), online_overpayment_id: null })));
  expect(old.pragma('foreign_key_check')).toEqual([]);
  expect(old.pragma('integrity_check', { simple: true })).toBe('ok');
  const triggers = (
    old
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('credit_movement', 'online_overpayment') ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  expect(triggers).toEqual([
    'credit_movement_no_delete',
    'credit_movement_no_update',
    'credit_movement_online_overpayment',
    'online_overpayment_no_delete',
    'online_overpayment_no_update',
    'sync_outbox_online_overpayment',
  ]);
  // The ledger is still append-only, and a movement still needs exactly one source.
  expect(() => old.prepare('UPDATE credit_movement SET amount_cents = 1').run()).toThrow(
    /modification refusée/,
  );
  expect(() => old.prepare('DELETE FROM credit_movement').run()).toThrow(/suppression refusée/);
  expect(() =>
    old
      .prepare(
        "INSERT INTO credit_movement (family_id, regie_id, amount_cents, created_at) VALUES (1, 1, 100, '2026-03-16T10:00:00Z')",
      )
      .run(),
  ).toThrow(/CHECK constraint failed: credit_movement_source_ck/);
  // An online source must name an avoir decision of the same family, régie and amount.
  expect(() =>
    old
      .prepare(
        "INSERT INTO credit_movement (family_id, regie_id, amount_cents, online_overpayment_id, created_at) VALUES (1, 1, 100, 999, '2026-03-16T10:00:00Z')",
      )
      .run(),
  ).toThrow(/ne correspond pas à l’avoir décidé/);
  expect(old.prepare('SELECT count(*) AS n FROM credit_movement').get()).toEqual({ n: 3 });
  old.close();
});
