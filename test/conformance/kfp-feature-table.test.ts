// docs/compile.md's feature table, KFP column: one case per row. A case that compiles must pass
// the strict proto check and the backend's rules, and its row must name a KFP form; a case that is
// refused must fail with a CompileError naming the feature, and its row must say KFP cannot
// express it (by naming KFP, or no target at all). A new row without a case here fails the test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { compileToKfp, kfpIrYaml, loadKfpIrValidator } from '../../src/engines/kfp/compile/index.js';
import { CompileError } from '../../src/errors.js';
import type { TaskSpec, WorkflowSpec } from '../../src/spec/schema.js';
import { SPECS_DIR, requireShared } from '../helpers/shared.js';
import { irDocuments } from './kfp-corpus.js';
import { loadKfpRules } from './rules/kfp/index.js';

const DOC = resolve(import.meta.dirname, '../../docs/compile.md');
const OPTIONS = { defaultImage: 'busybox:1.36' };

const echo = (name: string, extra: Partial<TaskSpec> = {}): TaskSpec => ({ name, process: { command: 'echo', args: [name] }, ...extra });
const wf = (tasks: TaskSpec[], extra: Partial<WorkflowSpec> = {}): WorkflowSpec => ({ name: 'row', tasks, ...extra });

/** `ignored`: compiles with no trace in the IR, as the row says (routing or tracking only). */
type Case = { spec: WorkflowSpec; refused?: string; ignored?: true };

/** Cases by the row's first cell. */
const CASES: Record<string, Case[]> = {
  'name, description, version, type': [{ spec: wf([echo('a')], { description: 'd', version: '1', type: 'batch' }) }],
  'params (typed, defaults, enum)': [
    { spec: wf([echo('a')], { params: { s: { type: 'string', default: 'x', enum: ['x', 'y'] }, n: { type: 'number', default: 1.5 }, l: { type: 'json', default: [1] } } }) },
    { spec: wf([echo('a')], { params: { j: { type: 'json' } } }), refused: 'json param without a list or object default' },
  ],
  'task, `dependsOn`, output references': [{ spec: wf([echo('a', { outputs: { v: {} } }), echo('b', { dependsOn: ['a'], process: { command: 'echo', args: ['{{ tasks.a.outputs.v }}'] } })]) }],
  process: [{ spec: wf([echo('a', { process: { command: 'ls -l', shell: true } })]) }],
  script: [{ spec: wf([{ name: 's', script: { interpreter: 'python3', source: 'print(1)' } }]) }],
  node: [
    { spec: wf([{ name: 'n', node: { module: 'n.ts' } }]) },
    { spec: wf([{ name: 'n', node: { module: 'n.ts', env: { X: '{{ params.p }}' } } }], { params: { p: { type: 'string', default: '' } } }), refused: 'templated env of a node task' },
  ],
  'workflow (child run)': [{ spec: wf([{ name: 'c', workflow: { file: 'child.yaml' } }]), refused: 'workflow runner' }],
  'inputs, artifact inputs': [
    { spec: wf([echo('p', { outputs: { d: { type: 'Dataset' } } }), { name: 'u', node: { module: 'u.js' }, inputs: { d: '{{ tasks.p.outputs.d }}', k: 3 } }]) },
    { spec: wf([echo('a', { inputs: { x: ['{{ params.p }}'] } })], { params: { p: { type: 'string', default: '' } } }), refused: 'template inside a structured input' },
  ],
  'outputs `{path}`, node returns': [{ spec: wf([echo('a', { outputs: { v: { path: 'v.txt' } } }), { name: 'n', node: { module: 'n.js' }, outputs: { r: { type: 'integer' } } }]) }],
  'artifact outputs (`Dataset`, `Model`, `Metrics`, `ClassificationMetrics`, `HTML`, `Markdown`)': [{ spec: wf([echo('a', { outputs: { m: { type: 'Model' }, h: { type: 'HTML' }, c: { type: 'ClassificationMetrics' } } })]) }],
  'stdout outputs': [
    { spec: wf([echo('a', { outputs: { v: { type: 'integer', stdout: 'n' } } }), echo('b', { process: { command: 'echo', args: ['{{ tasks.a.outputs.v }}'] } })]) },
    { spec: wf([{ name: 'n', node: { module: 'n.js' }, outputs: { v: { stdout: true } } }]), refused: 'stdout output of a node task' },
  ],
  '`when` (CEL)': [
    { spec: wf([echo('a', { forEach: [{ k: 1 }, { k: 3 }], when: 'item.k > 2 && params.go' })], { params: { go: { type: 'boolean', default: true } } }) },
    { spec: wf([echo('a', { when: 'params.l.all(x, x > 1)' })], { params: { l: { type: 'json', default: [1] } } }), refused: 'condition' },
  ],
  'forEach list / range / template': [
    { spec: wf([echo('a', { forEach: { start: 1, end: 5 } }), echo('b', { forEach: '{{ params.l }}' })], { params: { l: { type: 'json', default: [1, 2] } } }) },
    { spec: wf([echo('f', { forEach: [1, 2], outputs: { m: { type: 'Model' } } }), echo('s', { forEach: '{{ tasks.f.outputs.m }}', inputs: { m: '{{ item }}' } })]) },
    { spec: wf([echo('f', { forEach: [1, 2], outputs: { m: { type: 'Model' } } }), echo('x', { dependsOn: ['f'] }), echo('s', { forEach: '{{ tasks.f.outputs.m }}', dependsOn: ['x'] })]), refused: "forEach over a loop's artifacts" },
  ],
  'forEach `parallelism`': [{ spec: wf([echo('a', { forEach: [1, 2, 3], parallelism: 2 })]) }],
  'workflow `parallelism`': [{ spec: wf([echo('a')], { parallelism: 2 }), refused: 'parallelism' }],
  'runner `inheritEnv` (non-empty)': [{ spec: wf([echo('a', { process: { command: 'env', inheritEnv: ['TOKEN'] } })]) }],
  '`failFast`': [{ spec: wf([echo('a')], { failFast: false }), refused: 'failFast: false' }],
  '`retry`': [
    { spec: wf([echo('a', { retry: { limit: 3, backoff: { duration: '2s', factor: 2, maxDuration: '1m' } } })]) },
    { spec: wf([echo('a', { retry: { limit: 1, policy: 'on-error' } })]), refused: 'retry policy on-error' },
    { spec: wf([echo('a', { retry: { limit: 1, policy: 'always' } })]), refused: 'retry policy always' },
    { spec: wf([echo('a', { retry: { limit: 1, backoff: { duration: '100ms' } } })]), refused: 'retry backoff below whole seconds' },
    { spec: wf([echo('a', { retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '20s' } } })]), refused: 'retry maxDuration' },
  ],
  '`timeout`': [{ spec: wf([echo('a', { timeout: '1m' })], { defaults: { timeout: 10 } }) }],
  // A project setting, not a workflow feature: a workflow passing artifacts compiles to the same IR.
  '`artifacts` in tandem.yaml': [{ spec: wf([echo('a', { outputs: { d: { type: 'Dataset', path: 'd' } } }), echo('b', { inputs: { d: '{{ tasks.a.outputs.d }}' } })]), ignored: true }],
  '`cache`': [
    { spec: wf([echo('a', { cache: { version: '1', key: ['k'] } })]) },
    { spec: wf([echo('a', { cache: { maxAge: '1h' } })]), refused: 'cache maxAge' },
  ],
  '`synchronization`': [{ spec: wf([echo('a', { synchronization: { mutex: 'm' } })]), refused: 'synchronization' }],
  '`resources`, `image`': [{ spec: wf([echo('a', { image: 'x:1', resources: { limits: { cpu: '1', gpu: 1 } } })]) }],
  '`finally`': [
    { spec: wf([echo('a')], { finally: [echo('f1'), echo('f2', { dependsOn: ['f1'] })] }) },
    { spec: wf([echo('a', { outputs: { v: {} } })], { finally: [echo('f', { inputs: { v: '{{ tasks.a.outputs.v }}' } })] }), refused: 'finally task reading a main task output' },
  ],
  '`run.status`, `run.failures`': [
    { spec: wf([echo('a')], { finally: [{ name: 'n', node: { module: 'n.js' }, inputs: { s: '{{ run.status }}' } }, echo('e', { process: { command: 'sh', env: { S: '{{ run.status }}' } } })] }) },
    { spec: wf([echo('a')], { finally: [echo('f', { process: { command: 'echo', args: ['status={{ run.status }}'] } })] }), refused: 'run.status' },
    { spec: wf([echo('a')], { finally: [echo('f', { inputs: { x: '{{ run.failures }}' } })] }), refused: 'run.failures' },
  ],
  'workflow outputs': [
    { spec: wf([echo('a', { outputs: { v: {} } })], { outputs: { v: '{{ tasks.a.outputs.v }}' } }) },
    { spec: wf([echo('a', { outputs: { v: {} } })], { outputs: { v: 'v={{ tasks.a.outputs.v }}' } }), refused: 'workflow output' },
  ],
  '`lane`, `experiment`, `metrics`': [{ spec: wf([echo('a', { lane: 'kubeflow' })], { experiment: 'e', metrics: { acc: { direction: 'max' } } }), ignored: true }],
};

interface Row {
  feature: string;
  kfp: string;
  refused: string;
}

function rows(): Row[] {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf('## What each feature becomes'), text.indexOf('## Event sources'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| tandem') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line.replace(/\\\|/g, '¦').split('|').map((c) => c.trim());
      return { feature: cells[1] ?? '', kfp: cells[3] ?? '', refused: cells[4] ?? '' };
    });
}

void describe("docs/compile.md's feature table, KFP column", () => {
  void it('has a case for every row', () => {
    assert.deepEqual(rows().map((r) => r.feature).sort(), Object.keys(CASES).sort());
  });

  for (const row of rows()) {
    void it(`${row.feature}: as the row says`, (t: TestContext) => {
      for (const { spec, refused, ignored } of CASES[row.feature] ?? []) {
        if (refused !== undefined) {
          // A cell naming no target holds for both.
          assert.ok(row.refused !== '' && (/KFP|kfp/.test(row.refused) || !/Argo|argo/.test(row.refused)), `the row does not say KFP refuses ${refused}`);
          assert.throws(() => compileToKfp(spec, OPTIONS), (error: unknown) => error instanceof CompileError && error.target === 'kfp' && error.feature === refused);
          continue;
        }
        if (ignored) assert.match(row.refused, /only/, 'the row does not say the feature is left out of the IR');
        else assert.notEqual(row.kfp, '—', 'the row says KFP has no form for a case that compiles');
        const ir = compileToKfp(spec, OPTIONS);
        if (!requireShared(t)) continue;
        const read = irDocuments(kfpIrYaml(ir));
        assert.ok('documents' in read);
        const strict = loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb')).validateDocuments(read.documents);
        assert.deepEqual(strict, []);
        assert.deepEqual(loadKfpRules(SPECS_DIR).check(read.documents), []);
      }
    });
  }
});
