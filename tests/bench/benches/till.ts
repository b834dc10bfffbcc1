// Till figures. `till.close.2000` is what the agent waits for at the end of a busy day: the
// closing of a session holding 2,000 payments (expected per mode, differences, the Z journal
// entry, the frozen session) plus the Z report PDF, through the core's handlers on a WAL file.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openCore } from '../../../src/core/core';
import { recordPayment } from '../../../src/core/payments/record';
import { paymentDraftSchema } from '../../../src/shared/contract';
import { sessionFigures } from '../../../src/core/till/figures';
import { buildFixture, countOf, IDS, LOGINS, openTill, PASSWORDS } from '../../core/fixtures';
import { registerBench } from '../registry';

const PAYMENTS = 2000;
const SAMPLES = 3;

async function oneClosing(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-till-'));
  const core = await openCore({
    dbFile: path.join(dir, 'till.sqlite'),
    logger: pino({ level: 'silent' }),
  });
  try {
    await buildFixture(core.sqlite);
    // Far above the day's cash: the ceiling is not what is measured here.
    core.sqlite.prepare('UPDATE regie SET cash_ceiling_cents = 100000000').run();
    const login = await core.send(
      'auth.login',
      { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
      null,
    );
    if (!login.ok) throw new Error(login.error.message);
    const token = (login.value as { token: string }).token;
    const now = new Date();
    openTill(core.sqlite, { now });
    const agentId = (
      core.sqlite.prepare("SELECT id FROM agent WHERE login = 'rtitulaire'").get() as { id: number }
    ).id;
    // The day's payments are recorded in one outer transaction (each payment is a savepoint):
    // the setup is not what is measured.
    core.sqlite.transaction(() => {
      for (let i = 0; i < PAYMENTS; i++) {
        const mode = i % 3 === 0 ? 'especes' : i % 3 === 1 ? 'cheque' : 'carte';
        const method =
          mode === 'especes'
            ? { mode }
            : mode === 'cheque'
              ? {
                  mode,
                  bank: 'Banque',
                  number: String(100000 + i),
                  drawer: 'Tireur',
                  payee: 'DGFiP',
                }
              : { mode, terminalReference: `T${i}` };
        recordPayment(core.sqlite, {
          commandId: randomUUID(),
          draft: paymentDraftSchema.parse({
            // Martin only: Dupond owes a debt en trésorerie, so excess money for him is refused
            // rather than put silently on credit.
            familyId: IDS.martin,
            regieId: IDS.sco,
            amountCents: 100 + (i % 50) * 10,
            method,
          }),
          agentId,
          posteCode: 'P01',
          now,
        });
      }
    })();
    const session = core.sqlite
      .prepare("SELECT id FROM till_session WHERE status = 'open'")
      .get() as { id: number };
    const f = sessionFigures(core.sqlite, session.id);
    const expected = (mode: string) => f.modes.find((m) => m.mode === mode)?.expectedCents ?? 0;
    const args = {
      commandId: randomUUID(),
      cashCounts: countOf(expected('especes')),
      chequesPresent: f.cheques.map((c) => c.paymentId),
      cardBatchCents: expected('carte'),
    };
    const start = performance.now();
    const closed = await core.send('till.close', args, token);
    if (!closed.ok) throw new Error(closed.error.message);
    const z = await core.send('till.zReport', { sessionId: session.id }, token);
    if (!z.ok) throw new Error(z.error.message);
    return performance.now() - start;
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

registerBench({
  name: 'till.close.2000',
  unit: 'ms',
  description: `till.close puis till.zReport (PDF A4) d’une session de ${PAYMENTS} paiements (espèces, chèques, carte), fichier WAL, ${SAMPLES} sessions`,
  async run(ctx) {
    const samples: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      ctx.progress(`session ${i + 1}/${SAMPLES} : ${PAYMENTS} paiements puis clôture…`);
      samples.push(await oneClosing());
    }
    return samples;
  },
  baseline: {
    description:
      'une transaction SQLite nue (un INSERT puis COMMIT) sur une base du moteur : WAL, synchronous=FULL (20 fois)',
    async run() {
      const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-till-base-'));
      const core = await openCore({
        dbFile: path.join(dir, 'base.sqlite'),
        seed: 'none',
        logger: pino({ level: 'silent' }),
      });
      try {
        core.sqlite.exec('CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
        const insert = core.sqlite.prepare('INSERT INTO bench_commit (v) VALUES (?)');
        const once = core.sqlite.transaction((v: string) => insert.run(v));
        const out: number[] = [];
        for (let i = 0; i < 20; i++) {
          const t = performance.now();
          once(`ligne ${i}`);
          out.push(performance.now() - t);
        }
        return out;
      } finally {
        core.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
});
