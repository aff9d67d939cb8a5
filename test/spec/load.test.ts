import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SpecLoadError, SpecValidationError } from '../../src/errors.js';
import { loadWorkflowFile, loadWorkflowText } from '../../src/spec/index.js';
import { assertIssue } from './helpers.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spec');

async function loadError(file: string): Promise<unknown> {
  try {
    await loadWorkflowFile(file);
  } catch (error) {
    return error;
  }
  assert.fail(`${file} loaded without error`);
}

void test('YAML, JSON and TypeScript definitions of one workflow load to the same spec', async () => {
  const yaml = await loadWorkflowFile(join(fixtures, 'demo.yaml'));
  const json = await loadWorkflowFile(join(fixtures, 'demo.json'));
  const ts = await loadWorkflowFile(join(fixtures, 'demo.ts'));
  assert.deepStrictEqual(json.spec, yaml.spec);
  assert.deepStrictEqual(ts.spec, yaml.spec);
  assert.equal(yaml.baseDir, fixtures);
  assert.equal(ts.baseDir, fixtures);
  assert.equal(yaml.spec.tasks[2]?.when, 'params.mode == "full" || params.n > 2');
});

void test('a JS module may export a plain object named workflow', async () => {
  const loaded = await loadWorkflowFile(join(fixtures, 'plain.mjs'));
  assert.equal(loaded.spec.name, 'plain');
  assert.deepStrictEqual(loaded.spec.tasks[0]?.process, { command: 'echo', args: ['hello'] });
});

void test('a missing file is a SpecLoadError naming the file', async () => {
  const file = join(fixtures, 'nope.yaml');
  const error = await loadError(file);
  assert.ok(error instanceof SpecLoadError);
  assert.equal(error.file, file);
  assert.match(error.message, /nope\.yaml: no such file/);
  assert.ok((await loadError(join(fixtures, 'nope.ts'))) instanceof SpecLoadError);
});

void test('an unsupported extension is a SpecLoadError', async () => {
  const error = await loadError(join(fixtures, 'demo.toml'));
  assert.ok(error instanceof SpecLoadError);
  assert.match(error.message, /unsupported file type "\.toml"/);
});

void test('a module without a workflow export, or one that throws, is a SpecLoadError', async () => {
  const none = await loadError(join(fixtures, 'no-export.ts'));
  assert.ok(none instanceof SpecLoadError);
  assert.match(none.message, /default export or as "workflow"/);
  const throws = await loadError(join(fixtures, 'throws.ts'));
  assert.ok(throws instanceof SpecLoadError);
  assert.match(throws.message, /cannot import: boom while building the workflow/);
});

void test('a module workflow is validated like a YAML one', async () => {
  const error = await loadError(join(fixtures, 'invalid.ts'));
  assert.ok(error instanceof SpecValidationError);
  assertIssue(error.issues, { path: '/tasks/0/dependsOn/0', message: /unknown task "ghost"/ });
  assert.match(error.issues[0]?.file ?? '', /invalid\.ts$/);
});

void test('a YAML syntax error is an issue with line:column, not a stack trace', () => {
  const text = 'name: wf\ntasks:\n  - name: a\n    process: { command: x\n';
  assert.throws(
    () => loadWorkflowText(text, { file: 'bad.yaml', format: 'yaml' }),
    (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      const issue = error.issues[0]!;
      assert.match(issue.message, /^YAML syntax error: /);
      assert.equal(issue.file, 'bad.yaml');
      assert.equal(typeof issue.line, 'number');
      assert.match(error.message, /bad\.yaml:\d+:\d+ \/: YAML syntax error/);
      return true;
    },
  );
});

void test('a duplicate YAML key is an issue at the key with its path', () => {
  const text = 'name: wf\ntasks:\n  - name: a\n    process: { command: x }\n    process: { command: y }\n';
  assert.throws(
    () => loadWorkflowText(text, { file: 'dup.yaml', format: 'yaml' }),
    (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assertIssue(error.issues, { path: '/tasks/0/process', message: /duplicate key/, line: 5, column: 5 });
      return true;
    },
  );
});

void test('a JSON syntax error reports line:column', () => {
  const text = '{\n  "name": "wf",\n  "tasks": [ { "name": "a", } ]\n}';
  assert.throws(
    () => loadWorkflowText(text, { file: 'bad.json', format: 'json' }),
    (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assertIssue(error.issues, { path: '', message: /JSON syntax error: expected a property name/, line: 3, column: 29 });
      return true;
    },
  );
});

void test('a duplicate JSON key is reported, not silently overwritten', () => {
  const text = '{"name": "wf", "name": "other", "tasks": []}';
  assert.throws(
    () => loadWorkflowText(text, { format: 'json' }),
    (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assertIssue(error.issues, { path: '/name', message: /duplicate key/, line: 1, column: 16 });
      return true;
    },
  );
});

void test('JSON validation issues carry line:column too', () => {
  const text = '{\n  "name": "wf",\n  "tasks": [\n    { "name": "a", "proces": { "command": "x" } }\n  ]\n}';
  assert.throws(
    () => loadWorkflowText(text, { file: 'w.json', format: 'json' }),
    (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assertIssue(error.issues, { path: '/tasks/0/proces', message: /unknown field "proces" \(did you mean "process"\?\)/, line: 4, column: 20 });
      return true;
    },
  );
});

void test('loadWorkflowText without a file names <input> and resolves against the working directory', () => {
  const loaded = loadWorkflowText('name: wf\ntasks: [{ name: a, process: { command: x } }]\n', { format: 'yaml' });
  assert.equal(loaded.file, '<input>');
  assert.equal(loaded.baseDir, process.cwd());
});
