// conditionsReset schedules: when a sensor's unconsumed events are dropped. The caller owns the
// timers; this says when the next reset is due.
import { Cron } from 'croner';
import { errorText } from './context.js';
import type { ConditionsReset } from './schema.js';

function cron(rule: ConditionsReset): Cron {
  const options = rule.byTime.timezone === undefined ? { paused: true } : { paused: true, timezone: rule.byTime.timezone };
  return new Cron(rule.byTime.cron, options);
}

/** Why a cron expression (with its time zone) is unusable, or undefined when it is fine. */
export function cronProblem(expression: string, timezone?: string): string | undefined {
  try {
    const job = cron({ byTime: timezone === undefined ? { cron: expression } : { cron: expression, timezone } });
    const next = job.nextRun(new Date());
    job.stop();
    return next === null ? 'the schedule never fires' : undefined;
  } catch (error) {
    return errorText(error);
  }
}

/** The earliest reset after `after` among the rules, or undefined when there is none. */
export function nextReset(rules: readonly ConditionsReset[] | undefined, after: Date): Date | undefined {
  let earliest: Date | undefined;
  for (const rule of rules ?? []) {
    const job = cron(rule);
    const next = job.nextRun(after);
    job.stop();
    if (next && (earliest === undefined || next < earliest)) earliest = next;
  }
  return earliest;
}
