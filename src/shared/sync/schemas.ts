// The sync protocol's wire format (see src/portal/PROTOCOL.md): what a register sends and what
// the portal answers. Pure zod and types in shared/, so that the portal and the register's sync
// client use the very same schemas (neither may import the other). Messages are French: a register shows them to the agent as they are.
import { z } from 'zod';
import { MAX_CENTS } from '../money';

export const PROTOCOL_VERSION = 1;
export const MAX_OPS_PER_PUSH = 500;
export const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 2000;

const uuid = z.uuid({ error: 'Identifiant attendu au format UUID.' });
const instant = z.iso.datetime({
  offset: false,
  error: 'Instant attendu au format ISO 8601 UTC (ex. 2026-03-05T14:07:00.000Z).',
});
const code = (what: string) =>
  z.string({ error: `${what} manquant.` }).regex(/^[A-Z0-9]{2,8}$/, {
    error: `${what} invalide : 2 à 8 lettres majuscules ou chiffres.`,
  });
const regieCode = code('Code de régie');
const familyCode = z
  .string({ error: 'Code famille manquant.' })
  .regex(/^[A-Za-z0-9-]{1,30}$/, { error: 'Code famille invalide.' });
const invoiceNumber = z
  .string({ error: 'Numéro de facture manquant.' })
  .regex(/^[A-Za-z0-9-]{1,40}$/, { error: 'Numéro de facture invalide.' });
const positiveCents = z
  .number({ error: 'Montant attendu en centimes.' })
  .int({ error: 'Le montant doit être un nombre entier de centimes.' })
  .min(1, { error: 'Le montant doit être supérieur à zéro.' })
  .max(MAX_CENTS, { error: 'Montant trop élevé.' });
const nonNegativeCents = positiveCents.or(z.literal(0));

export const agentSchema = z.object({
  login: z.string().trim().min(1).max(60),
  displayName: z.string().trim().min(1).max(120),
});

export const allocationSchema = z.object({
  invoiceNumber,
  amountCents: positiveCents,
});

export const counterPaymentModes = [
  'especes',
  'cheque',
  'carte',
  'cesu',
  'cheque_vacances',
  'virement',
] as const;

/** A payment recorded at the counter. Money was taken: the portal refuses it only when it
 * cannot attach it to anything (unknown régie, family or invoice, inconsistent sums). */
export const paymentPayloadSchema = z
  .object({
    /** The register's command UUID for the payment. */
    ref: uuid,
    receiptNumber: z.string().regex(/^[A-Z0-9-]{5,60}$/, { error: 'Numéro de reçu invalide.' }),
    regieCode,
    familyCode,
    mode: z.enum(counterPaymentModes, {
      error: 'Mode de paiement inconnu pour un paiement au guichet.',
    }),
    amountCents: positiveCents,
    tenderedCents: positiveCents.nullable(),
    changeCents: nonNegativeCents.nullable(),
    creditCreatedCents: nonNegativeCents,
    /** Mode details as recorded (cheque bank/number/drawer/payee, terminal reference, titles). */
    details: z.record(z.string(), z.unknown()),
    recordedAt: instant,
    agent: agentSchema,
    allocations: z.array(allocationSchema).max(200),
  })
  .superRefine((p, ctx) => {
    const allocated = p.allocations.reduce((s, a) => s + a.amountCents, 0);
    if (allocated + p.creditCreatedCents !== p.amountCents) {
      ctx.addIssue({
        code: 'custom',
        message: `La somme des affectations (${allocated}) et de l’avoir créé (${p.creditCreatedCents}) ne fait pas le montant du paiement (${p.amountCents}).`,
      });
    }
    if ((p.tenderedCents === null) !== (p.changeCents === null)) {
      ctx.addIssue({ code: 'custom', message: 'Somme remise et monnaie rendue vont ensemble.' });
    } else if (p.tenderedCents !== null && p.tenderedCents - p.amountCents !== p.changeCents) {
      ctx.addIssue({
        code: 'custom',
        message: 'La monnaie rendue doit être la somme remise moins le montant.',
      });
    }
    const numbers = p.allocations.map((a) => a.invoiceNumber);
    if (new Set(numbers).size !== numbers.length) {
      ctx.addIssue({ code: 'custom', message: 'Une facture apparaît deux fois dans le paiement.' });
    }
  });
export type PaymentPayload = z.output<typeof paymentPayloadSchema>;

/** Use of a family's credit (avoir) to settle invoices of the same régie. */
export const creditUsePayloadSchema = z
  .object({
    ref: uuid,
    regieCode,
    familyCode,
    amountCents: positiveCents,
    usedAt: instant,
    agent: agentSchema,
    allocations: z.array(allocationSchema).min(1).max(200),
  })
  .superRefine((p, ctx) => {
    const allocated = p.allocations.reduce((s, a) => s + a.amountCents, 0);
    if (allocated !== p.amountCents) {
      ctx.addIssue({
        code: 'custom',
        message: `La somme des affectations (${allocated}) ne fait pas le montant de l’avoir utilisé (${p.amountCents}).`,
      });
    }
    const numbers = p.allocations.map((a) => a.invoiceNumber);
    if (new Set(numbers).size !== numbers.length) {
      ctx.addIssue({ code: 'custom', message: 'Une facture apparaît deux fois.' });
    }
  });
export type CreditUsePayload = z.output<typeof creditUsePayloadSchema>;

/** The counter-entry of a payment (named by its receipt number) or of a credit use (its ref). */
export const cancellationPayloadSchema = z.object({
  target: z.discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('payment'), receiptNumber: z.string().min(5).max(60) }),
      z.object({ kind: z.literal('credit_use'), ref: uuid }),
    ],
    { error: 'Cible d’annulation attendue : un paiement (receiptNumber) ou un avoir (ref).' },
  ),
  reason: z.string().trim().min(5, { error: 'Le motif d’annulation est trop court.' }).max(500),
  cancelledAt: instant,
  agent: agentSchema,
});
export type CancellationPayload = z.output<typeof cancellationPayloadSchema>;

/** A daily, monthly or yearly closure of one régie on the counter (NF525 model). */
export const closurePayloadSchema = z.object({
  regieCode,
  kind: z.enum(['jour', 'mois', 'annee']),
  period: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, { error: 'Période invalide.' }),
  periodStart: instant,
  periodEnd: instant,
  /** The closure's totals as the register computed them (canonical JSON object). */
  totals: z.record(z.string(), z.unknown()),
  lastCoveredSeq: z.number().int().min(0),
  lastCoveredHash: z.string().regex(/^[0-9a-f]{64}$/, { error: 'Empreinte SHA-256 attendue.' }),
  closedAt: instant,
  agent: agentSchema.nullable(),
});
export type ClosurePayload = z.output<typeof closurePayloadSchema>;

/**
 * A family portal access code printed at the counter. The code itself never travels: only the
 * SHA-256 (hex) of its normalised form (upper case, spaces and dashes removed).
 */
export const accessCodePayloadSchema = z.object({
  ref: uuid,
  familyCode,
  codeSha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'Empreinte SHA-256 attendue.' }),
  issuedAt: instant,
  expiresAt: instant.nullable(),
  agent: agentSchema,
});
export type AccessCodePayload = z.output<typeof accessCodePayloadSchema>;

/**
 * The régisseur's decision on the trop-perçu of an online payment (paid online and at the
 * counter): an avoir on the family's account or a refund request. One decision per online
 * payment, portal-wide: a second one, from any poste, is refused.
 */
export const overpaymentResolutionPayloadSchema = z.object({
  onlinePaymentRef: uuid,
  resolution: z.enum(['avoir', 'remboursement'], {
    error: 'Décision attendue : avoir ou remboursement.',
  }),
  /** The trop-perçu as the register computed it; the portal checks it against its own. */
  amountCents: positiveCents,
  reason: z.string().trim().min(5, { error: 'Le motif est trop court.' }).max(500),
  agent: agentSchema,
  resolvedAt: instant,
});
export type OverpaymentResolutionPayload = z.output<typeof overpaymentResolutionPayloadSchema>;

export const opKinds = [
  'payment',
  'cancellation',
  'credit_use',
  'closure',
  'access_code',
  'overpayment_resolution',
] as const;
export type OpKind = (typeof opKinds)[number];

export const payloadSchemas = {
  payment: paymentPayloadSchema,
  cancellation: cancellationPayloadSchema,
  credit_use: creditUsePayloadSchema,
  closure: closurePayloadSchema,
  access_code: accessCodePayloadSchema,
  overpayment_resolution: overpaymentResolutionPayloadSchema,
} as const satisfies Record<OpKind, z.ZodType>;

/**
 * One outbox row. The payload is validated per operation, not with the batch, so that one bad
 * payload is rejected (and recorded) without holding back the operations around it.
 */
export const opSchema = z.object({
  opId: uuid,
  seq: z
    .number({ error: 'Numéro de séquence manquant.' })
    .int()
    .min(1, { error: 'Les numéros de séquence commencent à 1.' })
    .max(Number.MAX_SAFE_INTEGER),
  kind: z.enum(opKinds, {
    error:
      'Type d’opération inconnu : payment, cancellation, credit_use, closure, access_code ou overpayment_resolution.',
  }),
  payload: z.unknown(),
});
export type Op = z.output<typeof opSchema>;

export const pushRequestSchema = z
  .object({
    ops: z
      .array(opSchema)
      .min(1, { error: 'Le lot est vide.' })
      .max(MAX_OPS_PER_PUSH, { error: `Un lot contient au plus ${MAX_OPS_PER_PUSH} opérations.` }),
  })
  .superRefine((b, ctx) => {
    if (new Set(b.ops.map((o) => o.opId)).size !== b.ops.length) {
      ctx.addIssue({ code: 'custom', message: 'Un même opId apparaît deux fois dans le lot.' });
    }
    if (new Set(b.ops.map((o) => o.seq)).size !== b.ops.length) {
      ctx.addIssue({ code: 'custom', message: 'Un même numéro de séquence apparaît deux fois.' });
    }
  });
export type PushRequest = z.output<typeof pushRequestSchema>;

/** What applying an operation noticed: flags on allocations and conflicts opened. */
export interface OpEffects {
  flags: { invoiceNumber: string; flag: string }[];
  conflicts: { ref: string; kind: string; invoiceNumber: string; amountCents: number }[];
}

export type OpResult =
  | { opId: string; seq: number; status: 'applied'; effects: OpEffects }
  | {
      opId: string;
      seq: number;
      status: 'duplicate';
      /** What the first delivery gave: the same answer as then. */
      original: 'applied' | 'rejected';
      effects: OpEffects | null;
      code: string | null;
      message: string | null;
    }
  | { opId: string; seq: number; status: 'rejected'; code: string; message: string }
  | { opId: string; seq: number; status: 'held'; code: 'SEQUENCE_MANQUANTE'; message: string };

export interface PushResponse {
  results: OpResult[];
  /** Highest sequence the portal has processed (applied or rejected) for this counter. */
  lastSeq: number;
  serverTime: string;
}

export const changeEntities = [
  'commune',
  'regie',
  'family',
  'account',
  'invoice',
  'counter_payment',
  'credit_use',
  'online_payment',
  'online_lock',
  'access_code',
  'conflict',
  'family_message',
] as const;
export type ChangeEntity = (typeof changeEntities)[number];

export interface Change {
  /** Position in the feed (commit order); informative, the cursor is what to keep. */
  id: number;
  entity: ChangeEntity;
  key: string;
  /** The entity's full state at that commit; null when it was deleted. */
  data: Record<string, unknown> | null;
  committedAt: string;
}

export interface ChangesResponse {
  changes: Change[];
  /** Store it in the same local transaction as the page's changes; send it back as is. */
  nextCursor: string;
  hasMore: boolean;
  serverTime: string;
}

export const enrolRequestSchema = z.object({
  code: z.string({ error: 'Code d’enrôlement manquant.' }).min(4).max(40),
  /** Free label of the machine, kept in the portal's journal (e.g. the host name). */
  machine: z.string().trim().max(120).optional(),
});

export interface EnrolResponse {
  counterId: string;
  posteCode: string;
  name: string;
  regies: { code: string; name: string }[];
  /** base64url of 32 bytes: the HMAC key. Returned once; store it outside the database. */
  secret: string;
  signatureScheme: string;
  /** Continue the outbox sequence after this (0 for a new counter). */
  lastSeq: number;
  serverTime: string;
}

export interface CounterInfo {
  counterId: string;
  posteCode: string;
  name: string;
  status: 'actif';
  regies: { code: string; name: string }[];
  lastSeq: number;
  protocolVersion: number;
  serverTime: string;
}

/** Every error body of the protocol. */
export interface ProtocolError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
