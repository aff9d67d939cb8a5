// The whole Argo manifest: metadata (name, labels), spec.arguments from params, the entry DAG of
// the main tasks (with `depends` from the task graph), the exit-handler DAG of `finally` tasks,
// workflow outputs exported with globalName, and the Workflow / WorkflowTemplate / CronWorkflow
// envelope. Objects are built in a fixed key order so the YAML is stable for snapshots.
import { taskReferences, taskUpstreams } from '../../../spec/graph.js';
import type { ParamDecl, TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import { artifactRepositoryRef } from './artifacts.js';
import { CompileContext } from './context.js';
import { cronWorkflowName } from './names.js';
import { ENTRY_TEMPLATE, EXIT_TEMPLATE, resolveOptions, type ArgoCompileOptions } from './options.js';
import { parseExpression, resolveDagReference } from './references.js';
import { compileTask } from './task.js';

type Json = Record<string, unknown>;

/** JSON object: Argo DAG task name → tandem task name, for every task whose name had to change. */
const TASK_NAMES_ANNOTATION = 'tandem.dev/task-names';
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function compileManifest(spec: WorkflowSpec, options?: ArgoCompileOptions): Record<string, unknown> {
  const ctx = new CompileContext(spec, resolveOptions(options));
  const workflowSpec = buildWorkflowSpec(ctx);
  const { kind, schedule } = ctx.options;
  if (kind === 'CronWorkflow' && schedule) {
    if (schedule.schedules.length === 0) ctx.fail('schedule', undefined, 'schedules', 'expected at least one cron expression');
    const cronSpec: Json = {
      schedules: schedule.schedules,
      ...(schedule.timezone !== undefined ? { timezone: schedule.timezone } : {}),
      ...(schedule.concurrencyPolicy !== undefined ? { concurrencyPolicy: schedule.concurrencyPolicy } : {}),
      ...(schedule.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: schedule.startingDeadlineSeconds } : {}),
      workflowMetadata: { labels: labels(spec), ...renamedAnnotation(ctx) },
      workflowSpec,
    };
    return envelope(ctx, 'CronWorkflow', cronSpec);
  }
  if (kind === 'CronWorkflow') ctx.fail('schedule', undefined, 'schedule', 'a CronWorkflow needs options.schedule with at least one cron expression');
  return envelope(ctx, kind, workflowSpec);
}

function envelope(ctx: CompileContext, kind: string, spec: Json): Json {
  const name = ctx.spec.name;
  const annotations: Json = {};
  if (ctx.spec.description !== undefined) annotations['workflows.argoproj.io/description'] = ctx.spec.description;
  if (ctx.spec.version !== undefined && !labelSafe(ctx.spec.version)) annotations['tandem.dev/version'] = ctx.spec.version;
  if (ctx.spec.experiment !== undefined) annotations['tandem.dev/experiment'] = ctx.spec.experiment;
  Object.assign(annotations, renamedAnnotation(ctx).annotations);
  const metadata: Json = {
    ...(kind === 'Workflow' ? { generateName: `${name}-` } : { name: kind === 'CronWorkflow' ? cronWorkflowName(name) : name }),
    ...(ctx.options.namespace !== undefined ? { namespace: ctx.options.namespace } : {}),
    labels: labels(ctx.spec),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  return { apiVersion: 'argoproj.io/v1alpha1', kind, metadata, spec };
}

/** Tasks Argo knows by another name: the map lets status be read back as tandem's task names. */
function renamedAnnotation(ctx: CompileContext): { annotations?: Record<string, string> } {
  const renamed = ctx.renamedTasks();
  return Object.keys(renamed).length > 0 ? { annotations: { [TASK_NAMES_ANNOTATION]: JSON.stringify(renamed) } } : {};
}

function labelSafe(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

function labels(spec: WorkflowSpec): Record<string, string> {
  return {
    'tandem.dev/workflow': spec.name,
    ...(spec.version !== undefined && labelSafe(spec.version) ? { 'tandem.dev/version': spec.version } : {}),
    ...(spec.type !== undefined ? { 'tandem.dev/type': spec.type } : {}),
  };
}

function buildWorkflowSpec(ctx: CompileContext): Json {
  const spec = ctx.spec;
  const main = compileGroup(ctx, spec.tasks);
  const entry: Json = {
    name: ENTRY_TEMPLATE,
    ...workflowOutputs(ctx),
    dag: { ...(spec.failFast !== undefined ? { failFast: spec.failFast } : {}), tasks: main.dagTasks },
  };
  const templates: Json[] = [entry];
  let exit: Json[] = [];
  if (spec.finally && spec.finally.length > 0) {
    const group = compileGroup(ctx, spec.finally);
    exit = [{ name: EXIT_TEMPLATE, dag: { tasks: group.dagTasks } }, ...group.templates];
  }
  templates.push(...main.templates, ...exit);
  const parameters = Object.entries(spec.params ?? {}).map(([name, decl]) => parameter(name, decl));
  const repositoryRef = artifactRepositoryRef(ctx);
  return {
    entrypoint: ENTRY_TEMPLATE,
    ...(parameters.length ? { arguments: { parameters } } : {}),
    ...(exit.length ? { onExit: EXIT_TEMPLATE } : {}),
    ...(spec.parallelism !== undefined ? { parallelism: spec.parallelism } : {}),
    ...(ctx.options.serviceAccountName !== undefined ? { serviceAccountName: ctx.options.serviceAccountName } : {}),
    ...(repositoryRef !== undefined ? { artifactRepositoryRef: repositoryRef } : {}),
    templates,
  };
}

function parameter(name: string, decl: ParamDecl): Json {
  return {
    name,
    ...(decl.default !== undefined ? { value: asText(decl.default) } : {}),
    ...(decl.enum !== undefined ? { enum: decl.enum.map(asText) } : {}),
    ...(decl.description !== undefined ? { description: decl.description } : {}),
  };
}

/** Argo parameters are text: strings as they are, everything else as JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function compileGroup(ctx: CompileContext, tasks: readonly TaskSpec[]): { dagTasks: Json[]; templates: Json[] } {
  const names = new Set(tasks.map((task) => task.name));
  const skippable = new Map<string, boolean>();
  const mayBeSkipped = (name: string): boolean => {
    const known = skippable.get(name);
    if (known !== undefined) return known;
    skippable.set(name, false);
    const task = ctx.tasks.get(name);
    const result = task !== undefined && (task.when !== undefined || [...dataUpstreams(task)].some((up) => names.has(up) && mayBeSkipped(up)));
    skippable.set(name, result);
    return result;
  };
  const dagTasks: Json[] = [];
  const templates: Json[] = [];
  for (const task of tasks) {
    const data = dataUpstreams(task);
    const ups = taskUpstreams(task).filter((up) => names.has(up));
    // A reader of a possibly skipped task needs it Succeeded; an ordering-only dependency also
    // accepts Skipped (Argo's bare `name`), as tandem runs a task whose upstream was skipped.
    const terms = ups.map((up) => (data.has(up) && mayBeSkipped(up) ? `${ctx.templateName(up)}.Succeeded` : ctx.templateName(up)));
    const compiled = compileTask(ctx, task, terms.length ? terms.join(' && ') : undefined);
    dagTasks.push(compiled.dagTask);
    templates.push(...compiled.templates);
  }
  return { dagTasks, templates };
}

function dataUpstreams(task: TaskSpec): Set<string> {
  const found = new Set<string>();
  for (const ref of taskReferences(task)) if (ref.root === 'tasks' && ref.path[0] !== undefined) found.add(ref.path[0]);
  found.delete(task.name);
  return found;
}

/** Workflow outputs: entry-template outputs exported to the workflow with globalName. */
function workflowOutputs(ctx: CompileContext): Json {
  const parameters: Json[] = [];
  const artifacts: Json[] = [];
  const host = ctx.spec.tasks[0]!;
  for (const [name, text] of Object.entries(ctx.spec.outputs ?? {})) {
    const field = `outputs.${name}`;
    const match = /^\{\{([^}]*)\}\}$/.exec(text.trim());
    const node = match ? parseExpression(ctx, host.name, field, match[1]!.trim()) : undefined;
    if (!node || node.kind !== 'reference' || node.path[0] !== 'tasks') {
      ctx.fail('workflow output', undefined, field, 'on Argo a workflow output must be exactly one reference to a task output, e.g. "{{ tasks.a.outputs.b }}"');
    }
    const consumer = { ...host, name: '' } as TaskSpec;
    const resolved = resolveDagReference(ctx, consumer, field, node.path);
    if (resolved.kind === 'artifact-list') ctx.fail('artifact fan-in', undefined, field, `${node.path.join('.')} is one artifact per forEach item; a workflow output names one artifact`);
    if (resolved.kind === 'artifact') artifacts.push({ name, from: resolved.from, globalName: name });
    else if (resolved.kind === 'tag' && resolved.typed) parameters.push({ name, valueFrom: { expression: resolved.expr }, globalName: name });
    else if (resolved.kind === 'tag') parameters.push({ name, valueFrom: { parameter: resolved.tag }, globalName: name });
  }
  if (!parameters.length && !artifacts.length) return {};
  return { outputs: { ...(parameters.length ? { parameters } : {}), ...(artifacts.length ? { artifacts } : {}) } };
}
