// A new user's tandem.yaml with mistakes in several sections: every command that reads it as a
// project (serve, validate, compile) reports every problem in one list — the settings' shape, a
// variable and a flag, the routing rules' CEL, mlflow, a workflow file that does not exist, a
// sensor naming an unknown event source, an inline token — each with file, line:column, JSON path,
// what was expected and what was found; exit status 2 and no stack trace, through the built CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const BIN = resolve(import.meta.dirname, '../../bin/tandem.js');
const dir = mkdtempSync(join(tmpdir(), 'tandem-config-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, 'wf'));
writeFileSync(join(dir, 'wf', 'hello.yaml'), 'name: hello\ntasks:\n  - name: say\n    process: { command: echo, args: [hi] }\n');
// Not named tandem.yaml: --config makes it the project file.
const FILE = join(dir, 'staging.yaml');
writeFileSync(
  FILE,
  `engine:
  concurrency: lots
routing:
  rules:
    - name: gpu
      when: "workflow.name == "
      lane: kubeflow
workflows:
  - wf/hello.yaml
  - wf/missing.yaml
eventSources:
  - name: hooks
    webhook: {}
sensors:
  - name: on-push
    dependencies: [{ name: push, eventSource: hookz }]
    triggers: [{ name: run, workflow: hello }]
server:
  tokens:
    - name: ci
      token: "abc"
      namespaces: ["*"]
mlflow:
  trackingUri: ftp://mlflow
`,
);

/** The problems as printed, each after the file name and line:column or the variable's name. */
const EXPECTED = [
  `${FILE}:2:16 /engine/concurrency: expected a positive integer, found "lots"`,
  `${FILE}:6:13 /routing/rules/0/when: expected a CEL condition over workflow, features, evidence (features: `,
  `${FILE}:10:5 /workflows/1: ${join(dir, 'wf', 'missing.yaml')}: no such file`,
  `${FILE}:16:34 /sensors/0/dependencies/0/eventSource: unknown event source "hookz" (expected one of hooks)`,
  `${FILE}:21:7 /server/tokens/0/token: wrong type (expected a SecretRef: { env: NAME } (an environment variable holding the secret) or { file: PATH } (a file holding it), never the secret itself, found a string)`,
  `${FILE}:24:16 /mlflow/trackingUri: expected an http(s) URL of a tracking server, found ftp: (tandem talks to MLflow over its REST API only)`,
  'TANDEM_SPAWNER: expected auto, perl or node, found "bash"',
];

function tandem(...args: string[]) {
  return tandemWith({ TANDEM_SPAWNER: 'bash' }, FILE, ...args);
}

function tandemWith(vars: NodeJS.ProcessEnv, config: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_HOME: join(dir, 'home'), NO_COLOR: '1', ...vars };
  delete env.TANDEM_DEBUG;
  delete env.TANDEM_CONFIG;
  return spawnSync(process.execPath, [BIN, '--config', config, ...args], { cwd: dir, encoding: 'utf8', env });
}

/** The lines of a report that name a problem, in the order printed. */
function problems(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(FILE) || line.startsWith('staging.yaml:') || /^[A-Z_]+: |^--[a-z-]+: /.test(line));
}

function assertAll(found: string[], expected: readonly string[]): void {
  assert.equal(found.length, expected.length, found.join('\n'));
  expected.forEach((start, i) => assert.ok(found[i]?.startsWith(start), `problem ${i + 1}:\n  ${found[i]}\nshould start with\n  ${start}`));
}

void describe('a tandem.yaml with mistakes in every section', () => {
  void it('tandem serve reports them all at once, with serve’s own flag, and exits 2 without a stack trace', () => {
    const result = tandem('serve', '--port', 'eighty');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^error: 8 problems:\n/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assertAll(problems(result.stderr), [...EXPECTED, '--port: expected a port number 0-65535, found "eighty"']);
    // The inline token is never printed.
    assert.doesNotMatch(result.stderr, /abc/);
  });

  void it('tandem validate checks the project file whole: the same problems', () => {
    const result = tandem('validate', FILE);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stdout, /^✗ .*staging\.yaml: 7 problems\n/);
    assert.equal(result.stderr, '');
    assertAll(problems(result.stdout), EXPECTED);
  });

  void it('tandem compile of the configuration file reads it once: the settings’ problems come with the project’s', () => {
    const result = tandem('compile', FILE, '--target', 'argo');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^error: invalid configuration:\n/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assertAll(problems(result.stderr), EXPECTED);
  });

  void it('with sound settings, tandem compile reports the project’s problems as that file’s failure (also in --json)', () => {
    const project = join(dir, 'project-only.yaml');
    writeFileSync(project, 'workflows: [wf/hello.yaml, wf/missing.yaml]\nsensors:\n  - { name: s, dependencies: [{ name: d, eventSource: hookz }], triggers: [{ name: t, workflow: hello }] }\n');
    const result = tandemWith({}, project, 'compile', project, '--target', 'argo', '--json');
    assert.equal(result.status, 2, result.stderr);
    const report = JSON.parse(result.stdout) as { files: unknown[]; errors: Array<{ file: string; error: string }> };
    assert.deepEqual(report.files, []);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0]?.error ?? '', /project-only\.yaml:1:28 \/workflows\/1: .*missing\.yaml: no such file\n.*:3:42 \/sensors\/0\/dependencies\/0\/eventSource: unknown event source "hookz"/);
  });
});
