// Cancelling a payment: a counter-entry, never an edit. It keeps the original receipt number,
// takes back each allocation (the invoices become payable again), removes the credit the payment
// created and is journaled with who, when and why. A payment can be cancelled once only: the
// UNIQUE index on cancellation.payment_id enforces it even if this check were bypassed.
import type Database from 'better-sqlite3';
import type { PaymentMode } from '../../shared/payment-modes';
import { formatEuro } from '../../shared/money';
import { DomainError, notFound, ruleError } from '../errors';
import { appendJournal } from '../journal/chain';
import { creditBalance, dueBalance, ownCreditBalance } from './balances';
import { alreadyExecuted, requestHash } from './commands';
import {
  insertAllocation,
  insertCancellation,
  insertCreditMovement,
  lastGrandTotals,
  remainingOf,
} from './ledger';
import { runTillGuards } from './till-guard';
import { prepared } from '../db/prepared';
import { agentDisplayName } from '../receipts/receipt-data-builder';

export const CANCEL_HANDLER = 'payments.cancel';

interface PaymentRow {
  id: number;
  regie_id: number;
  family_id: number;
  mode: PaymentMode;
  amount_cents: number;
  credit_created_cents: number;
  receipt_number: string;
  family_code: string;
  regie_code: string;
}

export interface CancelInput {
  commandId: string;
  paymentId: number;
  reason: string;
  agentId: number;
  posteCode: string;
  now: Date;
}

export function cancelPayment(
  sqlite: Database.Database,
  input: CancelInput,
): { cancellationId: number; replayed: boolean } {
  const hash = requestHash({ paymentId: input.paymentId, reason: input.reason });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, CANCEL_HANDLER, hash)) {
        const row = prepared(sqlite, 'SELECT id FROM cancellation WHERE command_id = ?').get(
          input.commandId,
        ) as { id: number };
        return { cancellationId: row.id, replayed: true };
      }
      const p = prepared(
        sqlite,
        `SELECT p.id, p.regie_id, p.family_id, p.mode, p.amount_cents, p.credit_created_cents, p.receipt_number,
                  f.code AS family_code, r.code AS regie_code
           FROM payment p JOIN family f ON f.id = p.family_id JOIN regie r ON r.id = p.regie_id
           WHERE p.id = ?`,
      ).get(input.paymentId) as PaymentRow | undefined;
      if (!p) throw notFound('Paiement');
      const previous = prepared(
        sqlite,
        'SELECT cancelled_at FROM cancellation WHERE payment_id = ?',
      ).get(p.id) as { cancelled_at: string } | undefined;
      if (previous) {
        throw new DomainError(
          'CONFLIT',
          `Le paiement ${p.receipt_number} est déjà annulé. Une annulation ne peut être faite qu’une fois ; rien n’a été modifié.`,
          'DEJA_ANNULE',
        );
      }
      if (p.credit_created_cents > 0) {
        // This poste's own credit: what another poste holds cannot stand for a used avoir.
        const balance = ownCreditBalance(sqlite, p.family_id, p.regie_id);
        if (balance < p.credit_created_cents) {
          throw ruleError(
            'AVOIR_DEJA_UTILISE',
            `Annulation impossible : ce paiement a créé un avoir de ${formatEuro(p.credit_created_cents)} qui a déjà été utilisé (avoir restant : ${formatEuro(balance)}). Annulez d’abord l’utilisation de l’avoir, puis ce paiement.`,
          );
        }
      }
      runTillGuards({
        sqlite,
        operation: 'cancel',
        mode: p.mode,
        amountCents: p.amount_cents,
        regieId: p.regie_id,
        agentId: input.agentId,
        posteCode: input.posteCode,
        now: input.now,
      });

      const { cancellationId, journalSeq, at } = insertCancellation(sqlite, {
        target: { paymentId: p.id },
        commandId: input.commandId,
        handler: CANCEL_HANDLER,
        hash,
        reason: input.reason,
        agentId: input.agentId,
        posteCode: input.posteCode,
        now: input.now,
      });
      const original = prepared(
        sqlite,
        `SELECT a.invoice_id, a.amount_cents, i.number, i.label FROM allocation a JOIN invoice i ON i.id = a.invoice_id
           WHERE a.payment_id = ? ORDER BY a.id`,
      ).all(p.id) as { invoice_id: number; amount_cents: number; number: string; label: string }[];
      const allocations = original.map((a) => {
        insertAllocation(sqlite, {
          invoiceId: a.invoice_id,
          amountCents: -a.amount_cents,
          cancellationId,
        });
        return {
          invoiceId: a.invoice_id,
          invoiceNumber: a.number,
          invoiceLabel: a.label,
          amountCents: a.amount_cents,
          remainingCents: remainingOf(sqlite, a.invoice_id),
        };
      });
      if (p.credit_created_cents > 0) {
        insertCreditMovement(sqlite, {
          familyId: p.family_id,
          regieId: p.regie_id,
          amountCents: -p.credit_created_cents,
          cancellationId,
          at,
        });
      }
      const before = lastGrandTotals(sqlite, p.regie_id);
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'annulation',
        instant: at,
        agentId: input.agentId,
        regieId: p.regie_id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          cancellationId,
          paymentId: p.id,
          receiptNumber: p.receipt_number,
          familyId: p.family_id,
          familyCode: p.family_code,
          regieId: p.regie_id,
          regieCode: p.regie_code,
          mode: p.mode,
          amountCents: p.amount_cents,
          reason: input.reason,
          // Named so it sorts after amountCents: verify's fast path reads the payload's start.
          cancelledByName: agentDisplayName(sqlite, input.agentId),
          allocations,
          creditRemovedCents: p.credit_created_cents,
          balance: {
            dueCents: dueBalance(sqlite, p.family_id, p.regie_id),
            creditCents: creditBalance(sqlite, p.family_id, p.regie_id),
          },
          totals: {
            collectedCents: before.collectedCents,
            cancelledCents: before.cancelledCents + p.amount_cents,
            netCents: before.netCents - p.amount_cents,
          },
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return { cancellationId, replayed: false };
    })
    .immediate();
}
