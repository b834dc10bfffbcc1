// Settings of this machine and configuration of the régies: read by every agent, changed by
// the régisseur or the suppléant (machine) and the régisseur alone (régies), each change
// journaled with its old and new value; bad values are refused in French and change nothing.
// The Electron shell reads the same values through Core.machineSettings().
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRegies } from '../../../src/core/admin/settings-update';
import type { Input } from '../../../src/shared/contract';
import { countOf, IDS, newCommandId, openTestCore, type TestCore } from '../fixtures';
import { openFileCore, type FileCore } from './admin-fixtures';

let t: TestCore;
let regisseur: string;
let suppleant: string;

beforeEach(async () => {
  t = await openTestCore();
  regisseur = await t.login('regisseur');
  suppleant = await t.login('suppleant');
});
afterEach(() => t.close());

function settingsRows(): Record<string, string> {
  return Object.fromEntries(
    (
      t.sqlite.prepare('SELECT key, value FROM setting ORDER BY key').all() as {
        key: string;
        value: string;
      }[]
    ).map((r) => [r.key, r.value]),
  );
}

function configurationEntries(): { regieId: number | null; payload: Record<string, unknown> }[] {
  return (
    t.sqlite
      .prepare(
        "SELECT regie_id, payload FROM journal_entry WHERE kind = 'configuration' ORDER BY seq",
      )
      .all() as { regie_id: number | null; payload: string }[]
  ).map((r) => ({
    regieId: r.regie_id,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
  }));
}

/** Everything a refused change must leave as it was. */
function state() {
  return {
    settings: settingsRows(),
    regies: readRegies(t.sqlite),
    poste: t.sqlite.prepare('SELECT code, name FROM poste').all(),
    journal: t.sqlite.prepare('SELECT last_seq, last_hash FROM journal_tip').get(),
  };
}

async function refused(
  name: 'settings.update' | 'regies.update',
  args: unknown,
  token = regisseur,
): Promise<{ code: string; message: string }> {
  const before = state();
  const r = await t.core.send(name, args, token);
  expect(r.ok).toBe(false);
  expect(state()).toEqual(before);
  return r.ok ? { code: '', message: '' } : r.error;
}

describe('settings.get', () => {
  it('gives every agent the machine settings with their defaults, and the régies', async () => {
    const view = await t.call('settings.get', {}, await t.login('mandataire'));
    expect(view.machine).toEqual({
      posteCode: 'P01',
      posteName: 'Accueil mairie',
      printerReceipt: '',
      printerA4: '',
      printSilent: false,
      receiptFormat: 'ticket80',
      portalUrl: '',
      updateFeedUrl: '',
      backupDir: '',
      backupDirConfigured: false,
      idleLockSeconds: 300,
      tillToleranceCents: 100,
      cashCeilingWarnPercent: 80,
      tillFloatCents: null,
      keepDailyBackups: 14,
      keepClosingBackups: 30,
      familyPortalUrl: '',
      accessCodeDays: 60,
      bankMissingWorkingDays: 5,
    });
    expect(view.regies.map((r) => [r.code, r.acceptedModes])).toEqual([
      ['SCO', ['especes', 'cheque', 'carte', 'cesu', 'virement']],
      ['SPO', ['especes', 'cheque', 'cheque_vacances']],
    ]);
    expect(t.core.machineSettings()).toEqual(view.machine);
  });
});

describe('settings.update', () => {
  it('stores each value under its key, journals old and new, and the idle lock follows', async () => {
    const view = await t.call(
      'settings.update',
      {
        posteName: 'Guichet périscolaire',
        printerReceipt: 'EPSON TM-T20III',
        printerA4: 'HP LaserJet',
        printSilent: true,
        receiptFormat: 'a5',
        portalUrl: 'https://portail.ville-test.fr',
        updateFeedUrl: 'https://portail.ville-test.fr/mises-a-jour/',
        idleLockSeconds: 600,
        tillToleranceCents: 200,
        cashCeilingWarnPercent: 90,
        tillFloatCents: 20000,
      },
      suppleant,
    );
    expect(view.machine).toMatchObject({
      posteName: 'Guichet périscolaire',
      printSilent: true,
      receiptFormat: 'a5',
      idleLockSeconds: 600,
      tillFloatCents: 20000,
    });
    expect(settingsRows()).toMatchObject({
      poste_name: 'Guichet périscolaire',
      printer_receipt: 'EPSON TM-T20III',
      printer_a4: 'HP LaserJet',
      print_silent: '1',
      receipt_format: 'a5',
      portal_url: 'https://portail.ville-test.fr',
      update_feed_url: 'https://portail.ville-test.fr/mises-a-jour/',
      idle_lock_seconds: '600',
      till_tolerance_cents: '200',
      cash_ceiling_warn_percent: '90',
      till_float_cents: '20000',
    });
    // Documents print the poste's name from the poste table.
    expect(t.sqlite.prepare('SELECT name FROM poste WHERE code = ?').get('P01')).toEqual({
      name: 'Guichet périscolaire',
    });
    // One source for the idle lock: the session says the new delay.
    expect((await t.call('auth.me', {}, suppleant)).idleLockSeconds).toBe(600);
    // And the till's figures use the new tolerance.
    expect((await t.call('till.closingPreview', {}, suppleant)).toleranceCents).toBe(200);

    const [entry] = configurationEntries();
    expect(entry?.regieId).toBeNull();
    expect(entry?.payload).toMatchObject({ scope: 'poste', posteCode: 'P01' });
    expect(entry?.payload.changes).toContainEqual({
      key: 'idle_lock_seconds',
      old: 300,
      new: 600,
    });
    expect(entry?.payload.changes).toContainEqual({
      key: 'poste_name',
      old: 'Accueil mairie',
      new: 'Guichet périscolaire',
    });
    expect(entry?.payload.changes).toContainEqual({
      key: 'till_float_cents',
      old: null,
      new: 20000,
    });
    expect(t.core.machineSettings().printerReceipt).toBe('EPSON TM-T20III');
  });

  it('writes nothing to the journal when nothing changes', async () => {
    await t.call('settings.update', { idleLockSeconds: 600 }, suppleant);
    await t.call('settings.update', { idleLockSeconds: 600, printSilent: false }, suppleant);
    expect(configurationEntries()).toHaveLength(1);
  });

  it('refuses a portal address that is not https, in French, and changes nothing', async () => {
    const e = await refused('settings.update', { portalUrl: 'http://portail.ville-test.fr' });
    expect(e).toEqual({
      code: 'VALIDATION',
      message:
        'adresse du portail : L’adresse du portail doit commencer par https:// (http:// n’est admis que pour localhost).',
    });
    expect((await refused('settings.update', { portalUrl: 'portail' })).message).toContain(
      'Adresse du portail invalide : « portail »',
    );
    // http on this computer is accepted (a portal run beside the register).
    await t.call('settings.update', { portalUrl: 'http://localhost:8080' }, regisseur);
  });

  it('refuses an update feed that is not https', async () => {
    const e = await refused('settings.update', { updateFeedUrl: 'http://localhost/maj' });
    expect(e.message).toContain('L’adresse des mises à jour doit commencer par https://');
    expect(
      (await refused('settings.update', { updateFeedUrl: 'https://a:b@maj.fr/' })).message,
    ).toContain('ne doit pas contenir d’identifiant ni de mot de passe');
  });

  it('refuses a network backup folder with a clear message', async () => {
    const e = await refused('settings.update', { backupDir: '\\\\serveur\\partage\\guichet' });
    expect(e.message).toContain(
      'Le dossier des sauvegardes doit être sur cet ordinateur : un chemin réseau (\\\\serveur\\partage) n’est pas accepté',
    );
    expect((await refused('settings.update', { backupDir: 'sauvegardes' })).message).toContain(
      'Le dossier des sauvegardes doit être un chemin complet',
    );
  });

  it('refuses an idle delay outside one minute to one hour', async () => {
    expect((await refused('settings.update', { idleLockSeconds: 30 })).message).toBe(
      'verrouillage après inactivité : Délai de verrouillage trop court : 60 secondes (1 minute) au moins.',
    );
    expect((await refused('settings.update', { idleLockSeconds: 7200 })).message).toBe(
      'verrouillage après inactivité : Délai de verrouillage trop long : 3600 secondes (1 heure) au plus.',
    );
    expect((await refused('settings.update', { idleLockSeconds: 90.5 })).message).toContain(
      'un nombre entier de secondes',
    );
  });

  it('sets the working days after which the reconciliation reports a credit missing', async () => {
    await t.call('settings.update', { bankMissingWorkingDays: 12 }, regisseur);
    expect((await t.call('settings.get', {}, regisseur)).machine.bankMissingWorkingDays).toBe(12);
    // The reconciliation reads the same setting when the régisseur does not give a delay.
    expect((await t.call('bank.missing', { asOf: '2026-03-31' }, regisseur)).workingDays).toBe(12);
    expect((await refused('settings.update', { bankMissingWorkingDays: 0 })).message).toBe(
      'Crédit attendu sur le relevé : 1 jour ouvré au moins.',
    );
    expect((await refused('settings.update', { bankMissingWorkingDays: 61 })).message).toBe(
      'Crédit attendu sur le relevé : 60 jours ouvrés au plus.',
    );
    expect((await refused('settings.update', { bankMissingWorkingDays: 2.5 })).message).toContain(
      'un nombre entier de jours ouvrés',
    );
  });

  it('refuses an unknown key, a bad format, and the mandataire', async () => {
    expect((await refused('settings.update', { poste_code: 'P02' })).message).toContain(
      'Paramètre inconnu (poste_code)',
    );
    expect((await refused('settings.update', { receiptFormat: 'a3' })).message).toContain(
      'Format des reçus attendu : ticket80, a5 ou a4.',
    );
    expect(
      await refused('settings.update', { idleLockSeconds: 600 }, await t.login('mandataire')),
    ).toMatchObject({ code: 'PERMISSION_REFUSEE' });
  });
});

describe('the backup folder setting', () => {
  let f: FileCore;
  beforeEach(async () => {
    f = await openFileCore();
  });
  afterEach(() => f.dispose());

  it('is checked for writing before it is accepted, and then used', async () => {
    const token = await f.login('regisseur');
    writeFileSync(path.join(f.dir, 'fichier'), 'x');
    const bad = await f.send(
      'settings.update',
      { backupDir: path.join(f.dir, 'fichier', 'sous-dossier') },
      token,
    );
    expect(bad.ok ? null : bad.error.message).toMatch(
      /^Le dossier des sauvegardes « .* » ne peut pas être créé ou n’accepte pas l’écriture \(\w+\)\. .*Rien n’a été modifié\.$/,
    );
    expect(f.core.machineSettings().backupDirConfigured).toBe(false);
    expect(f.core.machineSettings().backupDir).toBe(f.backupDir);

    const elsewhere = path.join(f.dir, 'copies');
    await f.call('settings.update', { backupDir: elsewhere }, token);
    const made = await f.call('backups.create', {}, token);
    expect((await f.call('backups.list', {}, token)).dir).toBe(elsewhere);
    expect(made.fileName).toMatch(/-manuelle\.sqlite$/);
    // Emptied, it goes back to the default folder.
    await f.call('settings.update', { backupDir: '' }, token);
    expect(f.core.machineSettings()).toMatchObject({
      backupDir: f.backupDir,
      backupDirConfigured: false,
    });
  });
});

describe('regies.update', () => {
  const scoConfig = (over: Partial<Input<'regies.update'>> = {}): Input<'regies.update'> => ({
    regieId: IDS.sco,
    acceptedModes: ['especes', 'cheque', 'carte', 'cesu', 'virement'],
    cesuAgreement: true,
    chequeVacancesAgreement: false,
    cashCeilingCents: 150000,
    floatCents: 15000,
    creditorLabel: 'Régie scolaire de Ville de Test',
    numcli: null,
    payfipSaisie: 'T',
    dftAccount: null,
    allowCredit: true,
    allowDirectDebitPayment: false,
    ...over,
  });

  it('lets the régisseur change a régie, journaled with old and new values', async () => {
    const view = await t.call(
      'regies.update',
      scoConfig({
        acceptedModes: ['especes', 'cheque', 'cheque_vacances'],
        chequeVacancesAgreement: true,
        cashCeilingCents: 200000,
        numcli: '012345',
        payfipSaisie: 'X',
        dftAccount: 'DFT 123',
      }),
      regisseur,
    );
    expect(view.regies.find((r) => r.code === 'SCO')).toMatchObject({
      acceptedModes: ['especes', 'cheque', 'cheque_vacances'],
      cashCeilingCents: 200000,
      numcli: '012345',
      payfipSaisie: 'X',
      dftAccount: 'DFT 123',
    });
    const [entry] = configurationEntries();
    expect(entry?.regieId).toBe(IDS.sco);
    expect(entry?.payload).toMatchObject({
      scope: 'regie',
      regieCode: 'SCO',
      agreements: { cesu: null, chequeVacances: true },
    });
    expect(entry?.payload.changes).toContainEqual({
      key: 'cashCeilingCents',
      old: 150000,
      new: 200000,
    });
    expect(entry?.payload.changes).toContainEqual({ key: 'numcli', old: null, new: '012345' });
    // The journal still verifies with configuration entries in it.
    expect(await t.call('journal.verify', {}, regisseur)).toMatchObject({ ok: true });
  });

  it('takes effect at the counter: a mode no longer accepted is refused', async () => {
    await t.call('regies.update', scoConfig({ acceptedModes: ['cheque'] }), regisseur);
    const r = await t.send(
      'payments.record',
      {
        commandId: newCommandId(),
        familyId: IDS.dupond,
        regieId: IDS.sco,
        amountCents: 1000,
        method: { mode: 'especes' },
      },
      await t.login('mandataire'),
    );
    expect(r.ok).toBe(false);
  });

  it('refuses CESU or chèques-vacances without the agreement, and a bad numcli', async () => {
    expect((await refused('regies.update', scoConfig({ cesuAgreement: false }))).message).toContain(
      'Les CESU ne peuvent être acceptés que si la régie est affiliée au CRCESU',
    );
    expect(
      (
        await refused(
          'regies.update',
          scoConfig({ acceptedModes: ['cheque_vacances'], chequeVacancesAgreement: false }),
        )
      ).message,
    ).toContain('Les chèques-vacances ne peuvent être acceptés qu’avec la convention ANCV');
    expect((await refused('regies.update', scoConfig({ numcli: '12345' }))).message).toContain(
      'Le numéro client PayFiP (numcli) comporte exactement 6 chiffres',
    );
    expect((await refused('regies.update', scoConfig({ floatCents: 200000 }))).message).toContain(
      'Le fonds de caisse ne peut pas dépasser le plafond d’encaisse.',
    );
    expect((await refused('regies.update', scoConfig({ acceptedModes: [] }))).message).toContain(
      'Une régie doit accepter au moins un mode de paiement.',
    );
  });

  it('is for the régisseur alone', async () => {
    expect(
      await refused('regies.update', scoConfig({ cashCeilingCents: 1 }), suppleant),
    ).toMatchObject({ code: 'PERMISSION_REFUSEE' });
    expect(await refused('regies.update', scoConfig({ regieId: 99 }))).toMatchObject({
      code: 'INTROUVABLE',
    });
  });
});

describe('Core accessors for the Electron shell', () => {
  it('say whether a till is open on this database', async () => {
    expect(t.core.hasOpenTill()).toBe(true);
    await t.call(
      'till.close',
      { commandId: newCommandId(), cashCounts: countOf(15000) },
      regisseur,
    );
    expect(t.core.hasOpenTill()).toBe(false);
  });
});
