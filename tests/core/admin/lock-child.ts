// Child process of the lock tests: opens the core on a database file and holds it until its
// standard input closes. Prints OUVERT once open, or REFUS <code> <reason> <message> and exits
// with code 2 when the core refuses. Usage: node --import tsx lock-child.ts <dbFile>
import pino from 'pino';
import { openCore } from '../../../src/core/core';
import { DomainError } from '../../../src/core/errors';

const [dbFile] = process.argv.slice(2);
if (!dbFile) throw new Error('usage: lock-child.ts <dbFile>');

try {
  const core = await openCore({ dbFile, logger: pino({ level: 'silent' }), backupSchedule: false });
  process.stdout.write('OUVERT\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    core.close();
    process.exit(0);
  });
} catch (e) {
  if (e instanceof DomainError) {
    process.stdout.write(`REFUS ${e.code} ${e.reason ?? '-'} ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
