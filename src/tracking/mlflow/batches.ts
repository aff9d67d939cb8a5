// Splits params, tags and metric points into log-batch requests that respect MLflow's limits:
// counts per kind, entities per request, and the request's size in bytes. Order is kept, so
// metric histories arrive in the order tandem recorded them.
import type { MlflowMetric, MlflowTag } from './client.js';
import type { MlflowLimits } from './limits.js';

export interface LogBatchBody {
  metrics: MlflowMetric[];
  params: MlflowTag[];
  tags: MlflowTag[];
}

/** Room kept for the run id and the JSON around the lists. */
const ENVELOPE_BYTES = 256;

function bytesOf(entry: MlflowMetric | MlflowTag): number {
  return Buffer.byteLength(JSON.stringify(entry), 'utf8') + 1;
}

/**
 * Batches of params and tags (no metrics): params first, then tags. Each batch holds at most
 * maxParamsPerBatch params, maxTagsPerBatch tags and fits maxRequestBytes.
 */
export function paramAndTagBatches(params: readonly MlflowTag[], tags: readonly MlflowTag[], limits: MlflowLimits): LogBatchBody[] {
  const batches: LogBatchBody[] = [];
  let current: LogBatchBody = { metrics: [], params: [], tags: [] };
  let bytes = ENVELOPE_BYTES;
  const flush = () => {
    if (current.params.length + current.tags.length > 0) batches.push(current);
    current = { metrics: [], params: [], tags: [] };
    bytes = ENVELOPE_BYTES;
  };
  const add = (kind: 'params' | 'tags', entry: MlflowTag, max: number) => {
    const size = bytesOf(entry);
    const entities = current.params.length + current.tags.length;
    if (current[kind].length >= max || entities >= limits.maxEntitiesPerBatch || bytes + size > limits.maxRequestBytes) flush();
    current[kind].push(entry);
    bytes += size;
  };
  for (const param of params) add('params', param, limits.maxParamsPerBatch);
  for (const tag of tags) add('tags', tag, limits.maxTagsPerBatch);
  flush();
  return batches;
}

/** Metric points split into consecutive runs of at most maxMetricsPerBatch that fit maxRequestBytes. */
export function metricBatches(metrics: readonly MlflowMetric[], limits: MlflowLimits): MlflowMetric[][] {
  const max = Math.min(limits.maxMetricsPerBatch, limits.maxEntitiesPerBatch);
  const batches: MlflowMetric[][] = [];
  let current: MlflowMetric[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const metric of metrics) {
    const size = bytesOf(metric);
    if (current.length >= max || (current.length > 0 && bytes + size > limits.maxRequestBytes)) {
      batches.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(metric);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
