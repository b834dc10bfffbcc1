// Whether this poste is enrolled to a portal. On an enrolled poste the commune and its régies
// come from the portal by sync (matched by régie code), so they are not created or renamed
// here: two sources would diverge, and the next sync would silently overwrite the local change.
import type Database from 'better-sqlite3';

/** The portal's address when this poste is enrolled, null when it works alone. */
export function enrolledPortalUrl(sqlite: Database.Database): string | null {
  const row = sqlite.prepare('SELECT portal_url FROM sync_state WHERE id = 1').get() as
    { portal_url: string } | undefined;
  return row?.portal_url ?? null;
}
