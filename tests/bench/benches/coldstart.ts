// core.coldstart: milliseconds to open the register's database and pass the migration guard on
// an already migrated file (the 100,000-family base), as at every start of the application.
// Baseline: opening the same file with better-sqlite3 alone and running SELECT 1.
import Database from 'better-sqlite3';
import pino from 'pino';
import { openCore } from '../../../src/core/core';
import { base100k } from '../base-100k';
import { registerBench, timeEach, timeEachAsync } from '../registry';

const RUNS = 40;
const silent = pino({ level: 'silent' });

registerBench({
  name: 'core.coldstart',
  unit: 'ms',
  description: `openCore() puis close() sur une base déjà migrée de 100 000 familles, ${RUNS} fois`,
  async run(ctx) {
    const file = await base100k(ctx);
    // One untimed opening puts the file in the page cache, as it is after the first start.
    (await openCore({ dbFile: file, seed: 'none', logger: silent })).close();
    return timeEachAsync(RUNS, async () => {
      const core = await openCore({ dbFile: file, seed: 'none', logger: silent });
      if (core.migration.applied.length > 0) throw new Error('la base n’était pas à jour');
      core.close();
    });
  },
  baseline: {
    description: 'new Database(fichier), SELECT 1, close()',
    async run(ctx) {
      const file = await base100k(ctx);
      return timeEach(RUNS, () => {
        const db = new Database(file);
        db.prepare('SELECT 1').get();
        db.close();
      });
    },
  },
});
