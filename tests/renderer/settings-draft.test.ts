// The settings form's reading of what the agent typed: only what changed is sent, amounts in
// French notation become cents, an empty float means "the largest of the régies", and a field
// that cannot be read stops the save with a French message naming it.
import { describe, expect, it } from 'vitest';
import { changesOf, draftOf } from '../../src/renderer/screens/settings/machine-draft';
import type { MachineSettings } from '../../src/shared/contract';

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
