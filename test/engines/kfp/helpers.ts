// Helpers for the KFP compiler tests: a minimal workflow builder, typed access into compiled IR
// and strict validation against the shared PipelineSpec descriptor when it is present.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { compileToKfp, loadKfpIrValidator, type KfpCompileOptions, type KfpIrValidator } from '../../../src/engines/kfp/compile/index.js';
import type { TaskSpec, WorkflowSpec } from '../../../src/spec/schema.js';
import { SPECS_DIR, requireShared } from '../../helpers/shared.js';

export const OPTIONS: KfpCompileOptions = { defaultImage: 'busybox:1.36' };

export function workflow(tasks: TaskSpec[], extra: Partial<WorkflowSpec> = {}): WorkflowSpec {
  return { name: 'wf', tasks, ...extra };
}

/** Reads a path of keys from compiled IR, failing the test when a step is missing. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    assert.ok(current !== null && typeof current === 'object', `no object at ${path.join('.')} (stopped before ${String(key)})`);
    current = (current as Record<string | number, unknown>)[key];
    assert.ok(current !== undefined, `missing ${String(key)} in ${path.join('.')}`);
  }
  return current;
}

let cached: KfpIrValidator | undefined;
export function validator(): KfpIrValidator {
  cached ??= loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb'));
  return cached;
}

/** Compiles and, when the shared specs are present, checks the IR strictly. */
export function compileValid(t: TestContext, spec: WorkflowSpec, options: KfpCompileOptions = OPTIONS): Record<string, unknown> {
  const ir = compileToKfp(spec, options);
  if (requireShared(t)) assert.deepEqual(validator().validate(ir), []);
  return ir;
}
