// demo.generate.100k: seconds to generate the 100,000-family demo (about 1,000,000 invoices)
// into a fresh, migrated temporary file. Each run takes about a minute, so the default is 3
// runs; BENCH_GENERATE_RUNS changes it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_100K, buildDemoBase } from '../base-100k';
import { registerBench } from '../registry';

const runs = Math.max(1, Number(process.env.BENCH_GENERATE_RUNS) || 3);

registerBench({
  name: 'demo.generate.100k',
  unit: 's',
  description: `generateDemo() de 100 000 familles dans un fichier neuf, ${runs} exécution(s)`,
  async run(ctx) {
    const dir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-gen-'));
    const samples: number[] = [];
    try {
      for (let i = 0; i < runs; i++) {
        ctx.progress(`génération ${i + 1}/${runs}…`);
        samples.push(await buildDemoBase(path.join(dir, `demo-${i}.sqlite`), BASE_100K));
        rmSync(path.join(dir, `demo-${i}.sqlite`), { force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return samples;
  },
});
