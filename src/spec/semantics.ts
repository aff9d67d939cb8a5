// Semantic checks that a JSON Schema cannot express: one runner per task, unique names, known
// dependencies, no cycles, param defaults of the declared type, coherent forEach and outputs.
// Runs only on a document that is structurally valid, so every field has its declared shape.
import type { SpecIssue } from '../errors.js';
import { forEachSizeProblem, rangeLength } from './foreach-size.js';
import { buildGraph } from './graph.js';
import { pointer } from './positions.js';
import { checkReferences } from './references-check.js';
import { RUNNER_KINDS, type ParamDecl, type WorkflowSpec } from './schema.js';
import { indexTasks, type IndexedTask, type TaskIndex } from './task-index.js';
import { describeValue, didYouMean, isArtifactType, listWords, matchesParamType } from './value-types.js';

export function checkSemantics(spec: WorkflowSpec): SpecIssue[] {
  const index = indexTasks(spec);
  const issues: SpecIssue[] = [];
  for (const [name, decl] of Object.entries(spec.params ?? {})) checkParam(name, decl, issues);
  for (const dup of index.duplicates) {
    const first = index.byName.get(dup.task.name);
    issues.push({
      path: `${dup.path}/name`,
      message: `duplicate task name ${JSON.stringify(dup.task.name)}, already used at ${first?.path ?? '?'}`,
      expected: 'task names unique across tasks and finally',
    });
  }
  for (const entry of index.all) checkTask(entry, index, issues);
  const referenceCheck = checkReferences(spec, index);
  issues.push(...referenceCheck.issues);
  if (referenceCheck.expressionsParse) checkCycles(spec, index, issues);
  return issues;
}

function checkParam(name: string, decl: ParamDecl, issues: SpecIssue[]): void {
  const base = pointer('params', name);
  if (decl.default !== undefined && !matchesParamType(decl.default, decl.type)) {
    issues.push({ path: `${base}/default`, message: `default of param "${name}" does not match its type`, expected: decl.type, found: describeValue(decl.default) });
  }
  decl.enum?.forEach((value, i) => {
    if (!matchesParamType(value, decl.type)) {
      issues.push({ path: `${base}/enum/${i}`, message: `enum value of param "${name}" does not match its type`, expected: decl.type, found: describeValue(value) });
    }
  });
  if (decl.default !== undefined && decl.enum && !decl.enum.some((v) => sameJson(v, decl.default))) {
    issues.push({
      path: `${base}/default`,
      message: `default of param "${name}" is not one of its enum values`,
      expected: `one of ${decl.enum.map((v) => JSON.stringify(v)).join(', ')}`,
      found: describeValue(decl.default),
    });
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function checkTask(entry: IndexedTask, index: TaskIndex, issues: SpecIssue[]): void {
  const { task, path } = entry;
  const label = `task "${task.name}"`;
  const runners = RUNNER_KINDS.filter((kind) => task[kind] !== undefined);
  if (runners.length === 0) {
    issues.push({ path, message: `${label} has no runner`, expected: 'exactly one of process, script, node or workflow', found: 'none' });
  } else if (runners.length > 1) {
    issues.push({ path: `${path}/${runners[1]!}`, message: `${label} has more than one runner`, expected: 'exactly one of process, script, node or workflow', found: listWords(runners, 'and') });
  }
  task.dependsOn?.forEach((name, i) => {
    const at = `${path}/dependsOn/${i}`;
    const target = index.byName.get(name);
    if (name === task.name) issues.push({ path: at, message: `${label} depends on itself` });
    else if (!target) issues.push({ path: at, message: `unknown task ${JSON.stringify(name)}${didYouMean(name, index.byName.keys())}` });
    else if (entry.group === 'main' && target.group === 'finally') {
      issues.push({ path: at, message: `main ${label} cannot depend on finally task "${name}"`, expected: 'a task listed under tasks' });
    }
  });
  if (task.parallelism !== undefined && task.forEach === undefined) {
    issues.push({ path: `${path}/parallelism`, message: `parallelism limits forEach iterations, but ${label} has no forEach` });
  }
  const forEach = task.forEach;
  if (forEach !== undefined && typeof forEach === 'object' && !Array.isArray(forEach)) {
    if (forEach.end === undefined && forEach.count === undefined) {
      issues.push({ path: `${path}/forEach`, message: 'a forEach range needs an end or a count', expected: 'end (inclusive) or count', found: 'neither' });
    } else if (forEach.end !== undefined && forEach.count !== undefined) {
      issues.push({ path: `${path}/forEach`, message: 'a forEach range takes an end or a count, not both', expected: 'end or count', found: 'both' });
    }
    if (forEach.step === 0) issues.push({ path: `${path}/forEach/step`, message: 'a forEach step of 0 never ends', expected: 'a non-zero integer', found: 'integer 0' });
    else if (forEach.end === undefined || forEach.count === undefined) {
      const tooMany = forEachSizeProblem(task.name, rangeLength(forEach));
      if (tooMany) issues.push({ path: `${path}/forEach`, message: tooMany });
    }
  } else if (Array.isArray(forEach)) {
    const tooMany = forEachSizeProblem(task.name, forEach.length);
    if (tooMany) issues.push({ path: `${path}/forEach`, message: tooMany });
  }
  for (const [name, output] of Object.entries(task.outputs ?? {})) {
    const at = pointer('outputs', name);
    const fromStdout = output.stdout !== undefined && output.stdout !== false;
    if (fromStdout && output.path !== undefined) {
      issues.push({ path: `${path}${at}`, message: `output "${name}" has both path and stdout`, expected: 'path or stdout, not both' });
    }
    if (fromStdout && task.node) {
      issues.push({ path: `${path}${at}/stdout`, message: `output "${name}" of node ${label} cannot read stdout: node outputs come from the function's return value` });
    } else if (fromStdout && isArtifactType(output.type)) {
      issues.push({ path: `${path}${at}/stdout`, message: `artifact output "${name}" cannot come from stdout: artifacts are files`, expected: 'path (or no stdout)' });
    }
  }
}

function checkCycles(spec: WorkflowSpec, index: TaskIndex, issues: SpecIssue[]): void {
  for (const tasks of [spec.tasks, spec.finally ?? []]) {
    const graph = buildGraph(tasks);
    for (const cycle of graph.cycles) {
      const first = index.byName.get(cycle[0] ?? '');
      issues.push({
        path: first?.path ?? '',
        message: `dependency cycle: ${cycle.join(' -> ')}`,
        expected: 'tasks that do not depend on themselves ("a -> b" means a depends on b)',
      });
    }
  }
}
