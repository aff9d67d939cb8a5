// Every feature KFP IR cannot express fails with a CompileError that names the feature and where
// it is used, instead of being dropped from the compiled pipeline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileToKfp } from '../../../src/engines/kfp/compile/index.js';
import { CompileError } from '../../../src/errors.js';
import type { TaskSpec, WorkflowSpec } from '../../../src/spec/schema.js';
import { OPTIONS, workflow } from './helpers.js';

const echo = (name: string, extra: Partial<TaskSpec> = {}): TaskSpec => ({ name, process: { command: 'echo' }, ...extra });

function assertCompileError(spec: WorkflowSpec, feature: string, where: RegExp, options = OPTIONS): void {
  assert.throws(() => compileToKfp(spec, options), (error: unknown) => {
    assert.ok(error instanceof CompileError, `expected a CompileError, got ${String(error)}`);
    assert.equal(error.target, 'kfp');
    assert.equal(error.feature, feature);
    assert.match(error.where, where);
    assert.match(error.message, /cannot compile to kfp/);
    return true;
  });
}

const cases: Array<[string, WorkflowSpec, string, RegExp]> = [
  ['a mutex', workflow([echo('a', { synchronization: { mutex: 'db' } })]), 'synchronization', /task a/],
  ['a semaphore', workflow([echo('a', { synchronization: { semaphore: { name: 's', limit: 2 } } })]), 'synchronization', /task a/],
  ['workflow parallelism', workflow([echo('a')], { parallelism: 2 }), 'parallelism', /^workflow wf$/],
  ['failFast: false', workflow([echo('a')], { failFast: false }), 'failFast: false', /^workflow wf$/],
  ['a stdout output of a node task', workflow([{ name: 'n', node: { module: 'n.js' }, outputs: { v: { stdout: true } } }]), 'stdout output of a node task', /task n/],
  ['a stdout capture step clashing with a task', workflow([echo('a', { outputs: { v: { stdout: true } } }), echo('a_stdout')]), 'task name', /task a_stdout/],
  ['a child workflow', workflow([{ name: 'c', workflow: { file: 'x.yaml' } }]), 'workflow runner', /task c/],
  ['the on-error retry policy', workflow([echo('a', { retry: { limit: 1, policy: 'on-error' } })]), 'retry policy on-error', /task a/],
  ['the always retry policy (the backend retries only failed containers)', workflow([echo('a', { retry: { limit: 2, policy: 'always' } })]), 'retry policy always', /task a/],
  ['a maxDuration that caps a retry delay', workflow([echo('a', { retry: { limit: 4, backoff: { duration: '10s', factor: 2, maxDuration: '30s' } } })]), 'retry maxDuration', /task a/],
  ['a sub-second retry delay', workflow([echo('a', { retry: { limit: 1, backoff: { duration: '200ms' } } })]), 'retry backoff below whole seconds', /task a/],
  ['run.status inside text', workflow([echo('a')], { finally: [echo('f', { process: { command: 'echo', args: ['run {{ run.status }}'] } })] }), 'run.status', /task f/],
  ['run.status outside finally', workflow([echo('a', { inputs: { s: '{{ run.status }}' } })]), 'run.status', /task a/],
  [
    'a forEach over a loop\'s artifacts that also waits for a task after that loop',
    workflow([
      echo('fit', { forEach: [1, 2], outputs: { m: { type: 'Model' } } }),
      echo('sum', { dependsOn: ['fit'] }),
      echo('score', { forEach: '{{ tasks.fit.outputs.m }}', dependsOn: ['sum'] }),
    ]),
    "forEach over a loop's artifacts",
    /task score/,
  ],
  ['a field of an artifact item', workflow([echo('fit', { forEach: [1], outputs: { m: { type: 'Model' } } }), echo('s', { forEach: '{{ tasks.fit.outputs.m }}', inputs: { x: '{{ item.k }}' } })]), 'item field of an artifact', /task s/],
  ['a cache maxAge', workflow([echo('a', { cache: { maxAge: '1h' } })]), 'cache maxAge', /task a/],
  ['a templated cache key', workflow([echo('a', { cache: { key: ['{{ params.p }}'] } })], { params: { p: { type: 'string', default: '' } } }), 'templated cache key', /task a/],
  ['a computed input', workflow([echo('a', { inputs: { x: '{{ params.n + 1 }}' } })], { params: { n: { type: 'integer', default: 1 } } }), 'computed expression', /task a/],
  ['run.failures', workflow([echo('a')], { finally: [echo('f', { inputs: { x: '{{ run.failures }}' } })] }), 'run.failures', /task f/],
  ['task.attempt', workflow([echo('a', { process: { command: 'echo', args: ['{{ task.attempt }}'] } })]), 'task.attempt', /task a/],
  [
    'a finally task reading a main output',
    workflow([echo('a', { outputs: { v: {} } })], { finally: [echo('f', { inputs: { v: '{{ tasks.a.outputs.v }}' } })] }),
    'finally task reading a main task output',
    /task f/,
  ],
  ['a json param without a default', workflow([echo('a')], { params: { j: { type: 'json' } } }), 'json param without a list or object default', /param j/],
  ['a macro in a condition', workflow([echo('a', { when: 'params.l.all(x, x > 1)' })], { params: { l: { type: 'json', default: [1] } } }), 'condition', /task a/],
  ['a condition on an artifact', workflow([echo('p', { outputs: { d: { type: 'Dataset' } } }), echo('a', { when: 'tasks.p.outputs.d == "x"' })]), 'condition on an artifact', /task a/],
  ['a computed workflow output', workflow([echo('a', { outputs: { v: {} } })], { outputs: { o: 'v={{ tasks.a.outputs.v }}' } }), 'workflow output', /^workflow wf$/],
  ['task names that clash in kebab case', workflow([echo('a_b'), echo('A_b')]), 'task name', /task A_b/],
  ['a structured input holding templates', workflow([echo('a', { inputs: { x: ['{{ params.p }}'] } })], { params: { p: { type: 'string', default: '' } } }), 'template inside a structured input', /task a/],
  ['an artifact list in a string', workflow([echo('p', { forEach: [1], outputs: { d: { type: 'Model' } } }), echo('a', { process: { command: 'x', args: ['{{ tasks.p.outputs.d }}'] } })]), 'list of artifacts in a string', /task a/],
];

void describe('compileToKfp: what KFP cannot express', () => {
  for (const [label, spec, feature, where] of cases) {
    void it(`rejects ${label}`, () => assertCompileError(spec, feature, where));
  }

  void it('rejects a task without any image to run in', () => {
    assertCompileError(workflow([echo('a')]), 'image', /task a/, {});
  });

  void it('accepts cache settings on a task whose cache is disabled', () => {
    const ir = compileToKfp(workflow([echo('a', { cache: { enabled: false, maxAge: '1h' } })]), OPTIONS);
    assert.ok(ir.root);
  });
});
