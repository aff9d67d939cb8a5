// The `workflow` runner: runs another workflow as a child run and waits for it. The task's
// resolved inputs are the child's params; the child's workflow outputs are the task's outputs
// (read like a node task's return value). The child records its parent (run, task, attempt) in
// its origin, and its id is derived from the parent's attempt. The child is a run of its own: when
// the engine crashes, the resumed parent continues the same attempt (it is not Interrupted), and
// submitting the same id finds the child already started (an engine's submit is idempotent by id,
// and takes over a run whose executor is gone) instead of a second child being started.
//
// In a hybrid workflow these are the ML steps: the orchestrating run is on the argo lane's engine,
// each child on the kubeflow lane's, with its own caching and metrics. Which engine that is is not
// this runner's choice: children go through the ChildRuns it is given (the composition root hands
// it the engines registry's child-run submitter, which routes each child like any run).
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SubmitRequest } from '../../engine.js';
import { renderText } from '../../../expr/template.js';
import { loadWorkflowFile } from '../../../spec/load.js';
import { resolveParams } from '../../../spec/params.js';
import { attemptFiles } from '../layout.js';
import { RunnerStartError, type Runner, type RunnerResult, type TaskExecution } from '../runner.js';
import { errorMessage } from '../../../util/error-message.js';

/** Where child runs go: submit (routed by the submitter), wait, cancel when the parent's attempt is aborted. */
export interface ChildRuns {
  /** Starts the child; for an id that exists, re-attaches to that run instead (see above). */
  submit(request: Omit<SubmitRequest, 'routing'>): Promise<{ runId: string }>;
  wait(runId: string): Promise<{ status: string; message?: string; outputs?: Record<string, unknown> }>;
  cancel(runId: string): Promise<void>;
}

export class WorkflowRunner implements Runner {
  constructor(private readonly children: ChildRuns) {}

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
    const runId = childRunId(execution.runId, execution.task, execution.attempt);
    // A child an earlier process started (the parent was resumed) is re-attached to, not repeated.
    await this.children.submit({
      spec: child.spec,
      params,
      baseDir: child.baseDir,
      sourceFile: file,
      runId,
      origin: { kind: 'parent', detail: { runId: execution.runId, task: execution.task, attempt: execution.attempt } },
    });
    const cancel = () => void this.children.cancel(runId).catch(() => undefined);
    execution.signal.addEventListener('abort', cancel, { once: true });
    try {
      const run = await this.children.wait(runId);
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
