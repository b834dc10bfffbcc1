// Where this poste's portal credentials live. The secret signs every request to the portal, so
// it is kept OUTSIDE the database: a copy of the database (a backup sent for an incident, a
// stolen disk image of the data folder alone) must not be able to sign anything. Every mode
// uses a file beside the database (0600 where the system honours it). Electron's safeStorage is
// not used: on Windows it is DPAPI in the scope of the Windows user, and a counter is shared by
// several agents' sessions, each of which must be able to sync; the file is protected by the
// data folder's rights instead (README, « Où sont les données »).
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { CounterCredentials } from '../../shared/sync/signing';

export interface SecretStore {
  /** The stored credentials, or null when this poste is not enrolled. */
  read(): CounterCredentials | null;
  /** Replaces the credentials (a new enrolment voids the previous secret on the portal). */
  write(creds: CounterCredentials): void;
}

/** A JSON file readable by its owner only, written atomically (temporary file and rename). */
export function fileSecretStore(file: string): SecretStore {
  return {
    read() {
      if (!existsSync(file)) return null;
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<CounterCredentials>;
      if (typeof raw.counterId !== 'string' || typeof raw.secret !== 'string') return null;
      return { counterId: raw.counterId, secret: raw.secret };
    },
    write(creds) {
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, JSON.stringify(creds), { mode: 0o600 });
      // mode applies only when the file is created: make sure a left-over file is tightened too.
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    },
  };
}

/** For in-memory databases: the credentials live as long as the process. */
export function memorySecretStore(): SecretStore {
  let creds: CounterCredentials | null = null;
  return {
    read: () => creds,
    write: (c) => {
      creds = { ...c };
    },
  };
}

/** The default file for a database file: <name>.sync-secret.json in the same folder. */
export function secretFileFor(dbFile: string): string {
  return `${dbFile.replace(/\.(sqlite3?|db)$/i, '')}.sync-secret.json`;
}
