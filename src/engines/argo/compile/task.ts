// One tandem task as Argo objects: the leaf template that runs it (inputs, outputs, runner,
// policies) and the DAG task that calls it (arguments, depends, when, loop). A forEach with
// `parallelism` gets its own DAG template (`<name>-loop`) whose template-level parallelism bounds
// the iterations, since an Argo DAG task has no parallelism of its own.
import type { TaskSpec } from '../../../spec/schema.js';
import { isArtifactType } from '../../../spec/value-types.js';
import { artifactLocation, loopArtifactKey, loopKeyParameter, outputArtifactLocation } from './artifacts.js';
import type { CompileContext } from './context.js';
import { CONTAINER_PATHS, OUTPUTS_VOLUME } from './options.js';
import { activeDeadlineSeconds, memoize, retryStrategy, synchronization } from './policies.js';
import { parseExpression, referencesOf, resolveDagReference } from './references.js';
import { runnerTemplate } from './runners.js';
import { TemplateScope, type DagArgument } from './scope.js';
import { argoWhen } from './when.js';

type Json = Record<string, unknown>;

export interface CompiledTask {
  /** Templates to add to spec.templates, in order. */
  templates: Json[];
  /** The task in its group's DAG. */
  dagTask: Json;
}

export function compileTask(ctx: CompileContext, task: TaskSpec, depends: string | undefined): CompiledTask {
  const scope = new TemplateScope(ctx, task);
  const runner = runnerTemplate(ctx, scope); // renders runner fields, which may add synthesized inputs
  const memo = memoize(ctx, scope); // cache.key values may add synthesized inputs too
  const leafName = ctx.templateName(task.name);
  const leaf: Json = {
    name: leafName,
    ...ioOf(scope.args, 'inputs'),
    ...outputsOf(ctx, task),
    ...runner,
    volumes: [{ name: OUTPUTS_VOLUME, emptyDir: {} }],
  };
  const retry = retryStrategy(ctx, task);
  if (retry) leaf.retryStrategy = retry;
  const deadline = activeDeadlineSeconds(ctx, task);
  if (deadline !== undefined) leaf.activeDeadlineSeconds = deadline;
  if (memo) leaf.memoize = memo;
  const sync = synchronization(ctx, task);
  if (sync) leaf.synchronization = sync;

  const when = task.when !== undefined ? argoWhen(ctx, task, task.when) : undefined;
  const loop = loopFields(ctx, task);
  const head = { name: leafName, ...(depends !== undefined ? { depends } : {}) };
  if (task.forEach === undefined || task.parallelism === undefined) {
    const dagTask: Json = { ...head, template: leafName, ...argumentsOf(ctx, scope.args), ...(when !== undefined ? { when } : {}), ...loop };
    return { templates: [leaf], dagTask };
  }
  return wrapLoop(ctx, task, scope.args, leaf, when, loop, head);
}

function wrapLoop(ctx: CompileContext, task: TaskSpec, args: DagArgument[], leaf: Json, when: string | undefined, loop: Json, head: Json): CompiledTask {
  const whenPerItem = task.when !== undefined && whenRoots(ctx, task).has('item');
  if (whenPerItem && whenRoots(ctx, task).has('tasks')) {
    ctx.fail('forEach parallelism', task.name, 'when', 'a per-item condition that also reads task outputs cannot be evaluated inside the loop template that bounds parallelism');
  }
  for (const arg of args) {
    if (arg.item && /\btasks\./.test(arg.value)) {
      ctx.fail('forEach parallelism', task.name, `inputs.${arg.name}`, 'a value that mixes item with task outputs cannot be computed inside the loop template that bounds parallelism');
    }
  }
  const outer = args.filter((arg) => !arg.item);
  const passed: DagArgument[] = outer.map(({ key: _key, ...arg }) => ({ ...arg, value: arg.artifact ? `{{inputs.artifacts.${arg.name}}}` : `{{inputs.parameters.${arg.name}}}` }));
  const inner: DagArgument[] = [...passed, ...args.filter((arg) => arg.item)];
  let innerLoop = loop;
  const outerArgs = [...outer];
  if (typeof loop.withParam === 'string' && loop.withParam.includes('{{tasks.')) {
    outerArgs.push({ name: 'tandem-items', value: loop.withParam, artifact: false, item: false });
    innerLoop = { withParam: '{{inputs.parameters.tandem-items}}' };
  }
  const wrapperName = `${ctx.templateName(task.name)}-loop`;
  const outputs = Object.entries(task.outputs ?? {})
    .filter(([, decl]) => decl.stdout === undefined || decl.stdout === false)
    .map(([name, decl]) => (isArtifactType(decl.type) ? loopKeyParameter(name) : name))
    .map((name) => ({ name, valueFrom: { parameter: `{{tasks.${leaf.name as string}.outputs.parameters.${name}}}` } }));
  const innerTask: Json = {
    name: leaf.name,
    template: leaf.name,
    ...argumentsOf(ctx, inner),
    ...(whenPerItem && when !== undefined ? { when } : {}),
    ...innerLoop,
  };
  const wrapper: Json = {
    name: wrapperName,
    ...ioOf(outerArgs, 'inputs'),
    ...(outputs.length ? { outputs: { parameters: outputs } } : {}),
    parallelism: task.parallelism,
    dag: { tasks: [innerTask] },
  };
  const dagTask: Json = { ...head, template: wrapperName, ...argumentsOf(ctx, outerArgs), ...(!whenPerItem && when !== undefined ? { when } : {}) };
  return { templates: [wrapper, leaf], dagTask };
}

function whenRoots(ctx: CompileContext, task: TaskSpec): Set<string> {
  const node = parseExpression(ctx, task.name, 'when', task.when ?? 'true');
  return new Set(referencesOf(node).map((path) => path[0] ?? ''));
}

/** withItems, withSequence or withParam for a forEach. */
function loopFields(ctx: CompileContext, task: TaskSpec): Json {
  const each = task.forEach;
  if (each === undefined) return {};
  if (Array.isArray(each)) return { withItems: each };
  if (typeof each === 'object') {
    if (each.step !== undefined && each.step !== 1) ctx.fail('forEach step', task.name, 'forEach.step', `Argo's withSequence counts by 1, found step ${each.step}`);
    if (each.count !== undefined) return { withSequence: { count: each.count, ...(each.start !== undefined ? { start: each.start } : {}) } };
    if (each.end === undefined) return ctx.fail('forEach range', task.name, 'forEach', 'expected end or count');
    const start = each.start ?? 0;
    if (start > each.end) ctx.fail('forEach range', task.name, 'forEach', `start ${start} is after end ${each.end}, which tandem runs as no items and Argo as a descending sequence`);
    return { withSequence: { start, end: each.end } };
  }
  const match = /^\{\{([^}]*)\}\}$/.exec(each.trim());
  const node = match ? parseExpression(ctx, task.name, 'forEach', match[1]!.trim()) : undefined;
  if (!node || node.kind !== 'reference') return ctx.fail('forEach', task.name, 'forEach', 'on Argo a forEach template must be exactly one reference to a list, e.g. "{{ tasks.list.outputs.files }}"');
  const resolved = resolveDagReference(ctx, task, 'forEach', node.path);
  // A loop's artifacts: iterate over the keys its iterations reported (artifacts.ts).
  if (resolved.kind === 'artifact-list') return { withParam: resolved.keys };
  if (resolved.kind === 'artifact') return ctx.fail('forEach over artifacts', task.name, 'forEach', `${node.path.join('.')} is one artifact, not a list; Argo loops over parameter lists only`);
  if (resolved.kind === 'literal' || resolved.typed || (resolved.type !== 'json' && resolved.type !== undefined)) {
    return ctx.fail('forEach', task.name, 'forEach', `${node.path.join('.')} is not a JSON list`);
  }
  return { withParam: resolved.tag };
}

function ioOf(args: DagArgument[], key: 'inputs'): Json {
  const parameters = args.filter((arg) => !arg.artifact).map((arg) => ({ name: arg.name }));
  const artifacts = args.filter((arg) => arg.artifact).map((arg) => ({ name: arg.name, ...(arg.path !== undefined ? { path: arg.path } : {}) }));
  if (!parameters.length && !artifacts.length) return {};
  return { [key]: { ...(parameters.length ? { parameters } : {}), ...(artifacts.length ? { artifacts } : {}) } };
}

function argumentsOf(ctx: CompileContext, args: DagArgument[]): Json {
  const parameters = args.filter((arg) => !arg.artifact).map((arg) => ({ name: arg.name, value: arg.value }));
  const artifacts = args.filter((arg) => arg.artifact).map((arg) => (arg.key !== undefined ? { name: arg.name, ...artifactLocation(ctx, arg.key) } : { name: arg.name, from: arg.value }));
  if (!parameters.length && !artifacts.length) return {};
  return { arguments: { ...(parameters.length ? { parameters } : {}), ...(artifacts.length ? { artifacts } : {}) } };
}

/**
 * Output parameters read from files, and output artifacts; stdout outputs use Argo's outputs.result.
 * A loop's artifact is written at a key of its own, which the iteration also reports as a parameter.
 */
function outputsOf(ctx: CompileContext, task: TaskSpec): Json {
  const parameters: Json[] = [];
  const artifacts: Json[] = [];
  const looped = task.forEach !== undefined;
  for (const [name, decl] of Object.entries(task.outputs ?? {})) {
    const file = decl.path ?? name;
    const path = file.startsWith('/') ? file : `${CONTAINER_PATHS.outputsDir}/${file}`;
    if (isArtifactType(decl.type)) {
      artifacts.push({ name, path, ...outputArtifactLocation(ctx, task.name, name, looped) });
      if (looped) parameters.push({ name: loopKeyParameter(name), value: loopArtifactKey(ctx, task.name, name) });
    }
    else if (decl.stdout !== undefined && decl.stdout !== false) continue;
    else if (task.node && decl.path === undefined) parameters.push({ name, valueFrom: { path: `${CONTAINER_PATHS.returnedDir}/${name}` } });
    else parameters.push({ name, valueFrom: { path } });
  }
  if (!parameters.length && !artifacts.length) return {};
  return { outputs: { ...(parameters.length ? { parameters } : {}), ...(artifacts.length ? { artifacts } : {}) } };
}
