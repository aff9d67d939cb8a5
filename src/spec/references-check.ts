// Checks every `{{ }}` template and `when` condition of a workflow: that it parses, and that each
// name it refers to exists where it is used (params, task outputs, item, inputs, run, task).
import { ExpressionError, type SpecIssue } from '../errors.js';
import { celCostProblem } from '../expr/cel.js';
import { referencesInExpression, type Reference } from '../expr/references.js';
import { hasTemplate, parseTemplate } from '../expr/template.js';
import { checkInputTypes } from './input-types.js';
import { escapePointerSegment, pointer } from './positions.js';
import type { TaskSpec, WorkflowSpec } from './schema.js';
import type { IndexedTask, TaskGroup, TaskIndex } from './task-index.js';
import { didYouMean, listWords } from './value-types.js';

/** Where a reference appears, which decides what it may name. */
type Zone = 'forEach' | 'inputs' | 'runner' | 'when' | 'workflow-outputs';

interface Context {
  spec: WorkflowSpec;
  index: TaskIndex;
  zone: Zone;
  /** The task holding the reference; undefined for workflow outputs. */
  task?: TaskSpec;
  group?: TaskGroup;
  issues: SpecIssue[];
}

export interface ReferenceCheck {
  issues: SpecIssue[];
  /** False when some template or condition did not parse (the graph cannot be built then). */
  expressionsParse: boolean;
}

const ROOTS = ['params', 'tasks', 'item', 'inputs', 'run', 'task'];

export function checkReferences(spec: WorkflowSpec, index: TaskIndex): ReferenceCheck {
  const issues: SpecIssue[] = [];
  let expressionsParse = true;
  const visitTemplates = (value: unknown, path: string, ctx: Context): void => {
    walkStrings(value, path, (text, at) => {
      if (!hasTemplate(text)) return;
      let parts;
      try {
        parts = parseTemplate(text);
      } catch (error) {
        expressionsParse = false;
        issues.push(expressionIssue(at, error, 'invalid template'));
        return;
      }
      for (const part of parts) {
        if (part.kind !== 'expr') continue;
        try {
          for (const ref of referencesInExpression(part.source)) checkReference(ref, at, ctx);
          const costly = celCostProblem(part.source);
          if (costly) issues.push({ path: at, message: `expression "{{ ${clip(part.source)} }}": ${costly}` });
        } catch (error) {
          expressionsParse = false;
          issues.push(expressionIssue(at, error, `invalid expression in "{{ ${part.source} }}"`));
        }
      }
    });
  };
  for (const entry of index.all) {
    const { task, path, group } = entry;
    const ctx = (zone: Zone): Context => ({ spec, index, zone, task, group, issues });
    if (task.forEach !== undefined && (typeof task.forEach === 'string' || Array.isArray(task.forEach))) {
      visitTemplates(task.forEach, `${path}/forEach`, ctx('forEach'));
    }
    if (task.inputs) visitTemplates(task.inputs, `${path}/inputs`, ctx('inputs'));
    for (const kind of ['process', 'script', 'node'] as const) {
      if (task[kind]) visitTemplates(task[kind], `${path}/${kind}`, ctx('runner'));
    }
    if (task.when !== undefined) {
      try {
        for (const ref of referencesInExpression(task.when)) checkReference(ref, `${path}/when`, ctx('when'));
        const costly = celCostProblem(task.when);
        if (costly) issues.push({ path: `${path}/when`, message: `condition "${clip(task.when)}": ${costly}` });
      } catch (error) {
        expressionsParse = false;
        const hint = task.when.includes('{{') ? ' ("when" is a CEL expression: write params.x, not {{ params.x }})' : '';
        issues.push(expressionIssue(`${path}/when`, error, `invalid condition${hint}`));
      }
    }
    checkInputTypes(entry, index, issues);
  }
  for (const [name, template] of Object.entries(spec.outputs ?? {})) {
    visitTemplates(template, pointer('outputs', name), { spec, index, zone: 'workflow-outputs', issues });
  }
  return { issues, expressionsParse };
}

/** An expression as messages quote it: a long one is cut, so one issue stays one readable line. */
function clip(source: string): string {
  return source.length > 120 ? `${source.slice(0, 120)}...` : source;
}

function expressionIssue(path: string, error: unknown, what: string): SpecIssue {
  if (!(error instanceof ExpressionError)) throw error;
  return { path, message: `${what}: ${error.message}` };
}

function walkStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, `${path}/${i}`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) walkStrings(inner, `${path}/${escapePointerSegment(key)}`, visit);
  }
}

function checkReference(ref: Reference, path: string, ctx: Context): void {
  const problem = referenceProblem(ref, ctx);
  if (problem) ctx.issues.push({ path, ...problem });
}

type Problem = Omit<SpecIssue, 'path'>;

function referenceProblem(ref: Reference, ctx: Context): Problem | undefined {
  const [first, second, third] = ref.path;
  const where = ctx.task ? `task "${ctx.task.name}"` : 'workflow outputs';
  switch (ref.root) {
    case 'params': {
      const declared = Object.keys(ctx.spec.params ?? {});
      if (first === undefined || ctx.spec.params?.[first] !== undefined) return undefined;
      return {
        message: `unknown param "${first}"${didYouMean(first, declared)}`,
        expected: declared.length ? `one of ${declared.join(', ')}` : 'no params: this workflow declares none',
      };
    }
    case 'tasks':
      return taskOutputProblem(first, second, third, ctx);
    case 'item':
      if (ctx.zone === 'forEach') return { message: '"item" cannot be used in forEach itself: it is the value forEach produces' };
      if (!ctx.task?.forEach) return { message: `"item" is only defined in a task with forEach, and ${where} has none` };
      return undefined;
    case 'inputs': {
      if (ctx.zone !== 'runner') {
        return { message: `"inputs.${first ?? ''}" is only available in the runner fields (process, script, node), not in ${ctx.zone}` };
      }
      const declared = Object.keys(ctx.task?.inputs ?? {});
      if (first === undefined || ctx.task?.inputs?.[first] !== undefined) return undefined;
      return {
        message: `unknown input "${first}"${didYouMean(first, declared)}`,
        expected: declared.length ? `one of ${declared.join(', ')}` : `an input declared under inputs of ${where}`,
      };
    }
    case 'run':
      if (first === 'id' || first === 'name') return undefined;
      if (first === 'status' || first === 'failures' || first === undefined) {
        if (ctx.group === 'finally') return undefined;
        return { message: `"run${first ? `.${first}` : ''}" is only defined in finally tasks`, expected: 'run.id or run.name' };
      }
      return { message: `unknown run field "${first}"`, expected: 'run.id, run.name, or in finally tasks run.status and run.failures' };
    case 'task':
      if (!ctx.task) return { message: '"task" is not defined in workflow outputs' };
      if (first === undefined || first === 'name' || first === 'attempt') return undefined;
      if (first === 'index') {
        if (ctx.task.forEach !== undefined) return undefined;
        return { message: '"task.index" is only defined in a task with forEach', expected: 'task.name or task.attempt' };
      }
      return { message: `unknown task field "${first}"`, expected: 'task.name, task.attempt, or in a forEach task task.index' };
    default:
      return { message: `unknown variable "${ref.root}"${didYouMean(ref.root, ROOTS)}`, expected: listWords(ROOTS) };
  }
}

function taskOutputProblem(name: string | undefined, field: string | undefined, output: string | undefined, ctx: Context): Problem | undefined {
  if (name === undefined) return { message: 'refer to a task output as tasks.<task>.outputs.<output>' };
  const target: IndexedTask | undefined = ctx.index.byName.get(name);
  if (!target) return { message: `unknown task "${name}"${didYouMean(name, ctx.index.byName.keys())}` };
  if (ctx.task && target.task === ctx.task) return { message: `task "${name}" refers to its own outputs` };
  if (ctx.group === 'main' && target.group === 'finally') {
    return { message: `main task "${ctx.task?.name ?? ''}" cannot refer to finally task "${name}": finally tasks run after every main task` };
  }
  if (field !== 'outputs') {
    return { message: `unknown field "${field ?? ''}" of task "${name}"`, expected: `tasks.${name}.outputs.<output>` };
  }
  if (output === undefined) return undefined;
  const outputs = target.task.outputs ?? {};
  if (outputs[output] !== undefined) return undefined;
  const declared = Object.keys(outputs);
  return {
    message: `task "${name}" has no output "${output}"${didYouMean(output, declared)}`,
    expected: declared.length ? `one of ${declared.join(', ')}` : `an output declared under outputs of task "${name}"`,
  };
}
