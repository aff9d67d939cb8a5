// Shared helpers for spec tests: collect the issues a document produces and assert one of them.
import assert from 'node:assert/strict';
import { SpecValidationError, type SpecIssue } from '../../src/errors.js';
import { loadWorkflowText } from '../../src/spec/index.js';

/** The issues loading a YAML text produces (empty when it is valid). */
export function yamlIssues(text: string): SpecIssue[] {
  try {
    loadWorkflowText(text, { file: 'wf.yaml', format: 'yaml' });
    return [];
  } catch (error) {
    if (error instanceof SpecValidationError) return error.issues;
    throw error;
  }
}

export interface ExpectedIssue {
  path: string;
  message: RegExp;
  line?: number;
  column?: number;
  expected?: RegExp;
  found?: RegExp;
}

/** Asserts that exactly one issue has the path and message, and checks its other fields. */
export function assertIssue(issues: SpecIssue[], expected: ExpectedIssue): SpecIssue {
  const matching = issues.filter((i) => i.path === expected.path && expected.message.test(i.message));
  assert.equal(matching.length, 1, `expected one issue at ${expected.path} matching ${expected.message}, got:\n${JSON.stringify(issues, null, 2)}`);
  const issue = matching[0]!;
  if (expected.line !== undefined) assert.equal(issue.line, expected.line, `line of ${issue.message}`);
  if (expected.column !== undefined) assert.equal(issue.column, expected.column, `column of ${issue.message}`);
  if (expected.expected) assert.match(issue.expected ?? '', expected.expected);
  if (expected.found) assert.match(issue.found ?? '', expected.found);
  return issue;
}

/** A minimal valid workflow in YAML, with the given task list text appended under `tasks:`. */
export function withTasks(tasks: string, extra = ''): string {
  return `name: wf\n${extra}tasks:\n${tasks}`;
}
