// Imports a commune bundle in one transaction: every reference is checked before anything is
// written, and any error refuses the whole file with a French message naming the element.
// Families are the portal's to define (identity data: the portal wins, see PROTOCOL.md), so
// they are overwritten; an invoice already known may change status, due date, label and the
// amount paid outside Guichet, but not its amount, family, régie or lines, which money may
// already have been allocated against.
import { eq, inArray, sql } from 'drizzle-orm';
import type { PortalDb } from '../db/open';
import { child, commune, family, invoice, regie, responsable } from '../db/schema';
import { logEvent, rows, type PortalTx } from '../db/sql';
import { canonicalJson } from '../sync/canonical';
import { PortalError, firstIssue } from '../errors';
import { portalText } from '../messages';
import { communeBundleSchema, type ParsedBundle } from './bundle';

// A commune's first import writes some 200,000 rows. They travel as one JSON parameter per
// statement (jsonb_to_recordset), BULK rows at a time: a few dozen round trips instead of one
// per 500 rows, and no per-value parameter for the driver to build, while one statement's text
// stays a few megabytes.
const BULK = 5000;

function chunks<T>(items: T[], size = BULK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A JSON array parameter, read back in SQL as a set of rows or of texts. */
const json = (items: unknown[]) => sql`${JSON.stringify(items)}::jsonb`;
/** `column IN (...)` over a JSON array of texts: one parameter however many values. */
const textsOf = (items: string[]) => sql`(SELECT jsonb_array_elements_text(${json(items)}))`;

function refuse(detail: string): never {
  throw new PortalError(400, 'IMPORT_REFUSE', portalText.bundleInvalid(detail));
}

export interface ImportSummary {
  regies: number;
  families: number;
  invoices: number;
  invoicesCreated: number;
}

export async function importBundle(
  db: PortalDb,
  input: unknown,
  actor: string,
  now: Date,
): Promise<ImportSummary> {
  const parsed = communeBundleSchema.safeParse(input);
  if (!parsed.success) refuse(firstIssue(parsed.error));
  const bundle = parsed.data;
  return db.transaction(async (tx) => {
    const summary = await writeBundle(tx, bundle, now);
    await logEvent(tx, 'import', actor, { ...summary });
    return summary;
  });
}

function checkUnique<T>(items: T[], key: (t: T) => string, what: string) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) refuse(`${what}[${i}] : « ${k} » apparaît deux fois.`);
    seen.add(k);
  });
}

async function writeBundle(tx: PortalTx, b: ParsedBundle, now: Date): Promise<ImportSummary> {
  checkUnique(b.regies, (r) => r.code, 'regies');
  checkUnique(b.families, (f) => f.code, 'families');
  checkUnique(b.invoices, (i) => i.number, 'invoices');
  checkUnique(b.invoices, (i) => i.refdet, 'invoices (refdet)');
  checkUnique(
    b.families.flatMap((f) => f.children),
    (c) => c.ref,
    'children',
  );

  // Commune: the portal serves one.
  const [existingCommune] = await tx.select().from(commune).limit(1);
  let communeId = existingCommune?.id;
  if (!existingCommune) {
    communeId = (await tx.insert(commune).values(b.commune).returning({ id: commune.id }))[0]?.id;
  } else if (
    (Object.keys(b.commune) as (keyof typeof b.commune)[]).some(
      (k) => existingCommune[k] !== b.commune[k],
    )
  ) {
    // Rewritten only when it differs, so that re-importing invoices does not resend the commune.
    await tx.update(commune).set(b.commune).where(eq(commune.id, existingCommune.id));
  }
  if (communeId === undefined) throw new Error('commune non écrite');

  const currentRegies = new Map((await tx.select().from(regie)).map((r) => [r.code, r]));
  for (const r of b.regies) {
    const current = currentRegies.get(r.code);
    if (!current) {
      await tx.insert(regie).values({ ...r, communeId, createdAt: now, updatedAt: now });
      continue;
    }
    const differs = (Object.keys(r) as (keyof typeof r)[]).some(
      (k) => canonicalJson(current[k]) !== canonicalJson(r[k]),
    );
    if (differs) {
      await tx
        .update(regie)
        .set({ ...r, updatedAt: now })
        .where(eq(regie.id, current.id));
    }
  }
  const regieIds = new Map(
    (await tx.select({ id: regie.id, code: regie.code }).from(regie)).map((r) => [r.code, r.id]),
  );

  // Check every reference before writing families and invoices.
  const familyCodes = new Set(b.families.map((f) => f.code));
  const knownFamilies = new Map<string, number>();
  const invoiceFamilyCodes = [...new Set(b.invoices.map((i) => i.familyCode))];
  for (const part of chunks([...new Set([...familyCodes, ...invoiceFamilyCodes])])) {
    for (const f of await tx
      .select({ id: family.id, code: family.code })
      .from(family)
      .where(inArray(family.code, textsOf(part)))) {
      knownFamilies.set(f.code, f.id);
    }
  }
  b.families.forEach((f, i) =>
    f.regies.forEach((code) => {
      if (!regieIds.has(code)) refuse(`families[${i}].regies : régie ${code} inconnue.`);
    }),
  );
  const childFamily = new Map<string, string>();
  for (const f of b.families) for (const c of f.children) childFamily.set(c.ref, f.code);
  const lineRefs = [
    ...new Set(
      b.invoices
        .flatMap((i) => i.lines.map((l) => l.childRef))
        .filter((r): r is string => r !== null),
    ),
  ];
  const knownChildren = new Map<string, { id: number; familyId: number }>();
  for (const part of chunks(lineRefs.concat([...childFamily.keys()]))) {
    for (const c of await tx
      .select({ id: child.id, ref: child.ref, familyId: child.familyId })
      .from(child)
      .where(inArray(child.ref, textsOf(part)))) {
      knownChildren.set(c.ref, { id: c.id, familyId: c.familyId });
    }
  }
  const existingInvoices = new Map<string, typeof invoice.$inferSelect>();
  for (const part of chunks(b.invoices.map((i) => i.number))) {
    for (const inv of await tx
      .select()
      .from(invoice)
      .where(inArray(invoice.number, textsOf(part))))
      existingInvoices.set(inv.number, inv);
  }
  b.invoices.forEach((inv, i) => {
    if (!regieIds.has(inv.regieCode)) refuse(`invoices[${i}] : régie ${inv.regieCode} inconnue.`);
    if (!familyCodes.has(inv.familyCode) && !knownFamilies.has(inv.familyCode)) {
      refuse(`invoices[${i}] : famille ${inv.familyCode} inconnue.`);
    }
    if (inv.dueDate < inv.issueDate) refuse(`invoices[${i}] : échéance antérieure à l’émission.`);
    const total = inv.lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
    if (total !== inv.amountCents) {
      refuse(
        `invoices[${i}] (${inv.number}) : le total des lignes (${total}) diffère du montant (${inv.amountCents}).`,
      );
    }
    if (inv.paidOutsideCents > inv.amountCents)
      refuse(`invoices[${i}] : payé hors Guichet supérieur au montant.`);
    inv.lines.forEach((l, n) => {
      if (l.childRef === null) return;
      const owner = childFamily.get(l.childRef);
      const known = knownChildren.get(l.childRef);
      const ownerOk = owner
        ? owner === inv.familyCode
        : known && knownFamilies.get(inv.familyCode) === known.familyId;
      if (!ownerOk)
        refuse(`invoices[${i}].lines[${n}] : enfant ${l.childRef} inconnu ou d’une autre famille.`);
    });
    const before = existingInvoices.get(inv.number);
    if (before) {
      const sameOwner =
        before.amountCents === inv.amountCents &&
        before.regieId === regieIds.get(inv.regieCode) &&
        before.familyId === knownFamilies.get(inv.familyCode) &&
        before.refdet === inv.refdet;
      if (!sameOwner) {
        refuse(
          `invoices[${i}] : la facture ${inv.number} existe déjà avec un autre montant, une autre famille, régie ou référence ; émettez une facture d’annulation et une nouvelle facture.`,
        );
      }
    }
  });

  // Families: new ones in batches, known ones overwritten.
  const newFamilies = b.families.filter((f) => !knownFamilies.has(f.code));
  const stamp = now.toISOString();
  for (const part of chunks(newFamilies)) {
    const ids = await rows<{ id: number; code: string }>(
      tx,
      sql`INSERT INTO family (code, family_name, created_at, updated_at)
          SELECT x.code, x.family_name, ${stamp}::timestamptz, ${stamp}::timestamptz
          FROM jsonb_to_recordset(${json(part.map((f) => ({ code: f.code, family_name: f.familyName })))})
            AS x(code text, family_name text)
          RETURNING id, code`,
    );
    for (const r of ids) knownFamilies.set(r.code, r.id);
  }
  const fid = (code: string) => {
    const id = knownFamilies.get(code);
    if (id === undefined) throw new Error(`famille ${code} absente après écriture`);
    return id;
  };
  // Known families are rewritten only when their identity data differs, so that re-importing
  // a whole commune every night does not resend every family to every register.
  const isNew = new Set(newFamilies.map((f) => f.code));
  const known = b.families.filter((f) => !isNew.has(f.code));
  const currentNames = new Map<number, string>();
  const currentResponsables = new Map<number, string[]>();
  for (const part of chunks(known.map((f) => fid(f.code)))) {
    for (const r of await tx
      .select({ id: family.id, name: family.familyName })
      .from(family)
      .where(inArray(family.id, part))) {
      currentNames.set(r.id, r.name);
    }
    for (const r of await tx
      .select()
      .from(responsable)
      .where(inArray(responsable.familyId, part))
      .orderBy(responsable.rank)) {
      const { id: _id, familyId, ...fields } = r;
      currentResponsables.set(familyId, [
        ...(currentResponsables.get(familyId) ?? []),
        canonicalJson(fields),
      ]);
    }
  }
  const rewrite = new Set<string>(newFamilies.map((f) => f.code));
  for (const f of known) {
    const id = fid(f.code);
    const wanted = [...f.responsables].sort((x, y) => x.rank - y.rank).map((r) => canonicalJson(r));
    const responsablesChanged =
      JSON.stringify(wanted) !== JSON.stringify(currentResponsables.get(id) ?? []);
    if (currentNames.get(id) !== f.familyName) {
      await tx
        .update(family)
        .set({ familyName: f.familyName, updatedAt: now })
        .where(eq(family.id, id));
    }
    if (responsablesChanged) {
      await tx.delete(responsable).where(eq(responsable.familyId, id));
      rewrite.add(f.code);
    }
  }
  for (const part of chunks(
    b.families
      .filter((f) => rewrite.has(f.code))
      .flatMap((f) => f.responsables.map((r) => ({ ...r, familyId: fid(f.code) }))),
  )) {
    await tx.execute(
      sql`INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1,
            address_line2, postal_code, city, email, phone_mobile, phone_home, phone_work)
          SELECT x."familyId", x.rank, x.civility, x."lastName", x."firstName", x."addressLine1",
            x."addressLine2", x."postalCode", x.city, x.email, x."phoneMobile", x."phoneHome",
            x."phoneWork"
          FROM jsonb_to_recordset(${json(part)}) AS x("familyId" int, rank int, civility text,
            "lastName" text, "firstName" text, "addressLine1" text, "addressLine2" text,
            "postalCode" text, city text, email text, "phoneMobile" text, "phoneHome" text,
            "phoneWork" text)`,
    );
  }
  const childRows = b.families.flatMap((f) =>
    f.children.map((c) => ({ ...c, familyId: fid(f.code) })),
  );
  for (const part of chunks(childRows)) {
    // A child already known is rewritten (and returned) only when something differs.
    const written = await rows<{ id: number; ref: string; family_id: number }>(
      tx,
      sql`INSERT INTO child AS c (family_id, ref, first_name, last_name, birth_date, school)
          SELECT x."familyId", x.ref, x."firstName", x."lastName", x."birthDate", x.school
          FROM jsonb_to_recordset(${json(part)}) AS x("familyId" int, ref text, "firstName" text,
            "lastName" text, "birthDate" date, school text)
          ON CONFLICT (ref) DO UPDATE SET first_name = excluded.first_name,
            last_name = excluded.last_name, birth_date = excluded.birth_date,
            school = excluded.school, family_id = excluded.family_id
          WHERE (c.first_name, c.last_name, c.birth_date, c.school, c.family_id)
            IS DISTINCT FROM (excluded.first_name, excluded.last_name, excluded.birth_date,
                              excluded.school, excluded.family_id)
          RETURNING id, ref, family_id`,
    );
    for (const c of written) knownChildren.set(c.ref, { id: c.id, familyId: c.family_id });
  }
  const accounts = b.families.flatMap((f) =>
    f.regies.map((code) => ({ familyId: fid(f.code), regieId: regieIds.get(code) ?? 0 })),
  );
  for (const part of chunks(accounts)) {
    await tx.execute(
      sql`INSERT INTO family_account (family_id, regie_id, created_at)
          SELECT x."familyId", x."regieId", ${stamp}::timestamptz
          FROM jsonb_to_recordset(${json(part)}) AS x("familyId" int, "regieId" int)
          ON CONFLICT DO NOTHING`,
    );
  }

  // Invoices: new ones with their lines in batches; known ones get their mutable fields.
  const created = b.invoices.filter((i) => !existingInvoices.has(i.number));
  for (const part of chunks(created)) {
    const ids = await rows<{ id: number; number: string }>(
      tx,
      sql`INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date,
            amount_cents, paid_outside_cents, refdet, status, status_changed_at, created_at,
            updated_at)
          SELECT x.number, x."regieId", x."familyId", x.label, x.period, x."issueDate",
            x."dueDate", x."amountCents", x."paidOutsideCents", x.refdet, x.status,
            ${stamp}::timestamptz, ${stamp}::timestamptz, ${stamp}::timestamptz
          FROM jsonb_to_recordset(${json(
            part.map((i) => ({
              number: i.number,
              regieId: regieIds.get(i.regieCode) ?? 0,
              familyId: fid(i.familyCode),
              label: i.label,
              period: i.period,
              issueDate: i.issueDate,
              dueDate: i.dueDate,
              amountCents: i.amountCents,
              paidOutsideCents: i.paidOutsideCents,
              refdet: i.refdet,
              status: i.status,
            })),
          )}) AS x(number text, "regieId" int, "familyId" int, label text, period text,
            "issueDate" date, "dueDate" date, "amountCents" int, "paidOutsideCents" int,
            refdet text, status text)
          RETURNING id, number`,
    );
    const idOf = new Map(ids.map((r) => [r.number, r.id]));
    const lines = part.flatMap((i) =>
      i.lines.map((l, n) => ({
        invoiceId: idOf.get(i.number) ?? 0,
        lineNo: n + 1,
        label: l.label,
        childId: l.childRef === null ? null : (knownChildren.get(l.childRef)?.id ?? null),
        quantity: l.quantity,
        unitPriceCents: l.unitPriceCents,
        amountCents: l.quantity * l.unitPriceCents,
      })),
    );
    for (const lp of chunks(lines)) {
      await tx.execute(
        sql`INSERT INTO invoice_line (invoice_id, line_no, label, child_id, quantity,
              unit_price_cents, amount_cents)
            SELECT x."invoiceId", x."lineNo", x.label, x."childId", x.quantity,
              x."unitPriceCents", x."amountCents"
            FROM jsonb_to_recordset(${json(lp)}) AS x("invoiceId" int, "lineNo" int, label text,
              "childId" int, quantity int, "unitPriceCents" int, "amountCents" int)`,
      );
    }
  }
  const updates = b.invoices.flatMap((i) => {
    const before = existingInvoices.get(i.number);
    if (!before) return [];
    const changed =
      before.status !== i.status ||
      before.dueDate !== i.dueDate ||
      before.label !== i.label ||
      before.paidOutsideCents !== i.paidOutsideCents;
    return changed
      ? [
          {
            id: before.id,
            status: i.status,
            dueDate: i.dueDate,
            label: i.label,
            paidOutsideCents: i.paidOutsideCents,
          },
        ]
      : [];
  });
  for (const part of chunks(updates)) {
    await tx.execute(
      sql`UPDATE invoice AS i SET status = x.status, due_date = x."dueDate", label = x.label,
            paid_outside_cents = x."paidOutsideCents",
            status_changed_at = CASE WHEN i.status = x.status THEN i.status_changed_at
                                     ELSE ${stamp}::timestamptz END,
            updated_at = ${stamp}::timestamptz
          FROM jsonb_to_recordset(${json(part)}) AS x(id int, status text, "dueDate" date,
            label text, "paidOutsideCents" int)
          WHERE i.id = x.id`,
    );
  }
  return {
    regies: b.regies.length,
    families: b.families.length,
    invoices: b.invoices.length,
    invoicesCreated: created.length,
  };
}

export async function setInvoiceStatus(
  db: PortalDb,
  number: string,
  status: 'emise' | 'tresorerie' | 'prelevement' | 'annulee',
  actor: string,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const [inv] = await tx
      .select({ id: invoice.id, status: invoice.status })
      .from(invoice)
      .where(eq(invoice.number, number))
      .for('update');
    if (!inv) throw new PortalError(404, 'INTROUVABLE', portalText.invoiceNotFound(number));
    if (inv.status === status) return;
    await tx
      .update(invoice)
      .set({ status, statusChangedAt: now, updatedAt: now })
      .where(eq(invoice.id, inv.id));
    await logEvent(tx, 'invoice.status', actor, { number, from: inv.status, to: status });
  });
}
