// Configuration of a cron event source: schedules (5- or 6-field cron expressions, evaluated in a
// time zone), what to do about ticks missed while tandem was down, and the concurrency policy the
// trigger layer applies (as Argo CronWorkflow's). Types and JSON Schema from one declaration.
import { Type, type Static } from '@sinclair/typebox';
import { Duration } from '../../../spec/schema.js';
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
