// Checking a backup in a worker thread: a sound file passes with its SHA-256, a damaged page
// or an edited journal entry is reported in French and nothing is changed, a worker that
// cannot start falls back to checking on the core's thread (and says so), and above all the
// counter keeps being answered while a backup is checked: a request sent once the check has
// started is answered before it ends.
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino, { type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultVerifyWorkerEntry, verifyBackupFile } from '../../../src/core/admin/backup-verify';
import { defaultMigrationsDir, openCore, type Core } from '../../../src/core/core';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { openSqlite } from '../../../src/core/db/open';
import { generateDemo } from '../../../src/core/demo/generate';
import { ledgerSnapshot } from '../fixtures';
import { chequePayment, openFileCore, tempDir, type FileCore } from './admin-fixtures';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A logger whose lines are kept, and passed to `onLine` as they are written. */
function watchingLogger(onLine: (line: Record<string, unknown>) => void = () => {}): {
  log: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'debug' },
    {
      write: (s: string) => {
        const line = JSON.parse(s) as Record<string, unknown>;
        lines.push(line);
        onLine(line);
      },
    },
  );
  return { log, lines };
}

const finished = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.msg === 'vérification de la sauvegarde terminée');

// Each check starts a worker that loads the TypeScript sources through tsx: seconds, not
// milliseconds, on a busy machine.
const slow = { timeout: 90_000 };

describe('the verification worker, on a small register', slow, () => {
  let t: FileCore;
  let backup: string;

  beforeEach(async () => {
    t = await openFileCore();
    const regisseur = await t.login('regisseur');
    await t.call('payments.record', chequePayment(4900), await t.login('mandataire'));
    const made = await t.call('backups.create', {}, regisseur);
    backup = path.join(t.backupDir, made.fileName);
  });
  afterEach(() => t.dispose());

  /** A copy of the backup beside it, for a test to damage. */
  function copyOfBackup(): string {
    const copy = path.join(t.dir, 'copie.sqlite');
    copyFileSync(backup, copy);
    return copy;
  }

  it('passes a sound backup, with its SHA-256 and both chains’ last entries', async () => {
    const { log, lines } = watchingLogger();
    const v = await verifyBackupFile(backup, { sha256: true, log });
    expect(v.ranOn).toBe('worker');
    expect(v.check).toMatchObject({ ok: true, problem: null });
    expect(v.sha256).toBe(sha256(backup));
    const tip = t.core.sqlite.prepare('SELECT last_seq FROM journal_tip WHERE id = 1').get() as {
      last_seq: number;
    };
    expect(v.check.operations?.lastSeq).toBe(tip.last_seq);
    expect(finished(lines)).toMatchObject([{ ranOn: 'worker', ok: true }]);
  });

  it('reports a damaged page in French and leaves the file as it was', async () => {
    const copy = copyOfBackup();
    const db = new Database(copy, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const root = (
      db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'payment'").get() as {
        rootpage: number;
      }
    ).rootpage;
    db.close();
    // The first byte of a b-tree page says what kind of page it is; 0xFF is no kind at all.
    const fd = openSync(copy, 'r+');
    writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, (root - 1) * pageSize);
    closeSync(fd);
    const before = sha256(copy);

    const v = await verifyBackupFile(copy, { sha256: true });
    expect(v.ranOn).toBe('worker');
    expect(v.check.ok).toBe(false);
    expect(v.check.problem).toMatch(/^Fichier SQLite endommagé : /);
    expect(v.sha256).toBeNull();
    expect(sha256(copy)).toBe(before);
  });

  it('reports an edited journal entry as a broken chain, naming the entry', async () => {
    const seq = (
      t.core.sqlite.prepare('SELECT journal_seq FROM payment WHERE id = 1').get() as {
        journal_seq: number;
      }
    ).journal_seq;
    const copy = copyOfBackup();
    const db = new Database(copy);
    db.exec(`DROP TRIGGER journal_entry_no_update;
      UPDATE journal_entry SET payload = replace(payload, '"amountCents":4900', '"amountCents":3900') WHERE seq = ${seq};`);
    db.close();
    const before = sha256(copy);

    const v = await verifyBackupFile(copy);
    expect(v.ranOn).toBe('worker');
    expect(v.check.ok).toBe(false);
    expect(v.check.problem).toBe(
      `Journal des opérations, écriture n° ${seq} : Écriture n° ${seq} (paiement) modifiée : son contenu ne correspond plus à son empreinte.`,
    );
    expect(sha256(copy)).toBe(before);
  });

  it('says in French that a file is not a database', async () => {
    const copy = path.join(t.dir, 'pas-une-base.sqlite');
    copyFileSync(path.join(t.dir, 'guichet.sqlite'), copy);
    const fd = openSync(copy, 'r+');
    writeSync(fd, Buffer.from('Ceci n’est pas une base SQLite.'), 0, undefined, 0);
    closeSync(fd);
    const v = await verifyBackupFile(copy);
    expect(v.check).toMatchObject({ ok: false, operations: null, technique: null });
    expect(v.check.problem).toMatch(/^Fichier (illisible|SQLite endommagé) : /);
  });

  it('falls back to the core’s thread, and logs it, when no worker can start', async () => {
    const { log, lines } = watchingLogger();
    const v = await verifyBackupFile(backup, {
      sha256: true,
      log,
      workerEntry: { file: path.join(t.dir, 'absent-worker.js'), typescript: false },
    });
    expect(v).toMatchObject({ ranOn: 'main', check: { ok: true }, sha256: sha256(backup) });
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes('n’a pas démarré'))).toBe(
      true,
    );
    expect(finished(lines)).toMatchObject([{ ranOn: 'main', ok: true }]);
  });

  it('refuses a restore of a damaged backup after checking it in the worker, changing nothing', async () => {
    const { log, lines } = watchingLogger();
    const { dir } = t;
    t.core.close();
    t = await openFileCore({ dir, fixture: false, logger: log });
    const regisseur = await t.login('regisseur');
    const name = 'guichet-2026-03-16T100000Z-manuelle.sqlite';
    const damaged = path.join(t.backupDir, name);
    copyFileSync(backup, damaged);
    const seq = (
      t.core.sqlite.prepare('SELECT journal_seq FROM payment WHERE id = 1').get() as {
        journal_seq: number;
      }
    ).journal_seq;
    const db = new Database(damaged);
    db.exec(`DROP TRIGGER journal_entry_no_update;
      UPDATE journal_entry SET payload = replace(payload, '"amountCents":4900', '"amountCents":3900') WHERE seq = ${seq};`);
    db.close();
    const snapshot = ledgerSnapshot(t.core.sqlite);

    const r = await t.send('backups.restore', { fileName: name, confirm: true }, regisseur);
    expect(r.ok ? null : r.error.message).toMatch(
      /^La sauvegarde « guichet-2026-03-16T100000Z-manuelle\.sqlite » n’a pas été restaurée : Journal des opérations, écriture n° \d+ : Écriture n° \d+ \(paiement\) modifiée : son contenu ne correspond plus à son empreinte\. Rien n’a été changé/,
    );
    expect(ledgerSnapshot(t.core.sqlite)).toEqual(snapshot);
    expect(finished(lines)).toMatchObject([{ ranOn: 'worker', ok: false }]);

    // The sound backup is restored, checked the same way.
    const ok = await t.call(
      'backups.restore',
      { fileName: path.basename(backup), confirm: true },
      regisseur,
    );
    expect(ok.restoredFrom).toBe(path.basename(backup));
    expect(finished(lines).at(-1)).toMatchObject({ ranOn: 'worker', ok: true });
  });
});

describe('this build’s worker entry', () => {
  it('is the TypeScript file beside the module when running from the sources', () => {
    const entry = defaultVerifyWorkerEntry();
    expect(entry.typescript).toBe(true);
    expect(statSync(entry.file).isFile()).toBe(true);
    expect(path.basename(entry.file)).toBe('verify-worker.ts');
  });
});

describe('the counter while a backup is checked', slow, () => {
  // A register of 2,000 demo families (about 10 MB): its check takes several hundred
  // milliseconds, against a few for a search, so "answered while the check runs" means something.
  let dir: string;
  let baseFile: string;

  beforeAll(async () => {
    dir = tempDir('guichet-verify-');
    baseFile = path.join(dir, 'base.sqlite');
    const db = openSqlite(baseFile);
    await migrate(db, loadShippedMigrations(defaultMigrationsDir()));
    await generateDemo(db, { families: 2000, seed: 7, today: '2026-03-16' });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let core: Core | null = null;
  afterEach(() => {
    core?.close();
    core = null;
  });

  async function login(c: Core, who: 'mandataire' | 'regisseur'): Promise<string> {
    const r = await c.send('auth.login', { login: who, password: `demo-${who}` }, null);
    if (!r.ok) throw new Error(r.error.message);
    return (r.value as { token: string }).token;
  }

  it('answers a search sent once the check has started, before the check ends', async () => {
    // Events in the order they happen: the log lines of the check and the answers given.
    const events: string[] = [];
    const { log } = watchingLogger((line) => {
      if (line.msg === 'vérification de la sauvegarde commencée') events.push('commencée');
      if (line.msg === 'vérification de la sauvegarde terminée') {
        events.push(`terminée sur ${String(line.ranOn)}`);
      }
    });
    const dbFile = path.join(dir, 'guichet.sqlite');
    copyFileSync(baseFile, dbFile);
    core = await openCore({
      dbFile,
      logger: log,
      backupSchedule: false,
      backupDir: path.join(dir, 'sauvegardes'),
    });
    const c = core;
    const mandataire = await login(c, 'mandataire');
    const regisseur = await login(c, 'regisseur');

    let backupDone = false;
    const backup = c.send('backups.create', {}, regisseur).finally(() => (backupDone = true));
    // The agent at the counter keeps searching while the backup is written and checked.
    while (!backupDone) {
      // Requests reach the core from IPC or HTTP, one event-loop turn each; a loop of bare
      // promises would never let the backup's own steps run.
      await new Promise((r) => setImmediate(r));
      const r = await c.send('families.search', { query: 'mar' }, mandataire);
      expect(r.ok).toBe(true);
      events.push('réponse');
    }
    const made = await backup;
    expect(made.ok).toBe(true);

    const started = events.indexOf('commencée');
    const ended = events.findIndex((e) => e.startsWith('terminée'));
    expect(started).toBeGreaterThanOrEqual(0);
    expect(ended).toBeGreaterThan(started);
    // At least one search was answered between the two: checked on the core's thread, the
    // start and the end of the check would follow each other with nothing in between.
    expect(events.slice(started, ended)).toContain('réponse');
    expect(events[ended]).toBe('terminée sur worker');
  });
});
