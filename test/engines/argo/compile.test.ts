// The Argo compiler, one mapping at a time: envelope and kinds, params, runners, references,
// inputs and outputs, when, forEach, policies, finally; and each CompileError it raises.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, dagTask, refuses, sh, template } from './helpers.js';

void describe('argo compile: envelope and kinds', () => {
  const doc = { version: '1.2.0', type: 'batch', tasks: [{ name: 'a', ...sh('true') }] };

  void it('makes a Workflow with generateName and tandem labels', () => {
    const m = compile(doc, { namespace: 'ml', serviceAccountName: 'runner' });
    assert.equal(m.apiVersion, 'argoproj.io/v1alpha1');
    assert.equal(m.kind, 'Workflow');
    assert.deepEqual(m.metadata, { generateName: 'wf-', namespace: 'ml', labels: { 'tandem.dev/workflow': 'wf', 'tandem.dev/version': '1.2.0', 'tandem.dev/type': 'batch' } });
    assert.equal(m.spec.entrypoint, 'tandem-main');
    assert.equal(m.spec.serviceAccountName, 'runner');
  });

  void it('makes a WorkflowTemplate with a fixed name', () => {
    const m = compile(doc, { kind: 'WorkflowTemplate' });
    assert.equal(m.kind, 'WorkflowTemplate');
    assert.equal(m.metadata.name, 'wf');
    assert.equal(m.metadata.generateName, undefined);
  });

  void it('makes a CronWorkflow from a schedule', () => {
    const m = compile(doc, { schedule: { schedules: ['0 2 * * *'], timezone: 'Europe/Paris', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60 } });
    assert.equal(m.kind, 'CronWorkflow');
    assert.deepEqual(m.spec.schedules, ['0 2 * * *']);
    assert.equal(m.spec.timezone, 'Europe/Paris');
    assert.equal(m.spec.concurrencyPolicy, 'Replace');
    assert.equal(m.spec.startingDeadlineSeconds, 60);
    assert.equal(m.spec.workflowSpec.entrypoint, 'tandem-main');
    assert.equal(m.spec.workflowMetadata.labels['tandem.dev/workflow'], 'wf');
  });

  void it('refuses a CronWorkflow without schedules', () => {
    refuses(doc, 'schedule', /workflow wf/, { kind: 'CronWorkflow' });
    refuses(doc, 'schedule', /schedules/, { schedule: { schedules: [] } });
  });

  void it('keeps a version that is not a label value as an annotation', () => {
    const m = compile({ ...doc, version: '1.0 beta' });
    assert.equal(m.metadata.labels['tandem.dev/version'], undefined);
    assert.equal(m.metadata.annotations['tandem.dev/version'], '1.0 beta');
  });
});

void describe('argo compile: params, parallelism, failFast', () => {
  void it('maps params to spec.arguments with text defaults and enums', () => {
    const m = compile({
      params: { n: { type: 'integer', default: 3, enum: [1, 3] }, s: { type: 'string' }, j: { type: 'json', default: [1, 'a'] } },
      parallelism: 2,
      failFast: false,
      tasks: [{ name: 'a', ...sh('echo {{ params.n }}') }],
    });
    assert.deepEqual(m.spec.arguments.parameters, [
      { name: 'n', value: '3', enum: ['1', '3'] },
      { name: 's' },
      { name: 'j', value: '[1,"a"]' },
    ]);
    assert.equal(m.spec.parallelism, 2);
    assert.equal(template(m, 'tandem-main').dag.failFast, false);
    assert.equal(template(m, 'a').script.source, 'echo {{workflow.parameters.n}}');
  });
});

void describe('argo compile: runners', () => {
  void it('compiles a process to a container, escaping $( for Kubernetes', () => {
    const m = compile({ tasks: [{ name: 'a', image: 'busybox', process: { command: 'echo', args: ['$(HOME)', 'x'], env: { A: '1' }, cwd: 'sub' } }] });
    const c = template(m, 'a').container;
    assert.equal(c.image, 'busybox');
    assert.deepEqual(c.command, ['echo']);
    assert.deepEqual(c.args, ['$$(HOME)', 'x']);
    assert.equal(c.workingDir, '/workspace/sub');
    assert.deepEqual(c.env[0], { name: 'A', value: '1' });
    assert.ok(c.env.some((e: { name: string; value: string }) => e.name === 'TANDEM_OUTPUTS' && e.value === '/tmp/tandem/outputs'));
    assert.deepEqual(c.volumeMounts, [{ name: 'tandem-outputs', mountPath: '/tmp/tandem/outputs' }]);
    assert.deepEqual(template(m, 'a').volumes, [{ name: 'tandem-outputs', emptyDir: {} }]);
  });

  void it('runs shell: true through /bin/sh -c with args as $1...', () => {
    const m = compile({ tasks: [{ name: 'a', process: { command: 'echo "$1"', args: ['hi'], shell: true } }] });
    const c = template(m, 'a').container;
    assert.deepEqual(c.command, ['/bin/sh', '-c']);
    assert.deepEqual(c.args, ['echo "$1"', 'sh', 'hi']);
  });

  void it('compiles a script with its interpreter and the image defaults', () => {
    const m = compile({ defaults: { image: 'python:3.12' }, tasks: [{ name: 'a', script: { interpreter: 'python3 -u', source: 'print(1)' } }] }, { projectDir: '/app/' });
    const s = template(m, 'a').script;
    assert.deepEqual(s.command, ['python3', '-u']);
    assert.equal(s.source, 'print(1)');
    assert.equal(s.image, 'python:3.12');
    assert.equal(s.workingDir, '/app');
    assert.equal(template(compile({ tasks: [{ name: 'a', ...sh('x') }] }, { defaultImage: 'debian' }), 'a').script.image, 'debian');
  });

  void it('refuses script args', () => {
    refuses({ tasks: [{ name: 'a', script: { source: 'x', args: ['1'] } }] }, 'script args', /task a, script.args/);
  });

  void it('runs a node task through a bootstrap in nodeImage, typed inputs via env, returned outputs via files', () => {
    const m = compile({
      params: { n: { type: 'integer', default: 1 } },
      tasks: [{ name: 'a', node: { module: 'tasks/a.ts', export: 'run' }, inputs: { n: '{{ params.n }}', label: 'x' }, outputs: { count: { type: 'integer' }, name: { type: 'string' } } }],
    }, { nodeImage: 'node:22' });
    const t = template(m, 'a');
    assert.equal(t.script.image, 'node:22');
    assert.deepEqual(t.script.command, ['node', '--import', 'tsx']);
    assert.match(t.script.source, /"module":"\/workspace\/tasks\/a.ts","export":"run","inputs":\{"n":"json","label":"string"\}/);
    assert.ok(!t.script.source.includes('{{'), 'the bootstrap must not contain Argo placeholders');
    assert.ok(t.script.env.some((e: { name: string; value: string }) => e.name === 'TANDEM_INPUT_n' && e.value === '{{inputs.parameters.n}}'));
    assert.deepEqual(t.outputs.parameters, [
      { name: 'count', valueFrom: { path: '/tmp/tandem/returned/count' } },
      { name: 'name', valueFrom: { path: '/tmp/tandem/returned/name' } },
    ]);
    assert.deepEqual(dagTask(m, 'a').arguments.parameters, [{ name: 'n', value: '{{workflow.parameters.n}}' }, { name: 'label', value: 'x' }]);
  });

  void it('names templates and DAG tasks with Argo-safe names', () => {
    const m = compile({ tasks: [{ name: 'load_data', ...sh('x') }] });
    assert.equal(dagTask(m, 'load-data').template, 'load-data');
  });
});

void describe('argo compile: references, inputs and outputs', () => {
  const producer = { name: 'p', ...sh('x'), outputs: { rows: { type: 'integer' }, file: { type: 'Dataset', path: 'd.json' }, score: { type: 'number', stdout: 'stats.score' } } };

  void it('declares file, artifact and stdout outputs', () => {
    const t = template(compile({ tasks: [producer] }), 'p');
    assert.deepEqual(t.outputs, { parameters: [{ name: 'rows', valueFrom: { path: '/tmp/tandem/outputs/rows' } }], artifacts: [{ name: 'file', path: '/tmp/tandem/outputs/d.json' }] });
  });

  void it('passes upstream outputs through DAG arguments, artifacts with from', () => {
    const m = compile({ tasks: [producer, { name: 'c', dependsOn: ['p'], inputs: { data: '{{ tasks.p.outputs.file }}' }, ...sh('wc {{ inputs.data }} {{ tasks.p.outputs.rows }}') }] });
    const task = dagTask(m, 'c');
    assert.equal(task.depends, 'p');
    assert.deepEqual(task.arguments.artifacts, [{ name: 'data', from: '{{tasks.p.outputs.artifacts.file}}' }]);
    assert.deepEqual(task.arguments.parameters, [{ name: 'tandem-tasks-p-outputs-rows', value: '{{tasks.p.outputs.parameters.rows}}' }]);
    const t = template(m, 'c');
    assert.deepEqual(t.inputs.artifacts, [{ name: 'data', path: '/tmp/tandem/inputs/data' }]);
    assert.equal(t.script.source, 'wc {{inputs.artifacts.data.path}} {{inputs.parameters.tandem-tasks-p-outputs-rows}}');
  });

  void it('reads a stdout dot path with a jsonpath expression over the last line', () => {
    const m = compile({ tasks: [producer, { name: 'c', inputs: { s: '{{ tasks.p.outputs.score }}' }, ...sh('x') }] });
    assert.equal(dagTask(m, 'c').arguments.parameters[0].value, '{{=jsonpath(last(split(trim(tasks.p.outputs.result), "\\n")), "$.stats.score")}}');
  });

  void it('renders a computed input as an Argo expression', () => {
    const m = compile({ params: { t: { type: 'number', default: 1 } }, tasks: [producer, { name: 'c', inputs: { ok: '{{ tasks.p.outputs.rows > params.t }}' }, ...sh('x') }] });
    assert.equal(dagTask(m, 'c').arguments.parameters[0].value, '{{=(asFloat(tasks.p.outputs.parameters.rows) > asFloat(workflow.parameters.t))}}');
  });

  void it('maps run and task references', () => {
    const m = compile({ tasks: [{ name: 'a', retry: { limit: 1 }, ...sh('{{ run.id }} {{ run.name }} {{ task.name }} {{ task.attempt }}') }] });
    assert.equal(template(m, 'a').script.source, '{{workflow.name}} wf a {{=asInt(retries) + 1}}');
    const once = compile({ tasks: [{ name: 'a', ...sh('{{ task.attempt }}') }] });
    assert.equal(template(once, 'a').script.source, '1');
  });

  void it('exports workflow outputs with globalName', () => {
    const m = compile({ tasks: [producer], outputs: { rows: '{{ tasks.p.outputs.rows }}', file: '{{ tasks.p.outputs.file }}' } });
    assert.deepEqual(template(m, 'tandem-main').outputs, {
      parameters: [{ name: 'rows', valueFrom: { parameter: '{{tasks.p.outputs.parameters.rows}}' }, globalName: 'rows' }],
      artifacts: [{ name: 'file', from: '{{tasks.p.outputs.artifacts.file}}', globalName: 'file' }],
    });
  });

  const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['JSON read from stdout', { tasks: [{ name: 'p', ...sh('x'), outputs: { j: { stdout: true } } }, { name: 'c', inputs: { j: '{{ tasks.p.outputs.j }}' }, ...sh('x') }] }, 'stdout output', /task c, inputs.j/],
    ['task.index', { tasks: [{ name: 'a', forEach: [1], ...sh('{{ task.index }}') }] }, 'task.index', /task a/],
    ['an artifact inside text', { tasks: [producer, { name: 'c', inputs: { d: 'at {{ tasks.p.outputs.file }}' }, ...sh('x') }] }, 'artifact in text', /task c, inputs.d/],
    ['a templated list input', { tasks: [{ name: 'a', inputs: { l: ['{{ run.id }}'] }, ...sh('x') }] }, 'templated structured input', /task a, inputs.l/],
    ['a non-reference workflow output', { tasks: [producer], outputs: { o: 'n={{ tasks.p.outputs.rows }}' } }, 'workflow output', /outputs.o/],
    ['arithmetic in a template', { tasks: [producer, { name: 'c', ...sh('{{ tasks.p.outputs.rows + 1 }}') }] }, 'expression', /task c/],
    ['inheritEnv on a process task', { tasks: [{ name: 'a', process: { command: 'env', inheritEnv: ['AWS_PROFILE'] } }] }, 'inheritEnv', /task a, process.inheritEnv/],
    ['inheritEnv on a node task', { tasks: [{ name: 'n', node: { module: 'm.mjs', inheritEnv: ['AWS_PROFILE'] } }] }, 'inheritEnv', /task n, node.inheritEnv/],
  ];
  for (const [label, doc, feature, where] of refusals) void it(`refuses ${label}`, () => refuses(doc, feature, where));

  void it('compiles an empty inheritEnv: nothing is inherited, as on a pod', () => {
    const m = compile({ tasks: [{ name: 'a', process: { command: 'env', inheritEnv: [] } }] });
    assert.deepEqual(template(m, 'a').container.command, ['env']);
  });
});

void describe('argo compile: when', () => {
  const doc = (when: string) => ({
    params: { env: { type: 'string', default: 'dev' }, n: { type: 'integer', default: 1 }, j: { type: 'json', default: {} } },
    tasks: [{ name: 'p', ...sh('x'), outputs: { ok: { type: 'boolean' } } }, { name: 'c', when, ...sh('x') }],
  });

  void it('quotes strings and leaves numbers and booleans bare', () => {
    const task = dagTask(compile(doc("params.env in ['dev', 'qa'] && params.n > 2 && tasks.p.outputs.ok")), 'c');
    assert.equal(task.when, "('{{workflow.parameters.env}}' == 'dev' || '{{workflow.parameters.env}}' == 'qa') && {{workflow.parameters.n}} > 2 && {{tasks.p.outputs.parameters.ok}}");
    assert.equal(task.depends, 'p');
  });

  void it('needs a possibly skipped data upstream to have Succeeded', () => {
    const m = compile({ tasks: [{ name: 'p', when: 'true', ...sh('x'), outputs: { o: {} } }, { name: 'c', inputs: { o: '{{ tasks.p.outputs.o }}' }, ...sh('x') }, { name: 'd', dependsOn: ['p'], ...sh('x') }] });
    assert.equal(dagTask(m, 'c').depends, 'p.Succeeded');
    assert.equal(dagTask(m, 'd').depends, 'p');
  });

  void it('refuses a macro and a JSON param in when', () => {
    refuses(doc('size(params.env) > 1'), 'when', /task c, when/);
    refuses(doc('params.j'), 'when', /task c, when/);
  });
});

void describe('argo compile: forEach', () => {
  void it('maps a literal list to withItems and a range to withSequence', () => {
    const m = compile({ tasks: [{ name: 'a', forEach: ['x', 'y'], ...sh('{{ item }}') }, { name: 'b', forEach: { start: 1, end: 3 }, ...sh('x') }, { name: 'c', forEach: { count: 2 }, ...sh('x') }] });
    assert.deepEqual(dagTask(m, 'a').withItems, ['x', 'y']);
    assert.deepEqual(dagTask(m, 'a').arguments.parameters, [{ name: 'tandem-item', value: '{{item}}' }]);
    assert.equal(template(m, 'a').script.source, '{{inputs.parameters.tandem-item}}');
    assert.deepEqual(dagTask(m, 'b').withSequence, { start: 1, end: 3 });
    assert.deepEqual(dagTask(m, 'c').withSequence, { count: 2 });
  });

  void it('maps an upstream list to withParam', () => {
    const m = compile({ tasks: [{ name: 'l', node: { module: 'l.js' }, outputs: { files: { type: 'json' } } }, { name: 'a', forEach: '{{ tasks.l.outputs.files }}', ...sh('x') }] });
    assert.equal(dagTask(m, 'a').withParam, '{{tasks.l.outputs.parameters.files}}');
  });

  void it('puts a forEach with parallelism in its own DAG template', () => {
    const m = compile({ tasks: [{ name: 'l', node: { module: 'l.js' }, outputs: { files: { type: 'json' } } }, { name: 'a', forEach: '{{ tasks.l.outputs.files }}', parallelism: 3, ...sh('{{ item }}'), outputs: { n: {} } }] });
    const outer = dagTask(m, 'a');
    assert.equal(outer.template, 'a-loop');
    assert.deepEqual(outer.arguments.parameters, [{ name: 'tandem-items', value: '{{tasks.l.outputs.parameters.files}}' }]);
    const loop = template(m, 'a-loop');
    assert.equal(loop.parallelism, 3);
    assert.equal(loop.dag.tasks[0].withParam, '{{inputs.parameters.tandem-items}}');
    assert.deepEqual(loop.outputs.parameters, [{ name: 'n', valueFrom: { parameter: '{{tasks.a.outputs.parameters.n}}' } }]);
  });

  void it('refuses steps, a loop over one artifact, and a loop\'s artifacts as a workflow output', () => {
    refuses({ tasks: [{ name: 'a', forEach: { start: 0, end: 4, step: 2 }, ...sh('x') }] }, 'forEach step', /task a, forEach.step/);
    const art = { name: 'p', ...sh('x'), outputs: { d: { type: 'artifact' } } };
    refuses({ tasks: [art, { name: 'a', forEach: '{{ tasks.p.outputs.d }}', ...sh('x') }] }, 'forEach over artifacts', /task a, forEach/);
    refuses({ tasks: [{ ...art, forEach: [1, 2] }], outputs: { d: '{{ tasks.p.outputs.d }}' } }, 'artifact fan-in', /outputs.d/);
  });
});

void describe('argo compile: policies', () => {
  void it('maps retry, timeout, resources and synchronization', () => {
    const m = compile({
      defaults: { timeout: '1.5s', resources: { requests: { cpu: '500m' }, limits: { memory: '1Gi', gpu: 1 } } },
      tasks: [
        { name: 'a', retry: { limit: 3, policy: 'on-error', backoff: { duration: '100ms', factor: 2, maxDuration: '1m' } }, synchronization: { mutex: 'db' }, ...sh('x') },
        { name: 'b', timeout: '2m', synchronization: { semaphore: { name: 'gpu', limit: 2 } }, ...sh('x') },
      ],
    }, { semaphoreConfigMapPrefix: 'locks' });
    const a = template(m, 'a');
    assert.deepEqual(a.retryStrategy, { limit: 3, retryPolicy: 'OnError', backoff: { duration: '100ms', factor: 2, cap: '60s' } });
    assert.equal(a.activeDeadlineSeconds, 2);
    assert.deepEqual(a.script.resources, { limits: { memory: '1Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '500m' } });
    assert.deepEqual(a.synchronization, { mutexes: [{ name: 'db' }] });
    const b = template(m, 'b');
    assert.equal(b.activeDeadlineSeconds, 120);
    assert.deepEqual(b.synchronization, { semaphores: [{ configMapKeyRef: { name: 'locks-gpu', key: 'limit' } }] });
    assert.equal(b.retryStrategy, undefined);
  });

  void it('maps cache to memoize keyed on inputs and the params the runner reads', () => {
    const m = compile({ params: { n: { type: 'integer', default: 1 } }, tasks: [{ name: 'a', cache: { version: '2', maxAge: '1h' }, inputs: { x: 'v' }, ...sh('{{ params.n }}') }] }, { cacheConfigMap: 'memo' });
    const memo = template(m, 'a').memoize;
    // Argo's ConfigMap cache refuses any key outside [a-zA-Z0-9][-a-zA-Z0-9]*: the values are hashed at run time.
    assert.equal(memo.key, `${memo.key.slice(0, 39)}-{{=sprig.sha256sum(toJson([workflow.parameters.n, inputs.parameters.x]))}}`);
    assert.match(memo.key.slice(0, 39), /^tandem-[0-9a-f]{32}$/);
    assert.equal(memo.maxAge, '3600s');
    assert.deepEqual(memo.cache, { configMap: { name: 'memo' } });
  });

  void it('refuses a fractional factor, gpu requests and caching artifact inputs', () => {
    refuses({ tasks: [{ name: 'a', retry: { limit: 1, backoff: { factor: 1.5 } }, ...sh('x') }] }, 'retry.backoff.factor', /task a/);
    refuses({ tasks: [{ name: 'a', resources: { requests: { gpu: 1 } }, ...sh('x') }] }, 'resources.requests.gpu', /task a/);
    refuses({ tasks: [{ name: 'p', ...sh('x'), outputs: { d: { type: 'artifact' } } }, { name: 'c', cache: {}, inputs: { d: '{{ tasks.p.outputs.d }}' }, ...sh('x') }] }, 'cache', /task c, inputs.d/);
  });
});

void describe('argo compile: finally', () => {
  void it('compiles finally tasks to an exit-handler DAG with run status', () => {
    const m = compile({ tasks: [{ name: 'a', ...sh('x') }], finally: [{ name: 'n', ...sh('{{ run.status }} {{ run.failures }}') }] });
    assert.equal(m.spec.onExit, 'tandem-finally');
    assert.equal(dagTask(m, 'n', 'tandem-finally').template, 'n');
    assert.equal(template(m, 'n').script.source, '{{workflow.status}} {{workflow.failures}}');
  });

  void it('refuses a finally task reading a main task output', () => {
    refuses({ tasks: [{ name: 'a', ...sh('x'), outputs: { o: {} } }], finally: [{ name: 'n', ...sh('{{ tasks.a.outputs.o }}') }] }, 'reference across the exit handler', /task n/);
  });
});
