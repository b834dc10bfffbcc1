// Closure figures. `closure.month.50k` is the régisseur's monthly closing on a busy régie: one
// month holding 50,000 payments (cash, cheques, card, transfers, a few cancellations every
// day), then closures.close of the month, which closes its 31 days first, through the core's
// handlers on a WAL file. The
// "état des recettes" PDF of that month is timed on its own. Each sample closes a fresh copy
// of the same database (a closure cannot be undone), after one uncounted warm-up closing.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import type Database from 'better-sqlite3';
import { appendJournalBulk, journalTip, type AppendInput } from '../../../src/core/journal/chain';
import { canonicalJson } from '../../../src/core/journal/canonical';
import { verifyAll } from '../../../src/core/journal/verify';
import { formatReceiptNumber } from '../../../src/core/payments/receipt-numbers';
import { createPdf, savePdf } from '../../../src/core/pdf/document';
import { buildFixture, IDS, LOGINS, PASSWORDS } from '../../core/fixtures';
import { registerBench, type BenchContext } from '../registry';

const PAYMENTS = 50_000;
const DAYS = 31;
const SAMPLES = 3;
const MONTH = '2026-03';
/** When the month is closed: 1 April, 08:00 Paris. */
const CLOSE_AT = new Date('2026-04-01T06:00:00.000Z');
/** Paris midnights bounding March 2026 (winter time, then summer time from the 29th). */
const MONTH_START = '2026-02-28T23:00:00.000Z';
const MONTH_END = '2026-03-31T22:00:00.000Z';

let prepared: Promise<{ dir: string; file: string }> | null = null;

interface Totals {
  collectedCents: number;
  cancelledCents: number;
  netCents: number;
}

/**
 * Writes the month straight into the ledger, as payments.record and payments.cancel would have
 * (command, payment, credit movement, journal entry with the perpetual totals; cancellation,
 * credit taken back, journal entry), many times faster than through the core: recording
 * payment after payment makes the core re-read the family's credit and the régie's cash each
 * time, which turns 50,000 payments into a quarter of an hour. journal.verify checks the
 * result before anything is measured. The families pay ahead: every payment goes to credit.
 */
function writeMonth(sqlite: Database.Database, ctx: BenchContext): void {
  const agent = (login: string) =>
    (sqlite.prepare('SELECT id FROM agent WHERE login = ?').get(login) as { id: number }).id;
  const mandataire = agent(LOGINS.mandataire);
  const regisseur = agent(LOGINS.regisseur);
  const families = [IDS.dupond, IDS.martin];
  const insertCommand = sqlite.prepare(
    "INSERT INTO command (command_id, handler, request_hash, agent_id, created_at) VALUES (?, ?, 'banc', ?, ?)",
  );
  const insertPayment = sqlite.prepare(
    `INSERT INTO payment (id, command_id, regie_id, family_id, agent_id, poste_code, mode, amount_cents,
       credit_created_cents, details, receipt_year, receipt_seq, receipt_number, recorded_at, journal_seq)
     VALUES (?, ?, ?, ?, ?, 'P01', ?, ?, ?, ?, 2026, ?, ?, ?, ?)`,
  );
  const insertCancellation = sqlite.prepare(
    `INSERT INTO cancellation (id, command_id, payment_id, reason, agent_id, poste_code, cancelled_at, journal_seq)
     VALUES (?, ?, ?, 'Erreur de saisie', ?, 'P01', ?, ?)`,
  );
  const insertCredit = sqlite.prepare(
    `INSERT INTO credit_movement (family_id, regie_id, amount_cents, payment_id, cancellation_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const familyCode = new Map(
    (sqlite.prepare('SELECT id, code FROM family').all() as { id: number; code: string }[]).map(
      (f) => [f.id, f.code],
    ),
  );
  const credit = new Map<number, number>();
  let totals: Totals = { collectedCents: 0, cancelledCents: 0, netCents: 0 };
  let seq = journalTip(sqlite, 'operations').lastSeq;
  const perDay = Math.ceil(PAYMENTS / DAYS);
  let n = 0;
  let cancelled = 0;
  for (let day = 1; day <= DAYS && n < PAYMENTS; day++) {
    const entries: AppendInput[] = [];
    sqlite.transaction(() => {
      // From 08:30 Paris, one payment every 1.5 s: the day's 1,613 take forty minutes.
      const opening = Date.parse(`2026-03-${String(day).padStart(2, '0')}T06:30:00.000Z`);
      const toCancel: {
        id: number;
        familyId: number;
        amount: number;
        mode: string;
        number: string;
      }[] = [];
      for (let k = 0; k < perDay && n < PAYMENTS; k++, n++) {
        const id = n + 1;
        const at = new Date(opening + 3_600_000 + k * 1500).toISOString();
        const mode = (['especes', 'cheque', 'carte', 'virement'] as const)[n % 4]!;
        const details =
          mode === 'cheque'
            ? { bank: 'Banque', drawer: 'Tireur', number: String(1_000_000 + n), payee: 'DGFiP' }
            : mode === 'carte'
              ? { terminalReference: `T${n}` }
              : mode === 'virement'
                ? { reference: `VIR-${n}` }
                : {};
        const amount = 100 + (n % 97) * 13;
        const familyId = families[n % families.length]!;
        const commandId = randomUUID();
        const receiptNumber = formatReceiptNumber('SCO', 'P01', 2026, id);
        seq++;
        insertCommand.run(commandId, 'payments.record', mandataire, at);
        insertPayment.run(
          id,
          commandId,
          IDS.sco,
          familyId,
          mandataire,
          mode,
          amount,
          amount,
          canonicalJson(details),
          id,
          receiptNumber,
          at,
          seq,
        );
        insertCredit.run(familyId, IDS.sco, amount, id, null, at);
        credit.set(familyId, (credit.get(familyId) ?? 0) + amount);
        totals = {
          collectedCents: totals.collectedCents + amount,
          cancelledCents: totals.cancelledCents,
          netCents: totals.netCents + amount,
        };
        entries.push({
          kind: 'paiement',
          instant: at,
          agentId: mandataire,
          regieId: IDS.sco,
          posteCode: 'P01',
          payload: {
            commandId,
            paymentId: id,
            receiptNumber,
            familyId,
            familyCode: familyCode.get(familyId),
            regieId: IDS.sco,
            regieCode: 'SCO',
            mode,
            amountCents: amount,
            tenderedCents: null,
            changeCents: null,
            details,
            allocations: [],
            creditCreatedCents: amount,
            balance: { dueCents: 0, creditCents: credit.get(familyId) },
            totals,
          },
        });
        if (k % 200 === 7) toCancel.push({ id, familyId, amount, mode, number: receiptNumber });
      }
      // A few cancellations each day, at the end of the afternoon.
      toCancel.forEach((p, i) => {
        const at = new Date(opening + 3_600_000 + perDay * 1500 + i * 1000).toISOString();
        const commandId = randomUUID();
        const cancellationId = ++cancelled;
        seq++;
        insertCommand.run(commandId, 'payments.cancel', regisseur, at);
        insertCancellation.run(cancellationId, commandId, p.id, regisseur, at, seq);
        insertCredit.run(p.familyId, IDS.sco, -p.amount, null, cancellationId, at);
        credit.set(p.familyId, (credit.get(p.familyId) ?? 0) - p.amount);
        totals = {
          collectedCents: totals.collectedCents,
          cancelledCents: totals.cancelledCents + p.amount,
          netCents: totals.netCents - p.amount,
        };
        entries.push({
          kind: 'annulation',
          instant: at,
          agentId: regisseur,
          regieId: IDS.sco,
          posteCode: 'P01',
          payload: {
            commandId,
            cancellationId,
            paymentId: p.id,
            receiptNumber: p.number,
            familyId: p.familyId,
            familyCode: familyCode.get(p.familyId),
            regieId: IDS.sco,
            regieCode: 'SCO',
            mode: p.mode,
            amountCents: p.amount,
            reason: 'Erreur de saisie',
            cancelledByName: 'Régine Titulaire',
            allocations: [],
            creditRemovedCents: p.amount,
            balance: { dueCents: 0, creditCents: credit.get(p.familyId) },
            totals,
          },
        });
      });
      appendJournalBulk(sqlite, 'operations', entries);
    })();
    if (day % 10 === 0) ctx.progress(`${n} paiements écrits (jour ${day})`);
  }
}

/** The 50,000-payment month, generated once per run and copied for each sample. */
function monthDatabase(ctx: BenchContext): Promise<{ dir: string; file: string }> {
  prepared ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-closure-'));
    // Kept for the reference figure and the PDF, removed when the run ends.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'month.sqlite');
    const core = await openCore({
      dbFile: file,
      logger: pino({ level: 'silent' }),
      now: () => CLOSE_AT,
    });
    try {
      await buildFixture(core.sqlite);
      const started = performance.now();
      writeMonth(core.sqlite, ctx);
      const written = performance.now() - started;
      const check = verifyAll(core.sqlite);
      if (!check.operations.ok || !check.ledger.ok) {
        throw new Error(
          `Base de mesure incohérente : ${check.operations.firstError?.message ?? check.ledger.firstError?.message ?? ''}`,
        );
      }
      ctx.progress(
        `${PAYMENTS} paiements écrits en ${(written / 1000).toFixed(1)} s, journal vérifié ; copie de la base`,
      );
      core.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      core.close();
    }
    return { dir, file };
  })();
  return prepared;
}

async function openCopy(
  ctx: BenchContext,
  i: number,
): Promise<{ core: Core; token: string; dir: string }> {
  const source = await monthDatabase(ctx);
  const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-closure-copy-'));
  const file = path.join(dir, `copy-${i}.sqlite`);
  copyFileSync(source.file, file);
  const core = await openCore({
    dbFile: file,
    logger: pino({ level: 'silent' }),
    now: () => CLOSE_AT,
  });
  const login = await core.send(
    'auth.login',
    { login: LOGINS.regisseur, password: PASSWORDS.regisseur },
    null,
  );
  if (!login.ok) throw new Error(login.error.message);
  return { core, token: (login.value as { token: string }).token, dir };
}

interface Sample {
  closeMs: number;
  pdfMs: number;
  days: number;
}

const samples: Sample[] = [];

async function oneClosing(ctx: BenchContext, i: number): Promise<Sample> {
  const { core, token, dir } = await openCopy(ctx, i);
  try {
    const t0 = performance.now();
    const closed = await core.send(
      'closures.close',
      { commandId: randomUUID(), regieId: IDS.sco, kind: 'mois', period: MONTH },
      token,
    );
    const closeMs = performance.now() - t0;
    if (!closed.ok) throw new Error(closed.error.message);
    const value = closed.value as {
      closure: { closureId: number; totals: { paymentCount: number } };
      alsoClosed: unknown[];
    };
    if (value.closure.totals.paymentCount !== PAYMENTS) {
      throw new Error(
        `${value.closure.totals.paymentCount} paiements clôturés, ${PAYMENTS} attendus`,
      );
    }
    const t1 = performance.now();
    const pdf = await core.send('closures.report', { closureId: value.closure.closureId }, token);
    const pdfMs = performance.now() - t1;
    if (!pdf.ok) throw new Error(pdf.error.message);
    return { closeMs, pdfMs, days: value.alsoClosed.length };
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function allSamples(ctx: BenchContext): Promise<Sample[]> {
  if (samples.length === 0) {
    // A first closing warms the code and the file cache up; it is not counted.
    ctx.progress('clôture de mise en route (non comptée)…');
    await oneClosing(ctx, -1);
    for (let i = 0; i < SAMPLES; i++) {
      ctx.progress(`clôture ${i + 1}/${SAMPLES} du mois ${MONTH} (${PAYMENTS} paiements)…`);
      const s = await oneClosing(ctx, i);
      ctx.progress(
        `  ${s.days} journées clôturées avec le mois en ${s.closeMs.toFixed(0)} ms ; état des recettes en ${s.pdfMs.toFixed(0)} ms`,
      );
      samples.push(s);
    }
  }
  return samples;
}

registerBench({
  name: 'closure.month.50k',
  unit: 'ms',
  description: `closures.close du mois (avec ses ${DAYS} journées) sur ${PAYMENTS} paiements d’une régie, fichier WAL, ${SAMPLES} copies`,
  async run(ctx) {
    return (await allSamples(ctx)).map((s) => s.closeMs);
  },
  baseline: {
    description:
      'SELECT SUM(amount_cents) nu des paiements de la régie sur le mois, même base (5 fois)',
    async run(ctx) {
      const { core, dir } = await openCopy(ctx, 99);
      try {
        const stmt = core.sqlite.prepare(
          'SELECT SUM(amount_cents) AS s FROM payment WHERE regie_id = ? AND recorded_at >= ? AND recorded_at < ?',
        );
        const out: number[] = [];
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          stmt.get(IDS.sco, MONTH_START, MONTH_END);
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

registerBench({
  name: 'closure.report.month.50k',
  unit: 'ms',
  description: `closures.report : l’état des recettes (PDF A4) du mois clôturé de ${PAYMENTS} paiements`,
  async run(ctx) {
    return (await allSamples(ctx)).map((s) => s.pdfMs);
  },
  baseline: {
    description:
      'un PDF A4 d’une ligne avec les mêmes polices (création, texte, enregistrement), 5 fois',
    async run() {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const { doc, fonts } = await createPdf(
          { title: 'Référence', author: 'Guichet', createdAt: CLOSE_AT.toISOString() },
          { fonts: ['regular', 'bold'] },
        );
        doc.addPage().drawText('Référence', { font: fonts.bold, size: 12, x: 40, y: 800 });
        await savePdf(doc);
        out.push(performance.now() - t);
      }
      return out;
    },
  },
});
