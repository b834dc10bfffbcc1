// What a family sets from its account page (alert addresses, paper invoices) and the messages
// it writes to a service. A message is a family_message row: the feed publishes it to the
// counters of its régie (entity family_message), which is how it reaches the register.
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import type { Executor } from '../db/sql';
import {
  alertEmail,
  commune,
  family,
  familyAccount,
  familyMessage,
  familyPreference,
  invoice,
  invoiceAlert,
  regie,
} from '../db/schema';
import { formatDate } from '../../shared/dates';
import { formatEuro } from '../../shared/money';
import { checkEmail } from './accounts';
import { FormRefused, type FieldErrors } from './form-errors';
import type { Mailer } from './mailer';
import { familyText } from './text';

export const MAX_ALERT_EMAILS = 3;
export const SUBJECT_MAX = 120;
export const BODY_MAX = 4000;

export async function listAlertEmails(db: Executor, familyId: number) {
  return db
    .select({ id: alertEmail.id, email: alertEmail.email })
    .from(alertEmail)
    .where(eq(alertEmail.familyId, familyId))
    .orderBy(asc(alertEmail.id));
}

export async function addAlertEmail(db: PortalDb, familyId: number, raw: string): Promise<void> {
  const errors: FieldErrors = {};
  const email = checkEmail(raw, 'alertEmail', errors);
  if (Object.keys(errors).length > 0) throw new FormRefused(errors);
  await db.transaction(async (tx) => {
    // The family row lock serialises two additions at once (the trigger holds the same rule).
    await tx.select({ id: family.id }).from(family).where(eq(family.id, familyId)).for('update');
    const [n] = await tx
      .select({ n: count() })
      .from(alertEmail)
      .where(eq(alertEmail.familyId, familyId));
    const [dup] = await tx
      .select({ id: alertEmail.id })
      .from(alertEmail)
      .where(and(eq(alertEmail.familyId, familyId), eq(alertEmail.email, email)));
    if (dup) throw new FormRefused({ alertEmail: familyText.alertsDuplicate });
    if ((n?.n ?? 0) >= MAX_ALERT_EMAILS)
      throw new FormRefused({ alertEmail: familyText.alertsFull });
    await tx.insert(alertEmail).values({ familyId, email });
  });
}

export async function removeAlertEmail(db: PortalDb, familyId: number, id: number): Promise<void> {
  await db.delete(alertEmail).where(and(eq(alertEmail.id, id), eq(alertEmail.familyId, familyId)));
}

export async function paperOptOut(db: Executor, familyId: number): Promise<Date | null> {
  const [p] = await db
    .select({ at: familyPreference.paperOptOutAt })
    .from(familyPreference)
    .where(eq(familyPreference.familyId, familyId));
  return p?.at ?? null;
}

/** Records the choice and tells every service of the family by a message (as in the seeds). */
export async function setPaperOptOut(
  db: PortalDb,
  familyId: number,
  optOut: boolean,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const current = await paperOptOut(tx, familyId);
    if (Boolean(current) === optOut) return;
    await tx
      .insert(familyPreference)
      .values({ familyId, paperOptOutAt: optOut ? now : null, updatedAt: now })
      .onConflictDoUpdate({
        target: familyPreference.familyId,
        set: { paperOptOutAt: optOut ? now : null, updatedAt: now },
      });
    const regies = await tx
      .select({ id: familyAccount.regieId })
      .from(familyAccount)
      .where(eq(familyAccount.familyId, familyId));
    for (const r of regies)
      await tx.insert(familyMessage).values({
        familyId,
        regieId: r.id,
        subject: optOut ? familyText.paperMessageSubject : familyText.paperBackSubject,
        body: optOut ? familyText.paperMessageBody : familyText.paperBackBody,
        createdAt: now,
      });
  });
}

export interface MessageInput {
  regieCode: string;
  subject: string;
  body: string;
}

export async function sendFamilyMessage(
  db: PortalDb,
  familyId: number,
  input: MessageInput,
  now: Date,
): Promise<number> {
  const errors: FieldErrors = {};
  const subject = input.subject.trim();
  const body = input.body.trim();
  if (!subject) errors.subject = familyText.fieldRequired('Objet');
  else if (subject.length > SUBJECT_MAX) errors.subject = familyText.subjectTooLong;
  if (!body) errors.body = familyText.fieldRequired('Message');
  else if (body.length > BODY_MAX) errors.body = familyText.bodyTooLong;
  const [r] = await db
    .select({ id: regie.id })
    .from(familyAccount)
    .innerJoin(regie, eq(regie.id, familyAccount.regieId))
    .where(and(eq(familyAccount.familyId, familyId), eq(regie.code, input.regieCode)));
  if (!r) errors.regieCode = familyText.regieUnknown;
  if (Object.keys(errors).length > 0 || !r) throw new FormRefused(errors);
  const [row] = await db
    .insert(familyMessage)
    .values({ familyId, regieId: r.id, subject, body, createdAt: now })
    .returning({ id: familyMessage.id });
  return row?.id ?? 0;
}

/**
 * Sends the alert mails of invoices put online since the last run (queued by a trigger on
 * invoice INSERT, see migration 0002). A mail that fails stays queued for the next run.
 */
export async function sendInvoiceAlerts(
  db: PortalDb,
  mailer: Mailer,
  opts: { now: Date; portalUrl: string; limit?: number },
): Promise<number> {
  const pending = await db
    .select({
      alertId: invoiceAlert.id,
      familyId: invoiceAlert.familyId,
      number: invoice.number,
      label: invoice.label,
      amountCents: invoice.amountCents,
      dueDate: invoice.dueDate,
      regieName: regie.name,
      communeId: regie.communeId,
    })
    .from(invoiceAlert)
    .innerJoin(invoice, eq(invoice.id, invoiceAlert.invoiceId))
    .innerJoin(regie, eq(regie.id, invoice.regieId))
    .where(isNull(invoiceAlert.sentAt))
    .orderBy(asc(invoiceAlert.id))
    .limit(opts.limit ?? 200);
  let sent = 0;
  for (const a of pending) {
    const to = (await listAlertEmails(db, a.familyId)).map((e) => e.email);
    const [c] = await db
      .select({ name: commune.name })
      .from(commune)
      .where(eq(commune.id, a.communeId));
    if (to.length > 0)
      await mailer.send({
        to,
        subject: familyText.alertMailSubject(c?.name ?? 'Votre commune'),
        text: [
          'Bonjour,',
          '',
          `Une nouvelle facture est disponible dans votre espace familles (${a.regieName}) :`,
          `${a.label} — facture n° ${a.number}`,
          `Montant : ${formatEuro(a.amountCents)}, à régler avant le ${formatDate(a.dueDate)}.`,
          '',
          `Consultez-la et téléchargez-la : ${opts.portalUrl}/famille/factures`,
          '',
          'Vous recevez ce message parce que cette adresse est inscrite aux alertes de l’espace familles. Vous pouvez la retirer depuis « Mon compte ».',
          'Merci de ne pas répondre à ce message.',
        ].join('\n'),
      });
    await db
      .update(invoiceAlert)
      .set({ sentAt: opts.now, sentTo: to })
      .where(eq(invoiceAlert.id, a.alertId));
    sent++;
  }
  return sent;
}
