// The installed packages as package-lock.json records them, for the packaging: which packages a
// set of dependencies needs, with everything they need in turn, resolved the way Node resolves
// a require (the nearest node_modules folder first, then the ones above it).
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface PackageLock {
  packages: Record<string, LockEntry>;
}

export function readPackageLock(repoRoot: string): PackageLock {
  return JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as PackageLock;
}

/** The lock key (`node_modules/a/node_modules/b`) a require of `name` from `from` lands on. */
function resolveFrom(lock: PackageLock, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (candidate in lock.packages) return candidate;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

/**
 * The names a package needs at run time: its dependencies, its optional ones when installed,
 * and the peers it does not mark optional (a peer it cannot do without must ship with it).
 */
function runtimeNeeds(entry: LockEntry): string[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter(
    (p) => !entry.peerDependenciesMeta?.[p]?.optional,
  );
  return [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...peers,
  ];
}

/** Every lock key the packages `roots` (names, as the project requires them) need. */
export function dependencyClosure(lock: PackageLock, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack: { from: string; name: string }[] = roots.map((name) => ({ from: '', name }));
  while (stack.length > 0) {
    const { from, name } = stack.pop()!;
    const key = resolveFrom(lock, from, name);
    if (key === null || seen.has(key)) continue;
    seen.add(key);
    for (const need of runtimeNeeds(lock.packages[key] ?? {}))
      stack.push({ from: key, name: need });
  }
  return seen;
}

/** The package name of a top-level lock key (`node_modules/@scope/name` -> `@scope/name`). */
export function topLevelName(key: string): string | null {
  const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key);
  return m?.[1] ?? null;
}

/**
 * The top-level packages needed by `leftOut` and by nothing in `kept`: they can leave with
 * them. Nested copies (`node_modules/a/node_modules/b`) leave with their parent anyway.
 */
export function packagesOnlyNeededBy(
  lock: PackageLock,
  leftOut: readonly string[],
  kept: readonly string[],
): string[] {
  const keep = dependencyClosure(lock, kept);
  return [...dependencyClosure(lock, leftOut)]
    .filter((key) => !keep.has(key))
    .map(topLevelName)
    .filter((name): name is string => name !== null)
    .sort();
}
