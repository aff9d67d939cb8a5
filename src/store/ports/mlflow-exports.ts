// The MLflow-exports role: where the MLflow mirror's export of each run stands
// (src/tracking/mlflow/), and the lease that keeps two processes from exporting one run at once.
// An export belongs to a run: writing one for an unknown run is NotFoundError.

export type MlflowExportStatus = 'pending' | 'exported' | 'failed';

/** Where the MLflow mirror's export of one run stands (src/tracking/mlflow/). */
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

export interface MlflowExportStore {
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
}
