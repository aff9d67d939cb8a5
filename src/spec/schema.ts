// The engine-neutral workflow model. This one declaration is the source of truth for both the
// TypeScript types (via Static<>) and the published JSON Schema (schema/workflow.schema.json),
// so an editor that reads the schema and the compiler that reads the types never disagree.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Names are CEL identifiers so that `tasks.prepare.outputs.rows` parses as an expression. */
export const IDENTIFIER_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Workflow names follow Kubernetes object naming, so they compile to Argo and KFP unchanged. */
export const WORKFLOW_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/**
 * A variable a task may take from the engine's own environment: a name tandem does not reserve.
 * TANDEM_* names are the task variables tandem sets and tandem's own settings and secrets.
 */
export const INHERITED_ENV_PATTERN = '^(?!TANDEM_)[A-Za-z_][A-Za-z0-9_]*$';
/** Text with at least one character that is not white space. */
export const NON_BLANK_PATTERN = '\\S';
/** `90`, `"90s"`, `"1h30m"`, `"250ms"`: a number is seconds. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+$';

const Identifier = Type.String({ pattern: IDENTIFIER_PATTERN, description: 'A CEL identifier: letters, digits and _.' });

/** A map keyed by CEL identifiers. additionalProperties: false makes a key that is not an identifier an error. */
function IdentifierRecord<T extends TSchema>(value: T) {
  return Type.Record(Type.String({ pattern: IDENTIFIER_PATTERN }), value, { additionalProperties: false });
}

export const Duration = Type.Union(
  [Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_PATTERN })],
  { description: 'Seconds as a number, or a duration such as "30s", "5m", "1h30m", "250ms".' },
);

const PARAM_TYPES = ['string', 'number', 'integer', 'boolean', 'json'] as const;
export const ParamType = Type.Union(PARAM_TYPES.map((t) => Type.Literal(t)));

/** Artifact types, as KFP names them; `artifact` is an untyped file or directory. */
export const ARTIFACT_TYPES = ['artifact', 'Dataset', 'Model', 'Metrics', 'ClassificationMetrics', 'HTML', 'Markdown'] as const;
export const ArtifactType = Type.Union(ARTIFACT_TYPES.map((t) => Type.Literal(t)));

const WORKFLOW_TYPES = ['ml-training', 'model-evaluation', 'batch', 'ingestion', 'dag', 'hybrid'] as const;

export const ParamDecl = Type.Object(
  {
    type: ParamType,
    default: Type.Optional(Type.Unknown()),
    enum: Type.Optional(Type.Array(Type.Unknown(), { minItems: 1 })),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const RetryPolicyName = Type.Union([Type.Literal('always'), Type.Literal('on-failure'), Type.Literal('on-error')]);

export const Retry = Type.Object(
  {
    limit: Type.Integer({ minimum: 0, description: 'Retries after the first attempt.' }),
    policy: Type.Optional(RetryPolicyName),
    backoff: Type.Optional(
      Type.Object(
        {
          duration: Type.Optional(Duration),
          factor: Type.Optional(Type.Number({ minimum: 1 })),
          maxDuration: Type.Optional(Duration),
        },
        { additionalProperties: false, description: 'Delay before retry n is duration * factor^(n-1), capped at maxDuration.' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const Cache = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    maxAge: Type.Optional(Duration),
    version: Type.Optional(Type.String()),
    key: Type.Optional(Type.Array(Type.String(), { description: 'Extra values mixed into the cache key.' })),
  },
  { additionalProperties: false },
);

export const LANES = ['kubeflow', 'argo', 'hybrid'] as const;
export const Lane = Type.Union(LANES.map((l) => Type.Literal(l)));

/** Container resources, as Kubernetes quantities ("500m", "2Gi"); used by the cluster compilers. */
const ResourceQuantities = Type.Object(
  {
    cpu: Type.Optional(Type.String({ minLength: 1 })),
    memory: Type.Optional(Type.String({ minLength: 1 })),
    gpu: Type.Optional(Type.Integer({ minimum: 0, description: 'nvidia.com/gpu count (limits only).' })),
  },
  { additionalProperties: false },
);
export const Resources = Type.Object(
  { requests: Type.Optional(ResourceQuantities), limits: Type.Optional(ResourceQuantities) },
  { additionalProperties: false, description: 'Requests and limits for the task container on a cluster; the embedded engine ignores them.' },
);

/** How a reported metric compares across runs: higher is better (max) or lower is better (min). */
export const MetricDecl = Type.Object(
  {
    direction: Type.Union([Type.Literal('max'), Type.Literal('min')]),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const Synchronization = Type.Union([
  Type.Object({ mutex: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object(
    { semaphore: Type.Object({ name: Type.String({ minLength: 1 }), limit: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }) },
    { additionalProperties: false },
  ),
]);

const Env = Type.Record(Type.String(), Type.String());
// A task gets only what it declares (env) and a small documented base, never the rest of the
// engine's environment (tokens, secrets); these names are passed through from it, by choice.
const InheritEnv = Type.Array(Type.String({ pattern: INHERITED_ENV_PATTERN }), {
  uniqueItems: true,
  description:
    "Variables passed through from the environment of the tandem process (`tandem run`, `tandem serve`), by name; the embedded engine only. A task otherwise gets env, PATH, HOME, TMPDIR, LANG, LC_*, TZ and the TANDEM_* task variables.",
});

const ProcessRunner = Type.Object(
  {
    command: Type.String({ minLength: 1 }),
    args: Type.Optional(Type.Array(Type.String())),
    env: Type.Optional(Env),
    inheritEnv: Type.Optional(InheritEnv),
    cwd: Type.Optional(Type.String()),
    shell: Type.Optional(Type.Boolean({ description: 'Run through /bin/sh -c; off by default.' })),
  },
  { additionalProperties: false },
);

const ScriptRunner = Type.Object(
  {
    interpreter: Type.Optional(Type.String({ description: 'Program that runs the source, default "sh".' })),
    source: Type.String({ minLength: 1 }),
    args: Type.Optional(Type.Array(Type.String())),
    env: Type.Optional(Env),
    inheritEnv: Type.Optional(InheritEnv),
    cwd: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const NodeRunner = Type.Object(
  {
    module: Type.String({ minLength: 1, description: 'Path of a .js, .mjs or .ts module, relative to the workflow file.' }),
    export: Type.Optional(Type.String({ description: 'Exported function to call, default "default".' })),
    env: Type.Optional(Env),
    inheritEnv: Type.Optional(InheritEnv),
    cwd: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const WorkflowRunner = Type.Object(
  {
    file: Type.String({ minLength: 1, description: 'The child workflow file (YAML, JSON or .ts), relative to this workflow file.' }),
  },
  {
    additionalProperties: false,
    description:
      'Runs another workflow as a child run, linked to this one: the task inputs are its params, its workflow outputs are the task outputs. In a hybrid workflow, an ML sub-pipeline.',
  },
);

export const OutputDecl = Type.Object(
  {
    type: Type.Optional(Type.Union([ParamType, ArtifactType])),
    path: Type.Optional(Type.String({ description: 'File (or directory, for artifacts) to read, relative to $TANDEM_OUTPUTS.' })),
    stdout: Type.Optional(
      Type.Union([Type.Boolean(), Type.String()], { description: 'Read JSON printed on stdout; a string is a dot path into it.' }),
    ),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** An input given with an explicit type (and, for artifacts, where to place it). */
export const InputDecl = Type.Object(
  {
    value: Type.Unknown(),
    type: Type.Optional(Type.Union([ParamType, ArtifactType])),
    path: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ForEachRange = Type.Object(
  {
    start: Type.Optional(Type.Integer()),
    end: Type.Optional(Type.Integer()),
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    step: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false, description: 'start..end inclusive, or count items from start (default 0).' },
);

export const ForEach = Type.Union([
  Type.Array(Type.Unknown(), { description: 'A literal list of items.' }),
  Type.String({ description: 'A template that yields a JSON array, e.g. "{{ tasks.list.outputs.files }}".' }),
  ForEachRange,
]);

const TaskDecl = Type.Object(
  {
    name: Identifier,
    description: Type.Optional(Type.String()),
    process: Type.Optional(ProcessRunner),
    script: Type.Optional(ScriptRunner),
    node: Type.Optional(NodeRunner),
    workflow: Type.Optional(WorkflowRunner),
    inputs: Type.Optional(IdentifierRecord(Type.Unknown())),
    outputs: Type.Optional(IdentifierRecord(OutputDecl)),
    dependsOn: Type.Optional(Type.Array(Type.String())),
    when: Type.Optional(Type.String({ description: 'A CEL condition over params, tasks.*.outputs and item.' })),
    forEach: Type.Optional(ForEach),
    parallelism: Type.Optional(Type.Integer({ minimum: 1, description: 'Iterations of forEach running at once.' })),
    retry: Type.Optional(Retry),
    timeout: Type.Optional(Duration),
    cache: Type.Optional(Cache),
    synchronization: Type.Optional(Synchronization),
    image: Type.Optional(Type.String({ minLength: 1, description: 'Container image on a cluster (Argo, KFP); the embedded engine ignores it.' })),
    resources: Type.Optional(Resources),
    lane: Type.Optional(
      Type.Union([Type.Literal('kubeflow'), Type.Literal('argo')], {
        description: 'Marks the task for one lane; a workflow whose tasks are marked for different lanes is hybrid.',
      }),
    ),
  },
  { additionalProperties: false },
);

const Defaults = Type.Object(
  {
    retry: Type.Optional(Retry),
    timeout: Type.Optional(Duration),
    cache: Type.Optional(Cache),
    image: Type.Optional(Type.String({ minLength: 1, description: 'Container image for tasks without their own (on a cluster).' })),
    resources: Type.Optional(Resources),
  },
  { additionalProperties: false },
);

export const WorkflowDecl = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    apiVersion: Type.Optional(Type.Literal('tandem.dev/v1')),
    kind: Type.Optional(Type.Literal('Workflow')),
    name: Type.String({ pattern: WORKFLOW_NAME_PATTERN, maxLength: 63 }),
    version: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    type: Type.Optional(Type.Union(WORKFLOW_TYPES.map((t) => Type.Literal(t)))),
    experiment: Type.Optional(Type.String({ minLength: 1, description: 'Experiment its runs belong to; default the workflow name.' })),
    metrics: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), MetricDecl, { description: 'Metrics the tasks report, with the direction that makes a run better.' }),
    ),
    params: Type.Optional(IdentifierRecord(ParamDecl)),
    tasks: Type.Array(TaskDecl, { minItems: 1 }),
    finally: Type.Optional(Type.Array(TaskDecl, { description: 'Exit handler: runs after every task settles, whatever the outcome.' })),
    outputs: Type.Optional(
      IdentifierRecord(Type.String({ description: 'A template over tasks.*.outputs.' })),
    ),
    defaults: Type.Optional(Defaults),
    parallelism: Type.Optional(Type.Integer({ minimum: 1, description: 'Tasks of one run running at once.' })),
    failFast: Type.Optional(
      Type.Boolean({ description: 'After a task fails, start no new tasks (running ones finish); default true, as in Argo.' }),
    ),
  },
  { additionalProperties: false, $id: 'https://tandem.dev/schema/workflow.json', title: 'tandem workflow' },
);

export type Duration = Static<typeof Duration>;
export type ParamType = Static<typeof ParamType>;
export type ArtifactType = Static<typeof ArtifactType>;
export type ParamDecl = Static<typeof ParamDecl>;
export type Retry = Static<typeof Retry>;
type RetryPolicyName = Static<typeof RetryPolicyName>;
export type Cache = Static<typeof Cache>;
export type Lane = Static<typeof Lane>;
export type Resources = Static<typeof Resources>;
export type MetricDecl = Static<typeof MetricDecl>;
export type Synchronization = Static<typeof Synchronization>;
type ProcessRunner = Static<typeof ProcessRunner>;
type ScriptRunner = Static<typeof ScriptRunner>;
type NodeRunner = Static<typeof NodeRunner>;
type WorkflowRunner = Static<typeof WorkflowRunner>;
export type OutputDecl = Static<typeof OutputDecl>;
export type InputDecl = Static<typeof InputDecl>;
export type ForEachRange = Static<typeof ForEachRange>;
export type ForEach = Static<typeof ForEach>;
export type TaskSpec = Static<typeof TaskDecl>;
export type WorkflowSpec = Static<typeof WorkflowDecl>;
export type WorkflowType = (typeof WORKFLOW_TYPES)[number];

export const RUNNER_KINDS = ['process', 'script', 'node', 'workflow'] as const;
