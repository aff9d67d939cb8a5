// The published JSON Schemas are generated from their TypeBox declarations; the checked-in copies must not drift.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { renderTandemSchema } from '../../src/config/json-schema.js';
import { renderWorkflowSchema } from '../../src/spec/index.js';

const schemaFile = new URL('../../schema/workflow.schema.json', import.meta.url);

void test('schema/workflow.schema.json equals what scripts/write-schema.ts generates (run npm run schema)', async () => {
  assert.equal(await readFile(schemaFile, 'utf8'), renderWorkflowSchema());
});

void test('the published schema, read as plain JSON, accepts the demo workflow and rejects a typo', async () => {
  const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as object;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const demo: unknown = parse(await readFile(new URL('../fixtures/spec/demo.yaml', import.meta.url), 'utf8'));
  assert.equal(validate(demo), true, JSON.stringify(validate.errors));
  assert.equal(validate({ name: 'wf', tasks: [{ name: 'a', process: { comand: 'x' } }] }), false);
});

const tandemSchemaFile = new URL('../../schema/tandem.schema.json', import.meta.url);

void test('schema/tandem.schema.json equals what scripts/write-schema.ts generates (run npm run schema)', async () => {
  assert.equal(await readFile(tandemSchemaFile, 'utf8'), renderTandemSchema());
});

void test('the published tandem.yaml schema, read as plain JSON, accepts the example projects and rejects a typo and an inline token', async () => {
  const schema = JSON.parse(await readFile(tandemSchemaFile, 'utf8')) as object;
  const validate = new Ajv({ allErrors: true }).compile(schema);
  for (const file of ['../../examples/tandem.yaml', '../../examples/cluster/tandem.yaml']) {
    const example: unknown = parse(await readFile(new URL(file, import.meta.url), 'utf8'));
    assert.equal(validate(example), true, `${file}: ${JSON.stringify(validate.errors)}`);
  }
  assert.equal(validate({ engine: { concurency: 2 } }), false);
  assert.equal(validate({ server: { tokens: [{ name: 'ci', token: 'abc', namespaces: ['*'] }] } }), false);
  assert.equal(validate({ home: '.tandem', engine: { concurrency: '4', logCapBytes: '10MiB', killGracePeriod: 5 }, lanes: { kubeflow: { engine: 'kfp' } } }), true, JSON.stringify(validate.errors));
});
