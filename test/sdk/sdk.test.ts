import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cel, input, output, param, params, ref, task, workflow } from '../../src/sdk/index.js';
import { validateWorkflow } from '../../src/spec/index.js';

void test('output references render as templates in strings and in JSON', () => {
  const prepare = task.process({ name: 'prepare', command: 'node', outputs: { rows: output.integer(), data: output.artifact() } });
  assert.equal(String(prepare.outputs.rows), '{{ tasks.prepare.outputs.rows }}');
  assert.equal(`n=${prepare.outputs.rows}`, 'n={{ tasks.prepare.outputs.rows }}');
  assert.equal(JSON.stringify({ x: prepare.outputs.data }), '{"x":"{{ tasks.prepare.outputs.data }}"}');
  assert.equal(prepare.outputs.rows.expression, 'tasks.prepare.outputs.rows');
  assert.deepEqual(Object.keys(prepare.outputs), ['rows', 'data']);
});

void test('task builders produce plain spec objects with every option', () => {
  const a = task.process({ name: 'a', command: 'x' });
  const b = task.script({
    name: 'b',
    description: 'fan out',
    interpreter: 'bash',
    source: `echo ${ref.item.field('path')} ${ref.task.attempt}`,
    env: { RUN: ref.run.id },
    forEach: ['x', 'y'],
    parallelism: 1,
    retry: { limit: 3, policy: 'always', backoff: { duration: '1s', factor: 2 } },
    timeout: 60,
    cache: { enabled: false },
    synchronization: { mutex: 'db' },
    dependsOn: [a, 'a'],
    when: ref.expr('true'),
  });
  assert.deepStrictEqual(b.spec, {
    name: 'b',
    description: 'fan out',
    script: { interpreter: 'bash', source: 'echo {{ item.path }} {{ task.attempt }}', env: { RUN: '{{ run.id }}' } },
    forEach: ['x', 'y'],
    parallelism: 1,
    retry: { limit: 3, policy: 'always', backoff: { duration: '1s', factor: 2 } },
    timeout: 60,
    cache: { enabled: false },
    synchronization: { mutex: 'db' },
    dependsOn: ['a', 'a'],
    when: 'true',
  });
  assert.deepStrictEqual(JSON.parse(JSON.stringify(a)), { name: 'a', process: { command: 'x' } });
});

void test('params() gives typed references and the declarations for workflow()', () => {
  const p = params({ n: param.integer({ default: 3, description: 'count' }), mode: param.string({ enum: ['a', 'b'] }) });
  assert.equal(`${p.n}`, '{{ params.n }}');
  assert.equal(cel`${p.n} > 2 && ${p.mode} == ${'a'}`, 'params.n > 2 && params.mode == "a"');
  const wf = workflow({
    name: 'wf',
    params: p,
    tasks: [task.node({ name: 'go', module: './go.ts', inputs: { n: p.n, both: [p.n, { m: p.mode }], typed: input(p.n, { type: 'integer' }) } })],
  });
  assert.deepStrictEqual(wf, {
    name: 'wf',
    params: { n: { type: 'integer', default: 3, description: 'count' }, mode: { type: 'string', enum: ['a', 'b'] } },
    tasks: [
      {
        name: 'go',
        node: { module: './go.ts' },
        inputs: { n: '{{ params.n }}', both: ['{{ params.n }}', { m: '{{ params.mode }}' }], typed: { value: '{{ params.n }}', type: 'integer' } },
      },
    ],
  });
  assert.equal(validateWorkflow(wf), wf);
});

void test('workflow() returns JSON data equal to its own round trip, with finally and outputs', () => {
  const train = task.node({ name: 'train', module: './t.ts', export: 'train', outputs: { acc: output.number() } });
  const notify = task.process({ name: 'notify', command: 'echo', args: [`${ref.run.status}`, `${ref.run.failures}`] });
  const wf = workflow({
    name: 'wf',
    type: 'ml-training',
    tasks: [train],
    finally: [notify],
    outputs: { acc: train.outputs.acc },
    defaults: { retry: { limit: 1 } },
    parallelism: 4,
  });
  assert.deepStrictEqual(JSON.parse(JSON.stringify(wf)), wf);
  assert.equal(wf.outputs?.acc, '{{ tasks.train.outputs.acc }}');
  assert.deepStrictEqual(wf.finally?.[0]?.process?.args, ['{{ run.status }}', '{{ run.failures }}']);
  validateWorkflow(wf);
});

void test('ref helpers cover every run-time variable', () => {
  assert.equal(`${ref.param('n')}`, '{{ params.n }}');
  assert.equal(`${ref.output('p', 'rows')}`, '{{ tasks.p.outputs.rows }}');
  assert.equal(`${ref.input('x')}`, '{{ inputs.x }}');
  assert.equal(`${ref.item}`, '{{ item }}');
  assert.equal(`${ref.run.name}`, '{{ run.name }}');
  assert.equal(`${ref.task.name}`, '{{ task.name }}');
});
