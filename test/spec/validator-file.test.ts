// The workflow validator is precompiled into src/spec/workflow-validator.generated.js (no run
// compiles the schema); it must match the declaration and judge documents as a fresh compile does.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileWorkflowValidator, renderWorkflowValidator } from '../../src/spec/validator-source.js';
import { validate as precompiled } from '../../src/spec/workflow-validator.generated.js';

const generatedFile = new URL('../../src/spec/workflow-validator.generated.js', import.meta.url);

void test('src/spec/workflow-validator.generated.js equals what scripts/write-schema.ts generates (run npm run schema)', async () => {
  assert.equal(await readFile(generatedFile, 'utf8'), renderWorkflowValidator());
});

void test('the precompiled validator gives the verdict and the errors of a freshly compiled one', async () => {
  const demo: unknown = parse(await readFile(new URL('../fixtures/spec/demo.yaml', import.meta.url), 'utf8'));
  const documents: unknown[] = [
    demo,
    { name: 'wf', tasks: [{ name: 'a', process: { comand: 'x' } }] },
    { name: 'Bad Name', tasks: [{ name: 'a-b', process: { command: 5 } }], params: { n: { type: 'integer', default: 'x' } } },
    { name: 'wf', tasks: [{ name: 'a', script: { source: 'x' }, timeout: 'soon', retry: { limit: -1 } }], lanes: 1 },
    { tasks: 'none' },
    null,
  ];
  const fresh = compileWorkflowValidator();
  const generated = precompiled as unknown as typeof fresh;
  for (const doc of documents) {
    const verdict = fresh(doc);
    assert.equal(generated(doc), verdict, JSON.stringify(doc));
    // As JSON: the fresh errors' parentSchema are TypeBox objects, whose symbol-keyed metadata the
    // generated copy of the schema does not carry (and no issue reads).
    assert.deepEqual(asJson(generated.errors), asJson(fresh.errors), JSON.stringify(doc));
  }
  assert.equal(fresh(demo), true, 'the demo workflow is valid');
});

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}
