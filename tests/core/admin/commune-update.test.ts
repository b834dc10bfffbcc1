// The commune's identity (commune.update), for a commune without a portal: the régisseur alone,
// refused on a poste enrolled to a portal; each change journaled with its old and new value;
// bad values refused in French and nothing written; a request that changes nothing writes
// nothing. (That receipts print it is checked in regies-create.test.ts, on an empty commune.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { siretValid, type Input } from '../../../src/shared/contract';
import type { AppError } from '../../../src/shared/errors';
import { openTestCore, type TestCore } from '../fixtures';

let t: TestCore;
let regisseur: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
});
afterEach(() => t.close());

const identity = (over: Partial<Input<'commune.update'>> = {}): Input<'commune.update'> => ({
  name: 'Ville de Démo',
  addressLine: '1 place de la Mairie',
  postalCode: '49100',
  city: 'Ville de Démo',
  siret: '214 900 995 00017',
  phone: '02 61 91 00 00',
  ...over,
});

function state() {
  return {
    commune: t.sqlite.prepare('SELECT * FROM commune ORDER BY id').all(),
    journal: t.sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  };
}

async function refused(args: unknown, token = regisseur): Promise<AppError> {
  const before = state();
  const r = await t.core.send('commune.update', args, token);
  expect(r.ok).toBe(false);
  expect(state()).toEqual(before);
  if (r.ok) throw new Error('refus attendu');
  return r.error;
}

describe('commune.update', () => {
  it('changes the identity every document prints, journaled field by field', async () => {
    const before = (await t.call('settings.get', {}, regisseur)).commune;
    const view = await t.call('commune.update', identity(), regisseur);
    expect(view.commune).toEqual({
      name: 'Ville de Démo',
      addressLine: '1 place de la Mairie',
      postalCode: '49100',
      city: 'Ville de Démo',
      siret: '21490099500017',
      phone: '02 61 91 00 00',
    });
    const rows = t.sqlite
      .prepare("SELECT regie_id, payload FROM journal_entry WHERE kind = 'configuration'")
      .all() as { regie_id: number | null; payload: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.regie_id).toBeNull();
    const payload = JSON.parse(rows[0]?.payload ?? '{}') as {
      scope: string;
      changes: { key: string; old: unknown; new: unknown }[];
    };
    expect(payload.scope).toBe('commune');
    expect(payload.changes).toContainEqual({
      key: 'name',
      old: before.name,
      new: 'Ville de Démo',
    });
    expect(payload.changes).toContainEqual({ key: 'siret', old: null, new: '21490099500017' });
    const journal = await t.call('journal.list', { book: 'operations' }, regisseur);
    expect(journal.entries.map((e) => e.summary)).toContain('Identité de la commune modifiée');

    // The same identity again changes nothing and writes nothing.
    const tip = state();
    await t.call('commune.update', identity(), regisseur);
    expect(state()).toEqual(tip);
    expect((await t.call('journal.verify', {}, regisseur)).ok).toBe(true);
  });

  it('refuses bad values in French, writing nothing', async () => {
    const cases: [Partial<Input<'commune.update'>> & Record<string, unknown>, string][] = [
      [{ name: ' ' }, 'Indiquez le nom de la commune'],
      [{ postalCode: '4910' }, 'Le code postal comporte 5 chiffres'],
      [{ siret: '21490099500018' }, 'SIRET invalide'],
      [{ siret: '2149009950001' }, 'SIRET invalide'],
      [{ phone: 'mairie' }, 'Téléphone de la mairie invalide'],
      [{ portalUrl: 'https://x.fr' }, 'Champ inconnu (portalUrl) pour l’identité de la commune.'],
    ];
    for (const [over, message] of cases) {
      const error = await refused({ ...identity(), ...over });
      expect(error.code, JSON.stringify(over)).toBe('VALIDATION');
      expect(error.message, JSON.stringify(over)).toContain(message);
    }
  });

  it('is refused on a poste enrolled to a portal, and to anyone but the régisseur', async () => {
    for (const role of ['suppleant', 'mandataire', 'controleur'] as const) {
      expect((await refused(identity(), await t.login(role))).code, role).toBe(
        'PERMISSION_REFUSEE',
      );
    }
    t.sqlite
      .prepare(
        `INSERT INTO sync_state (id, portal_url, counter_id, poste_code, enrolled_at)
         VALUES (1, 'https://portail.ville-de-test.fr', 'c-1', 'P01', '2026-03-01T08:00:00.000Z')`,
      )
      .run();
    const error = await refused(identity());
    expect(error).toMatchObject({ code: 'REGLE_METIER', reason: 'POSTE_RELIE_AU_PORTAIL' });
    expect(error.message).toContain('l’identité de la commune vient du portail');
  });

  it('checks a SIRET with INSEE’s Luhn key', () => {
    expect(siretValid('21490099500017')).toBe(true);
    expect(siretValid('21490099500018')).toBe(false);
    expect(siretValid('2149009950001A')).toBe(false);
  });
});
