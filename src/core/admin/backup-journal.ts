// What the technical journal says about each backup written from this database: its SHA-256
// and whether its check passed. The backups made before a migration are journaled by the
// start-up (journal/start-events.ts) with their full path and no status; they count as checked
// since the file is a plain copy taken before anything was changed.
import path from 'node:path';
import type Database from 'better-sqlite3';

export interface JournaledBackup {
  sha256: string | null;
  ok: boolean;
}

interface Row {
  fileName: string | null;
  path: string | null;
  sha256: string | null;
  status: string | null;
}

export function journaledBackups(sqlite: Database.Database): Map<string, JournaledBackup> {
  const out = new Map<string, JournaledBackup>();
  let rows: Row[];
  try {
    rows = sqlite
      .prepare(
        `SELECT json_extract(payload, '$.fileName') AS fileName, json_extract(payload, '$.path') AS path,
                json_extract(payload, '$.sha256') AS sha256, json_extract(payload, '$.status') AS status
         FROM tech_journal_entry WHERE kind = 'sauvegarde' ORDER BY seq`,
      )
      .all() as Row[];
  } catch {
    // The database in service may be the damaged one a restore is about to replace.
    return out;
  }
  for (const r of rows) {
    const name = r.fileName ?? (r.path ? path.basename(r.path.replace(/\\/g, '/')) : null);
    if (!name) continue;
    out.set(name, { sha256: r.sha256, ok: r.status === null || r.status === 'ok' });
  }
  return out;
}
