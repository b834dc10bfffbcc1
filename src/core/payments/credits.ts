// Using a family's credit (avoir) to settle its invoices with the same régie, and cancelling
// such a use. No money changes hands at the counter, so no receipt number is drawn and the till
// is not involved, but each use is its own command, with its own allocations and journal entry.
import type Database from 'better-sqlite3';
import type { AllocationPreviewLine, RuleViolation } from '../../shared/contract';
import { formatEuro } from '../../shared/money';
import { DomainError, notFound } from '../errors';
import { appendJournal } from '../journal/chain';
import { creditBalance, dueBalance, ownCreditBalance } from './balances';
import { alreadyExecuted, insertCommand, requestHash } from './commands';
import {
  insertAllocation,
  insertCancellation,
  insertCreditMovement,
  nextId,
  nextJournalSeq,
  remainingOf,
} from './ledger';
import { throwFirstViolation } from './record';
import { loadFamily, loadRegie, planAllocations } from './rules';
import { prepared } from '../db/prepared';

export const APPLY_CREDIT_HANDLER = 'credits.apply';
export const CANCEL_CREDIT_HANDLER = 'credits.cancel';

export interface ApplyCreditInput {
  commandId: string;
  familyId: number;
  regieId: number;
  amountCents?: number | undefined;
  allocations?: { invoiceId: number; amountCents: number }[] | undefined;
  agentId: number;
  posteCode: string;
  now: Date;
}

const rule = (reason: string, message: string, code: RuleViolation['code'] = 'REGLE_METIER') => ({
  code,
  reason,
  message,
});

export function applyCredit(
  sqlite: Database.Database,
  input: ApplyCreditInput,
): { creditUseId: number; replayed: boolean } {
  const hash = requestHash({
    familyId: input.familyId,
    regieId: input.regieId,
    amountCents: input.amountCents,
    allocations: input.allocations,
  });
  return sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, input.commandId, APPLY_CREDIT_HANDLER, hash)) {
        const row = prepared(sqlite, 'SELECT id FROM credit_use WHERE command_id = ?').get(
          input.commandId,
        ) as { id: number };
        return { creditUseId: row.id, replayed: true };
      }
      const regie = loadRegie(sqlite, input.regieId);
      const family = loadFamily(sqlite, input.familyId);
      // Only this poste's own credit is spent here; credit another poste holds is shown (the
      // portal's account) and spent on that poste.
      const balance = ownCreditBalance(sqlite, family.id, regie.id);
      const elsewhere = creditBalance(sqlite, family.id, regie.id) - balance;
      const violations: RuleViolation[] = [];
      if (input.amountCents !== undefined && input.amountCents <= 0) {
        violations.push(
          rule(
            'MONTANT_INVALIDE',
            'Le montant d’avoir à utiliser doit être supérieur à zéro.',
            'VALIDATION',
          ),
        );
      }
      if (balance <= 0) {
        violations.push(
          elsewhere > 0
            ? rule(
                'AVOIR_AUTRE_POSTE',
                `L’avoir de la famille ${family.code} à la régie « ${regie.name} » (${formatEuro(elsewhere)}) est tenu par un autre poste : utilisez-le sur ce poste, ou encaissez un paiement ici.`,
              )
            : rule(
                'AVOIR_ABSENT',
                `La famille ${family.code} n’a pas d’avoir à la régie « ${regie.name} ». Encaissez un paiement à la place.`,
              ),
        );
      }
      const available = Math.min(input.amountCents ?? balance, balance);
      const plan = planAllocations(sqlite, family.id, regie, input.allocations, available);
      violations.push(...plan.violations);
      const wanted = input.allocations ? plan.allocatedCents : (input.amountCents ?? 0);
      if (balance > 0 && Math.max(wanted, plan.allocatedCents) > balance) {
        violations.push(
          rule(
            'AVOIR_INSUFFISANT',
            `L’avoir disponible (${formatEuro(balance)}) ne suffit pas pour ${formatEuro(Math.max(wanted, plan.allocatedCents))}. Réduisez le montant.`,
          ),
        );
      }
      if (
        input.allocations &&
        input.amountCents !== undefined &&
        plan.violations.length === 0 &&
        plan.allocatedCents !== input.amountCents
      ) {
        violations.push(
          rule(
            'REPARTITION_INCOHERENTE',
            `La répartition (${formatEuro(plan.allocatedCents)}) ne fait pas le montant d’avoir indiqué (${formatEuro(input.amountCents)}). Corrigez la répartition ou le montant.`,
          ),
        );
      }
      if (violations.length === 0 && plan.allocatedCents === 0) {
        violations.push(
          rule(
            'RIEN_A_REGLER',
            `La famille ${family.code} n’a aucune facture à régler à la régie « ${regie.name} » : l’avoir reste disponible.`,
          ),
        );
      }
      throwFirstViolation(violations);

      const at = input.now.toISOString();
      const creditUseId = nextId(sqlite, 'credit_use');
      const journalSeq = nextJournalSeq(sqlite);
      insertCommand(sqlite, {
        commandId: input.commandId,
        handler: APPLY_CREDIT_HANDLER,
        hash,
        agentId: input.agentId,
        at,
      });
      prepared(
        sqlite,
        `INSERT INTO credit_use (id, command_id, regie_id, family_id, agent_id, poste_code, amount_cents, used_at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        creditUseId,
        input.commandId,
        regie.id,
        family.id,
        input.agentId,
        input.posteCode,
        plan.allocatedCents,
        at,
        journalSeq,
      );
      const allocations = plan.lines.map((l) => {
        insertAllocation(sqlite, {
          invoiceId: l.invoiceId,
          amountCents: l.amountCents,
          creditUseId,
        });
        return {
          invoiceId: l.invoiceId,
          invoiceNumber: l.invoiceNumber,
          amountCents: l.amountCents,
          remainingCents: remainingOf(sqlite, l.invoiceId),
        };
      });
      insertCreditMovement(sqlite, {
        familyId: family.id,
        regieId: regie.id,
        amountCents: -plan.allocatedCents,
        creditUseId,
        at,
      });
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'utilisation_avoir',
        instant: at,
        agentId: input.agentId,
        regieId: regie.id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          creditUseId,
          familyId: family.id,
          familyCode: family.code,
          regieId: regie.id,
          regieCode: regie.code,
          amountCents: plan.allocatedCents,
          allocations,
          balance: {
            dueCents: dueBalance(sqlite, family.id, regie.id),
            creditCents: creditBalance(sqlite, family.id, regie.id),
          },
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return { creditUseId, replayed: false };
    })
    .immediate();
}

export interface CancelCreditUseInput {
  commandId: string;
  creditUseId: number;
  reason: string;
  agentId: number;
  posteCode: string;
  now: Date;
}

export function cancelCreditUse(
  sqlite: Database.Database,
  input: CancelCreditUseInput,
): { cancellationId: number; familyId: number; regieId: number; replayed: boolean } {
  const hash = requestHash({ creditUseId: input.creditUseId, reason: input.reason });
  return sqlite
    .transaction(() => {
      const use = prepared(
        sqlite,
        `SELECT u.id, u.family_id, u.regie_id, u.amount_cents, f.code AS family_code, r.code AS regie_code
           FROM credit_use u JOIN family f ON f.id = u.family_id JOIN regie r ON r.id = u.regie_id WHERE u.id = ?`,
      ).get(input.creditUseId) as
        | {
            id: number;
            family_id: number;
            regie_id: number;
            amount_cents: number;
            family_code: string;
            regie_code: string;
          }
        | undefined;
      if (alreadyExecuted(sqlite, input.commandId, CANCEL_CREDIT_HANDLER, hash)) {
        const row = prepared(sqlite, 'SELECT id FROM cancellation WHERE command_id = ?').get(
          input.commandId,
        ) as { id: number };
        return {
          cancellationId: row.id,
          familyId: use?.family_id ?? 0,
          regieId: use?.regie_id ?? 0,
          replayed: true,
        };
      }
      if (!use) throw notFound('Utilisation d’avoir');
      if (prepared(sqlite, 'SELECT 1 FROM cancellation WHERE credit_use_id = ?').get(use.id)) {
        throw new DomainError(
          'CONFLIT',
          'Cette utilisation d’avoir est déjà annulée. Une annulation ne peut être faite qu’une fois ; rien n’a été modifié.',
          'DEJA_ANNULE',
        );
      }
      const { cancellationId, journalSeq, at } = insertCancellation(sqlite, {
        target: { creditUseId: use.id },
        commandId: input.commandId,
        handler: CANCEL_CREDIT_HANDLER,
        hash,
        reason: input.reason,
        agentId: input.agentId,
        posteCode: input.posteCode,
        now: input.now,
      });
      const original = prepared(
        sqlite,
        `SELECT a.invoice_id, a.amount_cents, i.number FROM allocation a JOIN invoice i ON i.id = a.invoice_id
           WHERE a.credit_use_id = ? ORDER BY a.id`,
      ).all(use.id) as { invoice_id: number; amount_cents: number; number: string }[];
      const allocations = original.map((a) => {
        insertAllocation(sqlite, {
          invoiceId: a.invoice_id,
          amountCents: -a.amount_cents,
          cancellationId,
        });
        return {
          invoiceId: a.invoice_id,
          invoiceNumber: a.number,
          amountCents: a.amount_cents,
          remainingCents: remainingOf(sqlite, a.invoice_id),
        };
      });
      insertCreditMovement(sqlite, {
        familyId: use.family_id,
        regieId: use.regie_id,
        amountCents: use.amount_cents,
        cancellationId,
        at,
      });
      const entry = appendJournal(sqlite, 'operations', {
        kind: 'annulation_avoir',
        instant: at,
        agentId: input.agentId,
        regieId: use.regie_id,
        posteCode: input.posteCode,
        payload: {
          commandId: input.commandId,
          cancellationId,
          creditUseId: use.id,
          familyId: use.family_id,
          familyCode: use.family_code,
          regieId: use.regie_id,
          regieCode: use.regie_code,
          amountCents: use.amount_cents,
          reason: input.reason,
          allocations,
          balance: {
            dueCents: dueBalance(sqlite, use.family_id, use.regie_id),
            creditCents: creditBalance(sqlite, use.family_id, use.regie_id),
          },
        },
      });
      if (entry.seq !== journalSeq) {
        throw new Error(`Journal : n° ${entry.seq} écrit, n° ${journalSeq} attendu`);
      }
      return { cancellationId, familyId: use.family_id, regieId: use.regie_id, replayed: false };
    })
    .immediate();
}

export function creditUseLines(
  sqlite: Database.Database,
  creditUseId: number,
): AllocationPreviewLine[] {
  const rows = prepared(
    sqlite,
    `SELECT j.payload FROM credit_use u JOIN journal_entry j ON j.seq = u.journal_seq WHERE u.id = ?`,
  ).get(creditUseId) as { payload: string } | undefined;
  if (!rows) return [];
  const payload = JSON.parse(rows.payload) as {
    allocations: {
      invoiceId: number;
      invoiceNumber: string;
      amountCents: number;
      remainingCents: number;
    }[];
  };
  const inv = prepared(sqlite, 'SELECT label, due_date FROM invoice WHERE id = ?');
  return payload.allocations.map((a) => {
    const i = inv.get(a.invoiceId) as { label: string; due_date: string };
    return {
      invoiceId: a.invoiceId,
      invoiceNumber: a.invoiceNumber,
      label: i.label,
      dueDate: i.due_date,
      remainingBeforeCents: a.remainingCents + a.amountCents,
      amountCents: a.amountCents,
      remainingAfterCents: a.remainingCents,
    };
  });
}
