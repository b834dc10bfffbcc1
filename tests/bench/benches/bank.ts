// statement.cfonb.50k: seconds for bank.import of a CFONB 120 file of 50,000 movements, through
// the dispatcher as the UI sends it (base64), into a file database already holding what the
// movements confirm: 40,000 online payments (sync_mirror, as the portal publishes them), 5,000
// validated cheque slips and 5,000 cash deposits. Everything is included: decoding, parsing with
// every check, the balance check, writing the statement and its lines, automatic matching of
// every line, the match rows and the journal entry. Baseline: the bare parse of the same file
// (decoding and parseCfonb120 only), what reading it costs at the least.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type Database from 'better-sqlite3';
import { encodeCfonbAmount } from '../../../src/core/bank/cfonb-amount';
import { parseStatementFile } from '../../../src/core/bank/read-file';
import { openCore, type Core } from '../../../src/core/core';
import { registerBench } from '../registry';

const ONLINE = 40_000;
const SLIPS = 5_000;
const CASH = 5_000;
const runs = Math.max(1, Number(process.env.BENCH_BANK_RUNS) || 3);
const PASSWORD = 'Bench-Banque-2026';
const ACCOUNT = '00002001012';

const iso = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString();
const jjmmaa = (d: string) => `${d.slice(8, 10)}${d.slice(5, 7)}${d.slice(2, 4)}`;

function rec(
  code: string,
  date: string,
  amount: number,
  label = '',
  extra?: (l: string[]) => void,
) {
  const l = Array.from({ length: 120 }, () => ' ');
  const put = (at: number, v: string) => v.split('').forEach((c, i) => (l[at - 1 + i] = c));
  put(1, code);
  put(3, '30004');
  put(12, '00123');
  put(17, 'EUR2');
  put(22, ACCOUNT);
  put(33, '05');
  put(35, jjmmaa(date));
  if (code === '04') {
    put(43, jjmmaa(date));
    put(49, label.slice(0, 31));
  }
  if (code !== '05') put(91, encodeCfonbAmount(amount));
  extra?.(l);
  return l.join('');
}

interface Plan {
  online: { ref: string; refdet: string; amount: number; day: number }[];
  slips: { amount: number; day: number }[];
  cash: { amount: number; day: number }[];
  file: string;
}

let plan: Plan | null = null;
function buildPlan(): Plan {
  const online = Array.from({ length: ONLINE }, (_, i) => ({
    ref: randomUUID(),
    refdet: `B26${String(i).padStart(7, '0')}`,
    amount: 1000 + (i % 20_000),
    day: i % 300,
  }));
  // Slips and deposits have amounts no other expectation has, as real totals mostly do.
  const slips = Array.from({ length: SLIPS }, (_, i) => ({
    amount: 5_000_000 + i * 7,
    day: i % 300,
  }));
  const cash = Array.from({ length: CASH }, (_, i) => ({
    amount: 9_000_000 + i * 11,
    day: i % 300,
  }));
  const lines: string[] = [rec('01', iso(0).slice(0, 10), 0)];
  let total = 0;
  for (const p of online) {
    const d = iso(p.day + 1).slice(0, 10);
    lines.push(rec('04', d, p.amount, 'VIR DGFIP PAYFIP'));
    lines.push(
      rec('05', d, 0, '', (l) => {
        'LIB'.split('').forEach((c, i) => (l[45 + i] = c));
        `REFDET ${p.refdet}`.split('').forEach((c, i) => (l[48 + i] = c));
      }),
    );
    total += p.amount;
  }
  for (const s of slips) {
    lines.push(rec('04', iso(s.day + 2).slice(0, 10), s.amount, 'REMISE CHEQUES'));
    total += s.amount;
  }
  for (const c of cash) {
    lines.push(rec('04', iso(c.day + 2).slice(0, 10), c.amount, 'VERSEMENT ESPECES'));
    total += c.amount;
  }
  lines.push(rec('07', iso(310).slice(0, 10), total));
  return { online, slips, cash, file: `${lines.join('\r\n')}\r\n` };
}
const data = () => (plan ??= buildPlan());

function seed(sqlite: Database.Database, p: Plan): void {
  sqlite.transaction(() => {
    sqlite
      .prepare(
        `INSERT INTO regie (id, commune_id, code, name, accepted_modes, cash_ceiling_cents, float_cents,
           creditor_label, service_name, service_address, dft_account)
         VALUES (1, 1, 'SCO', 'Régie scolaire', '["especes","cheque"]', 100000000, 0, 'Régie', 'Service', 'Adresse',
           'FR76 1007 1690 0000 0020 0101 234')`,
      )
      .run();
    const agent = (
      sqlite.prepare('SELECT id FROM agent ORDER BY id LIMIT 1').get() as { id: number }
    ).id;
    const mirror = sqlite.prepare(
      "INSERT INTO sync_mirror (entity, key, data, committed_at) VALUES ('online_payment', ?, ?, ?)",
    );
    for (const o of p.online) {
      const at = iso(o.day);
      mirror.run(
        o.ref,
        JSON.stringify({
          ref: o.ref,
          invoiceNumber: `F-${o.refdet}`,
          regieCode: 'SCO',
          familyCode: 'F1',
          amountCents: o.amount,
          status: 'paye',
          idop: randomUUID(),
          numauto: null,
          refdet: o.refdet,
          paidAt: at,
        }),
        at,
      );
    }
    const command = sqlite.prepare(
      "INSERT INTO command (command_id, handler, request_hash, agent_id, created_at) VALUES (?, 'bench', 'x', ?, ?)",
    );
    const slip = sqlite.prepare(
      `INSERT INTO deposit_slip (command_id, regie_id, kind, status, selection, created_at, created_by, updated_at,
         validate_command_id, year, seq, number, validated_at, validated_by, item_count, total_cents, journal_seq)
       VALUES (?, 1, 'cheque', 'validated', '[]', ?, ?, ?, ?, 2026, ?, ?, ?, ?, 1, ?, 1)`,
    );
    p.slips.forEach((s, i) => {
      const a = randomUUID();
      const b = randomUUID();
      const at = iso(s.day);
      command.run(a, agent, at);
      command.run(b, agent, at);
      slip.run(
        a,
        at,
        agent,
        at,
        b,
        i + 1,
        `B-SCO-2026-${String(i + 1).padStart(4, '0')}`,
        at,
        agent,
        s.amount,
      );
    });
    const sessionCommand = randomUUID();
    command.run(sessionCommand, agent, iso(0));
    const session = Number(
      sqlite
        .prepare(
          `INSERT INTO till_session (command_id, poste_code, opened_at, opened_by, float_counts, float_counted_cents,
             float_expected_cents, open_journal_seq) VALUES (?, 'P01', ?, ?, '{}', 0, 0, 1)`,
        )
        .run(sessionCommand, iso(0), agent).lastInsertRowid,
    );
    const movement = sqlite.prepare(
      `INSERT INTO till_movement (command_id, session_id, regie_id, kind, amount_cents, reason, agent_id, at, journal_seq)
       VALUES (?, ?, 1, 'versement', ?, 'Dépôt banc d’essai', ?, ?, 1)`,
    );
    const cash = sqlite.prepare(
      `INSERT INTO cash_deposit (command_id, regie_id, session_id, movement_id, year, seq, number, notes_counts, coins_counts,
         notes_cents, coins_cents, total_cents, notes_bag, deposited_at, agent_id, journal_seq)
       VALUES (?, 1, ?, ?, 2026, ?, ?, '{}', '{}', ?, 0, ?, ?, ?, ?, 1)`,
    );
    p.cash.forEach((c, i) => {
      const m = randomUUID();
      const d = randomUUID();
      const at = iso(c.day);
      command.run(m, agent, at);
      command.run(d, agent, at);
      const movementId = Number(movement.run(m, session, -c.amount, agent, at).lastInsertRowid);
      cash.run(
        d,
        session,
        movementId,
        i + 1,
        `E-SCO-2026-${String(i + 1).padStart(4, '0')}`,
        c.amount,
        c.amount,
        `SAC${i}`,
        at,
        agent,
      );
    });
  })();
}

async function freshCore(dbFile: string): Promise<{ core: Core; token: string }> {
  process.env.GUICHET_ADMIN_PASSWORD = PASSWORD;
  const core = await openCore({
    dbFile,
    seed: 'empty',
    logger: pino({ level: 'silent' }),
    backupSchedule: false,
    sync: { background: false },
  });
  delete process.env.GUICHET_ADMIN_PASSWORD;
  seed(core.sqlite, data());
  const login = await core.send('auth.login', { login: 'regisseur', password: PASSWORD }, null);
  if (!login.ok) throw new Error(login.error.message);
  return { core, token: (login.value as { token: string }).token };
}

registerBench({
  name: 'statement.cfonb.50k',
  unit: 's',
  description: `bank.import d’un relevé CFONB 120 de ${ONLINE + SLIPS + CASH} mouvements (base64) et rapprochement avec ${ONLINE} paiements en ligne, ${SLIPS} bordereaux et ${CASH} dépôts, ${runs} exécution(s)`,
  async run(ctx) {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-bank-'));
    const samples: number[] = [];
    try {
      const contentBase64 = Buffer.from(data().file, 'latin1').toString('base64');
      for (let i = 0; i < runs; i++) {
        ctx.progress(`relevé ${i + 1}/${runs}…`);
        const { core, token } = await freshCore(path.join(dir, `bank-${i}.sqlite`));
        try {
          const t = performance.now();
          const r = await core.send(
            'bank.import',
            { commandId: randomUUID(), fileName: 'releve-50k.txt', contentBase64 },
            token,
          );
          samples.push((performance.now() - t) / 1000);
          if (!r.ok) throw new Error(r.error.message);
          const v = r.value as { matchedCount: number; unmatchedCount: number };
          if (v.matchedCount !== ONLINE + SLIPS + CASH || v.unmatchedCount !== 0) {
            throw new Error(
              `Rapprochement incomplet : ${v.matchedCount} rapprochées, ${v.unmatchedCount} non`,
            );
          }
        } finally {
          core.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return samples;
  },
  baseline: {
    description: 'la lecture seule du même fichier (décodage base64 et parseCfonb120)',
    async run() {
      const contentBase64 = Buffer.from(data().file, 'latin1').toString('base64');
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const parsed = parseStatementFile(new Uint8Array(Buffer.from(contentBase64, 'base64')));
        samples.push((performance.now() - t) / 1000);
        if (parsed.statements[0]!.lines.length !== ONLINE + SLIPS + CASH)
          throw new Error('lecture incomplète');
      }
      return samples;
    },
  },
});
