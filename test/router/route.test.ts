// route(): the examples' lanes and why, reasons that name features and tasks, overrides, purity,
// and the engine behind each lane.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LANES, decidingFeatures, defaultPolicy, laneEngines, resolveEngine, route, ruleContext, computeFeatures } from '../../src/router/index.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import { chain, mlTasks, task, workflow } from './specs.js';

async function example(name: string): Promise<WorkflowSpec> {
  return (await loadWorkflowFile(fileURLToPath(new URL(`../../examples/${name}/workflow.yaml`, import.meta.url)))).spec;
}

void describe('the examples', () => {
  void it('document-ingestion → argo: it declares type ingestion', async () => {
    const decision = route(await example('document-ingestion'));
    assert.equal(decision.lane, 'argo');
    assert.equal(decision.rule, 'declared-orchestration');
    assert.deepEqual(decision.deciding, ['declaredType']);
    assert.ok(decision.reasons.includes('It declares type ingestion.'), decision.reasons.join(' | '));
  });

  void it('document-ingestion without its type is still argo: no caching makes it not ML work, despite its Dataset outputs', async () => {
    const { type: _type, ...untyped } = await example('document-ingestion');
    const decision = route(untyped);
    assert.equal(decision.lane, 'argo');
    assert.equal(decision.rule, 'everything-else');
    assert.deepEqual(decision.features.evidence.dynamicFanOut, ['parse', 'embed']);
    assert.ok(decision.reasons.includes('No task caches its results.'), decision.reasons.join(' | '));
  });

  void it('conditional-dag → argo: it declares type dag (its when branches are what Argo runs)', async () => {
    const decision = route(await example('conditional-dag'));
    assert.equal(decision.lane, 'argo');
    assert.equal(decision.rule, 'declared-orchestration');
    assert.deepEqual(decision.features.evidence.conditions, ['publish', 'quarantine']);
  });

  for (const name of ['exit-handler', 'retry', 'timeout']) {
    void it(`${name} → argo: it declares type batch`, async () => {
      const decision = route(await example(name));
      assert.equal(decision.lane, 'argo');
      assert.equal(decision.rule, 'declared-orchestration');
      assert.ok(decision.reasons.includes('It declares type batch.'));
    });
  }

  void it('ml-training → kubeflow: it declares type ml-training', async () => {
    const decision = route(await example('ml-training'));
    assert.equal(decision.lane, 'kubeflow');
    assert.equal(decision.rule, 'declared-ml');
    assert.equal(decision.features.usesCaching, true);
    assert.deepEqual(decision.features.mlArtifacts, ['Dataset', 'Model', 'ClassificationMetrics']);
  });

  void it('ml-training without its type → hybrid: cached ML work, with evaluate fanning out over the trained models', async () => {
    const { type: _type, ...untyped } = await example('ml-training');
    const decision = route(untyped);
    assert.equal(decision.lane, 'hybrid');
    assert.equal(decision.rule, 'ml-in-orchestration');
    assert.deepEqual(decision.deciding, ['declaredType', 'usesCaching', 'emitsMetrics', 'mlArtifacts', 'dynamicFanOut']);
    const text = decision.reasons.join('\n');
    assert.match(text, /Caching is on for every task without its own cache block \(defaults\.cache\)\./);
    assert.match(text, /It passes ML artifacts: Dataset \(prepare\), Model \(train and select\), ClassificationMetrics \(evaluate\)\./);
    assert.match(text, /Task evaluate fans out over an upstream output/);
  });
});

void describe('reasons', () => {
  void it('start with the rule reason, then name the deciding features and their tasks', () => {
    const decision = route(workflow([...mlTasks(), task('gate', { when: 'params.go' })]));
    assert.equal(decision.reasons[0], defaultReason('ml-in-orchestration'));
    assert.ok(decision.reasons.includes('Caching is on for task train.'), decision.reasons.join(' | '));
    assert.ok(decision.reasons.includes('Task gate runs only when a condition holds.'), decision.reasons.join(' | '));
  });

  void it('name only the true sides of an `||`: artifacts decided, absent metrics did not', () => {
    const decision = route(workflow(mlTasks()));
    assert.equal(decision.rule, 'ml-pipeline');
    assert.ok(decision.deciding.includes('mlArtifacts'));
    assert.equal(decision.deciding.includes('emitsMetrics'), false);
  });

  void it('for the catch-all, say what kept the earlier rules from matching', () => {
    const decision = route(workflow(chain(2)));
    assert.equal(decision.rule, 'everything-else');
    assert.deepEqual(decision.deciding, ['taskLanes', 'declaredType', 'usesCaching']);
    assert.deepEqual(decision.reasons.slice(1), ['No task is marked for a lane.', 'It declares no type.', 'No task caches its results.']);
  });

  void it('decidingFeatures explains a non-match by the first false side of `&&`', () => {
    const spec = workflow([task('a', { cache: { enabled: true } })]);
    const rule = defaultPolicy().rules.find((r) => r.name === 'ml-pipeline');
    assert.ok(rule);
    const context = ruleContext(spec, computeFeatures(spec));
    assert.deepEqual(decidingFeatures(rule, context, false), ['emitsMetrics', 'mlArtifacts'], 'caching holds; metrics or artifacts is what failed');
  });
});

void describe('overrides and purity', () => {
  void it('an override is recorded with the lane the policy would have chosen', () => {
    const spec = workflow([task('a')], { type: 'batch' });
    const decision = route(spec, defaultPolicy(), { lane: 'kubeflow', by: 'cli' });
    assert.equal(decision.lane, 'kubeflow');
    assert.deepEqual(decision.overridden, { from: 'argo', by: 'cli' });
    assert.equal(decision.rule, 'declared-orchestration', 'the rule the policy matched is kept');
    assert.match(decision.reasons[0] ?? '', /chosen by --lane on the command line; the policy chooses argo \(rule declared-orchestration\)/);
    const api = route(spec, defaultPolicy(), { lane: 'hybrid', by: 'api' });
    assert.deepEqual(api.overridden, { from: 'argo', by: 'api' });
    assert.equal(route(spec).overridden, undefined);
  });

  void it('is pure: the same spec gives the same decision and is left unchanged', () => {
    const spec = workflow([...mlTasks(), task('gate', { when: 'params.go' })], { finally: [task('notify')] });
    const before = structuredClone(spec);
    assert.deepEqual(route(spec), route(spec));
    assert.deepEqual(spec, before);
  });
});

void describe('engines', () => {
  void it('every lane runs locally by default', () => {
    const config = { lanes: DEFAULT_LANES };
    for (const lane of ['kubeflow', 'argo', 'hybrid'] as const) assert.equal(resolveEngine(lane, config), 'local');
  });

  void it('hybrid is orchestrated by the argo lane engine and runs ML steps on the kubeflow lane engine', () => {
    const config = { lanes: { kubeflow: { engine: 'kfp' as const }, argo: { engine: 'argo' as const } } };
    assert.equal(resolveEngine('kubeflow', config), 'kfp');
    assert.equal(resolveEngine('argo', config), 'argo');
    assert.deepEqual(laneEngines('hybrid', config), { orchestration: 'argo', ml: 'kfp' });
  });
});

function defaultReason(name: string): string {
  return defaultPolicy().rules.find((r) => r.name === name)?.reason ?? '';
}
