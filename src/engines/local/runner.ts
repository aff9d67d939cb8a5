// The Runner port of the embedded engine: how one attempt of one task is executed.
// process, script and node runners live beside this file; a benchmark may register its own.
import type { TaskSpec } from '../../spec/schema.js';
import { TaskFailureError } from './task-failure.js';

export interface TaskExecution {
  runId: string;
  /** Task key: the task name, or `name[i]` for a forEach iteration. */
  task: string;
  attempt: number;
  spec: TaskSpec;
  /** Resolved inputs: param values, and for artifact inputs the path where the artifact was placed. */
  inputs: Record<string, unknown>;
  /** The template context the task's fields render against (params, tasks, item, inputs, run, task). */
  context: Record<string, unknown>;
  /** Directory relative paths resolve against (the workflow file's folder). */
  baseDir: string;
  /** Per-attempt directories; a runner creates them if it needs them. */
  outputsDir: string;
  inputsDir: string;
  logDir: string;
  /** Environment entries the engine adds to every task (TANDEM_RUN_ID, TANDEM_OUTPUTS...). */
  env: Record<string, string>;
  /** Aborted on timeout or cancel; the runner must stop the task's whole process group. */
  signal: AbortSignal;
  /** Reports the process group id once the task's process exists, so cancel/resume can reach it. */
  onStarted(pid: number): void;
}

export interface RunnerResult {
  /** 0 is success; a non-zero code makes the attempt Failed. */
  exitCode: number | null;
  /** Signal that ended the process, if any. */
  signal?: string;
  /** Values returned by a node task (its output params), when the runner has them. */
  returned?: Record<string, unknown>;
  /** True when the log hit its size cap and later output was dropped. */
  logTruncated?: boolean;
  /** Says what happened, for the attempt's message (a workflow task names its child run). */
  message?: string;
}

/** Thrown (or rejected) by a runner when the task could not be started at all: an Error status. */
export class RunnerStartError extends TaskFailureError {
  readonly code = 'TASK_NOT_STARTED';
  readonly status = 'Error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerStartError';
  }
}

export interface Runner {
  run(execution: TaskExecution): Promise<RunnerResult>;
}

export type RunnerRegistry = Partial<Record<'process' | 'script' | 'node' | 'workflow', Runner>>;
