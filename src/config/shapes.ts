// The shapes of tandem.yaml's values that are more than one word: routing rules, workflow
// references, event sources (their bodies are the sources' own declarations), sensors (the
// sensor declaration) and API tokens. settings.ts places them in the document.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { SensorDecl } from '../events/sensors/schema.js';
import { CronSourceConfig } from '../events/sources/cron/schema.js';
import { NatsSourceConfig } from '../events/sources/nats/schema.js';
import { WebhookSourceConfig } from '../events/sources/webhook/schema.js';
import { SecretRef } from '../secrets.js';
import { LANES, NON_BLANK_PATTERN, WORKFLOW_NAME_PATTERN } from '../spec/schema.js';

/** A value that may also be left empty (`engine:` with every key commented out is null). */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

const KubeName = Type.String({ pattern: WORKFLOW_NAME_PATTERN, maxLength: 63 });

export const LANE_ENGINES = { kubeflow: ['local', 'kfp'], argo: ['local', 'argo'] } as const;

export const RoutingRuleDecl = Type.Object(
  {
    name: Type.String({ pattern: NON_BLANK_PATTERN, description: 'Names the rule in explanations; unique among the rules.' }),
    when: Type.String({ minLength: 1, description: 'A CEL condition over workflow, features and evidence.' }),
    lane: Type.Union(LANES.map((lane) => Type.Literal(lane))),
    reason: Type.Optional(Type.String({ description: 'A sentence for the explanation; may hold {{ }} templates.' })),
  },
  { additionalProperties: false },
);

export const WorkflowRef = Type.Union([
  Type.String({ minLength: 1, description: 'A workflow file, relative to tandem.yaml.' }),
  Type.Object({ file: Type.String({ minLength: 1 }), namespace: Type.Optional(KubeName) }, { additionalProperties: false }),
]);

export const SOURCE_KINDS = ['nats', 'webhook', 'cron'] as const;

export const EventSourceDecl = Type.Object(
  {
    name: KubeName,
    nats: Type.Optional(NatsSourceConfig),
    webhook: Type.Optional(WebhookSourceConfig),
    cron: Type.Optional(CronSourceConfig),
    example: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'A sample event payload: `tandem serve` prints it in the command that fires this source.',
      }),
    ),
  },
  { additionalProperties: false, description: 'One of nats, webhook or cron, under a name sensors refer to.' },
);

/** The sensor declaration as a list item: its own $id and title belong to the standalone sensor schema. */
export const ProjectSensorDecl = Type.Object(SensorDecl.properties, { additionalProperties: false });

export const ApiTokenDecl = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    token: SecretRef,
    namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Namespaces the token may act in; "*" for all.' }),
  },
  { additionalProperties: false },
);

export type RoutingRuleDecl = Static<typeof RoutingRuleDecl>;
export type WorkflowRef = Static<typeof WorkflowRef>;
export type EventSourceDecl = Static<typeof EventSourceDecl>;
export type ApiTokenDecl = Static<typeof ApiTokenDecl>;
