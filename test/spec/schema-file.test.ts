// The published JSON Schema is generated from the TypeBox declaration; the checked-in copy must not drift.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
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
