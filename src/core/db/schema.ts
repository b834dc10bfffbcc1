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
    check('regie_numcli_ck', sql`${t.numcli} IS NULL OR ${t.numcli} GLOB '[0-9][0-9][0-9][0-9][0-9][0-9]'`),
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
    updatedAt: createdAt().$onUpdate(() => new Date().toISOString()),
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
    /** PayFiP debt reference: 6 to 30 alphanumerics. */
    refdet: text('refdet').notNull(),
    /** Administrative status; what is shown is derived with invoiceState(). */
    status: text('status', { enum: ['emise', 'tresorerie', 'prelevement', 'annulee'] })
      .notNull()
      .default('emise'),
    source: text('source', { enum: ['demo', 'portal', 'import'] }).notNull(),
    createdAt: createdAt(),
    updatedAt: createdAt().$onUpdate(() => new Date().toISOString()),
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
