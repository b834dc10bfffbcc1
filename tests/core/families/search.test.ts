// families.search through the dispatcher (validation and permissions included) on the demo
// commune: accents and case, glued compound names, children, responsables, codes, invoice
// references, ranking, odd characters and limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FamilySearchHit } from '../../../src/shared/contract';
import type { Result } from '../../../src/shared/result';
import { openDemoCore, type DemoCore } from '../demo/demo-core';

let demo: DemoCore;
let token: string;

beforeAll(async () => {
  demo = await openDemoCore();
  token = await demo.login('mandataire', 'demo-mandataire');
});
afterAll(() => demo.close());

async function search(query: string, limit?: number): Promise<FamilySearchHit[]> {
  const r = (await demo.send(
    'families.search',
    limit === undefined ? { query } : { query, limit },
    token,
  )) as Result<FamilySearchHit[]>;
  if (!r.ok) throw new Error(`${r.error.code} : ${r.error.message}`);
  return r.value;
}

function family(id: number) {
  return demo.sqlite.prepare('SELECT id, code, family_name FROM family WHERE id = ?').get(id) as {
    id: number;
    code: string;
    family_name: string;
  };
}

const idsOf = (hits: FamilySearchHit[]) => hits.map((h) => h.familyId);

describe('access and validation', () => {
  it('refuses a search without a session', async () => {
    const r = await demo.send('families.search', { query: 'lefevre' }, null);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('NON_AUTHENTIFIE');
      expect(r.error.message).toMatch(/Vous n’êtes pas connecté/);
    }
  });

  it('refuses bad arguments with a French message', async () => {
    const tooLong = await demo.send('families.search', { query: 'x'.repeat(201) }, token);
    expect(tooLong.ok ? null : tooLong.error).toEqual({
      code: 'VALIDATION',
      message: 'Recherche trop longue (200 caractères au plus).',
    });
    const notText = await demo.send('families.search', { query: 42 }, token);
    expect(notText.ok ? null : notText.error.code).toBe('VALIDATION');
    expect(notText.ok ? '' : notText.error.message).toMatch(
      /^recherche : .*(attendu|Entrée invalide)/,
    );
    for (const limit of [0, 101, 2.5]) {
      const r = await demo.send('families.search', { query: 'a', limit }, token);
      expect(r.ok ? null : r.error.code).toBe('VALIDATION');
      expect(r.ok ? '' : r.error.message).toMatch(/^nombre maximal : /);
    }
  });

  it('lets every role, the contrôleur included, search', async () => {
    for (const [login, password] of [
      ['regisseur', 'demo-regisseur'],
      ['suppleant', 'demo-suppleant'],
      ['controleur', 'demo-controleur'],
    ] as const) {
      const t = await demo.login(login, password);
      const r = await demo.send('families.search', { query: 'lefevre' }, t);
      expect(r.ok).toBe(true);
    }
  });
});

describe('what a search finds', () => {
  it('returns nothing for an empty query, blanks or punctuation alone', async () => {
    for (const q of ['', '   ', '-', "''", '***']) expect(await search(q)).toEqual([]);
  });

  it('finds Lefèvre however it is typed, accents and case folded', async () => {
    const lefevre = family(1);
    expect(lefevre.family_name).toBe('Lefèvre');
    for (const q of ['lefevre', 'LEFEVRE', 'Lefèvre', 'lefèv', 'LÉFÈVRE', '  lefevre  ', 'lef']) {
      const hits = await search(q);
      expect(idsOf(hits), q).toContain(1);
      const hit = hits.find((h) => h.familyId === 1)!;
      expect(hit.code).toBe(lefevre.code);
      expect(hit.title).toMatch(/^LEFÈVRE /);
      expect(hit.matched).toBe('Nom : Lefèvre');
    }
  });

  it.each([
    [2, "N'Diaye", ['ndiaye', 'NDIAYE', "n'diaye", 'N’Diaye', 'n diaye', 'ndia', 'diaye']],
    [3, 'Da Silva', ['dasilva', 'da silva', 'DA-SILVA', 'silva', 'dasil']],
    [4, 'Le Gall', ['legall', 'le gall', 'LE GALL', 'gall']],
    [5, 'Müller-Petit', ['mullerpetit', 'muller petit', 'Müller-Petit', 'MULLER', 'petit']],
    [8, "D'Almeida", ['dalmeida', "d'almeida", 'almeida']],
  ] as const)('finds family %i (%s) glued, spaced or apostrophed', async (id, name, queries) => {
    expect(family(id).family_name).toBe(name);
    for (const q of queries) expect(idsOf(await search(q, 100)), q).toContain(id);
  });

  it('finds a family by a child’s first name and says so', async () => {
    const child = demo.sqlite
      .prepare(
        `SELECT c.family_id, c.first_name, f.family_name FROM child c JOIN family f ON f.id = c.family_id
         WHERE c.last_name = f.family_name ORDER BY c.id LIMIT 1`,
      )
      .get() as { family_id: number; first_name: string; family_name: string };
    const hits = await search(`${child.first_name} ${child.family_name}`);
    const hit = hits.find((h) => h.familyId === child.family_id);
    expect(hit).toBeDefined();
    // The child explains the hit unless a responsable happens to share the first name.
    const shared = demo.sqlite
      .prepare('SELECT count(*) FROM responsable WHERE family_id = ? AND first_name = ?')
      .pluck()
      .get(child.family_id, child.first_name) as number;
    expect(hit!.matched).toEqual(
      shared === 0 ? `Enfant : ${child.first_name}` : expect.stringMatching(/^Responsable : /),
    );
  });

  it('finds a family by a responsable’s first name and names that responsable', async () => {
    const r = demo.sqlite
      .prepare(
        `SELECT family_id, first_name, last_name FROM responsable WHERE rank = 2 AND family_id > 10
         AND first_name NOT IN (SELECT first_name FROM child WHERE family_id = responsable.family_id) ORDER BY family_id LIMIT 1`,
      )
      .get() as { family_id: number; first_name: string; last_name: string };
    const fam = family(r.family_id);
    const hit = (await search(`${fam.family_name} ${r.first_name}`)).find(
      (h) => h.familyId === r.family_id,
    );
    expect(hit?.matched).toBe(`Responsable : ${r.first_name} ${r.last_name}`);
    expect(hit?.title).toContain(r.first_name);
  });

  it('puts the family of a code famille first, typed whole, in lower case, without hyphen, or by its number', async () => {
    const target = family(37);
    const [letters, digits] = target.code.split('-') as [string, string];
    for (const q of [
      target.code,
      target.code.toLowerCase(),
      `${letters}${digits}`,
      `${letters} ${digits}`,
      digits,
    ]) {
      const hits = await search(q);
      expect(hits[0]?.familyId, q).toBe(37);
      expect(hits[0]?.matched).toBe(`Code famille ${target.code}`);
    }
  });

  it('puts the family of an invoice number or PayFiP reference first, and finds invoices by prefix', async () => {
    const inv = demo.sqlite
      .prepare('SELECT number, refdet, family_id FROM invoice ORDER BY id DESC LIMIT 1 OFFSET 17')
      .get() as { number: string; refdet: string; family_id: number };
    const byNumber = await search(inv.number);
    expect(byNumber[0]).toMatchObject({
      familyId: inv.family_id,
      matched: `Facture ${inv.number}`,
    });
    const lower = await search(` ${inv.number.toLowerCase()} `);
    expect(lower[0]?.familyId).toBe(inv.family_id);
    const byRefdet = await search(inv.refdet.toLowerCase());
    expect(byRefdet[0]).toMatchObject({
      familyId: inv.family_id,
      matched: `Référence PayFiP ${inv.refdet} (facture ${inv.number})`,
    });
    // A prefix of the number lists the families of the invoices it starts, in number order.
    const prefix = inv.number.slice(0, -2);
    const hits = await search(prefix, 100);
    expect(hits.length).toBeGreaterThan(0);
    expect(idsOf(hits)).toContain(inv.family_id);
    for (const h of hits) expect(h.matched).toMatch(new RegExp(`^Facture ${prefix}`));
  });

  it('reports what each family still owes: open invoices, trésorerie and annulée excluded', async () => {
    const hits = await search('le gall', 100);
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      const due = demo.sqlite
        .prepare(
          `SELECT coalesce(sum(amount_cents - paid_cents), 0) FROM invoice WHERE family_id = ?
           AND status IN ('emise', 'prelevement') AND paid_cents < amount_cents`,
        )
        .pluck()
        .get(h.familyId) as number;
      expect(h.dueCents).toBe(due);
      const city = demo.sqlite
        .prepare('SELECT city FROM responsable WHERE family_id = ? AND rank = 1')
        .pluck()
        .get(h.familyId);
      expect(h.city).toBe(city);
    }
    expect(hits.some((h) => h.dueCents > 0)).toBe(true);
  });

  it('never fails on characters that mean something to FTS5 or SQL', async () => {
    const odd = [
      '"',
      '"lefevre',
      'lefevre"*',
      '*',
      'lef*',
      '-lefevre',
      'NEAR(lefevre gall)',
      'lefevre AND',
      'OR NOT',
      '(',
      ')',
      '((()))',
      '{names}: lefevre',
      'names:lefevre',
      '^lefevre',
      "'); DROP TABLE family; --",
      '%_\\',
      '😀 lefevre',
      '\u0000',
      '*'.repeat(200),
      'a '.repeat(100),
    ];
    for (const q of odd) {
      const r = await demo.send('families.search', { query: q }, token);
      expect(r.ok, q).toBe(true);
    }
    expect(idsOf(await search('NEAR(lefevre)'))).toEqual([]);
    expect(idsOf(await search('-lefevre'))).toContain(1);
    expect(demo.sqlite.prepare('SELECT count(*) FROM family').pluck().get()).toBe(300);
  });

  it('respects the limit and defaults to 20', async () => {
    expect(await search('a', 3)).toHaveLength(3);
    expect(await search('a')).toHaveLength(20);
    const all = await search('e', 100);
    expect(all.length).toBeGreaterThan(20);
    expect(new Set(idsOf(all)).size).toBe(all.length);
  });
});

describe('ranking', () => {
  beforeAll(() => {
    // Families made for the ranking: a name typed exactly, a child carrying that name in another
    // family, a longer family name beginning with it, and a child's longer name beginning with it.
    const add = demo.sqlite.transaction(() => {
      const fam = demo.sqlite.prepare(
        'INSERT INTO family (id, code, family_name) VALUES (?, ?, ?)',
      );
      const resp = demo.sqlite.prepare(
        `INSERT INTO responsable (family_id, rank, civility, last_name, first_name, address_line1, postal_code, city)
         VALUES (?, 1, 'Mme', ?, ?, '1 rue du Test', '49100', 'Ville de Démo')`,
      );
      const child = demo.sqlite.prepare(
        "INSERT INTO child (family_id, first_name, last_name, birth_date) VALUES (?, ?, ?, '2018-05-01')",
      );
      fam.run(9001, 'BON-90001', 'Bonvaletti');
      resp.run(9001, 'Bonvaletti', 'Agnès');
      fam.run(9002, 'QUE-90002', 'Quesnel');
      resp.run(9002, 'Quesnel', 'Sophie');
      child.run(9002, 'Bonvalet', 'Quesnel');
      fam.run(9003, 'BON-90003', 'Bonvalet');
      resp.run(9003, 'Bonvalet', 'Claire');
      fam.run(9004, 'PER-90004', 'Perrault');
      resp.run(9004, 'Perrault', 'Inès');
      child.run(9004, 'Bonvaletto', 'Perrault');
    });
    add();
  });

  it('lists a family name typed whole, then a child of that name, then longer names', async () => {
    const hits = await search('bonvalet');
    expect(idsOf(hits)).toEqual([9003, 9002, 9001, 9004]);
    expect(hits.map((h) => h.matched)).toEqual([
      'Nom : Bonvalet',
      'Enfant : Bonvalet',
      'Nom : Bonvaletti',
      'Enfant : Bonvaletto',
    ]);
    expect(hits[1]!.title).toBe('QUESNEL Sophie');
  });

  it('prefers a code famille over names that merely contain the same letters', async () => {
    const hits = await search('BON-90001');
    expect(hits[0]).toMatchObject({ familyId: 9001, matched: 'Code famille BON-90001' });
  });

  it('narrows with every word typed (AND of prefixes)', async () => {
    expect(idsOf(await search('bonval cla'))).toEqual([9003]);
    expect(idsOf(await search('quesnel bonv'))).toEqual([9002]);
    expect(idsOf(await search('quesnel claire'))).toEqual([]);
  });
});
