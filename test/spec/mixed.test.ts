// Structural and semantic problems in one document are reported together, in one round.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertIssue, yamlIssues } from './helpers.js';

describe('validation of a document with both kinds of problem', () => {
  it('reports a misspelt field, an unknown dependency and bad CEL at once', () => {
    const issues = yamlIssues(
      ['name: mixed', 'tasks:', '  - name: a', '    process: { comand: /bin/true }', '  - name: b', '    dependsOn: [nope]', '    when: "params.x >"', '    process: { command: /bin/true }', ''].join('\n'),
    );
    assertIssue(issues, { path: '/tasks/0/process/comand', message: /unknown field "comand"/, line: 4 });
    assertIssue(issues, { path: '/tasks/1/dependsOn/0', message: /unknown task "nope"/, line: 6, column: 17 });
    assertIssue(issues, { path: '/tasks/1/when', message: /invalid condition/, line: 7 });
  });

  it('keeps to the structural issues when the task list cannot be walked', () => {
    const issues = yamlIssues(['name: mixed', 'tasks: 5', ''].join('\n'));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, '/tasks');
  });
});
