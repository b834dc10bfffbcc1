import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/journal/canonical';
import {
  appendJournal,
  entryHash,
  GENESIS_HASH,
  headerJson,
} from '../../../src/core/journal/chain';
import { formatEuro } from '../../../src/shared/money';
import { countOf, IDS, newCommandId, openTestCore, type TestCore } from '../fixtures';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
  controleur = null;
});
afterEach(() => t.close());

/** toCreditCents: the excess the agent explicitly puts on credit (Dupond has a debt en trésorerie). */
const pay = (amountCents = 1000, toCreditCents?: number) =>
  t.call(
    'payments.record',
    {
      commandId: newCommandId(),
      familyId: IDS.dupond,
      regieId: IDS.sco,
      amountCents,
      method: { mode: 'cheque', bank: 'LCL', number: '1234567', drawer: 'DUPOND', payee: 'DGFiP' },
      ...(toCreditCents !== undefined ? { toCreditCents } : {}),
    },
    regisseur,
  );

let controleur: string | null = null;
/** Verifies as the contrôleur, logged in once (a login is itself a journal entry). */
async function verify() {
  controleur ??= await t.login('controleur');
  return t.call('journal.verify', {}, controleur);
}

/** Drops the immutability triggers of a table, as someone editing the file by hand would. */
function dropGuards(table: string) {
  t.sqlite.exec(`DROP TRIGGER ${table}_no_update; DROP TRIGGER ${table}_no_delete;`);
}

describe('canonical JSON', () => {
  it('sorts keys, drops undefined and refuses non-integer numbers', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: undefined })).toBe(
      '{"a":[true,null,"é"],"b":1}',
    );
    expect(() => canonicalJson({ amount: 49.5 })).toThrow(/non entier/);
  });

  it('writes an entry header exactly as canonicalJson would', () => {
    const header = {
      seq: 12,
      instant: '2026-03-16T09:30:00.000Z',
      kind: 'paiement',
      agentId: null,
      regieId: 3,
      posteCode: 'P"01',
    };
    expect(headerJson(header)).toBe(canonicalJson(header));
    expect(() => headerJson({ ...header, seq: 1.5 })).toThrow(/Entier attendu/);
  });
});

describe('operations journal', () => {
  it('chains every entry to the previous one with SHA-256', async () => {
    await pay();
    await pay(2000);
    const rows = t.sqlite.prepare('SELECT * FROM journal_entry ORDER BY seq').all() as {
      seq: number;
      instant: string;
      kind: string;
      agent_id: number | null;
      regie_id: number | null;
      poste_code: string;
      payload: string;
      prev_hash: string;
      hash: string;
    }[];
    // The fixture opens the till (issue 4) before the test: its opening is the first entry.
    expect(rows.map((r) => r.kind)).toEqual([
      'ouverture_caisse',
      'connexion',
      'paiement',
      'paiement',
    ]);
    let prev = GENESIS_HASH;
    for (const r of rows) {
      expect(r.prev_hash).toBe(prev);
      expect(r.hash).toBe(
        entryHash(prev, {
          seq: r.seq,
          instant: r.instant,
          kind: r.kind,
          agentId: r.agent_id,
          regieId: r.regie_id,
          posteCode: r.poste_code,
          payload: r.payload,
        }),
      );
      prev = r.hash;
    }
    expect(t.sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get()).toEqual({
      last_seq: 4,
      last_hash: prev,
    });
    const report = await verify();
    expect(report.ok).toBe(true);
    expect(report.operations).toMatchObject({ ok: true, entries: 5, lastSeq: 5, firstError: null });
    expect(report.ledger).toMatchObject({ ok: true, checkedPayments: 2 });
  });

  it('refuses raw UPDATE and DELETE on the journal and the ledger tables', async () => {
    // Rows in every ledger table: a payment leaving credit, a use of that credit, a second
    // payment cancelled, a reprint.
    const p = await pay(65000, 3100);
    t.sqlite
      .prepare(
        `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
         VALUES (80, 'FAC-SCO-0080', ?, ?, 'Cantine avril', '2026-04', '2026-04-01', '2026-05-10', 2000, 'REF000080', 'emise', 'import')`,
      )
      .run(IDS.sco, IDS.dupond);
    await t.call(
      'credits.apply',
      { commandId: newCommandId(), familyId: IDS.dupond, regieId: IDS.sco },
      regisseur,
    );
    const p2 = await pay(1000, 1000);
    await t.call(
      'payments.cancel',
      { commandId: newCommandId(), paymentId: p2.paymentId, reason: 'Erreur de saisie' },
      regisseur,
    );
    await t.call(
      'payments.receipt',
      { commandId: newCommandId(), paymentId: p.paymentId, layout: 'ticket' },
      regisseur,
    );
    // One failed login so the technical journal has a row to attack.
    await t.send('auth.login', { login: 'personne', password: 'x' }, null);
    const attempts: [string, RegExp][] = [
      [
        "UPDATE journal_entry SET payload = '{}' WHERE seq = 2",
        /Le journal des opérations est inaltérable : une écriture ne peut pas être modifiée/,
      ],
      [
        'DELETE FROM journal_entry WHERE seq = 2',
        /Le journal des opérations est inaltérable : une écriture ne peut pas être supprimée/,
      ],
      ['UPDATE tech_journal_entry SET kind = kind', /Le journal technique est inaltérable/],
      [
        'UPDATE payment SET amount_cents = 1',
        /Écriture inaltérable \(paiement\) : modification refusée/,
      ],
      ['DELETE FROM payment', /Écriture inaltérable \(paiement\) : suppression refusée/],
      ['UPDATE allocation SET amount_cents = 1', /Écriture inaltérable \(affectation\)/],
      ['DELETE FROM allocation', /Écriture inaltérable \(affectation\)/],
      ["UPDATE cancellation SET reason = 'autre motif'", /Écriture inaltérable \(annulation\)/],
      ['DELETE FROM cancellation', /Écriture inaltérable \(annulation\)/],

      ['UPDATE credit_use SET amount_cents = 1', /Écriture inaltérable \(utilisation d’avoir\)/],
      ['DELETE FROM credit_movement', /Écriture inaltérable \(mouvement d’avoir\)/],
      ['DELETE FROM command', /Écriture inaltérable \(commande\)/],
      ['DELETE FROM receipt_reprint', /Écriture inaltérable \(réimpression\)/],
      ['DELETE FROM journal_tip', /ne peut pas être supprimée/],
      ['UPDATE journal_tip SET last_seq = last_seq - 1', /ne peut qu’avancer/],
      [
        `INSERT INTO journal_entry (seq, instant, kind, poste_code, payload, prev_hash, hash) VALUES (99, 'x', 'x', 'P01', '{}', 'x', 'x')`,
        /n’accepte qu’une écriture qui suit la dernière/,
      ],
    ];
    for (const [sql, message] of attempts) {
      expect(() => t.sqlite.exec(sql), sql).toThrow(message);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('detects an edited entry at its seq', async () => {
    await pay(1000);
    await pay(2000);
    await pay(3000);
    dropGuards('journal_entry');
    const target = t.sqlite
      .prepare(
        "SELECT seq, payload FROM journal_entry WHERE kind = 'paiement' ORDER BY seq LIMIT 1 OFFSET 1",
      )
      .get() as { seq: number; payload: string };
    t.sqlite
      .prepare('UPDATE journal_entry SET payload = ? WHERE seq = ?')
      .run(target.payload.replace('"amountCents":2000', '"amountCents":200'), target.seq);
    const report = await verify();
    expect(report.ok).toBe(false);
    expect(report.operations.firstError).toEqual({
      seq: target.seq,
      message: `Écriture n° ${target.seq} (paiement) modifiée : son contenu ne correspond plus à son empreinte.`,
    });
  });

  it('detects an entry re-hashed after an edit, through the next entry’s link', async () => {
    await pay(1000);
    await pay(2000);
    dropGuards('journal_entry');
    const row = t.sqlite
      .prepare("SELECT * FROM journal_entry WHERE kind = 'paiement' ORDER BY seq LIMIT 1")
      .get() as {
      seq: number;
      instant: string;
      kind: string;
      agent_id: number;
      regie_id: number;
      poste_code: string;
      payload: string;
      prev_hash: string;
    };
    const payload = row.payload.replace('"amountCents":1000', '"amountCents":100');
    const hash = entryHash(row.prev_hash, {
      seq: row.seq,
      instant: row.instant,
      kind: row.kind,
      agentId: row.agent_id,
      regieId: row.regie_id,
      posteCode: row.poste_code,
      payload,
    });
    t.sqlite
      .prepare('UPDATE journal_entry SET payload = ?, hash = ? WHERE seq = ?')
      .run(payload, hash, row.seq);
    const report = await verify();
    expect(report.operations.firstError?.seq).toBe(row.seq + 1);
    expect(report.operations.firstError?.message).toMatch(
      /l’empreinte précédente ne correspond pas/,
    );
  });

  it('detects the deletion of the last entries through the tip', async () => {
    await pay(1000);
    await pay(2000);
    await pay(3000);
    controleur = await t.login('controleur');
    dropGuards('journal_entry');
    const last = (
      t.sqlite.prepare('SELECT last_seq FROM journal_tip').get() as { last_seq: number }
    ).last_seq;
    t.sqlite.prepare('DELETE FROM journal_entry WHERE seq >= ?').run(last - 1);
    const report = await verify();
    expect(report.operations.ok).toBe(false);
    expect(report.operations.firstError).toEqual({
      seq: last - 1,
      message: `Écritures n° ${last - 1} à ${last} manquantes : le marqueur de fin de chaîne indique ${last} écritures, le journal s’arrête à ${last - 2}. Les dernières écritures ont été supprimées.`,
    });
  });

  it('detects the deletion of a middle entry', async () => {
    await pay(1000);
    await pay(2000);
    await pay(3000);
    dropGuards('journal_entry');
    t.sqlite.prepare('DELETE FROM journal_entry WHERE seq = 3').run();
    const report = await verify();
    expect(report.operations.firstError).toEqual({
      seq: 3,
      message:
        'Écriture n° 3 manquante : la chaîne passe de 2 à 4. Des écritures ont été supprimées.',
    });
  });

  it('detects a payment row edited behind the journal’s back', async () => {
    const p = await pay(1000);
    dropGuards('payment');
    t.sqlite.prepare('UPDATE payment SET amount_cents = 100 WHERE id = ?').run(p.paymentId);
    const report = await verify();
    expect(report.operations.ok).toBe(true);
    expect(report.ledger.firstError?.message).toBe(
      `Paiement ${p.receiptNumber} : la ligne de paiement ne correspond plus à son écriture au journal n° 3 (montant).`,
    );
  });

  it('detects an invoice whose paid amount disagrees with its allocations', async () => {
    await pay(1000);
    // The database refuses it (migration invoice_guards); someone who drops the trigger first
    // is still caught by the verifier.
    t.sqlite.exec('DROP TRIGGER invoice_paid_from_allocations');
    t.sqlite.prepare('UPDATE invoice SET paid_cents = 4900 WHERE id = ?').run(IDS.inv1);
    const report = await verify();
    expect(report.ledger.firstError?.message).toBe(
      'Facture FAC-SCO-0001 : montant payé enregistré 49,00\u202f€, mais ses affectations font 10,00\u202f€.',
    );
  });

  it('accepts an amount paid outside the register, recorded with the invoice', async () => {
    t.sqlite
      .prepare(
        `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, paid_cents, paid_outside_cents, refdet, status, source)
         VALUES (90, 'FAC-SCO-0090', ?, ?, 'Reprise historique', '2025-12', '2025-12-01', '2025-12-10', 5000, 2000, 2000, 'REF000090', 'emise', 'import')`,
      )
      .run(IDS.sco, IDS.martin);
    await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.martin,
        regieId: IDS.sco,
        amountCents: 3000,
        method: { mode: 'especes' },
        allocations: [{ invoiceId: 90, amountCents: 3000 }],
      },
      regisseur,
    );
    expect((await verify()).ledger.ok).toBe(true);
    t.sqlite.exec('DROP TRIGGER invoice_paid_outside_fixed; DROP TRIGGER invoice_status_changed');
    t.sqlite.prepare('UPDATE invoice SET paid_outside_cents = 1000 WHERE id = 90').run();
    expect((await verify()).ledger.firstError?.message).toBe(
      'Facture FAC-SCO-0090 : montant payé enregistré 50,00\u202f€, mais ses affectations font 30,00\u202f€ plus 10,00\u202f€ payés hors de Guichet.',
    );
  });

  it('detects a tampered grand total even when the entry is re-hashed consistently', async () => {
    // Rebuild the whole chain with a wrong total, as a forger with the hashing code could: the
    // totals check still catches it.
    await pay(1000);
    await pay(2000);
    t.sqlite.exec(
      'DROP TRIGGER journal_entry_no_update; DROP TRIGGER journal_entry_no_delete; DROP TRIGGER journal_tip_forward_only; DROP TRIGGER journal_entry_extends_tip;',
    );
    const rows = t.sqlite.prepare('SELECT * FROM journal_entry ORDER BY seq').all() as {
      seq: number;
      instant: string;
      kind: string;
      agent_id: number | null;
      regie_id: number | null;
      poste_code: string;
      payload: string;
    }[];
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const payload =
        r.seq === 4 ? r.payload.replace('"netCents":3000', '"netCents":2999') : r.payload;
      const hash = entryHash(prev, {
        seq: r.seq,
        instant: r.instant,
        kind: r.kind,
        agentId: r.agent_id,
        regieId: r.regie_id,
        posteCode: r.poste_code,
        payload,
      });
      t.sqlite
        .prepare('UPDATE journal_entry SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?')
        .run(payload, prev, hash, r.seq);
      prev = hash;
    }
    t.sqlite.prepare('UPDATE journal_tip SET last_hash = ?').run(prev);
    const report = await verify();
    expect(report.operations.firstError?.seq).toBe(4);
    expect(report.operations.firstError?.message).toMatch(/totaux perpétuels/);
  });

  it('is not fooled by labels that imitate the payload’s structure', async () => {
    t.sqlite
      .prepare(
        `INSERT INTO invoice (id, number, regie_id, family_id, label, period, issue_date, due_date, amount_cents, refdet, status, source)
         VALUES (91, 'FAC-SCO-0091', ?, ?, ?, '2026-01', '2026-01-01', '2026-01-02', 5000, 'REF000091', 'emise', 'import')`,
      )
      .run(IDS.sco, IDS.martin, 'Cantine ],"amountCents":999999,"totals":{"cancelledCents":0}}');
    await t.call(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.martin,
        regieId: IDS.sco,
        amountCents: 5000,
        method: { mode: 'especes' },
        allocations: [{ invoiceId: 91, amountCents: 5000 }],
      },
      regisseur,
    );
    await pay(1000);
    expect((await verify()).ok).toBe(true);
  });

  it('records each integrity check in the technical journal', async () => {
    await verify();
    const row = t.sqlite
      .prepare("SELECT payload FROM tech_journal_entry WHERE kind = 'verification_integrite'")
      .get() as { payload: string };
    expect(JSON.parse(row.payload)).toMatchObject({ ok: true });
  });
});

describe('roles', () => {
  it('lets the contrôleur verify but not record; the mandataire cannot verify', async () => {
    const controleur = await t.login('controleur');
    const mandataire = await t.login('mandataire');
    expect((await t.send('journal.verify', {}, controleur)).ok).toBe(true);
    const v = await t.send('journal.verify', {}, mandataire);
    expect(v.ok ? null : v.error.code).toBe('PERMISSION_REFUSEE');
    const r = await t.send(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 100,
        method: { mode: 'especes' },
      },
      controleur,
    );
    expect(r.ok ? null : r.error.code).toBe('PERMISSION_REFUSEE');
    const p = await t.send(
      'payments.preview',
      { familyId: IDS.dupond, regieId: IDS.sco, amountCents: 100, method: { mode: 'especes' } },
      controleur,
    );
    expect(p.ok ? null : p.error.code).toBe('PERMISSION_REFUSEE');
    expect((await t.send('journal.list', {}, controleur)).ok).toBe(true);
  });
});

describe('journal.list', () => {
  it('pages newest first, filters by kind and by Paris date', async () => {
    for (let i = 1; i <= 5; i++) await pay(i * 100);
    t.clock.ms = Date.parse('2026-03-17T23:30:00.000Z'); // 18 March, 00:30 in Paris
    appendJournal(t.sqlite, 'operations', {
      kind: 'configuration',
      instant: new Date(t.clock.ms).toISOString(),
      agentId: null,
      regieId: null,
      posteCode: 'P01',
      payload: { key: 'idle_lock_seconds', value: '600' },
    });
    const controleur = await t.login('controleur');
    const page1 = await t.call('journal.list', { kinds: ['paiement'], pageSize: 2 }, controleur);
    expect(page1.total).toBe(5);
    expect(page1.entries.map((e) => e.payload.amountCents)).toEqual([500, 400]);
    expect(page1.entries[0]?.summary).toBe(
      'Paiement R-SCO-P01-2026-000005 : 5,00\u202f€ (Chèque), famille F00001',
    );
    expect(page1.entries[0]).toMatchObject({
      kindLabel: 'Paiement',
      agentName: 'Régine Titulaire',
      regieCode: 'SCO',
      posteCode: 'P01',
    });
    const page3 = await t.call(
      'journal.list',
      { kinds: ['paiement'], pageSize: 2, page: 3 },
      controleur,
    );
    expect(page3.entries.map((e) => e.payload.amountCents)).toEqual([100]);
    const on18 = await t.call('journal.list', { from: '2026-03-18', to: '2026-03-18' }, controleur);
    expect(on18.entries.map((e) => e.kind)).toEqual(['connexion', 'configuration']);
    const on16 = await t.call('journal.list', { from: '2026-03-16', to: '2026-03-17' }, controleur);
    expect(on16.total).toBe(7); // the till opening, the login and five payments
    const tech = await t.call('journal.list', { book: 'technique' }, controleur);
    // Only the start of the core, journaled at every start.
    expect(tech.entries.map((e) => e.kind)).toEqual(['demarrage']);
  });

  it('labels and summarises the till’s entries in French', async () => {
    await pay(1000); // a cheque, so the till has something to count at closing
    const movement = await t.call(
      'till.movement',
      {
        commandId: newCommandId(),
        regieId: IDS.sco,
        kind: 'apport',
        amountCents: 2000,
        reason: 'Monnaie complémentaire',
      },
      regisseur,
    );
    expect(movement.signedAmountCents).toBe(2000);
    const preview = await t.call('till.closingPreview', {}, regisseur);
    const cash = preview.modes.find((l) => l.mode === 'especes')!.expectedCents;
    await t.call(
      'till.close',
      {
        commandId: newCommandId(),
        cashCounts: countOf(cash - 200),
        chequesPresent: preview.cheques.map((c) => c.paymentId),
        reasons: { especes: 'Erreur de rendu de monnaie' },
      },
      regisseur,
    );
    const controleur = await t.login('controleur');
    const till = await t.call(
      'journal.list',
      {
        kinds: [
          'ouverture_caisse',
          'mouvement_caisse',
          'ecart_caisse',
          'cloture_caisse',
          'derogation_plafond',
        ],
      },
      controleur,
    );
    expect(till.entries.map((e) => [e.kind, e.kindLabel])).toEqual([
      ['cloture_caisse', 'Clôture de caisse (Z)'],
      ['ecart_caisse', 'Écart de caisse'],
      ['mouvement_caisse', 'Mouvement de caisse'],
      ['ouverture_caisse', 'Ouverture de caisse'],
    ]);
    const summaries = till.entries.map((e) => e.summary);
    expect(summaries[1]).toBe(
      'Écart de caisse (Espèces) : déficit de 2,00\u202f€ (attendu ' +
        `${formatEuro(cash)}, compté ${formatEuro(cash - 200)}) : Erreur de rendu de monnaie`,
    );
    expect(summaries[2]).toBe('Apport 20,00\u202f€, régie SCO : Monnaie complémentaire');
    expect(summaries[3]).toMatch(/^Ouverture de caisse : fonds compté 150,00\u202f€$/);
    expect(summaries[0]).toMatch(/^Clôture de caisse : fonds laissé /);
  });
});
