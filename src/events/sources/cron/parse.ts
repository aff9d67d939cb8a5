// Checking a cron source's configuration: its shape, each expression, the time zone. Apart from its
// declaration (schema.ts), which the settings table reads at every start: the checkers (TypeBox's
// Value, croner) are loaded only by the commands that read event sources.
import { Value } from '@sinclair/typebox/value';
import { Cron } from 'croner';
import { SpecValidationError, type SpecIssue } from '../../../errors.js';
import { errorMessage } from '../../../util/error-message.js';
import { CronSourceConfig } from './schema.js';

const NICKNAME = /^@(yearly|annually|monthly|weekly|daily|hourly)$/i;

/** What is wrong with one cron expression in a time zone, or undefined when it is fine. */
function cronProblem(expression: string, timezone?: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  if (!NICKNAME.test(expression.trim()) && fields !== 5 && fields !== 6) return `expected 5 or 6 fields, found ${fields}`;
  try {
    const cron = new Cron(expression, { paused: true, ...(timezone !== undefined ? { timezone } : {}) });
    cron.stop();
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return `unknown time zone ${JSON.stringify(timezone)}`;
  }
}

/** Checks a configuration value: shape, each expression, the time zone, duplicates. Every problem at once. */
export function parseCronConfig(value: unknown, file?: string): CronSourceConfig {
  const where = file !== undefined ? { file } : {};
  if (!Value.Check(CronSourceConfig, value)) {
    throw new SpecValidationError([...Value.Errors(CronSourceConfig, value)].map((e) => ({ ...where, path: e.path, message: e.message })));
  }
  const issues: SpecIssue[] = [];
  const tzProblem = value.timezone !== undefined ? timezoneProblem(value.timezone) : undefined;
  if (tzProblem !== undefined) issues.push({ ...where, path: '/timezone', message: tzProblem, expected: 'an IANA time zone such as Europe/Paris' });
  const seen = new Set<string>();
  value.schedules.forEach((expression, index) => {
    const problem = cronProblem(expression, tzProblem === undefined ? value.timezone : undefined);
    if (problem !== undefined) issues.push({ ...where, path: `/schedules/${index}`, message: `not a cron expression: ${problem}`, found: expression });
    if (seen.has(expression.trim())) issues.push({ ...where, path: `/schedules/${index}`, message: 'the same schedule is listed twice', found: expression });
    seen.add(expression.trim());
  });
  if (issues.length > 0) throw new SpecValidationError(issues);
  return value;
}
