// Type-level tests: `npm run typecheck` fails if an @ts-expect-error line stops being an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { output, param, params, task, type OutputRef } from '../../src/sdk/index.js';

void test('outputs are typed from the declared outputs', () => {
  const prepare = task.process({ name: 'prepare', command: 'node', outputs: { rows: output.integer(), data: output.dataset() } });
  const rows: OutputRef<'integer'> = prepare.outputs.rows;
  const data: OutputRef<'Dataset'> = prepare.outputs.data;
  // @ts-expect-error an undeclared output does not compile
  const missing = prepare.outputs.missing;
  const bare = task.process({ name: 'bare', command: 'true' });
  // @ts-expect-error a task without outputs has none to refer to
  const none = bare.outputs.anything;
  // @ts-expect-error an integer output is not a Dataset
  const wrong: OutputRef<'Dataset'> = prepare.outputs.rows;
  assert.equal(String(rows), '{{ tasks.prepare.outputs.rows }}');
  assert.equal(String(data), '{{ tasks.prepare.outputs.data }}');
  assert.equal(missing, undefined);
  assert.equal(none, undefined);
  assert.ok(wrong);
});

void test('params are typed from their declarations', () => {
  const p = params({ n: param.integer({ default: 3 }) });
  // @ts-expect-error an undeclared param does not compile
  const missing = p.m;
  // @ts-expect-error an integer param takes a number default
  param.integer({ default: 'three' });
  // @ts-expect-error a task needs a command
  task.process({ name: 'x' });
  assert.equal(missing, undefined);
  assert.equal(String(p.n), '{{ params.n }}');
});
