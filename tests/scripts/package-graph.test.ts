// The package graph the packaging reads from package-lock.json: requires resolved as Node does
// (nested copy first, then the folders above), optional peers not followed, and a package left
// out of app.asar only when nothing kept needs it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  dependencyClosure,
  packagesOnlyNeededBy,
  readPackageLock,
  topLevelName,
  type PackageLock,
} from '../../scripts/package-graph';

const lock: PackageLock = {
  packages: {
    '': { dependencies: { app: '1', portal: '1' } },
    'node_modules/app': { dependencies: { shared: '1', util: '2' } },
    // app needs util 2, nested under it; the top-level util 1 is the portal's.
    'node_modules/app/node_modules/util': {},
    'node_modules/portal': {
      dependencies: { shared: '1', util: '1', '@scope/router': '1' },
      peerDependencies: { driver: '1', app: '1' },
      peerDependenciesMeta: { driver: { optional: true } },
    },
    'node_modules/shared': {},
    'node_modules/util': {},
    'node_modules/@scope/router': { optionalDependencies: { 'native-speedup': '1' } },
    'node_modules/native-speedup': {},
    'node_modules/driver': {},
  },
};

describe('package graph', () => {
  it('resolves nested copies before the hoisted ones', () => {
    expect([...dependencyClosure(lock, ['app'])].sort()).toEqual([
      'node_modules/app',
      'node_modules/app/node_modules/util',
      'node_modules/shared',
    ]);
  });

  it('follows optional dependencies and required peers, not optional peers', () => {
    const closure = dependencyClosure(lock, ['portal']);
    expect(closure.has('node_modules/native-speedup')).toBe(true);
    expect(closure.has('node_modules/app')).toBe(true);
    expect(closure.has('node_modules/driver')).toBe(false);
  });

  it('leaves out only what nothing kept needs', () => {
    // portal's required peer is app itself: nothing but portal's own packages may go.
    expect(packagesOnlyNeededBy(lock, ['portal'], ['app'])).toEqual([
      '@scope/router',
      'native-speedup',
      'portal',
      'util',
    ]);
    expect(packagesOnlyNeededBy(lock, ['portal'], ['app', 'util'])).not.toContain('util');
  });

  it('names top-level packages, scoped or not, and nothing nested', () => {
    expect(topLevelName('node_modules/@scope/router')).toBe('@scope/router');
    expect(topLevelName('node_modules/util')).toBe('util');
    expect(topLevelName('node_modules/app/node_modules/util')).toBeNull();
    expect(topLevelName('')).toBeNull();
  });

  it('reads the repository’s own lock file', () => {
    const real = readPackageLock(
      path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'),
    );
    expect(dependencyClosure(real, ['pino']).has('node_modules/pino')).toBe(true);
  });
});
