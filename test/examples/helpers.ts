// Runs an example workflow file on a fresh embedded engine and store (the engine tests' harness),
// so each example's test can assert what its README promises.
import { join, resolve } from 'node:path';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { makeHarness, runToEnd, type Harness, type RunResult } from '../engines/harness.js';

export const EXAMPLES = resolve(import.meta.dirname, '../../examples');

export type ExampleEnv = Harness;
export type ExampleRun = RunResult;

export function exampleEnv(options: { killGracePeriodMs?: number } = {}): Promise<ExampleEnv> {
  return makeHarness({ killGracePeriodMs: options.killGracePeriodMs ?? 1000 });
}

/** Loads `examples/<file>` (e.g. "retry/workflow.yaml") and runs it to the end. */
export async function runExample(env: ExampleEnv, file: string, params: Record<string, unknown> = {}): Promise<ExampleRun> {
  const loaded = await loadWorkflowFile(join(EXAMPLES, file));
  return runSpec(env, loaded.spec, loaded.baseDir, params);
}

export function runSpec(env: ExampleEnv, spec: WorkflowSpec, baseDir: string, params: Record<string, unknown> = {}): Promise<ExampleRun> {
  return runToEnd(env, spec, params, baseDir);
}
