// The Store port. The engine, the CLI and (later) the server see state only through this
// interface; adapters (sqlite/, later postgres/) implement it and pass the same contract suite
// (test/store/contract.ts).
import type { ArtifactRef, RunOrigin, RunStatus, TaskStatus } from '../engines/model.js';
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

/** What a sensor holds between events (see SensorState.toJSON), and the tandem ids of those events. */
export interface SensorStateRecord {
  sensor: string;
  snapshot: unknown;
  /** `<source name>\u0000<source id>` -> tandem event id. */
  eventIds: Record<string, string>;
  updatedAt: number;
}

export interface RunFilter {
  status?: RunStatus[];
  workflow?: string;
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
  close(): Promise<void>;
}
