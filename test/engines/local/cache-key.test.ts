// The component cache key: a property test (fast-check) that any single change to an ingredient
// changes the key and that irrelevant changes (task name, descriptions, retry, key order, the run,
// unreferenced params) do not; and unit tests of canonical JSON, the policy and file digests.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../../../src/engines/local/cache/canonical.js';
import { FileDigests } from '../../../src/engines/local/cache/file-digests.js';
import { keyIngredients, UncacheableError, type KeyContext } from '../../../src/engines/local/cache/ingredients.js';
import { cacheKey } from '../../../src/engines/local/cache/key.js';
import { cachePolicy, isFresh } from '../../../src/engines/local/cache/policy.js';
import type { ContextParts } from '../../../src/engines/local/context.js';
import type { TaskSpec } from '../../../src/spec/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-cache-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const files = new FileDigests();
const ctx: KeyContext = { baseDir: dir, defaultImage: undefined, files };

interface Case {
  task: TaskSpec;
  parts: ContextParts;
}

async function keyOf({ task, parts }: Case, context: KeyContext = ctx): Promise<string> {
  const policy = cachePolicy(task, undefined, 'main');
  assert.ok(policy, 'the generated task is cacheable');
  return cacheKey(await keyIngredients(task, parts, policy, context));
}

// Plain text without template braces (a "{{" would make a template) or line breaks.
const text = fc.string({ maxLength: 12 }).filter((s) => !s.includes('{') && !s.includes('}'));
const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const scalar = fc.oneof(fc.integer(), fc.boolean(), text, fc.constant(null));
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(name, scalar, { maxKeys: 3 }));
const digest = fc.stringMatching(/^[0-9a-f]{64}$/);

const caseArb = fc
  .record({
    command: fc.constantFrom('/bin/echo', 'train', 'python3'),
    args: fc.array(text, { maxLength: 4 }),
    env: fc.dictionary(name, text, { maxKeys: 3 }),
    shell: fc.boolean(),
    inputs: fc.dictionary(name, value, { maxKeys: 3 }),
    outputs: fc.dictionary(name, fc.record({ type: fc.constantFrom('string' as const, 'integer' as const, 'json' as const) }), { maxKeys: 3 }),
    version: fc.option(text, { nil: undefined }),
    extra: fc.array(text, { maxLength: 2 }),
    image: fc.option(fc.constantFrom('python:3.12', 'ghcr.io/acme/train:1'), { nil: undefined }),
    param: value,
    upstreamDigest: digest,
    item: fc.option(value, { nil: undefined }),
  })
  .map((g): Case => {
    const task: TaskSpec = {
      name: 'train',
      process: { command: g.command, args: [...g.args, '{{ params.p }}'], env: g.env, shell: g.shell },
      inputs: { ...g.inputs, data: '{{ tasks.prep.outputs.data }}' },
      outputs: g.outputs,
      cache: { ...(g.version !== undefined ? { version: g.version } : {}), key: g.extra },
      ...(g.image !== undefined ? { image: g.image } : {}),
    };
    const parts: ContextParts = {
      params: { p: g.param, unused: 1 },
      run: { id: 'run-1', name: 'wf' },
      tasks: {
        prep: {
          status: 'Succeeded',
          outputs: { data: `/home/a/artifacts/sha256/${g.upstreamDigest}` },
          artifacts: { data: { digest: g.upstreamDigest, size: 10, kind: 'file', type: 'Dataset' } },
        },
      },
      task: { name: 'train', attempt: 0 },
    };
    if (g.item !== undefined) {
      parts.item = g.item;
      parts.task.index = 0;
    }
    return { task, parts };
  });

const clone = <T>(v: T): T => structuredClone(v);

/** Each changes exactly one ingredient, to a value that differs from any the generator makes. */
const changes: Record<string, (c: Case) => void> = {
  command: (c) => (c.task.process!.command = '/usr/bin/other-tool'),
  argument: (c) => c.task.process!.args!.unshift('--changed'),
  envValue: (c) => (c.task.process!.env = { ...c.task.process!.env, ZZ_CHANGED: 'yes' }),
  shell: (c) => (c.task.process!.shell = !c.task.process!.shell),
  cwd: (c) => (c.task.process!.cwd = 'elsewhere'),
  inputValue: (c) => (c.task.inputs = { ...c.task.inputs, zz_changed: 1 }),
  inputType: (c) => (c.task.inputs = { ...c.task.inputs, data: { value: '{{ tasks.prep.outputs.data }}', type: 'Dataset' } }),
  upstreamArtifact: (c) => (c.parts.tasks.prep!.artifacts.data = { digest: 'f'.repeat(63) + 'e', size: 10, kind: 'file', type: 'Dataset' }),
  referencedParam: (c) => (c.parts.params.p = { changed: [c.parts.params.p] }),
  outputDeclared: (c) => (c.task.outputs = { ...c.task.outputs, zz_new: {} }),
  outputType: (c) => (c.task.outputs = { ...c.task.outputs, zz_typed: { type: 'artifact', path: 'x.bin' } }),
  version: (c) => (c.task.cache = { ...c.task.cache, version: `${c.task.cache?.version ?? ''}+changed` }),
  extraKey: (c) => (c.task.cache = { ...c.task.cache, key: [...(c.task.cache?.key ?? []), 'changed'] }),
  image: (c) => (c.task.image = 'registry.example/other:2'),
  item: (c) => {
    c.parts.item = { changed: c.parts.item ?? null };
    c.parts.task.index = 0;
  },
};

/** Each changes something the key must ignore. */
const irrelevant: Record<string, (c: Case) => void> = {
  taskName: (c) => {
    c.task.name = 'renamed';
    c.parts.task.name = 'renamed';
  },
  description: (c) => (c.task.description = 'a new description'),
  policies: (c) => Object.assign(c.task, { retry: { limit: 3 }, timeout: '5m', when: 'true', dependsOn: ['prep'], lane: 'argo' }),
  outputDescription: (c) => {
    for (const decl of Object.values(c.task.outputs ?? {})) decl.description = 'described';
  },
  run: (c) => (c.parts.run = { id: 'another-run', name: 'another-workflow' }),
  attempt: (c) => (c.parts.task.attempt = 7),
  unreferencedParam: (c) => (c.parts.params.unused = 2),
  artifactPathAndSize: (c) => {
    const prep = c.parts.tasks.prep!;
    prep.outputs.data = '/another/home/blob';
    prep.artifacts.data = { ...(prep.artifacts.data as { digest: string }), size: 99, kind: 'file', type: 'Model' };
  },
  keyOrder: (c) => {
    c.task = reverseKeys(c.task);
    c.parts = reverseKeys(c.parts);
  },
  explicitDefaults: (c) => {
    c.task.process!.shell = c.task.process!.shell === true;
    c.task.cache = { enabled: true, ...c.task.cache };
  },
};

function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, unknown>)[key]);
  return out as T;
}

void describe('cache key', () => {
  void it('changes when any single ingredient changes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.constantFrom(...Object.keys(changes)), async (base, change) => {
        const changed = clone(base);
        changes[change]!(changed);
        assert.notEqual(await keyOf(changed), await keyOf(base), `changing ${change} must change the key`);
      }),
      { numRuns: 300 },
    );
  });

  void it('stays the same when nothing relevant changes', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.constantFrom(...Object.keys(irrelevant)), async (base, change) => {
        const same = clone(base);
        irrelevant[change]!(same);
        assert.equal(await keyOf(same), await keyOf(base), `changing ${change} must keep the key`);
        assert.equal(await keyOf(clone(base)), await keyOf(base));
      }),
      { numRuns: 300 },
    );
  });

  void it('keys a node task on its module content and export, not on its path', async () => {
    const a = join(dir, 'a.mjs');
    const b = join(dir, 'b.mjs');
    writeFileSync(a, 'export default () => ({ x: 1 });\n');
    writeFileSync(b, 'export default () => ({ x: 1 });\n');
    const parts: ContextParts = { params: {}, run: {}, tasks: {}, task: { name: 't', attempt: 0 } };
    const node = (module: string, exported?: string): Case => ({
      task: { name: 't', node: { module, ...(exported ? { export: exported } : {}) }, cache: {} },
      parts,
    });
    const first = await keyOf(node(a));
    assert.equal(await keyOf(node(b)), first, 'same content, other file: same key');
    assert.equal(await keyOf(node('a.mjs')), first, 'relative to the workflow folder');
    assert.notEqual(await keyOf(node(a, 'other')), first);
    writeFileSync(a, 'export default () => ({ x: 2 });\n');
    assert.notEqual(await keyOf(node(a)), first, 'edited module: new key');
    await assert.rejects(keyOf(node(join(dir, 'missing.mjs'))), UncacheableError);
  });

  void it('keys a process on the content of a script file its arguments name', async () => {
    const script = join(dir, 'train.py');
    writeFileSync(script, 'print(1)\n');
    const parts: ContextParts = { params: {}, run: {}, tasks: {}, task: { name: 't', attempt: 0 } };
    const c: Case = { task: { name: 't', process: { command: 'python3', args: ['train.py', '--fast'] }, cache: {} }, parts };
    const before = await keyOf(c);
    writeFileSync(script, 'print(2)\n');
    assert.notEqual(await keyOf(c), before);
  });

  void it('sees a script edited in place with its size and mtime set back (the ctime moves)', async () => {
    const script = join(dir, 'same-size.py');
    // A whole-second mtime, so that setting it back restores it to the nanosecond.
    const mtime = new Date('2026-01-02T03:04:05Z');
    writeFileSync(script, 'print(1)\n');
    utimesSync(script, mtime, mtime);
    const digests = new FileDigests();
    const before = statSync(script, { bigint: true });
    const first = await digests.digest(script);
    writeFileSync(script, 'print(2)\n');
    // Setting the times back moves the ctime to now; repeat until it differs from the first
    // stat's (the kernel's clock for it may tick coarsely), so the test does not depend on timing.
    do utimesSync(script, mtime, mtime);
    while (statSync(script, { bigint: true }).ctimeNs === before.ctimeNs);
    const after = statSync(script, { bigint: true });
    assert.deepEqual([after.ino, after.size, after.mtimeNs], [before.ino, before.size, before.mtimeNs], 'same inode, size and mtime');
    assert.notEqual(await digests.digest(script), first, 'the edit is seen');
  });

  void it('renders templates in cache.key against params and inputs', async () => {
    const parts = (v: number): ContextParts => ({ params: { v }, run: {}, tasks: {}, task: { name: 't', attempt: 0 } });
    const task: TaskSpec = { name: 't', process: { command: '/bin/true' }, inputs: { n: 3 }, cache: { key: ['data-{{ params.v }}', '{{ inputs.n }}'] } };
    assert.notEqual(await keyOf({ task, parts: parts(1) }), await keyOf({ task, parts: parts(2) }));
    const broken: TaskSpec = { ...task, cache: { key: ['{{ params.missing.deeper }}'] } };
    await assert.rejects(keyOf({ task: broken, parts: parts(1) }), UncacheableError);
  });
});

void describe('cache key of a task with inheritEnv', () => {
  const parts: ContextParts = { params: {}, run: {}, tasks: {}, task: { name: 't', attempt: 0 } };
  const task = (inheritEnv?: string[]): Case => ({ task: { name: 't', process: { command: '/bin/true', ...(inheritEnv ? { inheritEnv } : {}) }, cache: {} }, parts });
  void it('changes with the names inherited and their values, and an empty list keys as none', async () => {
    const saved = process.env.KEY_TEST_INHERITED;
    try {
      delete process.env.KEY_TEST_INHERITED;
      const none = await keyOf(task());
      assert.equal(await keyOf(task([])), none);
      const unset = await keyOf(task(['KEY_TEST_INHERITED']));
      assert.notEqual(unset, none, 'naming a variable changes the key');
      process.env.KEY_TEST_INHERITED = 'one';
      const one = await keyOf(task(['KEY_TEST_INHERITED']));
      assert.notEqual(one, unset);
      process.env.KEY_TEST_INHERITED = 'two';
      assert.notEqual(await keyOf(task(['KEY_TEST_INHERITED'])), one, 'another value, another key');
      assert.equal(await keyOf(task()), none, 'a task that inherits nothing does not see it');
    } finally {
      if (saved === undefined) delete process.env.KEY_TEST_INHERITED;
      else process.env.KEY_TEST_INHERITED = saved;
    }
  });
});

void describe('canonical JSON', () => {
  void it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } }), '{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
    assert.notEqual(canonicalJson({ a: '1' }), canonicalJson({ a: 1 }));
    assert.throws(() => canonicalJson({ f: () => 1 }), /cannot be part of a cache key/);
  });
});

void describe('cache policy', () => {
  const task: TaskSpec = { name: 't', process: { command: 'x' } };
  void it('is opt-in, merges the task block over defaults and never caches finally tasks', () => {
    assert.equal(cachePolicy(task, undefined, 'main'), undefined);
    assert.deepEqual(cachePolicy(task, { maxAge: '1h', version: '2' }, 'main'), { maxAgeMs: 3_600_000, version: '2', extraKey: [] });
    assert.equal(cachePolicy({ ...task, cache: { enabled: false } }, { version: '2' }, 'main'), undefined);
    assert.equal(cachePolicy({ ...task, cache: {} }, undefined, 'finally'), undefined);
    assert.deepEqual(cachePolicy({ ...task, cache: { version: '3' } }, { maxAge: 60 }, 'main'), { maxAgeMs: 60_000, version: '3', extraKey: [] });
  });

  void it('treats an entry older than maxAge as stale', () => {
    const policy = cachePolicy({ ...task, cache: { maxAge: '10s' } }, undefined, 'main')!;
    assert.equal(isFresh(policy, 1_000, 11_000), true);
    assert.equal(isFresh(policy, 1_000, 11_001), false);
  });
});
