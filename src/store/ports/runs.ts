// The runs role: runs, their task runs, events, outputs, artifacts and metrics (the tables the
// engine writes as a run moves). Split in two: what anyone may read (reports, the API, watchers,
// tracking) and what only the process executing runs writes (creation, batched writes, ownership).
import type { ArtifactRef, RemoteRunRef, RunOrigin, RunRouting, RunStatus, TaskStatus } from '../../engines/model.js';
import type { WorkflowSpec } from '../../spec/schema.js';

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
  /** The experiment the run belongs to (see src/tracking/experiments.ts): set by the engine on submit. */
  experiment?: string;
  /** The router's decision (migration 007); absent on runs started before routing. */
  routing?: RunRouting;
  /** Submitted with noCache (`tandem run --no-cache`; migration 008): a resumed run keeps it. */
  noCache?: boolean;
  /**
   * Where the run lives on its remote engine (migration 011), once that engine created it there.
   * The engine a run is bound to is not stored in the record: engineOf(run) derives it from routing.
   */
  remote?: RemoteRunRef;
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

/**
 * One input a task run consumed (src/engines/local/consumed.ts): a resolved param value, or one
 * artifact (a list of artifacts, as a forEach fan-in, is one record per artifact with `index`).
 * Written with the run's other writes (StoreWrite `inputs`), read through the tracking role.
 */
export interface TaskInputRecord {
  runId: string;
  /** Task key: the task name, or `name[i]` for a forEach iteration. */
  task: string;
  /** The attempt whose inputs these are (the last one recorded wins). */
  attempt: number;
  /** The input's name; an artifact only referenced in runner fields is named `TASK.OUTPUT`. */
  name: string;
  kind: 'param' | 'artifact';
  /** The resolved value of a param input. */
  value?: unknown;
  /** The consumed artifact, for an artifact input. */
  artifact?: ArtifactRef;
  /** Position in a list of artifacts (a forEach task's output consumed whole). */
  index?: number;
  /** Which task output of the same run the artifact came from. */
  source?: { task: string; output: string };
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
  | { kind: 'metric'; record: MetricRecord }
  /** Records (or replaces) where the run lives on its remote engine. */
  | { kind: 'remote'; runId: string; remote: RemoteRunRef }
  /** Replaces everything recorded as consumed by (runId, task) with `inputs`. */
  | { kind: 'inputs'; runId: string; task: string; inputs: TaskInputRecord[] };

export interface RunFilter {
  status?: RunStatus[];
  workflow?: string;
  /** Only runs of this experiment. */
  experiment?: string;
  /** Only runs the router sent to this lane. */
  lane?: 'kubeflow' | 'argo' | 'hybrid';
  /** Only runs bound to this engine (`local`, `argo`, `kfp`; see engineOf). */
  engine?: string;
  limit?: number;
  /** Runs created before this id's creation (paging, newest first). */
  before?: string;
  /**
   * Only runs without an owner or with another one than this process identity: the candidates to
   * take over. A server looking every few seconds for orphaned runs skips its own thousands.
   */
  notOwnedBy?: string;
}

/** Reading runs and what they recorded: reports, the API, watchers, resume, tracking. */
export interface RunReader {
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Every attempt of every task of a run, ordered by task then attempt. */
  listTaskRuns(runId: string): Promise<TaskRunRecord[]>;
  listRunEvents(runId: string, afterSeq?: number): Promise<RunEventRecord[]>;
  listOutputs(runId: string): Promise<OutputRecord[]>;
  listArtifacts(runId: string): Promise<RunArtifactRecord[]>;
  listMetrics(runId: string): Promise<MetricRecord[]>;
}

/** What the engine executing runs writes: creation, its batched history, ownership, cancel requests. */
export interface RunWriter {
  /** Creates the run row (status Pending) and its first event, atomically. */
  createRun(run: RunRecord): Promise<void>;
  /**
   * Creates the run like createRun unless a run with this id exists; returns false (changing
   * nothing, and not comparing the records) when it does. For submitters that retry with the id a
   * trigger claim handed them.
   */
  createRunIfAbsent(run: RunRecord): Promise<boolean>;
  /** Applies writes in order in one transaction: a crash leaves a prefix of the engine's history. */
  applyWrites(writes: readonly StoreWrite[]): Promise<void>;
  /**
   * Takes ownership of a run if its current owner is `expectedOwner` (undefined: no owner).
   * Returns false when another process got there first.
   */
  claimRun(runId: string, owner: string, ownerPid: number, expectedOwner: string | undefined): Promise<boolean>;
  releaseRun(runId: string, owner: string): Promise<void>;
  requestCancel(runId: string): Promise<void>;
}

/** The whole runs role, as an adapter implements it and the runs contract suite checks it. */
export interface RunStore extends RunReader, RunWriter {}
