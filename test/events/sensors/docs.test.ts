// The examples in docs/sensors.md validate.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sensorIssues } from '../../../src/events/sensors/validate.js';

it('every YAML sensor in docs/sensors.md validates', () => {
  const docs = readFileSync(resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..', 'docs', 'sensors.md'), 'utf8');
  const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length > 0);
  for (const block of blocks) assert.deepEqual(sensorIssues(parse(block)), []);
});
