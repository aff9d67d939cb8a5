// What a `node` task's function receives as its second argument (see engines/local/runners/node-shim.js).
export interface TaskContext {
  runId: string;
  /** Task key: the task name, or `name[i]` for forEach item i. */
  task: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Write output files and artifacts here. */
  outputsDir: string;
  /** Artifact inputs are placed here. */
  inputsDir: string;
  metricsFile: string;
  /** Records a metric value, optionally at a training step. */
  metric(name: string, value: number, step?: number): void;
}

/** The shape of a node task's function: typed inputs in, an object of outputs (or nothing) out. */
export type TaskFunction<I = Record<string, unknown>, O extends Record<string, unknown> = Record<string, unknown>> = (
  inputs: I,
  context: TaskContext,
) => O | void | Promise<O | void>;
