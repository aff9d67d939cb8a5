// The same workflow as workflow.yaml, written with the TypeScript SDK: references are typed, so
// `measure.outputs.scor` or an undeclared param does not compile. Run it the same way:
//   tandem run examples/conditional-dag/workflow.ts -p threshold=0.9
// In your own project, import from 'tandem/sdk'.
import { cel, output, param, params, ref, task, workflow } from '../../src/sdk/index.js';

const p = params({
  threshold: param.number({ default: 0.75, description: 'Lowest quality score that may be published.' }),
});

const measure = task.process({
  name: 'measure',
  command: 'node',
  args: ['measure.js'],
  outputs: { score: output.number({ stdout: 'score' }) },
});

const score = measure.outputs.score;

const publish = task.script({
  name: 'publish',
  when: cel`${score} >= ${p.threshold}`,
  source: `echo "publishing: score ${score} >= ${p.threshold}"`,
});

const quarantine = task.script({
  name: 'quarantine',
  when: cel`${score} < ${p.threshold}`,
  source: `echo "quarantining: score ${score} < ${p.threshold}"`,
});

const report = task.script({
  name: 'report',
  dependsOn: [publish, quarantine],
  inputs: { published: ref.expr(cel`${score} >= ${p.threshold}`) },
  source: `echo "quality ${score}, threshold ${p.threshold}, published: ${ref.input('published')}"
echo "${ref.input('published')}" > "$TANDEM_OUTPUTS/published"
`,
  outputs: { published: output.boolean() },
});

export default workflow({
  name: 'conditional-dag',
  description: 'Publish a dataset when its quality score reaches the threshold, quarantine it otherwise.',
  type: 'dag',
  params: p,
  tasks: [measure, publish, quarantine, report],
  outputs: { score, published: report.outputs.published },
});
