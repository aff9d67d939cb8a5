// The ClassificationMetrics artifact: its JSON content format, the check the engine runs when a
// task produces one (so a malformed file fails the task that wrote it, not a later reader), and
// the summary `tandem show` prints (accuracy, per-class recall and precision, ROC AUC).
//
//   { "labels": ["cat", "dog"],
//     "confusionMatrix": [[8, 2], [1, 9]],          row = actual label, column = predicted label
//     "rocCurve": [{ "fpr": 0, "tpr": 0, "threshold": 1 }, ...] }   optional
import { TandemError } from '../errors.js';
import { errorMessage } from '../util/error-message.js';
import { isRecord } from '../util/is-record.js';

export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number;
}

export interface ClassificationMetrics {
  labels: string[];
  /** confusionMatrix[actual][predicted]: counts, one row and one column per label. */
  confusionMatrix: number[][];
  rocCurve?: RocPoint[];
}

export interface ClassSummary {
  label: string;
  /** Of the samples whose actual label this is, the share predicted as it (null: no such samples). */
  recall: number | null;
  /** Of the samples predicted as this label, the share that were it (null: never predicted). */
  precision: number | null;
  support: number;
}

export interface ClassificationSummary {
  samples: number;
  /** Correct predictions over all samples (null when the matrix is all zeros). */
  accuracy: number | null;
  classes: ClassSummary[];
  /** Area under the ROC curve by the trapezoid rule, when a curve was given. */
  rocAuc?: number;
  rocPoints?: number;
}

/** ClassificationMetrics content that does not follow the format; says where and what to write. */
export class ClassificationMetricsError extends TandemError {
  readonly code = 'CLASSIFICATION_METRICS';
  constructor(readonly problem: string) {
    super(
      `${problem}; expected {"labels": [..], "confusionMatrix": [[..], ..], "rocCurve"?: [{"fpr", "tpr", "threshold"}, ..]} with one row and one column per label (see docs/tracking.md)`,
    );
    this.name = 'ClassificationMetricsError';
  }
}


/** Parses and checks ClassificationMetrics JSON text; throws ClassificationMetricsError naming the first problem. */
export function parseClassificationMetrics(text: string): ClassificationMetrics {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ClassificationMetricsError(`the content is not JSON (${errorMessage(error)})`);
  }
  return validateClassificationMetrics(parsed);
}

export function validateClassificationMetrics(value: unknown): ClassificationMetrics {
  if (!isRecord(value)) throw new ClassificationMetricsError('the content is not a JSON object');
  const unknown = Object.keys(value).filter((key) => !['labels', 'confusionMatrix', 'rocCurve'].includes(key));
  if (unknown.length > 0) throw new ClassificationMetricsError(`unknown field ${JSON.stringify(unknown[0])}`);
  const { labels, confusionMatrix, rocCurve } = value;
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) {
    throw new ClassificationMetricsError('"labels" must be a non-empty list of strings');
  }
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate !== undefined) throw new ClassificationMetricsError(`label ${JSON.stringify(duplicate)} appears twice in "labels"`);
  if (!Array.isArray(confusionMatrix)) throw new ClassificationMetricsError('"confusionMatrix" must be a list of rows');
  if (confusionMatrix.length !== labels.length) {
    throw new ClassificationMetricsError(`"confusionMatrix" has ${confusionMatrix.length} rows for ${labels.length} labels`);
  }
  confusionMatrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== labels.length) {
      const found = Array.isArray(row) ? `${row.length} values` : JSON.stringify(row);
      throw new ClassificationMetricsError(`"confusionMatrix" row ${i} (label ${JSON.stringify(labels[i])}) has ${found}, expected ${labels.length}`);
    }
    row.forEach((count: unknown, j) => {
      if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
        throw new ClassificationMetricsError(`"confusionMatrix"[${i}][${j}] is ${JSON.stringify(count)}, expected a count >= 0`);
      }
    });
  });
  const result: ClassificationMetrics = { labels: labels as string[], confusionMatrix: confusionMatrix as number[][] };
  if (rocCurve !== undefined) result.rocCurve = validateRoc(rocCurve);
  return result;
}

function validateRoc(curve: unknown): RocPoint[] {
  if (!Array.isArray(curve)) throw new ClassificationMetricsError('"rocCurve" must be a list of {fpr, tpr, threshold} points');
  return curve.map((point: unknown, i) => {
    if (!isRecord(point)) throw new ClassificationMetricsError(`"rocCurve"[${i}] is not an object`);
    for (const key of ['fpr', 'tpr'] as const) {
      const v = point[key];
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new ClassificationMetricsError(`"rocCurve"[${i}].${key} is ${JSON.stringify(v)}, expected a number from 0 to 1`);
      }
    }
    // JSON has no Infinity: a curve's first threshold is often written as a large number or null.
    const threshold = point.threshold;
    if (threshold !== null && (typeof threshold !== 'number' || Number.isNaN(threshold))) {
      throw new ClassificationMetricsError(`"rocCurve"[${i}].threshold is ${JSON.stringify(threshold)}, expected a number`);
    }
    return { fpr: point.fpr as number, tpr: point.tpr as number, threshold: threshold ?? Number.POSITIVE_INFINITY };
  });
}

export function summarizeClassification(metrics: ClassificationMetrics): ClassificationSummary {
  const n = metrics.labels.length;
  let samples = 0;
  let correct = 0;
  const predicted = new Array<number>(n).fill(0);
  const actual = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const count = metrics.confusionMatrix[i]?.[j] ?? 0;
      samples += count;
      actual[i]! += count;
      predicted[j]! += count;
      if (i === j) correct += count;
    }
  }
  const classes = metrics.labels.map((label, i): ClassSummary => {
    const hit = metrics.confusionMatrix[i]?.[i] ?? 0;
    return {
      label,
      recall: actual[i]! > 0 ? hit / actual[i]! : null,
      precision: predicted[i]! > 0 ? hit / predicted[i]! : null,
      support: actual[i]!,
    };
  });
  const summary: ClassificationSummary = { samples, accuracy: samples > 0 ? correct / samples : null, classes };
  if (metrics.rocCurve && metrics.rocCurve.length > 0) {
    summary.rocAuc = rocAuc(metrics.rocCurve);
    summary.rocPoints = metrics.rocCurve.length;
  }
  return summary;
}

/** Trapezoid area under the curve, points ordered by fpr (then tpr); (0,0) and (1,1) are implied. */
export function rocAuc(curve: readonly RocPoint[]): number {
  const points = [{ fpr: 0, tpr: 0 }, ...[...curve].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr), { fpr: 1, tpr: 1 }];
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

/** One line for `tandem show`: "accuracy 0.850 on 20 samples, 2 classes, ROC AUC 0.912". */
export function describeClassification(summary: ClassificationSummary): string {
  const parts = [
    summary.accuracy === null ? 'no samples' : `accuracy ${summary.accuracy.toFixed(3)} on ${summary.samples} samples`,
    `${summary.classes.length} class${summary.classes.length === 1 ? '' : 'es'}`,
  ];
  if (summary.rocAuc !== undefined) parts.push(`ROC AUC ${summary.rocAuc.toFixed(3)}`);
  return parts.join(', ');
}
