// One try at mirroring one tandem run into MLflow, step by step: the experiment (created if
// missing), the MLflow run (found again by its tandem.run_id tag, created only when there is none),
// params and tags, the description, the metric points not sent yet, the artifacts, and last the
// status and end time. Progress (ids, metric points sent) is saved after each step that changes
// it, so a try cut short by an outage resumes without creating a second run or resending points.
import type { MetricRecord, RunReader, RunRecord } from '../../store/ports/runs.js';
import type { TrackingStore } from '../../store/ports/tracking.js';
import { isTerminalRunStatus } from '../../engines/model.js';
import { artifactFiles, proxyRoot, readArtifactFile } from './artifact-files.js';
import { metricBatches, paramAndTagBatches } from './batches.js';
import type { MlflowClient, MlflowMetric, MlflowRun } from './client.js';
import { MlflowError } from './errors.js';
import type { MlflowLimits } from './limits.js';
import {
  RUN_ID_TAG,
  buildParams,
  buildTags,
  describeRun,
  experimentName,
  metricId,
  metricKeys,
  mlflowStatus,
  runName,
  toMlflowMetric,
  type Notes,
} from './payload.js';

export interface ExportProgress {
  experimentId?: string;
  mlflowRunId?: string;
  metricsSent: number;
}

export interface ExportTarget {
  client: MlflowClient;
  /** Read only: what the run recorded, and what its task runs consumed (they become MLflow params). */
  store: RunReader & TrackingStore;
  limits: MlflowLimits;
  experimentPrefix: string;
}

export interface ExportSummary {
  experimentId: string;
  mlflowRunId: string;
  created: boolean;
  params: number;
  metricsSent: number;
  artifactsUploaded: number;
}

export async function exportOnce(
  target: ExportTarget,
  run: RunRecord,
  progress: ExportProgress,
  save: (progress: ExportProgress) => Promise<void>,
): Promise<ExportSummary> {
  const { client, store, limits } = target;
  const experimentId = await ensureExperiment(client, experimentName(run, target.experimentPrefix));
  if (progress.experimentId !== experimentId) progress = { experimentId, metricsSent: 0 };

  let mlflowRun = await findRun(client, experimentId, run.id, progress.mlflowRunId);
  const notes: Notes = { lines: [] };
  const tags = buildTags(run, limits, notes);
  const created = mlflowRun === undefined;
  if (mlflowRun === undefined) {
    mlflowRun = await client.createRun({ experimentId, runName: runName(run), startTime: run.startedAt ?? run.createdAt, tags });
    progress = { experimentId, mlflowRunId: mlflowRun.info.run_id, metricsSent: 0 };
    await save(progress);
  }
  const mlflowRunId = mlflowRun.info.run_id;

  const params = buildParams(run, await store.listTaskInputs(run.id), limits, notes);
  const metrics = await store.listMetrics(run.id);
  const keys = metricKeys(metrics, limits, notes);
  const keyOf = (m: MetricRecord) => keys.get(metricId(m.task, m.name)) ?? m.name;
  if (!created && progress.mlflowRunId !== mlflowRunId) {
    // A run exported before without a record of it here: count what MLflow already has.
    const sentBefore = await pointsAlreadyLogged(client, mlflowRunId, metrics.map((m) => toMlflowMetric(m, keyOf(m))));
    progress = { experimentId, mlflowRunId, metricsSent: sentBefore };
    await save(progress);
  }
  for (const batch of paramAndTagBatches(params, tags, limits)) await client.logBatch({ runId: mlflowRunId, ...batch });
  await client.setTag(mlflowRunId, 'mlflow.note.content', describeRun(run, notes).slice(0, limits.maxTagValueLength));

  let sent = Math.min(progress.metricsSent, metrics.length);
  const pending = metrics.slice(sent).map((m) => toMlflowMetric(m, keyOf(m)));
  for (const batch of metricBatches(pending, limits)) {
    await client.logBatch({ runId: mlflowRunId, metrics: batch });
    sent += batch.length;
    progress = { ...progress, metricsSent: sent };
    await save(progress);
  }

  const artifacts = await store.listArtifacts(run.id);
  let uploaded = 0;
  if (artifacts.length > 0) {
    const root = proxyRoot(await artifactUri(client, mlflowRun));
    for (const artifact of artifacts) {
      for (const file of await artifactFiles(artifact)) {
        await client.uploadArtifact(`${root}/${file.artifactPath}`, await readArtifactFile(file));
        uploaded += 1;
      }
    }
  }

  const terminal = isTerminalRunStatus(run.status);
  await client.updateRun({
    runId: mlflowRunId,
    status: mlflowStatus(run.status),
    runName: runName(run),
    ...(terminal && run.finishedAt !== undefined ? { endTime: run.finishedAt } : {}),
  });
  return { experimentId, mlflowRunId, created, params: params.length, metricsSent: sent, artifactsUploaded: uploaded };
}

/**
 * How long a prefix of `points` (in store order, the order exports send them) the MLflow run
 * already holds: each point matched once against the run's metric histories.
 */
async function pointsAlreadyLogged(client: MlflowClient, mlflowRunId: string, points: readonly MlflowMetric[]): Promise<number> {
  const have = new Map<string, number>();
  // Servers may send int64 fields as JSON strings; compare numbers.
  const identity = (p: MlflowMetric) => `${p.key}\u0000${Number(p.step ?? 0)}\u0000${Number(p.timestamp)}\u0000${String(p.value)}`;
  for (const key of new Set(points.map((p) => p.key))) {
    for (const point of await client.getMetricHistory(mlflowRunId, key)) {
      const id = identity(point);
      have.set(id, (have.get(id) ?? 0) + 1);
    }
  }
  let prefix = 0;
  for (const point of points) {
    const id = identity(point);
    const count = have.get(id) ?? 0;
    if (count === 0) break;
    have.set(id, count - 1);
    prefix += 1;
  }
  return prefix;
}

/** The experiment's id, creating it when missing (another exporter creating it meanwhile is fine). */
async function ensureExperiment(client: MlflowClient, name: string): Promise<string> {
  const found = await client.getExperimentByName(name);
  if (found !== undefined) {
    if (found.lifecycle_stage === 'deleted') {
      throw new MlflowError(
        `MLflow experiment ${JSON.stringify(name)} is deleted; restore it in MLflow, or delete it for good (mlflow gc) so tandem can create it again`,
        { retryable: false },
      );
    }
    return found.experiment_id;
  }
  try {
    return await client.createExperiment(name, [{ key: 'tandem.managed', value: 'true' }]);
  } catch (error) {
    if (error instanceof MlflowError && error.errorCode === 'RESOURCE_ALREADY_EXISTS') {
      const again = await client.getExperimentByName(name);
      if (again !== undefined) return again.experiment_id;
    }
    throw error;
  }
}

/** The MLflow run carrying this tandem run id, preferring `known` if several do. */
async function findRun(client: MlflowClient, experimentId: string, tandemRunId: string, known: string | undefined): Promise<MlflowRun | undefined> {
  const filter = `tags."${RUN_ID_TAG}" = '${tandemRunId.replace(/'/g, "\\'")}'`;
  const { runs } = await client.searchRuns({ experimentIds: [experimentId], filter, maxResults: 10 });
  if (runs.length === 0) return undefined;
  return runs.find((r) => r.info.run_id === known) ?? oldest(runs);
}

function oldest(runs: MlflowRun[]): MlflowRun | undefined {
  return [...runs].sort((a, b) => (a.info.start_time ?? 0) - (b.info.start_time ?? 0))[0];
}

/** Search answers carry the artifact URI; fall back to get-run when a server leaves it out. */
async function artifactUri(client: MlflowClient, run: MlflowRun): Promise<string | undefined> {
  if (run.info.artifact_uri !== undefined) return run.info.artifact_uri;
  return (await client.getRun(run.info.run_id)).info.artifact_uri;
}
