// The KFP backend's rules (rules/kfp/), checked on the upstream corpus (every valid file accepted,
// every invalid one rejected), on every IR tandem compiles (the examples, each for KFP and for its
// routed lane, and a generated set covering each feature alone and in pairs), and on IR in the
// shape tandem compiled before these fixes, which the backend would refuse or mis-run.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { foldersOf, projectLayout } from '../../src/compile/layout.js';
import { compileWorkflow } from '../../src/compile/workflow.js';
import { compileToKfp, kfpIrYaml, loadKfpIrValidator, type KfpIrValidator } from '../../src/engines/kfp/compile/index.js';
import { CompileError } from '../../src/errors.js';
import { defaultPolicy } from '../../src/router/route.js';
import { loadWorkflowFile } from '../../src/spec/index.js';
import { CORPUS_DIR, SPECS_DIR, requireShared, yamlFiles } from '../helpers/shared.js';
import { irDocuments, readIr } from './kfp-corpus.js';
import { generatedWorkflows } from './kfp-generated.js';
import { loadKfpRules, type KfpRules, type Problem } from './rules/kfp/index.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const OPTIONS = { defaultImage: 'ghcr.io/tandem/task:latest' };

let loaded: { rules: KfpRules; validator: KfpIrValidator } | undefined;
function checks(): { rules: KfpRules; validator: KfpIrValidator } {
  loaded ??= { rules: loadKfpRules(SPECS_DIR), validator: loadKfpIrValidator(join(SPECS_DIR, 'kfp', 'pipeline_spec.binpb')) };
  return loaded;
}

/** Every problem with an IR file's documents: the strict proto check, then the backend's rules. */
function problems(documents: readonly unknown[]): Problem[] {
  const strict = checks().validator.validateDocuments(documents);
  return strict.length > 0 ? strict : checks().rules.check(documents);
}

/** The documents of compiled IR as its file carries them. */
function fileDocuments(ir: Record<string, unknown>): unknown[] {
  const read = irDocuments(kfpIrYaml(ir));
  assert.ok('documents' in read, 'compiled IR is not YAML');
  return read.documents;
}

function format(found: Problem[]): string {
  return found.map((p) => `${p.path}: ${p.message}`).join('\n');
}

void describe('KFP backend rules on the upstream corpus', () => {
  void it('accept every valid IR file the KFP SDK compiled', (t: TestContext) => {
    if (!requireShared(t)) return;
    let checked = 0;
    for (const folder of ['valid', 'argo_compatibility']) {
      const dir = join(CORPUS_DIR, 'kfp-ir', folder);
      for (const file of yamlFiles(dir)) {
        const read = readIr(file);
        if ('unreadable' in read) continue; // reported by kfp-ir.test.ts
        assert.deepEqual(checks().rules.check(read.documents), [], `${relative(CORPUS_DIR, file)}:\n${format(checks().rules.check(read.documents))}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 50, `checked ${checked} files`);
  });

  void it('reject every invalid IR file', (t: TestContext) => {
    if (!requireShared(t)) return;
    const all = yamlFiles(join(CORPUS_DIR, 'kfp-ir', 'invalid'));
    assert.ok(all.length > 0);
    for (const file of all) {
      const read = readIr(file);
      if ('unreadable' in read) continue;
      assert.ok(problems(read.documents).length > 0, `${relative(CORPUS_DIR, file)} was accepted`);
    }
  });
});

void describe('KFP backend rules on what tandem compiles', () => {
  const examples = readdirSync(EXAMPLES).filter((entry) => statSync(join(EXAMPLES, entry)).isDirectory() && readdirSync(join(EXAMPLES, entry)).includes('workflow.yaml'));

  void it('every example compiled for KFP passes, or fails with a CompileError', async (t: TestContext) => {
    if (!requireShared(t)) return;
    let compiled = 0;
    for (const example of examples) {
      const { spec } = await loadWorkflowFile(join(EXAMPLES, example, 'workflow.yaml'));
      let ir: Record<string, unknown>;
      try {
        ir = compileToKfp(spec, OPTIONS);
      } catch (error) {
        assert.ok(error instanceof CompileError, `${example}: ${String(error)}`);
        continue;
      }
      assert.deepEqual(problems(fileDocuments(ir)), [], `${example}:\n${format(problems(fileDocuments(ir)))}`);
      compiled += 1;
    }
    assert.ok(compiled >= 1);
  });

  void it('every KFP file of every example compiled for its lane passes (the ML steps of hybrid included)', async (t: TestContext) => {
    if (!requireShared(t)) return;
    const settings = { argo: {}, kfp: OPTIONS, policy: defaultPolicy() };
    const kfpFiles: string[] = [];
    for (const example of examples) {
      const dir = join(EXAMPLES, example);
      const { spec } = await loadWorkflowFile(join(dir, 'workflow.yaml'));
      let files;
      try {
        files = await compileWorkflow(spec, dir, 'auto', settings, projectLayout(foldersOf(spec, dir)));
      } catch (error) {
        assert.ok(error instanceof CompileError, `${example}: ${String(error)}`);
        continue;
      }
      for (const file of files.filter((f) => f.kind === 'PipelineSpec')) {
        const read = irDocuments(file.yaml);
        assert.ok('documents' in read);
        assert.deepEqual(problems(read.documents), [], `${example} ${file.name}:\n${format(problems(read.documents))}`);
        kfpFiles.push(file.name);
      }
    }
    // ml-training on the kubeflow lane and the hybrid example's ML sub-pipeline.
    assert.ok(kfpFiles.includes('ml-training.kfp.yaml'), kfpFiles.join(', '));
    assert.ok(kfpFiles.length >= 2, kfpFiles.join(', '));
  });

  void it('a generated workflow per feature and per pair of features passes, or fails with a CompileError', (t: TestContext) => {
    if (!requireShared(t)) return;
    const refused: string[] = [];
    const cases = generatedWorkflows();
    for (const { label, spec } of cases) {
      let ir: Record<string, unknown>;
      try {
        ir = compileToKfp(spec, OPTIONS);
      } catch (error) {
        assert.ok(error instanceof CompileError, `${label}: ${String(error)}`);
        refused.push(`${label} (${error.feature})`);
        continue;
      }
      assert.deepEqual(problems(fileDocuments(ir)), [], `${label}:\n${format(problems(fileDocuments(ir)))}`);
    }
    if (refused.length > 0) t.diagnostic(`refused: ${refused.join('; ')}`);
    // Only the pair that puts two loops on main can be refused.
    assert.ok(refused.length <= cases.length / 10, `refused: ${refused.join('; ')}`);
  });
});

/** A minimal valid pipeline whose parts a test replaces. */
function pipeline(root: Record<string, unknown>, components: Record<string, unknown>, executors: Record<string, unknown>): Record<string, unknown> {
  return { pipelineInfo: { name: 'p' }, schemaVersion: '2.1.0', sdkVersion: 'tandem-0', root, components, deploymentSpec: { executors } };
}
const echoComponent = { executorLabel: 'exec-echo' };
const echoExecutor = (args: string[]): Record<string, unknown> => ({ container: { image: 'busybox', command: ['echo'], args } });
const rootTask = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ componentRef: { name: 'comp-echo' }, taskInfo: { name: 'echo' }, ...extra });

void describe('KFP backend rules on IR in the shape tandem compiled before', () => {
  const rejects = (t: TestContext, doc: Record<string, unknown>, pattern: RegExp, extra: unknown[] = []): void => {
    if (!requireShared(t)) return;
    const found = checks().rules.check([doc, ...extra]);
    assert.ok(found.some((p) => pattern.test(p.message)), format(found) || 'no problems');
  };

  void it('reject {{$.pipeline_job_uuid}} in container args', (t) => {
    rejects(t, pipeline({ dag: { tasks: { echo: rootTask() } } }, { 'comp-echo': echoComponent }, { 'exec-echo': echoExecutor(['env', 'TANDEM_RUN_ID', '{{$.pipeline_job_uuid}}']) }), /never substituted/);
  });

  void it('reject a run placeholder inside a longer constant', (t) => {
    const task = rootTask({ inputs: { parameters: { label: { runtimeValue: { constant: 'run-{{$.pipeline_job_uuid}}' } } } } });
    rejects(t, pipeline({ dag: { tasks: { echo: task } } }, { 'comp-echo': echoComponent }, { 'exec-echo': echoExecutor([]) }), /whole constant/);
  });

  void it('reject an artifact iterator', (t) => {
    const loop = { componentRef: { name: 'comp-loop' }, taskInfo: { name: 'loop' }, artifactIterator: { items: { inputArtifact: 'models' }, itemInput: 'model' } };
    const components = { 'comp-loop': { dag: { tasks: { echo: rootTask() } }, inputDefinitions: { artifacts: { model: { artifactType: { schemaTitle: 'system.Model' } } } } }, 'comp-echo': echoComponent };
    rejects(t, pipeline({ dag: { tasks: { loop } } }, components, { 'exec-echo': echoExecutor([]) }), /artifact iterators/);
  });

  void it('reject two exit tasks on one exit handler', (t) => {
    const exit = (name: string): Record<string, unknown> => rootTask({ taskInfo: { name }, dependentTasks: ['exit-handler-1'], triggerPolicy: { strategy: 'ALL_UPSTREAM_TASKS_COMPLETED' } });
    const handler = { componentRef: { name: 'comp-exit-handler-1' }, taskInfo: { name: 'exit-handler-1' } };
    const components = { 'comp-exit-handler-1': { dag: { tasks: { echo: rootTask() } } }, 'comp-echo': echoComponent };
    rejects(t, pipeline({ dag: { tasks: { 'exit-handler-1': handler, bye: exit('bye'), log: exit('log') } } }, components, { 'exec-echo': echoExecutor([]) }), /only one would run/);
  });

  void it('reject a condition comparing a STRING loop-item field with a number', (t) => {
    const cond = {
      componentRef: { name: 'comp-condition-2' },
      taskInfo: { name: 'condition-2' },
      inputs: { parameters: { 'pipelinechannel--loop-item-param-1-subvar-k': { componentInputParameter: 'pipelinechannel--loop-item-param-1', parameterExpressionSelector: 'parseJson(string_value)["k"]' } } },
      triggerPolicy: { condition: "inputs.parameter_values['pipelinechannel--loop-item-param-1-subvar-k'] > 2.0" },
    };
    const components = {
      'comp-condition-2': { dag: { tasks: { echo: rootTask() } }, inputDefinitions: { parameters: { 'pipelinechannel--loop-item-param-1-subvar-k': { parameterType: 'STRING' } } } },
      'comp-echo': echoComponent,
    };
    const root = { dag: { tasks: { 'condition-2': cond } }, inputDefinitions: { parameters: { 'pipelinechannel--loop-item-param-1': { parameterType: 'STRUCT' } } } };
    rejects(t, pipeline(root, components, { 'exec-echo': echoExecutor([]) }), /compares a string with a number/);
  });

  void it('reject a fractional backoff, which the backend truncates to whole seconds', (t) => {
    const task = rootTask({ retryPolicy: { maxRetryCount: 3, backoffDuration: '0.2s', backoffFactor: 2, backoffMaxDuration: '60s' } });
    rejects(t, pipeline({ dag: { tasks: { echo: task } } }, { 'comp-echo': echoComponent }, { 'exec-echo': echoExecutor([]) }), /whole seconds/);
  });

  void it('reject an unresolvable reference and a missing required input', (t) => {
    const task = rootTask({ inputs: { parameters: { x: { componentInputParameter: 'nope' } } } });
    const components = { 'comp-echo': { ...echoComponent, inputDefinitions: { parameters: { x: { parameterType: 'STRING' }, y: { parameterType: 'STRING' } } } } };
    rejects(t, pipeline({ dag: { tasks: { echo: task } } }, components, { 'exec-echo': echoExecutor([]) }), /no input parameter "nope"/);
    rejects(t, pipeline({ dag: { tasks: { echo: task } } }, components, { 'exec-echo': echoExecutor([]) }), /no value for "y"/);
  });

  void it('reject a platform spec that is not a KubernetesExecutorConfig or names no executor', (t) => {
    const doc = pipeline({ dag: { tasks: { echo: rootTask() } } }, { 'comp-echo': echoComponent }, { 'exec-echo': echoExecutor([]) });
    const platform = (executors: Record<string, unknown>): Record<string, unknown> => ({ platforms: { kubernetes: { deploymentSpec: { executors } } } });
    rejects(t, doc, /not a KubernetesExecutorConfig/, [platform({ 'exec-echo': { timeoutSeconds: 3 } })]);
    rejects(t, doc, /no executor "exec-other"/, [platform({ 'exec-other': { activeDeadlineSeconds: 3 } })]);
    rejects(t, doc, /names no Secret/, [platform({ 'exec-echo': { secretAsEnv: [{ keyToEnv: [{ secretKey: 'a', envVar: 'A' }] }] } })]);
  });
});

