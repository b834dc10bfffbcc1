// Restoring a backup: the database goes back to the backup's state while the core keeps
// serving, every session ends, the replaced file is kept and the restored technical journal
// says what was lost. A backup that fails any check (edited ledger, broken chain, file changed
// since it was written), a file outside the backup folder or a caller other than the
// régisseur is refused in French, and nothing is swapped.
import {
  copyFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lockFileOf } from '../../../src/core/admin/lock';
import { ledgerSnapshot } from '../fixtures';
import { chequePayment, openFileCore, tempDir, type FileCore } from './admin-fixtures';

// Every backup and restore checks its file in a worker thread that, run from the sources,
// loads them through tsx: seconds per check on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

const scratchDirs: string[] = [];
/** A temporary folder removed after the test. */
function scratch(): string {
  const d = tempDir();
  scratchDirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let t: FileCore;
let regisseur: string;
let mandataire: string;
let backupName: string;

beforeEach(async () => {
  t = await openFileCore();
  regisseur = await t.login('regisseur');
  mandataire = await t.login('mandataire');
  await t.call('payments.record', chequePayment(4900), mandataire);
  backupName = (await t.call('backups.create', {}, regisseur)).fileName;
  t.clock.ms += 60_000;
  await t.call('payments.record', chequePayment(12000), mandataire);
});
afterEach(() => t.dispose());

const count = (table: string) =>
  (t.core.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function lastTech(): { kind: string; payload: Record<string, unknown> } {
  const row = t.core.sqlite
    .prepare('SELECT kind, payload FROM tech_journal_entry ORDER BY seq DESC LIMIT 1')
    .get() as { kind: string; payload: string };
  return { kind: row.kind, payload: JSON.parse(row.payload) as Record<string, unknown> };
}

/** A copy of the backup under another valid name, edited with plain SQL. */
function tamperedCopy(name: string, sql: string): string {
  copyFileSync(path.join(t.backupDir, backupName), path.join(t.backupDir, name));
  const db = new Database(path.join(t.backupDir, name));
  db.exec(sql);
  db.close();
  return name;
}

describe('a restore', () => {
  it('brings the data back to the backup, ends every session and journals what was lost', async () => {
    const before = t.core.sqlite;
    // Calls keep coming while the restore runs. A login awaits its password hashing and then
    // writes the journal: the swap must wait for it, and calls arriving during the swap must
    // wait for the new database; none may meet a closed connection.
    let done = false;
    const restoring = t
      .call('backups.restore', { fileName: backupName, confirm: true }, regisseur)
      .finally(() => (done = true));
    const outcomes: string[] = [];
    while (!done) {
      outcomes.push(
        ...(await Promise.all([
          t
            .send('auth.login', { login: 'mguichet', password: 'Guichet-Mandataire-1' }, null)
            .then((r) => (r.ok ? 'ok' : r.error.code)),
          t.send('till.status', {}, mandataire).then((r) => (r.ok ? 'ok' : r.error.code)),
        ])),
      );
    }
    const result = await restoring;
    expect(outcomes.length).toBeGreaterThan(1);
    expect(outcomes.filter((o) => o !== 'ok' && o !== 'NON_AUTHENTIFIE')).toEqual([]);
    expect(outcomes).toContain('NON_AUTHENTIFIE');

    expect(result).toMatchObject({
      restoredFrom: backupName,
      sessionsEnded: true,
    });
    expect(t.core.sqlite).not.toBe(before);
    expect(before.open).toBe(false);
    // The second payment and the logins made meanwhile are what the backup does not hold.
    expect(result.lostOperations).toBe(result.replacedLastSeq - result.restoredLastSeq);
    expect(result.lostOperations).toBeGreaterThan(1);

    // The data are the backup's: the second payment is gone.
    expect(count('payment')).toBe(1);
    // Every session ended, the régisseur's included.
    for (const token of [regisseur, mandataire]) {
      const r = await t.send('auth.me', {}, token);
      expect(r.ok ? null : r.error.code).toBe('NON_AUTHENTIFIE');
    }
    // The replaced database is kept, with the payment the backup does not hold.
    expect(path.dirname(result.replacedFile)).toBe(t.dir);
    expect(path.basename(result.replacedFile)).toBe('guichet-remplacee-2026-03-16T093100Z.sqlite');
    const old = new Database(result.replacedFile, { readonly: true });
    expect(old.prepare('SELECT count(*) AS n FROM payment').get()).toEqual({ n: 2 });
    old.close();

    const entry = lastTech();
    expect(entry.kind).toBe('restauration');
    expect(entry.payload).toMatchObject({
      status: 'ok',
      fileName: backupName,
      by: 'rtitulaire',
      replacedFile: 'guichet-remplacee-2026-03-16T093100Z.sqlite',
      operations: {
        replacedLastSeq: result.replacedLastSeq,
        restoredLastSeq: result.restoredLastSeq,
        commonLastSeq: result.restoredLastSeq,
        lost: result.lostOperations,
      },
      sessionsEnded: true,
    });
    // The restored database is sound, the lock still ours, and work goes on after a new login.
    const again = await t.login('controleur');
    expect(await t.call('journal.verify', {}, again)).toMatchObject({ ok: true });
    expect(JSON.parse(readFileSync(lockFileOf(t.dbFile), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    const m = await t.login('mandataire');
    await t.call('payments.record', chequePayment(3000), m);
    expect(count('payment')).toBe(2);
  });

  it('finds the last shared entry when the backup and the database went separate ways', async () => {
    // Y holds both payments; the first restore goes back to one, then another payment is made.
    t.clock.ms += 60_000;
    const y = (await t.call('backups.create', {}, regisseur)).fileName;
    const first = await t.call(
      'backups.restore',
      { fileName: backupName, confirm: true },
      regisseur,
    );
    const m = await t.login('mandataire');
    await t.call('payments.record', chequePayment(7000), m);
    const r = await t.login('regisseur');
    const second = await t.call('backups.restore', { fileName: y, confirm: true }, r);
    // The chains part after the first backup's last entry: what came after it in the replaced
    // database (two logins and a payment) is lost, though the backup holds a later entry too.
    expect(second.restoredLastSeq).toBe(first.restoredLastSeq + 1);
    expect(second.replacedLastSeq).toBe(first.restoredLastSeq + 3);
    expect(second.lostOperations).toBe(3);
    expect(lastTech().payload).toMatchObject({
      operations: { commonLastSeq: first.restoredLastSeq, lost: 3 },
    });
    expect(
      (
        t.core.sqlite.prepare('SELECT amount_cents FROM payment ORDER BY id').all() as {
          amount_cents: number;
        }[]
      ).map((p) => p.amount_cents),
    ).toEqual([4900, 12000]);
    // Both replaced databases are kept; neither is offered as a backup nor restorable.
    const replaced = readdirSync(t.dir).filter((f) => f.includes('remplacee'));
    expect(replaced).toHaveLength(2);
    const r2 = await t.login('regisseur');
    const list = await t.call('backups.list', {}, r2);
    expect(list.backups.map((b) => b.fileName).sort()).toEqual([backupName, y].sort());
    const refused = await t.send(
      'backups.restore',
      { fileName: replaced[0] ?? '', confirm: true },
      r2,
    );
    expect(refused.ok ? null : refused.error.reason).toBe('SAUVEGARDE_REFUSEE');
  });
});

describe('a refused restore changes nothing', () => {
  async function refusedWith(fileName: string, token = regisseur) {
    const snapshot = ledgerSnapshot(t.core.sqlite);
    const connection = t.core.sqlite;
    const r = await t.send('backups.restore', { fileName, confirm: true }, token);
    expect(r.ok).toBe(false);
    // Same connection, same data, sessions alive, no file moved, no copy left behind.
    expect(t.core.sqlite).toBe(connection);
    expect(ledgerSnapshot(t.core.sqlite)).toEqual(snapshot);
    expect(count('payment')).toBe(2);
    expect((await t.send('auth.me', {}, regisseur)).ok).toBe(true);
    expect(readdirSync(t.dir).filter((f) => /remplacee|restauration/.test(f))).toEqual([]);
    return r.ok ? null : r.error;
  }

  it('for a backup whose payment amount was edited, naming the payment', async () => {
    const name = tamperedCopy(
      'guichet-2026-03-16T100000Z-manuelle.sqlite',
      'DROP TRIGGER payment_no_update; UPDATE payment SET amount_cents = 3900 WHERE id = 1;',
    );
    const e = await refusedWith(name);
    expect(e).toMatchObject({ code: 'REGLE_METIER', reason: 'SAUVEGARDE_REFUSEE' });
    expect(e?.message).toMatch(
      /^La sauvegarde « guichet-2026-03-16T100000Z-manuelle\.sqlite » n’a pas été restaurée : Registre des paiements : Paiement R-SCO-P01-2026-000001 : .*\(montant\)\. Rien n’a été changé/,
    );
    expect(lastTech()).toMatchObject({
      kind: 'restauration',
      payload: { status: 'refusee', fileName: name },
    });
  });

  it('for a backup whose journal entry was edited, naming the entry', async () => {
    const seq = (
      t.core.sqlite.prepare('SELECT journal_seq FROM payment WHERE id = 1').get() as {
        journal_seq: number;
      }
    ).journal_seq;
    const name = tamperedCopy(
      'guichet-2026-03-16T100000Z-manuelle.sqlite',
      `DROP TRIGGER journal_entry_no_update;
       UPDATE journal_entry SET payload = replace(payload, '"amountCents":4900', '"amountCents":3900') WHERE seq = ${seq};`,
    );
    const e = await refusedWith(name);
    expect(e?.message).toContain(
      `: Journal des opérations, écriture n° ${seq} : Écriture n° ${seq} (paiement) modifiée : son contenu ne correspond plus à son empreinte.`,
    );
  });

  it('for a backup file changed since it was written (its SHA-256 in the journal)', async () => {
    const file = path.join(t.backupDir, backupName);
    const db = new Database(file);
    // A change SQLite and the chains cannot see: a row outside the ledger.
    db.prepare("INSERT INTO setting (key, value) VALUES ('glissé', 'après coup')").run();
    db.close();
    const e = await refusedWith(backupName);
    expect(e?.message).toContain(
      'le fichier a été modifié depuis son écriture : son empreinte SHA-256 ne correspond plus à celle inscrite au journal technique',
    );
  });

  it('for a file of the folder that is not a database', async () => {
    const name = 'guichet-2026-03-16T120000Z-manuelle.sqlite';
    writeFileSync(path.join(t.backupDir, name), 'ceci n’est pas une base');
    const e = await refusedWith(name);
    expect(e?.message).toContain(
      'n’a pas été restaurée : le fichier n’est pas une base Guichet lisible',
    );
  });

  it('for a file that is not a backup of the folder', async () => {
    const e = await refusedWith('guichet.sqlite');
    expect(e?.message).toContain(
      'ce fichier n’est pas une sauvegarde du dossier des sauvegardes de ce poste',
    );
    const traversal = await t.send(
      'backups.restore',
      { fileName: '../guichet.sqlite', confirm: true },
      regisseur,
    );
    expect(traversal.ok ? null : traversal.error).toMatchObject({
      code: 'VALIDATION',
      message: 'sauvegarde : Nom de sauvegarde invalide : choisissez une sauvegarde dans la liste.',
    });
  });

  it('for a link in the folder that leads elsewhere', async () => {
    const outside = scratch();
    copyFileSync(path.join(t.backupDir, backupName), path.join(outside, 'ailleurs.sqlite'));
    symlinkSync(
      path.join(outside, 'ailleurs.sqlite'),
      path.join(t.backupDir, 'guichet-2026-03-16T110000Z-manuelle.sqlite'),
    );
    const e = await refusedWith('guichet-2026-03-16T110000Z-manuelle.sqlite');
    expect(e?.message).toContain('n’est pas une sauvegarde du dossier des sauvegardes');
  });

  it('for anyone but the régisseur, or without confirmation', async () => {
    const suppleant = await t.login('suppleant');
    expect(await refusedWith(backupName, suppleant)).toMatchObject({
      code: 'PERMISSION_REFUSEE',
    });
    const unconfirmed = await t.send(
      'backups.restore',
      { fileName: backupName, confirm: false as true },
      regisseur,
    );
    expect(unconfirmed.ok ? null : unconfirmed.error.message).toBe(
      'confirmation : Confirmez la restauration : elle remplace toutes les données de ce poste.',
    );
    expect(existsSync(path.join(t.backupDir, backupName))).toBe(true);
  });
});

describe('a backup taken before a migration', () => {
  it('is listed as checked and is restored after being migrated like the database was', async () => {
    const { defaultMigrationsDir } = await import('../../../src/core/core');
    const { loadShippedMigrations, migrate } = await import('../../../src/core/db/migrate');
    const { openSqlite } = await import('../../../src/core/db/open');
    const { buildFixture } = await import('../fixtures');
    const shipped = loadShippedMigrations(defaultMigrationsDir());
    // A register of the previous version, with its data.
    const dir = scratch();
    const old = openSqlite(path.join(dir, 'guichet.sqlite'));
    await migrate(old, shipped.slice(0, -1));
    await buildFixture(old);
    old.close();

    const f = await openFileCore({ dir, fixture: false });
    try {
      expect(f.core.migration.backupPath).not.toBeNull();
      const token = await f.login('regisseur');
      const list = await f.call('backups.list', {}, token);
      expect(list.backups).toMatchObject([{ reason: 'avant_migration', verified: true }]);
      const [backup] = list.backups;
      expect(backup?.sha256).toMatch(/^[0-9a-f]{64}$/);

      const restored = await f.call(
        'backups.restore',
        { fileName: backup?.fileName ?? '', confirm: true },
        token,
      );
      expect(restored.restoredFrom).toBe(backup?.fileName);
      expect(f.core.sqlite.pragma('user_version', { simple: true })).toBe(shipped.length);
      const entry = f.core.sqlite
        .prepare("SELECT payload FROM tech_journal_entry WHERE kind = 'restauration'")
        .get() as { payload: string };
      expect(JSON.parse(entry.payload)).toMatchObject({
        status: 'ok',
        migrationsApplied: [shipped.at(-1)?.tag],
      });
    } finally {
      f.dispose();
    }
  });
});
