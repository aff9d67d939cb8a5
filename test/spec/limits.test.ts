// The limits a workflow document is checked against (limits.* in tandem.yaml): each refusal names
// the limit, the file and the path, and the same document passes once the limit is raised, so
// every test shows the setting is acted on.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { SpecLoadError, SpecValidationError, type SpecIssue } from '../../src/errors.js';
import { loadWorkflowFile, loadWorkflowText } from '../../src/spec/index.js';
import { DEFAULT_LIMITS, useLimits } from '../../src/util/limits.js';
import { assertIssue } from './helpers.js';

function issuesOf(text: string, format: 'yaml' | 'json' = 'yaml'): SpecIssue[] {
  try {
    loadWorkflowText(text, { file: `wf.${format}`, format });
    return [];
  } catch (error) {
    if (error instanceof SpecValidationError) return error.issues;
    throw error;
  }
}

const withInput = (value: string) => `name: wf\ntasks:\n  - name: a\n    process: { command: /bin/true }\n    inputs:\n      x: ${value}\n`;
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('workflow document limits', () => {
  afterEach(() => useLimits(DEFAULT_LIMITS));
  const dir = mkdtempSync(join(tmpdir(), 'tandem-limits-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses YAML nested deeper than limits.nestingDepth, with line:column, before parsing it', () => {
    for (const text of [withInput(nested(100_000)), withInput(`${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}`), withInput(`\n        ${'- '.repeat(100_000)}1`)]) {
      const [issue, ...rest] = issuesOf(text);
      assert.equal(rest.length, 0);
      assert.match(issue!.message, /nested more than 256 levels deep; the limit is 256 \(limits\.nestingDepth\)/);
      assert.equal(issue!.file, 'wf.yaml');
      assert.ok(issue!.line === 6 || issue!.line === 7, `line ${issue!.line}`);
      assert.ok((issue!.column ?? 0) > 256, `column ${issue!.column}`);
    }
    assert.deepEqual(issuesOf(withInput(nested(250))), []);
    useLimits({ ...DEFAULT_LIMITS, nestingDepth: 50 });
    assertIssue(issuesOf(withInput(nested(60))), { path: '', message: /the limit is 50 \(limits\.nestingDepth\)/, line: 6 });
  });

  it('refuses YAML nested by indentation with the path where it goes too deep', () => {
    const lines = ['name: wf', 'tasks:', '  - name: a', '    process: { command: /bin/true }', '    inputs:'];
    for (let level = 0; level < 300; level++) lines.push(`${' '.repeat(6 + level)}k${level}:`);
    lines.push(`${' '.repeat(306)}v`);
    const [issue] = issuesOf(`${lines.join('\n')}\n`);
    assert.match(issue!.message, /limits\.nestingDepth/);
    assert.match(issue!.path, /^\/tasks\/0\/inputs\/k0\/k1\/k2\//);
    assert.ok((issue!.line ?? 0) > 200, `line ${issue!.line}`);
  });

  it('refuses JSON nested too deeply, at the pointer where it goes too deep', () => {
    const text = `{"name":"wf","tasks":[{"name":"a","process":{"command":"/bin/true"},"inputs":{"x":${nested(100_000)}}}]}`;
    const [issue] = issuesOf(text, 'json');
    assert.match(issue!.message, /limits\.nestingDepth/);
    assert.ok(issue!.path.startsWith('/tasks/0/inputs/x/0/0'), issue!.path);
    assert.equal(issue!.line, 1);
  });

  it('refuses a file larger than limits.documentBytes before reading it, and text of that size', async () => {
    const big = `name: wf\ndescription: "${'d'.repeat(1_100_000)}"\ntasks:\n  - name: a\n    process: { command: /bin/true }\n`;
    const file = join(dir, 'big.yaml');
    writeFileSync(file, big);
    await assert.rejects(loadWorkflowFile(file), (error: unknown) => {
      assert.ok(error instanceof SpecValidationError);
      assert.match(error.message, /big\.yaml .*the document is \d+ bytes; the limit is 1048576 \(limits\.documentBytes\)/);
      return true;
    });
    assertIssue(issuesOf(big), { path: '', message: /limits\.documentBytes/ });
    useLimits({ ...DEFAULT_LIMITS, documentBytes: 2 * 1024 * 1024 });
    assert.equal((await loadWorkflowFile(file)).spec.name, 'wf');
  });

  it('refuses a module whose export nests too deeply or would stringify to more than the document limit', async () => {
    const deep = join(dir, 'deep.mjs');
    writeFileSync(deep, 'let x = 1;\nfor (let i = 0; i < 100000; i++) x = [x];\nexport default { name: "wf", tasks: [{ name: "a", process: { command: "/bin/true" }, inputs: { x } }] };\n');
    await assert.rejects(loadWorkflowFile(deep), /deep\.mjs \/tasks\/0\/inputs\/x(\/0)+: nested more than 256 levels deep/);
    const bomb = join(dir, 'bomb.mjs');
    writeFileSync(bomb, 'let x = ["lol"];\nfor (let i = 0; i < 60; i++) x = [x, x];\nexport default { name: "wf", tasks: [{ name: "a", process: { command: "/bin/true" }, inputs: { x } }] };\n');
    await assert.rejects(loadWorkflowFile(bomb), /JSON form is larger than 1048576 bytes; the limit is 1048576 \(limits\.documentBytes\)/);
  });

  it('refuses literal forEach lists and ranges over limits.forEachItems, naming the task', () => {
    const fan = (forEach: string) => `name: wf\ntasks:\n  - name: fan\n    forEach: ${forEach}\n    process: { command: /bin/true }\n`;
    assertIssue(issuesOf(fan('{ count: 100000000 }')), {
      path: '/tasks/0/forEach',
      message: /^forEach of task "fan" expands to 100000000 items; the limit is 10000 \(limits\.forEachItems\)$/,
      line: 4,
    });
    assertIssue(issuesOf(fan('{ start: 1, end: 1000000000, step: 2 }')), { path: '/tasks/0/forEach', message: /expands to 500000000 items/ });
    assertIssue(issuesOf(fan('{ start: 0, end: -20000, step: -1 }')), { path: '/tasks/0/forEach', message: /expands to 20001 items/ });
    assertIssue(issuesOf(fan(`[${Array.from({ length: 10_001 }, (_, i) => i).join(',')}]`)), { path: '/tasks/0/forEach', message: /expands to 10001 items/ });
    assert.deepEqual(issuesOf(fan('{ count: 10000 }')), []);
    assert.deepEqual(issuesOf(fan('{ start: 5, end: 1 }')), []);
    useLimits({ ...DEFAULT_LIMITS, forEachItems: 100 });
    assertIssue(issuesOf(fan('{ count: 101 }')), { path: '/tasks/0/forEach', message: /the limit is 100 \(limits\.forEachItems\)/ });
  });

  it('refuses a CEL expression whose literals make it too costly (limits.celCost), in when and in templates', () => {
    const l = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
    const bomb = `${l}.all(a, ${l}.all(b, ${l}.all(c, a + b + c >= 0)))`;
    const text = `name: wf\ntasks:\n  - name: a\n    when: "${bomb}"\n    process: { command: /bin/echo, args: ["{{ ${bomb} }}"] }\n`;
    const issues = issuesOf(text);
    assertIssue(issues, { path: '/tasks/0/when', message: /evaluating it would take about \d+ steps; the limit is 1000000 \(limits\.celCost\)/ });
    assertIssue(issues, { path: '/tasks/0/process/args/0', message: /limits\.celCost/ });
    useLimits({ ...DEFAULT_LIMITS, celCost: 1e8 });
    assert.deepEqual(issuesOf(text), []);
  });

  it('refuses an operator chain too deep for the evaluator, without overflowing the stack', () => {
    const chain = Array.from({ length: 20_000 }, () => 'false').join(' || ');
    assertIssue(issuesOf(`name: wf\ntasks:\n  - name: a\n    when: "${chain}"\n    process: { command: /bin/true }\n`), {
      path: '/tasks/0/when',
      message: /nested more than 250 levels deep/,
    });
  });

  it('refuses a second YAML document, pointing at it', () => {
    const one = 'name: wf\ntasks:\n  - name: a\n    process: { command: /bin/true }\n';
    assertIssue(issuesOf(`${one}---\n${one}`), { path: '', message: /a second YAML document starts here/, line: 5 });
    assert.deepEqual(issuesOf(`---\n${one}`), []);
  });

  it('refuses an alias bomb as unreadable, and aliases that expand past the document limit', () => {
    const lines = ['name: wf', 'x0: &x0 ["lol"]'];
    for (let level = 1; level <= 9; level++) lines.push(`x${level}: &x${level} [${Array.from({ length: 9 }, () => `*x${level - 1}`).join(', ')}]`);
    lines.push('tasks:', '  - name: a', '    process: { command: /bin/true }', '    inputs: { x: *x9 }');
    assert.throws(() => loadWorkflowText(`${lines.join('\n')}\n`, { file: 'wf.yaml', format: 'yaml' }), (error: unknown) => {
      assert.ok(error instanceof SpecLoadError);
      assert.match(error.message, /^wf\.yaml: its YAML aliases \(\*name\) expand too far/);
      return true;
    });
  });
});
