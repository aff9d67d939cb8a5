// select: picks the best model of the sweep by the workflow's declared metric (F1, higher is
// better; ties go to accuracy, then to the smaller forest) and records it as the run's model.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hyperparameters } from './train.js';

interface Inputs {
  /** The sweep's models, placed in one folder as 0, 1, 2... (in sweep order). */
  models: string;
  accuracy: number[];
  f1: number[];
  sweep: Hyperparameters[];
}

interface Context {
  outputsDir: string;
  metric(name: string, value: number, step?: number): void;
}

export default async function select(inputs: Inputs, ctx: Context): Promise<{ index: number; hyperparameters: Hyperparameters; f1: number; accuracy: number }> {
  if (inputs.f1.length === 0) throw new Error('the sweep produced no models');
  const order = inputs.f1.map((_, i) => i);
  order.sort((a, b) => inputs.f1[b]! - inputs.f1[a]! || inputs.accuracy[b]! - inputs.accuracy[a]! || inputs.sweep[a]!.nEstimators - inputs.sweep[b]!.nEstimators);
  const best = order[0]!;
  await copyFile(join(inputs.models, String(best)), join(ctx.outputsDir, 'best-model.json'));
  ctx.metric('f1', inputs.f1[best]!);
  ctx.metric('accuracy', inputs.accuracy[best]!);
  return { index: best, hyperparameters: inputs.sweep[best]!, f1: inputs.f1[best]!, accuracy: inputs.accuracy[best]! };
}
