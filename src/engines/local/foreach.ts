// The items a forEach task fans out over: a literal list, a numeric range, or a template that
// yields a JSON array (usually an upstream task's output). A fan-out larger than
// limits.forEachItems fails the task before any item becomes a unit of work: an upstream output of
// millions of items must not turn into millions of task records in this process.
import { renderValue } from '../../expr/template.js';
import { forEachSizeProblem, rangeLength } from '../../spec/foreach-size.js';
import type { ForEach } from '../../spec/schema.js';
import { TaskFailureError } from './task-failure.js';

/**
 * A forEach that does not expand to a list. The task fails before it has any attempt, so there is
 * nothing for its retry policy to try again.
 */
export class ForEachError extends TaskFailureError {
  readonly code = 'TASK_FOREACH';
  readonly status = 'Failed';
  override readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'ForEachError';
  }
}

export function forEachItems(task: string, forEach: ForEach, context: Record<string, unknown>): unknown[] {
  const items = expand(task, forEach, context);
  bounded(task, items.length);
  return items;
}

function bounded(task: string, count: number): void {
  const problem = forEachSizeProblem(task, count);
  if (problem) throw new ForEachError(problem);
}

function expand(task: string, forEach: ForEach, context: Record<string, unknown>): unknown[] {
  if (Array.isArray(forEach)) {
    bounded(task, forEach.length);
    return renderValue(forEach, context) as unknown[];
  }
  if (typeof forEach === 'string') {
    let value = renderValue(forEach, context);
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        throw new ForEachError(`forEach: expected a JSON array, found ${JSON.stringify(String(value).slice(0, 80))}`);
      }
    }
    if (!Array.isArray(value)) throw new ForEachError(`forEach: expected a list, found ${typeof value}`);
    return value;
  }
  const start = forEach.start ?? 0;
  const step = forEach.step ?? 1;
  if (step === 0) throw new ForEachError('forEach: step must not be 0');
  bounded(task, rangeLength(forEach));
  const end = forEach.end ?? start + ((forEach.count ?? 0) - 1) * step;
  const items: number[] = [];
  for (let value = start; step > 0 ? value <= end : value >= end; value += step) items.push(value);
  return items;
}
