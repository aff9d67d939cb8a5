// A generated set of workflows for the KFP conformance checks: each spec feature the KFP compiler
// handles, alone and in every pair. A feature either decorates the shared task `main` or adds its
// own tasks, so any two compose.
import type { TaskSpec, WorkflowSpec } from '../../src/spec/schema.js';

type Feature = (spec: WorkflowSpec) => void;

const main = (spec: WorkflowSpec): TaskSpec => {
  const found = spec.tasks.find((t) => t.name === 'main');
  if (!found) throw new Error('no main task');
  return found;
};
const add = (spec: WorkflowSpec, ...tasks: TaskSpec[]): void => {
  spec.tasks.push(...tasks);
};

const FEATURES: Record<string, Feature> = {
  when: (s) => void (main(s).when = 'params.n > 1 && params.mode == "fast"'),
  forEachList: (s) => void (main(s).forEach = [{ k: 1, name: 'a' }, { k: 2, name: 'b' }]),
  forEachParam: (s) => void (main(s).forEach = '{{ params.sweep }}'),
  forEachRange: (s) => void (main(s).forEach = { start: 1, end: 5, step: 2 }),
  retry: (s) => void (main(s).retry = { limit: 2, backoff: { duration: '1s', factor: 2, maxDuration: '1m' } }),
  cache: (s) => void (main(s).cache = { version: '2', key: ['k'] }),
  timeout: (s) => void (main(s).timeout = '90s'),
  inheritEnv: (s) => void (main(s).process = { command: 'env', inheritEnv: ['TOKEN'] }),
  resources: (s) => void (main(s).resources = { requests: { cpu: '1' }, limits: { memory: '1Gi', gpu: 1 } }),
  runFields: (s) => void (main(s).process = { command: 'echo', args: ['{{ run.id }}', 'name={{ run.name }}', '{{ task.name }}'] }),
  params: (s) => void (main(s).process = { command: 'echo', args: ['{{ params.n }}', '{{ params.mode }}'], env: { MODE: '{{ params.mode }}' } }),
  stdout: (s) =>
    add(
      s,
      { name: 'probe', process: { command: 'probe' }, outputs: { score: { type: 'number', stdout: 'score' }, raw: { type: 'json', stdout: true } } },
      { name: 'gate', when: 'tasks.probe.outputs.score > 0.5', process: { command: 'echo', args: ['{{ tasks.probe.outputs.score }}'] } },
    ),
  dataFlow: (s) =>
    add(
      s,
      { name: 'prep', process: { command: 'p' }, outputs: { rows: { type: 'integer' }, data: { type: 'Dataset', path: 'd' } } },
      { name: 'use', node: { module: 'u.js' }, inputs: { rows: '{{ tasks.prep.outputs.rows }}', data: '{{ tasks.prep.outputs.data }}', label: 'n={{ params.n }}' }, outputs: { v: { type: 'string' } } },
    ),
  artifactFanIn: (s) =>
    add(
      s,
      { name: 'fit', forEach: '{{ params.sweep }}', parallelism: 2, node: { module: 'f.js' }, inputs: { hp: '{{ item }}' }, outputs: { model: { type: 'Model', path: 'm' } } },
      { name: 'score', forEach: '{{ tasks.fit.outputs.model }}', parallelism: 1, node: { module: 's.js' }, inputs: { model: '{{ item }}' }, outputs: { acc: { type: 'number' } } },
      { name: 'pick', node: { module: 'p.js' }, inputs: { models: '{{ tasks.fit.outputs.model }}', acc: '{{ tasks.score.outputs.acc }}' } },
    ),
  paramFanIn: (s) =>
    add(
      s,
      { name: 'list', process: { command: 'l' }, outputs: { items: { type: 'json' } } },
      { name: 'each', forEach: '{{ tasks.list.outputs.items }}', process: { command: 'e', args: ['{{ item }}'] }, outputs: { n: { type: 'integer' } } },
      { name: 'sum', node: { module: 's.js' }, inputs: { ns: '{{ tasks.each.outputs.n }}' } },
    ),
  itemFieldCondition: (s) => add(s, { name: 'pick_k', forEach: [{ k: 1 }, { k: 3 }], when: 'item.k > 2', process: { command: 'echo', args: ['{{ item.k }}'] } }),
  finally: (s) => {
    s.finally = [
      { name: 'notify', node: { module: 'n.js' }, inputs: { status: '{{ run.status }}' } },
      { name: 'cleanup', process: { command: 'rm', env: { OUTCOME: '{{ run.status }}' } } },
    ];
  },
  outputs: (s) => {
    add(s, { name: 'report', process: { command: 'r' }, outputs: { summary: { type: 'string' } } });
    s.outputs = { summary: '{{ tasks.report.outputs.summary }}' };
  },
};

function base(name: string): WorkflowSpec {
  return {
    name,
    params: {
      n: { type: 'integer', default: 2 },
      mode: { type: 'string', default: 'fast', enum: ['fast', 'slow'] },
      sweep: { type: 'json', default: [{ depth: 2 }, { depth: 4 }] },
    },
    tasks: [{ name: 'main', process: { command: 'echo', args: ['main'] } }],
  };
}

/** Every feature alone, then every pair, as named workflows. */
export function generatedWorkflows(): Array<{ label: string; spec: WorkflowSpec }> {
  const names = Object.keys(FEATURES);
  const sets: string[][] = [...names.map((n) => [n]), ...names.flatMap((a, i) => names.slice(i + 1).map((b) => [a, b]))];
  return sets.map((set) => {
    const spec = base(`gen-${set.join('-').toLowerCase()}`);
    for (const feature of set) FEATURES[feature]?.(spec);
    return { label: set.join(' + '), spec };
  });
}
