// Payment and journal speed. A payment is recorded while the family waits, and its cost is
// dominated by the one durable commit (synchronous=FULL on a WAL file): `payment.record` is
// reported with its ratio to `sqlite.commit`, a bare single-row INSERT commit measured on the
// same disk in the same run, so the figure says how much the rules, numbering, journal and
// receipt data add on top of the disk. `journal.verify.1m` is the time an auditor waits for the
// integrity check of a register with a million journal entries.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import { loadShippedMigrations, migrate } from '../../../src/core/db/migrate';
import { defaultMigrationsDir } from '../../../src/core/core';
import { openSqlite } from '../../../src/core/db/open';
import { appendJournalBulk, type AppendInput } from '../../../src/core/journal/chain';
import { verifyChain } from '../../../src/core/journal/verify';
import { buildFixture, IDS, LOGINS, PASSWORDS } from '../../core/fixtures';
import { registerBench, timeEachAsync, type BenchContext, type Measure } from '../registry';

export interface PaymentBenchDefinition {
  name: string;
  unit: 'ms' | 's';
  /** Name of the bench this one is reported against as a ratio (median / baseline median). */
  baseline?: string;
  /** Suggested number of measured runs (the 1M verification is long). */
  samples?: number;
  /** Prepared once, outside the measure; run() also prepares lazily if the harness skips it. */
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  /** One measured operation. */
  run: () => Promise<void>;
}

function tempFile(name: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `guichet-bench-${name}-`));
  return {
    file: path.join(dir, `${name}.sqlite`),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// --- sqlite.commit: the disk's price for one durable commit --------------------------------

function commitBench(): PaymentBenchDefinition {
  let state: { sqlite: Database.Database; insert: Database.Statement; cleanup: () => void } | null =
    null;
  const setup = async () => {
    if (state) return;
    const { file, cleanup } = tempFile('commit');
    // Same pragmas as the ledger: WAL, synchronous=FULL.
    const sqlite = openSqlite(file);
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    state = { sqlite, insert: sqlite.prepare('INSERT INTO t (v) VALUES (?)'), cleanup };
  };
  return {
    name: 'sqlite.commit',
    unit: 'ms',
    setup,
    teardown: async () => {
      state?.sqlite.close();
      state?.cleanup();
      state = null;
    },
    run: async () => {
      await setup();
      // Autocommit: one statement, one transaction, one fsync.
      state?.insert.run('paiement');
    },
  };
}

// --- payment.record: end to end through the dispatcher -------------------------------------

const BENCH_FAMILIES = 5000;

function paymentBench(): PaymentBenchDefinition {
  let state: { core: Core; token: string; cleanup: () => void; i: number } | null = null;
  const setup = async () => {
    if (state) return;
    const { file, cleanup } = tempFile('payment');
    const core = await openCore({ dbFile: file, logger: pino({ level: 'silent' }) });
    await buildFixture(core.sqlite);
    // Families with three open invoices each at SCO, so every payment settles a real invoice
    // among several rather than going to credit.
    core.sqlite.transaction(() => {
      const family = core.sqlite.prepare(
        'INSERT INTO family (id, code, family_name) VALUES (?, ?, ?)',
      );
      const invoice = core.sqlite.prepare(
        `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
         VALUES (?, ?, ?, 'Cantine', ?, ?, ?, ?, ?, 'emise', 'import')`,
      );
      for (let f = 0; f < BENCH_FAMILIES; f++) {
        const id = 1000 + f;
        family.run(id, `B${id}`, `BENCH${id}`);
        for (let m = 1; m <= 3; m++) {
          const due = `2026-0${m}-10`;
          invoice.run(
            `BENCH-${id}-${m}`,
            IDS.sco,
            id,
            due.slice(0, 7),
            due,
            due,
            4000 + m * 100,
            `BENCH${id}X${m}`,
          );
        }
      }
    })();
    const login = await core.send(
      'auth.login',
      { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
      null,
    );
    if (!login.ok) throw new Error(login.error.message);
    // The bench must not hit the idle lock however long the harness runs.
    core.sqlite
      .prepare("INSERT OR REPLACE INTO setting (key, value) VALUES ('idle_lock_seconds', '86400')")
      .run();
    const token = (login.value as { token: string }).token;
    // Counter cash needs an open till; the ceiling is lifted so that thousands of cash payments
    // measure the recording path, not the ceiling's refusal.
    core.sqlite.prepare('UPDATE regie SET cash_ceiling_cents = 100000000000').run();
    const opened = await core.send(
      'till.open',
      { commandId: randomUUID(), counts: { b100: 1, b50: 1 } },
      token,
    );
    if (!opened.ok) throw new Error(opened.error.message);
    state = { core, token, cleanup, i: 0 };
  };
  return {
    name: 'payment.record',
    unit: 'ms',
    baseline: 'sqlite.commit',
    setup,
    teardown: async () => {
      state?.core.close();
      state?.cleanup();
      state = null;
    },
    run: async () => {
      await setup();
      if (!state) return;
      const familyId = 1000 + (state.i++ % BENCH_FAMILIES);
      const r = await state.core.send(
        'payments.record',
        {
          commandId: randomUUID(),
          familyId,
          regieId: IDS.sco,
          amountCents: 2500,
          method: {
            mode: 'cheque',
            bank: 'Banque Postale',
            number: '1234567',
            drawer: 'BENCH',
            payee: 'DGFiP',
          },
        },
        state.token,
      );
      // A refused payment would look very fast.
      if (!r.ok) throw new Error(`payment.record : ${r.error.message}`);
    },
  };
}

// --- journal.verify.1m ------------------------------------------------------------------------

export const VERIFY_ENTRIES = 1_000_000;

/** Payment-shaped entries (payload of the same size and shape, grand totals carried). */
function* syntheticPayments(count: number): Generator<AppendInput> {
  let collected = 0;
  const start = Date.parse('2026-01-05T08:00:00.000Z');
  for (let i = 1; i <= count; i++) {
    const amount = 1000 + (i % 9000);
    collected += amount;
    yield {
      kind: 'paiement',
      instant: new Date(start + i * 20_000).toISOString(),
      agentId: 1,
      regieId: 1,
      posteCode: 'P01',
      payload: {
        commandId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        paymentId: i,
        receiptNumber: `R-SCO-P01-2026-${String(i).padStart(6, '0')}`,
        familyId: 1 + (i % 5000),
        familyCode: `F${String(1 + (i % 5000)).padStart(5, '0')}`,
        regieId: 1,
        regieCode: 'SCO',
        mode: 'cheque',
        amountCents: amount,
        tenderedCents: null,
        changeCents: null,
        details: {
          bank: 'Banque Postale',
          number: String(1_000_000 + i),
          drawer: 'FAMILLE TEST',
          payee: 'DGFiP',
        },
        allocations: [
          {
            invoiceId: i,
            invoiceNumber: `FAC-${i}`,
            invoiceLabel: 'Cantine',
            amountCents: amount,
            remainingCents: 0,
          },
        ],
        creditCreatedCents: 0,
        balance: { dueCents: 12_000, creditCents: 0 },
        totals: { collectedCents: collected, cancelledCents: 0, netCents: collected },
      },
    };
  }
}

/** Builds a journal of `count` entries in a fresh file with the real hashing; for the bench. */
export async function buildLargeJournal(file: string, count: number): Promise<Database.Database> {
  const sqlite = openSqlite(file);
  await migrate(sqlite, loadShippedMigrations(defaultMigrationsDir()));
  // Bulk build only: the chain is the same, durability per commit is not what is measured.
  sqlite.pragma('synchronous = OFF');
  const chunk = 100_000;
  const all = syntheticPayments(count);
  for (let done = 0; done < count; done += chunk) {
    const batch: AppendInput[] = [];
    for (let k = 0; k < chunk; k++) {
      const next = all.next();
      if (next.done) break;
      batch.push(next.value);
    }
    appendJournalBulk(sqlite, 'operations', batch);
  }
  sqlite.pragma('synchronous = FULL');
  return sqlite;
}

function verifyBench(): PaymentBenchDefinition {
  let state: { sqlite: Database.Database; cleanup: () => void } | null = null;
  const setup = async () => {
    if (state) return;
    const { file, cleanup } = tempFile('journal');
    state = { sqlite: await buildLargeJournal(file, VERIFY_ENTRIES), cleanup };
  };
  return {
    name: 'journal.verify.1m',
    unit: 's',
    samples: 3,
    setup,
    teardown: async () => {
      state?.sqlite.close();
      state?.cleanup();
      state = null;
    },
    run: async () => {
      await setup();
      if (!state) return;
      const report = verifyChain(state.sqlite, 'operations');
      if (!report.ok || report.entries !== VERIFY_ENTRIES) {
        throw new Error(
          `journal.verify.1m : ${report.firstError?.message ?? `${report.entries} écritures`}`,
        );
      }
    },
  };
}

export const paymentBenches: PaymentBenchDefinition[] = [
  commitBench(),
  paymentBench(),
  verifyBench(),
];

/** Times `samples` runs of a definition after `warmup` unmeasured ones, in its unit. */
function measure(def: PaymentBenchDefinition, samples: number, warmup: number): Measure {
  return {
    async run(ctx: BenchContext) {
      ctx.progress(`${def.name} : préparation…`);
      await def.setup?.();
      try {
        for (let i = 0; i < warmup; i++) await def.run();
        const scale = def.unit === 's' ? 1 / 1000 : 1;
        const out = await timeEachAsync(samples, () => def.run());
        return out.map((ms) => ms * scale);
      } finally {
        await def.teardown?.();
      }
    },
  };
}

const [commit, payment, verify] = paymentBenches as [
  PaymentBenchDefinition,
  PaymentBenchDefinition,
  PaymentBenchDefinition,
];

registerBench({
  name: 'sqlite.commit',
  unit: 'ms',
  description: 'Un INSERT d’une ligne validé (WAL, synchronous=FULL) : le prix du disque.',
  ...measure(commit, 500, 50),
});

registerBench({
  name: 'payment.record',
  unit: 'ms',
  description:
    'Un paiement en espèces enregistré de bout en bout par send() : validation, affectation, numéro, journal, données de quittance.',
  ...measure(payment, 500, 50),
  baseline: {
    description: 'sqlite.commit mesuré dans le même passage',
    ...measure(commit, 500, 50),
  },
});

registerBench({
  name: 'journal.verify.1m',
  unit: 's',
  description: 'Vérification de la chaîne d’un journal de 1 000 000 d’écritures.',
  ...measure(verify, verify.samples ?? 3, 0),
});
