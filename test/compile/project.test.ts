// The whole-project compile (`tandem compile tandem.yaml --target auto -o build/`): every workflow
// for its routed lane, the event sources and sensors to Argo Events, and a kustomization.yaml
// listing what `kubectl apply -k` installs. Every object written is checked against the official
// schemas and the Argo Events controller's rules; what cannot be compiled is a named failure of
// its part, and the other parts are still written.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ServiceAccount } from 'kubernetes-models/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { parse, parseAllDocuments } from 'yaml';
import { compileProject } from '../../src/compile/project.js';
import type { CompileSettings } from '../../src/compile/targets.js';
import { loadProject } from '../../src/project/load.js';
import { buildPolicy } from '../../src/router/index.js';
import { loadArgoEventsValidator } from '../conformance/argo-events-schema.js';
import { argoEventsProblems } from '../conformance/argo-events-rules/index.js';
import { loadArgoValidator } from '../conformance/argo-schema.js';
import { requireShared } from '../helpers/shared.js';

const ROOT = resolve(import.meta.dirname, '../..');
const PIPELINE_ID = '3f6a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';

function settings(extra: Partial<CompileSettings> = {}): CompileSettings {
  return {
    argo: { defaultImage: 'node:20-slim', nodeImage: 'node:20-slim' },
    kfp: { defaultImage: 'node:20-slim', nodeImage: 'node:20-slim' },
    kfpEndpoint: 'http://ml-pipeline.kubeflow:8888',
    kfpPipelineIds: { 'ml-training': PIPELINE_ID },
    github: { organizations: ['example-org'] },
    policy: buildPolicy(),
    ...extra,
  };
}

function objects(yaml: string): Array<Record<string, unknown>> {
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as Record<string, unknown>);
}

void describe('compiling a whole project (auto)', () => {
  void it('writes every part of the cluster project, each accepted by its schema and rules, and a kustomization of the applicable ones', async (t) => {
    if (!requireShared(t)) return;
    const out = await compileProject(await loadProject(join(ROOT, 'examples/cluster/tandem.yaml')), 'auto', settings({ argo: { namespace: 'ml' } }));
    assert.deepEqual(out.failures, []);
    assert.deepEqual(out.files.map((f) => [f.name, f.applies]), [
      ['conditional-dag.argo.yaml', true],
      ['ml-training.kfp.yaml', false],
      ['tandem.argo-events.yaml', true],
      ['tandem-sensor-rbac.yaml', true],
      ['kustomization.yaml', false],
    ]);
    const argo = loadArgoValidator();
    const kubernetes: Record<string, new (data: never) => { validate(): void }> = { ServiceAccount, Role, RoleBinding };
    const events = loadArgoEventsValidator({ closed: true });
    for (const file of out.files.filter((f) => f.applies)) {
      for (const object of objects(file.yaml)) {
        if (object.kind === 'WorkflowTemplate') assert.deepEqual(argo(object).errors, [], file.name);
        else if (kubernetes[String(object.kind)] !== undefined) assert.doesNotThrow(() => new kubernetes[String(object.kind)]!(object as never).validate(), String(object.kind));
        else {
          assert.deepEqual(events(object).errors, [], `${file.name}: ${String((object.metadata as { name: string }).name)}`);
          assert.deepEqual(argoEventsProblems(object), [], `${file.name}: ${String((object.metadata as { name: string }).name)}`);
        }
        assert.equal((object.metadata as { namespace?: string }).namespace, 'ml');
      }
    }
    const kustomization = parse(out.files.at(-1)!.yaml) as Record<string, unknown>;
    assert.deepEqual(kustomization, {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: 'ml',
      resources: ['conditional-dag.argo.yaml', 'tandem.argo-events.yaml', 'tandem-sensor-rbac.yaml'],
    });
    // KFP IR is uploaded, not applied: the kustomization names it in a comment only.
    assert.match(out.files.at(-1)!.yaml, /^# {3}ml-training\.kfp\.yaml$/m);
    // The Sensors that submit Workflows run as the ServiceAccount the kustomization installs, bound to a Role that may create them.
    const sensors = objects(out.files.find((f) => f.name === 'tandem.argo-events.yaml')!.yaml).filter((o) => o.kind === 'Sensor');
    const accounts = sensors.map((s) => (s.spec as { template?: { serviceAccountName: string } }).template?.serviceAccountName ?? null);
    assert.deepEqual(accounts, ['tandem-sensor', 'tandem-sensor', null], 'gate-on-score and gate-on-push submit Workflows; weekly-retrain calls KFP');
    const rbac = objects(out.files.find((f) => f.name === 'tandem-sensor-rbac.yaml')!.yaml);
    assert.deepEqual(rbac.map((o) => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`), ['ServiceAccount tandem-sensor', 'Role tandem-sensor', 'RoleBinding tandem-sensor']);
    assert.ok((rbac[1]!.rules as Array<{ resources: string[]; verbs: string[] }>).some((r) => r.resources.includes('workflows') && r.verbs.includes('create')));
  });

  void it('compiles what examples/tandem.yaml can express and names each part that cannot', async (t) => {
    if (!requireShared(t)) return;
    const out = await compileProject(await loadProject(join(ROOT, 'examples/tandem.yaml')), 'auto', settings());
    const names = out.files.map((f) => f.name);
    assert.ok(names.includes('conditional-dag.argo.yaml'), names.join(', '));
    const refused = out.failures.map((f) => `${f.part}: ${f.error.where}: ${f.error.feature}`);
    // document-ingestion needs Argo artifact fan-in (another part of issue 12 adds it): compiled, or refused for exactly that.
    const ingestion = names.includes('document-ingestion.argo.yaml') ? [] : ['workflow document-ingestion: workflow document-ingestion, task embed, forEach: artifact fan-in'];
    assert.deepEqual(refused, [
      ...ingestion,
      'events: event source uploads: jetStream',
      'events: event source nightly: concurrencyPolicy',
      'events: sensor ingest-on-upload, dependency upload: event source',
      'events: sensor nightly-ingest, dependency night: event source',
    ]);
    // The parts that compiled are still written: the GitHub source and the sensor on it.
    const eventsFile = out.files.find((f) => f.name === 'tandem.argo-events.yaml');
    assert.ok(eventsFile, 'the expressible events are written');
    assert.deepEqual(objects(eventsFile.yaml).map((o) => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`), ['EventSource github', 'Sensor quality-gate-on-push']);
    for (const object of objects(eventsFile.yaml)) assert.deepEqual(argoEventsProblems(object), []);
    assert.deepEqual((parse(out.files.at(-1)!.yaml) as { resources: string[] }).resources, out.files.filter((f) => f.applies).map((f) => f.name));
  });

  void it('places each workflow folder under /workspace by its path from the folders\' common ancestor', async () => {
    const out = await compileProject(await loadProject(join(ROOT, 'examples/cluster/tandem.yaml')), 'argo', settings());
    assert.equal(out.layout.hostRoot, join(ROOT, 'examples'));
    assert.deepEqual(out.layout.folders, [join(ROOT, 'examples/conditional-dag'), join(ROOT, 'examples/ml-training')]);
    const [template] = objects(out.files[0]!.yaml);
    const workingDirs = new Set(
      ((template!.spec as { templates: Array<{ script?: { workingDir?: string }; container?: { workingDir?: string } }> }).templates)
        .map((tpl) => (tpl.script ?? tpl.container)?.workingDir)
        .filter((dir) => dir !== undefined),
    );
    assert.deepEqual([...workingDirs], ['/workspace/conditional-dag']);
  });
});
