// The `workflow` runner: runs another workflow as a child run and waits for it. The task's
// resolved inputs are the child's params; the child's workflow outputs are the task's outputs
// (read like a node task's return value). The child records its parent (run, task, attempt) in
// its origin, and its id is derived from the parent's attempt. The child is a run of its own: when
// the engine crashes, the resumed parent continues the same attempt (it is not Interrupted), and
// submitting the same id finds the child already started, which is then adopted (taken over if
// its executor is gone) instead of a second child being started.
//
// In a hybrid workflow these are the ML steps: the orchestrating run is on the argo lane's engine,
// each child on the kubeflow lane's, with its own caching and metrics.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Engine } from '../../engine.js';
import { renderText } from '../../../expr/template.js';
import { loadWorkflowFile } from '../../../spec/load.js';
import { resolveParams } from '../../../spec/params.js';
import { attemptFiles } from '../layout.js';
import { RunnerStartError, type Runner, type RunnerResult, type TaskExecution } from '../runner.js';
import { errorMessage } from '../../../util/error-message.js';

/** The engine a child runs on: submit and wait, cancel when the parent's attempt is aborted. */
export type ChildEngine = Pick<Engine, 'submit' | 'cancel'> & {
  waitForRun(runId: string): Promise<{ status: string; message?: string; outputs?: Record<string, unknown> }>;
  /** Executes the run if it is in flight and nobody else does (a child left behind by a crash). */
  adopt(runId: string): Promise<void>;
};

export class WorkflowRunner implements Runner {
  /** `engine` is looked up per call: the engine that owns this runner registers it at creation. */
  constructor(private readonly engine: () => ChildEngine) {}

  async run(execution: TaskExecution): Promise<RunnerResult> {
    const fileText = renderText(execution.spec.workflow!.file, execution.context);
    const file = isAbsolute(fileText) ? fileText : resolve(execution.baseDir, fileText);
    let child;
    try {
      child = await loadWorkflowFile(file);
    } catch (error) {
      throw new RunnerStartError(`child workflow ${file}: ${errorMessage(error)}`, { cause: error });
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(child.spec, execution.inputs);
    } catch (error) {
      throw new RunnerStartError(`child workflow ${child.spec.name}: ${errorMessage(error)}`, { cause: error });
    }
    const engine = this.engine();
    const runId = childRunId(execution.runId, execution.task, execution.attempt);
    await engine.submit({
      spec: child.spec,
      params,
      baseDir: child.baseDir,
      sourceFile: file,
      runId,
      origin: { kind: 'parent', detail: { runId: execution.runId, task: execution.task, attempt: execution.attempt } },
    });
    // A no-op for the child just created; for one an earlier process started, takes it over.
    await engine.adopt(runId);
    const cancel = () => void engine.cancel(runId).catch(() => undefined);
    execution.signal.addEventListener('abort', cancel, { once: true });
    try {
      const run = await engine.waitForRun(runId);
      note(execution.logDir, `child run ${runId} (${child.spec.name}) ${run.status}${run.message ? `: ${run.message}` : ''}\n`);
      const message = `child run ${runId} ${run.status}${run.message ? `: ${run.message}` : ''}`;
      return { exitCode: run.status === 'Succeeded' ? 0 : 1, returned: run.outputs ?? {}, message };
    } finally {
      execution.signal.removeEventListener('abort', cancel);
    }
  }
}

/** `<parent>.<task>.<attempt>`, with a forEach key's brackets made safe: `train[2]` -> `train-2`. */
export function childRunId(parentRunId: string, task: string, attempt: number): string {
  return `${parentRunId}.${task.replace(/\[(\d+)\]/g, '-$1')}.${attempt}`;
}

function note(logDir: string, line: string): void {
  mkdirSync(logDir, { recursive: true });
  writeFileSync(attemptFiles.stdout(logDir), line, { flag: 'a' });
}
