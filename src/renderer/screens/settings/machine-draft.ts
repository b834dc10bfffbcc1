// The "Ce poste" form's reading of what was typed: the settings as text fields, and what
// changed as the core expects it. A field that cannot be read stops the save with a message
// naming it, before anything is sent.
import {
  ACCESS_CODE_MAX_DAYS,
  ACCESS_CODE_MIN_DAYS,
  BANK_MISSING_MAX_DAYS,
  BANK_MISSING_MIN_DAYS,
  familyPortalUrlProblem,
  type MachineSettings,
  type MachineSettingsUpdate,
  type ReceiptFormat,
} from '../../../shared/contract';
import { parseEuro } from '../../../shared/money';
import { centsToInput } from '../payment/payment-draft';
import { settingsMessages as m } from './messages';

const mm = m.machine;

export interface MachineDraft {
  posteName: string;
  receiptFormat: ReceiptFormat;
  portalUrl: string;
  updateFeedUrl: string;
  backupDir: string;
  idleLockSeconds: string;
  tillToleranceCents: string;
  tillFloatCents: string;
  cashCeilingWarnPercent: string;
  keepDailyBackups: string;
  keepClosingBackups: string;
  familyPortalUrl: string;
  accessCodeDays: string;
  bankMissingWorkingDays: string;
}

export function draftOf(s: MachineSettings): MachineDraft {
  return {
    posteName: s.posteName,
    receiptFormat: s.receiptFormat,
    portalUrl: s.portalUrl,
    updateFeedUrl: s.updateFeedUrl,
    backupDir: s.backupDirConfigured ? s.backupDir : '',
    idleLockSeconds: String(s.idleLockSeconds),
    tillToleranceCents: centsToInput(s.tillToleranceCents),
    tillFloatCents: s.tillFloatCents === null ? '' : centsToInput(s.tillFloatCents),
    cashCeilingWarnPercent: String(s.cashCeilingWarnPercent),
    keepDailyBackups: String(s.keepDailyBackups),
    keepClosingBackups: String(s.keepClosingBackups),
    familyPortalUrl: s.familyPortalUrl,
    accessCodeDays: String(s.accessCodeDays),
    bankMissingWorkingDays: String(s.bankMissingWorkingDays),
  };
}

export type Parsed = { update: MachineSettingsUpdate } | { error: string };

/** What changed, as the core expects it; a field that does not parse stops everything. */
export function changesOf(s: MachineSettings, d: MachineDraft): Parsed {
  const update: MachineSettingsUpdate = {};
  const int = (text: string, label: string): number | string => {
    const t = text.trim();
    return /^\d+$/.test(t) ? Number(t) : m.badInteger(label);
  };
  const euro = (text: string, label: string): number | string => {
    const c = parseEuro(text);
    return c === null ? m.badEuro(label) : c;
  };
  if (d.posteName.trim() !== s.posteName) update.posteName = d.posteName;
  if (d.receiptFormat !== s.receiptFormat) update.receiptFormat = d.receiptFormat;
  if (d.portalUrl.trim() !== s.portalUrl) update.portalUrl = d.portalUrl;
  if (d.updateFeedUrl.trim() !== s.updateFeedUrl) update.updateFeedUrl = d.updateFeedUrl;
  if (d.backupDir.trim() !== (s.backupDirConfigured ? s.backupDir : '')) {
    update.backupDir = d.backupDir;
  }
  const familyPortalUrl = d.familyPortalUrl.trim();
  if (familyPortalUrl !== s.familyPortalUrl) {
    // Checked here with the core's own rule, so the message appears before anything is sent.
    const problem = familyPortalUrlProblem(familyPortalUrl);
    if (problem) return { error: problem };
    update.familyPortalUrl = familyPortalUrl;
  }
  const numbers: [keyof MachineDraft & keyof MachineSettings, string, 'int' | 'euro'][] = [
    ['idleLockSeconds', mm.idleLockSeconds, 'int'],
    ['tillToleranceCents', mm.tillToleranceCents, 'euro'],
    ['cashCeilingWarnPercent', mm.cashCeilingWarnPercent, 'int'],
    ['keepDailyBackups', mm.keepDailyBackups, 'int'],
    ['keepClosingBackups', mm.keepClosingBackups, 'int'],
    ['accessCodeDays', mm.accessCodeDays, 'int'],
    ['bankMissingWorkingDays', mm.bankMissingWorkingDays, 'int'],
  ];
  for (const [key, label, kind] of numbers) {
    const v = kind === 'int' ? int(d[key], label) : euro(d[key], label);
    if (typeof v === 'string') return { error: v };
    if (v !== s[key]) Object.assign(update, { [key]: v });
  }
  const days = update.accessCodeDays;
  if (days !== undefined && (days < ACCESS_CODE_MIN_DAYS || days > ACCESS_CODE_MAX_DAYS)) {
    return { error: mm.accessCodeDaysRange };
  }
  const late = update.bankMissingWorkingDays;
  if (late !== undefined && (late < BANK_MISSING_MIN_DAYS || late > BANK_MISSING_MAX_DAYS)) {
    return { error: mm.bankMissingWorkingDaysRange };
  }
  if (d.tillFloatCents.trim() === '') {
    if (s.tillFloatCents !== null) update.tillFloatCents = null;
  } else {
    const v = euro(d.tillFloatCents, mm.tillFloatCents);
    if (typeof v === 'string') return { error: v };
    if (v !== s.tillFloatCents) update.tillFloatCents = v;
  }
  return { update };
}
