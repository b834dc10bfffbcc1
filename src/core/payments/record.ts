// Recording a payment: one write transaction that checks the rules, draws the receipt number,
// writes the payment, its allocations (the invoices' paid amounts follow by trigger) and any
// credit, and appends the journal entry. Either all of it is committed or none of it.
import type Database from 'better-sqlite3';
import type { PaymentDraft } from '../../shared/contract';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { canonicalJson } from '../journal/canonical';
import { parisYear } from '../journal/paris-time';
import { creditBalance, dueBalance } from './balances';
import { alreadyExecuted, insertCommand, requestHash } from './commands';
import {
  insertAllocation,
  insertCreditMovement,
  lastGrandTotals,
  nextId,
  nextJournalSeq,
  remainingOf,
} from './ledger';
import { formatReceiptNumber, nextReceiptSeq } from './receipt-numbers';
import { methodDetails, planPayment } from './rules';
import { runTillGuards } from './till-guard';
import { prepared } from '../db/prepared';
import { receiptHeaderNow } from '../receipts/receipt-data-builder';

export const RECORD_HANDLER = 'payments.record';

export interface RecordInput {
  commandId: string;
  draft: PaymentDraft;
  agentId: number;
  posteCode: string;
  now: Date;
}

export function throwFirstViolation(
  violations: { code: 'VALIDATION' | 'REGLE_METIER'; reason: string; message: string }[],
): void {
  const first = violations[0];
  if (first) {
    throw new DomainError(first.code, first.message, first.reason, {
      violations: violations.map((v) => ({ reason: v.reason, message: v.message })),
    });
  }
}

/** Records the payment, or finds the one this commandId already recorded. */
export function recordPayment(
  sqlite: Database.Database,
  input: RecordInput,
): { paymentId: number; replayed: boolean } {
  const hash = requestHash(input.draft);
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, RECORD_HANDLER, hash)) {
        const row = prepared(sqlite, 'SELECT id FROM payment WHERE command_id = ?').get(
          input.commandId,
        ) as { id: number };
        return { paymentId: row.id, replayed: true };
      }
      const { draft } = input;
      const plan = planPayment(sqlite, draft);
      throwFirstViolation(plan.violations);
      runTillGuards({
        sqlite,
        operation: 'record',
        mode: draft.method.mode,
        amountCents: draft.amountCents,
        regieId: plan.regie.id,
        agentId: input.agentId,
        posteCode: input.posteCode,
        now: input.now,
      });

      const at = input.now.toISOString();
      const year = parisYear(input.now);
      const seq = nextReceiptSeq(sqlite, plan.regie.id, input.posteCode, year);
      const receiptNumber = formatReceiptNumber(plan.regie.code, input.posteCode, year, seq);
      const paymentId = nextId(sqlite, 'payment');
      const journalSeq = nextJournalSeq(sqlite);
      const details = methodDetails(draft.method);

      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: RECORD_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      prepared(
        sqlite,
        `INSERT INTO payment (id, command_id, regie_id, family_id, agent_id, poste_code, mode, amount_cents,
             tendered_cents, change_cents, credit_created_cents, details, receipt_year, receipt_seq,
             receipt_number, recorded_at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        paymentId,
        input.commandId,
        plan.regie.id,
        plan.family.id,
        input.agentId,
        input.posteCode,
        draft.method.mode,
        draft.amountCents,
        plan.tenderedCents,
        plan.changeCents,
        plan.creditCreatedCents,
        canonicalJson(details),
        year,
        seq,
        receiptNumber,
        at,
        journalSeq,
      );
      const allocations = plan.allocations.map((l) => {
        insertAllocation(sqlite, { invoiceId: l.invoiceId, amountCents: l.amountCents, paymentId });
        return {
          invoiceId: l.invoiceId,
          invoiceNumber: l.invoiceNumber,
          invoiceLabel: l.label,
          amountCents: l.amountCents,
          remainingCents: remainingOf(sqlite, l.invoiceId),
        };
      });
      if (plan.creditCreatedCents > 0) {
        insertCreditMovement(sqlite, {
          familyId: plan.family.id,
          regieId: plan.regie.id,
          amountCents: plan.creditCreatedCents,
          paymentId,
          at,
        });
      }
      const before = lastGrandTotals(sqlite, plan.regie.id);
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'paiement',
        instant: at,
        agentId: input.agentId,
        regieId: plan.regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          paymentId,
          receiptNumber,
          familyId: plan.family.id,
          familyCode: plan.family.code,
          regieId: plan.regie.id,
          regieCode: plan.regie.code,
          mode: draft.method.mode,
          amountCents: draft.amountCents,
          tenderedCents: plan.tenderedCents,
          changeCents: plan.changeCents,
          details,
          allocations,
          creditCreatedCents: plan.creditCreatedCents,
          receiptHeader: receiptHeaderNow(sqlite, {
            familyId: plan.family.id,
            regieId: plan.regie.id,
            agentId: input.agentId,
          }),
          balance: {
            dueCents: dueBalance(sqlite, plan.family.id, plan.regie.id),
            creditCents: creditBalance(sqlite, plan.family.id, plan.regie.id),
          },
          totals: {
            collectedCents: before.collectedCents + draft.amountCents,
            cancelledCents: before.cancelledCents,
            netCents: before.netCents + draft.amountCents,
          },
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return { paymentId, replayed: false };
    })
    .immediate();
}
