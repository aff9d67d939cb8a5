// tandem compile, end to end through the built CLI: the cluster example project and the hybrid
// example compile to manifests that the official schemas accept (Argo's JSON Schema, KFP's
// PipelineSpec proto, Argo Events' schema), and what a target cannot express fails loudly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadKfpIrValidator } from '../../src/engines/kfp/ir-validator.js';
import { loadArgoEventsValidator } from '../conformance/argo-events-schema.js';
import { loadArgoValidator } from '../conformance/argo-schema.js';
import { SPECS_DIR, requireShared } from '../helpers/shared.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const out = mkdtempSync(join(tmpdir(), 'tandem-compile-'));
after(() => rmSync(out, { recursive: true, force: true }));

function tandem(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TANDEM_HOME: join(out, 'home') } });
}

function documents(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>);
}

void describe('tandem compile', () => {
  void it('compiles the cluster project: each workflow for its lane, and its event sources and sensors, all schema-valid', (t) => {
    if (!requireShared(t)) return;
    const dir = join(out, 'cluster');
    const result = tandem(
      'compile', 'examples/cluster/tandem.yaml', '--github-org', 'acme', '--kfp-endpoint', 'http://ml-pipeline.kubeflow:8888', '--kfp-pipeline', 'ml-training=3f6a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b', '-o', dir, '--json',
    );
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { files: Array<{ name: string; kind: string; lane?: string }>; errors: unknown[]; notes: string[] };
    assert.deepEqual(
      report.files.map((f) => [f.name, f.lane ?? null]),
      [
        ['conditional-dag.argo.yaml', 'argo'],
        ['ml-training.kfp.yaml', 'kubeflow'],
        ['tandem.argo-events.yaml', null],
        ['tandem-sensor-rbac.yaml', null],
        ['kustomization.yaml', null],
      ],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['conditional-dag.argo.yaml', 'kustomization.yaml', 'ml-training.kfp.yaml', 'tandem-sensor-rbac.yaml', 'tandem.argo-events.yaml']);
    // The GitHub source's endpoint, through the Service its EventSource declares.
    assert.deepEqual(report.notes, [`event source github listens at http://github-eventsource-svc:12000/events/github (Service github-eventsource-svc, created by the Argo Events controller)`]);

    const argo = loadArgoValidator();
    const [workflow] = documents(join(dir, 'conditional-dag.argo.yaml'));
    // A whole project compiled with auto is applied with kubectl apply -k, which needs fixed names.
    assert.equal(workflow?.kind, 'WorkflowTemplate');
    assert.deepEqual(argo(workflow).errors, []);

    const kfp = loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb'));
    assert.deepEqual(kfp.validateDocuments(documents(join(dir, 'ml-training.kfp.yaml'))), []);

    const events = loadArgoEventsValidator();
    const manifests = documents(join(dir, 'tandem.argo-events.yaml'));
    assert.deepEqual(manifests.map((m) => m.kind), ['EventSource', 'EventSource', 'EventSource', 'Sensor', 'Sensor', 'Sensor']);
    for (const manifest of manifests) assert.deepEqual(events(manifest).errors, [], JSON.stringify(manifest).slice(0, 200));
    // The kubeflow-lane trigger calls the KFP API; the argo-lane ones create the compiled Workflow.
    const text = readFileSync(join(dir, 'tandem.argo-events.yaml'), 'utf8');
    assert.match(text, /http:\/\/ml-pipeline\.kubeflow:8888\/apis\/v2beta1\/runs/);
    const retrain = manifests.find((m) => (m.metadata as { name: string }).name === 'weekly-retrain')!;
    const payload = (retrain.spec as { triggers: Array<{ template: { http: { payload: Array<{ src: { value?: string }; dest: string }> } } }> }).triggers[0]!.template.http.payload;
    // The pipeline is named by the id given, not by the workflow name in its place.
    assert.equal(payload.find((p) => p.dest === 'pipeline_version_reference.pipeline_id')?.src.value, '3f6a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b');
    assert.match(text, /workflowTemplateRef:\n\s+name: conditional-dag/);
  });

  void it('compiles the hybrid example to an Argo Workflow that starts the KFP pipeline it ships with', (t) => {
    if (!requireShared(t)) return;
    const dir = join(out, 'hybrid');
    const result = tandem('compile', 'examples/hybrid/workflow.yaml', '--target', 'auto', '-o', dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /hybrid-retraining\.argo\.yaml\s+Workflow\s+hybrid/);
    const [workflow] = documents(join(dir, 'hybrid-retraining.argo.yaml'));
    assert.deepEqual(loadArgoValidator()(workflow).errors, []);
    const templates = (workflow?.spec as { templates: Array<{ name: string; container?: { image: string; command?: string[]; args?: string[] } }> }).templates;
    const launcher = templates.find((tpl) => tpl.name === 'retrain');
    assert.ok(launcher?.container, 'the ML step is a container');
    const argv = [...(launcher.container.command ?? []), ...(launcher.container.args ?? [])].join(' ');
    assert.match(argv, /^tandem kfp run --pipeline \/workspace\/\.tandem\/pipelines\/ml-training\.kfp\.yaml --param seed=\S+ --wait$/);
    assert.match(launcher.container.image, /^tandem:/);
    const kfp = loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb'));
    assert.deepEqual(kfp.validateDocuments(documents(join(dir, 'ml-training.kfp.yaml'))), []);
  });

  void it('refuses what a target cannot express, naming the feature, the task and the target, and compiles the rest', () => {
    const result = tandem('compile', 'examples/ml-training/workflow.yaml', 'examples/retry/workflow.yaml', '--target', 'argo', '--json');
    assert.equal(result.status, 2);
    const report = JSON.parse(result.stdout) as { files: Array<{ name: string }>; errors: Array<{ file: string; error: string }> };
    assert.deepEqual(report.files.map((f) => f.name), ['retry.argo.yaml']);
    assert.equal(report.errors.length, 1);
    assert.match(report.errors[0]!.error, /cannot compile to argo: workflow ml-training, task train, inputs\.train: cache/);
    const kfp = tandem('compile', 'examples/timeout/workflow.yaml', '--target', 'kfp');
    assert.equal(kfp.status, 2);
    assert.match(kfp.stderr, /cannot compile to kfp: .*timeout/);
  });

  void it('argo-events needs a project file', () => {
    const result = tandem('compile', 'examples/retry/workflow.yaml', '--target', 'argo-events');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /argo-events compiles a project file/);
  });
});
