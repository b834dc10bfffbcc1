import type { BackupInfo } from '../../shared/contract';
import type { HandlerGroup } from '../context';
import { listBackupFiles } from './backup-files';
import { journaledBackups } from './backup-journal';
import { buildIncidentReport } from './incident-report';
import { backupDirOf, readMachineSettings } from './machine-settings';
import { updateCommune } from './commune-update';
import { createRegie } from './regies-create';
import { restoreBackup } from './restore';
import { settingsView, updateMachineSettings, updateRegieConfig } from './settings-update';

export const adminHandlers = {
  'settings.get'(_args, ctx) {
    return settingsView(ctx.sqlite, ctx.admin);
  },

  'settings.update'(args, ctx) {
    return updateMachineSettings(ctx, ctx.admin, args);
  },

  'regies.update'(args, ctx) {
    return updateRegieConfig(ctx, ctx.admin, args);
  },

  'regies.create'(args, ctx) {
    return createRegie(ctx, ctx.admin, args);
  },

  'commune.update'(args, ctx) {
    return updateCommune(ctx, ctx.admin, args);
  },

  'backups.list'(_args, ctx) {
    const settings = readMachineSettings(ctx.sqlite, ctx.admin.defaultBackupDir);
    const dir = backupDirOf(ctx.sqlite, ctx.admin.defaultBackupDir);
    const journaled = journaledBackups(ctx.sqlite);
    const backups: BackupInfo[] = dir
      ? listBackupFiles(dir).map((f) => {
          const j = journaled.get(f.fileName);
          return {
            fileName: f.fileName,
            reason: f.reason,
            createdAt: f.createdAt.toISOString(),
            sizeBytes: f.sizeBytes,
            sha256: j?.sha256 ?? null,
            verified: j ? j.ok : null,
          };
        })
      : [];
    return {
      dir: dir ?? '',
      backups,
      keepDaily: settings.keepDailyBackups,
      keepClosing: settings.keepClosingBackups,
    };
  },

  'backups.create'(_args, ctx) {
    return ctx.admin.backups.make('manuelle');
  },

  'backups.restore'(args, ctx) {
    return restoreBackup(ctx, ctx.admin, args.fileName);
  },

  'incident.report'(_args, ctx) {
    return buildIncidentReport(ctx, ctx.admin);
  },
} satisfies HandlerGroup<
  | 'settings.get'
  | 'settings.update'
  | 'regies.update'
  | 'regies.create'
  | 'commune.update'
  | 'backups.list'
  | 'backups.create'
  | 'backups.restore'
  | 'incident.report'
>;
