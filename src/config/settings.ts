// Every setting of tandem.yaml, declared once: its shape, its environment variable and flag, its
// default and its description. The document's schema (schema.ts, published as
// schema/tandem.schema.json), the settings table of docs/configuration.md and the loader all come
// from this table; the engine and the project loader take their defaults from here.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { SecretRef } from '../secrets.js';
import { ArtifactRepositoryDecl } from './artifacts.js';
import { Duration, NON_BLANK_PATTERN, WORKFLOW_NAME_PATTERN } from '../spec/schema.js';
import { fileSetting, layered, Rejection, type Setting } from './setting.js';
import { ApiTokenDecl, EventSourceDecl, LANE_ENGINES, Nullable, ProjectSensorDecl, RoutingRuleDecl, WorkflowRef } from './shapes.js';
import { parseDuration, parsePositiveInt, parseSize } from './values.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import { VERSION } from '../version.js';

export const DEFAULT_LOG_CAP_BYTES = 10 * 1024 * 1024;
const DEFAULT_KILL_GRACE_PERIOD = '10s';
export const DEFAULT_KILL_GRACE_MS = parseDuration(DEFAULT_KILL_GRACE_PERIOD) ?? 10_000;
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_SHUTDOWN_GRACE_PERIOD = '30s';
export const DEFAULT_SPAWNER = 'auto' as const;
export const DEFAULT_SHUTDOWN_GRACE_MS = parseDuration(DEFAULT_SHUTDOWN_GRACE_PERIOD) ?? 30_000;
/** The images `tandem compile` names when the settings name none (images.* below). */
export const DEFAULT_TANDEM_IMAGE = `tandem:${VERSION}`;
export const DEFAULT_NODE_IMAGE = 'node:20-slim';
export const DEFAULT_TASKS_IMAGE = 'tandem-tasks:latest';
/** An image reference as Kubernetes takes it: no spaces, not blank. */
const IMAGE_PATTERN = '^[^\\s]+$';
/** How often a followed remote run is read when nothing said it changed. */
export const DEFAULT_REMOTE_POLL_INTERVAL = '5s';
/** A Kubernetes namespace: an RFC 1123 label. */
const KUBE_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
/** MLflow's own variable for its token, used when mlflow.token is not set. */
export const MLFLOW_TOKEN_FALLBACK_ENV = 'MLFLOW_TRACKING_TOKEN';

/** An `images.*` setting: an image reference `tandem compile` writes, with its flag and default. */
function imageSetting(description: string, options: { flag: string; image: string; see?: string[] }) {
  return fileSetting({
    type: Type.String({ pattern: IMAGE_PATTERN }),
    description,
    see: options.see ?? ['compile.md'],
    flag: { name: options.flag, usage: `compile ${options.flag} IMAGE` },
    default: { value: options.image },
  });
}

/** As many tasks at once as the machine has CPUs. */
export function defaultConcurrency(): number {
  return availableParallelism();
}

const POSITIVE_INT_TEXT = '^\\s*0*[1-9][0-9]*\\s*$';
const SIZE_TEXT = '^\\s*[0-9]+(\\.[0-9]+)?\\s*([kKmMgG][iI]?[bB]?|[bB])?\\s*$';
const DURATION_TEXT = '^\\s*([0-9]+(\\.[0-9]+)?|([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+)\\s*$';

function oneOf<const T extends readonly string[]>(values: T): (raw: unknown) => T[number] | undefined {
  return (raw) => (values as readonly unknown[]).includes(raw) ? (raw as T[number]) : undefined;
}

function literals(values: readonly string[]) {
  return Type.Union(values.map((value) => Type.Literal(value)));
}

export const SETTINGS = {
  home: layered({
    type: Type.String({ pattern: NON_BLANK_PATTERN }),
    description:
      'The data directory, created if missing: `tandem.db`, `runs/<run>/<task>.<attempt>/` (outputs and logs) and `artifacts/` (content-addressed). Relative to this file; from TANDEM_HOME or --home, relative to the working directory.',
    env: 'TANDEM_HOME',
    flag: { name: '--home', key: 'home', usage: '--home DIR' },
    default: { doc: '`./.tandem`', value: ({ baseDir }) => resolve(baseDir, '.tandem') },
    expected: 'a directory path',
    parse: (raw, { baseDir }) => (typeof raw === 'string' && raw.trim() !== '' ? resolve(baseDir, raw) : undefined),
  }),
  'engine.concurrency': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: POSITIVE_INT_TEXT })]),
    description: 'Tasks running at once on this machine: a positive integer.',
    env: 'TANDEM_CONCURRENCY',
    flag: { name: '--concurrency', key: 'concurrency', usage: 'run --concurrency N' },
    default: { doc: 'number of CPUs', value: defaultConcurrency },
    expected: 'a positive integer',
    parse: parsePositiveInt,
  }),
  'engine.logCapBytes': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: SIZE_TEXT })]),
    description:
      'Output kept per task attempt and stream; later output is dropped. Bytes: `1048576`, `512KB`, `10MiB`, `1GiB` (`K`/`KB` = 1000, `Ki`/`KiB` = 1024).',
    env: 'TANDEM_LOG_CAP',
    // No command offers it yet; loadConfig takes it from ConfigFlags.
    flag: { name: '--log-cap', key: 'logCapBytes' },
    default: { doc: '`10MiB` (10485760)', value: DEFAULT_LOG_CAP_BYTES },
    expected: 'a size in bytes, e.g. 10485760 or "10MiB"',
    parse: (raw) => {
      const bytes = parseSize(raw);
      return bytes !== undefined && bytes > 0 ? bytes : undefined;
    },
  }),
  'engine.killGracePeriod': layered({
    type: Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: DURATION_TEXT })]),
    description: 'From SIGTERM to SIGKILL when a task is cancelled or times out: `500ms`, `10s`, `1m30s`, or a number of seconds.',
    env: 'TANDEM_KILL_GRACE_PERIOD',
    default: { value: DEFAULT_KILL_GRACE_PERIOD },
    expected: 'a duration such as "10s", "1m30s", "500ms" or a number of seconds',
    // Kept as written ("10s"); the loader adds killGracePeriodMs.
    parse: (raw) => (parseDuration(raw) !== undefined ? String(raw) : undefined),
  }),
  'engine.spawner': layered({
    type: literals(['auto', 'perl', 'node']),
    description: 'The helper process that starts tasks: `auto` (perl where it is installed, else node), `perl` or `node`.',
    see: ['engine.md'],
    env: 'TANDEM_SPAWNER',
    default: { value: DEFAULT_SPAWNER },
    expected: 'auto, perl or node',
    parse: oneOf(['auto', 'perl', 'node']),
  }),
  'limits.forEachItems': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: POSITIVE_INT_TEXT })]),
    description:
      'Items one forEach may expand to: a literal list or range over it fails validation, a list from an upstream output over it fails the task. Argo and KFP set no count of their own; a loop that large would outgrow the 1.5 MiB etcd object an Argo Workflow is stored in.',
    see: ['workflows.md'],
    env: 'TANDEM_LIMIT_FOREACH_ITEMS',
    default: { value: DEFAULT_LIMITS.forEachItems },
    expected: 'a positive integer',
    parse: parsePositiveInt,
  }),
  'limits.documentBytes': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: SIZE_TEXT })]),
    description:
      "Size of one workflow file (or of a module's exported definition as JSON), as bytes or `512KB`, `1MiB`. An Argo Workflow object must fit etcd's 1.5 MiB request limit.",
    see: ['workflows.md'],
    env: 'TANDEM_LIMIT_DOCUMENT_BYTES',
    default: { doc: '`1MiB` (1048576)', value: DEFAULT_LIMITS.documentBytes },
    expected: 'a size in bytes, e.g. 1048576 or "1MiB"',
    parse: (raw) => {
      const bytes = parseSize(raw);
      return bytes !== undefined && bytes > 0 ? bytes : undefined;
    },
  }),
  'limits.nestingDepth': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: POSITIVE_INT_TEXT })]),
    description:
      "Levels of nested lists and mappings in one workflow document. The YAML reader recurses per level and runs out of stack near 900; Go's encoding/json (Argo, KFP, Kubernetes) stops at 10,000.",
    see: ['workflows.md'],
    env: 'TANDEM_LIMIT_NESTING_DEPTH',
    default: { value: DEFAULT_LIMITS.nestingDepth },
    expected: 'a positive integer',
    parse: parsePositiveInt,
  }),
  'limits.celCost': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: POSITIVE_INT_TEXT })]),
    description:
      "Estimated steps of one CEL evaluation (each node 1; a comprehension its range's size times its body; `+` the size it builds), checked before it runs; Kubernetes gives one CEL validation rule 1,000,000.",
    see: ['workflows.md'],
    env: 'TANDEM_LIMIT_CEL_COST',
    default: { value: DEFAULT_LIMITS.celCost },
    expected: 'a positive integer',
    parse: parsePositiveInt,
  }),
  'limits.templateBytes': layered({
    type: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: SIZE_TEXT })]),
    description: 'Characters one `{{ }}` template may render to when it builds text (a lone placeholder keeps its value and is not counted).',
    see: ['workflows.md'],
    env: 'TANDEM_LIMIT_TEMPLATE_BYTES',
    default: { doc: '`1MiB` (1048576)', value: DEFAULT_LIMITS.templateBytes },
    expected: 'a size, e.g. 1048576 or "1MiB"',
    parse: (raw) => {
      const bytes = parseSize(raw);
      return bytes !== undefined && bytes > 0 ? bytes : undefined;
    },
  }),
  'routing.rules': fileSetting({
    type: Nullable(Type.Array(RoutingRuleDecl)),
    description:
      'Rules tried before the built-in rules, the first match wins: a list of `{ name, when, lane, reason? }`; `when` is CEL over `workflow`, `features` and `evidence`, compiled at load.',
    see: ['router.md'],
    default: { doc: 'none' },
  }),
  'routing.replaceDefaults': fileSetting({
    type: Type.Boolean(),
    description: '`true`: the configured rules are the whole policy (the last must be `when: "true"`); `false`: they come before the built-in rules.',
    default: { value: false },
  }),
  'lanes.kubeflow.engine': layered({
    type: literals(LANE_ENGINES.kubeflow),
    description:
      "The engine that runs kubeflow-lane workflows and a hybrid workflow's ML steps: `local` (this machine). `kfp` (the Kubeflow Pipelines API named by `kfp.endpoint`) is refused until its adapter is wired in; see remote-engines.md.",
    see: ['router.md', 'remote-engines.md'],
    env: 'TANDEM_KUBEFLOW_ENGINE',
    default: { value: 'local' as const },
    expected: LANE_ENGINES.kubeflow.join(' or '),
    parse: oneOf(LANE_ENGINES.kubeflow),
  }),
  'lanes.argo.engine': layered({
    type: literals(LANE_ENGINES.argo),
    description: 'The engine that runs argo-lane workflows and orchestrates hybrid ones: `local` (this machine). `argo` (the Argo Server named by `argo.server`) is refused until its adapter is wired in; see remote-engines.md.',
    see: ['router.md', 'remote-engines.md'],
    env: 'TANDEM_ARGO_ENGINE',
    default: { value: 'local' as const },
    expected: LANE_ENGINES.argo.join(' or '),
    parse: oneOf(LANE_ENGINES.argo),
  }),
  'argo.server': layered({
    type: Type.String({ pattern: '^https?://' }),
    description: "The Argo Server's http(s) URL (its REST API and UI, e.g. https://argo-server.argo:2746); argo-lane runs are submitted there when `lanes.argo.engine` is `argo`.",
    see: ['remote-engines.md'],
    env: 'TANDEM_ARGO_SERVER',
    default: { doc: 'none' },
    expected: 'an http(s) URL such as https://argo-server.argo:2746',
    parse: (raw) => parseHttpUrl(raw, 'argo.token', 'the Argo Server'),
  }),
  'argo.namespace': layered({
    type: Type.String({ pattern: KUBE_NAME_PATTERN }),
    description: 'The Kubernetes namespace the Workflows are created in.',
    see: ['remote-engines.md'],
    env: 'TANDEM_ARGO_NAMESPACE',
    default: { value: 'argo' },
    expected: 'a Kubernetes namespace name (lowercase letters, digits and -)',
    parse: parseKubeName,
  }),
  'argo.token': fileSetting({
    type: SecretRef,
    description: 'Where the bearer token for the Argo Server is: `{ env: NAME }` or `{ file: PATH }` (relative to this file; a projected service-account token is re-read on every request), never the token itself.',
    default: { doc: 'none: no Authorization header (an Argo Server in `server` auth mode)' },
  }),
  'argo.caFile': fileSetting({
    type: Type.String({ minLength: 1 }),
    description: "A PEM file (relative to this file) of the CA that signed the Argo Server's certificate, trusted instead of the system's.",
    default: { doc: "the system's CAs" },
  }),
  'argo.ui': fileSetting({
    type: Type.String({ pattern: '^https?://' }),
    description: "The Argo UI's base URL for links from `tandem runs`, `tandem show` and the API.",
    default: { doc: 'argo.server (the Argo Server serves the UI)' },
  }),
  'argo.pollInterval': fileSetting({
    type: Duration,
    description: 'How often a followed Workflow is read when its watch is silent (a watch event reads it at once).',
    default: { value: DEFAULT_REMOTE_POLL_INTERVAL },
  }),
  'kfp.endpoint': layered({
    type: Type.String({ pattern: '^https?://' }),
    description: "The KFP API's http(s) URL (e.g. http://ml-pipeline.kubeflow:8888, or a Kubeflow gateway's https://HOST/pipeline); kubeflow-lane runs are submitted there when `lanes.kubeflow.engine` is `kfp`.",
    see: ['remote-engines.md'],
    env: 'TANDEM_KFP_ENDPOINT',
    default: { doc: 'none' },
    expected: 'an http(s) URL such as http://ml-pipeline.kubeflow:8888',
    parse: (raw) => parseHttpUrl(raw, 'kfp.token', 'the KFP API'),
  }),
  'kfp.namespace': layered({
    type: Type.String({ pattern: KUBE_NAME_PATTERN }),
    description: "The Kubeflow profile namespace runs, experiments and pipelines belong to (multi-user Kubeflow); unset for a single-user KFP.",
    see: ['remote-engines.md'],
    env: 'TANDEM_KFP_NAMESPACE',
    default: { doc: 'none' },
    expected: 'a Kubernetes namespace name (lowercase letters, digits and -)',
    parse: parseKubeName,
  }),
  'kfp.token': fileSetting({
    type: SecretRef,
    description: 'Where the bearer token for the KFP API is (a service-account token with audience `pipelines.kubeflow.org`): `{ env: NAME }` or `{ file: PATH }`, never the token itself.',
    default: { doc: 'none' },
  }),
  'kfp.user': layered({
    type: Type.String({ minLength: 1 }),
    description: 'The user a multi-user Kubeflow acts for, sent in the `kfp.userHeader` header (what its auth proxy would set).',
    see: ['remote-engines.md'],
    env: 'TANDEM_KFP_USER',
    default: { doc: 'none: no user header' },
    expected: 'a user id such as alice@example.com',
    parse: (raw) => (typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined),
  }),
  'kfp.userHeader': fileSetting({
    type: Type.String({ pattern: '^[A-Za-z0-9-]+$' }),
    description: "The header carrying `kfp.user` (Kubeflow's `userid-header`).",
    default: { value: 'kubeflow-userid' },
  }),
  'kfp.caFile': fileSetting({
    type: Type.String({ minLength: 1 }),
    description: "A PEM file (relative to this file) of the CA that signed the KFP API's certificate, trusted instead of the system's.",
    default: { doc: "the system's CAs" },
  }),
  'kfp.ui': fileSetting({
    type: Type.String({ pattern: '^https?://' }),
    description: "The KFP UI's base URL (e.g. https://kubeflow.example.com/pipeline) for links to runs.",
    default: { doc: 'none: no links' },
  }),
  'kfp.pollInterval': fileSetting({
    type: Duration,
    description: 'How often a followed KFP run is read (the KFP API has no watch).',
    default: { value: DEFAULT_REMOTE_POLL_INTERVAL },
  }),
  'mlflow.trackingUri': layered({
    type: Type.String({ pattern: '^https?://' }),
    description: "The MLflow tracking server's http(s) URL (a path prefix is kept); ML-lane runs are mirrored there. TANDEM_MLFLOW_TRACKING_URI overrides it.",
    see: ['mlflow.md'],
    env: 'TANDEM_MLFLOW_TRACKING_URI',
    default: { doc: 'none: nothing is mirrored' },
    expected: 'an http(s) URL such as http://127.0.0.1:5000',
    parse: (raw) => parseHttpUrl(raw, 'mlflow.token', 'MLflow', ' of a tracking server'),
  }),
  'mlflow.experimentPrefix': fileSetting({
    type: Type.String(),
    description: 'Text put before each experiment name.',
    default: { doc: 'none', value: '' },
  }),
  'mlflow.token': fileSetting({
    type: SecretRef,
    description: `Where the bearer token is: \`{ env: NAME }\` or \`{ file: PATH }\` (relative to this file), never the token itself. Without it, ${MLFLOW_TOKEN_FALLBACK_ENV} is used when set.`,
    default: { doc: `\`$${MLFLOW_TOKEN_FALLBACK_ENV}\` when set` },
  }),
  artifacts: fileSetting({
    type: ArtifactRepositoryDecl,
    description:
      "Where Argo keeps the artifacts tasks pass on, for `tandem compile`: `{ s3: { endpoint, bucket, region?, insecure?, keyPrefix?, accessKeySecret?, secretKeySecret? } }`, `{ gcs: { bucket, keyPrefix?, serviceAccountKeySecret? } }` (secrets as `{ name, key }` of a Kubernetes Secret) or `{ artifactRepositoryRef: { configMap?, key? } }`.",
    see: ['compile.md'],
    default: { doc: "Argo's default artifact repository" },
  }),
  'images.tandem': imageSetting(
    "The image with tandem's CLI (the root Dockerfile builds it): `tandem serve` in deploy/, and the hybrid lane's ML steps, which run `tandem kfp run` in it.",
    { flag: '--tandem-image', image: DEFAULT_TANDEM_IMAGE, see: ['deploy.md', 'compile.md'] },
  ),
  'images.node': imageSetting('`tandem compile`: the image `node` tasks without an image of their own run in; it needs Node.js (and tsx for `.ts` modules).', {
    flag: '--node-image',
    image: DEFAULT_NODE_IMAGE,
  }),
  'images.default': imageSetting(
    "`tandem compile`: the image of process and script tasks without `image` or `defaults.image`. A Node image, since tandem's own examples run `node` in process tasks.",
    { flag: '--image', image: DEFAULT_NODE_IMAGE },
  ),
  'images.tasks': imageSetting(
    "`tandem compile --image-recipe DIR`: the name of the project's task image that recipe builds (the workflows' folders, Node.js with tsx, tandem); every task without an image of its own then runs in it.",
    { flag: '--tasks-image', image: DEFAULT_TASKS_IMAGE, see: ['compile.md', 'deploy.md'] },
  ),
  namespace: fileSetting({
    type: Type.String({ pattern: WORKFLOW_NAME_PATTERN, maxLength: 63 }),
    description: 'The namespace of the workflows that do not name one; API tokens are scoped to namespaces.',
    default: { value: DEFAULT_NAMESPACE },
  }),
  workflows: fileSetting({
    type: Type.Array(WorkflowRef),
    description: 'The workflows `tandem serve` serves: files relative to this file, as paths or `{ file, namespace }`.',
    see: ['serve.md'],
    default: { doc: 'none' },
  }),
  eventSources: fileSetting({
    type: Type.Array(EventSourceDecl),
    description: 'Where events come from: a list of `{ name, nats | webhook | cron }`; the name `api` is reserved for the HTTP API.',
    see: ['nats.md', 'webhooks-and-cron.md'],
    default: { doc: 'none' },
  }),
  sensors: fileSetting({
    type: Type.Array(ProjectSensorDecl),
    description: 'What turns events into runs: dependencies on event sources, filters, a condition and triggers that start workflows.',
    see: ['sensors.md'],
    default: { doc: 'none' },
  }),
  'server.host': fileSetting({
    type: Type.String({ minLength: 1 }),
    description: 'The address `tandem serve` listens on.',
    flag: { name: '--host', usage: 'serve --host ADDRESS' },
    default: { value: DEFAULT_HOST },
  }),
  'server.port': fileSetting({
    type: Type.Integer({ minimum: 0, maximum: 65535 }),
    description: 'The port `tandem serve` listens on; 0 for any free port.',
    flag: { name: '--port', usage: 'serve --port N' },
    default: { value: DEFAULT_PORT },
  }),
  'server.tokens': fileSetting({
    type: Type.Array(ApiTokenDecl),
    description: 'API tokens: a list of `{ name, token: { env: NAME } | { file: PATH }, namespaces }`; "*" names every namespace.',
    see: ['api.md'],
    default: { doc: 'none: the API refuses every request' },
  }),
  'server.shutdownGracePeriod': fileSetting({
    type: Duration,
    description: 'How long running tasks may go on after SIGTERM or Ctrl-C before `tandem serve` exits; runs still unfinished are resumed by the next start.',
    default: { value: DEFAULT_SHUTDOWN_GRACE_PERIOD },
  }),
} as const satisfies Record<string, Setting>;

/**
 * The sections that group settings: what editors show for them, whether they may be left empty,
 * and what to add when an unknown key is found in them.
 */
export const SECTIONS: Record<string, { description: string; nullable?: true; unknownKeyHint?: string }> = {
  engine: { description: 'How the embedded engine runs tasks on this machine.', nullable: true },
  limits: { description: 'Bounds on what one workflow may ask for: file size, nesting, forEach items, CEL cost, template size.', nullable: true },
  routing: { description: 'Rules the router tries before (or instead of) its built-in policy.', nullable: true },
  lanes: { description: 'Which engine executes each lane; a hybrid workflow uses both.', nullable: true, unknownKeyHint: 'hybrid uses both' },
  'lanes.kubeflow': { description: 'The kubeflow lane: ML work.' },
  'lanes.argo': { description: 'The argo lane: everything else.' },
  argo: { description: 'The Argo Server the argo lane runs on when `lanes.argo.engine` is `argo`; see docs/remote-engines.md.', nullable: true },
  kfp: { description: 'The Kubeflow Pipelines API the kubeflow lane runs on when `lanes.kubeflow.engine` is `kfp`; see docs/remote-engines.md.', nullable: true },
  mlflow: { description: 'Mirror ML-lane runs into an MLflow tracking server.', nullable: true },
  images: { description: 'The container images `tandem compile` names and the image recipe builds; see docs/deploy.md.', nullable: true },
  server: { description: 'The HTTP server of `tandem serve`.' },
};

/** A Kubernetes namespace name, trimmed; undefined when it is not one. */
function parseKubeName(raw: unknown): string | undefined {
  return typeof raw === 'string' && new RegExp(KUBE_NAME_PATTERN).test(raw.trim()) ? raw.trim() : undefined;
}

/** An http(s) URL without credentials in it (they belong in `tokenSetting`, read from the environment or a file). */
function parseHttpUrl(raw: unknown, tokenSetting: string, service: string, of = ''): string | Rejection | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new Rejection({ expected: `an http(s) URL${of}`, found: `${url.protocol} (tandem talks to ${service} over its REST API only)` });
  }
  if (url.username !== '' || url.password !== '') {
    return new Rejection({ message: `credentials do not belong in the URL; use ${tokenSetting} ({ env: NAME } or { file: PATH })` });
  }
  return raw.trim();
}
