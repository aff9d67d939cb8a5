// Configuration of a cron event source: schedules (5- or 6-field cron expressions, evaluated in a
// time zone), what to do about ticks missed while tandem was down, and the concurrency policy the
// trigger layer applies (as Argo CronWorkflow's). Types and JSON Schema from one declaration.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Cron } from 'croner';
import { SpecValidationError, type SpecIssue } from '../../../errors.js';
import { Duration } from '../../../spec/schema.js';
import { errorMessage } from '../../../util/error-message.js';
import { CONCURRENCY_POLICIES } from '../../concurrency.js';

export const CATCH_UP_DEFAULT_LIMIT = 10;
const CATCH_UP_MAX_LIMIT = 1000;

export const CronSourceConfig = Type.Object(
  {
    schedules: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Cron expressions: 5 fields (minute first) or 6 (second first); @hourly, @daily... also work.',
    }),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone the schedules are read in, e.g. Europe/Paris; default the server\'s.' })),
    concurrencyPolicy: Type.Optional(
      Type.Union(
        CONCURRENCY_POLICIES.map((p) => Type.Literal(p)),
        { description: 'Allow (default), Forbid (skip a tick while the previous run goes on) or Replace (cancel it): enforced by the trigger layer.' },
      ),
    ),
    catchUp: Type.Optional(
      Type.Object(
        {
          policy: Type.Union([Type.Literal('none'), Type.Literal('last'), Type.Literal('all')]),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CATCH_UP_MAX_LIMIT, description: `For "all": at most this many of the latest missed ticks; default ${CATCH_UP_DEFAULT_LIMIT}.` })),
        },
        { additionalProperties: false, description: 'Ticks missed while the server was down: none (default), the last one, or all of them (bounded).' },
      ),
    ),
    jitter: Type.Optional(Duration),
  },
  { additionalProperties: false },
);
export type CronSourceConfig = Static<typeof CronSourceConfig>;
export type CatchUpPolicy = NonNullable<CronSourceConfig['catchUp']>['policy'];

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
