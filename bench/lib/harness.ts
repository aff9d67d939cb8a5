// The benchmark harness: timing with process.hrtime.bigint(), medians, result files and a table.
// Every figure is compared with a baseline measured in the same run, so a result never stands
// as an absolute time alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line of bench/results/NAME.json. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The baseline's value, measured in the same run (same unit); null when there is none. */
  baseline: number | null;
  /** value / baseline; null when there is no baseline. */
  ratio: number | null;
  /** The target, e.g. "<=1.25x node floor" or "<=100 µs"; "-" for figures reported for context. */
  target: string | number;
}

/** How the table checks a target: a bound on the ratio, or on the value itself. */
export interface Limit {
  maxRatio?: number;
  maxValue?: number;
  /** For figures where more is better (throughput). */
  minValue?: number;
}

interface Entry {
  figure: Figure;
  limit?: Limit;
}

/** Milliseconds taken by `fn`, measured with the monotonic high-resolution clock. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Repetitions per measurement: BENCH_REPS overrides the benchmark's default. */
export function repetitions(fallback: number): number {
  const raw = process.env['BENCH_REPS'];
  const parsed = raw === undefined ? NaN : Number.parseInt(raw, 10);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/**
 * Runs each named measurement `reps` times, interleaved (a, b, c, a, b, c, ...) so that drift in
 * the machine's load touches every measurement alike, and returns the median of each.
 */
export async function interleavedMedians<K extends string>(
  reps: number,
  measurements: Record<K, () => Promise<number>>,
): Promise<Record<K, number>> {
  const keys = Object.keys(measurements) as K[];
  const samples = new Map<K, number[]>(keys.map((k) => [k, []]));
  for (let i = 0; i < reps; i++) {
    for (const key of keys) samples.get(key)?.push(await measurements[key]());
  }
  const result = {} as Record<K, number>;
  for (const key of keys) result[key] = median(samples.get(key) ?? []);
  return result;
}

/** Collects the figures of one benchmark, then writes bench/results/NAME.json and prints a table. */
export class Report {
  private readonly entries: Entry[] = [];
  /** 1-minute load average when the benchmark started: a busy machine makes every ratio noisy. */
  private readonly loadAtStart = loadavg()[0] ?? 0;

  constructor(readonly benchmark: string) {}

  add(name: string, value: number, unit: string, baseline: number | null, target: string | number, limit?: Limit): this {
    const ratio = baseline === null || baseline === 0 ? null : value / baseline;
    const figure: Figure = { name, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio), target };
    this.entries.push(limit === undefined ? { figure } : { figure, limit });
    return this;
  }

  figures(): Figure[] {
    return this.entries.map((e) => e.figure);
  }

  /** Figures whose target is checkable and missed. */
  misses(): Figure[] {
    return this.entries.filter((e) => verdict(e) === 'MISS').map((e) => e.figure);
  }

  write(): string {
    const file = join(resultsDir(), `${this.benchmark}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(this.figures(), null, 2)}\n`);
    return file;
  }

  table(): string {
    const header = ['figure', 'value', 'baseline', 'ratio', 'target', ''];
    const rows = this.entries.map((e) => {
      const f = e.figure;
      return [
        f.name,
        `${formatNumber(f.value)} ${f.unit}`,
        f.baseline === null ? '-' : `${formatNumber(f.baseline)} ${f.unit}`,
        f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
        String(f.target),
        verdict(e),
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]): string =>
      cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
    const rule = widths.map((w) => '-'.repeat(w)).join('  ');
    return [`== ${this.benchmark}`, line(header), rule, ...rows.map(line)].join('\n');
  }

  /** Writes the result file, prints the table, and notes any missed target (without failing). */
  finish(): void {
    const file = this.write();
    console.log(this.table());
    const misses = this.misses();
    if (misses.length > 0) console.log(`\n${misses.length} target(s) missed: ${misses.map((f) => f.name).join(', ')}`);
    const cpus = availableParallelism();
    const loadAtEnd = loadavg()[0] ?? 0;
    const busy = Math.max(this.loadAtStart, loadAtEnd) > cpus ? ' (above the CPU count: expect noise)' : '';
    console.log(`\n${cpus} CPUs; 1-minute load average ${this.loadAtStart.toFixed(2)} at start, ${loadAtEnd.toFixed(2)} at end${busy}`);
    console.log(`wrote ${file}`);
  }
}

function verdict(entry: Entry): string {
  const { figure, limit } = entry;
  if (limit === undefined) return '';
  if (limit.maxRatio !== undefined && (figure.ratio === null || figure.ratio > limit.maxRatio)) return 'MISS';
  if (limit.maxValue !== undefined && figure.value > limit.maxValue) return 'MISS';
  if (limit.minValue !== undefined && figure.value < limit.minValue) return 'MISS';
  return 'ok';
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function resultsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
}
