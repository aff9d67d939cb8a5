// Places one tandem task in the KFP DAG, wrapped as the KFP SDK wraps control flow: a `when`
// becomes a `condition-N` sub-DAG whose task carries triggerPolicy.condition (inside the loop when
// the condition reads the item, outside it otherwise); a forEach becomes a `for-loop-N` sub-DAG
// whose task carries the parameter (or artifact) iterator and iteratorPolicy. The task itself is a
// component `comp-<task>` run by executor `exec-<task>`.
import { referencesInExpression } from '../../../expr/references.js';
import { parseTemplate } from '../../../expr/template.js';
import type { ForEachRange, TaskSpec } from '../../../spec/schema.js';
import { bindDeclaredInputs, declareOutputs, type TaskBuild } from './component.js';
import { kfpCondition } from './condition.js';
import { fusedLoop, joinParallelism } from './fused-loop.js';
import { captureStdout, type Capture } from './stdout-capture.js';
import { executorSpec } from './container.js';
import type { CompileContext } from './context.js';
import { cacheInputs, cachingOptions, checkTask, retryPolicy } from './policies.js';
import { channelName, Scope, type DagTask } from './scopes.js';
import { itemType, literalType, type IrValueDef } from './types.js';

export interface Placed {
  /** The task's outermost KFP task in `parent` (a condition or loop task, or the task itself). */
  outer: DagTask;
  build: TaskBuild;
  executor: Record<string, unknown>;
  /** The step after the task that turns its stdout into outputs, if it has stdout outputs. */
  capture?: Capture;
}

export function placeTask(ctx: CompileContext, task: TaskSpec, parent: Scope, scopes: Scope[]): Placed {
  checkTask(ctx, task);
  const itemCondition = task.when !== undefined && referencesInExpression(task.when).some((r) => r.root === 'item');
  let scope = parent;
  let outer: DagTask | undefined;
  let loop: Scope | undefined;
  const enter = (next: Scope): void => {
    outer ??= next.task;
    scopes.push(next);
    scope = next;
  };
  const fused = fusedLoop(ctx, task);
  if (fused) {
    // The task joins its producer's loop (fused-loop.ts); a condition wraps it inside that loop.
    scope = fused.loop;
    loop = fused.loop;
    ctx.fusedItems.set(task.name, fused.item);
    joinParallelism(fused.loop, task.parallelism);
    if (task.when !== undefined) enter(conditionScope(ctx, task, task.when, scope, loop));
  } else {
    if (task.when !== undefined && !(itemCondition && task.forEach !== undefined)) enter(conditionScope(ctx, task, task.when, scope, undefined));
    if (task.forEach !== undefined) {
      loop = loopScope(ctx, task, scope);
      enter(loop);
    }
    if (task.when !== undefined && itemCondition && loop) enter(conditionScope(ctx, task, task.when, scope, loop));
  }

  const dagName = ctx.dagName(task.name);
  const retry = retryPolicy(ctx, task);
  const dagTask = scope.addTask(dagName, {
    componentRef: { name: `comp-${dagName}` },
    taskInfo: { name: task.name },
    cachingOptions: cachingOptions(ctx, task),
    ...(retry ? { retryPolicy: retry } : {}),
  });
  const build: TaskBuild = { ctx, task, scope, loop, dagTask, inputs: new Map(), outputs: new Map() };
  bindDeclaredInputs(build);
  for (const [name, value] of Object.entries(cacheInputs(ctx, task))) {
    build.inputs.set(name, { kind: 'parameter', type: literalType(value) });
    dagTask.parameters.set(name, { runtimeValue: { constant: value } });
  }
  declareOutputs(build);
  const executor = executorSpec(build);
  for (const upstream of task.dependsOn ?? []) ctx.binder.dependOn(scope, dagTask, upstream);
  if (fused) ctx.binder.dependOn(scope, dagTask, fused.item.task);
  ctx.locations.set(task.name, { scope, dagName });
  const image = (executor.container as { image?: unknown } | undefined)?.image;
  const capture = captureStdout(ctx, task, scope, dagName, typeof image === 'string' ? image : '');
  return { outer: outer ?? dagTask, build, executor, ...(capture ? { capture } : {}) };
}

function conditionScope(ctx: CompileContext, task: TaskSpec, when: string, parent: Scope, loop: Scope | undefined): Scope {
  const name = `condition-${ctx.next()}`;
  const dagTask = parent.addTask(name, { componentRef: { name: `comp-${name}` }, taskInfo: { name } });
  const scope = new Scope('condition', `comp-${name}`, parent, dagTask);
  dagTask.spec.triggerPolicy = { condition: kfpCondition(ctx, when, task.name, scope, loop) };
  return scope;
}

function loopScope(ctx: CompileContext, task: TaskSpec, parent: Scope): Scope {
  const n = ctx.next();
  const name = `for-loop-${n}`;
  const dagTask = parent.addTask(name, { componentRef: { name: `comp-${name}` }, taskInfo: { name } });
  const scope = new Scope('loop', `comp-${name}`, parent, dagTask);
  if (task.parallelism !== undefined) dagTask.spec.iteratorPolicy = { parallelismLimit: task.parallelism };
  const forEach = task.forEach;
  if (typeof forEach !== 'string') {
    const items = Array.isArray(forEach) ? forEach : expandRange(forEach ?? {});
    const input = `pipelinechannel--loop-item-param-${n}`;
    const def: IrValueDef = { kind: 'parameter', type: itemType(items) };
    dagTask.spec.parameterIterator = { items: { raw: JSON.stringify(items) }, itemInput: input };
    scope.item = { input, def, items };
    scope.inputs.set(input, def);
    return scope;
  }
  const parts = parseTemplate(forEach);
  const [only] = parts;
  if (parts.length !== 1 || only?.kind !== 'expr') {
    return ctx.fail('forEach template', task.name, `forEach "${forEach}" must be one {{ }} reference for KFP to iterate over`);
  }
  const resolved = ctx.resolve(only.source, task.name, undefined);
  if (resolved.kind !== 'source') return ctx.fail('forEach template', task.name, `KFP cannot iterate over "${only.source}"`);
  const source = resolved.source;
  if (source.kind === 'status') return ctx.fail('forEach template', task.name, `KFP cannot iterate over "${only.source}"`);
  if (source.kind === 'output' && source.def.kind === 'artifact') {
    // A list of artifacts comes only from a loop, which the task joins instead (fused-loop.ts):
    // the backend has no artifact iterator.
    const looped = ctx.task(source.task).forEach !== undefined;
    return ctx.fail(looped ? "forEach over a loop's artifacts" : 'forEach over one artifact', task.name, `"${only.source}" is ${looped ? 'a list of artifacts, and the KFP backend has no artifact iterator' : 'a single artifact, not a list'}`);
  }
  const binding = ctx.binder.bind(parent, source);
  const channel = channelName(source, ctx.dagName);
  const input = `${channel}-loop-item`;
  scope.inputs.set(channel, binding.def);
  if (binding.dependsOn !== undefined) dagTask.dependsOn.add(binding.dependsOn);
  if (binding.def.kind === 'artifact') {
    return ctx.fail('forEach over artifacts', task.name, `"${only.source}" holds artifacts, and the KFP backend has no artifact iterator`);
  }
  dagTask.parameters.set(channel, binding.spec);
  dagTask.spec.parameterIterator = { items: { inputParameter: channel }, itemInput: input };
  const decl = source.kind === 'param' ? ctx.spec.params?.[source.name] : undefined;
  const type = Array.isArray(decl?.default) && decl.default.length > 0 ? itemType(decl.default) : 'STRING';
  scope.item = { input, def: { kind: 'parameter', type }, ...(Array.isArray(decl?.default) ? { items: decl.default } : {}) };
  scope.inputs.set(input, scope.item.def);
  return scope;
}

/** The items of `{ start, end, step }` (inclusive) or `{ count, start, step }`. */
function expandRange(range: ForEachRange): number[] {
  const start = range.start ?? 0;
  const step = range.step ?? 1;
  const items: number[] = [];
  if (range.count !== undefined) {
    for (let i = 0; i < range.count; i += 1) items.push(start + i * step);
    return items;
  }
  const end = range.end ?? start;
  if (step === 0) return [start];
  for (let v = start; step > 0 ? v <= end : v >= end; v += step) items.push(v);
  return items;
}
