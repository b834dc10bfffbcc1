// The settings of this machine, kept in the setting table under the keys the Electron shell
// and the till already use. Each has a default; what is returned is always complete. The idle
// lock and the till's figures are read through the functions their modules use, so there is
// one source for each value.
import type Database from 'better-sqlite3';
import {
  receiptFormats,
  type MachineSettings,
  type MachineSettingsUpdate,
  type ReceiptFormat,
} from '../../shared/contract';
import { DEFAULT_ACCESS_CODE_DAYS } from '../../shared/access-code-format';
import { idleLockSeconds } from '../auth/handlers';
import { missingWorkingDays } from '../bank/views';
import { getSetting } from '../settings';
import { ceilingWarnPercent, toleranceCents } from '../till/config';

export const DEFAULT_KEEP_DAILY = 14;
export const DEFAULT_KEEP_CLOSING = 30;
/** Manual backups are rare; ten are kept. */
export const KEEP_MANUAL = 10;

/** The setting table's key for each editable machine setting. */
export const machineSettingKeys = {
  posteName: 'poste_name',
  printerReceipt: 'printer_receipt',
  printerA4: 'printer_a4',
  printSilent: 'print_silent',
  receiptFormat: 'receipt_format',
  portalUrl: 'portal_url',
  updateFeedUrl: 'update_feed_url',
  backupDir: 'backup_dir',
  idleLockSeconds: 'idle_lock_seconds',
  tillToleranceCents: 'till_tolerance_cents',
  cashCeilingWarnPercent: 'cash_ceiling_warn_percent',
  tillFloatCents: 'till_float_cents',
  keepDailyBackups: 'backup_keep_daily',
  keepClosingBackups: 'backup_keep_closing',
  familyPortalUrl: 'family_portal_url',
  accessCodeDays: 'access_code_days',
  // The key the reconciliation reads (bank/views.ts, MISSING_DAYS_SETTING).
  bankMissingWorkingDays: 'bank_missing_working_days',
} as const satisfies Record<keyof MachineSettingsUpdate, string>;

function intSetting(sqlite: Database.Database, key: string, fallback: number, min = 1): number {
  const raw = getSetting(sqlite, key);
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n >= min ? n : fallback;
}

export function posteCodeOf(sqlite: Database.Database): string {
  return getSetting(sqlite, 'poste_code') ?? 'P01';
}

/** The backup folder in use: the backup_dir setting, else the installation's default. */
export function backupDirOf(sqlite: Database.Database, defaultDir: string | null): string | null {
  const configured = getSetting(sqlite, 'backup_dir');
  return configured ? configured : defaultDir;
}

export function readMachineSettings(
  sqlite: Database.Database,
  defaultBackupDir: string | null,
): MachineSettings {
  const posteCode = posteCodeOf(sqlite);
  const posteRow = sqlite.prepare('SELECT name FROM poste WHERE code = ?').get(posteCode) as
    { name: string } | undefined;
  const format = getSetting(sqlite, 'receipt_format');
  const commune = sqlite.prepare('SELECT portal_url FROM commune ORDER BY id LIMIT 1').get() as
    { portal_url: string | null } | undefined;
  const configuredDir = getSetting(sqlite, 'backup_dir');
  const float = getSetting(sqlite, 'till_float_cents');
  const floatN = float === null ? Number.NaN : Number(float);
  return {
    posteCode,
    posteName: getSetting(sqlite, 'poste_name') || posteRow?.name || `Poste ${posteCode}`,
    printerReceipt: getSetting(sqlite, 'printer_receipt') ?? '',
    printerA4: getSetting(sqlite, 'printer_a4') ?? '',
    printSilent: getSetting(sqlite, 'print_silent') === '1',
    receiptFormat: receiptFormats.includes(format as ReceiptFormat)
      ? (format as ReceiptFormat)
      : 'ticket80',
    portalUrl: getSetting(sqlite, 'portal_url') ?? commune?.portal_url ?? '',
    updateFeedUrl: getSetting(sqlite, 'update_feed_url') ?? '',
    backupDir: configuredDir || defaultBackupDir || '',
    backupDirConfigured: Boolean(configuredDir),
    idleLockSeconds: idleLockSeconds({ sqlite }),
    tillToleranceCents: toleranceCents(sqlite),
    cashCeilingWarnPercent: ceilingWarnPercent(sqlite),
    tillFloatCents: Number.isSafeInteger(floatN) && floatN >= 0 ? floatN : null,
    keepDailyBackups: intSetting(sqlite, 'backup_keep_daily', DEFAULT_KEEP_DAILY),
    keepClosingBackups: intSetting(sqlite, 'backup_keep_closing', DEFAULT_KEEP_CLOSING),
    familyPortalUrl: getSetting(sqlite, 'family_portal_url') ?? '',
    accessCodeDays: intSetting(sqlite, 'access_code_days', DEFAULT_ACCESS_CODE_DAYS),
    bankMissingWorkingDays: missingWorkingDays(sqlite),
  };
}

/** The stored text of a setting as the update would write it; null removes the row. */
export function storedValue<K extends keyof MachineSettingsUpdate>(
  key: K,
  value: NonNullable<MachineSettingsUpdate[K]> | null,
): string | null {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

const secretKey = /(secret|token|password|passwd|mot_de_passe|motdepasse|cle|key|api|jeton)/i;

/** Every setting of the table, for the incident report: secrets and URL credentials removed. */
export function settingsWithoutSecrets(sqlite: Database.Database): Record<string, string> {
  const rows = sqlite.prepare('SELECT key, value FROM setting ORDER BY key').all() as {
    key: string;
    value: string;
  }[];
  const out: Record<string, string> = {};
  for (const { key, value } of rows) {
    if (secretKey.test(key)) {
      out[key] = '[retiré]';
      continue;
    }
    out[key] = value.replace(/\/\/[^/@\s]*:[^/@\s]*@/g, '//[retiré]@');
  }
  return out;
}
