// The sensor definition: dependencies on events, filters per dependency, a condition over the
// dependencies and the triggers that start workflows. Modelled on Argo Events' Sensor (see
// docs/sensors.md for where tandem differs). One declaration gives both the TypeScript types and
// the JSON Schema, as src/spec/schema.ts does for workflows.
import { Type, type Static } from '@sinclair/typebox';
import { Duration, IDENTIFIER_PATTERN, WORKFLOW_NAME_PATTERN } from '../../spec/schema.js';

/** `HH:MM:SS`, 24-hour clock. */
export const TIME_OF_DAY_PATTERN = '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$';

const Identifier = Type.String({ pattern: IDENTIFIER_PATTERN, description: 'A CEL identifier: letters, digits and _.' });
const K8sName = Type.String({ pattern: WORKFLOW_NAME_PATTERN, maxLength: 63 });
const LogicalOperator = Type.Union([Type.Literal('and'), Type.Literal('or')], { description: '"and" (the default) or "or".' });
const Cel = Type.String({ minLength: 1, description: 'A CEL expression.' });

const DATA_TYPES = ['string', 'number', 'bool'] as const;
const COMPARATORS = ['=', '!=', '>', '>=', '<', '<='] as const;

export const DataFilter = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Dot path into the event data; array items by index, e.g. body.items.0.size; "\\." is a literal dot.' }),
    type: Type.Union(DATA_TYPES.map((t) => Type.Literal(t))),
    value: Type.Array(Type.String(), {
      minItems: 1,
      description: 'Accepted values, ORed. Strings are regular expressions (unanchored), numbers are parsed as decimals, bools as true/false.',
    }),
    comparator: Type.Optional(Type.Union(COMPARATORS.map((c) => Type.Literal(c)), { description: 'Default "=". Strings and bools take only "=" and "!=".' })),
    template: Type.Optional(
      Type.String({ minLength: 1, description: 'A {{ }} template applied to the value at path before comparing; sees value, event and data.' }),
    ),
  },
  { additionalProperties: false },
);

const PayloadField = Type.Object(
  { name: Identifier, path: Type.String({ minLength: 1 }) },
  { additionalProperties: false, description: 'Binds the value at a data path to a name inside the expression (as Argo Events does).' },
);

export const ExprFilter = Type.Object(
  {
    expr: Cel,
    fields: Type.Optional(Type.Array(PayloadField)),
  },
  { additionalProperties: false, description: 'A CEL condition over event (the whole event), data and any named fields.' },
);

export const TimeFilter = Type.Object(
  {
    start: Type.String({ pattern: TIME_OF_DAY_PATTERN, description: 'Inclusive, HH:MM:SS.' }),
    stop: Type.String({ pattern: TIME_OF_DAY_PATTERN, description: 'Exclusive, HH:MM:SS; earlier than start means the next day.' }),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone, default UTC.' })),
  },
  { additionalProperties: false },
);

export const DependencyFilters = Type.Object(
  {
    data: Type.Optional(Type.Array(DataFilter)),
    dataLogicalOperator: Type.Optional(LogicalOperator),
    exprs: Type.Optional(Type.Array(ExprFilter)),
    exprLogicalOperator: Type.Optional(LogicalOperator),
    time: Type.Optional(TimeFilter),
  },
  { additionalProperties: false },
);

export const Dependency = Type.Object(
  {
    name: Identifier,
    eventSource: Type.String({ minLength: 1, description: 'Name of the event source the events come from.' }),
    eventType: Type.Optional(Type.String({ minLength: 1, description: 'CloudEvents type pattern; "*" matches one dot-separated token, ">" the rest.' })),
    subject: Type.Optional(Type.String({ minLength: 1, description: 'Subject pattern, NATS style: "*" matches one token, ">" one or more trailing tokens.' })),
    filters: Type.Optional(DependencyFilters),
    filtersLogicalOperator: Type.Optional(LogicalOperator),
  },
  { additionalProperties: false },
);

export const ConditionsReset = Type.Object(
  {
    byTime: Type.Object(
      {
        cron: Type.String({ minLength: 1, description: 'Cron expression (5 fields, or 6 with seconds first).' }),
        timezone: Type.Optional(Type.String({ minLength: 1 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ParamSource = Type.Object(
  {
    dependencyName: Type.Optional(Identifier),
    dataKey: Type.Optional(Type.String({ minLength: 1, description: 'Dot path into the event data; "context.<attr>" reads a CloudEvent attribute.' })),
    dataTemplate: Type.Optional(Type.String({ minLength: 1, description: 'A {{ }} template over event, data and events.' })),
    expr: Type.Optional(Type.String({ minLength: 1, description: 'A CEL expression over event, data and events.' })),
    value: Type.Optional(Type.Unknown({ description: 'The default when the key is missing, or the value itself when nothing else is given.' })),
  },
  { additionalProperties: false },
);

export const TriggerParam = Type.Object({ name: Identifier, src: ParamSource }, { additionalProperties: false });

const RATE_UNITS = ['Second', 'Minute', 'Hour'] as const;

export const RateLimit = Type.Object(
  {
    requestsPerUnit: Type.Integer({ minimum: 1 }),
    unit: Type.Union(RATE_UNITS.map((u) => Type.Literal(u))),
  },
  { additionalProperties: false },
);

export const TriggerRetry = Type.Object(
  {
    steps: Type.Integer({ minimum: 0, description: 'Retries after the first attempt.' }),
    duration: Duration,
    factor: Type.Optional(Type.Number({ minimum: 1, description: 'Default 1 (a constant delay).' })),
    maxDuration: Type.Optional(Duration),
  },
  { additionalProperties: false, description: 'Delay before retry n is duration * factor^(n-1), capped at maxDuration.' },
);

const DeadLetter = Type.Object(
  { subject: Type.Optional(Type.String({ minLength: 1, description: 'NATS subject the failed trigger is published to.' })) },
  { additionalProperties: false },
);

export const Trigger = Type.Object(
  {
    name: Identifier,
    workflow: K8sName,
    params: Type.Optional(Type.Array(TriggerParam)),
    dedupKey: Type.Optional(Type.String({ minLength: 1, description: 'CEL over events (dependency name → event); default: the ids of the events.' })),
    dedupTtl: Type.Optional(Duration),
    rateLimit: Type.Optional(RateLimit),
    retry: Type.Optional(TriggerRetry),
    deadLetter: Type.Optional(DeadLetter),
    lane: Type.Optional(Type.String({ minLength: 1, description: 'Forces the router lane (kubeflow, argo, hybrid).' })),
  },
  { additionalProperties: false },
);

export const SensorDecl = Type.Object(
  {
    name: K8sName,
    description: Type.Optional(Type.String()),
    dependencies: Type.Array(Dependency, { minItems: 1 }),
    conditions: Type.Optional(Type.String({ minLength: 1, description: 'Dependency names with &&, || and parentheses; default: all of them.' })),
    conditionsReset: Type.Optional(Type.Array(ConditionsReset)),
    triggers: Type.Array(Trigger, { minItems: 1 }),
  },
  { additionalProperties: false, $id: 'https://tandem.dev/schema/sensor.json', title: 'tandem sensor' },
);

export type LogicalOperator = Static<typeof LogicalOperator>;
export type Comparator = (typeof COMPARATORS)[number];
export type DataFilter = Static<typeof DataFilter>;
type PayloadField = Static<typeof PayloadField>;
export type ExprFilter = Static<typeof ExprFilter>;
export type TimeFilter = Static<typeof TimeFilter>;
export type DependencyFilters = Static<typeof DependencyFilters>;
export type Dependency = Static<typeof Dependency>;
export type ConditionsReset = Static<typeof ConditionsReset>;
export type ParamSource = Static<typeof ParamSource>;
export type TriggerParam = Static<typeof TriggerParam>;
export type RateUnit = (typeof RATE_UNITS)[number];
export type RateLimit = Static<typeof RateLimit>;
export type TriggerRetry = Static<typeof TriggerRetry>;
type DeadLetter = Static<typeof DeadLetter>;
export type Trigger = Static<typeof Trigger>;
export type SensorSpec = Static<typeof SensorDecl>;
