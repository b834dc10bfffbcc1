// npm run bench [-- --json] [-- --only NAME]
// Loads every file of benches/ (each registers its figures), runs them one after the other in
// this process and prints, per figure: median, p95, p99, and the ratio of its median to its
// baseline's median measured in the same run. --json prints one JSON object per line instead.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registeredBenches, summarize, type BenchContext, type Summary } from './registry';

interface Row {
  name: string;
  unit: string;
  summary: Summary;
  baseline: Summary | null;
  ratio: number | null;
}

function parseArgs(argv: string[]): { json: boolean; only: string | null } {
  let json = false;
  let only: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--only') only = argv[++i] ?? null;
    else if (a.startsWith('--only=')) only = a.slice('--only='.length);
    else throw new Error(`Option inconnue : ${a} (attendu : --json, --only NOM)`);
  }
  return { json, only };
}

const round = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(4)) : n);

async function main(): Promise<void> {
  const { json, only } = parseArgs(process.argv.slice(2));
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'benches');
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    await import(pathToFileURL(path.join(dir, f)).href);
  }
  const all = registeredBenches();
  const selected = only ? all.filter((b) => b.name === only) : all;
  if (selected.length === 0) {
    throw new Error(
      `Aucune mesure nommée ${only}. Mesures connues : ${all.map((b) => b.name).join(', ')}`,
    );
  }
  const ctx: BenchContext = { progress: (m) => process.stderr.write(`  ${m}\n`) };
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const b of selected) {
    process.stderr.write(`▶ ${b.name} — ${b.description}\n`);
    let summary: Summary;
    let baseline: Summary | null = null;
    try {
      summary = summarize(await b.run(ctx));
      if (b.baseline) {
        process.stderr.write(`  référence : ${b.baseline.description}\n`);
        baseline = summarize(await b.baseline.run(ctx));
      }
    } catch (e) {
      // One broken figure must not hide the others: report it, go on, fail at the end.
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`  ÉCHEC de ${b.name} : ${message}\n`);
      failures.push(b.name);
      continue;
    }
    const ratio = baseline && baseline.median > 0 ? summary.median / baseline.median : null;
    const row: Row = { name: b.name, unit: b.unit, summary, baseline, ratio };
    rows.push(row);
    if (json) {
      process.stdout.write(
        `${JSON.stringify({
          name: row.name,
          unit: row.unit,
          median: round(summary.median),
          p95: round(summary.p95),
          p99: round(summary.p99),
          ratio: ratio === null ? null : round(ratio),
        })}\n`,
      );
    }
  }
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ name: 'process.peak_rss', unit: 'MiB', median: round(peakMiB), p95: round(peakMiB), p99: round(peakMiB), ratio: null })}\n`,
    );
    if (failures.length > 0) process.exitCode = 1;
    return;
  }
  const header = ['mesure', 'unité', 'médiane', 'p95', 'p99', 'référence (méd.)', 'ratio', 'n'];
  const table = rows.map((r) => [
    r.name,
    r.unit,
    String(round(r.summary.median)),
    String(round(r.summary.p95)),
    String(round(r.summary.p99)),
    r.baseline ? `${round(r.baseline.median)} ${r.unit}` : '—',
    r.ratio === null ? '—' : `×${round(r.ratio)}`,
    String(r.summary.count),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const row of table) process.stdout.write(`${line(row)}\n`);
  process.stdout.write(`\nmémoire résidente maximale : ${peakMiB.toFixed(0)} Mio\n`);
  if (failures.length > 0) {
    process.stderr.write(`Mesures en échec : ${failures.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
