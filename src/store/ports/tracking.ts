// The tracking role: queries across runs for lineage and comparison — what task runs consumed,
// artifacts by content digest, experiments. Read-only: what it reads is written with a run's
// history (StoreWrite `inputs` and `artifact`, and the run's experiment), through the runs role.
import type { RunArtifactRecord, TaskInputRecord } from './runs.js';

export interface ExperimentSummary {
  name: string;
  runs: number;
  lastRunAt: number;
}

export interface TrackingStore {
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
}
