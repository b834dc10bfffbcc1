// The backup folder setting is accepted only for a folder on a disk of this computer that this
// Windows session can write to. The shared schema has already refused `\\serveur\partage`;
// a drive letter mapped to a share (`Z:\`) looks local in its spelling, so Windows is asked what
// the drive is, with the same probe the desktop shell uses for the data folder
// (local-folder.ts). A backup folder on a share may be unreachable at the moment of a closing,
// and a backup that silently fails is worse than none: the copy to a server is for a scheduled
// task of the IT (README, « Sauvegardes »), not for Guichet.
import path from 'node:path';
import { DomainError } from '../errors';
import { systemFolderProbe } from './folder-probe';
import { localFolderRefusal, type FolderProbe } from './local-folder';

/** What the check asks of the system; tests pass another platform and a fake probe. */
export interface BackupFolderDeps {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  probe: FolderProbe;
}

/** This machine: its platform, its environment and the real probe. */
export function systemBackupFolderDeps(): BackupFolderDeps {
  return { platform: process.platform, env: process.env, probe: systemFolderProbe() };
}

const unchanged = 'Rien n’a été modifié.';
const chooseLocal =
  'Choisissez un dossier d’un disque de cet ordinateur, par exemple D:\\Sauvegardes\\Guichet ; pour garder aussi une copie sur un serveur, le service informatique peut y recopier ce dossier par une tâche planifiée.';

export const backupFolderMessages = {
  notAbsolute: (dir: string) =>
    `Le dossier des sauvegardes doit être un chemin complet de cet ordinateur (reçu : « ${dir} »). ${unchanged}`,
  network: (dir: string, detail?: string) =>
    `Le dossier des sauvegardes « ${dir} »${detail ? ` (${detail})` : ''} est sur le réseau : il peut être injoignable au moment d’une clôture, et la sauvegarde échouerait. ${chooseLocal} ${unchanged}`,
  unsupported: (dir: string) =>
    `Le dossier des sauvegardes « ${dir} » n’est pas un dossier ordinaire d’un disque de cet ordinateur. ${chooseLocal} ${unchanged}`,
  driveMissing: (dir: string, letter: string) =>
    `Le dossier des sauvegardes « ${dir} » est sur le lecteur ${letter}:, qui n’existe pas sur cet ordinateur. Branchez le disque ou choisissez un autre dossier. ${unchanged}`,
  driveUnknown: (dir: string, letter: string) =>
    `Guichet n’a pas pu vérifier que le lecteur ${letter}: du dossier des sauvegardes « ${dir} » est un disque local (PowerShell et WMIC n’ont pas répondu). Choisissez un dossier du disque système (C:), ou demandez au service informatique de vérifier ce lecteur. ${unchanged}`,
  notWritable: (dir: string, code: string) =>
    `Le dossier des sauvegardes « ${dir} » ne peut pas être créé ou n’accepte pas l’écriture (${code}). Choisissez un dossier local où la session Windows peut écrire. ${unchanged}`,
};

/**
 * Throws a French VALIDATION error unless `dir` is an absolute folder of this computer, not on
 * the network, that can be created and written to (a probe file is written and removed). Only
 * the write test touches the disk, and only once the folder is known to be local.
 */
export async function checkBackupDir(
  dir: string,
  deps: BackupFolderDeps = systemBackupFolderDeps(),
): Promise<void> {
  const refuse = (message: string): never => {
    throw new DomainError('VALIDATION', message);
  };
  // A UNC path counts as absolute so that it is refused below for what it is, a share, should
  // a caller ever get past the schema.
  const absolute =
    deps.platform === 'win32'
      ? /^[A-Za-z]:[\\/]/.test(dir) || /^[\\/]{2}/.test(dir)
      : path.posix.isAbsolute(dir);
  if (!absolute) refuse(backupFolderMessages.notAbsolute(dir));

  const refusal = await localFolderRefusal({ dir, ...deps }, backupFolderMessages);
  if (refusal !== null) refuse(refusal);
}
