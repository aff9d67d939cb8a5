// Run comparison: the params that differ between runs and their final metrics side by side, with
// the best run per metric marked by the direction the workflow declares (`metrics: {accuracy:
// {direction: max}}`). Pure: the store is read by compare-source.ts; text and CSV live in
// compare-format.ts. `tandem compare --json` and the API return this structure as is.
import { UsageError } from '../errors.js';
import type { MetricRecord, RunRecord, TaskInputRecord } from '../store/ports/runs.js';
import { declaredMetric, finalMetrics } from './metrics.js';

type Direction = 'max' | 'min';

export interface CompareInput {
  run: RunRecord;
  metrics: readonly MetricRecord[];
  /** What its task runs consumed; param inputs that differ are compared as `task.input`. */
  inputs?: readonly TaskInputRecord[];
}

interface ComparedRun {
  id: string;
  workflow: string;
  experiment?: string;
  status: string;
  createdAt: number;
}

interface ParamComparison {
  /** Run params by name; task input params as `task.input`. */
  name: string;
  scope: 'run' | 'task';
  /** One per run, in `runs` order; null where the run has none. */
  values: unknown[];
  differs: boolean;
}

export interface MetricComparison {
  /** `metric` when only one task reports it across the runs, else `task.metric`. */
  name: string;
  task: string;
  metric: string;
  /** Declared direction; absent when no compared run declares one (and --best did not assume it). */
  direction?: Direction;
  /** True when the direction was assumed (max) because --best named an undeclared metric. */
  assumed?: boolean;
  /** Final values, one per run in `runs` order; null where the run did not report it. */
  values: Array<number | null>;
  /** Ids of the runs with the best value (several on a tie); empty without a direction. */
  best: string[];
}

interface BestRun {
  metric: string;
  direction: Direction;
  assumed: boolean;
  value: number | null;
  /** The winning run ids (several on a tie); the runs are sorted best first. */
  winners: string[];
}

export interface Comparison {
  runs: ComparedRun[];
  params: ParamComparison[];
  metrics: MetricComparison[];
  best?: BestRun;
  /** Things the reader should know: assumed directions, conflicting declarations. */
  notes: string[];
}

export interface CompareOptions {
  /** Sort the runs by this metric, best first, and name the winner. */
  best?: string;
}

export function compareRuns(inputs: readonly CompareInput[], options: CompareOptions = {}): Comparison {
  if (inputs.length === 0) throw new UsageError('nothing to compare: give run ids, or an experiment that has runs');
  const notes: string[] = [];
  let metrics = metricRows(inputs, notes);
  let order = inputs.map((_, i) => i);
  let best: BestRun | undefined;
  if (options.best !== undefined) {
    const row = findMetric(metrics, options.best);
    if (row.direction === undefined) {
      row.direction = 'max';
      row.assumed = true;
      notes.push(`${row.name} has no declared direction; assumed max (higher is better). Declare it under metrics: in the workflow.`);
    }
    const direction = row.direction;
    order = [...order].sort((a, b) => rank(row.values[a] ?? null, row.values[b] ?? null, direction) || a - b);
    const top = row.values[order[0]!] ?? null;
    const winners = top === null ? [] : order.filter((i) => row.values[i] === top).map((i) => inputs[i]!.run.id);
    best = { metric: row.name, direction, assumed: row.assumed === true, value: top, winners };
  }
  metrics = metrics.map((row) => ({ ...row, values: order.map((i) => row.values[i] ?? null) }));
  for (const row of metrics) row.best = bestOf(row, order.map((i) => inputs[i]!.run.id));
  const params = paramRows(order.map((i) => inputs[i]!));
  const runs = order.map((i) => describeRun(inputs[i]!.run));
  return { runs, params, metrics, ...(best ? { best } : {}), notes };
}

function describeRun(run: RunRecord): ComparedRun {
  return { id: run.id, workflow: run.workflow, ...(run.experiment ? { experiment: run.experiment } : {}), status: run.status, createdAt: run.createdAt };
}

function metricRows(inputs: readonly CompareInput[], notes: string[]): MetricComparison[] {
  const rows = new Map<string, MetricComparison>();
  const tasksOf = new Map<string, Set<string>>();
  inputs.forEach((input, i) => {
    for (const final of finalMetrics(input.metrics)) {
      const key = `${final.task}\u0000${final.name}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = { name: '', task: final.task, metric: final.name, values: inputs.map(() => null), best: [] };
        rows.set(key, row);
        const tasks = tasksOf.get(final.name) ?? new Set<string>();
        tasks.add(final.task);
        tasksOf.set(final.name, tasks);
      }
      row.values[i] = Number.isNaN(final.value) ? null : final.value;
    }
  });
  for (const row of rows.values()) {
    row.name = (tasksOf.get(row.metric)?.size ?? 0) > 1 ? `${row.task}.${row.metric}` : row.metric;
    const declared = new Set<Direction>();
    // Newest run's declaration first: a workflow may have changed its mind between versions.
    const newestFirst = [...inputs].sort((a, b) => b.run.createdAt - a.run.createdAt);
    for (const input of newestFirst) {
      const decl = declaredMetric(input.run.spec, row.task, row.metric);
      if (decl === undefined) continue;
      row.direction ??= decl.direction;
      declared.add(decl.direction);
    }
    if (declared.size > 1) notes.push(`${row.name}: the runs' workflows declare different directions; used the newest run's (${row.direction})`);
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Finds the metric --best names: its display name, `task.metric`, or a metric name one task reports. */
function findMetric(rows: readonly MetricComparison[], wanted: string): MetricComparison {
  const exact = rows.find((r) => r.name === wanted || `${r.task}.${r.metric}` === wanted);
  if (exact) return exact;
  const byMetric = rows.filter((r) => r.metric === wanted);
  if (byMetric.length === 1) return byMetric[0]!;
  if (byMetric.length > 1) {
    throw new UsageError(`--best ${wanted}: several tasks report it; name one of ${byMetric.map((r) => `${r.task}.${r.metric}`).join(', ')}`);
  }
  const known = rows.map((r) => r.name).join(', ') || 'none';
  throw new UsageError(`--best ${wanted}: no compared run reports a metric named ${JSON.stringify(wanted)} (metrics: ${known})`);
}

/** Negative when a is better; missing values sort last. */
function rank(a: number | null, b: number | null, direction: Direction): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  return direction === 'max' ? b - a : a - b;
}

function bestOf(row: MetricComparison, ids: readonly string[]): string[] {
  if (row.direction === undefined) return [];
  const present = row.values.filter((v): v is number => v !== null);
  if (present.length === 0) return [];
  const top = row.direction === 'max' ? Math.max(...present) : Math.min(...present);
  return ids.filter((_, i) => row.values[i] === top);
}

function paramRows(inputs: readonly CompareInput[]): ParamComparison[] {
  const rows: ParamComparison[] = [];
  const runNames = [...new Set(inputs.flatMap((input) => Object.keys(input.run.params)))].sort();
  for (const name of runNames) rows.push(paramRow(name, 'run', inputs.map((input) => input.run.params[name])));
  const taskValues = new Map<string, unknown[]>();
  inputs.forEach((input, i) => {
    for (const record of input.inputs ?? []) {
      if (record.kind !== 'param') continue;
      const name = `${record.task}.${record.name}`;
      const values = taskValues.get(name) ?? inputs.map(() => undefined);
      values[i] = record.value;
      taskValues.set(name, values);
    }
  });
  for (const name of [...taskValues.keys()].sort()) {
    const row = paramRow(name, 'task', taskValues.get(name)!);
    // Task inputs usually follow the run params; only the ones that differ are worth a row.
    if (row.differs) rows.push(row);
  }
  return rows;
}

function paramRow(name: string, scope: ParamComparison['scope'], values: unknown[]): ParamComparison {
  const texts = values.map((v) => (v === undefined ? undefined : canonicalJson(v)));
  return { name, scope, values: values.map((v) => v ?? null), differs: new Set(texts).size > 1 };
}

/** JSON with object keys sorted, so {a, b} and {b, a} compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
