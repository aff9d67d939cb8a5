// One small workflow per row of docs/compile.md's feature table (the key is the row's first
// cell), and a few that combine them, for the Argo compiler: each compiles to a manifest that
// the schema and the controller's rules accept, or is refused naming the feature the row says
// Argo cannot express. Task names with '_' and long names are used on purpose: Argo refuses them
// as they are, so the compiler must rename them.
import type { ArgoCompileOptions } from '../../src/engines/argo/compile/index.js';

type Doc = Record<string, unknown>;

export interface ArgoFeatureCase {
  label: string;
  doc: Doc;
  options?: ArgoCompileOptions;
  /** The CompileError feature, when the row says Argo cannot express the case. */
  refused?: string;
}

const sh = (source: string): Doc => ({ script: { source } });
const LONG = 'a-workflow-name-that-is-far-too-long-for-a-cron-workflow';

export const ARGO_FEATURE_ROWS: Record<string, ArgoFeatureCase[]> = {
  'name, description, version, type': [
    { label: 'metadata', doc: { name: 'meta', description: 'd', version: '1.0.0+build', type: 'batch', tasks: [{ name: 'only_task', ...sh('true') }] } },
    { label: 'a long name as a CronWorkflow', doc: { name: LONG, tasks: [{ name: 'a', ...sh('true') }] }, options: { schedule: { schedules: ['0 * * * *'] } } },
    { label: 'a WorkflowTemplate', doc: { name: 'tmpl', tasks: [{ name: 'a', ...sh('true') }] }, options: { kind: 'WorkflowTemplate' } },
  ],
  'params (typed, defaults, enum)': [
    { label: 'params', doc: { name: 'params', params: { n: { type: 'integer', default: 3 }, mode: { type: 'string', default: 'a', enum: ['a', 'b'] }, tags: { type: 'json', default: ['x'] } }, tasks: [{ name: 'a', ...sh('echo {{ params.n }} {{ params.mode }}') }] } },
  ],
  'task, `dependsOn`, output references': [
    {
      label: 'a diamond of underscored tasks',
      doc: {
        name: 'diamond',
        tasks: [
          { name: 'load_data', ...sh('echo 1 > $TANDEM_OUTPUTS/rows'), outputs: { rows: { type: 'integer' } } },
          { name: 'check_data', inputs: { rows: '{{ tasks.load_data.outputs.rows }}' }, ...sh('true') },
          { name: 'clean_data_', dependsOn: ['load_data'], ...sh('true') },
          // `report` and `_report` both become report in Argo: the second is report-2.
          { name: 'report', dependsOn: ['check_data', 'clean_data_'], inputs: { rows: '{{ tasks.load_data.outputs.rows }}' }, ...sh('true') },
          { name: '_report', dependsOn: ['report'], ...sh('true') },
        ],
      },
    },
  ],
  process: [{ label: 'process', doc: { name: 'proc', tasks: [{ name: 'a', process: { command: 'echo', args: ['$(HOME)', '{{ run.id }}'] } }, { name: 'b', process: { command: 'echo "$1"', args: ['x'], shell: true } }] } }],
  script: [{ label: 'script', doc: { name: 'scr', tasks: [{ name: 'a', script: { interpreter: 'python3', source: 'print(1)' } }] } }],
  node: [{ label: 'node', doc: { name: 'nd', tasks: [{ name: 'a_node', node: { module: 'tasks/a.ts' }, inputs: { n: 1 }, outputs: { out: { type: 'string' } } }] } }],
  'workflow (child run)': [{ label: 'child workflow', doc: { name: 'child', tasks: [{ name: 'a', workflow: { file: 'child.yaml' } }] }, refused: 'workflow runner' }],
  'inputs, artifact inputs': [
    {
      label: 'artifact passed on',
      doc: { name: 'arts', tasks: [{ name: 'make_it', ...sh('x'), outputs: { data: { type: 'Dataset', path: 'd.json' } } }, { name: 'use_it', inputs: { data: '{{ tasks.make_it.outputs.data }}', n: 2 }, ...sh('cat {{ inputs.data }} {{ inputs.n }}') }] },
    },
  ],
  'outputs `{path}`, node returns': [{ label: 'file output', doc: { name: 'outs', tasks: [{ name: 'a', ...sh('x'), outputs: { o: { path: 'o.txt' } } }, { name: 'b', inputs: { o: '{{ tasks.a.outputs.o }}' }, ...sh('x') }] } }],
  'artifact outputs (`Dataset`, `Model`, `Metrics`, `ClassificationMetrics`, `HTML`, `Markdown`)': [
    {
      label: 'artifact fan-in from a loop',
      doc: {
        name: 'fan-in',
        tasks: [
          { name: 'each_part', forEach: [1, 2, 3], ...sh('x'), outputs: { part: { type: 'Dataset', path: 'p.json' } } },
          { name: 'per_part', forEach: '{{ tasks.each_part.outputs.part }}', inputs: { part: '{{ item }}' }, ...sh('cat {{ inputs.part }}'), outputs: { done: { type: 'artifact', path: 'done' } } },
          { name: 'gather', inputs: { parts: '{{ tasks.per_part.outputs.done }}' }, ...sh('ls {{ inputs.parts }}') },
        ],
      },
    },
  ],
  'stdout outputs': [{ label: 'stdout', doc: { name: 'std', tasks: [{ name: 'a', ...sh('echo {}'), outputs: { s: { type: 'number', stdout: 'x.y' } } }, { name: 'b', inputs: { s: '{{ tasks.a.outputs.s }}' }, ...sh('x') }] } }],
  '`when` (CEL)': [{ label: 'when', doc: { name: 'when', params: { go: { type: 'boolean', default: true } }, tasks: [{ name: 'gate_a', ...sh('x'), outputs: { ok: { type: 'string' } } }, { name: 'then_b', when: 'params.go && tasks.gate_a.outputs.ok == "yes"', ...sh('x') }] } }],
  'forEach list / range / template': [
    {
      label: 'loops',
      doc: {
        name: 'loops',
        tasks: [
          { name: 'list_it', ...sh('x'), outputs: { files: { type: 'json' } } },
          { name: 'over_list', forEach: '{{ tasks.list_it.outputs.files }}', ...sh('echo {{ item }}') },
          { name: 'over_items', forEach: [{ a: 1 }, { a: 2 }], ...sh('echo {{ item.a }}') },
          { name: 'over_range', forEach: { start: 1, end: 3 }, ...sh('echo {{ item }}') },
        ],
      },
    },
  ],
  'forEach `parallelism`': [{ label: 'bounded loop', doc: { name: 'bounded', tasks: [{ name: 'list_it', ...sh('x'), outputs: { files: { type: 'json' }, n: { type: 'integer' } } }, { name: 'each_one', forEach: '{{ tasks.list_it.outputs.files }}', parallelism: 2, inputs: { n: '{{ tasks.list_it.outputs.n }}' }, ...sh('echo {{ item }}'), outputs: { r: { type: 'string' } } }, { name: 'after', inputs: { r: '{{ tasks.each_one.outputs.r }}' }, ...sh('x') }] } }],
  'workflow `parallelism`': [{ label: 'parallelism', doc: { name: 'par', parallelism: 2, tasks: [{ name: 'a', ...sh('x') }] } }],
  'runner `inheritEnv` (non-empty)': [{ label: 'inheritEnv', doc: { name: 'inh', tasks: [{ name: 'a', script: { source: 'x', inheritEnv: ['AWS_PROFILE'] } }] }, refused: 'inheritEnv' }],
  '`failFast`': [{ label: 'failFast', doc: { name: 'ff', failFast: false, tasks: [{ name: 'a', ...sh('x') }] } }],
  '`retry`': [{ label: 'retry', doc: { name: 'retry', tasks: [{ name: 'flaky_one', retry: { limit: 3, policy: 'always', backoff: { duration: '1s', factor: 2, maxDuration: '1m' } }, ...sh('echo {{ task.attempt }}') }] } }],
  '`timeout`': [{ label: 'timeout', doc: { name: 'to', defaults: { timeout: '90s' }, tasks: [{ name: 'a', ...sh('x') }, { name: 'b', timeout: '250ms', ...sh('x') }] } }],
  '`cache`': [
    { label: 'cache', doc: { name: 'cache', params: { n: { type: 'string', default: 'a/b c' } }, tasks: [{ name: 'cached_task', cache: { version: 'v/2', key: ['{{ params.n }}/x'], maxAge: '1h' }, inputs: { x: 'y/z' }, ...sh('echo {{ params.n }}') }] } },
    { label: 'cache over an artifact input', doc: { name: 'cache-art', tasks: [{ name: 'p', ...sh('x'), outputs: { d: { type: 'artifact' } } }, { name: 'c', cache: {}, inputs: { d: '{{ tasks.p.outputs.d }}' }, ...sh('x') }] }, refused: 'cache' },
  ],
  '`synchronization`': [{ label: 'mutex and semaphores', doc: { name: 'sync', tasks: [{ name: 'a', synchronization: { mutex: 'db' }, ...sh('x') }, { name: 'b', synchronization: { semaphore: { name: 'gpu_pool', limit: 2 } }, ...sh('x') }, { name: 'c', synchronization: { semaphore: { name: 'gpu_pool', limit: 2 } }, ...sh('x') }] } }],
  '`resources`, `image`': [{ label: 'resources', doc: { name: 'res', tasks: [{ name: 'a', image: 'python:3.12', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { gpu: 1 } }, ...sh('x') }] } }],
  '`finally`': [{ label: 'finally', doc: { name: 'fin', tasks: [{ name: 'work_it', ...sh('x') }], finally: [{ name: 'notify_me', ...sh('echo {{ run.status }}') }, { name: 'also', ...sh('echo {{ run.failures }}') }] } }],
  '`run.status`, `run.failures`': [{ label: 'run status', doc: { name: 'rs', tasks: [{ name: 'a', ...sh('x') }], finally: [{ name: 'n', inputs: { s: '{{ run.status }}' }, ...sh('echo {{ inputs.s }} {{ run.failures }}') }] } }],
  'workflow outputs': [{ label: 'outputs', doc: { name: 'wo', tasks: [{ name: 'a_b', ...sh('x'), outputs: { o: { type: 'string' }, d: { type: 'Dataset', path: 'd' } } }], outputs: { o: '{{ tasks.a_b.outputs.o }}', d: '{{ tasks.a_b.outputs.d }}' } } }],
  '`artifacts` in tandem.yaml': [
    {
      label: 'an S3 bucket for a loop and a single artifact',
      doc: { name: 'repo', tasks: [{ name: 'each', forEach: [1, 2], ...sh('x'), outputs: { d: { type: 'Dataset', path: 'd' } } }, { name: 'one', ...sh('x'), outputs: { m: { type: 'Model', path: 'm' } } }, { name: 'all', inputs: { d: '{{ tasks.each.outputs.d }}', m: '{{ tasks.one.outputs.m }}' }, ...sh('x') }] },
      options: { artifacts: { s3: { endpoint: 'minio:9000', bucket: 'b', keyPrefix: 'p', accessKeySecret: { name: 's', key: 'a' }, secretKeySecret: { name: 's', key: 'b' } } } },
    },
    { label: 'a GCS bucket', doc: { name: 'repo-gcs', tasks: [{ name: 'one', ...sh('x'), outputs: { m: { type: 'Model', path: 'm' } } }, { name: 'two', inputs: { m: '{{ tasks.one.outputs.m }}' }, ...sh('x') }] }, options: { artifacts: { gcs: { bucket: 'g' } } } },
    { label: 'a repository reference', doc: { name: 'repo-ref', tasks: [{ name: 'one', ...sh('x'), outputs: { m: { type: 'Model', path: 'm' } } }] }, options: { artifacts: { artifactRepositoryRef: { configMap: 'artifact-repositories', key: 'minio' } } } },
  ],
  '`lane`, `experiment`, `metrics`': [{ label: 'tracking', doc: { name: 'tr', experiment: 'exp-1', tasks: [{ name: 'a', ...sh('x') }] } }],
};
