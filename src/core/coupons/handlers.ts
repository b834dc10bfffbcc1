// Handlers of access codes and payment coupons.
import type { AccessCodeInfo, IssuedCoupon } from '../../shared/contract';
import { posteCodeOf } from '../admin/machine-settings';
import { requireSession, type HandlerContext, type HandlerGroup } from '../context';
import { DomainError } from '../errors';
import { appendJournal } from '../journal/chain';
import { alreadyExecuted, insertCommand, requestHash } from '../payments/commands';
import { accessCodeDays, drawCode, familyAccess, insertCodes } from './access-codes';
import { batchFile, batchStatus, cancelBatch, startBatch } from './batch';
import { couponReader, type CouponData } from './coupon-data';
import { renderCoupon } from './coupon-pdf';

type CouponHandlerName =
  | 'access.get'
  | 'access.issue'
  | 'coupons.family'
  | 'coupons.batchStart'
  | 'coupons.batchStatus'
  | 'coupons.batchCancel'
  | 'coupons.batchFile';

const compactDate = (iso: string) => iso.slice(0, 10).replace(/-/g, '');

function fileNameOf(data: CouponData): string {
  return `coupon-${data.family.code}-${data.regie.code}-${compactDate(data.printedAt)}.pdf`;
}

async function file(data: CouponData) {
  const bytes = await renderCoupon(data);
  return { fileName: fileNameOf(data), pdfBase64: Buffer.from(bytes).toString('base64') };
}

function infoOf(ctx: HandlerContext, familyId: number, ref: string): AccessCodeInfo | null {
  return familyAccess(ctx.sqlite, familyId, ctx.now()).history.find((h) => h.ref === ref) ?? null;
}

const batchDeps = (ctx: HandlerContext) => ({
  sqlite: ctx.sqlite,
  admin: ctx.admin,
  now: ctx.now,
  log: ctx.log,
});

export const couponHandlers: HandlerGroup<CouponHandlerName> = {
  'access.get': ({ familyId }, ctx) => familyAccess(ctx.sqlite, familyId, ctx.now()),

  'access.issue': async ({ commandId, familyId, regieId }, ctx) => {
    const session = requireSession(ctx);
    const sqlite = ctx.sqlite;
    const hash = requestHash({ familyId, regieId });
    const now = ctx.now();
    const reader = couponReader(sqlite, regieId);
    if (alreadyExecuted(sqlite, commandId, 'access.issue', hash)) {
      // The code was shown once and is kept nowhere: a replay gets the coupon without it.
      const data = reader.read(familyId, {
        printedAt: now.toISOString(),
        period: null,
        accessCode: null,
      });
      return { code: null, accessCode: infoOf(ctx, familyId, commandId), file: await file(data) };
    }
    const pending = drawCode(familyId, now, accessCodeDays(sqlite), commandId);
    // The coupon is rendered before anything is written: if it cannot be printed, no code is
    // issued that nobody could read.
    const data = reader.read(familyId, {
      printedAt: pending.issuedAt,
      period: null,
      accessCode: { code: pending.code, expiresAt: pending.expiresAt },
    });
    const coupon = await file(data);
    const posteCode = posteCodeOf(sqlite);
    sqlite.transaction(() => {
      // Checked again inside the transaction: a concurrent replay may have won meanwhile.
      if (alreadyExecuted(sqlite, commandId, 'access.issue', hash)) {
        throw new DomainError(
          'CONFLIT',
          'Ce code vient d’être émis par une autre demande identique. Rouvrez la fiche de la famille.',
          'CODE_DEJA_EMIS',
        );
      }
      insertCommand(sqlite, {
        commandId,
        handler: 'access.issue',
        hash,
        agentId: session.agentId,
        at: pending.issuedAt,
      });
      insertCodes(sqlite, [pending], { agentId: session.agentId, posteCode, batchRef: null });
      appendJournal(sqlite, 'operations', {
        kind: 'code_acces_emis',
        instant: pending.issuedAt,
        agentId: session.agentId,
        regieId,
        posteCode,
        // Never the code: its reference and expiry only.
        payload: {
          familyCode: data.family.code,
          regieCode: data.regie.code,
          ref: pending.ref,
          expiresAt: pending.expiresAt,
        },
      });
    })();
    return {
      code: pending.code,
      accessCode: infoOf(ctx, familyId, pending.ref),
      file: coupon,
    } satisfies IssuedCoupon;
  },

  'coupons.family': async ({ familyId, regieId }, ctx) => {
    const data = couponReader(ctx.sqlite, regieId).read(familyId, {
      printedAt: ctx.now().toISOString(),
      period: null,
      accessCode: null,
    });
    if (data.invoices.length === 0) {
      throw new DomainError(
        'REGLE_METIER',
        `La famille ${data.family.familyName} n’a rien à payer à la régie « ${data.regie.name} » : il n’y a pas de coupon à imprimer. Pour lui ouvrir l’espace familles, émettez plutôt un code d’accès.`,
        'RIEN_A_PAYER',
      );
    }
    return { code: null, accessCode: null, file: await file(data) };
  },

  'coupons.batchStart': ({ commandId, regieId, period, issueCodes }, ctx) => {
    const session = requireSession(ctx);
    return startBatch(batchDeps(ctx), {
      jobId: commandId,
      regieId,
      period,
      issueCodes,
      agentId: session.agentId,
      posteCode: posteCodeOf(ctx.sqlite),
    });
  },
  'coupons.batchStatus': ({ jobId }, ctx) => batchStatus(ctx.admin, jobId),
  'coupons.batchCancel': ({ jobId }, ctx) => cancelBatch(batchDeps(ctx), jobId),
  'coupons.batchFile': ({ jobId }, ctx) => batchFile(ctx.admin, jobId),
};
