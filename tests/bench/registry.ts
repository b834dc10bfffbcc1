// The benchmark registry. Each file in benches/ registers its figures here; run.ts loads every
// file, runs what was asked and prints the table or JSON lines. A figure may carry a baseline
// measured in the same run, so the ratio between them means something on any machine.

/** MB: megabytes (10^6 bytes), for memory figures such as a peak RSS. */
export type BenchUnit = 'µs' | 'ms' | 's' | 'MB';

export interface BenchContext {
  /** Progress for the person running the benchmarks (stderr, never mixed with --json output). */
  progress(message: string): void;
}

export interface Measure {
  /** Samples in the figure's unit, one per measured operation or run. */
  run(ctx: BenchContext): Promise<number[]>;
}

export interface Bench extends Measure {
  /** Stable dotted name, e.g. "search.family.100k": dashboards key on it. */
  name: string;
  unit: BenchUnit;
  /** One sentence: what is measured, on what. */
  description: string;
  /** Measured in the same process right after the figure; ratio = median / baseline median. */
  baseline?: Measure & { description: string };
}

const registered: Bench[] = [];

export function registerBench(bench: Bench): void {
  if (registered.some((b) => b.name === bench.name)) {
    throw new Error(`Mesure déjà enregistrée : ${bench.name}`);
  }
  registered.push(bench);
}

export function registeredBenches(): readonly Bench[] {
  return registered;
}

/** Nearest-rank percentile of already sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  median: number;
  p95: number;
  p99: number;
  count: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    count: sorted.length,
  };
}

/** Runs fn `count` times and returns each duration in milliseconds. */
export function timeEach(count: number, fn: (i: number) => unknown): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

export async function timeEachAsync(
  count: number,
  fn: (i: number) => Promise<unknown>,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}
