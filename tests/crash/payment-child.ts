// Child process of the crash-safety test: records payments in a loop against a SQLite file and
// reports each one on stdout only after its commit. The parent kills it with SIGKILL at random
// moments. Usage: node --import tsx payment-child.ts <dbFile> [<pendingCommandId>]
// A pending command (sent but never reported) is replayed first with the same content, as the
// UI does after an unanswered request.
import { createHash, randomUUID } from 'node:crypto';
import pino from 'pino';
import { openCore } from '../../src/core/core';
import { IDS, LOGINS, PASSWORDS } from '../core/fixtures';

const [dbFile, pending] = process.argv.slice(2);
if (!dbFile) throw new Error('usage: payment-child.ts <dbFile> [<pendingCommandId>]');

/**
 * The payment's content is a function of its command id, so a replay sends the same thing.
 * Martin only: Dupond owes an invoice en trésorerie, so an excess over what the régie can
 * collect is refused unless put on credit explicitly (FACTURE_TRESORERIE).
 */
function paymentFor(commandId: string) {
  const h = createHash('sha256').update(commandId).digest();
  return {
    commandId,
    familyId: IDS.martin,
    regieId: IDS.sco,
    amountCents: 100 + (h.readUInt16BE(1) % 9000),
    method: {
      mode: 'cheque' as const,
      bank: 'Banque du test',
      number: String(h.readUInt32BE(3) % 10_000_000),
      drawer: 'Famille test',
      payee: 'DGFiP',
    },
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);

const core = await openCore({ dbFile, logger: pino({ level: 'silent' }) });
const login = await core.send(
  'auth.login',
  { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
  null,
);
if (!login.ok) throw new Error(login.error.message);
const token = (login.value as { token: string }).token;
// Counter payments need an open till session (issue 4). A previous child killed mid-run left
// its session open on the same database file, which is then simply reused.
const status = await core.send('till.status', {}, token);
if (!status.ok) throw new Error(status.error.message);
if (!(status.value as { session: unknown }).session) {
  const opened = await core.send(
    'till.open',
    { commandId: randomUUID(), counts: { b100: 1, b50: 1 } },
    token,
  );
  if (!opened.ok) throw new Error(`${opened.error.code} ${opened.error.message}`);
}
say('READY');

async function record(commandId: string, tag: 'OK' | 'REPLAY') {
  const r = await core.send('payments.record', paymentFor(commandId), token);
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.message}`);
  const v = r.value as { paymentId: number; receiptNumber: string; replayed: boolean };
  say(`${tag} ${commandId} ${v.receiptNumber} ${v.paymentId} ${v.replayed}`);
  return v;
}

if (pending) await record(pending, 'REPLAY');
for (let i = 1; ; i++) {
  const commandId = randomUUID();
  say(`SEND ${commandId}`);
  const p = await record(commandId, 'OK');
  // Every fifth payment is cancelled, so counter-entries are exercised under crashes too.
  if (i % 5 === 0) {
    const c = await core.send(
      'payments.cancel',
      { commandId: randomUUID(), paymentId: p.paymentId, reason: 'Annulation de test' },
      token,
    );
    if (!c.ok) throw new Error(`${c.error.code} ${c.error.message}`);
    say(`CANCELLED ${p.paymentId}`);
  }
}
