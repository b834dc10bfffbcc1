// The demo commune: "Ville de Démo", three régies, two counters, four agents and as many
// families as asked, with six months of invoices. Everything is drawn from a seeded generator
// and every timestamp is derived from `today`, so the same seed, size and date always give the
// same database, byte for byte (agents' password hashes excepted: their salts are random on
// purpose). The same code builds the 300-family demo and the 100,000-family benchmark base, so
// it writes with prepared statements in a few large transactions.
import type Database from 'better-sqlite3';
import { foldText } from '../../shared/text';
import type { Role } from '../../shared/roles';
import type { InvoiceStatus } from '../../shared/invoice-state';
import { hashPassword } from '../auth/passwords';
import { createRng, type Rng } from '../../shared/demo/prng';
import {
  demoCommune,
  demoPostes,
  demoRegies,
  invoiceNumber,
  invoiceRefdet,
  type RegieCode,
} from '../../shared/demo/commune';
import {
  boyFirstNames,
  colleges,
  creches,
  elementaires,
  familyNames,
  featuredFamilyNames,
  femaleFirstNames,
  frenchMonthsUpper,
  girlFirstNames,
  maleFirstNames,
  maternelles,
  towns,
} from '../../shared/demo/word-lists';

/** Bumped whenever the generated content changes, so cached benchmark bases are rebuilt. */
export const GENERATOR_VERSION = 1;

export const DEFAULT_DEMO_FAMILIES = 300;
export const DEFAULT_DEMO_SEED = 20_260_301;

export interface DemoAgent {
  login: string;
  password: string;
  role: Role;
  displayName: string;
}

/** The demo's agents. Their passwords are public: they are printed in the README. */
export const demoAgents: readonly DemoAgent[] = [
  {
    login: 'regisseur',
    password: 'demo-regisseur',
    role: 'regisseur',
    displayName: 'Claire Morel',
  },
  {
    login: 'suppleant',
    password: 'demo-suppleant',
    role: 'suppleant',
    displayName: 'Thomas Girard',
  },
  {
    login: 'mandataire',
    password: 'demo-mandataire',
    role: 'mandataire',
    displayName: 'Nadia Benali',
  },
  {
    login: 'controleur',
    password: 'demo-controleur',
    role: 'controleur',
    displayName: 'Paul Lambert',
  },
];

export interface DemoOptions {
  families: number;
  seed: number;
  /** The business date the demo is generated for (YYYY-MM-DD): invoices cover the 6 months before. */
  today: string;
}

export interface DemoSummary {
  families: number;
  responsables: number;
  children: number;
  invoices: number;
  invoiceLines: number;
}

// ---------------------------------------------------------------------------------------------
// Calendar helpers. Business dates are calendar dates, so all arithmetic is done in UTC.

function parseDate(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`Date attendue au format AAAA-MM-JJ : ${iso}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

const DAY_MS = 86_400_000;

function formatDateMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The 5th of the month after the period, moved to the Monday when it falls on a weekend. */
function issueDateOf(year: number, month: number): number {
  let ms = Date.UTC(year, month + 1, 5);
  const dow = new Date(ms).getUTCDay();
  if (dow === 6) ms += 2 * DAY_MS;
  else if (dow === 0) ms += DAY_MS;
  return ms;
}

// Rough French calendar per month (January first), good enough to make plausible quantities:
// days with a school canteen (4-day week), school Wednesdays, weekdays of school holidays
// (accueil de loisirs), and days the crèche is open.
const SCHOOL_DAYS = [16, 12, 15, 11, 12, 16, 3, 0, 15, 12, 14, 11];
const WEDNESDAYS = [4, 3, 4, 2, 4, 4, 1, 0, 4, 3, 4, 3];
const HOLIDAY_DAYS = [2, 8, 0, 8, 2, 0, 17, 18, 0, 8, 1, 7];
const CRECHE_DAYS = [21, 20, 21, 20, 18, 21, 21, 5, 21, 22, 19, 16];
/** Swimming school is billed per term, at the start of each term. */
const SWIM_TERM_MONTHS = new Set([8, 0, 3]);
/** Sports camps run during these holidays. */
const CAMP_MONTHS = new Set([1, 3, 6, 9]);

// Prices by quotient familial bracket (1 = lowest income), in cents.
const PRICE = {
  meal: [95, 180, 265, 350, 420, 480],
  morning: [90, 120, 150, 180, 200, 220],
  evening: [120, 160, 200, 240, 270, 300],
  leisureDay: [400, 700, 1000, 1300, 1600, 1900],
  crecheHour: [45, 90, 140, 200, 260, 320],
  swimTerm: [3500, 4500, 5500, 6500, 7500, 8500],
  camp: [4000, 5500, 7000, 8000, 9000, 9500],
} as const;

// ---------------------------------------------------------------------------------------------
// The in-memory model built in the first pass and billed in the second.

type PayerProfile = 'regular' | 'late' | 'direct_debit';

interface ChildPlan {
  id: number;
  firstName: string;
  canteen: number; // share of school days, 0 when not at the canteen
  morning: number;
  evening: number;
  wednesday: number;
  holidays: number;
  crecheHours: number; // hours per month at full opening, 0 when not in the crèche
  swim: boolean;
  camps: boolean;
}

interface FamilyPlan {
  id: number;
  bracket: number; // 0..5
  profile: PayerProfile;
  children: ChildPlan[];
}

interface LineDraft {
  label: string;
  childId: number;
  quantity: number;
  unitPriceCents: number;
}

function pickTown(rng: Rng) {
  return rng.weighted(towns.map((t) => [t, t.weight] as const));
}

function emailOf(rng: Rng, firstName: string, lastName: string): string {
  const local = `${foldText(firstName).replace(/ /g, '-')}.${foldText(lastName).replace(/ /g, '-')}`;
  const suffix = rng.chance(0.3) ? String(rng.int(1, 99)) : '';
  // Reserved example domains: no demo e-mail can ever reach a real mailbox.
  return `${local}${suffix}@${rng.pick(['example.org', 'example.net', 'example.com'])}`;
}

function fictionPhone(rng: Rng, prefix: '06 39 98' | '02 61 91'): string {
  const two = () => String(rng.int(0, 99)).padStart(2, '0');
  return `${prefix} ${two()} ${two()}`;
}

/**
 * Code famille: the first three letters of the family name (accents dropped, padded with X)
 * and a number that is unique on its own, e.g. "LEF-48213". The number walks a permutation of
 * 0..10^w-1 (multiplying by a prime coprime to 10), so codes look scattered but never collide.
 */
function familyCode(familyName: string, index: number, offset: number, width: number): string {
  const letters = foldText(familyName)
    .replace(/[^a-z]/g, '')
    .toUpperCase()
    .slice(0, 3)
    .padEnd(3, 'X');
  const mod = 10 ** width;
  const n = (index * 7919 + offset) % mod;
  return `${letters}-${String(n).padStart(width, '0')}`;
}

// The order in which activities are named in an invoice label, whatever order they were billed.
const KIND_ORDER = [
  'CANTINE',
  'GARDERIE',
  'ACCUEIL DE LOISIRS',
  'ACCUEIL PETITE ENFANCE',
  'ÉCOLE DE NATATION',
  'STAGES SPORTIFS',
];

/** ["CANTINE", "GARDERIE"] -> "CANTINE ET GARDERIE". */
function joinKinds(kinds: Iterable<string>): string {
  const sorted = [...kinds].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
  if (sorted.length <= 1) return sorted[0] ?? '';
  return `${sorted.slice(0, -1).join(', ')} ET ${sorted[sorted.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------

export async function generateDemo(
  sqlite: Database.Database,
  opts: DemoOptions,
): Promise<DemoSummary> {
  if (!Number.isInteger(opts.families) || opts.families < 1 || opts.families > 999_999) {
    throw new RangeError(`Nombre de familles invalide : ${opts.families}`);
  }
  parseDate(opts.today);
  const existing = sqlite.prepare('SELECT count(*) AS n FROM commune').get() as { n: number };
  if (existing.n > 0) throw new Error('La base contient déjà une commune : démo non générée.');
  // Hashing is deliberately slow (scrypt), so the four demo passwords are hashed once here,
  // before the synchronous bulk writes, and never per family.
  const hashes = await Promise.all(demoAgents.map((a) => hashPassword(a.password)));

  const previous = {
    synchronous: sqlite.pragma('synchronous', { simple: true }) as number,
    cacheSize: sqlite.pragma('cache_size', { simple: true }) as number,
  };
  // Nothing of the demo is worth a power-cut guarantee while it is being written: the file is
  // useless until generation ends anyway. The ledger's settings come back in `finally`.
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  try {
    return writeDemo(sqlite, opts, hashes);
  } finally {
    sqlite.pragma(`cache_size = ${previous.cacheSize}`);
    sqlite.pragma(`synchronous = ${previous.synchronous}`);
  }
}

function writeDemo(sqlite: Database.Database, opts: DemoOptions, hashes: string[]): DemoSummary {
  const rng = createRng(opts.seed);
  const todayMs = parseDate(opts.today);
  // Rows are stamped with the demo's date, never the clock, so the content stays reproducible.
  const createdAt = `${opts.today}T07:00:00.000Z`;

  const regieIds = new Map<RegieCode, number>();
  const plans: FamilyPlan[] = [];
  const summary: DemoSummary = {
    families: 0,
    responsables: 0,
    children: 0,
    invoices: 0,
    invoiceLines: 0,
  };

  sqlite.transaction(() => {
    const communeId = Number(
      sqlite
        .prepare(
          `INSERT INTO commune (name, address_line, postal_code, city, siret, phone, portal_url, demo, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
        )
        .run(
          demoCommune.name,
          demoCommune.addressLine,
          demoCommune.postalCode,
          demoCommune.city,
          demoCommune.siret,
          demoCommune.phone,
          demoCommune.portalUrl,
          createdAt,
        ).lastInsertRowid,
    );
    const insertRegie = sqlite.prepare(
      `INSERT INTO regie (commune_id, code, name, numcli, payfip_saisie, accepted_modes,
         cash_ceiling_cents, float_cents, creditor_label, allow_credit, allow_direct_debit_payment,
         dft_account, service_name, service_address, service_phone, created_at)
       VALUES (?, ?, ?, ?, 'T', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const r of demoRegies) {
      const id = insertRegie.run(
        communeId,
        r.code,
        r.name,
        r.numcli,
        JSON.stringify(r.acceptedModes),
        r.cashCeilingCents,
        r.floatCents,
        `${r.name} de ${demoCommune.name}`,
        r.allowCredit ? 1 : 0,
        r.allowDirectDebitPayment ? 1 : 0,
        r.dftAccount,
        r.serviceName,
        r.serviceAddress,
        r.servicePhone,
        createdAt,
      ).lastInsertRowid;
      regieIds.set(r.code, Number(id));
    }
    const insertPoste = sqlite.prepare(
      'INSERT OR IGNORE INTO poste (code, name, created_at) VALUES (?, ?, ?)',
    );
    for (const p of demoPostes) insertPoste.run(p.code, p.name, createdAt);
    const insertAgent = sqlite.prepare(
      'INSERT INTO agent (login, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    demoAgents.forEach((a, i) =>
      insertAgent.run(a.login, a.displayName, a.role, hashes[i], createdAt),
    );

    const firstFamilyId =
      (sqlite.prepare('SELECT coalesce(max(id), 0) AS n FROM family').get() as { n: number }).n + 1;
    withoutSearchTriggers(sqlite, firstFamilyId, () =>
      writeFamilies(sqlite, rng, opts, todayMs, createdAt, regieIds, plans, summary),
    );
  })();

  writeInvoices(sqlite, rng, todayMs, regieIds, plans, summary);
  return summary;
}

// The search triggers of migration 0001 rewrite a family's FTS row on every responsable and
// child inserted, which costs more than all the other writes of a 100,000-family demo together.
// Inside the generation's transaction they are dropped, the index rows are written once with
// the same expressions as the triggers, and the triggers are re-created from their stored SQL,
// so the schema is unchanged and a failure rolls everything back. A test checks that the rows
// written here equal what the triggers produce.
const SEARCH_INSERT_TRIGGERS = [
  'family_search_family_ai',
  'family_search_resp_ai',
  'family_search_child_ai',
] as const;

function withoutSearchTriggers(
  sqlite: Database.Database,
  firstFamilyId: number,
  write: () => void,
) {
  const triggers = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${SEARCH_INSERT_TRIGGERS.map(() => '?').join(', ')}) ORDER BY name`,
    )
    .all(...SEARCH_INSERT_TRIGGERS) as { name: string; sql: string }[];
  if (triggers.length !== SEARCH_INSERT_TRIGGERS.length) {
    // A later migration reshaped the search index: let its triggers do the work, slowly.
    write();
    return;
  }
  for (const t of triggers) sqlite.exec(`DROP TRIGGER ${t.name}`);
  write();
  sqlite
    .prepare(
      `INSERT INTO family_search (rowid, code, names, children)
       SELECT f.id, f.code,
         f.family_name || ' ' || coalesce((SELECT group_concat(last_name || ' ' || first_name, ' ') FROM responsable WHERE family_id = f.id), ''),
         coalesce((SELECT group_concat(first_name || ' ' || last_name, ' ') FROM child WHERE family_id = f.id), '')
       FROM family f WHERE f.id >= ?`,
    )
    .run(firstFamilyId);
  for (const t of triggers) sqlite.exec(t.sql);
}

function writeFamilies(
  sqlite: Database.Database,
  rng: Rng,
  opts: DemoOptions,
  todayMs: number,
  createdAt: string,
  regieIds: Map<RegieCode, number>,
  plans: FamilyPlan[],
  summary: DemoSummary,
): void {
  const insertFamily = sqlite.prepare(
    'INSERT INTO family (id, code, family_name, created_at) VALUES (?, ?, ?, ?)',
  );
  const insertResponsable = sqlite.prepare(
    `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1,
       address_line2, postal_code, city, email, phone_mobile, phone_home, phone_work)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertChild = sqlite.prepare(
    'INSERT INTO child (id, family_id, first_name, last_name, birth_date, school) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAccount = sqlite.prepare(
    'INSERT INTO family_account (family_id, regie_id, created_at) VALUES (?, ?, ?)',
  );

  const maxIds = sqlite
    .prepare(
      'SELECT (SELECT coalesce(max(id), 0) FROM family) AS f, (SELECT coalesce(max(id), 0) FROM child) AS c',
    )
    .get() as { f: number; c: number };
  let childId = maxIds.c;
  const width = Math.max(5, String(opts.families - 1).length);
  const codeOffset = rng.int(0, 10 ** width - 1);
  // Each family is tied to one school sector so siblings go to the same schools.
  const schoolSectors = maternelles.length;

  for (let i = 0; i < opts.families; i++) {
    const familyId = maxIds.f + i + 1;
    const featured = featuredFamilyNames[i];
    const familyName = featured ?? rng.pick(familyNames);
    const code = familyCode(familyName, i, codeOffset, width);
    insertFamily.run(familyId, code, familyName, createdAt);
    summary.families++;

    // Responsables: a couple most of the time, otherwise a parent alone (more often a mother).
    const couple = rng.chance(0.7);
    const firstIsWoman = couple ? rng.chance(0.5) : rng.chance(0.8);
    const town = pickTown(rng);
    const addressLine1 = `${rng.int(1, 120)}${rng.chance(0.08) ? ' bis' : ''} ${rng.pick(town.streets)}`;
    const addressLine2 = rng.chance(0.12)
      ? `Bâtiment ${rng.pick(['A', 'B', 'C'])}, appartement ${rng.int(1, 40)}`
      : null;
    const people: { woman: boolean; lastName: string }[] = [
      { woman: firstIsWoman, lastName: familyName },
    ];
    if (couple) {
      const woman = rng.chance(0.92) ? !firstIsWoman : firstIsWoman;
      people.push({ woman, lastName: rng.chance(0.65) ? familyName : rng.pick(familyNames) });
    }
    let previousFirstName = '';
    people.forEach((p, rank) => {
      let firstName = rng.pick(p.woman ? femaleFirstNames : maleFirstNames);
      if (firstName === previousFirstName) {
        const list = p.woman ? femaleFirstNames : maleFirstNames;
        firstName = list[(list.indexOf(firstName as never) + 1) % list.length] ?? firstName;
      }
      previousFirstName = firstName;
      insertResponsable.run(
        familyId,
        rank + 1,
        p.woman ? 'Mme' : 'M.',
        p.lastName,
        firstName,
        addressLine1,
        addressLine2,
        town.postalCode,
        town.name,
        rng.chance(0.88) ? emailOf(rng, firstName, p.lastName) : null,
        rng.chance(0.92) ? fictionPhone(rng, '06 39 98') : null,
        rng.chance(0.2) ? fictionPhone(rng, '02 61 91') : null,
        rng.chance(0.1) ? fictionPhone(rng, '02 61 91') : null,
      );
      summary.responsables++;
    });

    // Children: ages from a few months to 14 years, siblings one to four years apart.
    const wanted = rng.weighted([
      [1, 35],
      [2, 40],
      [3, 18],
      [4, 7],
    ] as const);
    const sector = rng.int(0, schoolSectors - 1);
    const plan: FamilyPlan = {
      id: familyId,
      bracket: rng.weighted([
        [0, 10],
        [1, 18],
        [2, 24],
        [3, 22],
        [4, 16],
        [5, 10],
      ] as const),
      profile: rng.weighted([
        ['regular', 68],
        ['late', 20],
        ['direct_debit', 12],
      ] as const),
      children: [],
    };
    let ageDays = rng.int(180, 12 * 365);
    const used = new Set<string>();
    for (let c = 0; c < wanted && ageDays >= 90; c++) {
      const girl = rng.chance(0.5);
      let firstName = rng.pick(girl ? girlFirstNames : boyFirstNames);
      if (used.has(firstName)) firstName = rng.pick(girl ? girlFirstNames : boyFirstNames);
      if (used.has(firstName)) break;
      used.add(firstName);
      const years = ageDays / 365.25;
      let school: string | null = null;
      const child: ChildPlan = {
        id: ++childId,
        firstName,
        canteen: 0,
        morning: 0,
        evening: 0,
        wednesday: 0,
        holidays: 0,
        crecheHours: 0,
        swim: false,
        camps: false,
      };
      if (years < 3) {
        if (rng.chance(0.8)) {
          school = creches[sector % creches.length] ?? null;
          child.crecheHours = rng.pick([40, 60, 80, 100, 120, 140, 160, 180]);
        }
      } else if (years < 11) {
        school = (years < 6 ? maternelles : elementaires)[sector] ?? null;
        if (rng.chance(0.85)) child.canteen = 0.6 + rng.next() * 0.4;
        if (rng.chance(0.3)) child.morning = 0.3 + rng.next() * 0.7;
        if (rng.chance(0.4)) child.evening = 0.3 + rng.next() * 0.7;
        if (rng.chance(0.45)) child.wednesday = 0.5 + rng.next() * 0.5;
        if (rng.chance(0.4)) child.holidays = 0.3 + rng.next() * 0.6;
      } else {
        school = colleges[0];
      }
      if (years >= 5 && years < 15) {
        child.swim = rng.chance(0.3);
        child.camps = rng.chance(0.2);
      }
      insertChild.run(
        child.id,
        familyId,
        firstName,
        familyName,
        formatDateMs(todayMs - ageDays * DAY_MS),
        school,
      );
      summary.children++;
      plan.children.push(child);
      ageDays -= rng.int(365, 4 * 365);
    }

    const uses = {
      SCO: plan.children.some(
        (c) => c.canteen + c.morning + c.evening + c.wednesday + c.holidays > 0,
      ),
      PEN: plan.children.some((c) => c.crecheHours > 0),
      SPO: plan.children.some((c) => c.swim || c.camps),
    };
    for (const r of demoRegies) {
      if (uses[r.code]) insertAccount.run(familyId, regieIds.get(r.code), createdAt);
    }
    plans.push(plan);
  }
}

/**
 * The separate invoices each régie issues per family and month: the school régie bills meals
 * and before/after-school care on one invoice and the leisure centre on another, as many
 * communes do because the two are run by different services.
 */
type BillingStream = 'repas' | 'loisirs' | 'creche' | 'sport';

const STREAMS: readonly { regie: RegieCode; stream: BillingStream }[] = [
  { regie: 'SCO', stream: 'repas' },
  { regie: 'SCO', stream: 'loisirs' },
  { regie: 'PEN', stream: 'creche' },
  { regie: 'SPO', stream: 'sport' },
];

function billLines(
  plan: FamilyPlan,
  stream: BillingStream,
  month: number,
  rng: Rng,
): { kinds: Set<string>; lines: LineDraft[] } {
  const b = plan.bracket;
  const kinds = new Set<string>();
  const lines: LineDraft[] = [];
  const add = (kind: string, label: string, childId: number, quantity: number, unit: number) => {
    if (quantity <= 0) return;
    kinds.add(kind);
    lines.push({ label, childId, quantity, unitPriceCents: unit });
  };
  const days = (base: number, share: number) =>
    share > 0 && base > 0 ? Math.max(0, Math.round(base * share) + rng.int(-1, 1)) : 0;
  for (const c of plan.children) {
    if (stream === 'repas') {
      add(
        'CANTINE',
        'Repas de cantine',
        c.id,
        days(SCHOOL_DAYS[month] ?? 0, c.canteen),
        PRICE.meal[b] ?? 0,
      );
      add(
        'GARDERIE',
        'Garderie du matin',
        c.id,
        days(SCHOOL_DAYS[month] ?? 0, c.morning),
        PRICE.morning[b] ?? 0,
      );
      add(
        'GARDERIE',
        'Garderie du soir',
        c.id,
        days(SCHOOL_DAYS[month] ?? 0, c.evening),
        PRICE.evening[b] ?? 0,
      );
    } else if (stream === 'loisirs') {
      add(
        'ACCUEIL DE LOISIRS',
        'Accueil de loisirs (mercredi)',
        c.id,
        days(WEDNESDAYS[month] ?? 0, c.wednesday),
        PRICE.leisureDay[b] ?? 0,
      );
      add(
        'ACCUEIL DE LOISIRS',
        'Accueil de loisirs (vacances)',
        c.id,
        days(HOLIDAY_DAYS[month] ?? 0, c.holidays),
        PRICE.leisureDay[b] ?? 0,
      );
    } else if (stream === 'creche' && c.crecheHours > 0) {
      const hours = Math.round((c.crecheHours * (CRECHE_DAYS[month] ?? 0)) / 21) + rng.int(-4, 4);
      add(
        'ACCUEIL PETITE ENFANCE',
        'Accueil en crèche (heures)',
        c.id,
        hours,
        PRICE.crecheHour[b] ?? 0,
      );
      if (rng.chance(0.1)) {
        add(
          'ACCUEIL PETITE ENFANCE',
          'Heures complémentaires',
          c.id,
          rng.int(1, 8),
          PRICE.crecheHour[b] ?? 0,
        );
      }
    } else if (stream === 'sport') {
      if (c.swim && SWIM_TERM_MONTHS.has(month)) {
        add('ÉCOLE DE NATATION', 'École de natation (trimestre)', c.id, 1, PRICE.swimTerm[b] ?? 0);
      }
      if (c.camps && CAMP_MONTHS.has(month) && rng.chance(0.6)) {
        add('STAGES SPORTIFS', 'Stage multisports (5 jours)', c.id, 1, PRICE.camp[b] ?? 0);
      }
    }
  }
  return { kinds, lines };
}

interface Settlement {
  status: InvoiceStatus;
  paidCents: number;
}

/**
 * What happened to an invoice before the demo's `today`. These amounts are "reprise de
 * l'historique": like a commune migrating from older software, the demo imports past
 * settlements as amounts paid outside this register (paid_outside_cents, which the journal
 * verifier accepts in paid_cents beside allocations) rather than as payments with receipts,
 * journal entries and till sessions it never saw.
 */
function settle(
  rng: Rng,
  plan: FamilyPlan,
  regie: RegieCode,
  amount: number,
  dueMs: number,
  todayMs: number,
): Settlement {
  if (rng.chance(0.015)) return { status: 'annulee', paidCents: 0 };
  const overdueDays = Math.floor((todayMs - dueMs) / DAY_MS);
  const partial = () => {
    const euros = Math.floor(amount / 100);
    const paid = Math.max(1, Math.round(euros * (0.2 + rng.next() * 0.6))) * 100;
    return paid < amount ? paid : Math.floor(amount / 2);
  };
  if (plan.profile === 'direct_debit' && regie !== 'SPO') {
    if (overdueDays < 0) return { status: 'prelevement', paidCents: 0 };
    // A debit is rarely rejected; the invoice then goes back to an ordinary one to pay.
    return rng.chance(0.97)
      ? { status: 'prelevement', paidCents: amount }
      : { status: 'emise', paidCents: 0 };
  }
  const late = plan.profile === 'late';
  if (overdueDays < 0) {
    const r = rng.next();
    if (r < (late ? 0.1 : 0.35)) return { status: 'emise', paidCents: amount };
    if (r < (late ? 0.18 : 0.4)) return { status: 'emise', paidCents: partial() };
    return { status: 'emise', paidCents: 0 };
  }
  const r = rng.next();
  if (r < (late ? 0.55 : 0.93)) return { status: 'emise', paidCents: amount };
  const paid = r < (late ? 0.72 : 0.96) ? partial() : 0;
  // Past 60 days overdue, the ordonnateur usually hands the debt to the Trésor.
  if (overdueDays > 60 && rng.chance(0.8)) return { status: 'tresorerie', paidCents: paid };
  return { status: 'emise', paidCents: paid };
}

function writeInvoices(
  sqlite: Database.Database,
  rng: Rng,
  todayMs: number,
  regieIds: Map<RegieCode, number>,
  plans: FamilyPlan[],
  summary: DemoSummary,
): void {
  const insertInvoice = sqlite.prepare(
    `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date,
       amount_cents, paid_cents, paid_outside_cents, refdet, status, source, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo', ?)`,
  );
  const insertLine = sqlite.prepare(
    `INSERT INTO invoice_line (invoice_id, line_no, label, child_id, quantity, unit_price_cents, amount_cents)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  let invoiceId = (
    sqlite.prepare('SELECT coalesce(max(id), 0) AS n FROM invoice').get() as { n: number }
  ).n;
  const sequences = new Map<string, number>();

  // The six most recent billing periods already issued by `today` (issued on the 5th of the
  // following month), oldest first so invoice numbers grow with time as in a real commune.
  const today = new Date(todayMs);
  const year = today.getUTCFullYear();
  let month = today.getUTCMonth() - 1;
  if (issueDateOf(year, month) > todayMs) month -= 1;
  const periods: { year: number; month: number }[] = [];
  for (let k = 0; k < 6; k++) {
    const d = new Date(Date.UTC(year, month - k, 1));
    periods.unshift({ year: d.getUTCFullYear(), month: d.getUTCMonth() });
  }

  for (const p of periods) {
    const issueMs = issueDateOf(p.year, p.month);
    const issueYear = new Date(issueMs).getUTCFullYear();
    const dueMs = issueMs + 30 * DAY_MS;
    const period = `${p.year}-${String(p.month + 1).padStart(2, '0')}`;
    const monthLabel = `${frenchMonthsUpper[p.month]} ${p.year}`;
    const issueDate = formatDateMs(issueMs);
    const dueDate = formatDateMs(dueMs);
    const createdAt = `${issueDate}T06:00:00.000Z`;
    // One transaction per billing run keeps the WAL file to a sensible size on big bases.
    sqlite.transaction(() => {
      for (const plan of plans) {
        for (const r of STREAMS) {
          const { kinds, lines } = billLines(plan, r.stream, p.month, rng);
          if (lines.length === 0) continue;
          const amount = lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
          const seqKey = `${issueYear}-${r.regie}`;
          const seq = (sequences.get(seqKey) ?? 0) + 1;
          sequences.set(seqKey, seq);
          const { status, paidCents } = settle(rng, plan, r.regie, amount, dueMs, todayMs);
          invoiceId++;
          insertInvoice.run(
            invoiceId,
            invoiceNumber(issueYear, r.regie, seq),
            regieIds.get(r.regie),
            plan.id,
            `${joinKinds(kinds)} ${monthLabel}`,
            period,
            issueDate,
            dueDate,
            amount,
            paidCents,
            paidCents,
            invoiceRefdet(issueYear, r.regie, seq),
            status,
            createdAt,
          );
          lines.forEach((l, n) => {
            insertLine.run(
              invoiceId,
              n + 1,
              l.label,
              l.childId,
              l.quantity,
              l.unitPriceCents,
              l.quantity * l.unitPriceCents,
            );
          });
          summary.invoices++;
          summary.invoiceLines += lines.length;
        }
      }
    })();
  }
}
