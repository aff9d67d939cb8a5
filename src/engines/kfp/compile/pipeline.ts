// compileToKfp: a tandem workflow as a KFP PipelineSpec (IR schema 2.1.0), as a plain JSON object
// with sorted keys, so the same workflow always compiles to the same bytes. Params become the root
// component's inputs; main tasks go into the root DAG, or into an `exit-handler-1` sub-DAG when the
// workflow has `finally` tasks, which then run after it with ALL_UPSTREAM_TASKS_COMPLETED; workflow
// outputs become root outputs where they are plain task outputs.
import { buildGraph } from '../../../spec/graph.js';
import type { TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import { VERSION } from '../../../version.js';
import { CompileContext, plainPath, type KfpCompileOptions } from './context.js';
import { checkWorkflow } from './policies.js';
import { placeTask } from './place.js';
import { attachPlatformSpec, executorConfig } from './platform.js';
import { RUN_STATUS_INPUT, Scope, type DagTask } from './scopes.js';
import { definitionJson, paramParameterType, type IrValueDef } from './types.js';

const KFP_SCHEMA_VERSION = '2.1.0';
const EXIT_HANDLER = 'exit-handler-1';
const FINALLY_DAG = 'tandem-finally';

export function compileToKfp(spec: WorkflowSpec, options: KfpCompileOptions = {}): Record<string, unknown> {
  const ctx = new CompileContext(spec, options);
  const root = new Scope('root', 'root');
  for (const [name, decl] of Object.entries(spec.params ?? {})) {
    root.inputs.set(name, { kind: 'parameter', type: paramParameterType(spec.name, name, decl) });
  }
  const scopes: Scope[] = [];
  const components: Record<string, unknown> = {};
  const executors: Record<string, unknown> = {};
  const platform: Record<string, unknown> = {};

  let main = root;
  let exit = root;
  const finallyTasks = spec.finally ?? [];
  if (finallyTasks.length > 0) {
    const exitTask = root.addTask(EXIT_HANDLER, { componentRef: { name: `comp-${EXIT_HANDLER}` }, taskInfo: { name: EXIT_HANDLER } });
    main = new Scope('exit-handler', `comp-${EXIT_HANDLER}`, root, exitTask);
    const finallyTask = root.addTask(FINALLY_DAG, {
      componentRef: { name: `comp-${FINALLY_DAG}` },
      taskInfo: { name: FINALLY_DAG },
      triggerPolicy: { strategy: 'ALL_UPSTREAM_TASKS_COMPLETED' },
    });
    finallyTask.dependsOn.add(EXIT_HANDLER);
    finallyTask.parameters.set(RUN_STATUS_INPUT, { taskFinalStatus: { producerTask: EXIT_HANDLER } });
    exit = new Scope('finally', `comp-${FINALLY_DAG}`, root, finallyTask);
    exit.inputs.set(RUN_STATUS_INPUT, { kind: 'parameter', type: 'TASK_FINAL_STATUS' });
    ctx.binder.finallyScope = exit;
    scopes.push(main, exit);
  }
  const place = (task: TaskSpec, parent: Scope): DagTask => {
    const placed = placeTask(ctx, task, parent, scopes);
    const name = ctx.dagName(task.name);
    components[`comp-${name}`] = {
      executorLabel: `exec-${name}`,
      ...definitions('inputDefinitions', placed.build.inputs, spec),
      ...definitions('outputDefinitions', placed.build.outputs, spec),
    };
    executors[`exec-${name}`] = placed.executor;
    platform[`exec-${name}`] = executorConfig(ctx, task);
    if (placed.capture) {
      const step = ctx.dagName(ctx.stdoutTask(task.name));
      components[`comp-${step}`] = placed.capture.component;
      executors[`exec-${step}`] = placed.capture.executor;
    }
    return placed.outer;
  };
  for (const task of ordered(spec.tasks)) place(task, main);
  for (const task of ordered(finallyTasks)) place(task, exit);
  checkWorkflow(ctx, spec);
  workflowOutputs(ctx, root);

  for (const scope of scopes) components[scope.component] = scopeComponent(scope, spec);
  const rootComponent = scopeComponent(root, spec);
  // Keys are sorted when the IR is written (kfpIrYaml), as the KFP SDK writes them; copying the
  // whole document here to sort it cost a third of compiling a large pipeline.
  const ir = {
    pipelineInfo: {
      name: options.pipelineName ?? spec.name,
      ...(spec.description !== undefined ? { description: spec.description } : {}),
    },
    schemaVersion: KFP_SCHEMA_VERSION,
    sdkVersion: `tandem-${VERSION}`,
    root: rootComponent,
    components,
    deploymentSpec: { executors },
  };
  attachPlatformSpec(ir, platform);
  return ir;
}

function ordered(tasks: readonly TaskSpec[]): TaskSpec[] {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  const order = buildGraph(tasks).order;
  return order.length === tasks.length ? order.map((n) => byName.get(n)).filter((t): t is TaskSpec => t !== undefined) : [...tasks];
}

function workflowOutputs(ctx: CompileContext, root: Scope): void {
  for (const [name, template] of Object.entries(ctx.spec.outputs ?? {})) {
    const match = /^\s*\{\{(.*)\}\}\s*$/.exec(template);
    const path = match?.[1] !== undefined && !match[1].includes('{{') ? plainPath(match[1].trim()) : undefined;
    if (!path || path[0] !== 'tasks' || path[2] !== 'outputs' || path.length !== 4 || path[1] === undefined || path[3] === undefined) {
      ctx.fail('workflow output', undefined, `output ${name} is "${template}"; a KFP pipeline output must be one task output, {{ tasks.T.outputs.O }}`);
    }
    const [, task, , output] = path as [string, string, string, string];
    if (ctx.finallyNames.has(task)) ctx.fail('workflow output from a finally task', undefined, `output ${name} reads finally task ${task}; KFP pipeline outputs cannot come from exit tasks`);
    const binding = ctx.binder.bind(root, ctx.outputSource(task, output));
    const spec = binding.spec as { taskOutputParameter?: { producerTask: string; outputParameterKey: string }; taskOutputArtifact?: { producerTask: string; outputArtifactKey: string } };
    const producer = spec.taskOutputParameter ?? spec.taskOutputArtifact;
    if (!producer) continue;
    const key = spec.taskOutputParameter?.outputParameterKey ?? spec.taskOutputArtifact?.outputArtifactKey ?? output;
    root.outputs.set(name, { def: binding.def, producerSubtask: producer.producerTask, key });
  }
}

function scopeComponent(scope: Scope, spec: WorkflowSpec): Record<string, unknown> {
  const tasks: Record<string, unknown> = {};
  for (const task of scope.tasks.values()) tasks[task.name] = taskJson(task);
  const parameters = new Map<string, unknown>();
  const artifacts = new Map<string, unknown>();
  const outputDefs = new Map<string, IrValueDef>();
  for (const [name, out] of scope.outputs) {
    outputDefs.set(name, out.def);
    if (out.def.kind === 'parameter') parameters.set(name, { valueFromParameter: { producerSubtask: out.producerSubtask, outputParameterKey: out.key } });
    else artifacts.set(name, { artifactSelectors: [{ producerSubtask: out.producerSubtask, outputArtifactKey: out.key }] });
  }
  const dagOutputs = valueMaps(parameters, artifacts);
  return {
    dag: { tasks, ...(dagOutputs ? { outputs: dagOutputs } : {}) },
    ...definitions('inputDefinitions', scope.inputs, spec, scope.kind === 'root'),
    ...definitions('outputDefinitions', outputDefs, spec),
  };
}

// The functions below run once per task of a pipeline (10,000 in the compile benchmark): they
// build plain objects directly rather than through spreads and entry arrays.

function taskJson(task: DagTask): Record<string, unknown> {
  const json: Record<string, unknown> = Object.assign({}, task.spec);
  const inputs = valueMaps(task.parameters, task.artifacts);
  if (inputs) json.inputs = inputs;
  if (task.dependsOn.size > 0) json.dependentTasks = [...task.dependsOn].sort();
  return json;
}

/** `{ parameters, artifacts }` from two maps, each left out when empty; undefined when both are. */
function valueMaps(parameters: ReadonlyMap<string, unknown>, artifacts: ReadonlyMap<string, unknown>): Record<string, unknown> | undefined {
  if (parameters.size === 0 && artifacts.size === 0) return undefined;
  const maps: Record<string, unknown> = {};
  if (parameters.size > 0) maps.parameters = Object.fromEntries(parameters);
  if (artifacts.size > 0) maps.artifacts = Object.fromEntries(artifacts);
  return maps;
}

/** inputDefinitions / outputDefinitions; for the root, params carry defaults, descriptions and literals. */
function definitions(key: string, defs: ReadonlyMap<string, IrValueDef>, spec: WorkflowSpec, root = false): Record<string, unknown> {
  if (defs.size === 0) return {};
  const parameters = new Map<string, unknown>();
  const artifacts = new Map<string, unknown>();
  for (const [name, def] of defs) {
    const decl = root ? spec.params?.[name] : undefined;
    const extra: Record<string, unknown> = {};
    if (decl?.default !== undefined) Object.assign(extra, { defaultValue: decl.default, isOptional: true });
    if (decl?.description !== undefined) extra.description = decl.description;
    if (decl?.enum !== undefined) extra.literals = decl.enum;
    (def.kind === 'parameter' ? parameters : artifacts).set(name, definitionJson(def, extra));
  }
  return { [key]: valueMaps(parameters, artifacts) };
}
