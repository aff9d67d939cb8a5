// The tracking part of one run as `tandem show` prints it: final metric values per task, a
// summary of every ClassificationMetrics artifact, and the metadata tasks attached to artifacts.
import { readFile } from 'node:fs/promises';
import type { RunReader } from '../store/ports/runs.js';
import { parseClassificationMetrics } from '../spec/classification-metrics.js';
import { summarizeClassification, type ClassificationSummary } from './classification.js';
import { finalMetrics, type FinalMetric } from './metrics.js';
import { errorMessage } from '../util/error-message.js';

interface ClassificationReport {
  task: string;
  output: string;
  digest: string;
  summary?: ClassificationSummary;
  /** Why there is no summary (the stored content is gone or unreadable). */
  error?: string;
}

interface ArtifactMetadataReport {
  task: string;
  output: string;
  metadata: Record<string, unknown>;
}

export interface RunTracking {
  experiment?: string;
  metrics: FinalMetric[];
  classification: ClassificationReport[];
  artifactMetadata: ArtifactMetadataReport[];
}

export async function runTracking(store: RunReader, runId: string): Promise<RunTracking> {
  const [run, metrics, artifacts] = await Promise.all([store.getRun(runId), store.listMetrics(runId), store.listArtifacts(runId)]);
  const classification: ClassificationReport[] = [];
  for (const artifact of artifacts) {
    if (artifact.type !== 'ClassificationMetrics' || artifact.kind !== 'file') continue;
    const report: ClassificationReport = { task: artifact.task, output: artifact.name, digest: artifact.digest };
    try {
      report.summary = summarizeClassification(parseClassificationMetrics(await readFile(artifact.path, 'utf8')));
    } catch (error) {
      report.error = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `content missing from ${artifact.path}` : errorMessage(error);
    }
    classification.push(report);
  }
  return {
    ...(run?.experiment ? { experiment: run.experiment } : {}),
    metrics: finalMetrics(metrics),
    classification,
    artifactMetadata: artifacts.flatMap((a) => (a.metadata ? [{ task: a.task, output: a.name, metadata: a.metadata }] : [])),
  };
}
