// The Store port. The engine, the CLI and (later) the server see state only through this
// interface; adapters (sqlite/, later postgres/) implement it and pass the same contract suite
// (test/store/contract.ts).
import type { ArtifactRef, RunOrigin, RunStatus, TaskStatus } from '../engines/model.js';
import type { WorkflowSpec } from '../spec/schema.js';

export interface RunRecord {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  message?: string;
  params: Record<string, unknown>;
  /** The validated spec the run executes, frozen at submit time. */
  spec: WorkflowSpec;
  /** Directory relative paths in the spec resolve against (the workflow file's folder). */
  baseDir: string;
  /** The file the workflow came from, when it came from one. */
  sourceFile?: string;
  origin: RunOrigin;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Identity of the process executing the run (`host:pid:boot`), cleared when it ends. */
  owner?: string;
  ownerPid?: number;
  cancelRequested: boolean;
  /** Workflow-level outputs, once the run has finished. */
  outputs?: Record<string, unknown>;
}

/** One attempt of one task (or of one forEach iteration: task `name[i]`). */
export interface TaskRunRecord {
  runId: string;
  task: string;
  attempt: number;
  status: TaskStatus;
  message?: string;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  signal?: string;
  /** Process group of a running process task, so a later `cancel` or `resume` can stop it. */
  pid?: number;
  logDir?: string;
}

export interface RunEventRecord {
  seq: number;
  runId: string;
  time: number;
  task?: string;
  attempt?: number;
  status: string;
  message?: string;
}

export interface OutputRecord {
  runId: string;
  task: string;
  name: string;
  kind: 'param' | 'artifact';
  /** JSON value for params; ArtifactRef for artifacts. */
  value: unknown;
}

export interface RunArtifactRecord extends ArtifactRef {
  runId: string;
  task: string;
  name: string;
  /** Where the content lives in the content-addressed store. */
  path: string;
}

export interface MetricRecord {
  runId: string;
  task: string;
  name: string;
  value: number;
  step?: number;
  time: number;
}

/** A write the engine batches; applyWrites applies a list of them in one transaction, in order. */
export type StoreWrite =
  | { kind: 'run'; runId: string; status: RunStatus; time: number; message?: string; outputs?: Record<string, unknown> }
  | { kind: 'taskRun'; record: TaskRunRecord }
  | { kind: 'event'; runId: string; time: number; task?: string; attempt?: number; status: string; message?: string }
  | { kind: 'output'; record: OutputRecord }
  | { kind: 'artifact'; record: RunArtifactRecord }
  | { kind: 'metric'; record: MetricRecord };

export interface RunFilter {
  status?: RunStatus[];
  workflow?: string;
  limit?: number;
  /** Runs created before this id's creation (paging, newest first). */
  before?: string;
}

export interface Store {
  /** Creates the run row (status Pending) and its first event, atomically. */
  createRun(run: RunRecord): Promise<void>;
  /** Applies writes in order in one transaction: a crash leaves a prefix of the engine's history. */
  applyWrites(writes: readonly StoreWrite[]): Promise<void>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Every attempt of every task of a run, ordered by task then attempt. */
  listTaskRuns(runId: string): Promise<TaskRunRecord[]>;
  listRunEvents(runId: string, afterSeq?: number): Promise<RunEventRecord[]>;
  listOutputs(runId: string): Promise<OutputRecord[]>;
  listArtifacts(runId: string): Promise<RunArtifactRecord[]>;
  listMetrics(runId: string): Promise<MetricRecord[]>;
  /**
   * Takes ownership of a run if its current owner is `expectedOwner` (undefined: no owner).
   * Returns false when another process got there first.
   */
  claimRun(runId: string, owner: string, ownerPid: number, expectedOwner: string | undefined): Promise<boolean>;
  releaseRun(runId: string, owner: string): Promise<void>;
  requestCancel(runId: string): Promise<void>;
  close(): Promise<void>;
}
