// evaluate: scores one trained model on the held-out test set. Writes a ClassificationMetrics
// artifact (class labels and the confusion matrix, rows = true class, columns = predicted) and
// reports accuracy and macro-averaged F1 as metrics and outputs.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import type { DatasetFile } from './data.js';

interface Inputs {
  model: string;
  test: string;
}

interface Context {
  outputsDir: string;
  metric(name: string, value: number, step?: number): void;
}

export default async function evaluate(inputs: Inputs, ctx: Context): Promise<{ accuracy: number; f1: number }> {
  const saved = JSON.parse(await readFile(inputs.model, 'utf8')) as { classes: string[]; forest: ReturnType<RandomForestClassifier['toJSON']> };
  const data = JSON.parse(await readFile(inputs.test, 'utf8')) as DatasetFile;
  const forest = RandomForestClassifier.load(saved.forest);
  const predicted = forest.predict(data.rows);
  const size = data.classes.length;
  const confusionMatrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  data.labels.forEach((truth, i) => confusionMatrix[truth]![predicted[i]!]! += 1);
  const correct = confusionMatrix.reduce((sum, row, i) => sum + row[i]!, 0);
  const accuracy = correct / data.labels.length;
  const f1PerClass = confusionMatrix.map((row, c) => {
    const truePositives = row[c]!;
    const predictedAs = confusionMatrix.reduce((sum, r) => sum + r[c]!, 0);
    const actually = row.reduce((sum, v) => sum + v, 0);
    const precision = predictedAs === 0 ? 0 : truePositives / predictedAs;
    const recall = actually === 0 ? 0 : truePositives / actually;
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  });
  const f1 = f1PerClass.reduce((sum, v) => sum + v, 0) / size;
  await writeFile(join(ctx.outputsDir, 'metrics.json'), JSON.stringify({ labels: data.classes, confusionMatrix }));
  ctx.metric('accuracy', accuracy);
  ctx.metric('f1', f1);
  return { accuracy: round(accuracy), f1: round(f1) };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
