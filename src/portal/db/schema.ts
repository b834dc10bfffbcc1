// The portal's PostgreSQL schema. drizzle-kit generates the SQL migrations in migrations/portal/
// from this file (drizzle.portal.config.ts); the change feed's functions and triggers are
// hand-written SQL in a custom migration. The vocabulary mirrors the register's schema
// (src/core/db/schema.ts): régies, families, responsables, children, accounts, invoices and
// lines, payments with receipt numbers, allocations, cancellations, credit uses, closures.
// Money columns end in _cents and hold integers; instants are timestamptz (UTC); business dates
// are `date`. Entities are exchanged with registers by natural keys (régie code, family code,
// invoice number, receipt number, UUID refs), never by the serial ids below.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { OpEffects } from '../../shared/sync/schemas';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** An instant column filled with the time of the insert. */
const stamped = (name: string) => instant(name).notNull().defaultNow();
const createdAt = () => stamped('created_at');

export const commune = pgTable('commune', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  addressLine: text('address_line').notNull(),
  postalCode: text('postal_code').notNull(),
  city: text('city').notNull(),
  siret: text('siret'),
  phone: text('phone'),
  portalUrl: text('portal_url'),
  demo: boolean('demo').notNull().default(false),
  createdAt: createdAt(),
});

export const regie = pgTable(
  'regie',
  {
    id: serial('id').primaryKey(),
    communeId: integer('commune_id')
      .notNull()
      .references(() => commune.id),
    /** Short code used inside document numbers, e.g. SCO. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** PayFiP contract number: 6 digits, leading zeros kept. */
    numcli: text('numcli'),
    /** PayFiP mode: T test, X activation, W production. */
    payfipSaisie: text('payfip_saisie', { enum: ['T', 'X', 'W'] })
      .notNull()
      .default('T'),
    acceptedModes: jsonb('accepted_modes').$type<string[]>().notNull(),
    cashCeilingCents: integer('cash_ceiling_cents').notNull(),
    floatCents: integer('float_cents').notNull(),
    creditorLabel: text('creditor_label').notNull(),
    allowCredit: boolean('allow_credit').notNull().default(true),
    allowDirectDebitPayment: boolean('allow_direct_debit_payment').notNull().default(false),
    dftAccount: text('dft_account'),
    serviceName: text('service_name').notNull(),
    serviceAddress: text('service_address').notNull(),
    servicePhone: text('service_phone'),
    /** How long a family's online payment attempt suspends online payment of the invoice. */
    onlineLockMinutes: integer('online_lock_minutes').notNull().default(120),
    createdAt: createdAt(),
    updatedAt: stamped('updated_at').$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex('regie_code_uq').on(t.code),
    check('regie_code_ck', sql`${t.code} ~ '^[A-Z0-9]{2,8}$'`),
    check('regie_numcli_ck', sql`${t.numcli} IS NULL OR ${t.numcli} ~ '^[0-9]{6}$'`),
    check('regie_ceiling_ck', sql`${t.cashCeilingCents} >= 0 AND ${t.floatCents} >= 0`),
    check('regie_lock_ck', sql`${t.onlineLockMinutes} BETWEEN 1 AND 1440`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Counters (postes) and their credentials.
// ---------------------------------------------------------------------------------------------

/**
 * A register installation allowed to synchronise. Its HMAC secret is never stored: it is
 * derived from the portal's master key, the counter id and secret_version (see
 * auth/secrets.ts), so a copy of the database alone signs nothing; re-enrolment bumps the
 * version, which invalidates the previous secret.
 */
export const counter = pgTable(
  'counter',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    posteCode: text('poste_code').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['en_attente', 'actif', 'revoque'] })
      .notNull()
      .default('en_attente'),
    /** 0 until the first enrolment. */
    secretVersion: integer('secret_version').notNull().default(0),
    /** Highest operation sequence processed (applied or rejected) for this counter. */
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
    enrolledAt: instant('enrolled_at'),
    revokedAt: instant('revoked_at'),
    revokedReason: text('revoked_reason'),
    lastSeenAt: instant('last_seen_at'),
  },
  (t) => [
    // One counter per poste code: receipt numbers carry the poste code, so two live counters
    // sharing one would issue the same numbers. A replaced PC is re-enrolled, not re-created.
    uniqueIndex('counter_poste_uq').on(t.posteCode),
    check('counter_poste_ck', sql`${t.posteCode} ~ '^[A-Z0-9]{2,8}$'`),
    check('counter_seq_ck', sql`${t.lastSeq} >= 0`),
    check('counter_revoked_ck', sql`(${t.status} = 'revoque') = (${t.revokedAt} IS NOT NULL)`),
  ],
);

/** The régies a counter collects for: it pushes only for them and pulls only their data. */
export const counterRegie = pgTable(
  'counter_regie',
  {
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
  },
  (t) => [primaryKey({ columns: [t.counterId, t.regieId] })],
);

/** One-time enrolment codes, stored as SHA-256 of the normalised code. */
export const enrolmentCode = pgTable(
  'enrolment_code',
  {
    id: serial('id').primaryKey(),
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    codeHash: text('code_hash').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    /** Set when a newer code was issued for the same counter before this one was used. */
    supersededAt: instant('superseded_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('enrolment_code_hash_uq').on(t.codeHash)],
);

/** Nonces seen inside the signature window: a second use of one is a replay. */
export const syncNonce = pgTable(
  'sync_nonce',
  {
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    nonce: text('nonce').notNull(),
    seenAt: stamped('seen_at'),
  },
  (t) => [
    primaryKey({ columns: [t.counterId, t.nonce] }),
    index('sync_nonce_seen_ix').on(t.seenAt),
  ],
);

// ---------------------------------------------------------------------------------------------
// Families and invoices: the ordonnateur's data, of which the portal is the source.
// ---------------------------------------------------------------------------------------------

export const family = pgTable(
  'family',
  {
    id: serial('id').primaryKey(),
    /** Public identifier printed on coupons ("code famille"). */
    code: text('code').notNull(),
    familyName: text('family_name').notNull(),
    createdAt: createdAt(),
    updatedAt: stamped('updated_at').$onUpdate(() => new Date()),
  },
  (t) => [uniqueIndex('family_code_uq').on(t.code)],
);

export const responsable = pgTable(
  'responsable',
  {
    id: serial('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    rank: integer('rank').notNull(),
    civility: text('civility').notNull(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    addressLine1: text('address_line1').notNull(),
    addressLine2: text('address_line2'),
    postalCode: text('postal_code').notNull(),
    city: text('city').notNull(),
    email: text('email'),
    phoneMobile: text('phone_mobile'),
    phoneHome: text('phone_home'),
    phoneWork: text('phone_work'),
  },
  (t) => [
    uniqueIndex('responsable_family_rank_uq').on(t.familyId, t.rank),
    check('responsable_rank_ck', sql`${t.rank} IN (1, 2)`),
  ],
);

export const child = pgTable(
  'child',
  {
    id: serial('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    /** Stable key given by the billing software, used by invoice lines across systems. */
    ref: text('ref').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    school: text('school'),
  },
  (t) => [uniqueIndex('child_ref_uq').on(t.ref), index('child_family_ix').on(t.familyId)],
);

/** A family's account with one régie, and the credit (avoir) the counters report on it. */
export const familyAccount = pgTable(
  'family_account',
  {
    id: serial('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    /**
     * Credit created by counter payments minus credit used, both net of cancellations. Kept by
     * the push code in the same transaction as the operation. It may dip below zero while a
     * counter that created credit is still offline and another one already used it.
     */
    creditCents: integer('credit_cents').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('family_account_uq').on(t.familyId, t.regieId)],
);

export const invoice = pgTable(
  'invoice',
  {
    id: serial('id').primaryKey(),
    number: text('number').notNull(),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    label: text('label').notNull(),
    /** Billing period as YYYY-MM. */
    period: text('period').notNull(),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** Settled before or outside Guichet (history given by the billing software). */
    paidOutsideCents: integer('paid_outside_cents').notNull().default(0),
    /** Net sum of counter allocations (payments and credit uses, minus cancellations). */
    countersPaidCents: integer('counters_paid_cents').notNull().default(0),
    /** Sum of successful online payments. */
    onlinePaidCents: integer('online_paid_cents').notNull().default(0),
    paidCents: integer('paid_cents')
      .notNull()
      .generatedAlwaysAs(sql`paid_outside_cents + counters_paid_cents + online_paid_cents`),
    /** PayFiP debt reference: 6 to 30 alphanumerics. */
    refdet: text('refdet').notNull(),
    status: text('status', { enum: ['emise', 'tresorerie', 'prelevement', 'annulee'] })
      .notNull()
      .default('emise'),
    statusChangedAt: stamped('status_changed_at'),
    createdAt: createdAt(),
    updatedAt: stamped('updated_at').$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex('invoice_number_uq').on(t.number),
    uniqueIndex('invoice_refdet_uq').on(t.refdet),
    index('invoice_family_regie_ix').on(t.familyId, t.regieId, t.dueDate),
    check('invoice_amount_ck', sql`${t.amountCents} > 0`),
    check('invoice_outside_ck', sql`${t.paidOutsideCents} >= 0`),
    check('invoice_refdet_ck', sql`${t.refdet} ~ '^[A-Za-z0-9]{6,30}$'`),
  ],
);

export const invoiceLine = pgTable(
  'invoice_line',
  {
    id: serial('id').primaryKey(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    lineNo: integer('line_no').notNull(),
    label: text('label').notNull(),
    childId: integer('child_id').references(() => child.id),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    amountCents: integer('amount_cents').notNull(),
  },
  (t) => [uniqueIndex('invoice_line_uq').on(t.invoiceId, t.lineNo)],
);

// ---------------------------------------------------------------------------------------------
// What counters push, as received. Every operation is kept (applied or rejected) under
// UNIQUE(counter, op_id) and UNIQUE(counter, seq): that pair of constraints is what makes a
// replay harmless and a sequence number unusable twice.
// ---------------------------------------------------------------------------------------------

export const counterOp = pgTable(
  'counter_op',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    opId: uuid('op_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    kind: text('kind', {
      enum: [
        'payment',
        'cancellation',
        'credit_use',
        'closure',
        'access_code',
        'overpayment_resolution',
      ],
    }).notNull(),
    /** As received; NULL only when the operation came without one (and was rejected). */
    payload: jsonb('payload'),
    /** SHA-256 of the canonical JSON of { kind, payload }: a replay must carry the same. */
    payloadHash: text('payload_hash').notNull(),
    status: text('status', { enum: ['applied', 'rejected'] }).notNull(),
    /** Rejected only: stable code and French message. */
    code: text('code'),
    message: text('message'),
    /** Applied only: flags and conflicts the operation produced. */
    result: jsonb('result').$type<OpEffects>(),
    receivedAt: stamped('received_at'),
  },
  (t) => [
    uniqueIndex('counter_op_uq').on(t.counterId, t.opId),
    uniqueIndex('counter_op_seq_uq').on(t.counterId, t.seq),
    index('counter_op_rejected_ix')
      .on(t.counterId, t.seq)
      .where(sql`status = 'rejected'`),
    check('counter_op_seq_ck', sql`${t.seq} >= 1`),
    check(
      'counter_op_status_ck',
      sql`(${t.status} = 'rejected') = (${t.code} IS NOT NULL AND ${t.message} IS NOT NULL)`,
    ),
  ],
);

const counterModes = ['especes', 'cheque', 'carte', 'cesu', 'cheque_vacances', 'virement'] as const;

export const counterPayment = pgTable(
  'counter_payment',
  {
    id: serial('id').primaryKey(),
    /** The counter_op row (foreign key DEFERRABLE, added in migration change_feed). */
    opRowId: bigint('op_row_id', { mode: 'number' }).notNull(),
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    /** The register's command UUID for the payment. */
    ref: uuid('ref').notNull(),
    receiptNumber: text('receipt_number').notNull(),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    posteCode: text('poste_code').notNull(),
    mode: text('mode', { enum: counterModes }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    tenderedCents: integer('tendered_cents'),
    changeCents: integer('change_cents'),
    creditCreatedCents: integer('credit_created_cents').notNull().default(0),
    /** Mode details as the register recorded them (cheque bank/number/drawer, terminal ref…). */
    details: jsonb('details').notNull(),
    recordedAt: instant('recorded_at').notNull(),
    agentLogin: text('agent_login').notNull(),
    agentName: text('agent_name').notNull(),
    receivedAt: stamped('received_at'),
  },
  (t) => [
    uniqueIndex('counter_payment_ref_uq').on(t.ref),
    uniqueIndex('counter_payment_receipt_uq').on(t.receiptNumber),
    index('counter_payment_family_ix').on(t.familyId, t.regieId),
    check('counter_payment_amount_ck', sql`${t.amountCents} > 0`),
    check(
      'counter_payment_credit_ck',
      sql`${t.creditCreatedCents} >= 0 AND ${t.creditCreatedCents} <= ${t.amountCents}`,
    ),
  ],
);

export const creditUse = pgTable(
  'credit_use',
  {
    id: serial('id').primaryKey(),
    /** The counter_op row (foreign key DEFERRABLE, added in migration change_feed). */
    opRowId: bigint('op_row_id', { mode: 'number' }).notNull(),
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    ref: uuid('ref').notNull(),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    posteCode: text('poste_code').notNull(),
    amountCents: integer('amount_cents').notNull(),
    usedAt: instant('used_at').notNull(),
    agentLogin: text('agent_login').notNull(),
    agentName: text('agent_name').notNull(),
    receivedAt: stamped('received_at'),
  },
  (t) => [
    uniqueIndex('credit_use_ref_uq').on(t.ref),
    check('credit_use_amount_ck', sql`${t.amountCents} > 0`),
  ],
);

export const cancellation = pgTable(
  'cancellation',
  {
    id: serial('id').primaryKey(),
    /** The counter_op row (foreign key DEFERRABLE, added in migration change_feed). */
    opRowId: bigint('op_row_id', { mode: 'number' }).notNull(),
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    paymentId: integer('payment_id').references(() => counterPayment.id),
    creditUseId: integer('credit_use_id').references(() => creditUse.id),
    posteCode: text('poste_code').notNull(),
    reason: text('reason').notNull(),
    cancelledAt: instant('cancelled_at').notNull(),
    agentLogin: text('agent_login').notNull(),
    agentName: text('agent_name').notNull(),
    receivedAt: stamped('received_at'),
  },
  (t) => [
    uniqueIndex('cancellation_payment_uq').on(t.paymentId),
    uniqueIndex('cancellation_credit_use_uq').on(t.creditUseId),
    check('cancellation_target_ck', sql`(${t.paymentId} IS NULL) <> (${t.creditUseId} IS NULL)`),
  ],
);

/** Money put on an invoice by a counter payment or credit use, or taken back by a cancellation. */
export const allocation = pgTable(
  'allocation',
  {
    id: serial('id').primaryKey(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    paymentId: integer('payment_id').references(() => counterPayment.id),
    creditUseId: integer('credit_use_id').references(() => creditUse.id),
    cancellationId: integer('cancellation_id').references(() => cancellation.id),
    amountCents: integer('amount_cents').notNull(),
    /** What the portal noticed when applying it, e.g. ["apres_tresorerie"]. */
    flags: jsonb('flags').$type<string[]>().notNull().default([]),
  },
  (t) => [
    index('allocation_invoice_ix').on(t.invoiceId),
    index('allocation_payment_ix').on(t.paymentId),
    index('allocation_credit_use_ix').on(t.creditUseId),
    check(
      'allocation_source_ck',
      sql`(${t.paymentId} IS NOT NULL)::int + (${t.creditUseId} IS NOT NULL)::int + (${t.cancellationId} IS NOT NULL)::int = 1`,
    ),
    check(
      'allocation_sign_ck',
      sql`CASE WHEN ${t.cancellationId} IS NULL THEN ${t.amountCents} > 0 ELSE ${t.amountCents} < 0 END`,
    ),
  ],
);

export const closure = pgTable(
  'closure',
  {
    id: serial('id').primaryKey(),
    /** The counter_op row (foreign key DEFERRABLE, added in migration change_feed). */
    opRowId: bigint('op_row_id', { mode: 'number' }).notNull(),
    counterId: uuid('counter_id')
      .notNull()
      .references(() => counter.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    kind: text('kind', { enum: ['jour', 'mois', 'annee'] }).notNull(),
    period: text('period').notNull(),
    periodStart: instant('period_start').notNull(),
    periodEnd: instant('period_end').notNull(),
    totals: jsonb('totals').notNull(),
    lastCoveredSeq: integer('last_covered_seq').notNull(),
    lastCoveredHash: text('last_covered_hash').notNull(),
    closedAt: instant('closed_at').notNull(),
    agentLogin: text('agent_login'),
    receivedAt: stamped('received_at'),
  },
  (t) => [uniqueIndex('closure_period_uq').on(t.counterId, t.regieId, t.kind, t.period)],
);

/**
 * Family portal access codes issued at a counter (printed on the coupon). Only the SHA-256 of
 * the normalised code travels and is stored; the family activates it on the portal later.
 */
export const accessCode = pgTable(
  'access_code',
  {
    id: serial('id').primaryKey(),
    /** The counter_op row, when a counter issued the code (foreign key DEFERRABLE, see above). */
    opRowId: bigint('op_row_id', { mode: 'number' }),
    ref: uuid('ref').notNull(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    codeSha256: text('code_sha256').notNull(),
    status: text('status', { enum: ['emis', 'active', 'remplace', 'expire'] })
      .notNull()
      .default('emis'),
    issuedAt: instant('issued_at').notNull(),
    expiresAt: instant('expires_at'),
    issuedByCounterId: uuid('issued_by_counter_id').references(() => counter.id),
    activatedAt: instant('activated_at'),
    receivedAt: stamped('received_at'),
  },
  (t) => [
    uniqueIndex('access_code_ref_uq').on(t.ref),
    uniqueIndex('access_code_hash_uq').on(t.codeSha256),
    index('access_code_family_ix').on(t.familyId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Online payments (PayFiP). src/portal/payfip fills them: an attempt, its share per invoice,
// and the locks that keep the invoices from a second payment while it is pending.
// ---------------------------------------------------------------------------------------------

/**
 * One PayFiP payment attempt (one idOp): a family pays one or several invoices of one régie.
 * It is written before PayFiP is called (with the invoices' locks, in one transaction), gets
 * its idOp from creerPaiementSecurise, and ends once: paye (P, V), refuse (R, Z), abandonne
 * (A), expire (no final answer within the polling horizon) or erreur (PayFiP refused to create
 * it). The amounts per invoice are the online_payment rows that point here.
 */
export const payfipAttempt = pgTable(
  'payfip_attempt',
  {
    id: serial('id').primaryKey(),
    /** PayFiP's operation id; NULL until creerPaiementSecurise answered. */
    idop: text('idop'),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    numcli: text('numcli').notNull(),
    exer: text('exer').notNull(),
    /** The invoice's refdet for one invoice, a reference of the attempt for several. */
    refdet: text('refdet').notNull(),
    amountCents: integer('amount_cents').notNull(),
    mel: text('mel').notNull(),
    objet: text('objet').notNull(),
    saisie: text('saisie', { enum: ['T', 'X', 'W'] }).notNull(),
    /** The web-service address used, so a later check asks the same service. */
    endpoint: text('endpoint').notNull(),
    status: text('status', {
      enum: ['en_cours', 'paye', 'refuse', 'abandonne', 'expire', 'erreur'],
    })
      .notNull()
      .default('en_cours'),
    resultrans: text('resultrans'),
    numauto: text('numauto'),
    /** The transaction's date and time as PayFiP gives them (DDMMYYYY, HHMM Paris time). */
    dattrans: text('dattrans'),
    heurtrans: text('heurtrans'),
    /** dattrans + heurtrans as an instant. */
    paidAt: instant('paid_at'),
    /** The last answer of recupererDetailPaiementSecurise, as parsed. */
    detail: jsonb('detail').$type<Record<string, string>>(),
    /** A fault of PayFiP that ended the attempt (creation refused), code and message. */
    faultCode: text('fault_code'),
    faultMessage: text('fault_message'),
    createdAt: instant('created_at').notNull(),
    lockExpiresAt: instant('lock_expires_at').notNull(),
    lastCheckedAt: instant('last_checked_at'),
    checks: integer('checks').notNull().default(0),
    finishedAt: instant('finished_at'),
    confirmationSentAt: instant('confirmation_sent_at'),
  },
  (t) => [
    uniqueIndex('payfip_attempt_idop_uq').on(t.idop),
    index('payfip_attempt_family_ix').on(t.familyId, t.id),
    index('payfip_attempt_pending_ix')
      .on(t.createdAt)
      .where(sql`status = 'en_cours'`),
    check('payfip_attempt_amount_ck', sql`${t.amountCents} BETWEEN 100 AND 10000000`),
    check('payfip_attempt_refdet_ck', sql`${t.refdet} ~ '^[A-Za-z0-9]{6,30}$'`),
    check('payfip_attempt_numcli_ck', sql`${t.numcli} ~ '^[0-9]{6}$'`),
    check(
      'payfip_attempt_paid_ck',
      sql`(${t.status} = 'paye') = (${t.resultrans} IS NOT NULL AND ${t.resultrans} IN ('P', 'V'))`,
    ),
  ],
);

export const onlinePayment = pgTable(
  'online_payment',
  {
    id: serial('id').primaryKey(),
    ref: uuid('ref').notNull().defaultRandom(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    amountCents: integer('amount_cents').notNull(),
    /** expire: PayFiP never gave a final answer; erreur: PayFiP refused to create it. */
    status: text('status', {
      enum: ['en_cours', 'paye', 'refuse', 'abandonne', 'expire', 'erreur'],
    })
      .notNull()
      .default('en_cours'),
    /**
     * The PayFiP attempt this share belongs to (src/portal/payfip): one attempt pays one or
     * several invoices of one régie, hence one row per invoice here. NULL for rows written
     * before PayFiP was wired in.
     */
    attemptId: integer('attempt_id').references(() => payfipAttempt.id),
    /** PayFiP's operation id (shared by the rows of one attempt) and authorisation number. */
    idop: text('idop'),
    numauto: text('numauto'),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
  },
  (t) => [
    uniqueIndex('online_payment_ref_uq').on(t.ref),
    // Several invoices paid in one PayFiP payment share its idOp: what makes an idOp count
    // once is payfip_attempt's unique index and row lock, and this pair below.
    index('online_payment_idop_ix').on(t.idop),
    uniqueIndex('online_payment_attempt_invoice_uq').on(t.attemptId, t.invoiceId),
    index('online_payment_invoice_ix').on(t.invoiceId),
    check('online_payment_amount_ck', sql`${t.amountCents} > 0`),
  ],
);

/** "Paiement en ligne en cours": while live, the invoice is not offered online again. */
export const onlinePaymentLock = pgTable(
  'online_payment_lock',
  {
    id: serial('id').primaryKey(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    onlinePaymentId: integer('online_payment_id')
      .notNull()
      .references(() => onlinePayment.id),
    startedAt: instant('started_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    releasedAt: instant('released_at'),
  },
  (t) => [
    uniqueIndex('online_payment_lock_live_uq')
      .on(t.invoiceId)
      .where(sql`released_at IS NULL`),
  ],
);

/** Messages sent by families from the portal (filled by the family pages later). */
export const familyMessage = pgTable('family_message', {
  id: serial('id').primaryKey(),
  familyId: integer('family_id')
    .notNull()
    .references(() => family.id),
  regieId: integer('regie_id').references(() => regie.id),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  status: text('status', { enum: ['nouveau', 'lu', 'traite'] })
    .notNull()
    .default('nouveau'),
  createdAt: createdAt(),
});

/**
 * Situations an agent must settle, found while applying payments: money received beyond what
 * an invoice owes (trop-perçu), a counter payment on an invoice already at the Trésor, on a
 * cancelled invoice, or on one under direct debit. Visible to registers through the feed.
 */
export const paymentConflict = pgTable(
  'payment_conflict',
  {
    id: serial('id').primaryKey(),
    ref: uuid('ref').notNull().defaultRandom(),
    kind: text('kind', {
      enum: [
        'trop_percu',
        'paiement_apres_tresorerie',
        'paiement_facture_annulee',
        'paiement_facture_prelevement',
      ],
    }).notNull(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    amountCents: integer('amount_cents').notNull(),
    counterPaymentId: integer('counter_payment_id').references(() => counterPayment.id),
    creditUseId: integer('credit_use_id').references(() => creditUse.id),
    onlinePaymentId: integer('online_payment_id').references(() => onlinePayment.id),
    /** Trop-perçu only: avoir when the régie allows credit, remboursement otherwise. */
    proposedResolution: text('proposed_resolution', { enum: ['avoir', 'remboursement'] }),
    status: text('status', { enum: ['a_traiter', 'traite'] })
      .notNull()
      .default('a_traiter'),
    detail: text('detail').notNull(),
    detectedAt: stamped('detected_at'),
    resolvedAt: instant('resolved_at'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    uniqueIndex('payment_conflict_ref_uq').on(t.ref),
    index('payment_conflict_invoice_ix').on(t.invoiceId),
    check('payment_conflict_amount_ck', sql`${t.amountCents} > 0`),
    check(
      'payment_conflict_source_ck',
      sql`(${t.counterPaymentId} IS NOT NULL)::int + (${t.creditUseId} IS NOT NULL)::int + (${t.onlinePaymentId} IS NOT NULL)::int = 1`,
    ),
  ],
);

/** The portal's own journal of administrative actions (counters, codes, imports, statuses). */
export const portalEvent = pgTable(
  'portal_event',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: stamped('at'),
    kind: text('kind').notNull(),
    actor: text('actor').notNull(),
    details: jsonb('details').notNull(),
  },
  (t) => [index('portal_event_kind_ix').on(t.kind, t.id)],
);

// ---------------------------------------------------------------------------------------------
// The change feed. Rows are written only by the triggers of the custom migration
// "change_feed": a row trigger marks an entity as changed in change_pending, and a deferred
// constraint trigger turns each mark into one change row at COMMIT, under a transaction-scoped
// advisory lock, so change ids are handed out in commit order (see PROTOCOL.md, "Pull").
// ---------------------------------------------------------------------------------------------

export const changeIdSeq = pgSequence('change_id_seq');

export const changePending = pgTable(
  'change_pending',
  {
    xid: bigint('xid', { mode: 'number' }).notNull(),
    entity: text('entity').notNull(),
    entityKey: text('entity_key').notNull(),
  },
  (t) => [primaryKey({ columns: [t.xid, t.entity, t.entityKey] })],
);

export const change = pgTable(
  'change',
  {
    /** Drawn from change_id_seq at commit time, under the feed lock: commit order. */
    id: bigint('id', { mode: 'number' }).primaryKey(),
    xid: bigint('xid', { mode: 'number' }).notNull(),
    entity: text('entity').notNull(),
    entityKey: text('entity_key').notNull(),
    /** The régie the entity belongs to, for per-counter scoping; NULL for commune-wide data. */
    regieId: integer('regie_id'),
    /** The counter whose push caused the change, when one did. */
    originCounterId: uuid('origin_counter_id'),
    /** The entity's full state at commit; NULL when it was deleted. */
    data: jsonb('data'),
    committedAt: stamped('committed_at'),
  },
  (t) => [
    uniqueIndex('change_tx_entity_uq').on(t.xid, t.entity, t.entityKey),
    index('change_entity_ix').on(t.entity, t.entityKey, t.id),
  ],
);

// ---------------------------------------------------------------------------------------------
// Family accounts of the portal's web pages (src/portal/family-web). A family opens its
// account with its code famille and the activation code printed on its coupon, then logs in
// with an e-mail address and a password. Nothing here travels to registers except what the
// access code's status and the family's messages publish through the feed.
// ---------------------------------------------------------------------------------------------

/** One login per family: the coupon identifies the family, not a person. */
export const familyUser = pgTable(
  'family_user',
  {
    id: serial('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    /** Lower-cased; the login identifier. */
    email: text('email').notNull(),
    /** scrypt$N$r$p$salt$hash (base64url), see family-web/passwords.ts. */
    passwordHash: text('password_hash').notNull(),
    /** The access code the account was opened (or last re-opened) with. */
    accessCodeId: integer('access_code_id').references(() => accessCode.id),
    createdAt: createdAt(),
    passwordChangedAt: stamped('password_changed_at'),
    lastLoginAt: instant('last_login_at'),
    disabledAt: instant('disabled_at'),
  },
  (t) => [
    uniqueIndex('family_user_family_uq').on(t.familyId),
    uniqueIndex('family_user_email_uq').on(t.email),
    check('family_user_email_ck', sql`${t.email} = lower(${t.email})`),
  ],
);

/** Sessions: only the SHA-256 of the cookie's random id is stored. */
export const familySession = pgTable(
  'family_session',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => familyUser.id),
    tokenSha256: text('token_sha256').notNull(),
    createdAt: instant('created_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    /** Absolute end, whatever the activity. */
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [
    uniqueIndex('family_session_token_uq').on(t.tokenSha256),
    index('family_session_user_ix').on(t.userId),
  ],
);

/** Forgotten-password links: single use, short-lived, stored as SHA-256 of the token. */
export const passwordReset = pgTable(
  'password_reset',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => familyUser.id),
    tokenSha256: text('token_sha256').notNull(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [uniqueIndex('password_reset_token_uq').on(t.tokenSha256)],
);

/** Up to three addresses alerted when a new invoice is put online (a trigger enforces it). */
export const alertEmail = pgTable(
  'alert_email',
  {
    id: serial('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    email: text('email').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('alert_email_uq').on(t.familyId, t.email),
    check('alert_email_ck', sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * New invoices waiting for their alert mail: filled by a trigger on invoice INSERT (in the
 * import's own transaction, so no invoice is forgotten and none alerted twice), drained by
 * the family pages' mailer.
 */
export const invoiceAlert = pgTable(
  'invoice_alert',
  {
    id: serial('id').primaryKey(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
    /** Addresses the mail went to (JSON array), for the record. */
    sentTo: jsonb('sent_to').$type<string[]>(),
  },
  (t) => [
    uniqueIndex('invoice_alert_invoice_uq').on(t.invoiceId),
    index('invoice_alert_pending_ix')
      .on(t.id)
      .where(sql`sent_at IS NULL`),
  ],
);

/** The family's choices on the portal: paperless invoices for now. */
export const familyPreference = pgTable('family_preference', {
  familyId: integer('family_id')
    .primaryKey()
    .references(() => family.id),
  paperOptOutAt: instant('paper_opt_out_at'),
  updatedAt: stamped('updated_at'),
});

/**
 * Failure counters of activation, login and password reset, keyed by what is attacked (a code
 * famille, an e-mail address), whether or not it exists: the lockout then tells nothing about
 * existence. Each failure beyond the free allowance doubles the wait before the next try.
 */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lastFailureAt: instant('last_failure_at'),
  lockedUntil: instant('locked_until'),
});

/**
 * "Paiement suspendu": the service stops online payment for a while (maintenance of its
 * invoices, a run of bills being corrected), for one régie or all (regie_id NULL).
 */
export const onlinePaymentSuspension = pgTable('online_payment_suspension', {
  id: serial('id').primaryKey(),
  regieId: integer('regie_id').references(() => regie.id),
  startsAt: instant('starts_at').notNull(),
  /** NULL: until lifted. */
  endsAt: instant('ends_at'),
  reason: text('reason').notNull(),
  createdAt: createdAt(),
});
