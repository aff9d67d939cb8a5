// The project file (tandem.yaml): the workflows a control plane serves, its event sources and
// sensors, and its HTTP server. `home` and `engine` in the same file are read by config.ts.
// Event source and sensor bodies are checked by their own validators (richer than a schema).
import { Type, type Static } from '@sinclair/typebox';
import { SecretRef } from '../secrets.js';
import { Duration, WORKFLOW_NAME_PATTERN } from '../spec/schema.js';

export const SOURCE_KINDS = ['nats', 'webhook', 'cron'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const KubeName = Type.String({ pattern: WORKFLOW_NAME_PATTERN, maxLength: 63 });

export const WorkflowRef = Type.Union([
  Type.String({ minLength: 1, description: 'A workflow file, relative to tandem.yaml.' }),
  Type.Object({ file: Type.String({ minLength: 1 }), namespace: Type.Optional(KubeName) }, { additionalProperties: false }),
]);

export const EventSourceDecl = Type.Object(
  {
    name: KubeName,
    nats: Type.Optional(Type.Unknown()),
    webhook: Type.Optional(Type.Unknown()),
    cron: Type.Optional(Type.Unknown()),
    example: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'A sample event payload: `tandem serve` prints it in the command that fires this source.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ApiTokenDecl = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    token: SecretRef,
    namespaces: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Namespaces the token may act in; "*" for all.' }),
  },
  { additionalProperties: false },
);

export const ServerDecl = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    tokens: Type.Optional(Type.Array(ApiTokenDecl)),
    shutdownGracePeriod: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

export const ProjectDecl = Type.Object(
  {
    home: Type.Optional(Type.Unknown()),
    engine: Type.Optional(Type.Unknown()),
    // Read by config.ts (the router's rules, each lane's engine), like home and engine.
    routing: Type.Optional(Type.Unknown()),
    lanes: Type.Optional(Type.Unknown()),
    mlflow: Type.Optional(Type.Unknown()),
    namespace: Type.Optional(KubeName),
    workflows: Type.Optional(Type.Array(WorkflowRef)),
    eventSources: Type.Optional(Type.Array(EventSourceDecl)),
    sensors: Type.Optional(Type.Array(Type.Unknown())),
    server: Type.Optional(ServerDecl),
  },
  { additionalProperties: false },
);

export type ApiTokenDecl = Static<typeof ApiTokenDecl>;
export type ServerDecl = Static<typeof ServerDecl>;
export type ProjectDecl = Static<typeof ProjectDecl>;
