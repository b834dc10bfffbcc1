import type Database from 'better-sqlite3';
import type { PaymentSummary, ReceiptFile, ReceiptLayout } from '../../shared/contract';
import type { HandlerContext, HandlerGroup } from '../context';
import { requireSession } from '../context';
import { DomainError, notFound } from '../errors';
import { appendJournal } from '../journal/chain';
import { buildReceiptData, receiptFileName } from '../receipts/receipt-data-builder';
import type { ReceiptData } from '../receipts/receipt-data';
import { creditBalance } from './balances';
import { cancelPayment } from './cancel';
import { alreadyExecuted, insertCommand, requestHash } from './commands';
import { applyCredit, cancelCreditUse, creditUseLines } from './credits';
import { nextJournalSeq } from './ledger';
import { recordPayment } from './record';
import { planPayment } from './rules';
import { prepared } from '../db/prepared';

export { creditBalance, creditBalances } from './balances';
export { registerTillGuard, type TillGuard, type TillGuardInput } from './till-guard';

const REPRINT_HANDLER = 'payments.receipt';

async function render(data: ReceiptData, layout: ReceiptLayout): Promise<ReceiptFile> {
  // pdf-lib and fontkit take a second or more to load: load them on the first receipt rather
  // than at every start of the core.
  const { renderReceiptPdf } = await import('../receipts/receipt-pdf');
  const bytes = await renderReceiptPdf(data, { layout });
  return { fileName: receiptFileName(data), pdfBase64: Buffer.from(bytes).toString('base64') };
}

/**
 * Renders the receipt of a command already committed. A rendering failure must not look like
 * a failed payment (the agent would take the money twice): the payment stands, the result says
 * there is no print, and the agent reprints from the payment's line.
 */
async function renderAfterCommit(
  ctx: HandlerContext,
  data: ReceiptData,
  layout: ReceiptLayout | undefined,
): Promise<ReceiptFile | null> {
  if (!layout) return null;
  try {
    return await render(data, layout);
  } catch (e) {
    ctx.log.error({ err: e, receipt: data.receiptNumber }, 'reçu enregistré mais non rendu');
    return null;
  }
}

/**
 * Everything after the commit of a payment or a cancellation: the receipt's data and, when
 * asked, its PDF. A failure here must not look like a failed operation (the agent would take
 * the money twice): the result is a success with no receipt or no print and a French warning
 * saying the operation is recorded and how to get its receipt.
 */
async function afterCommit(
  ctx: HandlerContext,
  r: {
    paymentId: number;
    kind: 'paiement' | 'annulation';
    receiptNumber: string;
    layout: ReceiptLayout | undefined;
  },
): Promise<{ receipt: ReceiptData | null; print: ReceiptFile | null; warning: string | null }> {
  const what = r.kind === 'paiement' ? 'Le paiement' : 'L’annulation';
  let receipt: ReceiptData;
  try {
    receipt = buildReceiptData(ctx.sqlite, {
      paymentId: r.paymentId,
      kind: r.kind,
      duplicata: false,
    });
  } catch (e) {
    ctx.log.error(
      { err: e, receipt: r.receiptNumber },
      'opération enregistrée, reçu non constitué',
    );
    return {
      receipt: null,
      print: null,
      warning: `${what} est bien enregistré(e) sous le n° ${r.receiptNumber}, mais son reçu n’a pas pu être préparé. Ne recommencez pas l’opération : imprimez le reçu depuis l’historique des paiements de la famille.`,
    };
  }
  if (!r.layout) return { receipt, print: null, warning: null };
  const print = await renderAfterCommit(ctx, receipt, r.layout);
  return {
    receipt,
    print,
    warning: print
      ? null
      : `${what} est bien enregistré(e) sous le n° ${r.receiptNumber}, mais le reçu n’a pas pu être imprimé. Ne recommencez pas l’opération : imprimez le reçu depuis l’historique des paiements de la famille.`,
  };
}

/** Records the reprint (a DUPLICATA) in the ledger and the journal, or finds it on replay. */
function recordReprint(
  sqlite: Database.Database,
  r: {
    commandId: string;
    paymentId: number;
    kind: 'paiement' | 'annulation';
    layout: ReceiptLayout;
    agentId: number;
    posteCode: string;
    now: Date;
  },
): void {
  const hash = requestHash({ paymentId: r.paymentId, kind: r.kind, layout: r.layout });
  sqlite
    .transaction(() => {
      if (alreadyExecuted(sqlite, r.commandId, REPRINT_HANDLER, hash)) return;
      const p = prepared(
        sqlite,
        'SELECT id, regie_id, receipt_number FROM payment WHERE id = ?',
      ).get(r.paymentId) as { id: number; regie_id: number; receipt_number: string } | undefined;
      if (!p) throw notFound('Paiement');
      if (
        r.kind === 'annulation' &&
        !prepared(sqlite, 'SELECT 1 FROM cancellation WHERE payment_id = ?').get(p.id)
      ) {
        throw new DomainError(
          'REGLE_METIER',
          `Le paiement ${p.receipt_number} n’est pas annulé : il n’a pas de reçu d’annulation. Réimprimez le reçu de paiement.`,
          'PAS_ANNULE',
        );
      }
      const at = r.now.toISOString();
      const journalSeq = nextJournalSeq(sqlite);
      insertCommand(sqlite, {
        commandId: r.commandId,
        handler: REPRINT_HANDLER,
        hash,
        agentId: r.agentId,
        at,
      });
      prepared(
        sqlite,
        `INSERT INTO receipt_reprint (command_id, payment_id, receipt_kind, layout, agent_id, poste_code, issued_at, journal_seq)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(r.commandId, p.id, r.kind, r.layout, r.agentId, r.posteCode, at, journalSeq);
      appendJournal(sqlite, 'operations', {
        kind: 'duplicata',
        instant: at,
        agentId: r.agentId,
        regieId: p.regie_id,
        posteCode: r.posteCode,
        payload: {
          commandId: r.commandId,
          paymentId: p.id,
          receiptNumber: p.receipt_number,
          receiptKind: r.kind,
          layout: r.layout,
        },
      });
    })
    .immediate();
}

export const paymentHandlers = {
  'payments.preview'(args, ctx) {
    const plan = planPayment(ctx.sqlite, args);
    return {
      allocations: plan.allocations.map(({ invoice: _invoice, ...line }) => line),
      allocatedCents: plan.allocatedCents,
      creditCreatedCents: plan.creditCreatedCents,
      changeCents: plan.changeCents,
      owedCents: plan.owedCents,
      creditBalanceCents: plan.creditBalanceCents,
      violations: plan.violations,
    };
  },

  async 'payments.record'(args, ctx) {
    const session = requireSession(ctx);
    const { commandId, printLayout, ...draft } = args;
    const { paymentId, replayed } = recordPayment(ctx.sqlite, {
      commandId,
      draft,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
    // Committed: from here on nothing may report the payment as not recorded.
    const p = prepared(
      ctx.sqlite,
      'SELECT receipt_number, amount_cents, change_cents, credit_created_cents FROM payment WHERE id = ?',
    ).get(paymentId) as {
      receipt_number: string;
      amount_cents: number;
      change_cents: number | null;
      credit_created_cents: number;
    };
    const after = await afterCommit(ctx, {
      paymentId,
      kind: 'paiement',
      receiptNumber: p.receipt_number,
      // A replay returns no print: the original was handed over the first time, and another
      // copy is a DUPLICATA, journaled, through payments.receipt.
      layout: replayed ? undefined : printLayout,
    });
    return {
      paymentId,
      receiptNumber: p.receipt_number,
      amountCents: p.amount_cents,
      changeCents: p.change_cents,
      creditCreatedCents: p.credit_created_cents,
      replayed,
      ...after,
    };
  },

  async 'payments.receipt'(args, ctx) {
    const session = requireSession(ctx);
    recordReprint(ctx.sqlite, {
      commandId: args.commandId,
      paymentId: args.paymentId,
      kind: args.kind,
      layout: args.layout,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
    const data = buildReceiptData(ctx.sqlite, {
      paymentId: args.paymentId,
      kind: args.kind,
      duplicata: true,
    });
    return render(data, args.layout);
  },

  async 'payments.cancel'(args, ctx) {
    const session = requireSession(ctx);
    const { cancellationId, replayed } = cancelPayment(ctx.sqlite, {
      commandId: args.commandId,
      paymentId: args.paymentId,
      reason: args.reason,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
    const p = prepared(ctx.sqlite, 'SELECT receipt_number FROM payment WHERE id = ?').get(
      args.paymentId,
    ) as { receipt_number: string };
    const after = await afterCommit(ctx, {
      paymentId: args.paymentId,
      kind: 'annulation',
      receiptNumber: p.receipt_number,
      layout: replayed ? undefined : args.printLayout,
    });
    return {
      cancellationId,
      paymentId: args.paymentId,
      receiptNumber: p.receipt_number,
      replayed,
      ...after,
    };
  },

  'payments.list'(args, ctx) {
    const where: string[] = [];
    const params: number[] = [];
    if (args.familyId !== undefined) {
      where.push('p.family_id = ?');
      params.push(args.familyId);
    }
    if (args.regieId !== undefined) {
      where.push('p.regie_id = ?');
      params.push(args.regieId);
    }
    if (args.beforeId !== undefined) {
      where.push('p.id < ?');
      params.push(args.beforeId);
    }
    const rows = prepared(
      ctx.sqlite,
      `SELECT p.id, p.receipt_number, p.recorded_at, p.regie_id, r.code AS regie_code, p.family_id,
                f.code AS family_code, p.mode, p.amount_cents, p.credit_created_cents, a.display_name AS agent_name,
                p.poste_code, c.cancelled_at, c.reason, ca.display_name AS cancelled_by
         FROM payment p
         JOIN regie r ON r.id = p.regie_id
         JOIN family f ON f.id = p.family_id
         JOIN agent a ON a.id = p.agent_id
         LEFT JOIN cancellation c ON c.payment_id = p.id
         LEFT JOIN agent ca ON ca.id = c.agent_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY p.id DESC LIMIT ?`,
    ).all(...params, args.limit) as {
      id: number;
      receipt_number: string;
      recorded_at: string;
      regie_id: number;
      regie_code: string;
      family_id: number;
      family_code: string;
      mode: PaymentSummary['mode'];
      amount_cents: number;
      credit_created_cents: number;
      agent_name: string;
      poste_code: string;
      cancelled_at: string | null;
      reason: string | null;
      cancelled_by: string | null;
    }[];
    return rows.map((r): PaymentSummary => ({
      paymentId: r.id,
      receiptNumber: r.receipt_number,
      recordedAt: r.recorded_at,
      regieId: r.regie_id,
      regieCode: r.regie_code,
      familyId: r.family_id,
      familyCode: r.family_code,
      mode: r.mode,
      amountCents: r.amount_cents,
      creditCreatedCents: r.credit_created_cents,
      agentName: r.agent_name,
      posteCode: r.poste_code,
      cancelled:
        r.cancelled_at !== null
          ? { at: r.cancelled_at, reason: r.reason ?? '', by: r.cancelled_by ?? '' }
          : null,
    }));
  },

  'credits.apply'(args, ctx) {
    const session = requireSession(ctx);
    const { creditUseId, replayed } = applyCredit(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
    const use = prepared(
      ctx.sqlite,
      'SELECT family_id, regie_id, amount_cents FROM credit_use WHERE id = ?',
    ).get(creditUseId) as { family_id: number; regie_id: number; amount_cents: number };
    return {
      creditUseId,
      creditUsedCents: use.amount_cents,
      allocations: creditUseLines(ctx.sqlite, creditUseId),
      creditBalanceCents: creditBalance(ctx.sqlite, use.family_id, use.regie_id),
      replayed,
    };
  },

  'credits.cancel'(args, ctx) {
    const session = requireSession(ctx);
    const r = cancelCreditUse(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
    return {
      cancellationId: r.cancellationId,
      creditUseId: args.creditUseId,
      creditBalanceCents: creditBalance(ctx.sqlite, r.familyId, r.regieId),
      replayed: r.replayed,
    };
  },
} satisfies HandlerGroup<
  | 'payments.preview'
  | 'payments.record'
  | 'payments.receipt'
  | 'payments.cancel'
  | 'payments.list'
  | 'credits.apply'
  | 'credits.cancel'
>;
