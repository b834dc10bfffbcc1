// The commune bundle: one JSON document carrying a commune, its régies, families and invoices,
// as the billing back office (ordonnateur) knows them. The portal imports it (demo seed,
// `npm run portal -- import`, POST /admin/v1/import); the register's demo generator can emit
// the same document, which is how the two demos come from one source (see PROTOCOL.md).
// Natural keys only: régie code, family code, child ref, invoice number.
import { z } from 'zod';
import { MAX_CENTS } from '../../shared/money';
import { paymentModes } from '../../shared/payment-modes';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().default(null);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Date attendue au format AAAA-MM-JJ.' });
const cents = z.number().int().min(0).max(MAX_CENTS);
const code = z
  .string()
  .regex(/^[A-Z0-9]{2,8}$/, { error: 'Code attendu : 2 à 8 majuscules ou chiffres.' });
const familyCode = z.string().regex(/^[A-Za-z0-9-]{1,30}$/, { error: 'Code famille invalide.' });

export const bundleRegieSchema = z.object({
  code,
  name: text(120),
  numcli: z
    .string()
    .regex(/^\d{6}$/, { error: 'numcli : 6 chiffres.' })
    .nullable()
    .default(null),
  payfipSaisie: z.enum(['T', 'X', 'W']).default('T'),
  acceptedModes: z.array(z.enum(paymentModes)).min(1),
  cashCeilingCents: cents,
  floatCents: cents,
  creditorLabel: text(160),
  allowCredit: z.boolean().default(true),
  allowDirectDebitPayment: z.boolean().default(false),
  dftAccount: optionalText(60),
  serviceName: text(160),
  serviceAddress: text(240),
  servicePhone: optionalText(40),
  onlineLockMinutes: z.number().int().min(1).max(1440).default(120),
});

export const bundleResponsableSchema = z.object({
  rank: z.union([z.literal(1), z.literal(2)]),
  civility: text(20),
  lastName: text(80),
  firstName: text(80),
  addressLine1: text(160),
  addressLine2: optionalText(160),
  postalCode: text(10),
  city: text(80),
  email: optionalText(160),
  phoneMobile: optionalText(30),
  phoneHome: optionalText(30),
  phoneWork: optionalText(30),
});

export const bundleFamilySchema = z.object({
  code: familyCode,
  familyName: text(80),
  responsables: z.array(bundleResponsableSchema).min(1).max(2),
  children: z
    .array(
      z.object({
        ref: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'Référence d’enfant invalide.' }),
        firstName: text(80),
        lastName: text(80),
        birthDate: isoDate,
        school: optionalText(120),
      }),
    )
    .max(20)
    .default([]),
  /** Régies the family has an account with. */
  regies: z.array(code).default([]),
});

export const bundleInvoiceSchema = z.object({
  number: z.string().regex(/^[A-Za-z0-9-]{1,40}$/, { error: 'Numéro de facture invalide.' }),
  regieCode: code,
  familyCode,
  label: text(200),
  period: z.string().regex(/^\d{4}-\d{2}$/, { error: 'Période attendue au format AAAA-MM.' }),
  issueDate: isoDate,
  dueDate: isoDate,
  amountCents: cents.refine((n) => n > 0, { error: 'Le montant d’une facture doit être positif.' }),
  paidOutsideCents: cents.default(0),
  refdet: z
    .string()
    .regex(/^[A-Za-z0-9]{6,30}$/, { error: 'REFDET : 6 à 30 lettres ou chiffres.' }),
  status: z.enum(['emise', 'tresorerie', 'prelevement', 'annulee']).default('emise'),
  lines: z
    .array(
      z.object({
        label: text(200),
        childRef: z.string().nullable().default(null),
        quantity: z.number().int().min(0).max(100_000),
        unitPriceCents: cents,
      }),
    )
    .min(1)
    .max(100),
});

export const communeBundleSchema = z.object({
  format: z.literal('guichet-commune-bundle', {
    error: 'Format attendu : guichet-commune-bundle.',
  }),
  version: z.literal(1, { error: 'Version de format attendue : 1.' }),
  commune: z.object({
    name: text(120),
    addressLine: text(160),
    postalCode: text(10),
    city: text(80),
    siret: optionalText(14),
    phone: optionalText(30),
    portalUrl: optionalText(200),
    demo: z.boolean().default(false),
  }),
  regies: z.array(bundleRegieSchema).default([]),
  families: z.array(bundleFamilySchema).default([]),
  invoices: z.array(bundleInvoiceSchema).default([]),
});

export type CommuneBundle = z.input<typeof communeBundleSchema>;
export type ParsedBundle = z.output<typeof communeBundleSchema>;
