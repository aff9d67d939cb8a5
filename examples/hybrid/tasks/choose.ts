// choose: of the retraining sub-pipelines (one per seed), keeps the one whose best model has the
// highest F1; ties go to the first seed.
interface Inputs {
  seeds: number[];
  f1: number[];
}

export default function choose(inputs: Inputs): { seed: number; f1: number } {
  if (inputs.f1.length === 0) throw new Error('no retraining finished');
  let best = 0;
  inputs.f1.forEach((value, i) => {
    if (value > inputs.f1[best]!) best = i;
  });
  return { seed: inputs.seeds[best]!, f1: inputs.f1[best]! };
}
