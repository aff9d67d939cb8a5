// The strict IR validator: proto3-JSON decoding against the PipelineSpec descriptor (unknown keys
// and bad enum names rejected, enum names accepted), deploymentSpec checked as the executor config
// it is, the rules the proto cannot state, and every problem reported with a JSON-pointer path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireShared } from '../../helpers/shared.js';
import { validator } from './helpers.js';

function minimal(): Record<string, unknown> {
  return {
    pipelineInfo: { name: 'p' },
    schemaVersion: '2.1.0',
    sdkVersion: 'test',
    root: { dag: { tasks: { a: { componentRef: { name: 'comp-a' }, taskInfo: { name: 'a' }, triggerPolicy: { strategy: 'ALL_UPSTREAM_TASKS_COMPLETED' } } } } },
    components: { 'comp-a': { executorLabel: 'exec-a' } },
    deploymentSpec: { executors: { 'exec-a': { container: { image: 'busybox', command: ['true'] } } } },
  };
}

void describe('KFP IR validator', () => {
  void it('accepts a minimal pipeline with enum names', (t) => {
    if (!requireShared(t)) return;
    assert.deepEqual(validator().validate(minimal()), []);
  });

  void it('rejects an unknown key deep in the tree, with its path', (t) => {
    if (!requireShared(t)) return;
    const doc = minimal();
    (doc.root as { dag: { tasks: { a: Record<string, unknown> } } }).dag.tasks.a.timeout = '5s';
    const problems = validator().validate(doc);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.path, '/root/dag/tasks/a/timeout');
    assert.match(problems[0]?.message ?? '', /unknown/);
  });

  void it('rejects an unknown enum name and a wrong scalar type', (t) => {
    if (!requireShared(t)) return;
    const doc = minimal();
    const task = (doc.root as { dag: { tasks: { a: Record<string, unknown> } } }).dag.tasks.a;
    task.triggerPolicy = { strategy: 'SOMETIMES' };
    task.dependentTasks = 'b';
    const paths = validator().validate(doc).map((p) => p.path).sort();
    assert.deepEqual(paths, ['/root/dag/tasks/a/dependentTasks', '/root/dag/tasks/a/triggerPolicy/strategy']);
  });

  void it('checks deploymentSpec strictly although the proto types it as a Struct', (t) => {
    if (!requireShared(t)) return;
    const doc = minimal();
    doc.deploymentSpec = { executors: { 'exec-a': { container: { image: 'x', workingDir: '/tmp' } } } };
    assert.deepEqual(validator().validate(doc).map((p) => p.path), ['/deploymentSpec/executors/exec-a/container/workingDir']);
  });

  void it('requires a name, a schema version and resolvable references', (t) => {
    if (!requireShared(t)) return;
    const doc = minimal();
    doc.pipelineInfo = { name: '' };
    delete doc.schemaVersion;
    (doc.components as Record<string, unknown>)['comp-a'] = { executorLabel: 'exec-missing' };
    const task = (doc.root as { dag: { tasks: { a: Record<string, unknown> } } }).dag.tasks.a;
    task.dependentTasks = ['ghost'];
    task.inputs = { parameters: { x: { taskOutputParameter: { producerTask: 'ghost', outputParameterKey: 'o' } } } };
    const paths = validator().validate(doc).map((p) => p.path).sort();
    assert.deepEqual(paths, [
      '/components/comp-a/executorLabel',
      '/pipelineInfo/name',
      '/root/dag/tasks/a/dependentTasks/0',
      '/root/dag/tasks/a/inputs/parameters/x/taskOutputParameter/producerTask',
      '/schemaVersion',
    ]);
  });

  void it('rejects what is not an object, and an empty file', (t) => {
    if (!requireShared(t)) return;
    assert.match(validator().validate(null)[0]?.message ?? '', /expected a PipelineSpec object/);
    assert.match(validator().validateDocuments([])[0]?.message ?? '', /empty file/);
  });

  void it('checks a second document as a PlatformSpec', (t) => {
    if (!requireShared(t)) return;
    const problems = validator().validateDocuments([minimal(), { platforms: { kubernetes: { nope: 1 } } }]);
    assert.deepEqual(problems.map((p) => p.path), ['#2/platforms/kubernetes/nope']);
  });
});
