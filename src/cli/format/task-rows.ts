// The task table of `tandem show`: one row per task, and a forEach's iterations grouped under it.
// A forEach over a thousand items would otherwise be a thousand rows, nearly all "Succeeded";
// grouped, it is one summary row (how many iterations ended how) and a row for each iteration
// that did not succeed, the ones worth a look. `--iterations` lists every one.
import type { TaskStatus } from '../../engines/model.js';
import type { TaskReport } from '../run-report.js';
import { parseTaskKey } from '../progress/progress-state.js';
import { paintStatus, type Palette } from './color.js';
import { formatDuration } from './duration.js';

/** Iterations listed one by one under a summary at most; the rest are counted. */
export const MAX_LISTED_ITERATIONS = 10;

/** How an iteration that needs no attention ended. */
const SETTLED: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['Succeeded', 'Cached', 'Skipped']);

export interface TaskRowOptions {
  /** List every iteration instead of a summary and the ones that did not succeed. */
  allIterations?: boolean;
  /** The command that lists every iteration, named when some are left out. */
  moreHint?: string;
}

/** Rows of TASK, STATUS, ATTEMPTS, DURATION, EXIT, MESSAGE, `tasks` in the order orderTasks gives. */
export function taskRows(tasks: readonly TaskReport[], p: Palette, options: TaskRowOptions = {}): string[][] {
  const rows: string[][] = [];
  const iterations = new Map<string, TaskReport[]>();
  for (const task of tasks) {
    const { name, index } = parseTaskKey(task.task);
    if (index !== undefined) (iterations.get(name) ?? iterations.set(name, []).get(name)!).push(task);
  }
  const grouped = new Set<string>();
  for (const task of tasks) {
    const { name, index } = parseTaskKey(task.task);
    if (index === undefined) {
      rows.push(row(task, p));
      continue;
    }
    if (options.allIterations) {
      rows.push(row(task, p, '  '));
      continue;
    }
    if (grouped.has(name)) continue;
    grouped.add(name);
    rows.push(...iterationRows(name, iterations.get(name) ?? [], p, options.moreHint));
  }
  return rows;
}

function iterationRows(name: string, items: readonly TaskReport[], p: Palette, moreHint: string | undefined): string[][] {
  const counts = new Map<TaskStatus, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  const indexes = items.map((item) => parseTaskKey(item.task).index ?? 0);
  const range = `${name}[${Math.min(...indexes)}..${Math.max(...indexes)}]`;
  const tally = [...counts].map(([status, n]) => `${n} ${paintStatus(p, status)}`).join(', ');
  const attempts = items.reduce((sum, item) => sum + item.attempts, 0);
  const rows: string[][] = [[`  ${range}`, `${items.length} iteration${items.length === 1 ? '' : 's'}`, String(attempts), '', '', tally]];
  const unsettled = items.filter((item) => !SETTLED.has(item.status));
  for (const item of unsettled.slice(0, MAX_LISTED_ITERATIONS)) rows.push(row(item, p, '  '));
  const left = unsettled.length - MAX_LISTED_ITERATIONS;
  if (left > 0) rows.push([`  … ${left} more not succeeded`, '', '', '', '', moreHint ?? '']);
  return rows;
}

function row(t: TaskReport, p: Palette, indent = ''): string[] {
  return [
    `${indent}${t.task}`,
    paintStatus(p, t.status),
    String(t.attempts),
    t.durationMs !== undefined ? formatDuration(t.durationMs) : '-',
    t.exitCode !== undefined ? String(t.exitCode) : (t.signal ?? '-'),
    (t.message ?? '').split('\n')[0] ?? '',
  ];
}

/** Iterations whose outputs and artifacts are listed per forEach task without --iterations. */
export const MAX_ITERATION_OUTPUTS = 3;

/**
 * Keeps the entries of the first MAX_ITERATION_OUTPUTS iterations of each forEach task (all with
 * `all`), and counts the iterations left out per task, for a line saying so.
 */
export function fewIterations<T>(entries: readonly T[], taskOf: (entry: T) => string, all: boolean): { shown: T[]; hidden: Map<string, number> } {
  if (all) return { shown: [...entries], hidden: new Map() };
  const kept = new Map<string, Set<number>>();
  const left = new Map<string, Set<number>>();
  const shown = entries.filter((entry) => {
    const { name, index } = parseTaskKey(taskOf(entry));
    if (index === undefined) return true;
    const iterations = kept.get(name) ?? kept.set(name, new Set()).get(name)!;
    if (iterations.has(index) || iterations.size < MAX_ITERATION_OUTPUTS) {
      iterations.add(index);
      return true;
    }
    (left.get(name) ?? left.set(name, new Set()).get(name)!).add(index);
    return false;
  });
  return { shown, hidden: new Map([...left].map(([name, indexes]) => [name, indexes.size])) };
}
