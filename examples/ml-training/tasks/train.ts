// train: fits one random forest (ml-random-forest) on the training set with one point of the
// hyperparameter sweep, and saves the model as JSON. Reports its training accuracy as a metric.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RandomForestClassifier } from 'ml-random-forest';
import type { DatasetFile } from './data.js';

export interface Hyperparameters {
  nEstimators: number;
  maxFeatures: number;
  maxDepth?: number;
}

interface Inputs {
  train: string;
  hyperparameters: Hyperparameters;
  seed: number;
}

interface Context {
  outputsDir: string;
  metric(name: string, value: number, step?: number): void;
}

export default async function train(inputs: Inputs, ctx: Context): Promise<{ trees: number }> {
  const data = JSON.parse(await readFile(inputs.train, 'utf8')) as DatasetFile;
  const { nEstimators, maxFeatures, maxDepth } = inputs.hyperparameters;
  const forest = new RandomForestClassifier({
    nEstimators,
    maxFeatures,
    seed: inputs.seed,
    noOOB: true,
    ...(maxDepth !== undefined ? { treeOptions: { maxDepth } } : {}),
  });
  forest.train(data.rows, data.labels);
  const predicted = forest.predict(data.rows);
  const correct = predicted.filter((label, i) => label === data.labels[i]).length;
  ctx.metric('train_accuracy', correct / data.labels.length);
  await writeFile(join(ctx.outputsDir, 'model.json'), JSON.stringify({ hyperparameters: inputs.hyperparameters, classes: data.classes, forest: forest.toJSON() }));
  return { trees: nEstimators };
}
