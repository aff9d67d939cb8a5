// compile: how long the cluster compilers take on a large workflow. A generated workflow of
// 10,000 process tasks (a layered DAG with output references, dependsOn, `when` conditions,
// forEach fan-out and retries, every feature one that both Argo and KFP accept) is serialised to
// YAML once; then, interleaved, each measured BENCH_REPS times after a warm-up:
// 1. the baseline: parse + validate the YAML text (loadWorkflowText), what every command does first;
// 2. compile to Argo (compileToArgo) and render the manifest as YAML (argoManifestYaml);
// 3. compile to KFP (compileToKfp) and render the IR as YAML (kfpIrYaml).
// BENCH_COMPILE_LAYERS and BENCH_COMPILE_WIDTH change the shape (default 100 x 100).
import { stringify } from 'yaml';
import { compileToArgo, argoManifestYaml } from '../src/engines/argo/compile/index.js';
import { compileToKfp, kfpIrYaml } from '../src/engines/kfp/compile/index.js';
import { loadWorkflowText } from '../src/spec/load.js';
import { DEFAULT_LIMITS, useLimits } from '../src/util/limits.js';
import type { TaskSpec, WorkflowSpec } from '../src/spec/schema.js';
import { interleavedMedians, median, Report, repetitions } from './lib/harness.js';
import { seededRandom as random } from '../test/helpers/seeded-random.js';

const LAYERS = Number(process.env.BENCH_COMPILE_LAYERS ?? 100);
const WIDTH = Number(process.env.BENCH_COMPILE_WIDTH ?? 100);
const REPS = repetitions(5);
const KFP_OPTIONS = { defaultImage: 'alpine:3.20' };


const nameOf = (layer: number, index: number): string => `l${String(layer).padStart(3, '0')}_t${String(index).padStart(3, '0')}`;

/** What each generated task is, so that later layers know which upstreams have an output to read. */
interface Generated {
  name: string;
  /** A plain task with an integer output `n` (forEach tasks have none: their outputs are lists). */
  hasOutput: boolean;
}

/**
 * `layers` layers of `width` process tasks. Each task of layer k > 0 depends on 1-3 tasks of layer
 * k-1: the first through an input reading its output `n` (when it has one), the others through
 * dependsOn. Every 10th task fans out over a literal list (parallelism 2), every 7th has a `when`
 * over an upstream output or a param, every 5th retries with backoff.
 */
function generateWorkflow(layers: number, width: number): WorkflowSpec {
  const next = random(20261126);
  const pick = (n: number): number => Math.floor(next() * n);
  const tasks: TaskSpec[] = [];
  let previous: Generated[] = [];
  let serial = 0;
  for (let layer = 0; layer < layers; layer++) {
    const current: Generated[] = [];
    for (let index = 0; index < width; index++, serial++) {
      const name = nameOf(layer, index);
      const fanOut = serial % 10 === 3;
      const task: TaskSpec = { name, process: { command: 'echo "$(( ${1:-0} + 1 ))" > "$TANDEM_OUTPUTS/n"', shell: true } };
      const upstreams: Generated[] = [];
      if (previous.length > 0) {
        const count = 1 + pick(3);
        while (upstreams.length < count) {
          const candidate = previous[pick(previous.length)] as Generated;
          if (!upstreams.includes(candidate)) upstreams.push(candidate);
        }
      }
      const [first, ...rest] = upstreams;
      const args: string[] = [];
      const dependsOn: string[] = [];
      if (first !== undefined && first.hasOutput) {
        task.inputs = { a: `{{ tasks.${first.name}.outputs.n }}` };
        args.push('{{ inputs.a }}');
      } else if (first !== undefined) {
        dependsOn.push(first.name);
      }
      dependsOn.push(...rest.map((u) => u.name));
      if (fanOut) {
        task.forEach = [1, 2, 3, 4];
        task.parallelism = 2;
        args.push('{{ item }}');
      } else {
        task.outputs = { n: { type: 'integer', path: 'n' } };
      }
      if (args.length > 0) (task.process as { args?: string[] }).args = args;
      if (dependsOn.length > 0) task.dependsOn = dependsOn;
      if (serial % 7 === 5) {
        task.when = first !== undefined && first.hasOutput ? `tasks.${first.name}.outputs.n > ${pick(5)}` : `params.threshold >= ${pick(5)}`;
      }
      if (serial % 5 === 1) task.retry = { limit: 2, policy: 'on-failure', backoff: { duration: '5s', factor: 2, maxDuration: '1m' } };
      tasks.push(task);
      current.push({ name, hasOutput: !fanOut });
    }
    previous = current;
  }
  return {
    apiVersion: 'tandem.dev/v1',
    kind: 'Workflow',
    name: `bench-compile-${layers * width}`,
    params: {
      threshold: { type: 'integer', default: 3 },
      mode: { type: 'string', default: 'full', enum: ['full', 'quick'] },
    },
    defaults: { image: 'alpine:3.20' },
    tasks,
  };
}

const kb = (text: string): string => `${(Buffer.byteLength(text) / 1024).toFixed(0)} KB`;
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Milliseconds taken by a synchronous step; the result is checked so the work cannot be dropped. */
function timed(fn: () => unknown): number {
  const start = nowMs();
  const result = fn();
  const elapsed = nowMs() - start;
  if (result === undefined) throw new Error('a measured step returned nothing');
  return elapsed;
}

/**
 * A compile-and-render measurement: the total (what the figure reports), with the two parts kept
 * aside so the output can say where the time goes.
 */
function compileAndRender(
  compile: () => Record<string, unknown>,
  render: (out: Record<string, unknown>) => string,
  parts: { compile: number[]; render: number[] },
): () => Promise<number> {
  return () => {
    let compiled: Record<string, unknown> = {};
    const compileMs = timed(() => (compiled = compile()));
    // Encoded to UTF-8 as a file write would: a string built by concatenation is flattened then,
    // so that cost is counted here too.
    const renderMs = timed(() => Buffer.from(render(compiled), 'utf8'));
    parts.compile.push(compileMs);
    parts.render.push(renderMs);
    return Promise.resolve(compileMs + renderMs);
  };
}

async function main(): Promise<void> {
  // The generated file (about 3 MB for 10,000 tasks) is over the default limits.documentBytes
  // (1 MiB): it is raised as a user with such a workflow would raise it in tandem.yaml.
  useLimits({ ...DEFAULT_LIMITS, documentBytes: 64 * 1024 * 1024 });
  const generated = generateWorkflow(LAYERS, WIDTH);
  const text = stringify(generated, { lineWidth: 0 });
  const parse = (): WorkflowSpec => loadWorkflowText(text, { file: 'bench-compile.yaml', format: 'yaml' }).spec;
  const spec = parse();
  const toArgo = (): string => argoManifestYaml(compileToArgo(spec));
  const toKfp = (): string => kfpIrYaml(compileToKfp(spec, KFP_OPTIONS));
  const argoParts = { compile: [] as number[], render: [] as number[] };
  const kfpParts = { compile: [] as number[], render: [] as number[] };

  const tasks = spec.tasks.length;
  const count = (predicate: (t: TaskSpec) => boolean): number => spec.tasks.filter(predicate).length;
  // Warm-up: load the validator and the compilers' modules, and JIT them, on the full workflow.
  const argoYaml = toArgo();
  const kfpYaml = toKfp();
  console.log(
    `compile: ${tasks} tasks (${LAYERS} layers of ${WIDTH}; ${count((t) => t.when !== undefined)} with when, ` +
      `${count((t) => t.forEach !== undefined)} forEach, ${count((t) => t.retry !== undefined)} with retry), median of ${REPS}`,
  );
  console.log(`workflow YAML ${kb(text)}, Argo manifest YAML ${kb(argoYaml)}, KFP IR YAML ${kb(kfpYaml)}\n`);

  const result = await interleavedMedians(REPS, {
    parse: () => Promise.resolve(timed(parse)),
    argo: compileAndRender(() => compileToArgo(spec), argoManifestYaml, argoParts),
    kfp: compileAndRender(() => compileToKfp(spec, KFP_OPTIONS), kfpIrYaml, kfpParts),
  });
  const split = (parts: { compile: number[]; render: number[] }): string =>
    `(compile ${median(parts.compile).toFixed(0)} ms + YAML ${median(parts.render).toFixed(0)} ms)`;
  console.log(`parse + validate ${result.parse.toFixed(0)} ms`);
  console.log(`Argo ${result.argo.toFixed(0)} ms ${split(argoParts)}`);
  console.log(`KFP  ${result.kfp.toFixed(0)} ms ${split(kfpParts)}\n`);

  const label = tasks.toLocaleString('en-US');
  const report = new Report('compile');
  report.add(`parse + validate ${label} tasks`, result.parse, 'ms', null, '-');
  report.add(`compile to Argo ${label} tasks (vs parse + validate)`, result.argo, 'ms', result.parse, '<= 1 s', { maxValue: 1000 });
  report.add(`compile to KFP ${label} tasks (vs parse + validate)`, result.kfp, 'ms', result.parse, '<= 1 s', { maxValue: 1000 });
  report.finish();
}

await main();
