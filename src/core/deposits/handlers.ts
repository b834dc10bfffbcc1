// Deposits to the comptable: cheque and title slips (draft, validation, PDF), cash deposits at
// La Banque Postale and the card remittance summary. The rules live in the modules beside this
// file; the handlers only add the caller's identity, the poste and the clock.
import type { HandlerGroup } from '../context';
import { requireSession } from '../context';
import { prepared } from '../db/prepared';
import { cardSummary } from './card-summary';
import { getCashDeposit, listCashDeposits, recordCashDeposit } from './cash-deposits';
import { communeInfo } from './pdf-common';
import { getSlip, listCandidates, listSlips, saveDraft, validateSlip } from './slips';

const toBase64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export const depositHandlers = {
  'deposits.candidates'(args, ctx) {
    return listCandidates(ctx.sqlite, args.regieId, args.kind, args.upToDate);
  },

  'deposits.list'(args, ctx) {
    return listSlips(ctx.sqlite, args);
  },

  'deposits.get'(args, ctx) {
    return getSlip(ctx.sqlite, args.slipId);
  },

  'deposits.draft'(args, ctx) {
    const session = requireSession(ctx);
    return saveDraft(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  'deposits.validate'(args, ctx) {
    const session = requireSession(ctx);
    return validateSlip(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  async 'deposits.slipPdf'(args, ctx) {
    const slip = getSlip(ctx.sqlite, args.slipId);
    const row = prepared(ctx.sqlite, 'SELECT journal_seq FROM deposit_slip WHERE id = ?').get(
      args.slipId,
    ) as { journal_seq: number | null };
    const journal =
      row.journal_seq === null
        ? null
        : {
            seq: row.journal_seq,
            hash: (
              prepared(ctx.sqlite, 'SELECT hash FROM journal_entry WHERE seq = ?').get(
                row.journal_seq,
              ) as { hash: string }
            ).hash,
          };
    // pdf-lib and fontkit load on the first document rather than at every start of the core.
    const { renderSlipPdf, slipFileName } = await import('./slip-pdf');
    const data = {
      commune: communeInfo(ctx.sqlite),
      slip,
      printedAt: ctx.now().toISOString(),
      journal,
    };
    return { fileName: slipFileName(data), pdfBase64: toBase64(await renderSlipPdf(data)) };
  },

  'deposits.cashDeposit'(args, ctx) {
    const session = requireSession(ctx);
    return recordCashDeposit(ctx.sqlite, {
      ...args,
      agentId: session.agentId,
      posteCode: ctx.posteCode,
      now: ctx.now(),
    });
  },

  'deposits.cashDeposits'(args, ctx) {
    return listCashDeposits(ctx.sqlite, args);
  },

  async 'deposits.cashDepositPdf'(args, ctx) {
    const deposit = getCashDeposit(ctx.sqlite, args.depositId);
    const { renderCashDepositPdf, cashDepositFileName } = await import('./cash-deposit-pdf');
    const data = { commune: communeInfo(ctx.sqlite), deposit };
    return {
      fileName: cashDepositFileName(data),
      pdfBase64: toBase64(await renderCashDepositPdf(data)),
    };
  },

  'deposits.cardSummary'(args, ctx) {
    return cardSummary(ctx.sqlite, args);
  },

  async 'deposits.cardSummaryPdf'(args, ctx) {
    const summary = cardSummary(ctx.sqlite, args);
    const { renderCardSummaryPdf, cardSummaryFileName } = await import('./card-summary-pdf');
    const data = { commune: communeInfo(ctx.sqlite), summary, printedAt: ctx.now().toISOString() };
    return {
      fileName: cardSummaryFileName(data),
      pdfBase64: toBase64(await renderCardSummaryPdf(data)),
    };
  },
} satisfies HandlerGroup<
  | 'deposits.candidates'
  | 'deposits.list'
  | 'deposits.get'
  | 'deposits.draft'
  | 'deposits.validate'
  | 'deposits.slipPdf'
  | 'deposits.cashDeposit'
  | 'deposits.cashDeposits'
  | 'deposits.cashDepositPdf'
  | 'deposits.cardSummary'
  | 'deposits.cardSummaryPdf'
>;
