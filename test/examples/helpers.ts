// Runs an example workflow file on a fresh embedded engine and store, and reads back what the
// run recorded, so each example's test can assert what its README promises.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalEngine } from '../../src/engines/local/engine.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { openStore } from '../../src/store/open.js';
import type { RunArtifactRecord, RunRecord, Store, TaskRunRecord } from '../../src/store/store.js';

export const EXAMPLES = resolve(import.meta.dirname, '../../examples');

export interface ExampleEnv {
  home: string;
  store: Store;
  engine: LocalEngine;
  close(): Promise<void>;
}

export async function exampleEnv(options: { killGracePeriodMs?: number } = {}): Promise<ExampleEnv> {
  const home = mkdtempSync(join(tmpdir(), 'tandem-'));
  const store = await openStore({ home });
  const engine = await LocalEngine.create({ store, home, concurrency: 4, killGracePeriodMs: options.killGracePeriodMs ?? 1000 });
  return {
    home,
    store,
    engine,
    async close() {
      await engine.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface ExampleRun {
  run: RunRecord;
  /** Every task run row: attempt 0 rows are task-level decisions, attempts >= 1 executions. */
  taskRuns: TaskRunRecord[];
  artifacts: RunArtifactRecord[];
  /** Executions (attempt >= 1) of one task key, such as "parse[2]", oldest first. */
  executions(key: string): TaskRunRecord[];
  /** Keys of the iterations of a forEach task that ran: "parse[0]", "parse[1]"... */
  iterations(task: string): string[];
  /** The final status of a task key: its task-level row if any, else its last attempt. */
  status(key: string): string | undefined;
  message(key: string): string | undefined;
  output(key: string, name: string): unknown;
}

/** Loads `examples/<file>` (e.g. "retry/workflow.yaml") and runs it to the end. */
export async function runExample(env: ExampleEnv, file: string, params: Record<string, unknown> = {}): Promise<ExampleRun> {
  const loaded = await loadWorkflowFile(join(EXAMPLES, file));
  return runSpec(env, loaded.spec, loaded.baseDir, params);
}

export async function runSpec(env: ExampleEnv, spec: WorkflowSpec, baseDir: string, params: Record<string, unknown> = {}): Promise<ExampleRun> {
  const { runId } = await env.engine.submit({ spec, params, baseDir });
  const run = await env.engine.waitForRun(runId);
  const taskRuns = await env.store.listTaskRuns(runId);
  const outputs = await env.store.listOutputs(runId);
  const artifacts = await env.store.listArtifacts(runId);
  const rowsOf = (key: string) => taskRuns.filter((r) => r.task === key);
  const finalRow = (key: string) => rowsOf(key).find((r) => r.attempt === 0) ?? rowsOf(key).at(-1);
  return {
    run,
    taskRuns,
    artifacts,
    executions: (key) => rowsOf(key).filter((r) => r.attempt > 0).sort((a, b) => a.attempt - b.attempt),
    iterations: (task) => [...new Set(taskRuns.filter((r) => r.task.startsWith(`${task}[`) && r.attempt > 0).map((r) => r.task))].sort(byIndex),
    status: (key) => finalRow(key)?.status,
    message: (key) => finalRow(key)?.message,
    output: (key, name) => outputs.find((o) => o.task === key && o.name === name)?.value,
  };
}

function byIndex(a: string, b: string): number {
  const index = (key: string) => Number(/\[(\d+)\]$/.exec(key)?.[1] ?? -1);
  return index(a) - index(b);
}
