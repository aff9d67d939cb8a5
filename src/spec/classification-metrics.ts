// The ClassificationMetrics artifact's content format (KFP's system.ClassificationMetrics, as a
// JSON file), and its check: the engine runs it when a task produces one, so a malformed file fails
// the task that wrote it, not a later reader. What is shown of it is in tracking/classification.ts.
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
