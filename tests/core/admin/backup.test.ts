// Backups: one after every till closing (without making the closing wait or fail), one a day,
// one on demand; each checked by reading it back and journaled with its size and SHA-256; the
// oldest rotated away; a copy that fails its check kept aside and reported.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listBackupFiles, rotateBackups } from '../../../src/core/admin/backup-files';
import { setSetting } from '../../../src/core/settings';
import { countOf, IDS, newCommandId, START } from '../fixtures';
import {
  capturingLogger,
  chequePayment,
  openFileCore,
  tempDir,
  type FileCore,
} from './admin-fixtures';

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

let t: FileCore | null = null;
afterEach(() => {
  t?.dispose();
  t = null;
});

/**
 * How long a test waits for a backup made on a timer. Each backup's check starts a worker thread
 * that, run from the sources, loads them through tsx: seconds on a busy machine.
 */
const BACKUP_WAIT_MS = 60_000;
const slow = { timeout: 120_000 };

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function techEntries(f: FileCore, kind: string): Record<string, unknown>[] {
  return (
    f.core.sqlite
      .prepare('SELECT payload FROM tech_journal_entry WHERE kind = ? ORDER BY seq')
      .all(kind) as { payload: string }[]
  ).map((r) => JSON.parse(r.payload) as Record<string, unknown>);
}

async function payAndClose(f: FileCore): Promise<void> {
  const token = await f.login('mandataire');
  await f.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents: 4900,
      method: { mode: 'especes' },
    },
    token,
  );
  await f.call(
    'till.close',
    { commandId: newCommandId(), cashCounts: countOf(15000 + 4900) },
    token,
  );
}

describe('the backup after a till closing', () => {
  it('is written once the closing is committed, checked, and journaled with its SHA-256', async () => {
    t = await openFileCore();
    await payAndClose(t);
    await t.core.backupsIdle();

    const files = listBackupFiles(t.backupDir);
    expect(files).toHaveLength(1);
    const [file] = files;
    expect(file?.fileName).toMatch(/^guichet-2026-03-16T093000Z-cloture\.sqlite$/);
    const full = path.join(t.backupDir, file?.fileName ?? '');
    // A single self-contained file: no -wal or -shm beside it.
    expect(readdirSync(t.backupDir).sort()).toEqual([file?.fileName]);

    const [entry] = techEntries(t, 'sauvegarde');
    expect(entry).toMatchObject({
      status: 'ok',
      reason: 'cloture',
      fileName: file?.fileName,
      sizeBytes: readFileSync(full).length,
      sha256: sha256(full),
    });

    // The copy holds the payment and the closed session.
    const copy = new Database(full, { readonly: true });
    try {
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(copy.prepare('SELECT count(*) AS n FROM payment').get()).toEqual({ n: 1 });
      expect(copy.prepare('SELECT status FROM till_session').get()).toEqual({ status: 'closed' });
    } finally {
      copy.close();
    }
  });

  it('does not make the closing fail when it fails: logged and journaled instead', async () => {
    const { log, lines } = capturingLogger();
    t = await openFileCore({ logger: log });
    // A backup folder that cannot be created: its parent is a plain file.
    writeFileSync(path.join(t.dir, 'fichier'), 'x');
    setSetting(t.core.sqlite, 'backup_dir', path.join(t.dir, 'fichier', 'sauvegardes'));

    await payAndClose(t);
    await t.core.backupsIdle();

    expect(t.core.sqlite.prepare('SELECT status FROM till_session').get()).toEqual({
      status: 'closed',
    });
    const [entry] = techEntries(t, 'sauvegarde');
    expect(entry).toMatchObject({ status: 'echec', reason: 'cloture' });
    expect(String(entry?.error)).toMatch(
      /^Le dossier des sauvegardes « .* » ne peut pas être créé/,
    );
    expect(lines.some((l) => l.msg === 'sauvegarde échouée' && l.level === 50)).toBe(true);
  });

  it('is still made when the closing commits after an orderly stop has begun', async () => {
    t = await openFileCore();
    // Quitting Guichet: the daily timer and the sync stop first; a closing under way commits.
    t.core.stopBackground();
    await payAndClose(t);
    await t.core.backupsIdle();
    expect(listBackupFiles(t.backupDir).map((f) => f.reason)).toEqual(['cloture']);
  });

  it('is waited for by backupsIdle() even when queued while it waited', async () => {
    t = await openFileCore();
    const regisseur = await t.login('regisseur');
    const mandataire = await t.login('mandataire');
    // A backup on demand is being written (its check runs on a worker: well over the closing's
    // few milliseconds) when the wait begins; the closing then queues its own behind it.
    const onDemand = t.call('backups.create', {}, regisseur);
    const idle = t.core.backupsIdle();
    await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(15000) },
      mandataire,
    );
    await idle;
    expect(techEntries(t, 'sauvegarde')).toMatchObject([
      { status: 'ok', reason: 'manuelle' },
      { status: 'ok', reason: 'cloture' },
    ]);
    await onDemand;
  });

  it('is not repeated when the closing is replayed', async () => {
    t = await openFileCore();
    const token = await t.login('mandataire');
    const close = { commandId: newCommandId(), cashCounts: countOf(15000) };
    await t.call('till.close', close, token);
    const again = await t.call('till.close', close, token);
    expect(again.replayed).toBe(true);
    await t.core.backupsIdle();
    expect(listBackupFiles(t.backupDir)).toHaveLength(1);
  });
});

describe('the daily backup', slow, () => {
  it('is made at start when the newest backup is more than 24 hours old, then on a timer', async () => {
    t = await openFileCore({ core: { backupSchedule: { firstCheckMs: 0, everyMs: 20 } } });
    const daily = () =>
      listBackupFiles(t?.backupDir ?? '').filter((f) => f.reason === 'quotidienne');
    await vi.waitFor(() => expect(daily()).toHaveLength(1), { timeout: BACKUP_WAIT_MS });
    // Within 24 hours, the timer's checks make nothing more.
    t.clock.ms += 23 * 3_600_000;
    await new Promise((r) => setTimeout(r, 200));
    await t.core.backupsIdle();
    expect(daily()).toHaveLength(1);
    t.clock.ms += 2 * 3_600_000;
    await vi.waitFor(() => expect(daily()).toHaveLength(2), { timeout: BACKUP_WAIT_MS });
    expect(daily().map((f) => f.createdAt.toISOString())).toEqual([
      '2026-03-17T10:30:00.000Z',
      '2026-03-16T09:30:00.000Z',
    ]);
  });

  it('is not made when a closing backup is less than 24 hours old', async () => {
    t = await openFileCore();
    await payAndClose(t);
    await t.core.backupsIdle();
    t.core.close();
    const reopened = await openFileCore({
      dir: t.dir,
      fixture: false,
      core: { backupSchedule: { firstCheckMs: 0, everyMs: 60_000 } },
    });
    t = reopened;
    await new Promise((r) => setTimeout(r, 300));
    await t.core.backupsIdle();
    expect(listBackupFiles(t.backupDir).map((f) => f.reason)).toEqual(['cloture']);
  });
});

describe('backups on demand', () => {
  it('are open to the régisseur and the suppléant, listed with their journaled SHA-256', async () => {
    t = await openFileCore();
    const made = await t.call('backups.create', {}, await t.login('suppleant'));
    expect(made).toMatchObject({ reason: 'manuelle', verified: true });
    const list = await t.call('backups.list', {}, await t.login('regisseur'));
    expect(list.dir).toBe(t.backupDir);
    expect(list.backups).toEqual([
      {
        fileName: made.fileName,
        reason: 'manuelle',
        createdAt: '2026-03-16T09:30:00.000Z',
        sizeBytes: made.sizeBytes,
        sha256: sha256(path.join(t.backupDir, made.fileName)),
        verified: true,
      },
    ]);
    // Two in the same second get distinct names.
    const second = await t.call('backups.create', {}, await t.login('regisseur'));
    expect(second.fileName).toBe('guichet-2026-03-16T093000Z-manuelle-2.sqlite');
  });

  it('are refused to the mandataire and the contrôleur', async () => {
    t = await openFileCore();
    for (const role of ['mandataire', 'controleur'] as const) {
      const r = await t.send('backups.create', {}, await t.login(role));
      expect(r.ok ? null : r.error.code).toBe('PERMISSION_REFUSEE');
    }
    expect(existsSync(t.backupDir)).toBe(false);
  });

  it('report a copy that fails its check, and keep it aside for support', async () => {
    t = await openFileCore();
    const token = await t.login('regisseur');
    await t.call('payments.record', chequePayment(), token);
    // The register itself was tampered with: the backup is a faithful copy, so it fails too.
    t.core.sqlite.exec('DROP TRIGGER payment_no_update');
    t.core.sqlite.prepare('UPDATE payment SET amount_cents = 3900 WHERE id = 1').run();

    const r = await t.send('backups.create', {}, token);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'REGLE_METIER', reason: 'SAUVEGARDE_INVALIDE' });
    expect(r.error.message).toMatch(
      /^La sauvegarde a été écrite mais sa vérification a échoué : Registre des paiements : Paiement R-SCO-P01-2026-000001 : .*montant/,
    );
    expect(listBackupFiles(t.backupDir)).toEqual([]);
    expect(readdirSync(t.backupDir)).toEqual([
      'guichet-2026-03-16T093000Z-manuelle.sqlite.invalide',
    ]);
    expect(techEntries(t, 'sauvegarde')).toMatchObject([{ status: 'echec', reason: 'manuelle' }]);
  });

  it('is refused for an in-memory database with a French message', async () => {
    const { openTestCore } = await import('../fixtures');
    const m = await openTestCore();
    try {
      const r = await m.send('backups.create', {}, await m.login('regisseur'));
      expect(r.ok ? null : r.error.message).toBe(
        'Cette base est en mémoire (essai) : elle ne peut pas être sauvegardée.',
      );
    } finally {
      m.close();
    }
  });
});

describe('rotation', slow, () => {
  const name = (day: number, hour: number, reason: string) =>
    `guichet-2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}0000Z-${reason}.sqlite`;

  it('keeps the newest of each reason, never the pre-migration backups', () => {
    const dir = scratch();
    for (let d = 1; d <= 20; d++) {
      writeFileSync(path.join(dir, name(d, 3, 'quotidienne')), 'x');
      writeFileSync(path.join(dir, name(d, 18, 'cloture')), 'x');
    }
    writeFileSync(path.join(dir, 'avant-migration-3-2026-01-01T08-00-00-000Z.sqlite'), 'x');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const deleted = rotateBackups(dir, { quotidienne: 14, cloture: 5, manuelle: 10 });
    expect(deleted).toHaveLength(6 + 15);
    const left = listBackupFiles(dir);
    expect(left.filter((f) => f.reason === 'quotidienne').map((f) => f.fileName)[13]).toBe(
      name(7, 3, 'quotidienne'),
    );
    expect(left.filter((f) => f.reason === 'cloture')).toHaveLength(5);
    expect(left.filter((f) => f.reason === 'avant_migration')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'notes.txt'))).toBe(true);
  });

  it('never deletes the newest backup of the folder', () => {
    const dir = scratch();
    writeFileSync(path.join(dir, name(1, 3, 'quotidienne')), 'x');
    writeFileSync(path.join(dir, name(2, 3, 'quotidienne')), 'x');
    expect(rotateBackups(dir, { quotidienne: 0, cloture: 0, manuelle: 0 })).toEqual([
      name(1, 3, 'quotidienne'),
    ]);
    expect(listBackupFiles(dir).map((f) => f.fileName)).toEqual([name(2, 3, 'quotidienne')]);
  });

  it('follows the settings, and the journal names what it removed', async () => {
    t = await openFileCore();
    await t.call('settings.update', { keepDailyBackups: 2 }, await t.login('regisseur'));
    const { dir } = t;
    t.core.close();
    for (let day = 0; day < 3; day++) {
      // One start a day: each finds the newest backup more than 24 hours old.
      t = await openFileCore({
        dir,
        fixture: false,
        startMs: START + day * 86_400_000,
        core: { backupSchedule: { firstCheckMs: 0, everyMs: 60_000 } },
      });
      const expected = `guichet-2026-03-${16 + day}T093000Z-quotidienne.sqlite`;
      await vi.waitFor(
        () => expect(existsSync(path.join(dir, 'sauvegardes', expected))).toBe(true),
        {
          timeout: BACKUP_WAIT_MS,
        },
      );
      await t.core.backupsIdle();
      if (day < 2) t.core.close();
    }
    expect(listBackupFiles(t.backupDir).map((f) => f.fileName)).toEqual([
      'guichet-2026-03-18T093000Z-quotidienne.sqlite',
      'guichet-2026-03-17T093000Z-quotidienne.sqlite',
    ]);
    const last = techEntries(t, 'sauvegarde').at(-1);
    expect(last?.removed).toEqual(['guichet-2026-03-16T093000Z-quotidienne.sqlite']);
  });
});
