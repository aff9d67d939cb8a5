// examples/conditional-dag: the branch whose condition holds runs, the other is skipped, and the
// report runs after either. The TypeScript (SDK) version is the same workflow.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { EXAMPLES, exampleEnv, runExample, runSpec, type ExampleEnv, type ExampleRun } from './helpers.js';

async function logText(env: ExampleEnv, result: ExampleRun, task: string): Promise<string> {
  let text = '';
  for await (const chunk of env.engine.logs(result.run.id, task)) if (chunk.stream === 'stdout') text += chunk.text;
  return text;
}

describe('example: conditional-dag', () => {
  let env: ExampleEnv;
  before(async () => (env = await exampleEnv()));
  after(async () => env.close());

  it('publishes when the score reaches the threshold (default 0.75)', async () => {
    const result = await runExample(env, 'conditional-dag/workflow.yaml');
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.equal(result.output('measure', 'score'), 0.8);
    assert.equal(result.status('publish'), 'Succeeded');
    assert.equal(result.executions('publish').length, 1);
    assert.equal(result.status('quarantine'), 'Skipped');
    assert.match(result.message('quarantine') ?? '', /when: .* was false/);
    assert.equal(result.executions('quarantine').length, 0, 'a skipped task never runs');
    assert.equal(result.status('report'), 'Succeeded');
    assert.deepEqual(result.run.outputs, { score: 0.8, published: true });
    assert.equal(await logText(env, result, 'publish'), 'publishing: score 0.8 >= 0.75\n');
    assert.equal(await logText(env, result, 'report'), 'quality 0.8, threshold 0.75, published: true\n');
  });

  it('quarantines when the score is below the threshold', async () => {
    const result = await runExample(env, 'conditional-dag/workflow.yaml', { threshold: 0.9 });
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.equal(result.status('publish'), 'Skipped');
    assert.equal(result.executions('publish').length, 0);
    assert.equal(result.status('quarantine'), 'Succeeded');
    assert.equal(result.status('report'), 'Succeeded');
    assert.deepEqual(result.run.outputs, { score: 0.8, published: false });
    assert.equal(await logText(env, result, 'quarantine'), 'quarantining: score 0.8 < 0.9\n');
    // The report starts only after the branch that ran has finished.
    const branch = result.executions('quarantine')[0]!;
    assert.ok(result.executions('report')[0]!.startedAt! >= branch.finishedAt!);
  });

  it('workflow.ts (SDK) is the same workflow as workflow.yaml, and runs the same', async () => {
    const fromYaml = await loadWorkflowFile(join(EXAMPLES, 'conditional-dag/workflow.yaml'));
    const fromTs = await loadWorkflowFile(join(EXAMPLES, 'conditional-dag/workflow.ts'));
    assert.deepStrictEqual(fromTs.spec, fromYaml.spec);
    assert.equal(fromTs.baseDir, fromYaml.baseDir);
    for (const [threshold, published] of [[0.5, true], [0.85, false]] as const) {
      const result = await runSpec(env, fromTs.spec, fromTs.baseDir, { threshold });
      assert.equal(result.run.status, 'Succeeded', result.run.message);
      assert.equal(result.status(published ? 'publish' : 'quarantine'), 'Succeeded');
      assert.equal(result.status(published ? 'quarantine' : 'publish'), 'Skipped');
      assert.deepEqual(result.run.outputs, { score: 0.8, published });
    }
  });
});
