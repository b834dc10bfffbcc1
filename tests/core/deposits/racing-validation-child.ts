// Child process of the racing validation test: a second writer on the register's file. It
// validates the given draft through its own SQLite connection, inside a write transaction it
// keeps open for a moment so that the test's own validation of the same draft arrives while it
// holds the lock. It goes through the same validateSlip as the core, without opening a core
// (which would refuse a database already in use by another Guichet).
// Usage: node --import tsx racing-validation-child.ts <dbFile> <slipId> <holdMs>
import { randomUUID } from 'node:crypto';
import { openSqlite } from '../../../src/core/db/open';
import { validateSlip } from '../../../src/core/deposits/slips';

const [dbFile, slipIdText, holdText] = process.argv.slice(2);
if (!dbFile || !slipIdText || !holdText) {
  throw new Error('usage: racing-validation-child.ts <dbFile> <slipId> <holdMs>');
}
const sqlite = openSqlite(dbFile);
const agent = sqlite.prepare("SELECT id FROM agent WHERE role = 'suppleant'").get() as {
  id: number;
};
sqlite.exec('BEGIN IMMEDIATE');
const r = validateSlip(sqlite, {
  commandId: randomUUID(),
  slipId: Number(slipIdText),
  agentId: agent.id,
  posteCode: 'P02',
  now: new Date(),
});
process.stdout.write(`HOLDING ${r.slip.number ?? ''}\n`);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdText));
sqlite.exec('COMMIT');
sqlite.close();
process.stdout.write('COMMITTED\n');
