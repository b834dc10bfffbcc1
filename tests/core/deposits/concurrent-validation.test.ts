// Gapless slip numbers when two writers race. One Guichet process owns a database (the core
// takes a lock file), and inside it handlers run one at a time; the guarantee that remains to
// prove is the transaction's own: validation reads the slip and draws the number inside an
// IMMEDIATE write transaction, so a second writer that validates the same draft at the same
// moment waits for the first, then sees it validated and refuses in French, and no number is
// drawn twice or skipped. Here the second writer is a child process with its own connection,
// holding its write transaction open while the core's validation arrives.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../../src/core/core';
import { parisYear } from '../../../src/core/journal/paris-time';
import {
  buildFixture,
  IDS,
  LOGINS,
  PASSWORDS,
  newCommandId,
  openTill,
  rolloverTill,
} from '../fixtures';
import { chequeDraft } from './deposit-helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const child = path.join(here, 'racing-validation-child.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'guichet-slips-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function send<T>(core: Core, name: string, args: unknown, token: string | null) {
  const r = await core.send(name, args, token);
  if (!r.ok) throw new Error(`${r.error.code} ${r.error.message}`);
  return r.value as T;
}

describe('racing validations', () => {
  it(
    'make the second writer wait, then refuse in French; numbers stay gapless',
    { timeout: 60_000 },
    async () => {
      const dbFile = path.join(dir, 'registre.sqlite');
      const core = await openCore({
        dbFile,
        logger: pino({ level: 'silent' }),
        backupSchedule: false,
      });
      try {
        await buildFixture(core.sqlite);
        openTill(core.sqlite, { now: new Date() });
        const year = parisYear(new Date());
        const { token } = await send<{ token: string }>(
          core,
          'auth.login',
          { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
          null,
        );
        for (let i = 0; i < 3; i++) {
          await send(core, 'payments.record', chequeDraft(1000 + i, String(7000000 + i)), token);
        }
        rolloverTill(core.sqlite, new Date());
        const draft = await send<{ slip: { slipId: number } }>(
          core,
          'deposits.draft',
          { commandId: newCommandId(), regieId: IDS.sco, kind: 'cheque' },
          token,
        );

        // The other writer validates the draft and holds its transaction for 1.5 s.
        const proc = spawn(
          process.execPath,
          ['--import', 'tsx', child, dbFile, String(draft.slip.slipId), '1500'],
          { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let stderr = '';
        proc.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
        const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
        await new Promise<void>((resolve, reject) => {
          proc.stdout.on('data', (c: Buffer) => {
            out += c.toString('utf8');
            if (out.includes('HOLDING')) resolve();
          });
          proc.on('exit', () =>
            reject(new Error(`Processus arrêté avant la validation : ${stderr}`)),
          );
        });
        expect(out).toContain(`HOLDING B-SCO-${year}-0001`);

        // The core's validation of the same draft waits for the lock, then refuses.
        const started = Date.now();
        const raced = await core.send(
          'deposits.validate',
          { commandId: newCommandId(), slipId: draft.slip.slipId },
          token,
        );
        const waited = Date.now() - started;
        expect(await exited).toBe(0);
        expect(stderr).toBe('');
        expect(out).toContain('COMMITTED');
        expect(raced.ok ? null : raced.error.code).toBe('CONFLIT');
        expect(raced.ok ? null : raced.error.message).toMatch(
          new RegExp(`B-SCO-${year}-0001 est déjà validé .*par Sylvain Suppléant`),
        );
        expect(waited).toBeGreaterThan(500);

        // The next slip takes the next number: nothing was skipped or drawn twice.
        await send(core, 'payments.record', chequeDraft(5000, '7000099'), token);
        rolloverTill(core.sqlite, new Date());
        const next = await send<{ slip: { slipId: number } }>(
          core,
          'deposits.draft',
          { commandId: newCommandId(), regieId: IDS.sco, kind: 'cheque' },
          token,
        );
        const v = await send<{ slip: { number: string } }>(
          core,
          'deposits.validate',
          { commandId: newCommandId(), slipId: next.slip.slipId },
          token,
        );
        expect(v.slip.number).toBe(`B-SCO-${year}-0002`);
        expect(
          core.sqlite
            .prepare(
              "SELECT seq, item_count FROM deposit_slip WHERE status = 'validated' ORDER BY seq",
            )
            .all(),
        ).toEqual([
          { seq: 1, item_count: 3 },
          { seq: 2, item_count: 1 },
        ]);
        const verify = await send<{ ok: boolean }>(core, 'journal.verify', {}, token);
        expect(verify.ok).toBe(true);
      } finally {
        core.close();
      }
    },
  );
});
