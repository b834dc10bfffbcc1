// Restoring a backup. Everything that can refuse happens on a private copy before the database
// in service is touched: the file must be one of the backup folder's, unchanged since it was
// written (its SHA-256 against the technical journal, when the journal knows it), readable by
// this version (migrated if it is older), sound for SQLite and with both journal chains and
// the ledger intact. Only then, with every other call held back, is the database in service
// closed, renamed aside (never deleted) and replaced by the copy. The restored database's
// technical journal says from which file, and which entries of the replaced database it does
// not hold.
import { randomUUID } from 'node:crypto';
import { existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { JournalBook, RestoreResult } from '../../shared/contract';
import type { HandlerContext } from '../context';
import { migrate } from '../db/migrate';
import { DomainError } from '../errors';
import { appendJournal, journalTables } from '../journal/chain';
import { fileSha256 } from '../journal/start-events';
import { verifyBackupFile } from './backup-verify';
import { parseBackupName } from './backup-files';
import { journaledBackups } from './backup-journal';
import { backupDirOf, posteCodeOf } from './machine-settings';
import type { AdminRuntime } from './runtime';

const refusal = (fileName: string, problem: string, details?: Record<string, unknown>) =>
  new DomainError(
    'REGLE_METIER',
    `La sauvegarde « ${fileName} » n’a pas été restaurée : ${problem.replace(/[.\s]+$/, '')}. Rien n’a été changé : la base en service est toujours celle d’avant. Choisissez une autre sauvegarde ou prévenez le support.`,
    'SAUVEGARDE_REFUSEE',
    details,
  );

function removeCopy(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    rmSync(f, { force: true });
  }
}

interface Tip {
  lastSeq: number;
}

function tipOf(sqlite: Database.Database, book: JournalBook): Tip | null {
  try {
    const row = sqlite
      .prepare(`SELECT last_seq FROM ${journalTables[book].tip} WHERE id = 1`)
      .get() as { last_seq: number } | undefined;
    return row ? { lastSeq: row.last_seq } : null;
  } catch {
    return null;
  }
}

function hashAt(sqlite: Database.Database, book: JournalBook, seq: number): string | null {
  if (seq === 0) return 'origine';
  const row = sqlite
    .prepare(`SELECT hash FROM ${journalTables[book].entries} WHERE seq = ?`)
    .get(seq) as { hash: string } | undefined;
  return row?.hash ?? null;
}

export interface ChainComparison {
  replacedLastSeq: number | null;
  restoredLastSeq: number;
  /** The last entry both databases share (hash-chained, so every entry before it too). */
  commonLastSeq: number | null;
  /** Entries of the replaced database the backup does not hold. */
  lost: number | null;
}

/**
 * How the backup's chain relates to the replaced one. Hashes are chained, so two journals that
 * agree on entry k agree on every entry before it: a binary search finds the last shared one.
 */
export function compareChains(
  replaced: Database.Database,
  restored: Database.Database,
  book: JournalBook,
): ChainComparison {
  const restoredLast = tipOf(restored, book)?.lastSeq ?? 0;
  const replacedTip = tipOf(replaced, book);
  if (!replacedTip) {
    return {
      replacedLastSeq: null,
      restoredLastSeq: restoredLast,
      commonLastSeq: null,
      lost: null,
    };
  }
  try {
    let lo = 0;
    let hi = Math.min(replacedTip.lastSeq, restoredLast);
    const same = (k: number) => {
      const a = hashAt(replaced, book, k);
      return a !== null && a === hashAt(restored, book, k);
    };
    if (!same(hi)) {
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (same(mid)) lo = mid;
        else hi = mid - 1;
      }
    }
    return {
      replacedLastSeq: replacedTip.lastSeq,
      restoredLastSeq: restoredLast,
      commonLastSeq: hi,
      lost: replacedTip.lastSeq - hi,
    };
  } catch {
    return {
      replacedLastSeq: replacedTip.lastSeq,
      restoredLastSeq: restoredLast,
      commonLastSeq: null,
      lost: null,
    };
  }
}

function stamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/:/g, '');
}

/** A name beside the database that no file has: a replaced database is never overwritten. */
function replacedName(dbFile: string, at: Date): string {
  const base = path.basename(dbFile).replace(/\.sqlite$/, '');
  for (let i = 1; ; i++) {
    const file = path.join(
      path.dirname(dbFile),
      `${base}-remplacee-${stamp(at)}Z${i > 1 ? `-${i}` : ''}.sqlite`,
    );
    if (![file, `${file}-wal`, `${file}-shm`].some((f) => existsSync(f))) return file;
  }
}

function journalRefusal(ctx: HandlerContext, fileName: string, problem: string): void {
  try {
    appendJournal(ctx.sqlite, 'technique', {
      kind: 'restauration',
      instant: ctx.now().toISOString(),
      agentId: ctx.session?.agentId ?? null,
      regieId: null,
      posteCode: posteCodeOf(ctx.sqlite),
      payload: { status: 'refusee', fileName, problem },
    });
  } catch (e) {
    ctx.log.error({ err: e }, 'refus de restauration non journalisé');
  }
}

/** Resolves a file name to a backup of the folder, refusing anything else. */
function backupPath(ctx: HandlerContext, rt: AdminRuntime, fileName: string): string {
  const dir = backupDirOf(ctx.sqlite, rt.defaultBackupDir);
  if (!dir)
    throw refusal(fileName, 'cette base est en mémoire (essai), sans dossier de sauvegardes.');
  const notOurs = () =>
    refusal(
      fileName,
      'ce fichier n’est pas une sauvegarde du dossier des sauvegardes de ce poste (seules les sauvegardes de la liste peuvent être restaurées).',
    );
  if (path.basename(fileName) !== fileName || !parseBackupName(fileName)) throw notOurs();
  const file = path.join(dir, fileName);
  if (!existsSync(file)) {
    throw refusal(fileName, `le fichier n’existe plus dans le dossier ${dir}.`);
  }
  // A link placed in the folder must not lead to a file elsewhere.
  const realDir = realpathSync(dir);
  const realFile = realpathSync(file);
  if (path.dirname(realFile) !== realDir || !statSync(realFile).isFile()) throw notOurs();
  return realFile;
}

export async function restoreBackup(
  ctx: HandlerContext,
  rt: AdminRuntime,
  fileName: string,
): Promise<RestoreResult> {
  if (rt.dbFile === ':memory:') {
    throw refusal(fileName, 'cette base est en mémoire (essai) : il n’y a rien à remplacer.');
  }
  let source: string;
  try {
    source = backupPath(ctx, rt, fileName);
  } catch (e) {
    if (e instanceof DomainError) journalRefusal(ctx, fileName, e.message);
    throw e;
  }
  const copy = `${rt.dbFile}.restauration-${randomUUID().slice(0, 8)}`;
  const refuse = (problem: string): never => {
    removeCopy(copy);
    journalRefusal(ctx, fileName, problem);
    throw refusal(fileName, problem);
  };

  // What is checked is the very copy that will be swapped in. The copy and every read of it
  // below leave the core's thread free: a 512 MB register takes seconds to copy and half a
  // minute to check, and the counter keeps working meanwhile.
  try {
    await copyFile(source, copy);
  } catch (e) {
    refuse(
      `la copie de travail n’a pas pu être écrite dans le dossier des données (${(e as NodeJS.ErrnoException).code ?? 'erreur'}). Vérifiez la place disponible sur le disque.`,
    );
  }
  const sha256 = await fileSha256(copy);
  const recorded = journaledBackups(ctx.sqlite).get(fileName)?.sha256 ?? null;
  if (recorded && recorded !== sha256) {
    refuse(
      'le fichier a été modifié depuis son écriture : son empreinte SHA-256 ne correspond plus à celle inscrite au journal technique lors de la sauvegarde.',
    );
  }
  const { opened, applied, problem } = await openCopy(copy, rt);
  if (!opened) return refuse(problem);
  // The worker reads the copy through a connection of its own: what the migrations wrote goes
  // into the file first, so that it does not depend on this connection's WAL.
  let check;
  try {
    opened.pragma('wal_checkpoint(TRUNCATE)');
    ({ check } = await verifyBackupFile(copy, { nativeBinding: rt.nativeBinding, log: ctx.log }));
  } catch (e) {
    opened.close();
    return refuse(`la copie n’a pas pu être vérifiée (${(e as Error).message})`);
  }
  if (!check.ok) {
    opened.close();
    refuse(check.problem ?? 'vérification échouée');
  }

  try {
    return await swapIn(ctx, rt, { fileName, copy, sha256, applied, opened });
  } finally {
    // Refused or failed: the copy goes. Swapped in: it no longer exists under this name.
    if (opened.open) opened.close();
    removeCopy(copy);
  }
}

/** Opens the copy as the core will, and brings an older backup to this version's schema. */
async function openCopy(
  copy: string,
  rt: AdminRuntime,
): Promise<
  | { opened: Database.Database; applied: string[]; problem: null }
  | { opened: null; applied: null; problem: string }
> {
  let db: Database.Database | null = null;
  try {
    db = new Database(copy, rt.nativeBinding ? { nativeBinding: rt.nativeBinding } : {});
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('recursive_triggers = ON');
    const { applied } = await migrate(db, rt.shipped, {});
    return { opened: db, applied, problem: null };
  } catch (e) {
    db?.close();
    return {
      opened: null,
      applied: null,
      problem:
        e instanceof DomainError
          ? e.message
          : `le fichier n’est pas une base Guichet lisible (${(e as Error).message})`,
    };
  }
}

function swapIn(
  ctx: HandlerContext,
  rt: AdminRuntime,
  p: {
    fileName: string;
    copy: string;
    sha256: string;
    applied: string[];
    opened: Database.Database;
  },
): Promise<RestoreResult> {
  const { fileName, copy, sha256, applied, opened } = p;
  return rt.exclusive(async () => {
    const now = ctx.now();
    const operations = compareChains(ctx.sqlite, opened, 'operations');
    const technique = compareChains(ctx.sqlite, opened, 'technique');
    opened.close();
    const replacedFile = replacedName(rt.dbFile, now);
    let swapped;
    try {
      swapped = await rt.swapDatabase(copy, replacedFile);
    } catch (e) {
      ctx.log.error({ err: e }, 'échange de base impossible');
      throw new DomainError(
        'INTERNE',
        `La restauration n’a pas pu remplacer la base (${(e as Error).message}). La base d’avant a été remise en service ; prévenez le support.`,
      );
    }
    ctx.sessions.clear();
    appendJournal(swapped.sqlite, 'technique', {
      kind: 'restauration',
      instant: now.toISOString(),
      agentId: null,
      regieId: null,
      posteCode: posteCodeOf(swapped.sqlite),
      payload: {
        status: 'ok',
        fileName,
        sha256,
        // The agent is named by login: the restored database may not know the agent's id.
        by: ctx.session?.login ?? null,
        replacedFile: path.basename(replacedFile),
        operations,
        technique,
        migrationsApplied: applied,
        sessionsEnded: true,
      },
    });
    ctx.log.warn(
      { fileName, replacedFile, lostOperations: operations.lost },
      'base restaurée depuis une sauvegarde',
    );
    return {
      restoredFrom: fileName,
      replacedFile,
      replacedLastSeq: operations.replacedLastSeq ?? 0,
      restoredLastSeq: operations.restoredLastSeq,
      lostOperations: operations.lost ?? 0,
      sessionsEnded: true as const,
    };
  });
}
