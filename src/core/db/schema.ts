// The register's SQLite schema. drizzle-kit generates the SQL migrations in migrations/ from
// this file; hand-written SQL (FTS5 search, immutability triggers) lives in custom migrations.
// Money columns end in _cents and hold integers; instants are UTC ISO-8601 text; business dates
// are YYYY-MM-DD text.
import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const commune = sqliteTable('commune', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  addressLine: text('address_line').notNull(),
  postalCode: text('postal_code').notNull(),
  city: text('city').notNull(),
  siret: text('siret'),
  phone: text('phone'),
  portalUrl: text('portal_url'),
  demo: integer('demo', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
});

export const regie = sqliteTable(
  'regie',
  {
    id: integer('id').primaryKey(),
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
    /** JSON array of accepted payment modes (see shared/payment-modes). */
    acceptedModes: text('accepted_modes', { mode: 'json' }).$type<string[]>().notNull(),
    cashCeilingCents: integer('cash_ceiling_cents').notNull(),
    floatCents: integer('float_cents').notNull(),
    /** Who cheques are made out to, e.g. "Régie scolaire de Ville de Démo" or "DGFiP". */
    creditorLabel: text('creditor_label').notNull(),
    allowCredit: integer('allow_credit', { mode: 'boolean' }).notNull().default(true),
    allowDirectDebitPayment: integer('allow_direct_debit_payment', { mode: 'boolean' })
      .notNull()
      .default(false),
    /** Account at the Trésor (dépôt de fonds au Trésor) receiving the régie's deposits. */
    dftAccount: text('dft_account'),
    serviceName: text('service_name').notNull(),
    serviceAddress: text('service_address').notNull(),
    servicePhone: text('service_phone'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('regie_code_uq').on(t.code),
    check(
      'regie_numcli_ck',
      sql`${t.numcli} IS NULL OR ${t.numcli} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'`,
    ),
    check('regie_ceiling_ck', sql`${t.cashCeilingCents} >= 0 AND ${t.floatCents} >= 0`),
  ],
);

/** A counter (poste): one workstation, with its own receipt sequence. */
export const poste = sqliteTable(
  'poste',
  {
    id: integer('id').primaryKey(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('poste_code_uq').on(t.code)],
);

export const agent = sqliteTable(
  'agent',
  {
    id: integer('id').primaryKey(),
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['regisseur', 'suppleant', 'mandataire', 'controleur'] }).notNull(),
    /** scrypt$N$r$p$salt$hash, all base64. */
    passwordHash: text('password_hash').notNull(),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: text('locked_until'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agent_login_uq').on(t.login)],
);

export const family = sqliteTable(
  'family',
  {
    id: integer('id').primaryKey(),
    /** Public identifier printed on coupons ("code famille"). */
    code: text('code').notNull(),
    familyName: text('family_name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('family_code_uq').on(t.code)],
);

export const responsable = sqliteTable(
  'responsable',
  {
    id: integer('id').primaryKey(),
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

export const child = sqliteTable(
  'child',
  {
    id: integer('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    birthDate: text('birth_date').notNull(),
    school: text('school'),
  },
  (t) => [index('child_family_ix').on(t.familyId)],
);

/** A family's account with one régie: invoices and credits are kept per account. */
export const familyAccount = sqliteTable(
  'family_account',
  {
    id: integer('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    openedAt: createdAt(),
  },
  (t) => [uniqueIndex('family_account_uq').on(t.familyId, t.regieId)],
);

export const invoice = sqliteTable(
  'invoice',
  {
    id: integer('id').primaryKey(),
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
    issueDate: text('issue_date').notNull(),
    dueDate: text('due_date').notNull(),
    amountCents: integer('amount_cents').notNull(),
    /**
     * Sum of live allocations to this invoice. Maintained by the core in the same transaction
     * as every allocation or cancellation; checked against the ledger by the journal verifier.
     */
    paidCents: integer('paid_cents').notNull().default(0),
    /**
     * Part of paid_cents settled before or outside this register (history imported with the
     * invoice, demo data). Everything else in paid_cents is the sum of the invoice's allocations.
     */
    paidOutsideCents: integer('paid_outside_cents').notNull().default(0),
    /**
     * Part of paid_cents paid elsewhere since the invoice arrived, as last pulled from the portal:
     * other counters, online payments, and any change of the portal's outside part. The pull
     * recomputes it from the portal's figures minus this poste's own counter payments, so the
     * register's own ledger (acknowledged or not) always counts once.
     */
    remotePaidCents: integer('remote_paid_cents').notNull().default(0),
    /** PayFiP debt reference: 6 to 30 alphanumerics. */
    refdet: text('refdet').notNull(),
    /** Administrative status; what is shown is derived with invoiceState(). */
    status: text('status', { enum: ['emise', 'tresorerie', 'prelevement', 'annulee'] })
      .notNull()
      .default('emise'),
    source: text('source', { enum: ['demo', 'portal', 'import'] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invoice_number_uq').on(t.number),
    uniqueIndex('invoice_refdet_uq').on(t.refdet),
    index('invoice_family_regie_ix').on(t.familyId, t.regieId, t.dueDate),
    check('invoice_amount_ck', sql`${t.amountCents} > 0`),
    check('invoice_paid_ck', sql`${t.paidCents} >= 0`),
    check(
      'invoice_refdet_ck',
      sql`length(${t.refdet}) BETWEEN 6 AND 30 AND ${t.refdet} NOT GLOB '*[^A-Za-z0-9]*'`,
    ),
  ],
);

export const invoiceLine = sqliteTable(
  'invoice_line',
  {
    id: integer('id').primaryKey(),
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

/** Key/value settings of this installation (poste code, idle lock delay...). */
export const setting = sqliteTable('setting', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

// ---------------------------------------------------------------------------------------------
// Ledger: commands, payments, credit uses, cancellations, allocations, credit movements,
// receipt reprints. Every row is written once and never changed: SQLite triggers (custom
// migration "ledger_guards") refuse UPDATE and DELETE, and corrections are new rows. An
// allocation or credit movement names exactly one source (a payment, a credit use or a
// cancellation), so the paid amount of an invoice and the credit of a family are plain sums.
// ---------------------------------------------------------------------------------------------

/**
 * Every state-changing command carries a client-generated UUID. The first execution stores it
 * with a hash of its content; a replay with the same content returns the first result, a replay
 * with other content is refused. The primary key is what enforces it.
 */
export const command = sqliteTable('command', {
  commandId: text('command_id').primaryKey(),
  handler: text('handler').notNull(),
  /** SHA-256 of the canonical JSON of the arguments, commandId excluded. */
  requestHash: text('request_hash').notNull(),
  agentId: integer('agent_id').references(() => agent.id),
  createdAt: text('created_at').notNull(),
});

export const payment = sqliteTable(
  'payment',
  {
    /** Chosen by the core (max + 1 inside the write transaction) so the journal can name it. */
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    mode: text('mode', {
      enum: ['especes', 'cheque', 'carte', 'cesu', 'cheque_vacances', 'virement', 'payfip'],
    }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** Cash only: what the payer handed over, and the change given back. */
    tenderedCents: integer('tendered_cents'),
    changeCents: integer('change_cents'),
    /** Part of the amount put on the family's credit (avoir) for this régie. */
    creditCreatedCents: integer('credit_created_cents').notNull().default(0),
    /** Mode details (cheque bank/number/drawer/payee, terminal reference, titles...), JSON. */
    details: text('details').notNull(),
    /** Paris calendar year of the payment; the receipt sequence restarts each year. */
    receiptYear: integer('receipt_year').notNull(),
    receiptSeq: integer('receipt_seq').notNull(),
    /** R-<REGIE>-<POSTE>-<YYYY>-<NNNNNN>; kept by a cancellation. */
    receiptNumber: text('receipt_number').notNull(),
    recordedAt: text('recorded_at').notNull(),
    /** The journal entry written in the same transaction. */
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('payment_command_uq').on(t.commandId),
    uniqueIndex('payment_receipt_seq_uq').on(t.regieId, t.posteCode, t.receiptYear, t.receiptSeq),
    uniqueIndex('payment_receipt_number_uq').on(t.receiptNumber),
    uniqueIndex('payment_journal_uq').on(t.journalSeq),
    index('payment_family_regie_ix').on(t.familyId, t.regieId),
    check('payment_amount_ck', sql`${t.amountCents} > 0`),
    check(
      'payment_credit_ck',
      sql`${t.creditCreatedCents} >= 0 AND ${t.creditCreatedCents} <= ${t.amountCents}`,
    ),
    check(
      'payment_tendered_ck',
      sql`(${t.tenderedCents} IS NULL AND ${t.changeCents} IS NULL) OR (${t.tenderedCents} >= ${t.amountCents} AND ${t.changeCents} = ${t.tenderedCents} - ${t.amountCents})`,
    ),
    check('payment_seq_ck', sql`${t.receiptSeq} >= 1`),
  ],
);

/** Use of a family's existing credit to settle invoices of the same régie. */
export const creditUse = sqliteTable(
  'credit_use',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    amountCents: integer('amount_cents').notNull(),
    usedAt: text('used_at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('credit_use_command_uq').on(t.commandId),
    uniqueIndex('credit_use_journal_uq').on(t.journalSeq),
    index('credit_use_family_regie_ix').on(t.familyId, t.regieId),
    check('credit_use_amount_ck', sql`${t.amountCents} > 0`),
  ],
);

/**
 * The counter-entry of a payment or of a credit use. UNIQUE on each target means a payment
 * can be cancelled once only; a payment's receipt number is kept by its cancellation.
 */
export const cancellation = sqliteTable(
  'cancellation',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    paymentId: integer('payment_id').references(() => payment.id),
    creditUseId: integer('credit_use_id').references(() => creditUse.id),
    reason: text('reason').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    cancelledAt: text('cancelled_at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('cancellation_command_uq').on(t.commandId),
    uniqueIndex('cancellation_payment_uq').on(t.paymentId),
    uniqueIndex('cancellation_credit_use_uq').on(t.creditUseId),
    uniqueIndex('cancellation_journal_uq').on(t.journalSeq),
    check('cancellation_target_ck', sql`(${t.paymentId} IS NULL) <> (${t.creditUseId} IS NULL)`),
    check('cancellation_reason_ck', sql`length(trim(${t.reason})) >= 5`),
  ],
);

/**
 * Money put on one invoice by a payment or a credit use (positive), or taken back by a
 * cancellation (negative). invoice.paid_cents is the sum of an invoice's allocations: a trigger
 * keeps it in step on every insert, and journal.verify checks it.
 */
export const allocation = sqliteTable(
  'allocation',
  {
    id: integer('id').primaryKey(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    paymentId: integer('payment_id').references(() => payment.id),
    creditUseId: integer('credit_use_id').references(() => creditUse.id),
    cancellationId: integer('cancellation_id').references(() => cancellation.id),
    amountCents: integer('amount_cents').notNull(),
  },
  (t) => [
    index('allocation_invoice_ix').on(t.invoiceId),
    index('allocation_payment_ix').on(t.paymentId),
    index('allocation_credit_use_ix').on(t.creditUseId),
    index('allocation_cancellation_ix').on(t.cancellationId),
    check(
      'allocation_source_ck',
      sql`(${t.paymentId} IS NOT NULL) + (${t.creditUseId} IS NOT NULL) + (${t.cancellationId} IS NOT NULL) = 1`,
    ),
    check(
      'allocation_sign_ck',
      sql`CASE WHEN ${t.cancellationId} IS NULL THEN ${t.amountCents} > 0 ELSE ${t.amountCents} < 0 END`,
    ),
  ],
);

/**
 * A family's credit (avoir) with one régie is the sum of its movements: + from an overpayment
 * at the counter or from an online trop-perçu the régisseur turned into an avoir, - when used,
 * and the opposite of either when it is cancelled. Each movement has exactly one source.
 */
export const creditMovement = sqliteTable(
  'credit_movement',
  {
    id: integer('id').primaryKey(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    amountCents: integer('amount_cents').notNull(),
    paymentId: integer('payment_id').references(() => payment.id),
    creditUseId: integer('credit_use_id').references(() => creditUse.id),
    cancellationId: integer('cancellation_id').references(() => cancellation.id),
    onlineOverpaymentId: integer('online_overpayment_id').references(() => onlineOverpayment.id),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('credit_movement_family_regie_ix').on(t.familyId, t.regieId),
    uniqueIndex('credit_movement_online_overpayment_uq').on(t.onlineOverpaymentId),
    check('credit_movement_amount_ck', sql`${t.amountCents} <> 0`),
    check(
      'credit_movement_source_ck',
      sql`(${t.paymentId} IS NOT NULL) + (${t.creditUseId} IS NOT NULL) + (${t.cancellationId} IS NOT NULL) + (${t.onlineOverpaymentId} IS NOT NULL) = 1`,
    ),
  ],
);

/** Every reprint of a receipt: it is a DUPLICATA and leaves a journal entry. */
export const receiptReprint = sqliteTable(
  'receipt_reprint',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    paymentId: integer('payment_id')
      .notNull()
      .references(() => payment.id),
    receiptKind: text('receipt_kind', { enum: ['paiement', 'annulation'] }).notNull(),
    layout: text('layout', { enum: ['ticket', 'a5'] }).notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    issuedAt: text('issued_at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('receipt_reprint_command_uq').on(t.commandId),
    index('receipt_reprint_payment_ix').on(t.paymentId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Journals. Both are hash chains: hash = SHA-256(prev_hash + canonical content). The tip tables
// hold the last seq and hash outside the chain so that deleting the last entries is detected.
// Triggers refuse UPDATE/DELETE, refuse an insert that does not extend the tip, and move the tip.
// ---------------------------------------------------------------------------------------------

const journalColumns = () => ({
  seq: integer('seq').primaryKey(),
  /** UTC ISO instant. */
  instant: text('instant').notNull(),
  kind: text('kind').notNull(),
  agentId: integer('agent_id'),
  regieId: integer('regie_id'),
  posteCode: text('poste_code').notNull(),
  /** Canonical JSON: sorted keys, money as integer cents. */
  payload: text('payload').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

/** The business journal: payments, cancellations, reprints, credit uses, logins, settings. */
export const journalEntry = sqliteTable('journal_entry', journalColumns(), (t) => [
  index('journal_entry_kind_ix').on(t.kind, t.seq),
  index('journal_entry_instant_ix').on(t.instant),
  // Finds the last entry carrying a régie's perpetual grand totals without a scan.
  index('journal_entry_totals_ix')
    .on(t.regieId, t.seq)
    .where(sql`kind IN ('paiement', 'annulation')`),
]);

export const journalTip = sqliteTable(
  'journal_tip',
  {
    id: integer('id').primaryKey(),
    lastSeq: integer('last_seq').notNull(),
    lastHash: text('last_hash').notNull(),
  },
  (t) => [check('journal_tip_single_ck', sql`${t.id} = 1`)],
);

/** The technical events journal (JET): failed logins, lockouts, integrity checks, backups... */
export const techJournalEntry = sqliteTable('tech_journal_entry', journalColumns(), (t) => [
  index('tech_journal_entry_kind_ix').on(t.kind, t.seq),
  index('tech_journal_entry_instant_ix').on(t.instant),
]);

export const techJournalTip = sqliteTable(
  'tech_journal_tip',
  {
    id: integer('id').primaryKey(),
    lastSeq: integer('last_seq').notNull(),
    lastHash: text('last_hash').notNull(),
  },
  (t) => [check('tech_journal_tip_single_ck', sql`${t.id} = 1`)],
);

// ---------------------------------------------------------------------------------------------
// Till (caisse): sessions per poste, cash movements, closing differences, ceiling overrides and
// the link between a session and the payments and cancellations made while it was open.
// Closed sessions and everything attached to them are frozen by triggers (custom migration
// "till_guards"); the link rows are written by triggers on payment and cancellation, so the
// payment code does not need to know what a till is.
// ---------------------------------------------------------------------------------------------

export const tillSession = sqliteTable(
  'till_session',
  {
    id: integer('id').primaryKey(),
    /** The opening command. */
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    posteCode: text('poste_code').notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    openedAt: text('opened_at').notNull(),
    openedBy: integer('opened_by')
      .notNull()
      .references(() => agent.id),
    /** Float counted at opening, by denomination (JSON) and in total. */
    floatCounts: text('float_counts').notNull(),
    floatCountedCents: integer('float_counted_cents').notNull(),
    /** Configured float at opening, and what the previous closing left in the drawer. */
    floatExpectedCents: integer('float_expected_cents').notNull(),
    previousFloatLeftCents: integer('previous_float_left_cents'),
    openJournalSeq: integer('open_journal_seq').notNull(),
    closeCommandId: text('close_command_id').references(() => command.commandId),
    closedAt: text('closed_at'),
    closedBy: integer('closed_by').references(() => agent.id),
    /** Agent with 'validate' who approved differences above the tolerance, if any. */
    validatedBy: integer('validated_by').references(() => agent.id),
    /** Cash left in the drawer for the next opening: counted cash minus the session's takings. */
    floatLeftCents: integer('float_left_cents'),
    /** The closing (Z) journal entry, which carries every figure of the Z report. */
    closeJournalSeq: integer('close_journal_seq'),
  },
  (t) => [
    uniqueIndex('till_session_command_uq').on(t.commandId),
    uniqueIndex('till_session_close_command_uq').on(t.closeCommandId),
    // At most one open session per poste.
    uniqueIndex('till_session_open_uq')
      .on(t.posteCode)
      .where(sql`status = 'open'`),
    index('till_session_poste_ix').on(t.posteCode, t.id),
    check(
      'till_session_closed_ck',
      sql`(${t.status} = 'open' AND ${t.closedAt} IS NULL AND ${t.closeJournalSeq} IS NULL) OR (${t.status} = 'closed' AND ${t.closedAt} IS NOT NULL AND ${t.closeJournalSeq} IS NOT NULL AND ${t.closedBy} IS NOT NULL)`,
    ),
    check('till_session_float_ck', sql`${t.floatCountedCents} >= 0`),
  ],
);

/** A payment or a cancellation made while a session was open on the poste (written by trigger). */
export const tillLink = sqliteTable(
  'till_link',
  {
    id: integer('id').primaryKey(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => tillSession.id),
    paymentId: integer('payment_id').references(() => payment.id),
    cancellationId: integer('cancellation_id').references(() => cancellation.id),
  },
  (t) => [
    uniqueIndex('till_link_payment_uq').on(t.paymentId),
    uniqueIndex('till_link_cancellation_uq').on(t.cancellationId),
    index('till_link_session_ix').on(t.sessionId),
    check('till_link_target_ck', sql`(${t.paymentId} IS NULL) <> (${t.cancellationId} IS NULL)`),
  ],
);

/** Cash put in (apport, positive) or taken out (retrait, versement au comptable: negative). */
export const tillMovement = sqliteTable(
  'till_movement',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    sessionId: integer('session_id')
      .notNull()
      .references(() => tillSession.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    kind: text('kind', { enum: ['apport', 'retrait', 'versement'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    reason: text('reason').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    at: text('at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
    /**
     * Where the cash physically moves: the session's drawer ('tiroir'), or, for a versement
     * only, the safe ('coffre') holding the takings that earlier closings took out of the
     * drawer. A versement from the safe lowers the régie's cash held but not what the drawer
     * must hold at closing (trigger in migration "safe_versements").
     */
    source: text('source', { enum: ['tiroir', 'coffre'] })
      .notNull()
      .default('tiroir'),
  },
  (t) => [
    uniqueIndex('till_movement_command_uq').on(t.commandId),
    index('till_movement_session_ix').on(t.sessionId),
    index('till_movement_regie_ix').on(t.regieId, t.kind, t.at),
    check(
      'till_movement_sign_ck',
      sql`CASE WHEN ${t.kind} = 'apport' THEN ${t.amountCents} > 0 ELSE ${t.amountCents} < 0 END`,
    ),
    check('till_movement_reason_ck', sql`length(trim(${t.reason})) >= 5`),
  ],
);

/** A counting difference at closing (déficit negative, excédent positive), one per mode. */
export const tillDifference = sqliteTable(
  'till_difference',
  {
    id: integer('id').primaryKey(),
    sessionId: integer('session_id')
      .notNull()
      .references(() => tillSession.id),
    mode: text('mode', {
      enum: ['especes', 'cheque', 'carte', 'cesu', 'cheque_vacances'],
    }).notNull(),
    expectedCents: integer('expected_cents').notNull(),
    countedCents: integer('counted_cents').notNull(),
    differenceCents: integer('difference_cents').notNull(),
    reason: text('reason').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    validatedBy: integer('validated_by').references(() => agent.id),
    at: text('at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('till_difference_mode_uq').on(t.sessionId, t.mode),
    check(
      'till_difference_amount_ck',
      sql`${t.differenceCents} <> 0 AND ${t.differenceCents} = ${t.countedCents} - ${t.expectedCents}`,
    ),
    check('till_difference_reason_ck', sql`length(trim(${t.reason})) >= 5`),
  ],
);

/** The régisseur's permission to take cash above the ceiling, for one régie and one session. */
export const tillCeilingOverride = sqliteTable(
  'till_ceiling_override',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    sessionId: integer('session_id')
      .notNull()
      .references(() => tillSession.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    reason: text('reason').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    at: text('at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('till_ceiling_override_command_uq').on(t.commandId),
    index('till_ceiling_override_session_ix').on(t.sessionId, t.regieId),
    check('till_ceiling_override_reason_ck', sql`length(trim(${t.reason})) >= 5`),
  ],
);

/**
 * Daily, monthly and yearly closures per régie (NF525 model): the totals of the period and the
 * perpetual grand total, chained into the journal. UNIQUE per régie, kind and period: a period
 * is closed once.
 */
export const closure = sqliteTable(
  'closure',
  {
    id: integer('id').primaryKey(),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    kind: text('kind', { enum: ['jour', 'mois', 'annee'] }).notNull(),
    /** YYYY-MM-DD, YYYY-MM or YYYY (Paris calendar). */
    period: text('period').notNull(),
    /** The period as UTC instants, start included and end excluded (Paris midnights). */
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    /** Canonical JSON of the totals, as in the journal entry. */
    totals: text('totals').notNull(),
    /** Last journal entry the closure covers, and its hash. */
    lastCoveredSeq: integer('last_covered_seq').notNull(),
    lastCoveredHash: text('last_covered_hash').notNull(),
    agentId: integer('agent_id').references(() => agent.id),
    closedAt: text('closed_at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('closure_period_uq').on(t.regieId, t.kind, t.period),
    uniqueIndex('closure_journal_uq').on(t.journalSeq),
    index('closure_regie_end_ix').on(t.regieId, t.kind, t.periodEnd),
    check('closure_period_ck', sql`${t.periodStart} < ${t.periodEnd}`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Deposits to the comptable. A deposit slip (bordereau de remise) carries cheques, or CESU or
// chèques-vacances titles, of one régie: one draft per régie and kind, whose selection may be
// edited until it is validated; validation draws a gapless number per régie, kind and year,
// writes the items and freezes the slip (triggers, migration "deposit_guards"). A cash deposit
// (La Banque Postale sealed bags) is written once, with the versement it takes out of the till.
// ---------------------------------------------------------------------------------------------

export const depositSlip = sqliteTable(
  'deposit_slip',
  {
    id: integer('id').primaryKey(),
    /** The command that created the draft. */
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    kind: text('kind', { enum: ['cheque', 'cesu', 'cheque_vacances'] }).notNull(),
    status: text('status', { enum: ['draft', 'validated'] })
      .notNull()
      .default('draft'),
    /** Draft only: JSON array of the payment ids picked, in slip order. */
    selection: text('selection').notNull(),
    /** The "up to" date the draft was built with (YYYY-MM-DD, Paris), if any. */
    upToDate: text('up_to_date'),
    createdAt: text('created_at').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => agent.id),
    updatedAt: text('updated_at').notNull(),
    validateCommandId: text('validate_command_id').references(() => command.commandId),
    /** Paris year of the validation, and the gapless sequence within régie, kind and year. */
    year: integer('year'),
    seq: integer('seq'),
    /** e.g. B-SCO-2026-0001 (cheques), C-… (CESU), V-… (chèques-vacances). */
    number: text('number'),
    validatedAt: text('validated_at'),
    validatedBy: integer('validated_by').references(() => agent.id),
    itemCount: integer('item_count'),
    totalCents: integer('total_cents'),
    /** The validation entry of the operations journal. */
    journalSeq: integer('journal_seq'),
  },
  (t) => [
    uniqueIndex('deposit_slip_command_uq').on(t.commandId),
    uniqueIndex('deposit_slip_validate_command_uq').on(t.validateCommandId),
    uniqueIndex('deposit_slip_number_uq').on(t.number),
    uniqueIndex('deposit_slip_seq_uq').on(t.regieId, t.kind, t.year, t.seq),
    uniqueIndex('deposit_slip_draft_uq')
      .on(t.regieId, t.kind)
      .where(sql`status = 'draft'`),
    check(
      'deposit_slip_state_ck',
      sql`(${t.status} = 'draft' AND ${t.seq} IS NULL AND ${t.number} IS NULL AND ${t.validatedAt} IS NULL AND ${t.journalSeq} IS NULL) OR (${t.status} = 'validated' AND ${t.seq} >= 1 AND ${t.year} IS NOT NULL AND ${t.number} IS NOT NULL AND ${t.validatedAt} IS NOT NULL AND ${t.validatedBy} IS NOT NULL AND ${t.validateCommandId} IS NOT NULL AND ${t.itemCount} >= 1 AND ${t.totalCents} > 0 AND ${t.journalSeq} IS NOT NULL)`,
    ),
  ],
);

/** One cheque or title of a validated slip. UNIQUE payment: a cheque is deposited once. */
export const depositSlipItem = sqliteTable(
  'deposit_slip_item',
  {
    id: integer('id').primaryKey(),
    slipId: integer('slip_id')
      .notNull()
      .references(() => depositSlip.id),
    paymentId: integer('payment_id')
      .notNull()
      .references(() => payment.id),
    /** Position on the slip, from 1. */
    line: integer('line').notNull(),
    amountCents: integer('amount_cents').notNull(),
  },
  (t) => [
    uniqueIndex('deposit_slip_item_payment_uq').on(t.paymentId),
    uniqueIndex('deposit_slip_item_line_uq').on(t.slipId, t.line),
    check('deposit_slip_item_amount_ck', sql`${t.amountCents} > 0`),
  ],
);

/** Cash paid in at La Banque Postale in sealed bags: notes and coins in separate bags. */
export const cashDeposit = sqliteTable(
  'cash_deposit',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    sessionId: integer('session_id')
      .notNull()
      .references(() => tillSession.id),
    /** The versement movement that takes the cash out of the till, written with it. */
    movementId: integer('movement_id')
      .notNull()
      .references(() => tillMovement.id),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    /** e.g. E-SCO-2026-0001. */
    number: text('number').notNull(),
    /** JSON counts per denomination key (notes b500…b5, coins p200…p1). */
    notesCounts: text('notes_counts').notNull(),
    coinsCounts: text('coins_counts').notNull(),
    notesCents: integer('notes_cents').notNull(),
    coinsCents: integer('coins_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    /** Numbers printed on the sealed bags. */
    notesBag: text('notes_bag'),
    coinsBag: text('coins_bag'),
    depositedAt: text('deposited_at').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('cash_deposit_command_uq').on(t.commandId),
    uniqueIndex('cash_deposit_movement_uq').on(t.movementId),
    uniqueIndex('cash_deposit_number_uq').on(t.number),
    uniqueIndex('cash_deposit_seq_uq').on(t.regieId, t.year, t.seq),
    check(
      'cash_deposit_amount_ck',
      sql`${t.notesCents} >= 0 AND ${t.coinsCents} >= 0 AND ${t.totalCents} = ${t.notesCents} + ${t.coinsCents} AND ${t.totalCents} > 0`,
    ),
    check(
      'cash_deposit_bags_ck',
      sql`(${t.notesCents} > 0) = (${t.notesBag} IS NOT NULL) AND (${t.coinsCents} > 0) = (${t.coinsBag} IS NOT NULL)`,
    ),
    check('cash_deposit_seq_ck', sql`${t.seq} >= 1`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Synchronisation with the portal (src/portal/PROTOCOL.md). Triggers of migration "sync" fill
// the outbox in the same transaction as each ledger row the portal must know; the sync engine
// (core/sync) pushes it, then pulls the portal's change feed.
// ---------------------------------------------------------------------------------------------

/**
 * Operations waiting for the portal's acknowledgement. seq is AUTOINCREMENT: SQLite never hands
 * the same value out twice, even after the row is deleted, and a rolled-back insert gives its
 * number back, so the sequence has no gap and no reuse. The payload is not stored: it is built
 * at push time from the ledger row (entity_id), which triggers make immutable, so building it
 * later gives exactly what a snapshot taken now would hold.
 */
export const syncOutbox = sqliteTable(
  'sync_outbox',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    opId: text('op_id').notNull(),
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
    /** Id of the payment, cancellation, credit_use, closure, access_code or online_overpayment row. */
    entityId: integer('entity_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('sync_outbox_op_uq').on(t.opId)],
);

/** The one row of sync state: where the portal is, who we are to it, how the last try went. */
export const syncState = sqliteTable(
  'sync_state',
  {
    id: integer('id').primaryKey(),
    portalUrl: text('portal_url').notNull(),
    counterId: text('counter_id').notNull(),
    posteCode: text('poste_code').notNull(),
    /** The change feed cursor, stored in the same transaction as the page it ends. */
    cursor: text('cursor').notNull().default(''),
    enrolledAt: text('enrolled_at').notNull(),
    lastSuccessAt: text('last_success_at'),
    lastFailureAt: text('last_failure_at'),
    /** French, shown as is. */
    lastError: text('last_error'),
    /** Consecutive failures, for the exponential backoff. */
    failures: integer('failures').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
  },
  (t) => [check('sync_state_one_ck', sql`${t.id} = 1`)],
);

/** Operations the portal refused: "à traiter", never dropped, with the portal's reason. */
export const syncRejected = sqliteTable(
  'sync_rejected',
  {
    id: integer('id').primaryKey(),
    seq: integer('seq').notNull(),
    opId: text('op_id').notNull(),
    kind: text('kind').notNull(),
    entityId: integer('entity_id').notNull(),
    /** The payload as sent, JSON. */
    payload: text('payload').notNull(),
    code: text('code').notNull(),
    message: text('message').notNull(),
    rejectedAt: text('rejected_at').notNull(),
    /** Set when the régisseur has dealt with it; the row stays. */
    handledAt: text('handled_at'),
  },
  (t) => [uniqueIndex('sync_rejected_op_uq').on(t.opId)],
);

/**
 * What each pull changed in the register's own copy of portal data when the register held
 * something else (the portal wins for identity data): the discarded local state is kept here.
 */
export const syncOverwrite = sqliteTable(
  'sync_overwrite',
  {
    id: integer('id').primaryKey(),
    entity: text('entity').notNull(),
    key: text('key').notNull(),
    /** JSON of the local state that was replaced. */
    before: text('before').notNull(),
    /** JSON of the portal's state that replaced it. */
    after: text('after').notNull(),
    appliedAt: text('applied_at').notNull(),
  },
  (t) => [index('sync_overwrite_key_ix').on(t.entity, t.key)],
);

/**
 * The portal's entities the register does not merge into its own tables (online payments and
 * their locks, conflicts, accounts, other postes' payments and credit uses, access codes): kept
 * as the feed gives them, the full state of each (entity, key), replaced by each later change.
 */
export const syncMirror = sqliteTable(
  'sync_mirror',
  {
    entity: text('entity').notNull(),
    key: text('key').notNull(),
    /** JSON of the entity's full state; null when the portal deleted it. */
    data: text('data'),
    committedAt: text('committed_at').notNull(),
  },
  (t) => [uniqueIndex('sync_mirror_uq').on(t.entity, t.key)],
);

// ---------------------------------------------------------------------------------------------
// Family portal activation codes (issue 6). Only the SHA-256 of the code's normalised form is
// kept (shared/access-code.ts): the code itself is shown once and printed, never stored. Rows
// are written once (triggers of migration "access_codes" refuse UPDATE and DELETE); whether a
// code was replaced follows from a newer row for the same family, whether it expired from the
// clock, and whether the family activated it from the portal's access_code entity in
// sync_mirror. A trigger queues each row for the portal in the same transaction.
// ---------------------------------------------------------------------------------------------

export const accessCode = sqliteTable(
  'access_code',
  {
    id: integer('id').primaryKey(),
    /** The operation id sent to the portal (the issuing command's UUID, or a batch's draw). */
    ref: text('ref').notNull(),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    /** Lower-case hex SHA-256 of the normalised code. */
    codeSha256: text('code_sha256').notNull(),
    issuedAt: text('issued_at').notNull(),
    expiresAt: text('expires_at'),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    /** The coupon batch (its job id) that issued the code, if any. */
    batchRef: text('batch_ref'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('access_code_ref_uq').on(t.ref),
    uniqueIndex('access_code_sha256_uq').on(t.codeSha256),
    index('access_code_family_ix').on(t.familyId, t.issuedAt),
    check(
      'access_code_sha256_ck',
      sql`length(${t.codeSha256}) = 64 AND ${t.codeSha256} NOT GLOB '*[^0-9a-f]*'`,
    ),
    check('access_code_expiry_ck', sql`${t.expiresAt} IS NULL OR ${t.expiresAt} > ${t.issuedAt}`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Bank statements and reconciliation (issue 7, src/core/bank). An imported file, its statements
// and their lines are written once (triggers of migration "bank_statements" refuse UPDATE and
// DELETE); the same file (by SHA-256) is imported once. A match ties a statement line to what it
// confirms (online payments, a deposit slip, a cash deposit): rows of one decision share a
// group key, and undoing a decision is a new row in bank_unmatch naming that group, so the
// history of who matched what, and who undid it, stays whole.
// ---------------------------------------------------------------------------------------------

export const bankImport = sqliteTable(
  'bank_import',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    fileName: text('file_name').notNull(),
    /** Lower-case hex SHA-256 of the file's bytes: a file is imported once. */
    fileSha256: text('file_sha256').notNull(),
    format: text('format', { enum: ['cfonb120', 'camt053'] }).notNull(),
    statementCount: integer('statement_count').notNull(),
    lineCount: integer('line_count').notNull(),
    importedAt: text('imported_at').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('bank_import_command_uq').on(t.commandId),
    uniqueIndex('bank_import_sha256_uq').on(t.fileSha256),
    check(
      'bank_import_sha256_ck',
      sql`length(${t.fileSha256}) = 64 AND ${t.fileSha256} NOT GLOB '*[^0-9a-f]*'`,
    ),
  ],
);

export const bankStatement = sqliteTable(
  'bank_statement',
  {
    id: integer('id').primaryKey(),
    importId: integer('import_id')
      .notNull()
      .references(() => bankImport.id),
    /** Position in the file, from 1. */
    rank: integer('rank').notNull(),
    /** CFONB account number (11 characters) or the camt IBAN. */
    account: text('account').notNull(),
    bankCode: text('bank_code'),
    branchCode: text('branch_code'),
    currency: text('currency').notNull(),
    /** The régie whose DFT account this is, when one is recognised. */
    regieId: integer('regie_id').references(() => regie.id),
    openingDate: text('opening_date').notNull(),
    openingCents: integer('opening_cents').notNull(),
    closingDate: text('closing_date').notNull(),
    closingCents: integer('closing_cents').notNull(),
  },
  (t) => [
    uniqueIndex('bank_statement_rank_uq').on(t.importId, t.rank),
    index('bank_statement_account_ix').on(t.account, t.closingDate),
  ],
);

export const bankLine = sqliteTable(
  'bank_line',
  {
    id: integer('id').primaryKey(),
    statementId: integer('statement_id')
      .notNull()
      .references(() => bankStatement.id),
    /** Line number in the file (CFONB) or entry rank in the statement (camt). */
    sourceLine: integer('source_line').notNull(),
    bookingDate: text('booking_date').notNull(),
    valueDate: text('value_date'),
    /** Signed: positive is money in (a credit). */
    amountCents: integer('amount_cents').notNull(),
    label: text('label').notNull(),
    reference: text('reference'),
    entryNumber: text('entry_number'),
    operationCode: text('operation_code'),
    /** JSON array of { qualifier, text }: CFONB 05 records or camt remittance information. */
    complements: text('complements').notNull(),
  },
  (t) => [
    index('bank_line_statement_ix').on(t.statementId),
    index('bank_line_amount_ix').on(t.amountCents, t.bookingDate),
  ],
);

export const bankMatch = sqliteTable(
  'bank_match',
  {
    id: integer('id').primaryKey(),
    lineId: integer('line_id')
      .notNull()
      .references(() => bankLine.id),
    targetKind: text('target_kind', {
      enum: ['paiement_en_ligne', 'bordereau', 'depot_especes'],
    }).notNull(),
    /** Online payment ref (portal UUID), deposit slip id or cash deposit id, as text. */
    targetKey: text('target_key').notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** Rows written by one decision share it: 'import:<id>' or the manual command's id. */
    groupKey: text('group_key').notNull(),
    origin: text('origin', { enum: ['auto', 'manuel'] }).notNull(),
    createdAt: text('created_at').notNull(),
    agentId: integer('agent_id').references(() => agent.id),
    journalSeq: integer('journal_seq'),
  },
  (t) => [
    index('bank_match_line_ix').on(t.lineId),
    index('bank_match_target_ix').on(t.targetKind, t.targetKey),
    index('bank_match_group_ix').on(t.groupKey),
  ],
);

export const bankUnmatch = sqliteTable(
  'bank_unmatch',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    groupKey: text('group_key').notNull(),
    lineId: integer('line_id')
      .notNull()
      .references(() => bankLine.id),
    reason: text('reason').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    at: text('at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('bank_unmatch_command_uq').on(t.commandId),
    uniqueIndex('bank_unmatch_group_uq').on(t.groupKey),
    check('bank_unmatch_reason_ck', sql`length(trim(${t.reason})) >= 5`),
  ],
);

/**
 * The régisseur's decision on an online payment that arrived for an invoice already settled at
 * the counter (trop-perçu): an avoir for the family or a refund request. One decision per
 * online payment, written once.
 */
export const onlineOverpayment = sqliteTable(
  'online_overpayment',
  {
    id: integer('id').primaryKey(),
    commandId: text('command_id')
      .notNull()
      .references(() => command.commandId),
    /** The portal's online payment ref (UUID). */
    onlinePaymentRef: text('online_payment_ref').notNull(),
    invoiceId: integer('invoice_id')
      .notNull()
      .references(() => invoice.id),
    familyId: integer('family_id')
      .notNull()
      .references(() => family.id),
    regieId: integer('regie_id')
      .notNull()
      .references(() => regie.id),
    resolution: text('resolution', { enum: ['avoir', 'remboursement'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    reason: text('reason').notNull(),
    agentId: integer('agent_id')
      .notNull()
      .references(() => agent.id),
    posteCode: text('poste_code').notNull(),
    resolvedAt: text('resolved_at').notNull(),
    journalSeq: integer('journal_seq').notNull(),
  },
  (t) => [
    uniqueIndex('online_overpayment_command_uq').on(t.commandId),
    uniqueIndex('online_overpayment_ref_uq').on(t.onlinePaymentRef),
    check('online_overpayment_amount_ck', sql`${t.amountCents} > 0`),
    check('online_overpayment_reason_ck', sql`length(trim(${t.reason})) >= 5`),
  ],
);
