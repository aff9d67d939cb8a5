// Each mapping of the KFP compiler: params, executors, data passing, dependencies, conditions,
// loops, retries, caching, exit handlers, workflow outputs. Every compiled IR is also validated
// strictly against the PipelineSpec proto (when ../shared is present).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileToKfp, kfpIrYaml, kfpPlatformSpec } from '../../../src/engines/kfp/compile/index.js';
import { requireShared } from '../../helpers/shared.js';
import { OPTIONS, at, compileValid, validator, workflow } from './helpers.js';

const echo = (name: string, extra: object = {}) => ({ name, process: { command: 'echo', args: [name] }, ...extra });

void describe('compileToKfp: pipeline and params', () => {
  void it('writes pipelineInfo, versions and typed root inputs', (t) => {
    const ir = compileValid(t, workflow([echo('a')], {
      description: 'demo',
      params: {
        s: { type: 'string', default: 'x', description: 'text' },
        i: { type: 'integer' },
        n: { type: 'number', default: 0.5 },
        b: { type: 'boolean', default: true, enum: [true, false] },
        l: { type: 'json', default: [1] },
        o: { type: 'json', default: { k: 1 } },
      },
    }));
    assert.deepEqual(at(ir, 'pipelineInfo'), { description: 'demo', name: 'wf' });
    assert.equal(ir.schemaVersion, '2.1.0');
    assert.match(String(ir.sdkVersion), /^tandem-\d+\.\d+\.\d+/);
    const params = at(ir, 'root', 'inputDefinitions', 'parameters');
    assert.deepEqual(at(params, 's'), { defaultValue: 'x', description: 'text', isOptional: true, parameterType: 'STRING' });
    assert.deepEqual(at(params, 'i'), { parameterType: 'NUMBER_INTEGER' });
    assert.equal(at(params, 'n', 'parameterType'), 'NUMBER_DOUBLE');
    assert.deepEqual(at(params, 'b', 'literals'), [true, false]);
    assert.equal(at(params, 'l', 'parameterType'), 'LIST');
    assert.equal(at(params, 'o', 'parameterType'), 'STRUCT');
  });

  void it('uses the pipelineName option and sorts keys deterministically', () => {
    const spec = workflow([echo('b'), echo('a')]);
    const first = compileToKfp(spec, { ...OPTIONS, pipelineName: 'other' });
    assert.equal(at(first, 'pipelineInfo', 'name'), 'other');
    assert.equal(JSON.stringify(first), JSON.stringify(compileToKfp(spec, { ...OPTIONS, pipelineName: 'other' })));
    // The written IR has its keys sorted at every level, as the KFP SDK writes it.
    const [pipelineDoc] = kfpIrYaml(first).split('\n---\n');
    const topLevel = (pipelineDoc ?? '').split('\n').filter((line) => /^[a-zA-Z]+:/.test(line)).map((line) => line.split(':')[0]);
    assert.deepEqual(topLevel, ['components', 'deploymentSpec', 'pipelineInfo', 'root', 'schemaVersion', 'sdkVersion']);
  });
});

void describe('compileToKfp: executors', () => {
  void it('picks the task image, then defaults.image, then the option', (t) => {
    const ir = compileValid(t, workflow([echo('a', { image: 'task:1' }), echo('b')], { defaults: { image: 'dflt:1' } }));
    assert.equal(at(ir, 'deploymentSpec', 'executors', 'exec-a', 'container', 'image'), 'task:1');
    assert.equal(at(ir, 'deploymentSpec', 'executors', 'exec-b', 'container', 'image'), 'dflt:1');
    const plain = compileValid(t, workflow([echo('c')]));
    assert.equal(at(plain, 'deploymentSpec', 'executors', 'exec-c', 'container', 'image'), 'busybox:1.36');
  });

  void it('rewrites templates as KFP placeholders and passes outputs through the launcher', (t) => {
    const ir = compileValid(t, workflow(
      [{ name: 'a', process: { command: 'run', args: ['--n={{ params.n }}', '{{ run.id }}'], env: { MODE: 'fast' } }, outputs: { rows: { type: 'integer' }, data: { type: 'Dataset', path: 'd.csv' } } }],
      { params: { n: { type: 'integer', default: 1 } } },
    ));
    const container = at(ir, 'deploymentSpec', 'executors', 'exec-a', 'container') as { args: string[]; command: string[]; env: unknown };
    assert.equal(container.command[0], '/bin/sh');
    const program = container.args.slice(container.args.indexOf('--') + 1);
    assert.deepEqual(program, ['run', "--n={{$.inputs.parameters['pipelinechannel--n']}}", "{{$.inputs.parameters['tandem-run-id']}}"]);
    // The driver fills in run placeholders only as a task input's whole runtimeValue, never in args.
    assert.ok(!JSON.stringify(container).includes('{{$.pipeline_'));
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'a', 'inputs', 'parameters', 'tandem-run-id'), { runtimeValue: { constant: '{{$.pipeline_job_uuid}}' } });
    assert.ok(container.args.includes("{{$.outputs.parameters['rows'].output_file}}"));
    assert.ok(container.args.includes("{{$.outputs.artifacts['data'].path}}"));
    assert.deepEqual(container.env, [{ name: 'MODE', value: 'fast' }]);
    assert.deepEqual(at(ir, 'components', 'comp-a', 'inputDefinitions', 'parameters', 'pipelinechannel--n'), { parameterType: 'NUMBER_INTEGER' });
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'a', 'inputs', 'parameters', 'pipelinechannel--n'), { componentInputParameter: 'n' });
    assert.deepEqual(at(ir, 'components', 'comp-a', 'outputDefinitions', 'artifacts', 'data'), {
      artifactType: { schemaTitle: 'system.Dataset', schemaVersion: '0.0.1' },
    });
  });

  void it('runs a script through its interpreter and a node task in the node image', (t) => {
    const ir = compileValid(t, workflow([
      { name: 's', script: { interpreter: 'python3 -u', source: 'print(1)' } },
      { name: 'n', node: { module: 'tasks/x.ts', export: 'run' }, outputs: { v: { type: 'string' } } },
    ]), { ...OPTIONS, nodeImage: 'node-img:1', projectDir: '/app' });
    const script = at(ir, 'deploymentSpec', 'executors', 'exec-s', 'container', 'args') as string[];
    assert.deepEqual(script.slice(script.indexOf('--') + 1), ['python3', '-u', '@tandem-script']);
    assert.ok(script.includes('print(1)'));
    const node = at(ir, 'deploymentSpec', 'executors', 'exec-n', 'container') as { image: string; command: string[]; args: string[] };
    assert.equal(node.image, 'node-img:1');
    assert.deepEqual(node.command.slice(0, 3), ['node', '--import', 'tsx']);
    assert.deepEqual(node.args.slice(2), ['/app/tasks/x.ts', 'run']);
    assert.equal(node.args[0], '{{$}}');
  });

  void it('writes timeouts, the run id and inherited variables into the Kubernetes platform spec', (t) => {
    const ir = compileValid(t, workflow([
      echo('a', { timeout: '1m30s' }),
      { name: 'n', node: { module: 'n.js', inheritEnv: ['AWS_PROFILE'] } },
    ], { defaults: { timeout: 2.5 } }));
    const platform = kfpPlatformSpec(ir);
    const executors = at(platform, 'platforms', 'kubernetes', 'deploymentSpec', 'executors');
    assert.equal(at(executors, 'exec-a', 'activeDeadlineSeconds'), 90);
    assert.equal(at(executors, 'exec-n', 'activeDeadlineSeconds'), 3);
    assert.deepEqual(at(executors, 'exec-a', 'fieldPathAsEnv'), [{ fieldPath: "metadata.labels['pipeline/runid']", name: 'TANDEM_RUN_ID' }]);
    assert.deepEqual(at(executors, 'exec-n', 'secretAsEnv'), [
      { keyToEnv: [{ envVar: 'AWS_PROFILE', secretKey: 'AWS_PROFILE' }], optional: false, secretNameParameter: { runtimeValue: { constant: 'tandem-secrets' } } },
    ]);
    // The written file carries it as the second document, as the KFP SDK writes kfp-kubernetes settings.
    assert.match(kfpIrYaml(ir), /\n---\nplatforms:\n {2}kubernetes:/);
    if (requireShared(t)) assert.deepEqual(validator().validateDocuments([ir, platform]), []);
  });

  void it('captures stdout outputs with a step that selects each from the JSON the task printed', (t) => {
    const ir = compileValid(t, workflow([
      { name: 'm', process: { command: 'measure' }, outputs: { score: { type: 'number', stdout: 'result.score' }, all: { type: 'json', stdout: true } } },
      echo('pub', { when: 'tasks.m.outputs.score > 0.5' }),
    ], { outputs: { score: '{{ tasks.m.outputs.score }}' } }));
    assert.deepEqual(at(ir, 'components', 'comp-m', 'outputDefinitions', 'parameters'), { 'tandem-stdout': { parameterType: 'STRING' } });
    const args = at(ir, 'deploymentSpec', 'executors', 'exec-m', 'container', 'args') as string[];
    const i = args.indexOf('stdout');
    assert.deepEqual(args.slice(i, i + 3), ['stdout', '-', "{{$.outputs.parameters['tandem-stdout'].output_file}}"]);
    const step = at(ir, 'root', 'dag', 'tasks', 'm-stdout');
    assert.deepEqual(at(step, 'inputs', 'parameters', 'score'), {
      parameterExpressionSelector: 'parseJson(string_value)["result"]["score"]',
      taskOutputParameter: { outputParameterKey: 'tandem-stdout', producerTask: 'm' },
    });
    assert.equal(at(step, 'inputs', 'parameters', 'all', 'parameterExpressionSelector'), 'parseJson(string_value)');
    assert.equal(at(ir, 'components', 'comp-m-stdout', 'outputDefinitions', 'parameters', 'score', 'parameterType'), 'NUMBER_DOUBLE');
    // Consumers, conditions and workflow outputs read the capture step.
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'condition-1', 'inputs', 'parameters', 'pipelinechannel--m-stdout-score'), {
      taskOutputParameter: { outputParameterKey: 'score', producerTask: 'm-stdout' },
    });
    assert.deepEqual(at(ir, 'root', 'dag', 'outputs', 'parameters', 'score'), { valueFromParameter: { outputParameterKey: 'score', producerSubtask: 'm-stdout' } });
  });

  void it('maps resources to the proto resource fields', (t) => {
    const ir = compileValid(t, workflow([echo('a', { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi', gpu: 1 } } })]));
    assert.deepEqual(at(ir, 'deploymentSpec', 'executors', 'exec-a', 'container', 'resources'), {
      accelerator: { resourceCount: '1', resourceType: 'nvidia.com/gpu' },
      resourceCpuLimit: '2',
      resourceCpuRequest: '500m',
      resourceMemoryLimit: '2Gi',
      resourceMemoryRequest: '1Gi',
    });
  });
});

void describe('compileToKfp: data and dependencies', () => {
  void it('passes outputs, constants and params as task inputs with dependencies', (t) => {
    const ir = compileValid(t, workflow([
      { name: 'prep', process: { command: 'p' }, outputs: { rows: { type: 'integer' }, data: { type: 'Dataset' } } },
      echo('other'),
      { name: 'use', node: { module: 'u.js' }, dependsOn: ['other'], inputs: { rows: '{{ tasks.prep.outputs.rows }}', data: '{{ tasks.prep.outputs.data }}', k: 3, label: 'n={{ params.p }}' } },
    ], { params: { p: { type: 'string', default: 'x' } } }));
    const use = at(ir, 'root', 'dag', 'tasks', 'use');
    assert.deepEqual(at(use, 'dependentTasks'), ['other', 'prep']);
    assert.deepEqual(at(use, 'inputs', 'parameters', 'rows'), { taskOutputParameter: { outputParameterKey: 'rows', producerTask: 'prep' } });
    assert.deepEqual(at(use, 'inputs', 'artifacts', 'data'), { taskOutputArtifact: { outputArtifactKey: 'data', producerTask: 'prep' } });
    assert.deepEqual(at(use, 'inputs', 'parameters', 'k'), { runtimeValue: { constant: 3 } });
    assert.deepEqual(at(use, 'inputs', 'parameters', 'label'), { runtimeValue: { constant: "n={{$.inputs.parameters['pipelinechannel--p']}}" } });
    assert.deepEqual(at(use, 'inputs', 'parameters', 'pipelinechannel--p'), { componentInputParameter: 'p' });
    assert.equal(at(ir, 'components', 'comp-use', 'inputDefinitions', 'parameters', 'k', 'parameterType'), 'NUMBER_INTEGER');
  });

  void it('names KFP tasks in kebab case and keeps the tandem name for display', (t) => {
    const ir = compileValid(t, workflow([echo('check_data')]));
    assert.equal(at(ir, 'root', 'dag', 'tasks', 'check-data', 'taskInfo', 'name'), 'check_data');
  });
});

void describe('compileToKfp: control flow', () => {
  void it('wraps a when in a condition sub-DAG with KFP CEL over pipeline channels', (t) => {
    const ir = compileValid(t, workflow([
      { name: 'm', process: { command: 'm' }, outputs: { score: { type: 'number' } } },
      echo('pub', { when: 'tasks.m.outputs.score >= params.t && params.n > 1' }),
    ], { params: { t: { type: 'number', default: 0.5 }, n: { type: 'integer', default: 2 } } }));
    const cond = at(ir, 'root', 'dag', 'tasks', 'condition-1');
    assert.equal(
      at(cond, 'triggerPolicy', 'condition'),
      "(double(inputs.parameter_values['pipelinechannel--m-score']) >= double(inputs.parameter_values['pipelinechannel--t'])) && (int(inputs.parameter_values['pipelinechannel--n']) > 1)",
    );
    assert.deepEqual(at(cond, 'dependentTasks'), ['m']);
    assert.ok(at(ir, 'components', 'comp-condition-1', 'dag', 'tasks', 'pub'));
    assert.equal(at(ir, 'components', 'comp-condition-1', 'inputDefinitions', 'parameters', 'pipelinechannel--m-score', 'parameterType'), 'NUMBER_DOUBLE');
  });

  void it('writes an int literal compared with a double as a double', (t) => {
    const ir = compileValid(t, workflow([echo('a', { when: 'params.x > 1' })], { params: { x: { type: 'number', default: 2 } } }));
    assert.equal(at(ir, 'root', 'dag', 'tasks', 'condition-1', 'triggerPolicy', 'condition'), "double(inputs.parameter_values['pipelinechannel--x']) > 1.0");
  });

  void it('compiles a literal forEach to a raw parameter iterator with a parallelism limit', (t) => {
    const ir = compileValid(t, workflow([echo('a', { forEach: ['x', 'y'], parallelism: 2, process: { command: 'echo', args: ['{{ item }}'] } })]));
    const loop = at(ir, 'root', 'dag', 'tasks', 'for-loop-1');
    assert.deepEqual(at(loop, 'parameterIterator'), { itemInput: 'pipelinechannel--loop-item-param-1', items: { raw: '["x","y"]' } });
    assert.deepEqual(at(loop, 'iteratorPolicy'), { parallelismLimit: 2 });
    assert.deepEqual(at(ir, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'a', 'inputs', 'parameters', 'pipelinechannel--loop-item-param-1'), {
      componentInputParameter: 'pipelinechannel--loop-item-param-1',
    });
  });

  void it('expands a range and selects item fields with parseJson', (t) => {
    const ranged = compileValid(t, workflow([echo('a', { forEach: { start: 1, end: 7, step: 3 } })]));
    assert.equal(at(ranged, 'root', 'dag', 'tasks', 'for-loop-1', 'parameterIterator', 'items', 'raw'), '[1,4,7]');
    const fields = compileValid(t, workflow([{ name: 'a', forEach: [{ k: 1 }], node: { module: 'a.js' }, inputs: { k: '{{ item.k }}' } }]));
    assert.deepEqual(at(fields, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'a', 'inputs', 'parameters', 'k'), {
      componentInputParameter: 'pipelinechannel--loop-item-param-1',
      parameterExpressionSelector: 'parseJson(string_value)["k"]',
    });
  });

  void it('iterates over an upstream output and collects loop outputs as lists', (t) => {
    const ir = compileValid(t, workflow([
      { name: 'list', process: { command: 'l' }, outputs: { files: { type: 'json' } } },
      { name: 'each', forEach: '{{ tasks.list.outputs.files }}', process: { command: 'e', args: ['{{ item }}'] }, outputs: { n: { type: 'integer' } } },
      { name: 'sum', node: { module: 's.js' }, inputs: { ns: '{{ tasks.each.outputs.n }}' } },
    ]));
    assert.equal(at(ir, 'components', 'comp-list', 'outputDefinitions', 'parameters', 'files', 'parameterType'), 'LIST');
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'for-loop-1', 'parameterIterator'), {
      itemInput: 'pipelinechannel--list-files-loop-item',
      items: { inputParameter: 'pipelinechannel--list-files' },
    });
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'sum', 'inputs', 'parameters', 'ns'), {
      taskOutputParameter: { outputParameterKey: 'pipelinechannel--each-n', producerTask: 'for-loop-1' },
    });
    assert.equal(at(ir, 'components', 'comp-for-loop-1', 'outputDefinitions', 'parameters', 'pipelinechannel--each-n', 'parameterType'), 'LIST');
  });

  void it('puts a condition on the item inside the loop', (t) => {
    const ir = compileValid(t, workflow([echo('a', { forEach: [1, 2], when: 'item > 1' })]));
    assert.equal(
      at(ir, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'condition-2', 'triggerPolicy', 'condition'),
      "int(inputs.parameter_values['pipelinechannel--loop-item-param-1']) > 1",
    );
  });

  void it('runs a forEach over a loop\'s artifacts inside that loop, without an artifact iterator', (t) => {
    const ir = compileValid(t, workflow([
      { name: 'fit', forEach: [1, 2, 3], parallelism: 3, node: { module: 'f.js' }, inputs: { n: '{{ item }}' }, outputs: { model: { type: 'Model' } } },
      { name: 'score', forEach: '{{ tasks.fit.outputs.model }}', parallelism: 2, when: 'params.go', node: { module: 's.js' }, inputs: { model: '{{ item }}' }, outputs: { acc: { type: 'number' } } },
      { name: 'pick', node: { module: 'p.js' }, inputs: { models: '{{ tasks.fit.outputs.model }}', acc: '{{ tasks.score.outputs.acc }}' } },
    ], { params: { go: { type: 'boolean', default: true } } }));
    assert.ok(!JSON.stringify(ir).includes('artifactIterator'));
    const rootTasks = at(ir, 'root', 'dag', 'tasks') as Record<string, unknown>;
    assert.deepEqual(Object.keys(rootTasks).sort(), ['for-loop-1', 'pick']);
    // Both limits hold: at most two iterations (so two scores) at once.
    assert.deepEqual(at(rootTasks, 'for-loop-1', 'iteratorPolicy'), { parallelismLimit: 2 });
    const score = at(ir, 'components', 'comp-condition-2', 'dag', 'tasks', 'score');
    assert.deepEqual(at(score, 'inputs', 'artifacts', 'model'), { componentInputArtifact: 'pipelinechannel--fit-model' });
    assert.deepEqual(at(ir, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'condition-2', 'inputs', 'artifacts', 'pipelinechannel--fit-model'), {
      taskOutputArtifact: { outputArtifactKey: 'model', producerTask: 'fit' },
    });
    assert.deepEqual(at(ir, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'condition-2', 'dependentTasks'), ['fit']);
    assert.deepEqual(at(rootTasks, 'pick', 'inputs', 'parameters', 'acc'), { taskOutputParameter: { outputParameterKey: 'pipelinechannel--score-acc', producerTask: 'for-loop-1' } });
    assert.equal(at(ir, 'components', 'comp-for-loop-1', 'outputDefinitions', 'artifacts', 'pipelinechannel--fit-model', 'isArtifactList'), true);
  });

  void it('types loop-item fields from the items, so a condition compares numbers as numbers', (t) => {
    const known = compileValid(t, workflow([echo('a', { forEach: [{ k: 1 }, { k: 3 }], when: 'item.k > 2' })]));
    assert.equal(at(known, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'condition-2', 'triggerPolicy', 'condition'), "int(inputs.parameter_values['pipelinechannel--loop-item-param-1-subvar-k']) > 2");
    assert.equal(at(known, 'components', 'comp-condition-2', 'inputDefinitions', 'parameters', 'pipelinechannel--loop-item-param-1-subvar-k', 'parameterType'), 'NUMBER_INTEGER');
    // Items known only at run time arrive as text: the condition parses the number.
    const unknown = compileValid(t, workflow([
      { name: 'l', process: { command: 'l' }, outputs: { rows: { type: 'json' } } },
      echo('a', { forEach: '{{ tasks.l.outputs.rows }}', when: 'item.k > 2' }),
    ]));
    assert.equal(at(unknown, 'components', 'comp-for-loop-1', 'dag', 'tasks', 'condition-2', 'triggerPolicy', 'condition'), "double(inputs.parameter_values['pipelinechannel--l-rows-loop-item-subvar-k']) > 2.0");
  });

  void it('maps retry and caching', (t) => {
    const ir = compileValid(t, workflow([
      echo('r', { retry: { limit: 3, backoff: { duration: '2s', factor: 2, maxDuration: '1m' } } }),
      echo('c', { cache: { version: 'v2', key: ['k'] } }),
      echo('off', { cache: { enabled: false, version: 'v2' } }),
    ]));
    // maxDuration 1m never caps a delay (2s, 4s, 8s): nothing to write, and nothing lost.
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'r', 'retryPolicy'), { backoffDuration: '2s', backoffFactor: 2, maxRetryCount: 3 });
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'r', 'cachingOptions'), { enableCache: false });
    const cached = at(ir, 'root', 'dag', 'tasks', 'c');
    assert.deepEqual(at(cached, 'cachingOptions'), { enableCache: true });
    assert.deepEqual(at(cached, 'inputs', 'parameters', 'tandem_cache_version'), { runtimeValue: { constant: 'v2' } });
    assert.deepEqual(at(cached, 'inputs', 'parameters', 'tandem_cache_key'), { runtimeValue: { constant: ['k'] } });
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'off', 'cachingOptions'), { enableCache: false });
  });

  void it('runs finally tasks in one exit DAG after an exit-handler sub-DAG, whatever its outcome', (t) => {
    const ir = compileValid(t, workflow([echo('a'), echo('b', { dependsOn: ['a'] })], {
      finally: [echo('bye', { process: { command: 'echo', args: ['{{ run.name }}'] } }), echo('log')],
    }));
    const tasks = at(ir, 'root', 'dag', 'tasks') as Record<string, unknown>;
    // The backend keeps one exit hook per guarded task: both finally tasks live in one exit DAG.
    assert.deepEqual(Object.keys(tasks).sort(), ['exit-handler-1', 'tandem-finally']);
    assert.deepEqual(at(tasks, 'tandem-finally', 'dependentTasks'), ['exit-handler-1']);
    assert.deepEqual(at(tasks, 'tandem-finally', 'triggerPolicy'), { strategy: 'ALL_UPSTREAM_TASKS_COMPLETED' });
    assert.deepEqual(Object.keys(at(ir, 'components', 'comp-tandem-finally', 'dag', 'tasks') as object).sort(), ['bye', 'log']);
    assert.deepEqual(at(ir, 'components', 'comp-exit-handler-1', 'dag', 'tasks', 'b', 'dependentTasks'), ['a']);
  });

  void it('hands finally tasks the run status as the exit handler\'s PipelineTaskFinalStatus', (t) => {
    const ir = compileValid(t, workflow([echo('a')], {
      finally: [
        { name: 'n', node: { module: 'n.js' }, inputs: { status: '{{ run.status }}' } },
        echo('s', { process: { command: 'sh', env: { STATUS: '{{ run.status }}' } } }),
      ],
    }));
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'tandem-finally', 'inputs', 'parameters', 'tandem-run-status'), { taskFinalStatus: { producerTask: 'exit-handler-1' } });
    assert.equal(at(ir, 'components', 'comp-tandem-finally', 'inputDefinitions', 'parameters', 'tandem-run-status', 'parameterType'), 'TASK_FINAL_STATUS');
    assert.deepEqual(at(ir, 'components', 'comp-tandem-finally', 'dag', 'tasks', 'n', 'inputs', 'parameters', 'status'), { componentInputParameter: 'tandem-run-status' });
    const plan = JSON.parse((at(ir, 'deploymentSpec', 'executors', 'exec-n', 'container', 'args') as string[])[1] ?? '{}') as { inputs: Record<string, string> };
    assert.equal(plan.inputs.status, 'status');
    const args = at(ir, 'deploymentSpec', 'executors', 'exec-s', 'container', 'args') as string[];
    const at3 = args.indexOf('status');
    assert.deepEqual(args.slice(at3, at3 + 3), ['status', 'STATUS', "{{$.inputs.parameters['tandem-run-status']}}"]);
  });

  void it('threads params into the exit handler and surfaces workflow outputs through it', (t) => {
    const ir = compileValid(t, workflow(
      [{ name: 'a', process: { command: 'a', args: ['{{ params.p }}'] }, outputs: { v: {} } }],
      { params: { p: { type: 'string', default: 'x' } }, finally: [echo('z')], outputs: { v: '{{ tasks.a.outputs.v }}' } },
    ));
    assert.deepEqual(at(ir, 'root', 'dag', 'tasks', 'exit-handler-1', 'inputs', 'parameters', 'pipelinechannel--p'), { componentInputParameter: 'p' });
    assert.deepEqual(at(ir, 'root', 'dag', 'outputs', 'parameters', 'v'), {
      valueFromParameter: { outputParameterKey: 'pipelinechannel--a-v', producerSubtask: 'exit-handler-1' },
    });
    assert.deepEqual(at(ir, 'root', 'outputDefinitions', 'parameters', 'v'), { parameterType: 'STRING' });
  });
});
