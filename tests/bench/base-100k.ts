// The 100,000-family base the search and start-up benchmarks run on. Generating it takes about a
// minute, so it is kept under the system's temporary folder, named after everything that shapes
// its content (generator version, shipped migrations, size, seed and date): a later run reuses
// it, and a change to any of these builds a new one and removes the stale ones.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir } from '../../src/core/core';
import { loadShippedMigrations, migrate } from '../../src/core/db/migrate';
import { openSqlite } from '../../src/core/db/open';
import { GENERATOR_VERSION, generateDemo, type DemoOptions } from '../../src/core/demo/generate';
import type { BenchContext } from './registry';

export const BASE_100K: DemoOptions = { families: 100_000, seed: 20_260_316, today: '2026-03-16' };

const CACHE_DIR = path.join(tmpdir(), 'guichet-bench');

function cacheKey(opts: DemoOptions): string {
  const shipped = loadShippedMigrations(defaultMigrationsDir());
  const h = createHash('sha256');
  h.update(
    JSON.stringify({
      generator: GENERATOR_VERSION,
      opts,
      migrations: shipped.map((m) => [m.tag, m.hash]),
    }),
  );
  return h.digest('hex').slice(0, 16);
}

function removeFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    rmSync(`${file}${suffix}`, { force: true });
}

/** Builds a demo base into `file` (migrated, then generated). Returns the seconds it took. */
export async function buildDemoBase(file: string, opts: DemoOptions): Promise<number> {
  removeFile(file);
  const db = openSqlite(file);
  try {
    await migrate(db, loadShippedMigrations(defaultMigrationsDir()));
    const t = performance.now();
    await generateDemo(db, opts);
    const seconds = (performance.now() - t) / 1000;
    db.pragma('wal_checkpoint(TRUNCATE)');
    return seconds;
  } finally {
    db.close();
  }
}

let cached: Promise<string> | null = null;

/** The cached 100k base's path, built on first use. */
export function base100k(ctx: BenchContext): Promise<string> {
  cached ??= (async () => {
    mkdirSync(CACHE_DIR, { recursive: true });
    const name = `base-100k-${cacheKey(BASE_100K)}.sqlite`;
    const file = path.join(CACHE_DIR, name);
    if (existsSync(file)) {
      ctx.progress(`base de 100 000 familles réutilisée : ${file}`);
      return file;
    }
    for (const stale of readdirSync(CACHE_DIR).filter(
      (f) => f.startsWith('base-100k-') && !f.startsWith(name),
    )) {
      rmSync(path.join(CACHE_DIR, stale), { force: true });
    }
    ctx.progress('génération de la base de 100 000 familles (une minute environ)…');
    // Built under a temporary name and renamed when complete, so an interrupted build is never
    // mistaken for a finished one.
    const partial = `${file}.partiel`;
    const seconds = await buildDemoBase(partial, BASE_100K);
    renameSync(partial, file);
    ctx.progress(`base générée en ${seconds.toFixed(1)} s : ${file}`);
    return file;
  })();
  return cached;
}
