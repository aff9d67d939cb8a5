// The Store port. The engine, the CLI and (later) the server see state only through this
// interface; adapters (sqlite/, later postgres/) implement it and pass the same contract suite
// (test/store/contract.ts).
import type { ArtifactRef, OutputValue, RunOrigin, RunRouting, RunStatus, TaskStatus } from '../engines/model.js';
import type { IncomingEvent, StoredEvent } from '../events/model.js';
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
  /** The experiment the run belongs to (see src/tracking/experiments.ts): set by the engine on submit. */
  experiment?: string;
  /** The router's decision (migration 007); absent on runs started before routing. */
  routing?: RunRouting;
  /** Submitted with noCache (`tandem run --no-cache`; migration 008): a resumed run keeps it. */
  noCache?: boolean;
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
  /** Replaces everything recorded as consumed by (runId, task) with `inputs`. */
  | { kind: 'inputs'; runId: string; task: string; inputs: TaskInputRecord[] };

/** What a sensor holds between events (see SensorState.toJSON), and the tandem ids of those events. */
export interface SensorStateRecord {
  sensor: string;
  snapshot: unknown;
  /** `<source name>\u0000<source id>` -> tandem event id. */
  eventIds: Record<string, string>;
  updatedAt: number;
}

/** A metric the producing attempt reported, replayed into the run that reuses a cache entry. */
export interface CachedMetric {
  name: string;
  value: number;
  step?: number;
  time: number;
}

/** One component-cache entry: the outputs of a successful attempt, under its cache key. */
export interface CacheEntryRecord {
  /** sha256 hex of the task's key ingredients (src/engines/local/cache/key.ts). */
  key: string;
  /** Workflow of the run that produced the entry (informational: entries are shared across workflows). */
  workflow: string;
  /** Producing task key: the task name, or `name[i]` for a forEach iteration. */
  task: string;
  runId: string;
  outputs: Record<string, OutputValue>;
  metrics: CachedMetric[];
  createdAt: number;
  /** How many times the entry was reused, and when last. */
  hits: number;
  lastHitAt?: number;
}

export interface CacheEntryFilter {
  workflow?: string;
  /** Only keys starting with this (hex) prefix. */
  keyPrefix?: string;
  limit?: number;
}

export interface ExperimentSummary {
  name: string;
  runs: number;
  lastRunAt: number;
}

export interface RunFilter {
  status?: RunStatus[];
  workflow?: string;
  /** Only runs of this experiment. */
  experiment?: string;
  /** Only runs the router sent to this lane. */
  lane?: 'kubeflow' | 'argo' | 'hybrid';
  limit?: number;
  /** Runs created before this id's creation (paging, newest first). */
  before?: string;
}

export interface EventFilter {
  /** Only events from this event source (the configured `sourceName`, not the CloudEvents `source`). */
  source?: string;
  /** Only events of this CloudEvents `type`. */
  type?: string;
  status?: StoredEvent['status'];
  limit?: number;
  /** Events received before this event id's (paging, newest first); an unknown id is NotFoundError. */
  before?: string;
}

export interface RecordEventResult {
  /** The stored event's id: the one passed in, or the first record's for a duplicate. */
  eventId: string;
  /** True when (sourceName, id) was already recorded; nothing was changed. */
  duplicate: boolean;
}

/** The exactly-once commit point of one trigger firing: (sensor, trigger, key) → runId until expiresAt. */
export interface TriggerClaim {
  sensor: string;
  trigger: string;
  /** The dedup key, e.g. derived from the event ids or from a business key in the event data. */
  key: string;
  /** The run id to use if this claim wins; the caller submits the run only with the id it gets back. */
  runId: string;
  /** When the claim stops deduplicating (epoch ms); an expired claim may be replaced. */
  expiresAt: number;
  /** The events that fired the trigger; linked to the run for listRunsForEvent. */
  eventIds: string[];
}

export interface TriggerClaimResult {
  /** The run to submit (claimed) or that was already submitted or being submitted (not claimed). */
  runId: string;
  /** True when this call inserted the claim; false when an unexpired claim already held the key. */
  claimed: boolean;
}

/** A trigger that failed for good, kept for inspection and replay. */
export interface DeadLetter {
  sensor: string;
  trigger: string;
  eventIds: string[];
  error: string;
  attempts: number;
  /** When it was given up on (epoch ms). */
  time: number;
  /** The params the run would have been submitted with, when they were resolved. */
  params?: Record<string, unknown>;
}

export interface DeadLetterRecord extends DeadLetter {
  id: number;
}

/** Where the MLflow mirror's export of one run stands (src/tracking/mlflow/). */
/** A task holding a mutex or semaphore (see SyncLocks in the engine). */
export interface LockHolderRecord {
  /** `mutex/NAME` or `semaphore/NAME`. */
  lock: string;
  /** The task holding it: `RUN/TASK`. */
  holder: string;
  /** The process running that task (`host:pid:start`) and its pid. */
  owner: string;
  ownerPid: number;
  acquiredAt: number;
}

export interface LockAcquisition {
  acquired: boolean;
  /** When not acquired: who holds the lock now. */
  holders: LockHolderRecord[];
}

export type MlflowExportStatus = 'pending' | 'exported' | 'failed';

export interface MlflowExportRecord {
  runId: string;
  /** pending: due again at nextAttemptAt; exported: MLflow has the run; failed: given up (see lastError). */
  status: MlflowExportStatus;
  experimentId?: string;
  mlflowRunId?: string;
  /** Tries of the current export request (a new request starts again from 0). */
  attempts: number;
  lastError?: string;
  /** When a pending export is due (epoch ms). */
  nextAttemptAt?: number;
  /** How many of the run's metric rows (listMetrics order) MLflow already has. */
  metricsSent: number;
  /** When the last complete export finished. */
  exportedAt?: number;
  updatedAt: number;
}

export interface MlflowExportFilter {
  status?: MlflowExportStatus[];
  /** Only pending exports due at or before this time, earliest due first (instead of newest first). */
  dueBy?: number;
  limit?: number;
}

export interface DeadLetterFilter {
  sensor?: string;
  limit?: number;
}

export interface Store {
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

  // ---- Events, trigger claims, dead letters, cron state (the trigger layer) ----

  /**
   * Persists an event (status `received`) under `eventId`, unless (sourceName, id) is already
   * recorded: then returns the first record's eventId with `duplicate: true` and changes nothing.
   * `data` is stored as JSON text. An `eventId` already used by another event is a StoreError.
   */
  recordEvent(event: IncomingEvent, eventId: string, receivedAt: number): Promise<RecordEventResult>;
  getEvent(eventId: string): Promise<StoredEvent | undefined>;
  /** Newest first (receivedAt, then eventId, descending). */
  listEvents(filter?: EventFilter): Promise<StoredEvent[]>;
  /** Sets the status and the error (cleared when not given); NotFoundError for an unknown event. */
  setEventStatus(eventId: string, status: StoredEvent['status'], error?: string): Promise<void>;
  /**
   * Atomically, also across processes: when an unexpired claim (expiresAt > now) holds
   * (sensor, trigger, key), returns its runId with claimed=false; otherwise inserts the claim
   * (replacing an expired one) and returns claim.runId with claimed=true. Either way the claim's
   * eventIds are linked to the returned runId (see listRunsForEvent).
   */
  claimTrigger(claim: TriggerClaim, now: number): Promise<TriggerClaimResult>;
  /** Deletes claims with expiresAt <= now; returns how many. Event → run links are kept. */
  pruneTriggerClaims(now: number): Promise<number>;
  /**
   * Ids of the runs the event led to (through claimTrigger, whether it won the claim or was
   * deduplicated into an earlier one), in claim order; kept after the claims expire.
   */
  listRunsForEvent(eventId: string): Promise<string[]>;
  /** Appends a dead letter; returns its id (increasing). */
  recordDeadLetter(letter: DeadLetter): Promise<number>;
  /** Newest first. */
  listDeadLetters(filter?: DeadLetterFilter): Promise<DeadLetterRecord[]>;
  /** The last tick (epoch ms) fired for a cron schedule of a source, undefined before the first. */
  getCronTick(source: string, schedule: string): Promise<number | undefined>;
  /**
   * Records the last fired tick (upsert). Never moves backwards: a tick earlier than the stored
   * one is ignored, so a slow process cannot make catch-up fire a tick twice.
   */
  setCronTick(source: string, schedule: string, tick: number): Promise<void>;
  /** The state a sensor saved last, undefined when it never did. */
  loadSensorState(sensor: string): Promise<SensorStateRecord | undefined>;
  /** Replaces the sensor's saved state. */
  saveSensorState(record: SensorStateRecord): Promise<void>;

  // ---- Component cache (the embedded engine) ----

  /** The entry under this key, undefined when there is none. */
  getCacheEntry(key: string): Promise<CacheEntryRecord | undefined>;
  /** Stores the entry, replacing one under the same key (hits start again from the record's). */
  putCacheEntry(entry: CacheEntryRecord): Promise<void>;
  /** Counts one reuse of the entry; nothing happens when the key is gone. */
  recordCacheHit(key: string, time: number): Promise<void>;
  /** Newest first (createdAt, then key, descending). */
  listCacheEntries(filter?: CacheEntryFilter): Promise<CacheEntryRecord[]>;
  /** Deletes the entries under these keys; returns how many existed. */
  deleteCacheEntries(keys: readonly string[]): Promise<number>;
  /**
   * Deletes the entry only if it is still the one created at `createdAt` (a newer entry stored
   * meanwhile under the same key is kept); returns whether it deleted.
   */
  invalidateCacheEntry(key: string, createdAt: number): Promise<boolean>;
  /** Deletes entries created before `createdBefore` (epoch ms); returns how many. */
  pruneCacheEntries(createdBefore: number): Promise<number>;

  // ---- Tracking: what task runs consumed, artifacts by content, experiments ----

  /** What the task runs of a run consumed, ordered by task, name, index. */
  listTaskInputs(runId: string): Promise<TaskInputRecord[]>;
  /** Every task run that consumed the artifact with this digest (any run), oldest run first. */
  listArtifactConsumers(digest: string): Promise<TaskInputRecord[]>;
  /** Every recorded production of the artifact with this digest (any run), oldest run first. */
  listArtifactProducers(digest: string): Promise<RunArtifactRecord[]>;
  /** Distinct artifact digests starting with `prefix` (lowercase hex), sorted, at most `limit`. */
  findArtifactDigests(prefix: string, limit: number): Promise<string[]>;
  /** Experiment names with how many runs each has and when the newest was created, newest first. */
  listExperiments(): Promise<ExperimentSummary[]>;
  // ---- synchronization (mutexes and semaphores across processes) ----

  /**
   * Adds `request.holder` to the lock's holders when fewer than `limit` hold it, atomically across
   * every process using the store. A holder already there keeps its place (its owner is updated).
   * Not acquired: the current holders come back, so the caller can drop those whose process died.
   */
  acquireLock(request: LockHolderRecord, limit: number): Promise<LockAcquisition>;
  /** Removes a holder; a no-op when it holds nothing. */
  releaseLock(lock: string, holder: string): Promise<void>;
  /** Every holder of every lock, by lock, then oldest first. */
  listLocks(): Promise<LockHolderRecord[]>;
  // ---- MLflow mirror (src/tracking/mlflow/) ----

  /** The export state of a run, undefined when it was never exported. */
  getMlflowExport(runId: string): Promise<MlflowExportRecord | undefined>;
  /**
   * Stores the export state of a run, replacing the previous one; NotFoundError for an unknown run.
   * nextAttemptAt is kept for pending records only (a pending record without one is due at updatedAt).
   */
  putMlflowExport(record: MlflowExportRecord): Promise<void>;
  /** Newest update first, or with `dueBy` the due pending exports, earliest due first. */
  listMlflowExports(filter?: MlflowExportFilter): Promise<MlflowExportRecord[]>;
  /**
   * Takes (or, for the same holder, renews) the lease on exporting a run until `until`: true when
   * `holder` has it now, false while another holder's lease runs at `now`. Creates a pending export
   * record when there is none. NotFoundError for an unknown run. The lease is not part of
   * MlflowExportRecord: putMlflowExport leaves it as it is.
   */
  leaseMlflowExport(runId: string, holder: string, now: number, until: number): Promise<boolean>;
  /** Gives the lease back, if `holder` has it. */
  releaseMlflowExport(runId: string, holder: string): Promise<void>;
  /**
   * The earliest time a pending export is due (its nextAttemptAt, or when its lease runs out if
   * that is later), undefined when none is pending. listMlflowExports with `dueBy` leaves leased
   * exports out the same way.
   */
  nextMlflowExportDue(): Promise<number | undefined>;
  close(): Promise<void>;
}
