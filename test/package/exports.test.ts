// What package.json publishes exists: every `exports` target and the `bin` are files of the built
// package (npm test builds dist/ before it runs the tests), and the SDK entry loads.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string>; bin: Record<string, string> };

void describe('package.json', () => {
  for (const [name, target] of Object.entries(manifest.exports)) {
    void it(`export ${name} names a file that exists (${target})`, () => {
      assert.ok(existsSync(join(ROOT, target)), `${target} is missing; run npm run build`);
    });
  }

  void it('the bin names a file that exists', () => {
    for (const target of Object.values(manifest.bin)) assert.ok(existsSync(join(ROOT, target)), target);
  });

  void it('the SDK export loads and offers workflow() and the task builders', async () => {
    const target = manifest.exports['./sdk'];
    assert.ok(target !== undefined);
    const sdk = (await import(pathToFileURL(join(ROOT, target)).href)) as Record<string, unknown>;
    assert.equal(typeof sdk.workflow, 'function');
    assert.deepEqual(Object.keys(sdk.task as object).sort(), ['node', 'process', 'script']);
  });
});
