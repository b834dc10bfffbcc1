// Technical events of the register's own life, journaled in the JET: the backup made before a
// migration (with the SHA-256 of the file, so the copy an auditor is handed can be matched),
// each start of the core, and a clock set back, which would otherwise make the journal's
// instants run backwards without explanation.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type Database from 'better-sqlite3';
import type { MigrationReport } from '../db/migrate';
import { appendJournal } from './chain';

/** A clock may drift or be corrected by a few seconds; more than this is a jump. */
export const CLOCK_JUMP_TOLERANCE_MS = 2 * 60_000;

export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** The latest instant written in either journal, in ms, or null for an empty register. */
function lastJournalInstantMs(sqlite: Database.Database): number | null {
  const row = sqlite
    .prepare(
      `SELECT MAX(instant) AS instant FROM (
         SELECT instant FROM journal_entry WHERE seq = (SELECT last_seq FROM journal_tip WHERE id = 1)
         UNION ALL
         SELECT instant FROM tech_journal_entry WHERE seq = (SELECT last_seq FROM tech_journal_tip WHERE id = 1))`,
    )
    .get() as { instant: string | null };
  return row.instant === null ? null : Date.parse(row.instant);
}

export function journalClockJump(
  sqlite: Database.Database,
  now: Date,
  lastKnown: Date,
  posteCode: string,
): void {
  appendJournal(sqlite, 'technique', {
    kind: 'saut_horloge',
    instant: now.toISOString(),
    agentId: null,
    regieId: null,
    posteCode,
    payload: {
      lastKnownInstant: lastKnown.toISOString(),
      backwardsSeconds: Math.round((lastKnown.getTime() - now.getTime()) / 1000),
    },
  });
}

/**
 * Journals, right after the migrations (the journal tables exist from then on, even on a new
 * database), the pre-migration backup if one was made, a clock jump if the clock is now
 * behind the last journal entry, and the start itself. Returns the instant the dispatcher
 * will watch the clock from.
 */
export async function journalStartEvents(
  sqlite: Database.Database,
  migration: MigrationReport,
  now: Date,
  posteCode: string,
): Promise<number> {
  const base = { agentId: null, regieId: null, posteCode, instant: now.toISOString() };
  if (migration.backupPath) {
    appendJournal(sqlite, 'technique', {
      ...base,
      kind: 'sauvegarde',
      payload: {
        reason: 'avant_migration',
        path: migration.backupPath,
        sha256: await fileSha256(migration.backupPath),
        migrations: migration.applied,
      },
    });
  }
  const last = lastJournalInstantMs(sqlite);
  if (last !== null && now.getTime() < last - CLOCK_JUMP_TOLERANCE_MS) {
    journalClockJump(sqlite, now, new Date(last), posteCode);
  }
  appendJournal(sqlite, 'technique', {
    ...base,
    kind: 'demarrage',
    payload: { schemaVersion: migration.schemaVersion, migrationsApplied: migration.applied },
  });
  return Math.max(now.getTime(), last ?? 0);
}
