// The settings form's reading of what the agent typed: only what changed is sent, amounts in
// French notation become cents, an empty float means "the largest of the régies", and a field
// that cannot be read stops the save with a French message naming it.
import { describe, expect, it } from 'vitest';
import { changesOf, draftOf } from '../../src/renderer/screens/settings/machine-draft';
import {
  createArgsOf,
  newRegieDraft,
  regieDraftOf,
  updateArgsOf,
} from '../../src/renderer/screens/settings/regie-draft';
import {
  regieConfigUpdateSchema,
  regieCreateSchema,
  type MachineSettings,
  type RegieConfig,
} from '../../src/shared/contract';

const settings: MachineSettings = {
  posteCode: 'P01',
  posteName: 'Accueil mairie',
  printerReceipt: '',
  printerA4: '',
  printSilent: false,
  receiptFormat: 'ticket80',
  portalUrl: '',
  updateFeedUrl: '',
  backupDir: 'C:\\ProgramData\\Guichet\\sauvegardes',
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
};

describe('the settings draft', () => {
  it('sends nothing when nothing was touched, the default backup folder included', () => {
    const d = draftOf(settings);
    expect(d.backupDir).toBe('');
    expect(d.tillToleranceCents).toBe('1,00');
    expect(changesOf(settings, d)).toEqual({ update: {} });
  });

  it('sends only what changed, amounts in cents', () => {
    const d = {
      ...draftOf(settings),
      posteName: 'Guichet périscolaire',
      idleLockSeconds: '600',
      tillToleranceCents: '2,5',
      tillFloatCents: '150',
    };
    expect(changesOf(settings, d)).toEqual({
      update: {
        posteName: 'Guichet périscolaire',
        idleLockSeconds: 600,
        tillToleranceCents: 250,
        tillFloatCents: 15000,
      },
    });
  });

  it('sends null to go back to the régies’ float, and an empty folder to the default one', () => {
    const configured = {
      ...settings,
      tillFloatCents: 20000,
      backupDir: 'D:\\Sauvegardes',
      backupDirConfigured: true,
    };
    const d = { ...draftOf(configured), tillFloatCents: ' ', backupDir: '' };
    expect(changesOf(configured, d)).toEqual({ update: { tillFloatCents: null, backupDir: '' } });
  });

  it('stops on a field that cannot be read, naming it', () => {
    expect(changesOf(settings, { ...draftOf(settings), idleLockSeconds: '5 min' })).toEqual({
      error: 'Verrouillage après inactivité (secondes)\u00a0: un nombre entier est attendu.',
    });
    expect(changesOf(settings, { ...draftOf(settings), tillFloatCents: 'cent' })).toEqual({
      error:
        'Fonds de caisse attendu (€)\u00a0: montant invalide. Écrivez par exemple 1,50 (euros et centimes).',
    });
  });
});

describe('the family space settings in the draft', () => {
  it('shows them as set and sends them only when changed, trimmed', () => {
    const d = draftOf(settings);
    expect(d.familyPortalUrl).toBe('');
    expect(d.accessCodeDays).toBe('60');
    expect(
      changesOf(settings, {
        ...d,
        familyPortalUrl: ' https://famille.ville-de-test.fr ',
        accessCodeDays: '90',
      }),
    ).toEqual({
      update: { familyPortalUrl: 'https://famille.ville-de-test.fr', accessCodeDays: 90 },
    });
    // Emptied, the address goes back to "the portal's address followed by /famille".
    const set = { ...settings, familyPortalUrl: 'https://famille.ville-de-test.fr' };
    expect(changesOf(set, { ...draftOf(set), familyPortalUrl: '' })).toEqual({
      update: { familyPortalUrl: '' },
    });
  });

  it('accepts http only on this computer, and refuses the rest in French before sending', () => {
    expect(
      changesOf(settings, {
        ...draftOf(settings),
        familyPortalUrl: 'http://localhost:8790/famille',
      }),
    ).toEqual({ update: { familyPortalUrl: 'http://localhost:8790/famille' } });
    expect(
      changesOf(settings, { ...draftOf(settings), familyPortalUrl: 'http://famille.ville.fr' }),
    ).toEqual({
      error:
        'L’adresse de l’espace familles doit commencer par https:// (http:// n’est admis que pour localhost).',
    });
    expect(
      changesOf(settings, { ...draftOf(settings), familyPortalUrl: 'famille.ville.fr' }),
    ).toEqual({
      error:
        'Adresse de l’espace familles invalide : « famille.ville.fr ». Écrivez une adresse complète, par exemple https://famille.ville.fr.',
    });
    expect(
      changesOf(settings, { ...draftOf(settings), familyPortalUrl: 'https://f.ville.fr/?x=1' }),
    ).toEqual({
      error:
        'L’adresse de l’espace familles ne doit contenir ni « ? » ni « # » : indiquez seulement la page d’accueil.',
    });
  });

  it('keeps the validity of access codes between 1 and 365 days', () => {
    const days = (text: string) =>
      changesOf(settings, { ...draftOf(settings), accessCodeDays: text });
    expect(days('1')).toEqual({ update: { accessCodeDays: 1 } });
    expect(days('365')).toEqual({ update: { accessCodeDays: 365 } });
    expect(days('0')).toEqual({ error: 'Validité des codes d’accès\u00a0: de 1 à 365 jours.' });
    expect(days('366')).toEqual({ error: 'Validité des codes d’accès\u00a0: de 1 à 365 jours.' });
    expect(days('2 mois')).toEqual({
      error: 'Validité des codes d’accès (jours)\u00a0: un nombre entier est attendu.',
    });
  });
});

describe('the régie drafts', () => {
  const spo: RegieConfig = {
    regieId: 3,
    code: 'SPO',
    name: 'Régie des sports',
    acceptedModes: ['especes', 'cheque', 'cheque_vacances'],
    cashCeilingCents: 80000,
    floatCents: 10000,
    creditorLabel: 'Régie des sports de Ville de Démo',
    numcli: null,
    payfipSaisie: 'T',
    dftAccount: null,
    allowCredit: false,
    allowDirectDebitPayment: false,
    serviceName: 'Service des Sports',
    serviceAddress: 'Complexe sportif, 49100 Ville de Démo',
    servicePhone: null,
  };

  it('sends a régie back unchanged when nothing was touched, accepted by the contract', () => {
    const d = regieDraftOf(spo);
    expect(d).toMatchObject({
      cashCeiling: '800,00',
      float: '100,00',
      servicePhone: '',
      numcli: '',
    });
    const parsed = updateArgsOf(3, d);
    expect(parsed).toEqual({
      args: {
        regieId: 3,
        name: 'Régie des sports',
        serviceName: 'Service des Sports',
        serviceAddress: 'Complexe sportif, 49100 Ville de Démo',
        servicePhone: null,
        acceptedModes: ['especes', 'cheque', 'cheque_vacances'],
        cesuAgreement: false,
        chequeVacancesAgreement: true,
        cashCeilingCents: 80000,
        floatCents: 10000,
        creditorLabel: 'Régie des sports de Ville de Démo',
        numcli: null,
        payfipSaisie: 'T',
        dftAccount: null,
        allowCredit: false,
        allowDirectDebitPayment: false,
      },
    });
    if ('args' in parsed) expect(regieConfigUpdateSchema.safeParse(parsed.args).success).toBe(true);
  });

  it('starts a new régie with usual values, and reads the code in capitals', () => {
    const d = {
      ...newRegieDraft(),
      code: ' cul ',
      name: 'Régie culturelle ',
      serviceName: 'Service Culture',
      serviceAddress: 'Médiathèque, 49100 Ville de Démo',
      servicePhone: ' 02 61 91 00 40 ',
      creditorLabel: 'Régie culturelle',
      cashCeiling: '1 200',
      float: '80,5',
    };
    const parsed = createArgsOf(d);
    expect(parsed).toMatchObject({
      args: {
        code: 'CUL',
        name: 'Régie culturelle',
        servicePhone: '02 61 91 00 40',
        acceptedModes: ['especes', 'cheque', 'carte'],
        cashCeilingCents: 120000,
        floatCents: 8050,
        numcli: null,
        payfipSaisie: 'T',
        allowCredit: true,
      },
    });
    if ('args' in parsed) {
      const r = regieCreateSchema.safeParse({ ...parsed.args, commandId: crypto.randomUUID() });
      expect(r.success).toBe(true);
    }
  });

  it('stops on an amount that cannot be read, naming the field', () => {
    expect(createArgsOf({ ...newRegieDraft(), cashCeiling: 'mille' })).toEqual({
      error:
        'Plafond d’encaisse (€)\u00a0: montant invalide. Écrivez par exemple 1,50 (euros et centimes).',
    });
    expect(updateArgsOf(3, { ...regieDraftOf(spo), float: '10,555' })).toEqual({
      error:
        'Fonds de caisse (€)\u00a0: montant invalide. Écrivez par exemple 1,50 (euros et centimes).',
    });
  });
});

describe('the bank reconciliation delay in the draft', () => {
  it('is sent only when changed, and refused out of 1 to 60 working days before sending', () => {
    const d = draftOf(settings);
    expect(d.bankMissingWorkingDays).toBe('5');
    expect(changesOf(settings, { ...d, bankMissingWorkingDays: ' 10 ' })).toEqual({
      update: { bankMissingWorkingDays: 10 },
    });
    for (const bad of ['0', '61']) {
      expect(changesOf(settings, { ...d, bankMissingWorkingDays: bad })).toEqual({
        error: 'Crédit attendu sur le relevé\u00a0: de 1 à 60 jours ouvrés.',
      });
    }
    expect(changesOf(settings, { ...d, bankMissingWorkingDays: 'cinq' })).toEqual({
      error:
        'Crédit attendu sur le relevé sous (jours ouvrés)\u00a0: un nombre entier est attendu.',
    });
  });
});
