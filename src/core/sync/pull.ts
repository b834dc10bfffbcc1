// Pull (PROTOCOL.md section 5): pages of the change feed from the stored cursor. Each page is
// applied in one SQLite transaction together with its nextCursor, so an interrupted pull
// resumes exactly where the last committed page ended, and a page applied twice is harmless
// (every change is an upsert of the entity's full state).
//
// Merged into the register's own tables: the commune, régies, families (the portal wins for
// identity data; the local state it replaces is kept in sync_overwrite) and invoices. Every
// other entity (online payments and locks, conflicts, accounts, other postes' payments, access
// codes) is kept as published in sync_mirror, for the screens that will show them. An invoice's paid amount is
// never taken from the feed as is: the register keeps its own ledger, acknowledged or not, and
// takes from the portal only what was paid elsewhere (other postes, online, outside).
import type Database from 'better-sqlite3';
import type { Change } from '../../shared/sync/schemas';
import type { PortalClient } from './client';
import { prepared } from '../db/prepared';

export interface PullReport {
  pages: number;
  changes: number;
  applied: number;
  /** Deletions of merged entities, which the portal never publishes today. */
  skipped: number;
}

type Data = Record<string, unknown>;
const str = (d: Data, k: string): string => String(d[k] ?? '');
const optStr = (d: Data, k: string): string | null =>
  d[k] === null || d[k] === undefined || d[k] === '' ? null : String(d[k]);
const num = (d: Data, k: string): number => Number(d[k] ?? 0);

export async function pullChanges(
  db: () => Database.Database,
  client: PortalClient,
  opts: { pageSize?: number; now: () => Date; maxPages?: number },
): Promise<PullReport> {
  const report: PullReport = { pages: 0, changes: 0, applied: 0, skipped: 0 };
  for (;;) {
    const cursor = (
      db().prepare('SELECT cursor FROM sync_state WHERE id = 1').get() as
        { cursor: string } | undefined
    )?.cursor;
    if (cursor === undefined) return report;
    const page = await client.changes(cursor, opts.pageSize ?? 500);
    const sqlite = db();
    const at = opts.now().toISOString();
    sqlite.transaction(() => {
      // Another pull (or a restore) moved the cursor meanwhile: drop this page, ask again.
      const now = prepared(sqlite, 'SELECT cursor FROM sync_state WHERE id = 1').get() as
        { cursor: string } | undefined;
      if (now?.cursor !== cursor) return;
      const poste = (
        prepared(sqlite, 'SELECT poste_code FROM sync_state WHERE id = 1').get() as {
          poste_code: string;
        }
      ).poste_code;
      const state: PageState = { poste, at, accounts: new Set() };
      for (const change of page.changes) {
        if (applyChange(sqlite, change, state)) report.applied++;
        else report.skipped++;
      }
      prepared(sqlite, 'UPDATE sync_state SET cursor = ? WHERE id = 1').run(page.nextCursor);
    })();
    report.pages++;
    report.changes += page.changes.length;
    if (!page.hasMore) return report;
    if (opts.maxPages !== undefined && report.pages >= opts.maxPages) return report;
  }
}

/** What the changes of one page share while it is applied. */
interface PageState {
  poste: string;
  at: string;
  /** Accounts (family id / régie code) of invoices already applied in this page. */
  accounts: Set<string>;
}

function applyChange(sqlite: Database.Database, c: Change, page: PageState): boolean {
  switch (c.entity) {
    case 'commune':
      if (c.data === null) return false;
      applyCommune(sqlite, c.data);
      return true;
    case 'regie':
      if (c.data === null) return false;
      applyRegie(sqlite, c.data);
      return true;
    case 'family':
      if (c.data === null) return false;
      applyFamily(sqlite, c.data, page);
      return true;
    case 'invoice':
      if (c.data === null) return false;
      applyInvoice(sqlite, c.data, page);
      return true;
    default:
      mirror(sqlite, c);
      return true;
  }
}

function mirror(sqlite: Database.Database, c: Change): void {
  prepared(
    sqlite,
    `INSERT INTO sync_mirror (entity, key, data, committed_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (entity, key) DO UPDATE SET data = excluded.data, committed_at = excluded.committed_at`,
  ).run(c.entity, c.key, c.data === null ? null : JSON.stringify(c.data), c.committedAt);
}

function communeId(sqlite: Database.Database): number {
  const row = prepared(sqlite, 'SELECT min(id) AS id FROM commune').get() as { id: number | null };
  if (row.id !== null) return row.id;
  return Number(
    prepared(
      sqlite,
      `INSERT INTO commune (name, address_line, postal_code, city) VALUES ('Commune', '-', '00000', '-')`,
    ).run().lastInsertRowid,
  );
}

function applyCommune(sqlite: Database.Database, d: Data): void {
  prepared(
    sqlite,
    `UPDATE commune SET name = ?, address_line = ?, postal_code = ?, city = ?, siret = ?, phone = ?, portal_url = ?
        WHERE id = ?`,
  ).run(
    str(d, 'name'),
    str(d, 'addressLine'),
    str(d, 'postalCode'),
    str(d, 'city'),
    optStr(d, 'siret'),
    optStr(d, 'phone'),
    optStr(d, 'portalUrl'),
    communeId(sqlite),
  );
}

function applyRegie(sqlite: Database.Database, d: Data): void {
  const values = [
    str(d, 'name'),
    optStr(d, 'numcli'),
    str(d, 'payfipSaisie') || 'T',
    JSON.stringify(Array.isArray(d.acceptedModes) ? d.acceptedModes : []),
    num(d, 'cashCeilingCents'),
    num(d, 'floatCents'),
    str(d, 'creditorLabel'),
    d.allowCredit ? 1 : 0,
    d.allowDirectDebitPayment ? 1 : 0,
    optStr(d, 'dftAccount'),
    str(d, 'serviceName'),
    str(d, 'serviceAddress'),
    optStr(d, 'servicePhone'),
  ];
  const code = str(d, 'code');
  const updated = prepared(
    sqlite,
    `UPDATE regie SET name = ?, numcli = ?, payfip_saisie = ?, accepted_modes = ?, cash_ceiling_cents = ?,
         float_cents = ?, creditor_label = ?, allow_credit = ?, allow_direct_debit_payment = ?, dft_account = ?,
         service_name = ?, service_address = ?, service_phone = ? WHERE code = ?`,
  ).run(...values, code);
  if (updated.changes === 0) {
    prepared(
      sqlite,
      `INSERT INTO regie (name, numcli, payfip_saisie, accepted_modes, cash_ceiling_cents, float_cents,
           creditor_label, allow_credit, allow_direct_debit_payment, dft_account, service_name, service_address,
           service_phone, code, commune_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values, code, communeId(sqlite));
  }
}

interface ResponsableRow {
  rank: number;
  civility: string;
  last_name: string;
  first_name: string;
  address_line1: string;
  address_line2: string | null;
  postal_code: string;
  city: string;
  email: string | null;
  phone_mobile: string | null;
  phone_home: string | null;
  phone_work: string | null;
}

const RESPONSABLE_COLUMNS = [
  'civility',
  'last_name',
  'first_name',
  'address_line1',
  'address_line2',
  'postal_code',
  'city',
  'email',
  'phone_mobile',
  'phone_home',
  'phone_work',
] as const;

function responsableValues(r: Data): (string | null)[] {
  return [
    str(r, 'civility'),
    str(r, 'lastName'),
    str(r, 'firstName'),
    str(r, 'addressLine1'),
    optStr(r, 'addressLine2'),
    str(r, 'postalCode'),
    str(r, 'city'),
    optStr(r, 'email'),
    optStr(r, 'phoneMobile'),
    optStr(r, 'phoneHome'),
    optStr(r, 'phoneWork'),
  ];
}

function applyFamily(sqlite: Database.Database, d: Data, page: PageState): void {
  const code = str(d, 'code');
  const responsables = (Array.isArray(d.responsables) ? d.responsables : []) as Data[];
  const children = (Array.isArray(d.children) ? d.children : []) as Data[];
  const existing = prepared(sqlite, 'SELECT id, family_name FROM family WHERE code = ?').get(
    code,
  ) as { id: number; family_name: string } | undefined;
  let familyId: number;
  if (!existing) {
    familyId = Number(
      prepared(sqlite, 'INSERT INTO family (code, family_name) VALUES (?, ?)').run(
        code,
        str(d, 'familyName'),
      ).lastInsertRowid,
    );
  } else {
    familyId = existing.id;
    // The portal wins for identity data: whatever differs locally is replaced, and kept.
    const before = {
      familyName: existing.family_name,
      responsables: prepared(
        sqlite,
        `SELECT rank, ${RESPONSABLE_COLUMNS.join(', ')} FROM responsable WHERE family_id = ? ORDER BY rank`,
      ).all(familyId) as ResponsableRow[],
    };
    const after = {
      familyName: str(d, 'familyName'),
      responsables: responsables
        .map((r) => {
          const v = responsableValues(r);
          return Object.fromEntries([
            ['rank', num(r, 'rank')],
            ...RESPONSABLE_COLUMNS.map((col, i) => [col, v[i]]),
          ]) as unknown as ResponsableRow;
        })
        .sort((a, b) => a.rank - b.rank),
    };
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      prepared(
        sqlite,
        'INSERT INTO sync_overwrite (entity, key, before, after, applied_at) VALUES (?, ?, ?, ?, ?)',
      ).run('family', code, JSON.stringify(before), JSON.stringify(after), page.at);
      if (existing.family_name !== after.familyName) {
        prepared(sqlite, 'UPDATE family SET family_name = ? WHERE id = ?').run(
          after.familyName,
          familyId,
        );
      }
    }
  }
  const ranks = new Set<number>();
  for (const r of responsables) {
    const rank = num(r, 'rank');
    ranks.add(rank);
    const v = responsableValues(r);
    // A family just created has nothing to update: a first sync inserts straight away.
    const changed = !existing
      ? { changes: 0 }
      : prepared(
          sqlite,
          `UPDATE responsable SET ${RESPONSABLE_COLUMNS.map((c) => `${c} = ?`).join(', ')}
          WHERE family_id = ? AND rank = ?`,
        ).run(...v, familyId, rank);
    if (changed.changes === 0) {
      prepared(
        sqlite,
        `INSERT INTO responsable (family_id, rank, ${RESPONSABLE_COLUMNS.join(', ')})
           VALUES (?, ?, ${RESPONSABLE_COLUMNS.map(() => '?').join(', ')})`,
      ).run(familyId, rank, ...v);
    }
  }
  for (const rank of [1, 2]) {
    if (!ranks.has(rank) && ranks.size > 0) {
      prepared(sqlite, 'DELETE FROM responsable WHERE family_id = ? AND rank = ?').run(
        familyId,
        rank,
      );
    }
  }
  // Children have no portal identity on the register yet: matched by name and birth date, and
  // never deleted (invoice lines may name them).
  for (const ch of children) {
    const known = !existing
      ? undefined
      : (prepared(
          sqlite,
          'SELECT id FROM child WHERE family_id = ? AND first_name = ? AND last_name = ? AND birth_date = ?',
        ).get(familyId, str(ch, 'firstName'), str(ch, 'lastName'), str(ch, 'birthDate')) as
          { id: number } | undefined);
    if (known) {
      prepared(sqlite, 'UPDATE child SET school = ? WHERE id = ?').run(
        optStr(ch, 'school'),
        known.id,
      );
    } else {
      prepared(
        sqlite,
        'INSERT INTO child (family_id, first_name, last_name, birth_date, school) VALUES (?, ?, ?, ?, ?)',
      ).run(
        familyId,
        str(ch, 'firstName'),
        str(ch, 'lastName'),
        str(ch, 'birthDate'),
        optStr(ch, 'school'),
      );
    }
  }
  const regies = (Array.isArray(d.regies) ? d.regies : []) as string[];
  for (const regieCode of regies) ensureAccount(sqlite, familyId, regieCode);
}

/**
 * `seen`: accounts already ensured in this page, given only when the régie is known to exist
 * (otherwise nothing is written and a later change of the page must try again).
 */
function ensureAccount(
  sqlite: Database.Database,
  familyId: number,
  regieCode: string,
  seen?: Set<string>,
): void {
  const key = `${familyId}/${regieCode}`;
  if (seen?.has(key)) return;
  seen?.add(key);
  prepared(
    sqlite,
    `INSERT OR IGNORE INTO family_account (family_id, regie_id)
       SELECT ?, id FROM regie WHERE code = ?`,
  ).run(familyId, regieCode);
}

function applyInvoice(sqlite: Database.Database, d: Data, page: PageState): void {
  const number = str(d, 'number');
  const ids = prepared(
    sqlite,
    'SELECT (SELECT id FROM regie WHERE code = ?) AS regie_id, (SELECT id FROM family WHERE code = ?) AS family_id',
  ).get(str(d, 'regieCode'), str(d, 'familyCode')) as {
    regie_id: number | null;
    family_id: number | null;
  };
  if (ids.regie_id === null || ids.family_id === null) {
    // The feed publishes a family and its régie before their invoices; this is a portal bug,
    // and failing the page keeps the cursor where it is until it is fixed.
    throw new Error(`Facture ${number} : famille ou régie inconnue du registre.`);
  }
  // A family's invoices mostly follow each other in a page: one INSERT OR IGNORE per account
  // and page is enough.
  ensureAccount(sqlite, ids.family_id, str(d, 'regieCode'), page.accounts);
  // What the portal counts as paid, minus what it knows of this poste's own payments: the
  // register adds its own ledger instead, acknowledged or not, so an operation still in the
  // outbox is counted exactly once.
  const byPoste = (d.countersPaidByPoste ?? {}) as Record<string, number>;
  const paidElsewhere = num(d, 'paidCents') - (byPoste[page.poste] ?? 0);
  const existing = prepared(
    sqlite,
    `SELECT i.id, i.paid_outside_cents, i.amount_cents,
         (SELECT COALESCE(SUM(amount_cents), 0) FROM allocation WHERE invoice_id = i.id) AS local
         FROM invoice i WHERE i.number = ?`,
  ).get(number) as
    { id: number; paid_outside_cents: number; amount_cents: number; local: number } | undefined;
  const status = str(d, 'status');
  if (!existing) {
    const outside = num(d, 'paidOutsideCents');
    const remote = Math.max(0, paidElsewhere - outside);
    const id = Number(
      prepared(
        sqlite,
        `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents,
             paid_outside_cents, remote_paid_cents, paid_cents, refdet, status, source)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'portal')`,
      ).run(
        number,
        ids.regie_id,
        ids.family_id,
        str(d, 'label'),
        str(d, 'period'),
        str(d, 'issueDate'),
        str(d, 'dueDate'),
        num(d, 'amountCents'),
        outside,
        remote,
        outside + remote,
        str(d, 'refdet'),
        status,
      ).lastInsertRowid,
    );
    const lines = (Array.isArray(d.lines) ? d.lines : []) as Data[];
    const line = prepared(
      sqlite,
      `INSERT INTO invoice_line (invoice_id, line_no, label, quantity, unit_price_cents, amount_cents)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    lines.forEach((l, i) =>
      line.run(
        id,
        num(l, 'lineNo') || i + 1,
        str(l, 'label'),
        num(l, 'quantity'),
        num(l, 'unitPriceCents'),
        num(l, 'amountCents'),
      ),
    );
    return;
  }
  // The outside part is fixed at creation (a trigger guards it): a later change of it on the
  // portal is carried by remote_paid_cents like any other payment made elsewhere.
  const remote = Math.max(0, paidElsewhere - existing.paid_outside_cents);
  const amount = existing.local > 0 ? existing.amount_cents : num(d, 'amountCents');
  prepared(
    sqlite,
    `UPDATE invoice SET label = ?, due_date = ?, amount_cents = ?, status = ?, remote_paid_cents = ?,
         paid_cents = paid_outside_cents + ? + ? WHERE id = ?`,
  ).run(
    str(d, 'label'),
    str(d, 'dueDate'),
    amount,
    status,
    remote,
    remote,
    existing.local,
    existing.id,
  );
}
