// The register's side of the sync, against a real portal (PGlite) over HTTP on loopback: one
// portal for the file, fresh registers per test (two SQLite files for the convergence tests).
import { randomUUID } from 'node:crypto';
import { statSync, readFileSync, existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterPayment } from '../../../src/portal/db/schema';
import { importBundle } from '../../../src/portal/ordonnateur/import';
import { PortalClient } from '../../../src/core/sync/client';
import { pullChanges } from '../../../src/core/sync/pull';
import { fileSecretStore, secretFileFor } from '../../../src/core/sync/secret-store';
import { ADMIN_TOKEN, addInvoice, baseBundle } from '../../portal/helpers/portal-fixture';
import {
  enrolAndSync,
  idOf,
  invoiceRow,
  openRegister,
  outboxCount,
  startPortal,
  type LivePortal,
  type TestRegister,
} from './sync-fixtures';

let portal: LivePortal;
let posteSeq = 0;
const nextPoste = () => `S${String(++posteSeq).padStart(2, '0')}`;

beforeAll(async () => {
  portal = await startPortal();
}, 60_000);
afterAll(async () => {
  await portal?.close();
});

async function withRegisters(
  n: number,
  fn: (regs: TestRegister[], postes: string[]) => Promise<void>,
) {
  const postes = Array.from({ length: n }, nextPoste);
  const regs: TestRegister[] = [];
  try {
    for (const p of postes) regs.push(await openRegister(p, { pageSize: 3 }));
    await fn(regs, postes);
  } finally {
    for (const r of regs) r.close();
  }
}

const cheque = (reg: TestRegister, family: string, invoice: string, amountCents: number) => ({
  commandId: randomUUID(),
  familyId: idOf(reg, 'family', family),
  regieId: idOf(reg, 'regie', 'SCO'),
  amountCents,
  method: {
    mode: 'cheque' as const,
    bank: 'Crédit Agricole',
    number: String(1_000_000 + Math.floor(Math.random() * 8_000_000)),
    drawer: 'Anne Dupond',
    payee: 'Régie scolaire de Ville de Test',
  },
  allocations: [{ invoiceId: idOf(reg, 'invoice', invoice), amountCents }],
});

async function portalPayments(receiptNumber: string) {
  return portal.database.db
    .select()
    .from(counterPayment)
    .where(eq(counterPayment.receiptNumber, receiptNumber));
}

describe('synchronisation du registre avec le portail', () => {
  it('enrôle le poste : secret hors de la base (fichier 0600), un code servi deux fois est refusé', async () => {
    await withRegisters(2, async ([a, b], [posteA]) => {
      const bad = await a!.send('sync.enrol', {
        portalUrl: 'pas une adresse',
        code: 'ABCD-EFGH-JKMN-PQRS',
      });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.message).toMatch(/Adresse du portail invalide/);
      expect(a!.core.sync.status().configured).toBe(false);

      const code = await portal.issueCode(posteA!);
      const status = await a!.call('sync.enrol', { portalUrl: portal.url, code });
      expect(status).toMatchObject({ configured: true, posteCode: posteA, waitingOps: 0 });
      const journaled = a!.core.sqlite
        .prepare("SELECT payload FROM journal_entry WHERE kind = 'configuration' ORDER BY seq DESC")
        .get() as { payload: string };
      expect(JSON.parse(journaled.payload)).toMatchObject({
        scope: 'synchronisation',
        portalUrl: portal.url,
      });
      const file = secretFileFor(a!.dbFile);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const creds = fileSecretStore(file).read();
      expect(creds?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The database holds no trace of the secret.
      expect(readFileSync(a!.dbFile).includes(Buffer.from(creds!.secret))).toBe(false);

      // The same code again (on the other register) is refused with the portal's French reason.
      const again = await b!.send('sync.enrol', { portalUrl: portal.url, code });
      expect(again.ok).toBe(false);
      if (!again.ok) {
        expect(again.error.reason).toBe('CODE_DEJA_UTILISE');
        expect(again.error.message).toMatch(/^Enrôlement refusé par le portail : /);
      }
      expect(b!.core.sync.status().configured).toBe(false);
      expect(existsSync(secretFileFor(b!.dbFile))).toBe(false);
    });
  });

  it('premier tirage de toute la commune, page par page, et reprise exacte après une coupure', async () => {
    await withRegisters(1, async ([a], [posteA]) => {
      const code = await portal.issueCode(posteA!);
      await a!.call('sync.enrol', { portalUrl: portal.url, code });
      const sqlite = a!.core.sqlite;
      const creds = fileSecretStore(secretFileFor(a!.dbFile)).read()!;
      let calls = 0;
      const flaky: typeof fetch = async (input, init) => {
        calls++;
        if (calls === 3) throw new TypeError('fetch failed');
        return fetch(input, init);
      };
      const client = new PortalClient({ baseUrl: portal.url, creds, fetch: flaky });
      const cursor = () =>
        (sqlite.prepare('SELECT cursor FROM sync_state').get() as { cursor: string }).cursor;
      await expect(
        pullChanges(() => sqlite, client, { pageSize: 3, now: () => new Date() }),
      ).rejects.toThrow(/injoignable/);
      // Two pages were committed, with their cursor; the third failed and left nothing.
      const afterTwo = cursor();
      expect(afterTwo).not.toBe('');
      const regiesAfterTwo = (
        sqlite.prepare('SELECT count(*) AS n FROM regie').get() as { n: number }
      ).n;
      expect(regiesAfterTwo).toBeGreaterThan(0);
      const report = await pullChanges(() => sqlite, client, {
        pageSize: 3,
        now: () => new Date(),
      });
      expect(report.pages).toBeGreaterThan(1);
      expect(cursor()).not.toBe(afterTwo);
      const codes = sqlite.prepare('SELECT code FROM regie ORDER BY code').all();
      expect(codes).toEqual([{ code: 'PEN' }, { code: 'SCO' }, { code: 'SPO' }]);
      const families = sqlite.prepare('SELECT code, family_name FROM family ORDER BY code').all();
      expect(families).toEqual(
        expect.arrayContaining([{ code: 'DUP-00001', family_name: 'Dupond' }]),
      );
      // A second pull from the same cursor finds nothing new and changes nothing.
      const again = await pullChanges(() => sqlite, client, { pageSize: 3, now: () => new Date() });
      expect(again.changes).toBe(0);
    });
  });

  it('un paiement pris hors ligne reste en file et arrive une seule fois au portail, même si la réponse se perd', async () => {
    await withRegisters(1, async ([a], [posteA]) => {
      const invoice = await addInvoice(portal, { amountCents: 10000 });
      await enrolAndSync(portal, a!, posteA!);
      a!.net.offline = true;
      const paid = await a!.call('payments.record', cheque(a!, 'DUP-00001', invoice, 4000));
      expect(outboxCount(a!)).toBe(1);
      const offline = await a!.call('sync.now', {});
      expect(offline).toMatchObject({ online: false, waitingOps: 1 });
      expect(offline.lastError).toMatch(/Portail injoignable/);
      expect(await portalPayments(paid.receiptNumber)).toHaveLength(0);

      // Back online, but the push's answer is lost: the portal applied it, the row stays.
      a!.net.offline = false;
      a!.net.dropResponses = 1;
      const lost = await a!.call('sync.now', {});
      expect(lost.waitingOps).toBe(1);
      expect(await portalPayments(paid.receiptNumber)).toHaveLength(1);

      // The retry is answered "duplicate": the row leaves the outbox, the payment stays single.
      const ok = await a!.call('sync.now', {});
      expect(ok).toMatchObject({ online: true, waitingOps: 0, toHandle: 0, lastError: null });
      expect(await portalPayments(paid.receiptNumber)).toHaveLength(1);
      expect(invoiceRow(a!, invoice)).toMatchObject({ paid_cents: 4000, remote_paid_cents: 0 });
    });
  });

  it('une opération refusée par le portail passe « à traiter » et n’est jamais supprimée', async () => {
    await withRegisters(1, async ([a], [posteA]) => {
      await enrolAndSync(portal, a!, posteA!);
      const sqlite = a!.core.sqlite;
      // An invoice the portal does not know (imported locally by mistake).
      sqlite
        .prepare(
          `INSERT INTO invoice (number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, source)
           VALUES ('2026-SCO-LOCAL1', ?, ?, 'FACTURE LOCALE', '2026-02', '2026-03-01', '2026-04-01', 5000, 'LOCAL000001', 'import')`,
        )
        .run(idOf(a!, 'regie', 'SCO'), idOf(a!, 'family', 'DUP-00001'));
      await a!.call('payments.record', cheque(a!, 'DUP-00001', '2026-SCO-LOCAL1', 5000));
      const status = await a!.call('sync.now', {});
      expect(status).toMatchObject({ waitingOps: 0, toHandle: 1, lastError: null });
      expect(status.rejected[0]).toMatchObject({ kind: 'payment', code: 'FACTURE_INCONNUE' });
      expect(status.rejected[0]!.message).toMatch(/2026-SCO-LOCAL1/);
      expect(() => sqlite.prepare('DELETE FROM sync_rejected').run()).toThrow(/jamais supprimées/);
      expect(a!.core.sync.status().toHandle).toBe(1);
    });
  });

  it('le portail l’emporte sur l’identité d’une famille ; ce qui est remplacé est gardé', async () => {
    await withRegisters(1, async ([a], [posteA]) => {
      await enrolAndSync(portal, a!, posteA!);
      const sqlite = a!.core.sqlite;
      const famId = idOf(a!, 'family', 'MAR-00002');
      sqlite
        .prepare("UPDATE responsable SET first_name = 'Lea-locale' WHERE family_id = ?")
        .run(famId);
      const martin = (baseBundle.families ?? []).find((f) => f.code === 'MAR-00002')!;
      await importBundle(
        portal.database.db,
        {
          ...baseBundle,
          regies: [],
          invoices: [],
          families: [
            {
              ...martin,
              familyName: 'Martin-Durand',
              responsables: [
                { ...martin.responsables[0]!, lastName: 'Martin-Durand', city: 'Saumur' },
              ],
            },
          ],
        },
        'test',
        new Date(),
      );
      await a!.call('sync.now', {});
      expect(sqlite.prepare('SELECT family_name FROM family WHERE id = ?').get(famId)).toEqual({
        family_name: 'Martin-Durand',
      });
      expect(
        sqlite
          .prepare('SELECT last_name, first_name, city FROM responsable WHERE family_id = ?')
          .get(famId),
      ).toEqual({ last_name: 'Martin-Durand', first_name: 'Léa', city: 'Saumur' });
      const kept = sqlite
        .prepare(
          "SELECT before, after FROM sync_overwrite WHERE entity = 'family' AND key = 'MAR-00002'",
        )
        .all() as { before: string; after: string }[];
      expect(kept).toHaveLength(1);
      expect(kept[0]!.before).toContain('Lea-locale');
      expect(kept[0]!.after).toContain('Martin-Durand');
      // The search index followed the portal's names.
      const found = sqlite
        .prepare("SELECT rowid FROM family_search WHERE family_search MATCH 'durand'")
        .all();
      expect(found).toEqual([{ rowid: famId }]);
    });
  });

  it('deux registres convergent, sans que le tirage n’écrase un paiement local non acquitté', async () => {
    await withRegisters(2, async ([a, b], [posteA, posteB]) => {
      const invoice = await addInvoice(portal, { amountCents: 10000 });
      await enrolAndSync(portal, a!, posteA!);
      await enrolAndSync(portal, b!, posteB!);
      expect(invoiceRow(b!, invoice)).toMatchObject({ paid_cents: 0 });

      await a!.call('payments.record', cheque(a!, 'DUP-00001', invoice, 3000));
      // B takes 2000 offline on the same invoice, not yet pushed.
      b!.net.offline = true;
      await b!.call('payments.record', cheque(b!, 'DUP-00001', invoice, 2000));
      await a!.call('sync.now', {});
      expect(invoiceRow(a!, invoice)).toMatchObject({ paid_cents: 3000, remote_paid_cents: 0 });

      // B pulls before its own push is acknowledged: A's 3000 arrive, B's 2000 still count once.
      b!.net.offline = false;
      const sqliteB = b!.core.sqlite;
      const creds = fileSecretStore(secretFileFor(b!.dbFile)).read()!;
      await pullChanges(() => sqliteB, new PortalClient({ baseUrl: portal.url, creds }), {
        now: () => new Date(),
      });
      expect(outboxCount(b!)).toBe(1);
      expect(invoiceRow(b!, invoice)).toMatchObject({ paid_cents: 5000, remote_paid_cents: 3000 });

      // B pushes then pulls: the portal now counts B's 2000 under B's poste, still 5000 in all.
      await b!.call('sync.now', {});
      expect(outboxCount(b!)).toBe(0);
      expect(invoiceRow(b!, invoice)).toMatchObject({ paid_cents: 5000, remote_paid_cents: 3000 });
      await a!.call('sync.now', {});
      expect(invoiceRow(a!, invoice)).toMatchObject({ paid_cents: 5000, remote_paid_cents: 2000 });

      // What B's agent sees: 50,00 € still due.
      const fam = await b!.call('families.get', { familyId: idOf(b!, 'family', 'DUP-00001') });
      expect(JSON.stringify(fam)).toContain(invoice);

      // The part paid on the other poste is part of each invoice's paid amount, and the ledger
      // check of journal.verify counts it.
      for (const r of [a!, b!]) expect((await r.call('journal.verify', {})).ok).toBe(true);
    });
  });

  it('une annulation et un changement de statut de facture passent d’un registre à l’autre', async () => {
    await withRegisters(2, async ([a, b], [posteA, posteB]) => {
      const invoice = await addInvoice(portal, { amountCents: 8000 });
      await enrolAndSync(portal, a!, posteA!);
      await enrolAndSync(portal, b!, posteB!);
      const paid = await a!.call('payments.record', cheque(a!, 'DUP-00001', invoice, 8000));
      await a!.call('sync.now', {});
      await b!.call('sync.now', {});
      expect(invoiceRow(b!, invoice)).toMatchObject({ paid_cents: 8000, remote_paid_cents: 8000 });
      await a!.call('payments.cancel', {
        commandId: randomUUID(),
        paymentId: paid.paymentId,
        reason: 'Erreur de facture, chèque rendu',
      });
      expect(outboxCount(a!)).toBe(1);
      expect((await a!.call('sync.now', {})).waitingOps).toBe(0);
      await b!.call('sync.now', {});
      expect(invoiceRow(b!, invoice)).toMatchObject({ paid_cents: 0, remote_paid_cents: 0 });

      const res = await portal.app.inject({
        method: 'POST',
        url: `/admin/v1/invoices/${invoice}/status`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { status: 'tresorerie' },
      });
      expect(res.statusCode).toBe(200);
      await b!.call('sync.now', {});
      expect(invoiceRow(b!, invoice).status).toBe('tresorerie');
      const history = b!.core.sqlite
        .prepare(
          'SELECT old_status, new_status FROM invoice_status_change WHERE invoice_id = ? ORDER BY id',
        )
        .all(idOf(b!, 'invoice', invoice));
      expect(history).toEqual([
        { old_status: null, new_status: 'emise' },
        { old_status: 'emise', new_status: 'tresorerie' },
      ]);

      // A, not yet aware of the transmission, takes a payment on it: the portal applies it (the
      // money was taken) and opens a conflict, which A keeps from its next pull.
      await a!.call('payments.record', cheque(a!, 'DUP-00001', invoice, 2000));
      const after = await a!.call('sync.now', {});
      expect(after).toMatchObject({ waitingOps: 0, toHandle: 0, openConflicts: 1 });
      const conflict = a!.core.sqlite
        .prepare("SELECT data FROM sync_mirror WHERE entity = 'conflict'")
        .get() as { data: string };
      expect(JSON.parse(conflict.data)).toMatchObject({
        kind: 'paiement_apres_tresorerie',
        invoiceNumber: invoice,
        amountCents: 2000,
      });
      expect(invoiceRow(a!, invoice).status).toBe('tresorerie');
    });
  });

  it('le moteur tourne seul, recule avec gigue quand le portail est injoignable, puis repart', async () => {
    const poste = nextPoste();
    const reg = await openRegister(poste, { background: true });
    try {
      const invoice = await addInvoice(portal, { amountCents: 6000 });
      await enrolAndSync(portal, reg, poste);
      reg.net.offline = true;
      await reg.call('payments.record', cheque(reg, 'DUP-00001', invoice, 1000));
      const failing = async () => {
        const s = reg.core.sync.status();
        return s.lastError !== null && s.nextAttemptAt !== null;
      };
      await waitFor(failing, 5000);
      const before = reg.net.requests;
      await new Promise((r) => setTimeout(r, 600));
      // Retried on its own, but spaced out (cap 400 ms): a handful of attempts, not hundreds.
      const attempts = reg.net.requests - before;
      expect(attempts).toBeGreaterThan(0);
      expect(attempts).toBeLessThan(40);
      const row = reg.core.sqlite.prepare('SELECT failures FROM sync_state').get() as {
        failures: number;
      };
      expect(row.failures).toBeGreaterThan(1);
      // The agent is never blocked meanwhile.
      expect((await reg.call('sync.status', {})).waitingOps).toBe(1);

      reg.net.offline = false;
      await waitFor(
        async () => {
          const st = reg.core.sync.status();
          return st.waitingOps === 0 && st.online;
        },
        5000,
        () => reg.core.sync.status(),
      );
      expect(reg.core.sync.status()).toMatchObject({ online: true, lastError: null });
    } finally {
      reg.close();
    }
  });

  it('pousse un paiement dans la seconde quand le poste est en ligne, sans attendre le prochain passage', async () => {
    const poste = nextPoste();
    const reg = await openRegister(poste, { background: true, intervalMs: 60_000 });
    try {
      const invoice = await addInvoice(portal, { amountCents: 6000 });
      await enrolAndSync(portal, reg, poste);
      // Let the first background run (started by the enrolment) finish.
      await waitFor(
        async () => reg.core.sync.status().lastSuccessAt !== null,
        5000,
        () => reg.core.sync.status(),
      );
      const started = Date.now();
      const paid = await reg.call('payments.record', cheque(reg, 'DUP-00001', invoice, 1500));
      await waitFor(
        async () => (await portalPayments(paid.receiptNumber)).length === 1,
        5000,
        () => reg.core.sync.status(),
      );
      expect(Date.now() - started).toBeLessThan(5000);
      await waitFor(async () => outboxCount(reg) === 0, 5000);
    } finally {
      reg.close();
    }
  });

  it('refuse « Synchroniser maintenant » sur un poste non enrôlé, sans rien écrire', async () => {
    await withRegisters(1, async ([a]) => {
      const r = await a!.send('sync.now', {});
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.reason).toBe('SYNC_NON_CONFIGUREE');
        expect(r.error.message).toMatch(/enrôler/);
      }
      expect(a!.core.sqlite.prepare('SELECT count(*) AS n FROM sync_state').get()).toEqual({
        n: 0,
      });
    });
  });
});

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: () => unknown = () => null,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`délai dépassé : ${JSON.stringify(what())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
