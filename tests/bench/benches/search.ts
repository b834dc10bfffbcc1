// search.family.100k: milliseconds per families.search call, through the dispatcher as the UI
// sends it, on the 100,000-family / ~1,000,000-invoice base, over a mix of what agents type.
// Baseline: one primary-key lookup of a family row on the same connection.
import type Database from 'better-sqlite3';
import pino from 'pino';
import { openCore, type Core } from '../../../src/core/core';
import { createRng } from '../../../src/shared/demo/prng';
import { foldText } from '../../../src/shared/text';
import { base100k } from '../base-100k';
import { registerBench, timeEach, timeEachAsync, type BenchContext } from '../registry';

const QUERIES = 600;

interface Pick {
  family_name: string;
  code: string;
  first_name: string;
  child: string | null;
  number: string | null;
  refdet: string | null;
}

/** A reproducible mix of queries drawn from the base itself. */
export function queryMix(sqlite: Database.Database, count: number, seed = 7): string[] {
  const rng = createRng(seed);
  const max = sqlite.prepare('SELECT max(id) FROM family').pluck().get() as number;
  const pick = sqlite.prepare(
    `SELECT f.family_name, f.code, r.first_name,
       (SELECT first_name FROM child WHERE family_id = f.id ORDER BY id LIMIT 1) AS child,
       (SELECT number FROM invoice WHERE family_id = f.id ORDER BY id DESC LIMIT 1) AS number,
       (SELECT refdet FROM invoice WHERE family_id = f.id ORDER BY id LIMIT 1) AS refdet
     FROM family f JOIN responsable r ON r.family_id = f.id AND r.rank = 1 WHERE f.id = ?`,
  );
  const kinds: [(p: Pick) => string | null, number][] = [
    [(p) => p.family_name, 10], // as written, accents and all: "Lefèvre"
    [(p) => foldText(p.family_name), 10], // typed without accents: "lefevre"
    [(p) => foldText(p.family_name).replace(/ /g, ''), 4], // glued: "ndiaye", "legall"
    [(p) => foldText(p.family_name).slice(0, 2), 8], // first keystrokes
    [(p) => foldText(p.family_name).slice(0, 3), 8],
    [(p) => foldText(p.family_name).slice(0, 4), 8],
    [(p) => p.first_name, 6], // a responsable's first name alone
    [(p) => `${foldText(p.family_name)} ${foldText(p.first_name)}`, 8],
    [(p) => `${foldText(p.family_name)} ${foldText(p.first_name).slice(0, 3)}`, 6],
    [(p) => p.child, 6], // a child's first name: "Léa"
    [(p) => (p.child ? `${foldText(p.child)} ${foldText(p.family_name).slice(0, 4)}` : null), 6],
    [(p) => p.code, 6],
    [(p) => p.code.toLowerCase().replace('-', ''), 2],
    [(p) => p.code.split('-')[1] ?? null, 2],
    [(p) => p.number, 6],
    [(p) => p.refdet?.toLowerCase() ?? null, 3],
    [(p) => p.number?.slice(0, -2) ?? null, 2], // a number being typed
  ];
  const out: string[] = [];
  while (out.length < count) {
    const p = pick.get(rng.int(1, max)) as Pick | undefined;
    if (!p) continue;
    const q = rng.weighted(kinds)(p);
    if (q) out.push(q);
  }
  return out;
}

let core: Core | null = null;
let token = '';
let queries: string[] = [];
let warmup: string[] = [];

async function setUp(ctx: BenchContext): Promise<Core> {
  if (core) return core;
  const file = await base100k(ctx);
  core = await openCore({ dbFile: file, seed: 'none', logger: pino({ level: 'silent' }) });
  const login = await core.send(
    'auth.login',
    { login: 'mandataire', password: 'demo-mandataire' },
    null,
  );
  if (!login.ok) throw new Error(login.error.message);
  token = (login.value as { token: string }).token;
  queries = queryMix(core.sqlite, QUERIES);
  // The warm-up mix is drawn with another seed: it brings the search index and the tables into
  // the caches as a day at the counter would, without replaying the measured queries.
  warmup = queryMix(core.sqlite, QUERIES, 8);
  return core;
}

registerBench({
  name: 'search.family.100k',
  unit: 'ms',
  description: `families.search (limite 20) par requête, ${QUERIES} requêtes mêlées, base de 100 000 familles`,
  async run(ctx) {
    const c = await setUp(ctx);
    const send = async (q: string) => {
      const r = await c.send('families.search', { query: q }, token);
      if (!r.ok) throw new Error(`${q} : ${r.error.message}`);
    };
    for (const q of warmup) await send(q);
    const samples = await timeEachAsync(queries.length, (i) => send(queries[i]!));
    return samples;
  },
  baseline: {
    description: 'une lecture de famille par clé primaire (SELECT … WHERE id = ?)',
    async run(ctx) {
      const c = await setUp(ctx);
      const stmt = c.sqlite.prepare('SELECT * FROM family WHERE id = ?');
      const rng = createRng(11);
      const ids = Array.from({ length: 20_000 }, () => rng.int(1, 100_000));
      timeEach(2_000, (i) => stmt.get(ids[i]));
      const samples = timeEach(ids.length, (i) => stmt.get(ids[i]));
      c.close();
      core = null;
      return samples;
    },
  },
});
