// Validation at scale: a 10,000-task chain validates, and a problem deep inside it is found with its
// path. How long it takes is measured by bench/compile.ts beside compiling, not asserted here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workflowIssues, type TaskSpec, type WorkflowSpec } from '../../src/spec/index.js';

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

void test('a 10,000-task workflow validates, and a problem at its end is reported with its path', () => {
  assert.deepEqual(workflowIssues(bigWorkflow(10_000)), []);
  const broken = bigWorkflow(10_000);
  broken.tasks[9_999]!.dependsOn = ['t12345'];
  const issues = workflowIssues(broken);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.path, '/tasks/9999/dependsOn/0');
  assert.match(issues[0]?.message ?? '', /unknown task "t12345"/);
});
