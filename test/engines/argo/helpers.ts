// Builds small validated specs for the Argo compiler's unit tests and digs into the manifest.
import assert from 'node:assert/strict';
import { CompileError } from '../../../src/errors.js';
import { compileToArgo, type ArgoCompileOptions } from '../../../src/engines/argo/compile/index.js';
import { validateWorkflow, type WorkflowSpec } from '../../../src/spec/index.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function spec(doc: Record<string, unknown>): WorkflowSpec {
  return validateWorkflow({ name: 'wf', ...doc }, { file: 'test.yaml' });
}

export function compile(doc: Record<string, unknown>, options?: ArgoCompileOptions): Json {
  return compileToArgo(spec(doc), options) as Json;
}

export function template(manifest: Json, name: string): Json {
  const found = (manifest.spec.workflowSpec ?? manifest.spec).templates.find((t: Json) => t.name === name);
  assert.ok(found, `no template ${name}`);
  return found as Json;
}

export function dagTask(manifest: Json, name: string, dag = 'tandem-main'): Json {
  const found = template(manifest, dag).dag.tasks.find((t: Json) => t.name === name);
  assert.ok(found, `no DAG task ${name} in ${dag}`);
  return found as Json;
}

export function refuses(doc: Record<string, unknown>, feature: string, where: RegExp, options?: ArgoCompileOptions): void {
  assert.throws(
    () => compile(doc, options),
    (error: unknown) => {
      assert.ok(error instanceof CompileError, `expected CompileError, got ${String(error)}`);
      assert.equal(error.feature, feature);
      assert.equal(error.target, 'argo');
      assert.match(error.where, where);
      return true;
    },
  );
}

export const sh = (source: string): Record<string, unknown> => ({ script: { source } });
