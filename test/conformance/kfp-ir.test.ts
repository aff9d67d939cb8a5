// Conformance of KFP IR: the strict validator accepts every IR file the KFP SDK compiled in the
// shared corpus (valid/) and rejects the broken ones (invalid/); every example workflow either
// compiles to IR the validator accepts, or fails with a CompileError naming the feature KFP
// cannot express; the compiled IR of each compilable example is pinned by a snapshot.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CompileError } from '../../src/errors.js';
import { compileToKfp, kfpIrYaml, loadKfpIrValidator, type KfpIrValidator } from '../../src/engines/kfp/compile/index.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { CORPUS_DIR, SPECS_DIR, requireShared } from '../helpers/shared.js';
import { matchSnapshot } from '../helpers/snapshot.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const SNAPSHOTS = resolve(import.meta.dirname, '../engines/kfp/__snapshots__');
const OPTIONS = { defaultImage: 'ghcr.io/tandem/task:latest' };

/** Examples KFP can express, and for the others the feature the CompileError must name. */
const EXPECTED: Record<string, { compiles: true } | { feature: string }> = {
  'conditional-dag': { feature: 'stdout output' },
  'document-ingestion': { feature: 'stdout output' },
  'exit-handler': { feature: 'run.status' },
  hybrid: { feature: 'workflow runner' },
  'ml-training': { compiles: true },
  retry: { feature: 'stdout output' },
  timeout: { feature: 'timeout' },
};

function files(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? files(path) : [path];
    })
    .filter((path) => /\.ya?ml$/.test(path))
    .sort();
}

let cached: KfpIrValidator | undefined;
function validator(): KfpIrValidator {
  cached ??= loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb'));
  return cached;
}

/** Parses an IR file; undefined (with the reason) when the yaml package cannot read it as YAML 1.2. */
function readIr(file: string): { documents: unknown[] } | { unreadable: string } {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const errors = docs.flatMap((doc) => doc.errors);
  if (errors.length > 0) return { unreadable: `${errors[0]?.code ?? 'error'}: ${errors[0]?.message.split('\n')[0] ?? ''}` };
  const documents = docs.map((doc) => doc.toJS() as unknown);
  return { documents: documents.length === 1 ? documents : documents.filter((d) => d !== null) };
}

void describe('KFP IR corpus', () => {
  void it('accepts every valid IR file', (t: TestContext) => {
    if (!requireShared(t)) return;
    const dir = join(CORPUS_DIR, 'kfp-ir', 'valid');
    const checked: string[] = [];
    const unreadable: string[] = [];
    for (const file of files(dir)) {
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
    const all = files(dir);
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
      assert.deepEqual(validator().validate(ir), []);
    });
  }

  void it('covers every example folder', () => {
    const folders = readdirSync(EXAMPLES).filter((entry) => statSync(join(EXAMPLES, entry)).isDirectory());
    const withWorkflow = folders.filter((f) => readdirSync(join(EXAMPLES, f)).includes('workflow.yaml')).sort();
    assert.deepEqual(withWorkflow, Object.keys(EXPECTED).sort());
  });
});
