// Structural validation: ajv errors turned into readable issues with JSON pointers and line:column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpecValidationError } from '../../src/errors.js';
import { validateWorkflow } from '../../src/spec/index.js';
import { assertIssue, withTasks, yamlIssues } from './helpers.js';

void test('an unknown field names the allowed fields and the likely intended one', () => {
  const issues = yamlIssues(withTasks('  - name: a\n    process: { comand: node }\n'));
  assertIssue(issues, {
    path: '/tasks/0/process/comand',
    message: /^unknown field "comand" \(did you mean "command"\?\)$/,
    expected: /one of command, args, env, inheritEnv, cwd, shell/,
    line: 4,
    column: 16,
  });
  assertIssue(issues, { path: '/tasks/0/process/command', message: /missing required field "command"/, line: 4 });
});

void test('a wrong type says what was expected and what was found', () => {
  const issues = yamlIssues(withTasks('  - name: a\n    process: { command: x }\n    parallelism: many\n'));
  assertIssue(issues, { path: '/tasks/0/parallelism', message: /wrong type/, expected: /an integer/, found: /string "many"/, line: 5, column: 5 });
});

void test('a value outside a set of literals lists them and suggests the closest', () => {
  const issues = yamlIssues(withTasks('  - name: a\n    process: { command: x }\n', 'params:\n  n: { type: integr }\n'));
  assertIssue(issues, {
    path: '/params/n/type',
    message: /invalid value "integr" \(did you mean "integer"\?\)/,
    expected: /one of string, number, integer, boolean, json/,
    line: 3,
    column: 8,
  });
});

void test('a union reports the branch the value was meant for', () => {
  const tasks = [
    '  - name: a',
    '    process: { command: x }',
    '    forEach: { start: 1, cnt: 3 }',
    '    timeout: 5 minutes',
    '    synchronization: { semaphore: { name: gpu, limit: 0 } }',
    '    retry: { limit: 1, backoff: { duration: -1 } }',
    '',
  ].join('\n');
  const issues = yamlIssues(withTasks(tasks));
  assertIssue(issues, { path: '/tasks/0/forEach/cnt', message: /unknown field "cnt" \(did you mean "count"\?\)/, line: 5, column: 26 });
  assertIssue(issues, { path: '/tasks/0/timeout', message: /invalid value/, expected: /a duration such as "30s"/, found: /"5 minutes"/, line: 6 });
  assertIssue(issues, { path: '/tasks/0/synchronization/semaphore/limit', message: /out of range/, expected: />= 1/, line: 7 });
  assertIssue(issues, { path: '/tasks/0/retry/backoff/duration', message: /out of range/, expected: />= 0/, line: 8 });
  assert.equal(issues.length, 4, JSON.stringify(issues, null, 2));
});

void test('a value of no branch type lists every branch', () => {
  const issues = yamlIssues(withTasks('  - name: a\n    process: { command: x }\n    forEach: 7\n'));
  assertIssue(issues, { path: '/tasks/0/forEach', message: /wrong type/, expected: /a list, a string or an object with start, end, count or step/, found: /integer 7/ });
});

void test('names must be identifiers, workflow names Kubernetes names', () => {
  const issues = yamlIssues('name: My_Workflow\ntasks:\n  - name: 2fast\n    process: { command: x }\n    inputs: { bad-name: 1 }\n');
  assertIssue(issues, { path: '/name', message: /invalid value/, expected: /lowercase name/, line: 1, column: 1 });
  assertIssue(issues, { path: '/tasks/0/name', message: /invalid value/, expected: /CEL identifier/, line: 3 });
  assertIssue(issues, { path: '/tasks/0/inputs/bad-name', message: /invalid name "bad-name"/, expected: /CEL identifier/, line: 5, column: 15 });
});

void test('a missing required field points at its parent when it has no position of its own', () => {
  const issues = yamlIssues('name: wf\n');
  assertIssue(issues, { path: '/tasks', message: /missing required field "tasks"/, line: 1, column: 1 });
  assertIssue(yamlIssues('name: wf\ntasks: []\n'), { path: '/tasks', message: /too few items/, expected: /at least 1 item$/ });
});

void test('a document that is not an object is one wrong-type issue', () => {
  assertIssue(yamlIssues('- just\n- a list\n'), { path: '', message: /wrong type/, expected: /an object/, found: /a list/ });
  assertIssue(yamlIssues(''), { path: '', message: /wrong type/, found: /null/ });
});

void test('every issue is reported at once, in document order', () => {
  const text = 'name: wf\nparallelism: 0\ntasks:\n  - name: a\n    process: { command: x, shell: yes }\n    when: 3\n';
  const issues = yamlIssues(text);
  assert.deepEqual(
    issues.map((i) => [i.path, i.line]),
    [
      ['/parallelism', 2],
      ['/tasks/0/process/shell', 5],
      ['/tasks/0/when', 6],
    ],
  );
});

void test('validateWorkflow works on plain data without positions', () => {
  assert.throws(
    () => validateWorkflow({ name: 'wf', tasks: [{ name: 'a', process: { command: 'x' }, colour: 'red' }] }, { file: 'api' }),
    (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assert.deepEqual(error.issues, [
        {
          file: 'api',
          path: '/tasks/0/colour',
          message: 'unknown field "colour"',
          expected: 'one of name, description, process, script, node, workflow, inputs, outputs, dependsOn, when, forEach, parallelism, retry, timeout, cache, synchronization, image, resources, lane',
        },
      ]);
      return true;
    },
  );
  const spec = { name: 'wf', tasks: [{ name: 'a', process: { command: 'x' } }] };
  assert.equal(validateWorkflow(spec), spec);
});

void test('inheritEnv names variables, never a TANDEM_ one (tandem never hands its own settings or secrets to a task)', () => {
  const issues = yamlIssues(withTasks('  - name: a\n    process: { command: env, inheritEnv: [AWS_PROFILE, TANDEM_API_TOKEN, "not a name"] }\n'));
  assertIssue(issues, { path: '/tasks/0/process/inheritEnv/1', message: /invalid value/, expected: /does not start with TANDEM_/, found: /"TANDEM_API_TOKEN"/, line: 4 });
  assertIssue(issues, { path: '/tasks/0/process/inheritEnv/2', message: /invalid value/, expected: /an environment variable name/, found: /"not a name"/ });
  assert.equal(issues.length, 2, JSON.stringify(issues, null, 2));
  assert.deepEqual(yamlIssues(withTasks('  - name: a\n    script: { source: env, inheritEnv: [AWS_PROFILE, LC_ALL] }\n')), []);
  assert.equal(yamlIssues(withTasks('  - name: a\n    node: { module: m.mjs, inheritEnv: [A, A] }\n')).length, 1, 'a name given twice');
});
