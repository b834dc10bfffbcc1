// The sync protocol on PGlite, the portal's default embedded database.
import { defineSyncSuite } from './suites/sync-suite';

defineSyncSuite('protocole de synchronisation (PGlite)', 'pglite', async () => ({
  kind: 'pglite',
  dataDir: null,
}));
