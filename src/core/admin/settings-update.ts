// Changing the settings of this machine and the configuration of a régie. Every change that
// takes effect is written to the operations journal (kind "configuration") with the old and
// the new value, in the same transaction as the change itself; a request that changes nothing
// writes nothing. A new régie is created by regies-create.ts.
import type Database from 'better-sqlite3';
import type {
  CommuneIdentity,
  MachineSettingsUpdate,
  RegieConfig,
  SettingsView,
} from '../../shared/contract';
import { paymentModes, type PaymentMode } from '../../shared/payment-modes';
import type { z } from 'zod';
import type { regieConfigUpdateSchema } from '../../shared/contract';
import { requireSession, type HandlerContext } from '../context';
import { notFound } from '../errors';
import { appendJournal } from '../journal/chain';
import { getSetting, setSetting } from '../settings';
import { checkBackupDir, systemBackupFolderDeps, type BackupFolderDeps } from './backup-folder';
import {
  machineSettingKeys,
  posteCodeOf,
  readMachineSettings,
  storedValue,
} from './machine-settings';
import type { AdminRuntime } from './runtime';

interface RegieRow {
  id: number;
  code: string;
  name: string;
  accepted_modes: string;
  cash_ceiling_cents: number;
  float_cents: number;
  creditor_label: string;
  numcli: string | null;
  payfip_saisie: 'T' | 'X' | 'W';
  dft_account: string | null;
  allow_credit: number;
  allow_direct_debit_payment: number;
  service_name: string;
  service_address: string;
  service_phone: string | null;
}

function toConfig(r: RegieRow): RegieConfig {
  const modes = JSON.parse(r.accepted_modes) as string[];
  return {
    regieId: r.id,
    code: r.code,
    name: r.name,
    // Kept in the order of the list of modes, whatever order they were stored in.
    acceptedModes: paymentModes.filter((m) => modes.includes(m)),
    cashCeilingCents: r.cash_ceiling_cents,
    floatCents: r.float_cents,
    creditorLabel: r.creditor_label,
    numcli: r.numcli,
    payfipSaisie: r.payfip_saisie,
    dftAccount: r.dft_account,
    allowCredit: r.allow_credit === 1,
    allowDirectDebitPayment: r.allow_direct_debit_payment === 1,
    serviceName: r.service_name,
    serviceAddress: r.service_address,
    servicePhone: r.service_phone,
  };
}

const regieColumns = `id, code, name, accepted_modes, cash_ceiling_cents, float_cents, creditor_label,
  numcli, payfip_saisie, dft_account, allow_credit, allow_direct_debit_payment, service_name,
  service_address, service_phone`;

export function readRegies(sqlite: Database.Database): RegieConfig[] {
  return (
    sqlite.prepare(`SELECT ${regieColumns} FROM regie ORDER BY code`).all() as RegieRow[]
  ).map(toConfig);
}

export function readRegie(sqlite: Database.Database, regieId: number): RegieConfig | null {
  const row = sqlite.prepare(`SELECT ${regieColumns} FROM regie WHERE id = ?`).get(regieId) as
    RegieRow | undefined;
  return row ? toConfig(row) : null;
}

/** The commune every document prints: the first one (a register holds a single commune). */
export function readCommune(sqlite: Database.Database): CommuneIdentity {
  const row = sqlite
    .prepare(
      'SELECT name, address_line, postal_code, city, siret, phone FROM commune ORDER BY id LIMIT 1',
    )
    .get() as
    | {
        name: string;
        address_line: string;
        postal_code: string;
        city: string;
        siret: string | null;
        phone: string | null;
      }
    | undefined;
  return {
    name: row?.name ?? '',
    addressLine: row?.address_line ?? '',
    postalCode: row?.postal_code ?? '',
    city: row?.city ?? '',
    siret: row?.siret ?? null,
    phone: row?.phone ?? null,
  };
}

export function settingsView(
  sqlite: Database.Database,
  rt: Pick<AdminRuntime, 'defaultBackupDir'>,
): SettingsView {
  return {
    machine: readMachineSettings(sqlite, rt.defaultBackupDir),
    regies: readRegies(sqlite),
    commune: readCommune(sqlite),
  };
}

interface Change {
  key: string;
  old: unknown;
  new: unknown;
}

export async function updateMachineSettings(
  ctx: HandlerContext,
  rt: Pick<AdminRuntime, 'defaultBackupDir'>,
  args: MachineSettingsUpdate,
  folders: BackupFolderDeps = systemBackupFolderDeps(),
): Promise<SettingsView> {
  const session = requireSession(ctx);
  const sqlite = ctx.sqlite;
  // Checked first, before anything is read for the update: asking Windows about a drive takes a
  // moment, and the values compared below must be those of after that wait. A folder already
  // in the settings is not checked again, so that saving the other settings neither waits for
  // PowerShell nor fails because a backup disk is unplugged today.
  const backupDir = args.backupDir;
  if (backupDir && backupDir !== getSetting(sqlite, machineSettingKeys.backupDir)) {
    await checkBackupDir(backupDir, folders);
  }
  const posteCode = posteCodeOf(sqlite);
  const current = readMachineSettings(sqlite, rt.defaultBackupDir);
  const writes: { key: string; value: string | null }[] = [];
  const changes: Change[] = [];
  for (const name of Object.keys(machineSettingKeys) as (keyof MachineSettingsUpdate)[]) {
    const requested = args[name];
    if (requested === undefined) continue;
    const key = machineSettingKeys[name];
    // An empty backup folder means "the default folder": the row is removed, like a null float.
    const value = name === 'backupDir' && requested === '' ? null : storedValue(name, requested);
    if (getSetting(sqlite, key) === value) continue;
    writes.push({ key, value });
    // The journal compares the values in effect: storing the default explicitly changes nothing.
    const before =
      name === 'backupDir' ? (current.backupDirConfigured ? current.backupDir : '') : current[name];
    if (JSON.stringify(before) !== JSON.stringify(requested)) {
      changes.push({ key, old: before, new: requested });
    }
  }
  if (writes.length > 0) {
    sqlite.transaction(() => {
      for (const w of writes) {
        if (w.value === null) {
          sqlite.prepare('DELETE FROM setting WHERE key = ?').run(w.key);
        } else {
          setSetting(sqlite, w.key, w.value);
        }
      }
      if (args.posteName !== undefined && args.posteName !== current.posteName) {
        // Documents print the poste's name from the poste table: both stay the same.
        sqlite.prepare('UPDATE poste SET name = ? WHERE code = ?').run(args.posteName, posteCode);
      }
      if (changes.length > 0) {
        appendJournal(sqlite, 'operations', {
          kind: 'configuration',
          instant: ctx.now().toISOString(),
          agentId: session.agentId,
          regieId: null,
          posteCode,
          payload: { scope: 'poste', posteCode, changes },
        });
      }
    })();
  }
  return settingsView(sqlite, rt);
}

export type RegieConfigUpdate = z.output<typeof regieConfigUpdateSchema>;

export function updateRegieConfig(
  ctx: HandlerContext,
  rt: AdminRuntime,
  args: RegieConfigUpdate,
): SettingsView {
  const session = requireSession(ctx);
  const sqlite = ctx.sqlite;
  const before = readRegie(sqlite, args.regieId);
  if (!before) throw notFound('Régie');
  const modes: PaymentMode[] = paymentModes.filter((m) => args.acceptedModes.includes(m));
  const after: RegieConfig = {
    ...before,
    name: args.name ?? before.name,
    serviceName: args.serviceName ?? before.serviceName,
    serviceAddress: args.serviceAddress ?? before.serviceAddress,
    servicePhone: args.servicePhone === undefined ? before.servicePhone : args.servicePhone,
    acceptedModes: modes,
    cashCeilingCents: args.cashCeilingCents,
    floatCents: args.floatCents,
    creditorLabel: args.creditorLabel,
    numcli: args.numcli,
    payfipSaisie: args.payfipSaisie,
    dftAccount: args.dftAccount === '' ? null : args.dftAccount,
    allowCredit: args.allowCredit,
    allowDirectDebitPayment: args.allowDirectDebitPayment,
  };
  const changes: Change[] = [];
  for (const key of Object.keys(after) as (keyof RegieConfig)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes.push({ key, old: before[key], new: after[key] });
    }
  }
  if (changes.length > 0) {
    sqlite.transaction(() => {
      sqlite
        .prepare(
          `UPDATE regie SET accepted_modes = ?, cash_ceiling_cents = ?, float_cents = ?, creditor_label = ?,
             numcli = ?, payfip_saisie = ?, dft_account = ?, allow_credit = ?, allow_direct_debit_payment = ?,
             name = ?, service_name = ?, service_address = ?, service_phone = ?
           WHERE id = ?`,
        )
        .run(
          JSON.stringify(after.acceptedModes),
          after.cashCeilingCents,
          after.floatCents,
          after.creditorLabel,
          after.numcli,
          after.payfipSaisie,
          after.dftAccount,
          after.allowCredit ? 1 : 0,
          after.allowDirectDebitPayment ? 1 : 0,
          after.name,
          after.serviceName,
          after.serviceAddress,
          after.servicePhone,
          after.regieId,
        );
      appendJournal(sqlite, 'operations', {
        kind: 'configuration',
        instant: ctx.now().toISOString(),
        agentId: session.agentId,
        regieId: after.regieId,
        posteCode: posteCodeOf(sqlite),
        payload: {
          scope: 'regie',
          regieCode: after.code,
          changes,
          // The agreements are not stored: the régisseur's confirmation is kept here.
          agreements: {
            cesu: modes.includes('cesu') ? args.cesuAgreement : null,
            chequeVacances: modes.includes('cheque_vacances') ? args.chequeVacancesAgreement : null,
          },
        },
      });
    })();
  }
  return settingsView(sqlite, rt);
}
