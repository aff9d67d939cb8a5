// What a real Argo installation needs of the compiled manifests beyond the schema (issue 12):
// DAG task names without '_' (mapped back to tandem's names by an annotation), memoization keys
// the ConfigMap cache accepts, the semaphore limit emitted as a ConfigMap, CronWorkflow names of
// at most 52 characters, and a loop's artifacts passed on through keys in the artifact repository.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { argoSupportingObjects, compileToArgo } from '../../../src/engines/argo/compile/index.js';
import { compileHybrid } from '../../../src/engines/hybrid/compile.js';
import { loadWorkflowFile, validateWorkflow } from '../../../src/spec/index.js';
import { compile, dagTask, sh, template, type Json } from './helpers.js';

const ROOT = join(import.meta.dirname, '../../..');
const CACHE_KEY = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

void describe('argo fidelity: task names', () => {
  void it('renames check_data in the hybrid example everywhere Argo reads it, and maps it back', async () => {
    const { spec, baseDir } = await loadWorkflowFile(join(ROOT, 'examples/hybrid/workflow.yaml'));
    const manifest = (await compileHybrid(spec, baseDir)).workflow as Json;
    const text = JSON.stringify(manifest.spec);
    // Only TANDEM_TASK, tandem's own name for the task, keeps it.
    assert.doesNotMatch(text, /"(name|template|depends)":"[^"]*check_data|tasks\.check_data/, 'no Argo name or reference keeps the underscore');
    assert.match(text, /"name":"TANDEM_TASK","value":"check_data"/);
    const names = template(manifest, 'tandem-main').dag.tasks.map((task: Json) => task.name as string);
    assert.ok(names.includes('check-data'), names.join(', '));
    assert.match(dagTask(manifest, 'retrain').depends, /\bcheck-data\b/);
    assert.deepEqual(JSON.parse(manifest.metadata.annotations['tandem.dev/task-names']), { 'check-data': 'check_data' });
  });

  void it('keeps names apart that would meet, and names a task by one name in DAG, template and references', () => {
    const m = compile({ tasks: [{ name: 'a_b', ...sh('x'), outputs: { o: {} } }, { name: '_a_b', inputs: { o: '{{ tasks.a_b.outputs.o }}' }, ...sh('x') }] });
    assert.deepEqual(template(m, 'tandem-main').dag.tasks.map((t: Json) => [t.name, t.template]), [['a-b', 'a-b'], ['a-b-2', 'a-b-2']]);
    assert.equal(dagTask(m, 'a-b-2').arguments.parameters[0].value, '{{tasks.a-b.outputs.parameters.o}}');
    assert.equal(dagTask(m, 'a-b-2').depends, 'a-b');
  });
});

void describe('argo fidelity: memoize keys', () => {
  void it('writes keys whose text around the run-time hash is a valid ConfigMap cache key', () => {
    const m = compile({ params: { p: { type: 'string', default: 'a/b c' } }, tasks: [{ name: 'cached_task', cache: { version: 'v/2', key: ['{{ params.p }}/x'] }, inputs: { x: 'y/z' }, ...sh('{{ params.p }}') }] });
    const key = template(m, 'cached-task').memoize.key as string;
    assert.match(key.replace(/\{\{=.*\}\}$/, 'h'), CACHE_KEY);
    assert.match(key, /-\{\{=sprig\.sha256sum\(toJson\(\[\("" \+ workflow\.parameters\.p \+ "\/x"\)|-\{\{=sprig\.sha256sum\(toJson\(\[\(workflow\.parameters\.p \+ "\/x"\)/);
  });

  void it('gives a key without run-time values no hash expression, and different definitions different keys', () => {
    const a = template(compile({ tasks: [{ name: 'a', cache: {}, ...sh('x') }] }), 'a').memoize.key as string;
    const b = template(compile({ tasks: [{ name: 'a', cache: {}, ...sh('y') }] }), 'a').memoize.key as string;
    assert.match(a, CACHE_KEY);
    assert.notEqual(a, b);
  });
});

void describe('argo fidelity: semaphores', () => {
  void it('emits the ConfigMap and key each semaphore reads its limit from', () => {
    const spec = validateWorkflow({ name: 'wf', tasks: [{ name: 'a', synchronization: { semaphore: { name: 'gpu_pool', limit: 3 } }, ...sh('x') }] }, { file: 't.yaml' });
    const ref = (template(compileToArgo(spec) as Json, 'a').synchronization as Json).semaphores[0].configMapKeyRef as { name: string; key: string };
    const objects = argoSupportingObjects(spec) as Json[];
    assert.equal(objects.length, 1);
    assert.equal(objects[0]!.kind, 'ConfigMap');
    assert.equal(objects[0]!.metadata.name, ref.name);
    assert.match(ref.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    assert.deepEqual(objects[0]!.data, { [ref.key]: '3' });
  });

  void it('refuses one semaphore declared with two limits', () => {
    const spec = validateWorkflow({ name: 'wf', tasks: [{ name: 'a', synchronization: { semaphore: { name: 's', limit: 1 } }, ...sh('x') }, { name: 'b', synchronization: { semaphore: { name: 's', limit: 2 } }, ...sh('x') }] }, { file: 't.yaml' });
    assert.throws(() => argoSupportingObjects(spec), /semaphore s is declared with limits 1 and 2/);
  });
});

void describe('argo fidelity: CronWorkflow names', () => {
  const cron = (name: string): string => compile({ name, tasks: [{ name: 'a', ...sh('x') }] }, { schedule: { schedules: ['0 * * * *'] } }).metadata.name as string;
  void it('cuts a long name to 52 characters, deterministically, keeping two long names apart', () => {
    const long = `${'nightly-'.repeat(7)}a`;
    assert.ok(cron(long).length <= 52, cron(long));
    assert.equal(cron(long), cron(long));
    assert.notEqual(cron(long), cron(`${long}b`));
    assert.equal(cron('short'), 'short');
  });
});

void describe('argo fidelity: artifacts of a loop', () => {
  const loopDoc = {
    tasks: [
      { name: 'each', forEach: [1, 2], ...sh('x'), outputs: { part: { type: 'Dataset', path: 'p.json' } } },
      { name: 'per', forEach: '{{ tasks.each.outputs.part }}', inputs: { part: '{{ item }}' }, ...sh('cat {{ item }}') },
      { name: 'all', inputs: { parts: '{{ tasks.each.outputs.part }}' }, ...sh('ls {{ inputs.parts }}') },
    ],
  };

  void it('writes each iteration at a key under the run, reports it, and reads the prefix or the keys', () => {
    const m = compile(loopDoc);
    const producer = template(m, 'each');
    assert.deepEqual(producer.outputs.artifacts[0].s3, { key: '{{workflow.uid}}/each/part/items/{{=sprig.sha256sum(node.name)}}' });
    assert.deepEqual(producer.outputs.artifacts[0].archive, { none: {} });
    assert.deepEqual(producer.outputs.parameters, [{ name: 'tandem-key-part', value: producer.outputs.artifacts[0].s3.key }]);
    assert.equal(dagTask(m, 'per').withParam, '{{tasks.each.outputs.parameters.tandem-key-part}}');
    assert.deepEqual(dagTask(m, 'per').arguments.artifacts[0], { name: 'part', s3: { key: '{{item}}' } });
    assert.equal(template(m, 'per').script.source, 'cat {{inputs.artifacts.tandem-item.path}}');
    assert.deepEqual(dagTask(m, 'all').arguments.artifacts, [{ name: 'parts', s3: { key: '{{workflow.uid}}/each/part/items' } }]);
  });

  void it('uses the configured bucket, key prefix and repository', () => {
    const secret = { name: 'minio', key: 'accesskey' };
    const s3 = compile(loopDoc, { artifacts: { s3: { endpoint: 'minio:9000', bucket: 'b', insecure: true, keyPrefix: 'tandem', accessKeySecret: secret } } });
    assert.deepEqual(dagTask(s3, 'all').arguments.artifacts[0].s3, { endpoint: 'minio:9000', bucket: 'b', insecure: true, accessKeySecret: secret, key: 'tandem/{{workflow.uid}}/each/part/items' });
    const gcs = compile(loopDoc, { artifacts: { gcs: { bucket: 'g', serviceAccountKeySecret: { name: 'sa', key: 'json' } } } });
    assert.equal(dagTask(gcs, 'all').arguments.artifacts[0].gcs.bucket, 'g');
    const ref = compile(loopDoc, { artifacts: { artifactRepositoryRef: { configMap: 'repos', key: 'minio' } } });
    assert.deepEqual(ref.spec.artifactRepositoryRef, { configMap: 'repos', key: 'minio' });
  });

  void it('compiles examples/document-ingestion, whose embed loops over parse\'s documents and index gathers every vector', async () => {
    const { spec } = await loadWorkflowFile(join(ROOT, 'examples/document-ingestion/workflow.yaml'));
    const m = compileToArgo(spec) as Json;
    assert.equal(template(m, 'embed-loop').dag.tasks[0].withParam, '{{inputs.parameters.tandem-items}}');
    assert.equal(dagTask(m, 'embed').arguments.parameters.find((p: Json) => p.name === 'tandem-items').value, '{{tasks.parse.outputs.parameters.tandem-key-document}}');
    assert.deepEqual(dagTask(m, 'index').arguments.artifacts, [{ name: 'vectors', s3: { key: '{{workflow.uid}}/embed/vectors/items' } }]);
  });
});
