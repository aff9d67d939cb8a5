// Semantic validation: one test per class of error, asserting message, JSON pointer and line:column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertIssue, yamlIssues } from './helpers.js';

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

void test('the demo-style workflow is valid', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'params: { n: { type: integer, default: 2 } }',
      'tasks:',
      '  - name: a',
      '    process: { command: x, args: ["{{ params.n }}", "{{ run.id }}", "{{ task.attempt }}"] }',
      '    outputs: { rows: { type: integer, stdout: true } }',
      '  - name: b',
      '    forEach: "{{ tasks.a.outputs.rows }}"',
      '    inputs: { n: "{{ item }}" }',
      '    script: { source: "echo {{ inputs.n }} {{ item.x }} {{ [1, 2].map(v, v * 2) }}" }',
      'finally:',
      '  - name: c',
      '    process: { command: x, args: ["{{ run.status }}", "{{ run.failures }}", "{{ tasks.b.outputs }}"] }',
    ),
  );
  assert.deepEqual(issues, []);
});

void test('a task needs exactly one runner', () => {
  const issues = yamlIssues(
    yaml('name: wf', 'tasks:', '  - name: none', '  - name: two', '    process: { command: x }', '    node: { module: m.js }'),
  );
  assertIssue(issues, { path: '/tasks/0', message: /task "none" has no runner/, expected: /exactly one of process, script, node or workflow/, line: 3, column: 5 });
  assertIssue(issues, { path: '/tasks/1/node', message: /task "two" has more than one runner/, found: /process and node/, line: 6, column: 5 });
});

void test('task names are unique across tasks and finally', () => {
  const issues = yamlIssues(
    yaml('name: wf', 'tasks:', '  - name: a', '    process: { command: x }', 'finally:', '  - name: a', '    process: { command: y }'),
  );
  assertIssue(issues, { path: '/finally/0/name', message: /duplicate task name "a", already used at \/tasks\/0/, line: 6, column: 5 });
});

void test('dependsOn must name a known task, not itself, and not a finally task from a main task', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: prepare',
      '    process: { command: x }',
      '  - name: train',
      '    process: { command: x }',
      '    dependsOn: [prepar, train, cleanup]',
      'finally:',
      '  - name: cleanup',
      '    process: { command: x }',
    ),
  );
  assertIssue(issues, { path: '/tasks/1/dependsOn/0', message: /^unknown task "prepar" \(did you mean "prepare"\?\)$/, line: 7, column: 17 });
  assertIssue(issues, { path: '/tasks/1/dependsOn/1', message: /task "train" depends on itself/, line: 7, column: 25 });
  assertIssue(issues, { path: '/tasks/1/dependsOn/2', message: /cannot depend on finally task "cleanup"/, line: 7, column: 32 });
});

void test('a dependency cycle is named, whether declared or implied by references', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    process: { command: x }',
      '    dependsOn: [c]',
      '  - name: b',
      '    process: { command: x, args: ["{{ tasks.a.outputs.o }}"] }',
      '    outputs: { o: {} }',
      '  - name: c',
      '    process: { command: x }',
      '    when: tasks.b.outputs.o == "go"',
      '    outputs: { o: {} }',
    ).replace('  - name: a\n    process: { command: x }\n', '  - name: a\n    process: { command: x }\n    outputs: { o: {} }\n'),
  );
  assertIssue(issues, { path: '/tasks/0', message: /^dependency cycle: a -> c -> b -> a$/, line: 3, column: 5 });
  assert.equal(issues.length, 1);
});

void test('references to unknown params, tasks and outputs are reported at the string holding them', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'params: { count: { type: integer } }',
      'tasks:',
      '  - name: prepare',
      '    process: { command: x }',
      '    outputs: { rows: {} }',
      '  - name: use',
      '    process:',
      '      command: x',
      '      args: ["{{ params.cuont }}", "{{ tasks.prep.outputs.rows }}", "{{ tasks.prepare.outputs.nope }}", "{{ tasks.prepare.status }}"]',
      '    env: {}',
    ).replace('    env: {}\n', ''),
  );
  assertIssue(issues, { path: '/tasks/1/process/args/0', message: /^unknown param "cuont" \(did you mean "count"\?\)$/, expected: /one of count/, line: 10, column: 14 });
  assertIssue(issues, { path: '/tasks/1/process/args/1', message: /^unknown task "prep" \(did you mean "prepare"\?\)$/, line: 10, column: 36 });
  assertIssue(issues, { path: '/tasks/1/process/args/2', message: /^task "prepare" has no output "nope"$/, expected: /one of rows/, line: 10, column: 69 });
  assertIssue(issues, { path: '/tasks/1/process/args/3', message: /unknown field "status" of task "prepare"/, expected: /tasks\.prepare\.outputs\.<output>/ });
});

void test('item only in a task with forEach (and not in forEach itself)', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    script: { source: "echo {{ item }}" }',
      '  - name: b',
      '    forEach: "{{ item.list }}"',
      '    script: { source: "echo {{ item }}" }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/script/source', message: /"item" is only defined in a task with forEach, and task "a" has none/, line: 4, column: 15 });
  assertIssue(issues, { path: '/tasks/1/forEach', message: /"item" cannot be used in forEach itself/, line: 6, column: 5 });
  assert.equal(issues.length, 2);
});

void test('run.status and run.failures only in finally tasks; unknown run and task fields', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    process: { command: x, args: ["{{ run.status }}", "{{ run.failures }}", "{{ run.owner }}", "{{ task.retries }}"] }',
      'finally:',
      '  - name: f',
      '    process: { command: x, args: ["{{ run.status }}"] }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/process/args/0', message: /"run\.status" is only defined in finally tasks/, line: 4, column: 35 });
  assertIssue(issues, { path: '/tasks/0/process/args/1', message: /"run\.failures" is only defined in finally tasks/ });
  assertIssue(issues, { path: '/tasks/0/process/args/2', message: /unknown run field "owner"/ });
  assertIssue(issues, { path: '/tasks/0/process/args/3', message: /unknown task field "retries"/ });
  assert.equal(issues.length, 4);
});

void test('inputs.x must be declared, and only in runner fields', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    inputs: { rows: 3, copy: "{{ inputs.rows }}" }',
      '    when: inputs.rows > 1',
      '    process: { command: x, args: ["{{ inputs.rowz }}", "{{ inputs.rows }}"] }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/inputs/copy', message: /"inputs\.rows" is only available in the runner fields/, line: 4, column: 24 });
  assertIssue(issues, { path: '/tasks/0/when', message: /"inputs\.rows" is only available in the runner fields .* not in when/, line: 5, column: 5 });
  assertIssue(issues, { path: '/tasks/0/process/args/0', message: /^unknown input "rowz" \(did you mean "rows"\?\)$/, expected: /one of rows, copy/ });
  assert.equal(issues.length, 3);
});

void test('a main task may not refer to a finally task', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    process: { command: x, args: ["{{ tasks.report.outputs.url }}"] }',
      'finally:',
      '  - name: report',
      '    process: { command: x }',
      '    outputs: { url: {} }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/process/args/0', message: /main task "a" cannot refer to finally task "report"/, line: 4, column: 35 });
});

void test('bad CEL in when, bad CEL in a placeholder, and an unclosed {{ are issues at their exact path', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    when: params.n >',
      '    process: { command: x, args: ["ok", "{{ 1 + }}", "{{ params.n"] }',
      '  - name: b',
      '    when: "{{ params.n }} > 1"',
      '    script: { source: "echo" }',
      '    inputs: { x: ["{{ ) }}"] }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/when', message: /^invalid condition: in expression "params\.n >"/, line: 4, column: 5 });
  assertIssue(issues, { path: '/tasks/0/process/args/1', message: /^invalid expression in "\{\{ 1 \+ \}\}"/, line: 5, column: 41 });
  assertIssue(issues, { path: '/tasks/0/process/args/2', message: /^invalid template: .*is never closed/, line: 5, column: 54 });
  assertIssue(issues, { path: '/tasks/1/when', message: /"when" is a CEL expression: write params\.x, not \{\{ params\.x \}\}/, line: 7 });
  assertIssue(issues, { path: '/tasks/1/inputs/x/0', message: /^invalid expression/, line: 9, column: 19 });
});

void test('param defaults and enums must match the declared type', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'params:',
      '  n: { type: integer, default: "3" }',
      '  mode: { type: string, enum: [fast, 2] }',
      '  level: { type: number, enum: [1, 2], default: 3 }',
      'tasks:',
      '  - name: a',
      '    process: { command: x }',
    ),
  );
  assertIssue(issues, { path: '/params/n/default', message: /default of param "n" does not match its type/, expected: /^integer$/, found: /string "3"/, line: 3, column: 23 });
  assertIssue(issues, { path: '/params/mode/enum/1', message: /enum value of param "mode" does not match its type/, found: /integer 2/, line: 4, column: 38 });
  assertIssue(issues, { path: '/params/level/default', message: /default of param "level" is not one of its enum values/, expected: /one of 1, 2/, line: 5 });
});

void test("a consumer's declared input type must accept the producer's output type", () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: p',
      '    process: { command: x }',
      '    outputs: { rows: { type: string }, data: { type: Dataset, path: d.csv }, n: { type: integer }, raw: { stdout: true } }',
      '  - name: c',
      '    process: { command: x }',
      '    inputs:',
      '      rows: { value: "{{ tasks.p.outputs.rows }}", type: integer }',
      '      data: { value: "{{ tasks.p.outputs.data }}", type: json }',
      '      n: { value: "{{ tasks.p.outputs.n }}", type: Dataset }',
      '      ok1: { value: "{{ tasks.p.outputs.n }}", type: number }',
      '      ok2: { value: "{{ tasks.p.outputs.raw }}", type: json }',
      '      ok3: { value: "{{ tasks.p.outputs.data }}", type: artifact, path: in.csv }',
      '      lit: { value: "three", type: integer }',
      '      where: { value: 1, type: integer, path: x }',
    ),
  );
  assertIssue(issues, { path: '/tasks/1/inputs/rows/type', message: /input "rows" is declared integer but tasks\.p\.outputs\.rows is string/, expected: /^integer$/, found: /^string$/, line: 9, column: 52 });
  assertIssue(issues, { path: '/tasks/1/inputs/data/type', message: /input "data" is a parameter but tasks\.p\.outputs\.data is an artifact/, line: 10 });
  assertIssue(issues, { path: '/tasks/1/inputs/n/type', message: /input "n" is an artifact but tasks\.p\.outputs\.n is a parameter/, line: 11 });
  assertIssue(issues, { path: '/tasks/1/inputs/lit/value', message: /value of input "lit" does not match its type/, found: /string "three"/, line: 15 });
  assertIssue(issues, { path: '/tasks/1/inputs/where/path', message: /input "where" is not an artifact, so it has no path/, line: 16 });
  assert.equal(issues.length, 5, JSON.stringify(issues, null, 2));
});

void test('a forEach producer gives a list to its consumers', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: p',
      '    forEach: [1, 2]',
      '    process: { command: x }',
      '    outputs: { n: { type: integer } }',
      '  - name: c',
      '    process: { command: x }',
      '    inputs: { n: { value: "{{ tasks.p.outputs.n }}", type: integer }, all: { value: "{{ tasks.p.outputs.n }}", type: json } }',
    ),
  );
  assertIssue(issues, { path: '/tasks/1/inputs/n/type', message: /is a list \(task "p" has forEach\)/, line: 9 });
  assert.equal(issues.length, 1);
});

void test('parallelism needs forEach; a forEach range needs an end or a count', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    process: { command: x }',
      '    parallelism: 2',
      '  - name: b',
      '    process: { command: x }',
      '    forEach: { start: 1 }',
      '  - name: c',
      '    process: { command: x }',
      '    forEach: { end: 3, count: 3, step: 0 }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/parallelism', message: /task "a" has no forEach/, line: 5, column: 5 });
  assertIssue(issues, { path: '/tasks/1/forEach', message: /a forEach range needs an end or a count/, found: /neither/, line: 8, column: 5 });
  assertIssue(issues, { path: '/tasks/2/forEach', message: /an end or a count, not both/, line: 11 });
  assertIssue(issues, { path: '/tasks/2/forEach/step', message: /step of 0/, line: 11, column: 34 });
});

void test('outputs: path or stdout, no stdout on node tasks or artifacts', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    process: { command: x }',
      '    outputs:',
      '      both: { path: o.txt, stdout: true }',
      '      model: { type: Model, stdout: true }',
      '  - name: n',
      '    node: { module: m.js }',
      '    outputs:',
      '      r: { stdout: result }',
      '      ok: { type: integer }',
    ),
  );
  assertIssue(issues, { path: '/tasks/0/outputs/both', message: /output "both" has both path and stdout/, line: 6, column: 7 });
  assertIssue(issues, { path: '/tasks/0/outputs/model/stdout', message: /artifact output "model" cannot come from stdout/, line: 7, column: 29 });
  assertIssue(issues, { path: '/tasks/1/outputs/r/stdout', message: /node task "n" cannot read stdout/, line: 11, column: 12 });
  assert.equal(issues.length, 3);
});

void test('workflow outputs may only refer to known task outputs and params', () => {
  const issues = yamlIssues(
    yaml(
      'name: wf',
      'tasks:',
      '  - name: a',
      '    process: { command: x }',
      '    outputs: { rows: {} }',
      'outputs:',
      '  rows: "{{ tasks.a.outputs.rows }}"',
      '  bad: "{{ tasks.a.outputs.cols }}"',
      '  gone: "{{ tasks.b.outputs.rows }}"',
      '  it: "{{ item }}"',
    ),
  );
  assertIssue(issues, { path: '/outputs/bad', message: /task "a" has no output "cols"/, line: 8, column: 3 });
  assertIssue(issues, { path: '/outputs/gone', message: /unknown task "b"/, line: 9 });
  assertIssue(issues, { path: '/outputs/it', message: /"item" is only defined in a task with forEach, and workflow outputs has none/, line: 10 });
  assert.equal(issues.length, 3);
});

void test('an unknown root variable is named with the known ones', () => {
  const issues = yamlIssues(yaml('name: wf', 'tasks:', '  - name: a', '    process: { command: "{{ param.n }}" }'));
  assertIssue(issues, { path: '/tasks/0/process/command', message: /unknown variable "param" \(did you mean "params"\?\)/, expected: /params, tasks, item, inputs, run or task/, line: 4, column: 16 });
});
