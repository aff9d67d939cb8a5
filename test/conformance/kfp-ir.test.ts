// Conformance of KFP IR: the strict validator accepts every IR file the KFP SDK compiled in the
// shared corpus (valid/) and rejects the broken ones (invalid/); every example workflow either
// compiles to IR the validator accepts, or fails with a CompileError naming the feature KFP
// cannot express; the compiled IR of each compilable example is pinned by a snapshot.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CompileError } from '../../src/errors.js';
import { compileToKfp, kfpIrYaml, kfpPlatformSpec, loadKfpIrValidator, type KfpIrValidator } from '../../src/engines/kfp/compile/index.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { CORPUS_DIR, SPECS_DIR, requireShared, yamlFiles } from '../helpers/shared.js';
import { matchSnapshot } from '../helpers/snapshot.js';
import { readIr } from './kfp-corpus.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const SNAPSHOTS = resolve(import.meta.dirname, '../engines/kfp/__snapshots__');
const OPTIONS = { defaultImage: 'ghcr.io/tandem/task:latest' };

/** Examples KFP can express, and for the others the feature the CompileError must name. */
const EXPECTED: Record<string, { compiles: true } | { feature: string }> = {
  'conditional-dag': { feature: 'computed expression' },
  'document-ingestion': { feature: 'retry backoff below whole seconds' },
  'exit-handler': { feature: 'run.failures' },
  hybrid: { feature: 'workflow runner' },
  'ml-training': { compiles: true },
  retry: { feature: 'retry backoff below whole seconds' },
  timeout: { feature: 'failFast: false' },
};

let cached: KfpIrValidator | undefined;
function validator(): KfpIrValidator {
  cached ??= loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb'));
  return cached;
}

void describe('KFP IR corpus', () => {
  void it('accepts every valid IR file', (t: TestContext) => {
    if (!requireShared(t)) return;
    const dir = join(CORPUS_DIR, 'kfp-ir', 'valid');
    const checked: string[] = [];
    const unreadable: string[] = [];
    for (const file of yamlFiles(dir)) {
      const read = readIr(file);
      if ('unreadable' in read) {
        // PyYAML writes some quoted scalars whose continuation lines are not indented past their
        // sequence entry; YAML 1.2 (the yaml package) rejects them. Reported, never validated.
        unreadable.push(`${relative(dir, file)} (${read.unreadable})`);
        continue;
      }
      assert.deepEqual(validator().validateDocuments(read.documents), [], relative(dir, file));
      checked.push(file);
    }
    if (unreadable.length > 0) t.diagnostic(`not YAML 1.2, not validated: ${unreadable.join('; ')}`);
    assert.ok(checked.length >= 10, `validated ${checked.length} files`);
    assert.ok(unreadable.length <= checked.length / 10, `too many unreadable files: ${unreadable.join(', ')}`);
  });

  void it('rejects every invalid IR file, with a path', (t: TestContext) => {
    if (!requireShared(t)) return;
    const dir = join(CORPUS_DIR, 'kfp-ir', 'invalid');
    const all = yamlFiles(dir);
    assert.ok(all.length > 0);
    for (const file of all) {
      const read = readIr(file);
      if ('unreadable' in read) continue; // not YAML at all: rejected before validation
      const problems = validator().validateDocuments(read.documents);
      assert.ok(problems.length > 0, `${relative(dir, file)} was accepted`);
      for (const problem of problems) assert.match(problem.path, /^(#\d+)?\//);
    }
  });
});

void describe('examples compiled to KFP IR', () => {
  for (const [example, expected] of Object.entries(EXPECTED)) {
    void it(`${example}: ${'compiles' in expected ? 'compiles and validates strictly' : `fails naming ${expected.feature}`}`, async (t: TestContext) => {
      const { spec } = await loadWorkflowFile(join(EXAMPLES, example, 'workflow.yaml'));
      if (!('compiles' in expected)) {
        assert.throws(() => compileToKfp(spec, OPTIONS), (error: unknown) => {
          assert.ok(error instanceof CompileError);
          assert.equal(error.target, 'kfp');
          assert.equal(error.feature, expected.feature);
          assert.match(error.where, new RegExp(`workflow ${spec.name}`));
          return true;
        });
        return;
      }
      const ir = compileToKfp(spec, OPTIONS);
      matchSnapshot(join(SNAPSHOTS, `${example}.yaml`), kfpIrYaml(ir));
      if (!requireShared(t)) return;
      assert.deepEqual(validator().validateDocuments([ir, kfpPlatformSpec(ir)]), []);
    });
  }

  void it('covers every example folder', () => {
    const folders = readdirSync(EXAMPLES).filter((entry) => statSync(join(EXAMPLES, entry)).isDirectory());
    const withWorkflow = folders.filter((f) => readdirSync(join(EXAMPLES, f)).includes('workflow.yaml')).sort();
    assert.deepEqual(withWorkflow, Object.keys(EXPECTED).sort());
  });
});
