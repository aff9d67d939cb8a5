// computeFeatures: every feature's value and evidence, from synthetic specs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeFeatures, featureValues, FEATURE_NAMES } from '../../src/router/index.js';
import { chain, task, workflow } from './specs.js';

void describe('computeFeatures', () => {
  void it('finds nothing in a plain one-task workflow', () => {
    const f = computeFeatures(workflow([task('only')]));
    assert.equal(f.declaredType, null);
    assert.deepEqual(f.taskLanes, []);
    for (const flag of ['usesCaching', 'emitsMetrics', 'dynamicFanOut', 'conditions', 'exitHandler', 'parallelismLimits', 'retryPolicies'] as const) {
      assert.equal(f[flag], false, flag);
    }
    assert.deepEqual(f.mlArtifacts, []);
    assert.equal(f.taskCount, 1);
    assert.equal(f.depth, 1);
    assert.equal(f.width, 1);
  });

  void it('caching: defaults.cache for tasks that inherit it, a task by name for its own block, enabled: false turns it off', () => {
    const inherited = computeFeatures(workflow([task('a')], { defaults: { cache: { enabled: true } } }));
    assert.equal(inherited.usesCaching, true);
    assert.deepEqual(inherited.evidence.usesCaching, ['defaults.cache']);

    const own = computeFeatures(workflow([task('a', { cache: { maxAge: '1h' } }), task('b')]));
    assert.deepEqual(own.evidence.usesCaching, ['a'], 'a cache block without enabled is on');

    const allOff = computeFeatures(workflow([task('a', { cache: { enabled: false } })], { defaults: { cache: { enabled: true } } }));
    assert.equal(allOff.usesCaching, false, 'every task opts out, so defaults.cache caches nothing');

    const defaultsOff = computeFeatures(workflow([task('a', { cache: { version: '2' } })], { defaults: { cache: { enabled: false } } }));
    assert.equal(defaultsOff.usesCaching, false, 'the task block inherits enabled: false from defaults');
  });

  void it('metrics: declared metrics and Metrics/ClassificationMetrics outputs, with their places', () => {
    const declared = computeFeatures(workflow([task('a')], { metrics: { accuracy: { direction: 'max' } } }));
    assert.equal(declared.emitsMetrics, true);
    assert.deepEqual(declared.evidence.emitsMetrics, ['metrics.accuracy']);

    const output = computeFeatures(workflow([task('score', { outputs: { m: { type: 'ClassificationMetrics', path: 'm.json' } } })]));
    assert.equal(output.emitsMetrics, true);
    assert.deepEqual(output.evidence.emitsMetrics, ['score']);

    const plainNumber = computeFeatures(workflow([task('score', { outputs: { accuracy: { type: 'number' } } })]));
    assert.equal(plainNumber.emitsMetrics, false, 'a number output is not a metrics artifact');
  });

  void it('ML artifacts: output and typed input types, in a fixed order; HTML and untyped artifacts do not count', () => {
    const f = computeFeatures(
      workflow([
        task('prep', { outputs: { data: { type: 'Dataset' }, report: { type: 'HTML' }, raw: { type: 'artifact' } } }),
        task('train', { inputs: { data: { value: '{{ tasks.prep.outputs.data }}', type: 'Dataset' } }, outputs: { model: { type: 'Model' } } }),
      ]),
    );
    assert.deepEqual(f.mlArtifacts, ['Dataset', 'Model']);
    assert.deepEqual(f.evidence.mlArtifacts, ['prep.outputs.data (Dataset)', 'train.outputs.model (Model)', 'train.inputs.data (Dataset)']);
  });

  void it('dynamic fan-out only for forEach over an upstream output, not over params or literals', () => {
    const f = computeFeatures(
      workflow([
        task('list', { outputs: { files: { type: 'json' } } }),
        task('each', { forEach: '{{ tasks.list.outputs.files }}' }),
        task('sweep', { forEach: '{{ params.grid }}' }),
        task('fixed', { forEach: [1, 2, 3] }),
        task('range', { forEach: { count: 3 } }),
      ]),
    );
    assert.equal(f.dynamicFanOut, true);
    assert.deepEqual(f.evidence.dynamicFanOut, ['each']);
  });

  void it('conditions, exit handler, parallelism limits and retries name their tasks', () => {
    const f = computeFeatures(
      workflow(
        [
          task('gate', { when: 'params.go' }),
          task('fan', { forEach: [1, 2], parallelism: 2, retry: { limit: 0 } }),
          task('locked', { synchronization: { mutex: 'db' }, retry: { limit: 3 } }),
        ],
        { parallelism: 4, finally: [task('notify'), task('cleanup', { when: 'run.status == "Failed"' })] },
      ),
    );
    assert.deepEqual(f.evidence.conditions, ['gate', 'cleanup']);
    assert.deepEqual(f.evidence.exitHandler, ['notify', 'cleanup']);
    assert.deepEqual(f.evidence.parallelismLimits, ['workflow.parallelism', 'fan', 'locked']);
    assert.deepEqual(f.evidence.retryPolicies, ['locked'], 'a retry limit of 0 retries nothing');
    assert.equal(f.taskCount, 5, 'finally tasks count');
  });

  void it('depth is the longest chain, width the most tasks on one level', () => {
    const deep = computeFeatures(workflow(chain(6)));
    assert.equal(deep.depth, 6);
    assert.deepEqual(deep.evidence.depth, ['t1', 't2', 't3', 't4', 't5', 't6']);
    assert.equal(deep.width, 1);

    // a -> (b, c, d) -> e, plus data references imply dependencies.
    const diamond = computeFeatures(
      workflow([
        task('a', { outputs: { x: { type: 'integer' } } }),
        task('b', { inputs: { x: '{{ tasks.a.outputs.x }}' } }),
        task('c', { dependsOn: ['a'] }),
        task('d', { dependsOn: ['a'] }),
        task('e', { dependsOn: ['b', 'c', 'd'] }),
      ]),
    );
    assert.equal(diamond.depth, 3);
    assert.equal(diamond.width, 3);
    assert.deepEqual(diamond.evidence.width, ['b', 'c', 'd']);
  });

  void it('task lanes are the distinct marks, sorted, with each marked task as evidence', () => {
    const f = computeFeatures(workflow([task('fit', { lane: 'kubeflow' }), task('load', { lane: 'argo' }), task('more', { lane: 'kubeflow' })]));
    assert.deepEqual(f.taskLanes, ['argo', 'kubeflow']);
    assert.deepEqual(f.evidence.taskLanes, ['fit (kubeflow)', 'load (argo)', 'more (kubeflow)']);
  });

  void it('featureValues keeps every feature and drops the evidence', () => {
    const values = featureValues(computeFeatures(workflow([task('a')], { type: 'dag' })));
    assert.deepEqual(Object.keys(values).sort(), [...FEATURE_NAMES].sort());
    assert.equal(values.declaredType, 'dag');
    assert.equal('evidence' in values, false);
  });
});
