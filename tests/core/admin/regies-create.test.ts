// Creating a régie (regies.create), for a commune without a portal: the régisseur alone, on a
// poste not enrolled to a portal; the code and the name are unique; bad values are refused in
// French and write nothing; the creation is journaled. Then the whole path of a commune that
// starts empty: its three régies created through the handler, the documented CSV samples
// imported, and payments taken on imported invoices, with the receipt read back from the PDF.
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../../src/core/core';
import { readRegies } from '../../../src/core/admin/settings-update';
import type { HandlerName, Input, Output } from '../../../src/shared/contract';
import type { AppError } from '../../../src/shared/errors';
import { demoRegies } from '../../../src/shared/demo/commune';
import { extractPdfText, printed } from '../../helpers/pdf-text';
import { sampleFile } from '../imports/import-helpers';
import { countOf, newCommandId, openTestCore, pdfBytes, type TestCore } from '../fixtures';

/** A complete, valid request: the Régie culturelle of the test commune. */
const culture = (over: Partial<Input<'regies.create'>> = {}): Input<'regies.create'> => ({
  commandId: newCommandId(),
  code: 'CUL',
  name: 'Régie culturelle',
  serviceName: 'Service Culture',
  serviceAddress: 'Médiathèque, 3 rue Victor Hugo, 49100 Ville de Test',
  servicePhone: '02 61 91 00 40',
  acceptedModes: ['especes', 'cheque', 'carte'],
  cashCeilingCents: 80000,
  floatCents: 5000,
  creditorLabel: 'Régie culturelle de Ville de Test',
  numcli: '090912',
  payfipSaisie: 'T',
  dftAccount: 'FR76 1007 1490 0000 0020 0104 567',
  allowCredit: false,
  allowDirectDebitPayment: false,
  ...over,
});

function regieState(sqlite: Core['sqlite']) {
  return {
    regies: sqlite.prepare('SELECT * FROM regie ORDER BY id').all(),
    commands: sqlite.prepare('SELECT * FROM command ORDER BY command_id').all(),
    journal: sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  };
}

describe('regies.create', () => {
  let t: TestCore;
  let regisseur: string;

  beforeEach(async () => {
    t = await openTestCore();
    regisseur = await t.login('regisseur');
  });
  afterEach(() => t.close());

  /** A refusal that must leave régies, commands and journal exactly as they were. */
  async function refused(args: unknown, token = regisseur): Promise<AppError> {
    const before = regieState(t.sqlite);
    const r = await t.core.send('regies.create', args, token);
    expect(r.ok).toBe(false);
    expect(regieState(t.sqlite)).toEqual(before);
    if (r.ok) throw new Error('refus attendu');
    return r.error;
  }

  it('creates the régie, journaled, and shows it among the régies', async () => {
    const created = await t.call('regies.create', culture({ code: ' cul ' }), regisseur);
    const regie = created.view.regies.find((r) => r.regieId === created.regieId);
    expect(regie).toEqual({
      regieId: created.regieId,
      code: 'CUL',
      name: 'Régie culturelle',
      acceptedModes: ['especes', 'cheque', 'carte'],
      cashCeilingCents: 80000,
      floatCents: 5000,
      creditorLabel: 'Régie culturelle de Ville de Test',
      numcli: '090912',
      payfipSaisie: 'T',
      dftAccount: 'FR76 1007 1490 0000 0020 0104 567',
      allowCredit: false,
      allowDirectDebitPayment: false,
      serviceName: 'Service Culture',
      serviceAddress: 'Médiathèque, 3 rue Victor Hugo, 49100 Ville de Test',
      servicePhone: '02 61 91 00 40',
    });
    expect(created.view.regies.map((r) => r.code)).toEqual(['CUL', 'SCO', 'SPO']);
    expect(
      t.sqlite.prepare('SELECT commune_id, created_at FROM regie WHERE code = ?').get('CUL'),
    ).toEqual({ commune_id: 1, created_at: '2026-03-16T09:30:00.000Z' });

    const entries = t.sqlite
      .prepare("SELECT regie_id, agent_id, payload FROM journal_entry WHERE kind = 'configuration'")
      .all() as { regie_id: number; agent_id: number; payload: string }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.regie_id).toBe(created.regieId);
    expect(JSON.parse(entries[0]?.payload ?? '{}')).toMatchObject({
      scope: 'regie',
      action: 'creation',
      regieCode: 'CUL',
      regie: { code: 'CUL', cashCeilingCents: 80000, numcli: '090912' },
      agreements: { cesu: null, chequeVacances: null },
    });
    const journal = await t.call('journal.list', { book: 'operations' }, regisseur);
    expect(journal.entries.map((e) => e.summary)).toContain('Régie CUL créée');
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('returns the first result when the same request is sent again, and writes nothing more', async () => {
    const args = culture();
    const first = await t.call('regies.create', args, regisseur);
    const before = regieState(t.sqlite);
    const again = await t.call('regies.create', args, regisseur);
    expect(again.regieId).toBe(first.regieId);
    expect(regieState(t.sqlite)).toEqual(before);
    // The same command id with another content is a client bug: refused, nothing written.
    const other = await refused({ ...args, name: 'Régie culturelle bis' });
    expect(other.code).toBe('CONFLIT');
  });

  it('refuses a code or a name already taken, in French', async () => {
    const code = await refused(culture({ code: 'sco' }));
    expect(code).toMatchObject({ code: 'CONFLIT', reason: 'REGIE_CODE_PRIS' });
    expect(code.message).toBe(
      'Le code SCO est déjà celui de la régie « Régie scolaire et périscolaire ». Aucune régie n’a été créée : choisissez un autre code (codes déjà pris : SCO, SPO).',
    );
    // Capitals and accents aside, the same name is the same régie for a reader.
    const name = await refused(culture({ name: 'REGIE DES SPORTS' }));
    expect(name).toMatchObject({ code: 'CONFLIT', reason: 'REGIE_NOM_PRIS' });
    expect(name.message).toContain('Une régie s’appelle déjà « Régie des sports » (code SPO)');
  });

  it('refuses invalid values with a French message naming the problem, writing nothing', async () => {
    const cases: [Partial<Input<'regies.create'>> & Record<string, unknown>, string][] = [
      [{ code: 'S' }, 'Le code de la régie comporte 2 à 5 lettres sans accent ou chiffres'],
      [{ code: 'SC-1' }, 'sans espace ni tiret'],
      [{ code: 'ÉCOLE' }, 'sans espace ni tiret'],
      [{ code: 'CULTUR' }, 'Le code de la régie comporte 2 à 5'],
      [{ name: ' ' }, 'Indiquez le nom de la régie'],
      [{ serviceAddress: '' }, 'Indiquez l’adresse du service'],
      [{ servicePhone: '12' }, 'Téléphone du service invalide'],
      [{ numcli: '12345' }, 'Le numéro client PayFiP (numcli) comporte exactement 6 chiffres'],
      [{ numcli: null, payfipSaisie: 'W' }, 'PayFiP en activation ou en production demande'],
      [{ floatCents: 90000 }, 'Le fonds de caisse ne peut pas dépasser le plafond d’encaisse.'],
      [{ acceptedModes: [] }, 'Une régie doit accepter au moins un mode de paiement.'],
      [{ acceptedModes: ['cesu'] }, 'Les CESU ne peuvent être acceptés que si la régie'],
      [{ cashCeilingCents: 12.5 }, 'plafond d’encaisse : Le montant doit être un nombre entier'],
      [{ creditorLabel: 'X' }, 'Indiquez l’ordre des chèques'],
      [{ regieId: 3 }, 'Champ inconnu (regieId) pour la création d’une régie.'],
    ];
    for (const [over, message] of cases) {
      const error = await refused({ ...culture(), ...over });
      expect(error.code, JSON.stringify(over)).toBe('VALIDATION');
      expect(error.message, JSON.stringify(over)).toContain(message);
    }
  });

  it('is refused on a poste enrolled to a portal, whose régies come by sync', async () => {
    t.sqlite
      .prepare(
        `INSERT INTO sync_state (id, portal_url, counter_id, poste_code, enrolled_at)
         VALUES (1, 'https://portail.ville-de-test.fr', 'c-1', 'P01', '2026-03-01T08:00:00.000Z')`,
      )
      .run();
    const error = await refused(culture());
    expect(error).toMatchObject({ code: 'REGLE_METIER', reason: 'POSTE_RELIE_AU_PORTAIL' });
    expect(error.message).toContain(
      'Ce poste est relié au portail (https://portail.ville-de-test.fr) : ses régies viennent du portail par la synchronisation. Aucune régie n’a été créée.',
    );
  });

  it('is reserved to the régisseur titulaire', async () => {
    for (const role of ['mandataire', 'suppleant', 'controleur'] as const) {
      const error = await refused(culture(), await t.login(role));
      expect(error.code, role).toBe('PERMISSION_REFUSEE');
    }
  });

  it('lets regies.update correct the name and the service printed on documents, journaled', async () => {
    const { regieId } = await t.call('regies.create', culture(), regisseur);
    const {
      commandId: _c,
      code: _code,
      name: _n,
      serviceName: _s,
      serviceAddress: _a,
      servicePhone: _p,
      ...config
    } = culture();
    const view = await t.call(
      'regies.update',
      {
        ...config,
        regieId,
        name: 'Régie de la culture',
        serviceAddress: 'Médiathèque, 5 rue Victor Hugo, 49100 Ville de Test',
        servicePhone: null,
      },
      regisseur,
    );
    expect(view.regies.find((r) => r.regieId === regieId)).toMatchObject({
      code: 'CUL',
      name: 'Régie de la culture',
      serviceName: 'Service Culture',
      serviceAddress: 'Médiathèque, 5 rue Victor Hugo, 49100 Ville de Test',
      servicePhone: null,
    });
    const last = t.sqlite
      .prepare("SELECT payload FROM journal_entry WHERE kind = 'configuration' ORDER BY seq DESC")
      .get() as { payload: string };
    expect(JSON.parse(last.payload)).toMatchObject({
      scope: 'regie',
      changes: [
        { key: 'name', old: 'Régie culturelle', new: 'Régie de la culture' },
        {
          key: 'serviceAddress',
          old: 'Médiathèque, 3 rue Victor Hugo, 49100 Ville de Test',
          new: 'Médiathèque, 5 rue Victor Hugo, 49100 Ville de Test',
        },
        { key: 'servicePhone', old: '02 61 91 00 40', new: null },
      ],
    });
    // Sent without the identity, the update leaves it as it is.
    const same = await t.call('regies.update', { ...config, regieId }, regisseur);
    expect(same.regies.find((r) => r.regieId === regieId)?.name).toBe('Régie de la culture');
  });
});

describe('a commune without a portal, from empty to its first payments', () => {
  const PASSWORD = 'Regies-Regisseur-2026';
  let core: Core;
  let token: string;

  async function send<K extends HandlerName>(name: K, args: Input<K>) {
    return (await core.send(name, args, token)) as
      { ok: true; value: Output<K> } | { ok: false; error: AppError };
  }
  async function call<K extends HandlerName>(name: K, args: Input<K>): Promise<Output<K>> {
    const r = await send(name, args);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  }

  beforeEach(async () => {
    process.env.GUICHET_ADMIN_PASSWORD = PASSWORD;
    core = await openCore({
      dbFile: ':memory:',
      seed: 'empty',
      now: () => new Date('2026-03-16T09:30:00.000Z'),
      logger: pino({ level: 'silent' }),
      sync: { background: false },
    });
    delete process.env.GUICHET_ADMIN_PASSWORD;
    const r = await core.send('auth.login', { login: 'regisseur', password: PASSWORD }, null);
    if (!r.ok) throw new Error(r.error.message);
    token = (r.value as { token: string }).token;
  });
  afterEach(() => core.close());

  const files = () => ({
    families: sampleFile('familles.csv'),
    children: sampleFile('enfants.csv'),
    invoices: sampleFile('factures.csv'),
  });

  it('imports the sample files once SCO, PEN and SPO are created, then takes payments', async () => {
    expect(readRegies(core.sqlite)).toEqual([]);
    // The commune's identity first: receipts would otherwise print « Commune à configurer ».
    await call('commune.update', {
      name: 'Ville de Démo',
      addressLine: '1 place de la Mairie',
      postalCode: '49100',
      city: 'Ville de Démo',
      siret: null,
      phone: null,
    });
    // Before the régies exist, the invoices cannot be imported, and the error says why.
    const early = await call('import.preview', files());
    expect(early.ok).toBe(false);
    expect(early.errors[0]?.message).toContain('aucune régie n’est encore configurée sur ce poste');

    for (const r of demoRegies) {
      await call('regies.create', {
        commandId: newCommandId(),
        code: r.code,
        name: r.name,
        serviceName: r.serviceName,
        serviceAddress: r.serviceAddress,
        servicePhone: r.servicePhone,
        acceptedModes: r.acceptedModes,
        cesuAgreement: r.acceptedModes.includes('cesu'),
        chequeVacancesAgreement: r.acceptedModes.includes('cheque_vacances'),
        cashCeilingCents: r.cashCeilingCents,
        floatCents: r.floatCents,
        creditorLabel: `${r.name} de Ville de Démo`,
        numcli: r.numcli,
        payfipSaisie: 'T',
        dftAccount: r.dftAccount,
        allowCredit: r.allowCredit,
        allowDirectDebitPayment: r.allowDirectDebitPayment,
      });
    }
    const view = await call('settings.get', {});
    expect(view.regies.map((r) => [r.code, r.acceptedModes])).toEqual([
      ['PEN', ['especes', 'cheque', 'carte', 'cesu', 'virement', 'payfip']],
      ['SCO', ['especes', 'cheque', 'carte', 'virement', 'payfip']],
      ['SPO', ['especes', 'cheque', 'carte', 'cheque_vacances', 'payfip']],
    ]);

    const preview = await call('import.preview', files());
    expect(preview.errors).toEqual([]);
    const imported = await call('import.apply', { ...files(), commandId: newCommandId() });
    expect(imported.invoices).toMatchObject({ created: 8 });

    // The counter opens its till with the largest float of the régies (150,00 € for SCO).
    const till = await call('till.open', { commandId: newCommandId(), counts: countOf(15000) });
    expect(till.float).toMatchObject({ expectedCents: 15000 });

    const [hit] = await call('families.search', { query: 'FAM1001' });
    const family = await call('families.get', { familyId: hit?.familyId ?? 0 });
    const sco = family.regies.find((r) => r.regieCode === 'SCO');
    const spo = family.regies.find((r) => r.regieCode === 'SPO');
    expect(sco?.invoices.map((i) => [i.number, i.remainingCents])).toEqual([
      ['F26-SCO-0001', 8640],
    ]);

    // Cash on the SCO invoice, with the receipt printed as A5 and read back.
    const cash = await call('payments.record', {
      commandId: newCommandId(),
      familyId: family.id,
      regieId: sco?.regieId ?? 0,
      amountCents: 8640,
      method: { mode: 'especes', tenderedCents: 10000 },
      printLayout: 'a5',
    });
    expect(cash).toMatchObject({
      receiptNumber: 'R-SCO-P01-2026-000001',
      changeCents: 1360,
      warning: null,
    });
    const pdf = await extractPdfText(pdfBytes(cash.print?.pdfBase64));
    expect(printed(pdf, 'R-SCO-P01-2026-000001')).toBe(true);
    expect(printed(pdf, 'Régie scolaire et périscolaire')).toBe(true);
    // The commune as set above, not the placeholder of an empty commune.
    expect(printed(pdf, 'VILLE DE DÉMO')).toBe(true);
    expect(printed(pdf, 'Adresse à renseigner')).toBe(false);
    // The service's address and telephone given at creation (the address wraps on two lines).
    expect(printed(pdf, 'Hôtel de ville, 1 place de la Mairie,')).toBe(true);
    expect(printed(pdf, '49100 Ville de Démo')).toBe(true);
    expect(printed(pdf, 'Tél. 02 61 91 00 10')).toBe(true);

    // A cheque on the SPO invoice, made out to the creditor label given at creation.
    const cheque = await call('payments.record', {
      commandId: newCommandId(),
      familyId: family.id,
      regieId: spo?.regieId ?? 0,
      amountCents: 6500,
      method: {
        mode: 'cheque',
        bank: 'Banque du test',
        number: '7654321',
        drawer: 'Élodie Lafleur',
        payee: 'Régie des sports de Ville de Démo',
      },
    });
    expect(cheque.receiptNumber).toBe('R-SPO-P01-2026-000001');

    const after = await call('families.get', { familyId: family.id });
    expect(
      after.regies.flatMap((r) => r.invoices.map((i) => [i.number, i.remainingCents, i.state])),
    ).toEqual([
      ['F26-SCO-0001', 0, expect.anything()],
      ['F26-SPO-0001', 0, expect.anything()],
    ]);
    expect((await call('journal.verify', {})).ok).toBe(true);
  });
});
