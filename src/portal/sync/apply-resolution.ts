// The régisseur's decision on an online trop-perçu (operation `overpayment_resolution`, see
// PROTOCOL.md 4.3): an avoir on the family's account or a refund request. Applied exactly once
// per online payment, portal-wide: the decision is recorded in overpayment_resolution (unique
// per online payment, written under the invoice's row lock, so two postes pushing at the same
// moment are serialised and the second is refused), the matching conflicts are closed with a
// note, and an avoir is added to the family's account credit. The online payment's feed entity
// then carries the decision, so every other register learns it and refuses to decide again.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { invoice, onlinePayment, paymentConflict, regie } from '../db/schema';
import { rows, type PortalTx } from '../db/sql';
import { OpRejected } from '../errors';
import { formatEuro } from '../../shared/money';
import { formatInstant } from '../../shared/dates';
import type { OpEffects, OverpaymentResolutionPayload } from '../../shared/sync/schemas';
import { addCredit, regieInScope, type OpContext } from './apply';
import { lockInvoices } from './settle';

const resolutionText = {
  unknownPayment: (ref: string) =>
    `Paiement en ligne ${ref} inconnu du portail : synchronisez le poste puis vérifiez la référence. Rien n’a été enregistré.`,
  notPaid: (status: string) =>
    `Ce paiement en ligne n’est pas payé (état « ${status} ») : il n’y a pas de trop-perçu à traiter. Rien n’a été enregistré.`,
  alreadyResolved: (d: ExistingResolution) =>
    `Le trop-perçu de ce paiement en ligne a déjà été traité au poste ${d.poste_code} par ${d.agent_name} le ${formatInstant(d.resolved_at)} (${d.resolution === 'avoir' ? 'avoir' : 'demande de remboursement'} de ${formatEuro(d.amount_cents)}). Cette seconde décision n’est pas appliquée : synchronisez le poste pour voir la première.`,
  noExcess: (invoiceNumber: string) =>
    `La facture ${invoiceNumber} n’a pas de trop-perçu restant à traiter sur le portail : synchronisez le poste et vérifiez ce qui a été payé. Rien n’a été enregistré.`,
  amountMismatch: (sent: number, expected: number, invoiceNumber: string) =>
    `Le trop-perçu annoncé (${formatEuro(sent)}) ne correspond pas à celui que le portail constate sur la facture ${invoiceNumber} (${formatEuro(expected)}) : synchronisez le poste, puis décidez à nouveau sur le montant à jour. Rien n’a été enregistré.`,
  creditNotAllowed: (code: string) =>
    `La régie ${code} n’admet pas les avoirs : choisissez une demande de remboursement. Rien n’a été enregistré.`,
  note: (p: OverpaymentResolutionPayload, posteCode: string) =>
    `${p.resolution === 'avoir' ? `Avoir de ${formatEuro(p.amountCents)} porté au compte de la famille` : `Demande de remboursement de ${formatEuro(p.amountCents)} à la famille`}, décidé au poste ${posteCode} par ${p.agent.displayName} le ${formatInstant(p.resolvedAt)}. Motif : ${p.reason}`,
};

interface ExistingResolution extends Record<string, unknown> {
  poste_code: string;
  agent_name: string;
  resolved_at: string;
  resolution: string;
  amount_cents: number;
}

export async function applyOverpaymentResolution(
  tx: PortalTx,
  ctx: OpContext,
  p: OverpaymentResolutionPayload,
): Promise<OpEffects> {
  const [payment] = await tx
    .select({
      id: onlinePayment.id,
      status: onlinePayment.status,
      amountCents: onlinePayment.amountCents,
      invoiceNumber: invoice.number,
      regieCode: regie.code,
    })
    .from(onlinePayment)
    .innerJoin(invoice, eq(invoice.id, onlinePayment.invoiceId))
    .innerJoin(regie, eq(regie.id, invoice.regieId))
    .where(eq(onlinePayment.ref, p.onlinePaymentRef));
  if (!payment) {
    throw new OpRejected(
      'PAIEMENT_EN_LIGNE_INCONNU',
      resolutionText.unknownPayment(p.onlinePaymentRef),
    );
  }
  const r = await regieInScope(tx, ctx, payment.regieCode);
  // The invoice's row lock serialises every decision on its online payments, whichever
  // counter sends it: the check below always sees a decision committed by another counter.
  const inv = (await lockInvoices(tx, [payment.invoiceNumber], ctx.now)).get(payment.invoiceNumber);
  if (!inv) throw new Error(`facture ${payment.invoiceNumber} disparue sous verrou`);
  const [existing] = await rows<ExistingResolution>(
    tx,
    sql`SELECT poste_code, agent_name, to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS resolved_at,
               resolution, amount_cents
          FROM overpayment_resolution WHERE online_payment_id = ${payment.id}`,
  );
  if (existing)
    throw new OpRejected('TROP_PERCU_DEJA_TRAITE', resolutionText.alreadyResolved(existing));
  if (payment.status !== 'paye') {
    throw new OpRejected('PAS_DE_TROP_PERCU', resolutionText.notPaid(payment.status));
  }
  if (p.resolution === 'avoir' && !r.allowCredit) {
    throw new OpRejected('AVOIR_NON_ADMIS', resolutionText.creditNotAllowed(payment.regieCode));
  }
  // What this online payment brought beyond what the invoice owes, less what decisions on the
  // invoice's other online payments have already taken: the register computes the same.
  const owed = inv.status === 'annulee' ? 0 : inv.amountCents;
  const [decided] = await rows<{ cents: number }>(
    tx,
    sql`SELECT COALESCE(SUM(d.amount_cents), 0)::int AS cents FROM overpayment_resolution d
          JOIN online_payment o ON o.id = d.online_payment_id WHERE o.invoice_id = ${inv.id}`,
  );
  const expected = Math.min(
    payment.amountCents,
    Math.max(0, inv.paidCents - owed) - Number(decided?.cents ?? 0),
  );
  if (expected <= 0) throw new OpRejected('PAS_DE_TROP_PERCU', resolutionText.noExcess(inv.number));
  if (expected !== p.amountCents) {
    throw new OpRejected(
      'MONTANT_TROP_PERCU_DIFFERENT',
      resolutionText.amountMismatch(p.amountCents, expected, inv.number),
    );
  }

  // The conflicts this decision settles: the one opened on this online payment if there is one
  // (it completed after the counter's payment), otherwise the invoice's open trop-perçu
  // conflicts, oldest first, up to the amount (the counter's payment came second).
  const open = await tx
    .select({
      id: paymentConflict.id,
      amountCents: paymentConflict.amountCents,
      onlinePaymentId: paymentConflict.onlinePaymentId,
    })
    .from(paymentConflict)
    .where(
      and(
        eq(paymentConflict.invoiceId, inv.id),
        eq(paymentConflict.status, 'a_traiter'),
        inArray(paymentConflict.kind, ['trop_percu', 'paiement_facture_annulee']),
      ),
    )
    .orderBy(asc(paymentConflict.detectedAt), asc(paymentConflict.id));
  const own = open.filter((c) => c.onlinePaymentId === payment.id);
  const settled: number[] = [];
  if (own.length > 0) {
    settled.push(...own.map((c) => c.id));
  } else {
    let covered = 0;
    for (const c of open) {
      if (covered >= p.amountCents) break;
      settled.push(c.id);
      covered += c.amountCents;
    }
  }
  const note = resolutionText.note(p, ctx.posteCode);
  if (settled.length > 0) {
    await tx
      .update(paymentConflict)
      .set({ status: 'traite', resolvedAt: new Date(p.resolvedAt), resolutionNote: note })
      .where(inArray(paymentConflict.id, settled));
  }
  await tx.execute(sql`INSERT INTO overpayment_resolution
      (op_row_id, counter_id, poste_code, online_payment_id, invoice_id, family_id, regie_id,
       resolution, amount_cents, reason, agent_login, agent_name, resolved_at, received_at)
    VALUES (${ctx.opRowId}, ${ctx.counterId}, ${ctx.posteCode}, ${payment.id}, ${inv.id},
       ${inv.familyId}, ${inv.regieId}, ${p.resolution}, ${p.amountCents}, ${p.reason},
       ${p.agent.login}, ${p.agent.displayName}, ${p.resolvedAt}::timestamptz,
       ${ctx.now.toISOString()}::timestamptz)`);
  if (p.resolution === 'avoir') await addCredit(tx, inv.familyId, inv.regieId, p.amountCents);
  return { flags: [], conflicts: [] };
}
