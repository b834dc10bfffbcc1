// The first start of a packaged installation: a database opened with seed 'none' holds nothing,
// setup.status says so without a session, and setup.initialize creates the commune, the
// régisseur titulaire and this poste in one journaled transaction, after which the régisseur
// logs in and configures the régies. Once anything exists it refuses, a race included, and bad
// input is refused in French; every refusal leaves the database exactly as it was. The
// database is a real SQLite file, reopened to check that what was written stays.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/core/auth/passwords';
import { openCore, type Core } from '../../../src/core/core';
import type { HandlerName, Input, Output } from '../../../src/shared/contract';
import type { AppError } from '../../../src/shared/errors';
import { newCommandId } from '../fixtures';

const valid = (over: Partial<Input<'setup.initialize'>> = {}): Input<'setup.initialize'> => ({
  communeName: 'Ville de Saint-Essai',
  addressLine: '1 place de la Mairie',
  postalCode: '49100',
  city: 'Saint-Essai',
  posteCode: 'acc1',
  posteName: 'Accueil mairie',
  login: 'regisseur',
  displayName: 'Régine Titulaire',
  password: 'Regie-Essai-2026',
  ...over,
});

type Sent<K extends HandlerName> = { ok: true; value: Output<K> } | { ok: false; error: AppError };

describe('first start (mise en service)', () => {
  let dir: string;
  let dbFile: string;
  let core: Core;

  const open = () =>
    openCore({
      dbFile,
      seed: 'none',
      logger: pino({ level: 'silent' }),
      backupSchedule: false,
      sync: { background: false },
    });
  const send = async <K extends HandlerName>(
    name: K,
    args: Input<K>,
    token: string | null = null,
  ) => (await core.send(name, args, token)) as Sent<K>;

  /** Every table setup may write, and the tips of both journals. */
  const state = () => ({
    communes: core.sqlite.prepare('SELECT * FROM commune ORDER BY id').all(),
    agents: core.sqlite.prepare('SELECT * FROM agent ORDER BY id').all(),
    postes: core.sqlite.prepare('SELECT * FROM poste ORDER BY id').all(),
    settings: core.sqlite.prepare('SELECT * FROM setting ORDER BY key').all(),
    regies: core.sqlite.prepare('SELECT * FROM regie ORDER BY id').all(),
    journal: core.sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  });

  /** A refusal that must leave everything as it was, with its code and French message. */
  async function refused(args: unknown): Promise<AppError> {
    const before = state();
    const r = await core.send('setup.initialize', args, null);
    if (r.ok) throw new Error(`refus attendu, reçu ${JSON.stringify(r.value)}`);
    expect(state()).toEqual(before);
    return r.error;
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'guichet-setup-'));
    dbFile = path.join(dir, 'guichet.sqlite');
    core = await open();
  });
  afterEach(() => {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with nothing: setup needed, nobody can log in, system.status names no commune', async () => {
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: true } });
    const s = state();
    expect([s.communes, s.agents, s.postes, s.regies]).toEqual([[], [], [], []]);
    expect(s.settings).not.toContainEqual(expect.objectContaining({ key: 'poste_code' }));
    const status = await send('system.status', {});
    expect(status.ok && status.value.commune).toBe(null);
    const login = await send('auth.login', { login: 'regisseur', password: 'Regie-Essai-2026' });
    expect(!login.ok && login.error.code).toBe('IDENTIFIANTS_INVALIDES');
  });

  it('creates commune, régisseur, poste and poste code in one journaled step, then the régisseur logs in', async () => {
    const r = await send('setup.initialize', valid());
    expect(r).toEqual({
      ok: true,
      value: { login: 'regisseur', communeName: 'Ville de Saint-Essai', posteCode: 'ACC1' },
    });
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: false } });

    const communes = core.sqlite.prepare('SELECT * FROM commune').all();
    expect(communes).toEqual([
      expect.objectContaining({
        name: 'Ville de Saint-Essai',
        address_line: '1 place de la Mairie',
        postal_code: '49100',
        city: 'Saint-Essai',
        siret: null,
        phone: null,
        portal_url: null,
        demo: 0,
      }),
    ]);
    const agents = core.sqlite.prepare('SELECT * FROM agent').all() as {
      id: number;
      login: string;
      display_name: string;
      role: string;
      active: number;
      password_hash: string;
    }[];
    expect(agents).toHaveLength(1);
    const [agent] = agents;
    expect(agent).toMatchObject({
      login: 'regisseur',
      display_name: 'Régine Titulaire',
      role: 'regisseur',
      active: 1,
    });
    expect(agent?.password_hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('Regie-Essai-2026', agent?.password_hash ?? '')).toBe(true);
    expect(core.sqlite.prepare('SELECT code, name FROM poste').all()).toEqual([
      { code: 'ACC1', name: 'Accueil mairie' },
    ]);
    expect(core.sqlite.prepare("SELECT value FROM setting WHERE key = 'poste_code'").get()).toEqual(
      { value: 'ACC1' },
    );

    const journal = core.sqlite
      .prepare('SELECT kind, agent_id, regie_id, poste_code, payload FROM journal_entry')
      .all() as { kind: string; agent_id: number; poste_code: string; payload: string }[];
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({
      kind: 'mise_en_service',
      agent_id: agent?.id,
      regie_id: null,
      poste_code: 'ACC1',
    });
    expect(JSON.parse(journal[0]?.payload ?? '{}')).toEqual({
      communeName: 'Ville de Saint-Essai',
      addressLine: '1 place de la Mairie',
      postalCode: '49100',
      city: 'Saint-Essai',
      posteCode: 'ACC1',
      posteName: 'Accueil mairie',
      login: 'regisseur',
      displayName: 'Régine Titulaire',
    });
    // The password, even hashed, is not journaled.
    expect(journal[0]?.payload).not.toMatch(/Regie-Essai|scrypt/);

    const wrong = await send('auth.login', { login: 'regisseur', password: 'pas-le-bon' });
    expect(!wrong.ok && wrong.error.code).toBe('IDENTIFIANTS_INVALIDES');
    const login = await send('auth.login', { login: 'regisseur', password: 'Regie-Essai-2026' });
    if (!login.ok) throw new Error(login.error.message);
    expect(login.value.agent).toMatchObject({ login: 'regisseur', role: 'regisseur' });
    expect(login.value.posteCode).toBe('ACC1');
    const token = login.value.token;

    // The journal reads the step back in French, and both chains verify.
    const page = await send('journal.list', { book: 'operations' }, token);
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.entries.map((e) => [e.kindLabel, e.summary])).toContainEqual([
      'Mise en service du poste',
      'Mise en service : commune Ville de Saint-Essai, poste ACC1, régisseur titulaire « regisseur »',
    ]);
    const verify = await send('journal.verify', {}, token);
    expect(verify.ok && verify.value.ok).toBe(true);

    // Paramètres: the commune is the one typed (no « Commune à configurer » left), this poste
    // is named, nothing is enrolled, and the régisseur can create the first régie.
    const settings = await send('settings.get', {}, token);
    if (!settings.ok) throw new Error(settings.error.message);
    expect(settings.value.machine).toMatchObject({
      posteCode: 'ACC1',
      posteName: 'Accueil mairie',
    });
    expect(settings.value.commune).toMatchObject({
      name: 'Ville de Saint-Essai',
      city: 'Saint-Essai',
    });
    expect(settings.value.regies).toEqual([]);
    const regie = await send(
      'regies.create',
      {
        commandId: newCommandId(),
        code: 'SCO',
        name: 'Régie scolaire',
        serviceName: 'Service Éducation',
        serviceAddress: '3 rue des Écoles, 49100 Saint-Essai',
        servicePhone: null,
        acceptedModes: ['especes', 'cheque'],
        cashCeilingCents: 150000,
        floatCents: 15000,
        creditorLabel: 'Régie scolaire de Saint-Essai',
        numcli: null,
        payfipSaisie: 'T',
        dftAccount: '',
        allowCredit: true,
        allowDirectDebitPayment: false,
      },
      token,
    );
    expect(regie.ok, JSON.stringify(regie)).toBe(true);

    // Written to the file: a restart finds the same installation, setup no longer needed.
    core.close();
    core = await open();
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: false } });
    const again = await send('auth.login', { login: 'regisseur', password: 'Regie-Essai-2026' });
    expect(again.ok && again.value.posteCode).toBe('ACC1');
  });

  it('normalises the poste code and the login, and proposes « regisseur » as login', async () => {
    const { login: _omitted, ...withoutLogin } = valid({ posteCode: '  p02 ' });
    const r = await send('setup.initialize', withoutLogin);
    expect(r.ok && r.value).toEqual({
      login: 'regisseur',
      communeName: 'Ville de Saint-Essai',
      posteCode: 'P02',
    });
    expect(core.sqlite.prepare('SELECT login FROM agent').all()).toEqual([{ login: 'regisseur' }]);
  });

  it('stores a login typed with capitals in lower case, the spelling the login screen gets', async () => {
    const r = await send('setup.initialize', valid({ login: ' M.Dupont ' }));
    expect(r.ok && r.value.login).toBe('m.dupont');
    const login = await send('auth.login', { login: 'm.dupont', password: 'Regie-Essai-2026' });
    expect(login.ok).toBe(true);
  });

  it('refuses a second setup and changes nothing', async () => {
    expect((await send('setup.initialize', valid())).ok).toBe(true);
    const e = await refused(
      valid({ communeName: 'Ville de Remplacement', login: 'intrus', password: 'Intrus-2026!' }),
    );
    expect(e).toMatchObject({ code: 'CONFLIT', reason: 'DEJA_MIS_EN_SERVICE' });
    expect(e.message).toContain(
      'Guichet est déjà mis en service sur ce poste : rien n’a été modifié',
    );
    // An invalid request is refused for its input, and writes nothing either.
    const bad = await refused(valid({ postalCode: '1' }));
    expect(bad.code).toBe('VALIDATION');
  });

  it('lets exactly one of two simultaneous setups through (two windows)', async () => {
    const [a, b] = await Promise.all([
      send('setup.initialize', valid({ communeName: 'Ville A', login: 'regisseur-a' })),
      send('setup.initialize', valid({ communeName: 'Ville B', login: 'regisseur-b' })),
    ]);
    const oks = [a, b].filter((r) => r.ok);
    const kos = [a, b].filter((r) => !r.ok);
    expect(oks).toHaveLength(1);
    expect(kos).toHaveLength(1);
    expect(!kos[0]?.ok && kos[0]?.error).toMatchObject({
      code: 'CONFLIT',
      reason: 'DEJA_MIS_EN_SERVICE',
    });
    const winner = oks[0]?.ok ? oks[0].value : null;
    expect(core.sqlite.prepare('SELECT name FROM commune').all()).toEqual([
      { name: winner?.communeName },
    ]);
    expect(core.sqlite.prepare('SELECT login FROM agent').all()).toEqual([
      { login: winner?.login },
    ]);
    expect(core.sqlite.prepare('SELECT count(*) AS n FROM journal_entry').get()).toEqual({ n: 1 });
  });

  it('is refused as soon as an agent or a commune exists, even alone', async () => {
    core.sqlite
      .prepare(
        "INSERT INTO agent (login, display_name, role, password_hash) VALUES ('x', 'X', 'mandataire', 'scrypt$1$1$1$a$b')",
      )
      .run();
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: false } });
    expect(await refused(valid())).toMatchObject({ reason: 'DEJA_MIS_EN_SERVICE' });
    core.sqlite.prepare('DELETE FROM agent').run();
    core.sqlite
      .prepare(
        "INSERT INTO commune (name, address_line, postal_code, city) VALUES ('Ville', '1 rue', '49100', 'Ville')",
      )
      .run();
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: false } });
    expect(await refused(valid())).toMatchObject({ reason: 'DEJA_MIS_EN_SERVICE' });
  });

  it('keeps a poste code already in the database and refuses another one', async () => {
    core.sqlite.prepare("INSERT INTO setting (key, value) VALUES ('poste_code', 'P07')").run();
    const e = await refused(valid({ posteCode: 'P08' }));
    expect(e).toMatchObject({ code: 'REGLE_METIER', reason: 'POSTE_DIFFERENT' });
    expect(e.message).toBe(
      'Cette base porte déjà le code de poste P07 : rien n’a été créé. Saisissez P07 comme code du poste, ou adressez-vous au support.',
    );
    expect((await send('setup.initialize', valid({ posteCode: 'p07' }))).ok).toBe(true);
    expect(core.sqlite.prepare('SELECT code, name FROM poste').all()).toEqual([
      { code: 'P07', name: 'Accueil mairie' },
    ]);
  });

  it('writes nothing at all when the transaction fails half-way', async () => {
    // The journal is the last write: refusing it must take back the commune, the agent, the
    // poste and the setting written before it in the same transaction.
    core.sqlite.exec(`CREATE TRIGGER test_refuse_setup BEFORE INSERT ON journal_entry
      WHEN NEW.kind = 'mise_en_service' BEGIN SELECT RAISE(ABORT, 'refus de test'); END`);
    const e = await refused(valid());
    expect(e.code).toBe('INTERNE');
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: true } });
    core.sqlite.exec('DROP TRIGGER test_refuse_setup');
    expect((await send('setup.initialize', valid())).ok).toBe(true);
  });

  const badInputs: [string, unknown, RegExp][] = [
    [
      'a postal code of 4 digits',
      valid({ postalCode: '4910' }),
      /^code postal : Le code postal comporte 5 chiffres/,
    ],
    [
      'no commune name',
      valid({ communeName: ' ' }),
      /^nom de la commune : Indiquez le nom de la commune/,
    ],
    ['no address', valid({ addressLine: '' }), /^adresse : Indiquez l’adresse de la mairie/],
    ['no city', valid({ city: '' }), /^ville : Indiquez la ville\.$/],
    [
      'a poste code with a space',
      valid({ posteCode: 'P 01' }),
      /^Code du poste invalide : 2 à 8 lettres/,
    ],
    ['a poste code of one character', valid({ posteCode: 'P' }), /^Code du poste invalide/],
    [
      'a poste code of nine characters',
      valid({ posteCode: 'ACCUEIL01' }),
      /^Code du poste invalide/,
    ],
    ['a poste code with an accent', valid({ posteCode: 'ÉCOLE' }), /^Code du poste invalide/],
    ['no poste name', valid({ posteName: '' }), /^nom du poste : Donnez un nom à ce poste/],
    [
      'a login with an accent',
      valid({ login: 'régisseur' }),
      /^Identifiant invalide : 2 à 64 lettres/,
    ],
    ['a login with a space', valid({ login: 'm dupont' }), /^Identifiant invalide/],
    ['no display name', valid({ displayName: 'R' }), /^Nom du régisseur manquant/],
    [
      'a short password',
      valid({ password: 'court' }),
      /^Mot de passe trop court : 8 caractères au moins\.$/,
    ],
    [
      'the login as password',
      valid({ login: 'regisseur', password: 'Regisseur' }),
      /^Mot de passe refusé : il ne doit pas être l’identifiant/,
    ],
    [
      'an unknown field',
      { ...valid(), role: 'controleur' },
      /^Champ inconnu \(role\) pour la mise en service\.$/,
    ],
  ];
  it.each(badInputs)('refuses %s in French and writes nothing', async (_what, args, message) => {
    const e = await refused(args);
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(message);
    expect(await send('setup.status', {})).toEqual({ ok: true, value: { needed: true } });
  });

  it('refuses an empty form with one French sentence per missing field', async () => {
    const e = await refused({});
    expect(e.code).toBe('VALIDATION');
    for (const field of [
      'nom de la commune',
      'adresse',
      'code postal',
      'ville',
      'code du poste',
      'nom du poste',
      'nom du régisseur',
      'mot de passe',
    ]) {
      expect(e.message).toContain(field);
    }
    expect(e.message).not.toMatch(/communeName|posteName|displayName|password/);
  });
});
