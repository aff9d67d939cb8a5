// The checked-in API types (src/engines/{argo,kfp}/api/schema.generated.ts) must be exactly what
// the generator makes from the official swagger files today: a spec update or a hand edit fails here.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { API_SCHEMA_FILES, GENERATE_COMMAND, outputPath, renderApiSchema } from '../../../scripts/api-schemas.js';
import { SPECS_DIR, requireShared } from '../../helpers/shared.js';

for (const file of API_SCHEMA_FILES) {
  void test(`${file.output} is what ${GENERATE_COMMAND} generates from ${file.spec}`, async (t) => {
    if (!requireShared(t)) return;
    const expected = await renderApiSchema(file, join(SPECS_DIR, '..'));
    const current = await readFile(outputPath(file), 'utf8').catch(() => '');
    // Not assert.equal on the texts: a diff of a 700 kB file drowns the one line that matters.
    if (current !== expected) {
      const lines = current.split('\n');
      const want = expected.split('\n');
      const found = want.findIndex((line, i) => lines[i] !== line);
      const at = found === -1 ? want.length : found;
      assert.fail(
        `${file.output} is stale (first difference at line ${at + 1}: found ${JSON.stringify(lines[at] ?? '<end of file>')}, ` +
          `expected ${JSON.stringify(want[at] ?? '<end of file>')}): run ${GENERATE_COMMAND}`,
      );
    }
  });
}
