// tandem references (`params.x`, `tasks.a.outputs.y`, `item`, `run.id`...) as Argo sees them.
// Two scopes exist in Argo: the DAG task (arguments, when, withParam: `{{tasks...}}` and
// `{{item}}` resolve there) and the template (container fields: only `{{inputs...}}` and global
// `{{workflow...}}` resolve there). A DAG-only reference used in a runner field therefore travels
// through a synthesized input parameter (`tandem-...`, a name no tandem input can take).
// Expressions other than a plain reference become Argo expression tags `{{=...}}` (expr-lang).
import { ExpressionTranslationError, parseCondition, type ConditionNode } from '../../../expr/govaluate.js';
import { parseTemplate } from '../../../expr/template.js';
import { isInputDecl } from '../../../spec/input-types.js';
import type { TaskSpec } from '../../../spec/schema.js';
import { isArtifactType, outputType, type ValueType } from '../../../spec/value-types.js';
import { loopArtifactPrefix, loopKeyParameter } from './artifacts.js';
import type { CompileContext } from './context.js';

/** A reference in DAG scope. `expr` is the expr-lang form; `typed` when expr already has the value's type. */
export type Resolved =
  | { kind: 'tag'; tag: string; expr: string; type: ValueType | undefined; typed?: boolean }
  | { kind: 'literal'; text: string }
  | { kind: 'artifact'; from: string }
  /** A forEach's artifact output: one per iteration, under `prefix`, each key reported in `keys` (a JSON list). */
  | { kind: 'artifact-list'; prefix: string; keys: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Resolves a reference path (root first) in the DAG scope of `task`. */
export function resolveDagReference(ctx: CompileContext, task: TaskSpec, field: string, path: readonly string[]): Resolved {
  const [root, first, second, third] = path;
  const text = path.join('.');
  if (root === 'params' && first !== undefined && path.length === 2) {
    return { kind: 'tag', tag: `{{workflow.parameters.${first}}}`, expr: `workflow.parameters.${first}`, type: ctx.spec.params?.[first]?.type };
  }
  if (root === 'tasks' && first !== undefined && second === 'status' && path.length === 3) {
    const argoName = ctx.templateName(first);
    return { kind: 'tag', tag: `{{tasks.${argoName}.status}}`, expr: `${exprTask(argoName)}.status`, type: 'string' };
  }
  if (root === 'tasks' && first !== undefined && second === 'outputs' && third !== undefined && path.length === 4) {
    return resolveOutput(ctx, task, field, first, third);
  }
  if (root === 'item' && path.length <= 2) {
    if (task.forEach === undefined) ctx.fail('item', task.name, field, `"${text}" is used but the task has no forEach`);
    return { kind: 'tag', tag: `{{${text}}}`, expr: text, type: itemType(task, first) };
  }
  if (root === 'item') ctx.fail('item field', task.name, field, `Argo resolves {{item}} and {{item.FIELD}} only, not "${text}"`);
  if (root === 'run' && path.length === 2) {
    if (first === 'id') return { kind: 'tag', tag: '{{workflow.name}}', expr: 'workflow.name', type: 'string' };
    if (first === 'name') return { kind: 'literal', text: ctx.spec.name };
    if (first === 'status') return { kind: 'tag', tag: '{{workflow.status}}', expr: 'workflow.status', type: 'string' };
    if (first === 'failures') return { kind: 'tag', tag: '{{workflow.failures}}', expr: 'workflow.failures', type: 'json' };
  }
  if (root === 'task' && first === 'name' && path.length === 2) return { kind: 'literal', text: task.name };
  return ctx.fail('reference', task.name, field, `"${text}" has no Argo equivalent in a DAG task (expected params.*, tasks.*.outputs.*, item, run.id, run.name, run.status, run.failures or task.name)`);
}

function resolveOutput(ctx: CompileContext, task: TaskSpec, field: string, producerName: string, output: string): Resolved {
  const producer = ctx.tasks.get(producerName);
  const decl = producer?.outputs?.[output];
  if (!producer || !decl) return ctx.fail('reference', task.name, field, `tasks.${producerName}.outputs.${output} is not a declared output`);
  if (ctx.finallyTasks.has(producerName) !== ctx.finallyTasks.has(task.name)) {
    ctx.fail('reference across the exit handler', task.name, field, `tasks.${producerName}.outputs.${output}: Argo's exit handler is a separate DAG that cannot read the main DAG's task outputs (or the reverse)`);
  }
  const type = outputType(producer, decl);
  // Argo knows the producer by its Argo name (check_data → check-data).
  const argoName = ctx.templateName(producerName);
  const looped = producer.forEach !== undefined;
  if (isArtifactType(type)) {
    if (looped) {
      // Argo does not aggregate a loop's output artifacts: each iteration writes to a known key (artifacts.ts).
      return { kind: 'artifact-list', prefix: loopArtifactPrefix(ctx, producerName, output), keys: `{{tasks.${argoName}.outputs.parameters.${loopKeyParameter(output)}}}` };
    }
    return { kind: 'artifact', from: `{{tasks.${argoName}.outputs.artifacts.${output}}}` };
  }
  if (decl.stdout !== undefined && decl.stdout !== false) {
    if (looped) ctx.fail('stdout output of a forEach task', task.name, field, `tasks.${producerName}.outputs.${output} would need each iteration's stdout parsed; declare a file output ({ path }) instead`);
    if (type === 'json') {
      ctx.fail('stdout output', task.name, field, `tasks.${producerName}.outputs.${output} is JSON read from stdout, which Argo cannot pass on unchanged; declare a scalar type or a file output ({ path })`);
    }
    const dotPath = typeof decl.stdout === 'string' ? decl.stdout.replace(/^\$\.?/, '') : '';
    const keys = dotPath.split('.').filter(Boolean);
    if (!keys.every((key) => IDENT.test(key))) ctx.fail('stdout output', producerName, `outputs.${output}.stdout`, `"${dotPath}" must be a dot path of identifiers to become a JSONPath`);
    // The JSON is the whole stdout or, when the task logged first, its last line (as tandem reads it):
    // the last line of a one-line stdout is the whole of it, and a multi-line JSON document fails loudly.
    const lastLine = `last(split(trim(${exprTask(argoName)}.outputs.result), "\\n"))`;
    const expr = `jsonpath(${lastLine}, "$${keys.map((k) => `.${k}`).join('')}")`;
    return { kind: 'tag', tag: `{{=${expr}}}`, expr, type, typed: true };
  }
  return {
    kind: 'tag',
    tag: `{{tasks.${argoName}.outputs.parameters.${output}}}`,
    expr: `${exprTask(argoName)}.outputs.parameters.${output}`,
    type: looped ? 'json' : type,
  };
}

/** `tasks.NAME` in expr-lang; a name with '-' is indexed (`tasks['check-data']`), as a dotted '-' reads as a minus. */
function exprTask(argoName: string): string {
  return IDENT.test(argoName) ? `tasks.${argoName}` : `tasks['${argoName}']`;
}

/** The type of `item` (or `item.field`) when forEach is a literal list or a range; undefined when unknown. */
function itemType(task: TaskSpec, field: string | undefined): ValueType | undefined {
  const each = task.forEach;
  if (each === undefined || typeof each === 'string') return undefined;
  if (!Array.isArray(each)) return field === undefined ? 'integer' : undefined;
  const values = field === undefined ? each : each.map((item) => (item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[field] : undefined));
  const types = new Set(values.map((value) => (typeof value === 'number' ? 'number' : typeof value)));
  const only = types.size === 1 ? [...types][0] : undefined;
  return only === 'string' || only === 'number' || only === 'boolean' ? only : undefined;
}

/** Parses one `{{ }}` expression, turning a refusal into a CompileError. */
export function parseExpression(ctx: CompileContext, task: string, field: string, source: string): ConditionNode {
  try {
    return parseCondition(source);
  } catch (error) {
    if (error instanceof ExpressionTranslationError) ctx.fail('expression', task, field, error.message);
    throw error;
  }
}

/** An expr-lang expression (for `{{=...}}`) equivalent to a tandem expression in DAG scope. */
function exprLang(ctx: CompileContext, task: TaskSpec, field: string, node: ConditionNode): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
    case 'reference': {
      const resolved = resolveDagReference(ctx, task, field, node.path);
      if (resolved.kind === 'literal') return JSON.stringify(resolved.text);
      if (resolved.kind === 'artifact' || resolved.kind === 'artifact-list') return ctx.fail('expression', task.name, field, `an artifact (${node.path.join('.')}) cannot be used inside an expression`);
      if (resolved.typed || resolved.type === 'string') return resolved.expr;
      if (resolved.type === 'number' || resolved.type === 'integer') return `asFloat(${resolved.expr})`;
      if (resolved.type === 'boolean') return `(${resolved.expr} == "true")`;
      return ctx.fail('expression', task.name, field, `the type of ${node.path.join('.')} is not known, so it cannot be compared inside an Argo expression`);
    }
    case 'not':
      return `!(${exprLang(ctx, task, field, node.operand)})`;
    case 'logical':
    case 'compare':
      return `(${exprLang(ctx, task, field, node.left)} ${node.op} ${exprLang(ctx, task, field, node.right)})`;
    case 'in':
      return `(${exprLang(ctx, task, field, node.needle)} in [${node.list.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ')}])`;
  }
}

/** Whether a tandem template string mentions `item`. */
export function mentionsItem(ctx: CompileContext, task: string, field: string, text: string): boolean {
  return parseTemplate(text).some((part) => part.kind === 'expr' && referencesOf(parseExpression(ctx, task, field, part.source)).some((path) => path[0] === 'item'));
}

export function referencesOf(node: ConditionNode): string[][] {
  switch (node.kind) {
    case 'literal':
      return [];
    case 'reference':
      return [node.path];
    case 'not':
      return referencesOf(node.operand);
    case 'logical':
    case 'compare':
      return [...referencesOf(node.left), ...referencesOf(node.right)];
    case 'in':
      return referencesOf(node.needle);
  }
}

/** Renders a tandem template string for a DAG task field (arguments, withParam). */
export function dagText(ctx: CompileContext, task: TaskSpec, field: string, text: string): string {
  return parseTemplate(text)
    .map((part) => {
      if (part.kind === 'text') return part.text;
      const node = parseExpression(ctx, task.name, field, part.source);
      if (node.kind !== 'reference') return `{{=${exprLang(ctx, task, field, node)}}}`;
      const resolved = resolveDagReference(ctx, task, field, node.path);
      if (resolved.kind === 'literal') return resolved.text;
      if (resolved.kind === 'artifact' || resolved.kind === 'artifact-list') return ctx.fail('artifact in text', task.name, field, `${node.path.join('.')} is an artifact; only an input whose whole value is the reference can take it`);
      return resolved.tag;
    })
    .join('');
}

/** The artifact a whole input value refers to, if it is exactly one reference to an artifact output. */
export type ArtifactSource =
  /** An upstream task's artifact, passed with `from`. */
  | { from: string }
  /** Read from the artifact repository at `key` (a loop's artifacts, or the current item of a loop over them). */
  | { key: string; item: boolean };

export function artifactSource(ctx: CompileContext, task: TaskSpec, field: string, value: unknown): ArtifactSource | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = parseTemplate(value);
  const only = parts[0];
  if (parts.length !== 1 || only?.kind !== 'expr') return undefined;
  const node = parseExpression(ctx, task.name, field, only.source);
  if (node.kind !== 'reference') return undefined;
  if (node.path[0] === 'item' && node.path.length === 1 && loopedArtifacts(ctx, task)) return { key: '{{item}}', item: true };
  if (node.path[0] !== 'tasks') return undefined;
  const resolved = resolveDagReference(ctx, task, field, node.path);
  if (resolved.kind === 'artifact') return { from: resolved.from };
  if (resolved.kind === 'artifact-list') return { key: resolved.prefix, item: false };
  return undefined;
}

/** The artifact list a forEach iterates over, when it is one (its items are then artifact keys). */
export function loopedArtifacts(ctx: CompileContext, task: TaskSpec): Extract<Resolved, { kind: 'artifact-list' }> | undefined {
  if (typeof task.forEach !== 'string') return undefined;
  const match = /^\{\{([^}]*)\}\}$/.exec(task.forEach.trim());
  const node = match ? parseExpression(ctx, task.name, 'forEach', match[1]!.trim()) : undefined;
  if (node?.kind !== 'reference' || node.path[0] !== 'tasks') return undefined;
  const resolved = resolveDagReference(ctx, task, 'forEach', node.path);
  return resolved.kind === 'artifact-list' ? resolved : undefined;
}

/** The value of a task input, without its `{ value, type, path }` wrapper. */
export function inputValue(raw: unknown): unknown {
  return isInputDecl(raw) ? raw.value : raw;
}
