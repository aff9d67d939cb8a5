// Validation scales linearly: a 10,000-task workflow validates well under a second.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateWorkflow, type TaskSpec, type WorkflowSpec } from '../../src/spec/index.js';

function bigWorkflow(size: number): WorkflowSpec {
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < size; i++) {
    const upstream = i > 0 ? `t${i - 1}` : undefined;
    tasks.push({
      name: `t${i}`,
      process: { command: 'node', args: ['step.js', upstream ? `{{ tasks.${upstream}.outputs.n }}` : '{{ params.n }}'] },
      inputs: upstream ? { n: { value: `{{ tasks.${upstream}.outputs.n }}`, type: 'integer' } } : {},
      outputs: { n: { type: 'integer', stdout: true } },
      ...(i % 10 === 0 && upstream ? { dependsOn: [upstream], when: `tasks.${upstream}.outputs.n > ${i}` } : {}),
    });
  }
  return { name: 'big', params: { n: { type: 'integer', default: 1 } }, tasks };
}

void test('10,000 tasks validate in well under a second', () => {
  const spec = bigWorkflow(10_000);
  validateWorkflow(bigWorkflow(50)); // warm up: compile the schema once
  const start = performance.now();
  validateWorkflow(spec);
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 1000, `validation took ${elapsed.toFixed(0)} ms`);
});
