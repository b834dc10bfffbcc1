// What a coupon prints, read from the database in one place so the single coupon at the counter
// and the batch for mailing print exactly the same thing. Statements are prepared once per
// reader: a batch reads thousands of families with the same few queries.
import type Database from 'better-sqlite3';
import { invoiceState, type InvoiceStatus } from '../../shared/invoice-state';
import { paymentModes, type PaymentMode } from '../../shared/payment-modes';
import { readMachineSettings } from '../admin/machine-settings';
import { enrolledPortalUrl } from '../admin/portal-enrolment';
import { DomainError } from '../errors';
import { creditBalances } from '../payments/balances';
import { CASH_LIMIT_CENTS } from '../payments/rules';

export interface CouponInvoice {
  number: string;
  label: string;
  issueDate: string;
  dueDate: string;
  amountCents: number;
  remainingCents: number;
  refdet: string;
}

export interface CouponRegie {
  id: number;
  code: string;
  name: string;
  creditorLabel: string;
  serviceName: string;
  serviceAddress: string;
  servicePhone: string | null;
  acceptedModes: PaymentMode[];
  /** PayFiP contract: online payment is offered only when the régie has one. */
  numcli: string | null;
}

export interface CouponCommune {
  name: string;
  addressLine: string;
  postalCode: string;
  city: string;
  phone: string | null;
}

export interface CouponFamily {
  id: number;
  code: string;
  familyName: string;
  /** Up to six lines for the envelope window, the last one "POSTAL CODE CITY". */
  addressLines: string[];
  postalCode: string;
}

export interface CouponData {
  /** The printing instant (UTC ISO). */
  printedAt: string;
  commune: CouponCommune;
  regie: CouponRegie;
  family: CouponFamily;
  /** Open invoices (à payer, partiellement payées) of the coupon, oldest due first. */
  invoices: CouponInvoice[];
  totalDueCents: number;
  /** Open invoices of the régie outside the batch's period, summed (0 outside batches). */
  otherDue: { count: number; cents: number };
  /** Invoices transmitted to the Trésor: not payable here, the family is told so. */
  tresorerie: { count: number; cents: number };
  creditCents: number;
  /** The period the batch printed (YYYY-MM of issue dates), or null. */
  period: string | null;
  cashLimitCents: number;
  /** The family space's address, or null when none is configured. */
  familyPortalUrl: string | null;
  /** Printed once, when a code was issued for this coupon. */
  accessCode: { code: string; expiresAt: string | null } | null;
}

/**
 * The family space's public address: the setting; else the portal this poste is enrolled with,
 * plus /famille (the one that will know the code just issued); else the configured portal's.
 */
export function familyPortalUrlOf(sqlite: Database.Database): string | null {
  const s = readMachineSettings(sqlite, null);
  const trim = (u: string) => u.replace(/\/+$/, '');
  if (s.familyPortalUrl) return trim(s.familyPortalUrl);
  const portal = enrolledPortalUrl(sqlite) ?? s.portalUrl;
  if (portal) return `${trim(portal)}/famille`;
  return null;
}

/** The page the QR code opens: activation, with the code famille filled in (never the code). */
export function activationUrl(portalUrl: string, familyCode: string): string {
  return `${portalUrl}/activation?famille=${encodeURIComponent(familyCode)}`;
}

interface InvoiceRow {
  number: string;
  label: string;
  issue_date: string;
  due_date: string;
  amount_cents: number;
  paid_cents: number;
  refdet: string;
  status: InvoiceStatus;
}

function parseModes(json: string): PaymentMode[] {
  try {
    const listed: unknown = JSON.parse(json);
    return Array.isArray(listed) ? paymentModes.filter((m) => listed.includes(m)) : [];
  } catch {
    return [];
  }
}

/** Postal norm: 38 characters a line at most, upper case for the locality line. */
function addressOf(
  familyName: string,
  r:
    | {
        civility: string;
        first_name: string;
        last_name: string;
        address_line1: string;
        address_line2: string | null;
        postal_code: string;
        city: string;
      }
    | undefined,
): { lines: string[]; postalCode: string } {
  if (!r) return { lines: [`Famille ${familyName}`], postalCode: '' };
  const lines = [`${r.civility} ${r.first_name} ${r.last_name.toUpperCase()}`.trim()];
  lines.push(r.address_line1);
  if (r.address_line2) lines.push(r.address_line2);
  lines.push(`${r.postal_code} ${r.city.toUpperCase()}`);
  return { lines: lines.map((l) => l.trim()).filter((l) => l !== ''), postalCode: r.postal_code };
}

/** Reads coupons for one régie; built once per request or per batch. */
export function couponReader(sqlite: Database.Database, regieId: number) {
  const regieRow = sqlite
    .prepare(
      `SELECT id, commune_id, code, name, creditor_label, service_name, service_address,
              service_phone, accepted_modes, numcli FROM regie WHERE id = ?`,
    )
    .get(regieId) as
    | {
        id: number;
        commune_id: number;
        code: string;
        name: string;
        creditor_label: string;
        service_name: string;
        service_address: string;
        service_phone: string | null;
        accepted_modes: string;
        numcli: string | null;
      }
    | undefined;
  if (!regieRow) {
    throw new DomainError(
      'INTROUVABLE',
      'Cette régie est introuvable. Rechargez la page et choisissez une régie de la liste.',
    );
  }
  const communeRow = sqlite
    .prepare('SELECT name, address_line, postal_code, city, phone FROM commune WHERE id = ?')
    .get(regieRow.commune_id) as
    | {
        name: string;
        address_line: string;
        postal_code: string;
        city: string;
        phone: string | null;
      }
    | undefined;
  const commune: CouponCommune = {
    name: communeRow?.name ?? '',
    addressLine: communeRow?.address_line ?? '',
    postalCode: communeRow?.postal_code ?? '',
    city: communeRow?.city ?? '',
    phone: communeRow?.phone ?? null,
  };
  const regie: CouponRegie = {
    id: regieRow.id,
    code: regieRow.code,
    name: regieRow.name,
    creditorLabel: regieRow.creditor_label,
    serviceName: regieRow.service_name,
    serviceAddress: regieRow.service_address,
    servicePhone: regieRow.service_phone,
    acceptedModes: parseModes(regieRow.accepted_modes),
    numcli: regieRow.numcli,
  };
  const familyPortalUrl = familyPortalUrlOf(sqlite);
  const familyStmt = sqlite.prepare('SELECT id, code, family_name FROM family WHERE id = ?');
  const responsableStmt = sqlite.prepare(
    `SELECT civility, first_name, last_name, address_line1, address_line2, postal_code, city
       FROM responsable WHERE family_id = ? ORDER BY rank LIMIT 1`,
  );
  const accountStmt = sqlite.prepare(
    `SELECT 1 AS ok FROM family_account WHERE family_id = ? AND regie_id = ?
     UNION ALL SELECT 1 FROM invoice WHERE family_id = ? AND regie_id = ? LIMIT 1`,
  );
  const invoicesStmt = sqlite.prepare(
    `SELECT number, label, issue_date, due_date, amount_cents, paid_cents, refdet, status
       FROM invoice WHERE family_id = ? AND regie_id = ?
      ORDER BY due_date, number`,
  );

  return {
    regie,
    commune,
    familyPortalUrl,
    read(
      familyId: number,
      opts: {
        printedAt: string;
        period: string | null;
        accessCode: CouponData['accessCode'];
      },
    ): CouponData {
      const f = familyStmt.get(familyId) as
        { id: number; code: string; family_name: string } | undefined;
      if (!f) {
        throw new DomainError(
          'INTROUVABLE',
          'Cette famille est introuvable : elle a peut-être été fusionnée ou supprimée. Relancez la recherche.',
        );
      }
      if (!accountStmt.get(familyId, regieId, familyId, regieId)) {
        throw new DomainError(
          'REGLE_METIER',
          `La famille ${f.family_name} (${f.code}) n’a pas de compte à la régie « ${regie.name} » : aucun coupon ne peut être imprimé pour cette régie. Choisissez une régie où elle a des factures.`,
          'SANS_COMPTE_REGIE',
        );
      }
      const address = addressOf(
        f.family_name,
        responsableStmt.get(familyId) as Parameters<typeof addressOf>[1],
      );
      const invoices: CouponInvoice[] = [];
      const otherDue = { count: 0, cents: 0 };
      const tresorerie = { count: 0, cents: 0 };
      for (const row of invoicesStmt.all(familyId, regieId) as InvoiceRow[]) {
        const state = invoiceState(row.status, row.amount_cents, row.paid_cents);
        const remaining = Math.max(0, row.amount_cents - row.paid_cents);
        if (state === 'tresorerie') {
          tresorerie.count += 1;
          tresorerie.cents += remaining;
          continue;
        }
        // Direct-debit invoices are left out on purpose: the debit will be taken, and a coupon
        // inviting the family to pay them too would lead to paying twice.
        if (state !== 'a_payer' && state !== 'partielle') continue;
        if (opts.period !== null && row.issue_date.slice(0, 7) !== opts.period) {
          otherDue.count += 1;
          otherDue.cents += remaining;
          continue;
        }
        invoices.push({
          number: row.number,
          label: row.label,
          issueDate: row.issue_date,
          dueDate: row.due_date,
          amountCents: row.amount_cents,
          remainingCents: remaining,
          refdet: row.refdet,
        });
      }
      return {
        printedAt: opts.printedAt,
        commune,
        regie,
        family: {
          id: f.id,
          code: f.code,
          familyName: f.family_name,
          addressLines: address.lines,
          postalCode: address.postalCode,
        },
        invoices,
        totalDueCents: invoices.reduce((s, i) => s + i.remainingCents, 0),
        otherDue,
        tresorerie,
        creditCents: creditBalances(sqlite, familyId).get(regieId) ?? 0,
        period: opts.period,
        cashLimitCents: CASH_LIMIT_CENTS,
        familyPortalUrl,
        accessCode: opts.accessCode,
      };
    },
  };
}

export type CouponReader = ReturnType<typeof couponReader>;
