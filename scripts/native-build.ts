// Which build of better-sqlite3 is in place, and whether it is the right one. better-sqlite3 is
// a native module compiled for one ABI: Node's build in node_modules serves the tests and
// browser mode, Electron's build in out/native/electron serves the desktop app and the
// installer (scripts/rebuild-electron.ts writes it with a build-info.json beside it, naming the
// Electron and the better-sqlite3 release it was built for). A stale
// build fails deep inside openCore with a message about module versions that tells a person
// nothing; these checks run first and say which command puts things right.
//
// The decisions are pure functions of what was read, so that tests can hand them fake
// build-info files; the few reads of the disk are kept in small functions of their own.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What rebuild-electron.ts records beside the module it built. */
export interface BuildInfo {
  electron: string;
  platform: string;
  arch: string;
  betterSqlite3?: string;
  builtAt?: string;
}

/** The Electron the module must load into: its version, and the system and processor. */
export interface NativeTarget {
  electron: string;
  platform: string;
  arch: string;
  /**
   * The better-sqlite3 installed in node_modules, when known: a module built from an older
   * release would load, yet its JavaScript side (the installed one) expects the new native side.
   */
  betterSqlite3?: string;
}

export type BuildInfoRead =
  { kind: 'ok'; info: BuildInfo } | { kind: 'missing' } | { kind: 'corrupt'; detail: string };

export type NativeVerdict =
  | { ok: true }
  | {
      ok: false;
      reason:
        | 'missing'
        | 'corrupt'
        | 'binary-missing'
        | 'electron'
        | 'better-sqlite3'
        | 'platform'
        | 'arch';
      /** One French sentence saying what is wrong, without the command that fixes it. */
      message: string;
    };

export const nativePaths = (repoRoot: string) => {
  const dir = path.join(repoRoot, 'out', 'native', 'electron');
  return {
    dir,
    binary: path.join(dir, 'better_sqlite3.node'),
    buildInfo: path.join(dir, 'build-info.json'),
  };
};

/** Parses build-info.json's text; anything but the expected fields counts as corrupt. */
export function parseBuildInfo(text: string): BuildInfoRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { kind: 'corrupt', detail: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'corrupt', detail: 'pas un objet JSON' };
  }
  const record = value as Record<string, unknown>;
  for (const field of ['electron', 'platform', 'arch'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') {
      return { kind: 'corrupt', detail: `champ « ${field} » absent ou vide` };
    }
  }
  return {
    kind: 'ok',
    info: {
      electron: String(record.electron),
      platform: String(record.platform),
      arch: String(record.arch),
      ...(typeof record.betterSqlite3 === 'string' ? { betterSqlite3: record.betterSqlite3 } : {}),
      ...(typeof record.builtAt === 'string' ? { builtAt: record.builtAt } : {}),
    },
  };
}

export function readBuildInfo(file: string): BuildInfoRead {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', detail: e instanceof Error ? e.message : String(e) };
  }
  return parseBuildInfo(text);
}

/**
 * Whether the Electron build recorded in `read` fits `target`. `binaryPresent` is checked too:
 * a build-info left behind by a run whose copy of the module was deleted proves nothing.
 */
export function checkElectronBuild(
  read: BuildInfoRead,
  target: NativeTarget,
  binaryPresent: boolean,
): NativeVerdict {
  if (read.kind === 'missing') {
    return {
      ok: false,
      reason: 'missing',
      message: 'better-sqlite3 n’a jamais été construit pour Electron sur ce poste',
    };
  }
  if (read.kind === 'corrupt') {
    return {
      ok: false,
      reason: 'corrupt',
      message: `la fiche de construction de better-sqlite3 pour Electron est illisible (${read.detail})`,
    };
  }
  const { info } = read;
  if (!binaryPresent) {
    return {
      ok: false,
      reason: 'binary-missing',
      message: 'le module better_sqlite3.node construit pour Electron est absent',
    };
  }
  if (info.electron !== target.electron) {
    return {
      ok: false,
      reason: 'electron',
      message: `better-sqlite3 a été construit pour Electron ${info.electron}, or Electron ${target.electron} est installé`,
    };
  }
  if (target.betterSqlite3 && info.betterSqlite3 !== target.betterSqlite3) {
    return {
      ok: false,
      reason: 'better-sqlite3',
      message: info.betterSqlite3
        ? `le module pour Electron vient de better-sqlite3 ${info.betterSqlite3}, or better-sqlite3 ${target.betterSqlite3} est installé`
        : `le module pour Electron vient d’une version inconnue de better-sqlite3, or better-sqlite3 ${target.betterSqlite3} est installé`,
    };
  }
  if (info.platform !== target.platform) {
    return {
      ok: false,
      reason: 'platform',
      message: `better-sqlite3 a été construit pour le système ${info.platform}, pas pour ${target.platform}`,
    };
  }
  if (info.arch !== target.arch) {
    return {
      ok: false,
      reason: 'arch',
      message: `better-sqlite3 a été construit pour le processeur ${info.arch}, pas pour ${target.arch}`,
    };
  }
  return { ok: true };
}

/** The installed electron package's version, null when the package is absent or unreadable. */
export function installedElectronVersion(repoRoot: string): string | null {
  return installedVersion(repoRoot, 'electron');
}

/** A package's version in the repository's node_modules, null when absent or unreadable. */
export function installedVersion(repoRoot: string, name: string): string | null {
  try {
    const pkg: unknown = JSON.parse(
      readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'),
    );
    const version = (pkg as { version?: unknown } | null)?.version;
    return typeof version === 'string' && version !== '' ? version : null;
  } catch {
    return null;
  }
}

/**
 * The check `npm start` makes before launching Electron on this machine. The better-sqlite3
 * release is compared when node_modules says which it is.
 */
export function checkLocalElectronBuild(
  repoRoot: string,
  electronVersion: string,
  host: { platform: string; arch: string } = process,
): NativeVerdict {
  const betterSqlite3 = installedVersion(repoRoot, 'better-sqlite3');
  return checkRepoBuild(repoRoot, {
    electron: electronVersion,
    platform: host.platform,
    arch: host.arch,
    ...(betterSqlite3 ? { betterSqlite3 } : {}),
  });
}

/** checkElectronBuild on the repository's own out/native/electron. */
function checkRepoBuild(repoRoot: string, target: NativeTarget): NativeVerdict {
  const paths = nativePaths(repoRoot);
  return checkElectronBuild(readBuildInfo(paths.buildInfo), target, existsSync(paths.binary));
}

export const nativeText = {
  rebuilding: (why: string, electron: string) =>
    `Construction de better-sqlite3 pour Electron ${electron} avant le lancement (${why}) : npm run rebuild:electron…`,
  rebuildFailed:
    'La construction de better-sqlite3 pour Electron a échoué (voir ci-dessus) : l’application de bureau ne peut pas démarrer. Corrigez la cause puis relancez « npm run rebuild:electron », ou lancez « npm start -- --browser » pour le mode navigateur.',
  nodeAbi: (detail: string) =>
    `better-sqlite3 dans node_modules n’est pas construit pour ce Node (${process.version}) : ${detail}. Lancez « npm run rebuild:node » puis recommencez.`,
  nodeLoad: (detail: string) =>
    `better-sqlite3 ne se charge pas dans ce Node (${detail}). Lancez « npm run rebuild:node » ; si cela persiste, « npm ci ».`,
  packaging: (why: string) =>
    `Paquet d’installation refusé : ${why}. Le module natif embarqué doit être celui de Windows x64 pour l’Electron installé ; « npm run dist » le construit ainsi avant l’empaquetage : lancez-le plutôt qu’electron-builder seul (ou « npm run rebuild:electron -- --platform=win32 --arch=x64 » d’abord).`,
  electronMissing:
    'Le paquet « electron » est absent de node_modules : impossible de vérifier le module natif à embarquer.',
  betterSqlite3Missing:
    'Le paquet « better-sqlite3 » est absent de node_modules ou illisible : impossible de vérifier le module natif à embarquer. Lancez « npm ci » puis recommencez.',
};

/**
 * True when an error from loading better-sqlite3 says the module was compiled for another ABI
 * (Node's message names NODE_MODULE_VERSION; Electron's says the same in other words).
 */
export function isAbiMismatch(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return (
    /NODE_MODULE_VERSION/.test(message) ||
    /compiled against a different Node\.js version/i.test(message)
  );
}

/**
 * Loads better-sqlite3 the way the core will (`open` creates an in-memory database) and turns a
 * failure into the French sentence to print; null when it works.
 */
export function nodeBuildProblem(open: () => void): string | null {
  try {
    open();
    return null;
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    return isAbiMismatch(e) ? nativeText.nodeAbi(first) : nativeText.nodeLoad(first);
  }
}

/** electron-builder's names for its Arch enum values (builder-util's Arch). */
const BUILDER_ARCH: Readonly<Record<number, string>> = {
  0: 'ia32',
  1: 'x64',
  2: 'armv7l',
  3: 'arm64',
  4: 'universal',
};

/**
 * What packaging requires: the module built for the installer's platform and processor and for
 * the installed Electron. Throws the French reason otherwise, which electron-builder prints
 * before stopping, so that a module built for the build machine (Linux) can never ship.
 */
export function assertPackagedBuild(
  repoRoot: string,
  target: { platform: string; arch: number | string },
): void {
  const electron = installedElectronVersion(repoRoot);
  if (!electron) throw new Error(nativeText.electronMissing);
  const arch = typeof target.arch === 'number' ? (BUILDER_ARCH[target.arch] ?? '?') : target.arch;
  const betterSqlite3 = installedVersion(repoRoot, 'better-sqlite3');
  if (!betterSqlite3) throw new Error(nativeText.betterSqlite3Missing);
  const verdict = checkRepoBuild(repoRoot, {
    electron,
    platform: target.platform,
    arch,
    betterSqlite3,
  });
  if (!verdict.ok) throw new Error(nativeText.packaging(verdict.message));
}
