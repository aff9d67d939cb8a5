// What is shown of a ClassificationMetrics artifact (its format and check are in
// spec/classification-metrics.ts): the summary `tandem show` prints — accuracy, per-class recall
// and precision, ROC AUC.
import type { ClassificationMetrics, RocPoint } from '../spec/classification-metrics.js';

interface ClassSummary {
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
