// Integrity check of the journals and of the ledger against them. It streams the chains (one
// row in memory at a time, whatever the size) and reports the first broken or missing entry in
// French, so an auditor knows exactly where to look.
import type Database from 'better-sqlite3';
import type { ChainReport, JournalBook, LedgerReport } from '../../shared/contract';
import { formatEuro } from '../../shared/money';
import { checkClosures } from '../closures/verify-closures';
import { formatReceiptNumber } from '../payments/receipt-numbers';
import { canonicalJson } from './canonical';
import { entryHash, GENESIS_HASH, journalTables } from './chain';
import { parisYear } from './paris-time';

/** A journal row as a raw array (faster than objects over a million rows), in SELECT order. */
type RawEntry = [
  seq: number,
  instant: string,
  kind: string,
  agentId: number | null,
  regieId: number | null,
  posteCode: string,
  payload: string,
  prevHash: string,
  hash: string,
];

// Canonical payloads of payments and cancellations start with the allocations array, followed
// by the top-level amount, and end with the totals (keys are sorted). Inside JSON strings every
// quote is escaped, so these patterns can only match the top-level keys. They spare a full
// JSON.parse per entry; anything they do not match, or that does not add up, is parsed in full
// before being reported.
const amountPattern = /^\{"allocations":\[.*?\],"amountCents":(-?\d+),/;
const totalsPattern =
  /,"totals":\{"cancelledCents":(-?\d+),"collectedCents":(-?\d+),"netCents":(-?\d+)\}\}$/;

function quickAmountAndTotals(payload: string): { amount: number; totals: Totals } | null {
  const a = amountPattern.exec(payload);
  const t = a ? totalsPattern.exec(payload) : null;
  if (!a || !t) return null;
  return {
    amount: Number(a[1]),
    totals: { cancelledCents: Number(t[1]), collectedCents: Number(t[2]), netCents: Number(t[3]) },
  };
}

function fullAmountAndTotals(payload: string): { amount: unknown; totals: unknown } | null {
  const p = parsePayload(payload);
  return p ? { amount: p.amountCents, totals: p.totals } : null;
}

interface Totals {
  collectedCents: number;
  cancelledCents: number;
  netCents: number;
}

function parsePayload(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function sameTotals(a: unknown, b: Totals): boolean {
  if (a === null || typeof a !== 'object') return false;
  const t = a as Record<string, unknown>;
  return (
    t.collectedCents === b.collectedCents &&
    t.cancelledCents === b.cancelledCents &&
    t.netCents === b.netCents
  );
}

export function verifyChain(sqlite: Database.Database, book: JournalBook): ChainReport {
  const t = journalTables[book];
  const tip = sqlite.prepare(`SELECT last_seq, last_hash FROM ${t.tip} WHERE id = 1`).get() as
    { last_seq: number; last_hash: string } | undefined;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let firstError: ChainReport['firstError'] = null;
  // Perpetual grand totals per régie, recomputed from the amounts and compared with the totals
  // each payment and cancellation entry carries.
  const totals = new Map<number, Totals>();

  const rows = sqlite
    .prepare(
      `SELECT seq, instant, kind, agent_id, regie_id, poste_code, payload, prev_hash, hash FROM ${t.entries} ORDER BY seq`,
    )
    .raw(true)
    .iterate() as IterableIterator<RawEntry>;
  let failure: { seq: number; message: string } | null = null;
  const fail = (seq: number, message: string) => {
    failure = { seq, message };
  };
  for (const [
    seq,
    instant,
    kind,
    agentId,
    regieId,
    posteCode,
    payload,
    rowPrevHash,
    rowHash,
  ] of rows) {
    count++;
    if (seq !== expectedSeq) {
      fail(
        expectedSeq,
        seq > expectedSeq
          ? `${seq - expectedSeq > 1 ? `Écritures n° ${expectedSeq} à ${seq - 1} manquantes` : `Écriture n° ${expectedSeq} manquante`} : la chaîne passe de ${expectedSeq - 1} à ${seq}. Des écritures ont été supprimées.`
          : `Écriture n° ${seq} en double ou hors d’ordre.`,
      );
    } else if (rowPrevHash !== prevHash) {
      fail(
        seq,
        `Écriture n° ${seq} : l’empreinte précédente ne correspond pas à l’écriture n° ${seq - 1}. La chaîne a été rompue.`,
      );
    } else if (
      entryHash(prevHash, { seq, instant, kind, agentId, regieId, posteCode, payload }) !== rowHash
    ) {
      fail(
        seq,
        `Écriture n° ${seq} (${kind}) modifiée : son contenu ne correspond plus à son empreinte.`,
      );
    } else if ((kind === 'paiement' || kind === 'annulation') && regieId !== null) {
      // Only entries carrying totals are read: the hash already covers every payload's bytes.
      const before = totals.get(regieId) ?? { collectedCents: 0, cancelledCents: 0, netCents: 0 };
      const next = (amount: number): Totals =>
        kind === 'paiement'
          ? {
              collectedCents: before.collectedCents + amount,
              cancelledCents: before.cancelledCents,
              netCents: before.netCents + amount,
            }
          : {
              collectedCents: before.collectedCents,
              cancelledCents: before.cancelledCents + amount,
              netCents: before.netCents - amount,
            };
      const quick = quickAmountAndTotals(payload);
      let after = quick ? next(quick.amount) : null;
      if (!quick || !after || !sameTotals(quick.totals, after)) {
        const full = fullAmountAndTotals(payload);
        after = full && typeof full.amount === 'number' ? next(full.amount) : null;
        if (!full || !after) {
          fail(seq, `Écriture n° ${seq} : contenu illisible.`);
        } else if (!sameTotals(full.totals, after)) {
          fail(
            seq,
            `Écriture n° ${seq} : les totaux perpétuels de la régie ne suivent pas les écritures précédentes (attendu net ${formatEuro(after.netCents)}).`,
          );
        }
      }
      if (after) totals.set(regieId, after);
    }
    if (failure) break;
    prevHash = rowHash;
    expectedSeq = seq + 1;
  }

  const lastSeq = expectedSeq - 1;
  firstError = failure;
  if (!firstError) {
    if (!tip) {
      firstError = { seq: lastSeq + 1, message: 'Marqueur de fin de chaîne absent.' };
    } else if (tip.last_seq > lastSeq) {
      firstError = {
        seq: lastSeq + 1,
        message: `Écritures n° ${lastSeq + 1} à ${tip.last_seq} manquantes : le marqueur de fin de chaîne indique ${tip.last_seq} écritures, le journal s’arrête à ${lastSeq}. Les dernières écritures ont été supprimées.`,
      };
    } else if (tip.last_seq < lastSeq || tip.last_hash !== prevHash) {
      firstError = {
        seq: tip.last_seq,
        message: `Le marqueur de fin de chaîne (n° ${tip.last_seq}) ne correspond pas à la dernière écriture (n° ${lastSeq}).`,
      };
    }
  }
  return {
    book,
    entries: count,
    lastSeq: tip?.last_seq ?? lastSeq,
    lastHash: tip?.last_hash ?? prevHash,
    ok: firstError === null,
    firstError,
  };
}

interface PaymentCheckRow {
  id: number;
  command_id: string;
  regie_id: number;
  family_id: number;
  agent_id: number;
  poste_code: string;
  mode: string;
  amount_cents: number;
  tendered_cents: number | null;
  change_cents: number | null;
  credit_created_cents: number;
  details: string;
  receipt_year: number;
  receipt_seq: number;
  receipt_number: string;
  recorded_at: string;
  journal_seq: number;
  kind: string | null;
  j_instant: string | null;
  j_agent_id: number | null;
  j_regie_id: number | null;
  j_poste_code: string | null;
  payload: string | null;
  allocated: number | null;
  allocation_list: string | null;
  credit_moved: number | null;
}

function allocationKey(list: { invoiceId: number; amountCents: number }[]): string {
  return list
    .map((a) => `${a.invoiceId}:${a.amountCents}`)
    .sort()
    .join(',');
}

/** Canonical text of a JSON column, or null when it does not parse. */
function canonicalText(text: string): string | null {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * The Paris year of a UTC instant. Paris is one or two hours ahead of UTC, so the years differ
 * only on the evening of 31 December (UTC); elsewhere the instant's own year is the answer,
 * which spares a time-zone conversion per payment on a large ledger.
 */
function receiptYearOf(recordedAt: string): number {
  return recordedAt.slice(5, 10) === '12-31'
    ? parisYear(new Date(recordedAt))
    : Number(recordedAt.slice(0, 4));
}

/**
 * The columns of a payment row that disagree with its journal entry. Every column is compared:
 * the hash chain protects the entry, so a row edited with the guards dropped (mode, cheque
 * details, agent, instant...) must not pass for the original.
 */
function paymentMismatches(p: PaymentCheckRow, payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  const same = (column: string, row: unknown, journal: unknown) => {
    if (row !== journal) out.push(column);
  };
  same('id', p.id, payload.paymentId);
  same('commande', p.command_id, payload.commandId);
  same('régie', p.regie_id, payload.regieId);
  same('régie (en-tête)', p.regie_id, p.j_regie_id);
  same('famille', p.family_id, payload.familyId);
  same('agent', p.agent_id, p.j_agent_id);
  same('poste', p.poste_code, p.j_poste_code);
  same('mode', p.mode, payload.mode);
  same('montant', p.amount_cents, payload.amountCents);
  same('somme remise', p.tendered_cents, payload.tenderedCents ?? null);
  same('monnaie rendue', p.change_cents, payload.changeCents ?? null);
  same('avoir créé', p.credit_created_cents, payload.creditCreatedCents);
  same('date', p.recorded_at, p.j_instant);
  same('numéro de reçu', p.receipt_number, payload.receiptNumber);
  const details = canonicalText(p.details);
  let journalDetails: string | null = null;
  try {
    journalDetails = canonicalJson(payload.details);
  } catch {
    journalDetails = null;
  }
  if (details === null || details !== journalDetails) out.push('détails du moyen de paiement');
  // The number is R-<REGIE>-<POSTE>-<YYYY>-<NNNNNN>: year and seq columns must be the ones it
  // spells, and the year the Paris year of the instant.
  const expectedNumber =
    typeof payload.regieCode === 'string'
      ? formatReceiptNumber(payload.regieCode, p.poste_code, p.receipt_year, p.receipt_seq)
      : null;
  if (expectedNumber !== p.receipt_number) out.push('année ou rang du reçu');
  if (p.receipt_year !== receiptYearOf(p.recorded_at)) out.push('année du reçu');
  return out;
}

/**
 * Checks the ledger tables against the journal: each payment, cancellation and credit use has
 * its journal entry and agrees with it column by column, receipt numbers have no gap, each
 * such entry has its row, every invoice's paid amount is the sum of its allocations and no
 * credit balance is negative.
 */
export function verifyLedger(sqlite: Database.Database): LedgerReport {
  let checkedPayments = 0;
  const report = (message: string, checkedInvoices = 0): LedgerReport => ({
    ok: false,
    checkedPayments,
    checkedInvoices,
    firstError: { message },
  });

  const payments = sqlite
    .prepare(
      `SELECT p.id, p.command_id, p.regie_id, p.family_id, p.agent_id, p.poste_code, p.mode, p.amount_cents,
              p.tendered_cents, p.change_cents, p.credit_created_cents, p.details, p.receipt_year,
              p.receipt_seq, p.receipt_number, p.recorded_at, p.journal_seq,
              j.kind, j.instant AS j_instant, j.agent_id AS j_agent_id, j.regie_id AS j_regie_id,
              j.poste_code AS j_poste_code, j.payload, a.allocated, a.allocation_list, cm.credit_moved
       FROM payment p
       LEFT JOIN journal_entry j ON j.seq = p.journal_seq
       LEFT JOIN (SELECT payment_id, SUM(amount_cents) AS allocated,
                         group_concat(invoice_id || ':' || amount_cents) AS allocation_list
                  FROM allocation WHERE payment_id IS NOT NULL GROUP BY payment_id) a ON a.payment_id = p.id
       LEFT JOIN (SELECT payment_id, SUM(amount_cents) AS credit_moved
                  FROM credit_movement WHERE payment_id IS NOT NULL GROUP BY payment_id) cm ON cm.payment_id = p.id
       ORDER BY p.id`,
    )
    .iterate() as IterableIterator<PaymentCheckRow>;
  let paymentError: string | null = null;
  let mismatches: string[] = [];
  for (const p of payments) {
    checkedPayments++;
    const payload = p.payload ? parsePayload(p.payload) : null;
    const label = `Paiement ${p.receipt_number}`;
    if (!payload || p.kind !== 'paiement') {
      paymentError = `${label} : son écriture au journal (n° ${p.journal_seq}) est absente ou d’une autre nature.`;
    } else if ((mismatches = paymentMismatches(p, payload)).length > 0) {
      paymentError = `${label} : la ligne de paiement ne correspond plus à son écriture au journal n° ${p.journal_seq} (${mismatches.join(', ')}).`;
    } else if ((p.allocated ?? 0) + p.credit_created_cents !== p.amount_cents) {
      paymentError = `${label} : les affectations (${formatEuro(p.allocated ?? 0)}) plus l’avoir créé (${formatEuro(p.credit_created_cents)}) ne font pas le montant (${formatEuro(p.amount_cents)}).`;
    } else if ((p.credit_moved ?? 0) !== p.credit_created_cents) {
      paymentError = `${label} : le mouvement d’avoir ne correspond pas à l’avoir créé.`;
    } else {
      const journalAllocations = Array.isArray(payload.allocations)
        ? (payload.allocations as { invoiceId: number; amountCents: number }[])
        : [];
      const rowKey = (p.allocation_list ?? '').split(',').filter(Boolean).sort().join(',');
      if (allocationKey(journalAllocations) !== rowKey) {
        paymentError = `${label} : les affectations ne correspondent plus à l’écriture au journal n° ${p.journal_seq}.`;
      }
    }
    if (paymentError) break;
  }
  if (paymentError) return report(paymentError);

  // Receipt numbers are gapless per régie, poste and year: with the UNIQUE index on the seq,
  // "count = max and min = 1" means 1..n with nothing missing.
  const gap = sqlite
    .prepare(
      `SELECT r.code AS regie, p.poste_code, p.receipt_year, count(*) AS n, MIN(p.receipt_seq) AS lo, MAX(p.receipt_seq) AS hi
       FROM payment p JOIN regie r ON r.id = p.regie_id
       GROUP BY p.regie_id, p.poste_code, p.receipt_year
       HAVING count(*) <> MAX(p.receipt_seq) OR MIN(p.receipt_seq) <> 1
       ORDER BY p.regie_id, p.poste_code, p.receipt_year LIMIT 1`,
    )
    .get() as
    | { regie: string; poste_code: string; receipt_year: number; n: number; lo: number; hi: number }
    | undefined;
  if (gap) {
    return report(
      `Numérotation des reçus de la régie ${gap.regie}, poste ${gap.poste_code}, année ${gap.receipt_year} : ${gap.n} reçus pour les rangs ${gap.lo} à ${gap.hi}. Des reçus manquent : la numérotation doit être continue.`,
    );
  }

  const cancellationError =
    checkCancellations(sqlite) ?? checkCreditUses(sqlite) ?? checkClosures(sqlite);
  if (cancellationError) return report(cancellationError);

  const orphan = (sql: string, what: string): string | null => {
    const row = sqlite.prepare(sql).get() as { seq: number } | undefined;
    return row ? `Écriture n° ${row.seq} : ${what}` : null;
  };
  const orphanError =
    orphan(
      `SELECT j.seq FROM journal_entry j LEFT JOIN payment p ON p.journal_seq = j.seq
       WHERE j.kind = 'paiement' AND p.id IS NULL ORDER BY j.seq LIMIT 1`,
      'le paiement journalisé est absent de la table des paiements.',
    ) ??
    orphan(
      `SELECT j.seq FROM journal_entry j LEFT JOIN cancellation c ON c.journal_seq = j.seq AND c.payment_id IS NOT NULL
       WHERE j.kind = 'annulation' AND c.id IS NULL ORDER BY j.seq LIMIT 1`,
      'l’annulation journalisée est absente de la table des annulations.',
    ) ??
    orphan(
      `SELECT j.seq FROM journal_entry j LEFT JOIN credit_use u ON u.journal_seq = j.seq
       WHERE j.kind = 'utilisation_avoir' AND u.id IS NULL ORDER BY j.seq LIMIT 1`,
      'l’utilisation d’avoir journalisée est absente de la table des utilisations.',
    ) ??
    orphan(
      `SELECT j.seq FROM journal_entry j LEFT JOIN cancellation c ON c.journal_seq = j.seq AND c.credit_use_id IS NOT NULL
       WHERE j.kind = 'annulation_avoir' AND c.id IS NULL ORDER BY j.seq LIMIT 1`,
      'l’annulation d’utilisation d’avoir journalisée est absente de la table des annulations.',
    ) ??
    orphan(
      `SELECT c.journal_seq AS seq FROM cancellation c LEFT JOIN journal_entry j ON j.seq = c.journal_seq
       WHERE j.seq IS NULL OR j.kind NOT IN ('annulation', 'annulation_avoir') ORDER BY c.id LIMIT 1`,
      'une annulation n’a pas son écriture au journal.',
    ) ??
    orphan(
      `SELECT u.journal_seq AS seq FROM credit_use u LEFT JOIN journal_entry j ON j.seq = u.journal_seq
       WHERE j.seq IS NULL OR j.kind <> 'utilisation_avoir' ORDER BY u.id LIMIT 1`,
      'une utilisation d’avoir n’a pas son écriture au journal.',
    );
  if (orphanError) return report(orphanError);

  // A cancellation takes back exactly what its target allocated, invoice by invoice.
  const badReversal = sqlite
    .prepare(
      `SELECT c.id, c.journal_seq FROM cancellation c
       WHERE EXISTS (
         SELECT invoice_id, SUM(amount_cents) FROM allocation
         WHERE payment_id = c.payment_id OR credit_use_id = c.credit_use_id OR cancellation_id = c.id
         GROUP BY invoice_id HAVING SUM(amount_cents) <> 0)
       ORDER BY c.id LIMIT 1`,
    )
    .get() as { id: number; journal_seq: number } | undefined;
  if (badReversal) {
    return report(
      `Annulation journalisée n° ${badReversal.journal_seq} : elle ne reprend pas exactement les affectations annulées.`,
    );
  }
  const badUse = sqlite
    .prepare(
      `SELECT u.journal_seq FROM credit_use u
       WHERE u.amount_cents <> (SELECT COALESCE(SUM(amount_cents), 0) FROM allocation WHERE credit_use_id = u.id)
          OR -u.amount_cents <> (SELECT COALESCE(SUM(amount_cents), 0) FROM credit_movement WHERE credit_use_id = u.id)
       ORDER BY u.id LIMIT 1`,
    )
    .get() as { journal_seq: number } | undefined;
  if (badUse) {
    return report(
      `Utilisation d’avoir journalisée n° ${badUse.journal_seq} : ses affectations ou son mouvement d’avoir ne correspondent pas à son montant.`,
    );
  }

  const checkedInvoices = (
    sqlite.prepare('SELECT count(*) AS n FROM invoice').get() as { n: number }
  ).n;
  const badInvoice = sqlite
    .prepare(
      `SELECT i.number, i.paid_cents, i.paid_outside_cents, i.remote_paid_cents, COALESCE(a.s, 0) AS allocated
       FROM invoice i LEFT JOIN (SELECT invoice_id, SUM(amount_cents) AS s FROM allocation GROUP BY invoice_id) a
         ON a.invoice_id = i.id
       WHERE i.paid_cents <> i.paid_outside_cents + i.remote_paid_cents + COALESCE(a.s, 0)
          OR i.paid_outside_cents < 0
       ORDER BY i.id LIMIT 1`,
    )
    .get() as
    | {
        number: string;
        paid_cents: number;
        paid_outside_cents: number;
        remote_paid_cents: number;
        allocated: number;
      }
    | undefined;
  if (badInvoice) {
    // Money paid elsewhere is part of the sum: before Guichet (reprise) and, through the portal,
    // on other postes or online.
    const outside =
      (badInvoice.paid_outside_cents !== 0
        ? ` plus ${formatEuro(badInvoice.paid_outside_cents)} payés hors de Guichet`
        : '') +
      (badInvoice.remote_paid_cents !== 0
        ? ` plus ${formatEuro(badInvoice.remote_paid_cents)} payés ailleurs (portail : autres postes ou en ligne)`
        : '');
    return report(
      `Facture ${badInvoice.number} : montant payé enregistré ${formatEuro(badInvoice.paid_cents)}, mais ses affectations font ${formatEuro(badInvoice.allocated)}${outside}.`,
      checkedInvoices,
    );
  }
  // Each invoice's creation and status changes are recorded by trigger (migration
  // invoice_guards): the part paid outside Guichet must still be the one it was created with,
  // and its status the last one recorded. A difference means the triggers were bypassed.
  const badHistory = sqlite
    .prepare(
      `SELECT i.number, i.status, i.paid_outside_cents, c.paid_outside_cents AS created_outside,
              (SELECT new_status FROM invoice_status_change WHERE invoice_id = i.id ORDER BY id DESC LIMIT 1) AS last_status
       FROM invoice i
       LEFT JOIN invoice_status_change c ON c.id = (
         SELECT MIN(id) FROM invoice_status_change WHERE invoice_id = i.id AND old_status IS NULL)
       WHERE c.id IS NULL OR c.paid_outside_cents <> i.paid_outside_cents
          OR last_status IS NOT i.status
       ORDER BY i.id LIMIT 1`,
    )
    .get() as
    | {
        number: string;
        status: string;
        paid_outside_cents: number;
        created_outside: number | null;
        last_status: string | null;
      }
    | undefined;
  if (badHistory) {
    const why =
      badHistory.created_outside === null
        ? 'sa création n’est pas dans l’historique des factures'
        : badHistory.created_outside !== badHistory.paid_outside_cents
          ? `la part payée hors de Guichet est passée de ${formatEuro(badHistory.created_outside)} à ${formatEuro(badHistory.paid_outside_cents)}`
          : `son statut (${badHistory.status}) n’est pas le dernier enregistré dans l’historique (${badHistory.last_status ?? 'aucun'})`;
    return report(
      `Facture ${badHistory.number} : ${why}. La facture a été modifiée hors de Guichet.`,
      checkedInvoices,
    );
  }
  const negativeCredit = sqlite
    .prepare(
      `SELECT f.code, r.code AS regie, SUM(m.amount_cents) AS balance
       FROM credit_movement m JOIN family f ON f.id = m.family_id JOIN regie r ON r.id = m.regie_id
       GROUP BY m.family_id, m.regie_id HAVING SUM(m.amount_cents) < 0 LIMIT 1`,
    )
    .get() as { code: string; regie: string; balance: number } | undefined;
  if (negativeCredit) {
    return report(
      `Avoir négatif (${formatEuro(negativeCredit.balance)}) pour la famille ${negativeCredit.code} à la régie ${negativeCredit.regie}.`,
      checkedInvoices,
    );
  }
  return { ok: true, checkedPayments, checkedInvoices, firstError: null };
}

interface CancellationCheckRow {
  id: number;
  command_id: string;
  payment_id: number | null;
  credit_use_id: number | null;
  reason: string;
  agent_id: number;
  poste_code: string;
  cancelled_at: string;
  journal_seq: number;
  kind: string | null;
  j_instant: string | null;
  j_agent_id: number | null;
  j_poste_code: string | null;
  payload: string | null;
}

/** Every column of every cancellation against its journal entry. */
function checkCancellations(sqlite: Database.Database): string | null {
  const rows = sqlite
    .prepare(
      `SELECT c.id, c.command_id, c.payment_id, c.credit_use_id, c.reason, c.agent_id, c.poste_code,
              c.cancelled_at, c.journal_seq, j.kind, j.instant AS j_instant, j.agent_id AS j_agent_id,
              j.poste_code AS j_poste_code, j.payload
       FROM cancellation c LEFT JOIN journal_entry j ON j.seq = c.journal_seq ORDER BY c.id`,
    )
    .iterate() as IterableIterator<CancellationCheckRow>;
  for (const c of rows) {
    const payload = c.payload ? parsePayload(c.payload) : null;
    const expectedKind = c.payment_id !== null ? 'annulation' : 'annulation_avoir';
    if (!payload || c.kind !== expectedKind) continue; // reported by the orphan checks
    const bad: string[] = [];
    if (payload.cancellationId !== c.id) bad.push('id');
    if (payload.commandId !== c.command_id) bad.push('commande');
    if (c.payment_id !== null && payload.paymentId !== c.payment_id) bad.push('paiement annulé');
    if (c.credit_use_id !== null && payload.creditUseId !== c.credit_use_id) {
      bad.push('utilisation d’avoir annulée');
    }
    if (payload.reason !== c.reason) bad.push('motif');
    if (c.agent_id !== c.j_agent_id) bad.push('agent');
    if (c.poste_code !== c.j_poste_code) bad.push('poste');
    if (c.cancelled_at !== c.j_instant) bad.push('date');
    if (bad.length > 0) {
      return `Annulation n° ${c.id} : la ligne ne correspond plus à son écriture au journal n° ${c.journal_seq} (${bad.join(', ')}).`;
    }
  }
  return null;
}

interface CreditUseCheckRow {
  id: number;
  command_id: string;
  regie_id: number;
  family_id: number;
  agent_id: number;
  poste_code: string;
  amount_cents: number;
  used_at: string;
  journal_seq: number;
  kind: string | null;
  j_instant: string | null;
  j_agent_id: number | null;
  j_regie_id: number | null;
  j_poste_code: string | null;
  payload: string | null;
}

/** Every column of every credit use against its journal entry. */
function checkCreditUses(sqlite: Database.Database): string | null {
  const rows = sqlite
    .prepare(
      `SELECT u.id, u.command_id, u.regie_id, u.family_id, u.agent_id, u.poste_code, u.amount_cents, u.used_at,
              u.journal_seq, j.kind, j.instant AS j_instant, j.agent_id AS j_agent_id,
              j.regie_id AS j_regie_id, j.poste_code AS j_poste_code, j.payload
       FROM credit_use u LEFT JOIN journal_entry j ON j.seq = u.journal_seq ORDER BY u.id`,
    )
    .iterate() as IterableIterator<CreditUseCheckRow>;
  for (const u of rows) {
    const payload = u.payload ? parsePayload(u.payload) : null;
    if (!payload || u.kind !== 'utilisation_avoir') continue; // reported by the orphan checks
    const bad: string[] = [];
    if (payload.creditUseId !== u.id) bad.push('id');
    if (payload.commandId !== u.command_id) bad.push('commande');
    if (payload.regieId !== u.regie_id || u.j_regie_id !== u.regie_id) bad.push('régie');
    if (payload.familyId !== u.family_id) bad.push('famille');
    if (payload.amountCents !== u.amount_cents) bad.push('montant');
    if (u.agent_id !== u.j_agent_id) bad.push('agent');
    if (u.poste_code !== u.j_poste_code) bad.push('poste');
    if (u.used_at !== u.j_instant) bad.push('date');
    if (bad.length > 0) {
      return `Utilisation d’avoir n° ${u.id} : la ligne ne correspond plus à son écriture au journal n° ${u.journal_seq} (${bad.join(', ')}).`;
    }
  }
  return null;
}

export interface IntegrityReports {
  operations: ChainReport;
  technique: ChainReport;
  ledger: LedgerReport;
}

/**
 * Both chains and the ledger, read inside one transaction: in WAL mode its first read fixes a
 * snapshot, so a payment committed by another process between two reads cannot make the
 * ledger disagree with a chain read a moment earlier (a false alarm for the auditor).
 */
export function verifyAll(sqlite: Database.Database): IntegrityReports {
  const run = () => ({
    operations: verifyChain(sqlite, 'operations'),
    technique: verifyChain(sqlite, 'technique'),
    ledger: verifyLedger(sqlite),
  });
  return sqlite.inTransaction ? run() : sqlite.transaction(run).deferred();
}
