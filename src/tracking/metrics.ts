// Final metric values. Tasks log a metric many times (one line per training step); a run's value
// of a metric is the final one: per task and metric name, the value at the largest step, and among
// lines with the same step (or with no step at all) the one logged last. Lines with a step outrank
// lines without one.
import { baseTask } from '../spec/run-naming.js';
import type { MetricDecl, WorkflowSpec } from '../spec/schema.js';
import type { MetricRecord } from '../store/ports/runs.js';

export interface FinalMetric {
  /** Task key that reported it (`train`, or `train[2]` in a forEach). */
  task: string;
  name: string;
  value: number;
  step?: number;
  time: number;
  /** How many lines the task logged for this metric. */
  points: number;
}

/** Final values, in the order each (task, metric) first appeared. `metrics` is in logging order. */
export function finalMetrics(metrics: readonly MetricRecord[]): FinalMetric[] {
  const finals = new Map<string, FinalMetric>();
  for (const m of metrics) {
    const key = `${m.task}\u0000${m.name}`;
    const current = finals.get(key);
    const points = (current?.points ?? 0) + 1;
    const later = current === undefined || (m.step ?? Number.NEGATIVE_INFINITY) >= (current.step ?? Number.NEGATIVE_INFINITY);
    if (later) finals.set(key, { task: m.task, name: m.name, value: m.value, ...(m.step !== undefined ? { step: m.step } : {}), time: m.time, points });
    else current.points = points;
  }
  return [...finals.values()];
}

/**
 * The direction a workflow declares for a metric: `metrics:` keys may name the metric alone
 * (`accuracy`) or with its task (`evaluate.accuracy`); the task-qualified key wins.
 */
export function declaredMetric(spec: Pick<WorkflowSpec, 'metrics'>, task: string, name: string): MetricDecl | undefined {
  const declared = spec.metrics ?? {};
  return declared[`${task}.${name}`] ?? declared[`${baseTask(task)}.${name}`] ?? declared[name];
}
