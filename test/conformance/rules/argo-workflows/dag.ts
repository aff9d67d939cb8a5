// DAG and steps templates as the controller reads them: task and step names (unique, Argo field
// names, no leading digit once `depends` is used), `depends` expressions (task names, an optional
// `.Result`, `&&`, `||`, `!` and parentheses), `dependencies` lists, tasks that exist, no cycles,
// the template (or templateRef/inline) each task calls, and `targets`.
import { checkFieldName, checkUnique } from './names.js';
import { list, str, templatePath, type Json, type WorkflowView } from './model.js';

const RESULTS = new Set(['Succeeded', 'Failed', 'Errored', 'Skipped', 'Omitted', 'Daemoned', 'AnySucceeded', 'AllFailed']);
const ITEM_RESULTS = new Set(['AnySucceeded', 'AllFailed']);

export interface DagGraph {
  /** Each task's direct dependencies. */
  upstream: Map<string, Set<string>>;
  tasks: Map<string, Json>;
}

/** Task names `depends` mentions, with the result each is tested for; throws on what Argo cannot parse. */
function parseDepends(text: string): Array<{ task: string; result?: string }> {
  const found: Array<{ task: string; result?: string }> = [];
  const token = /\s*(?:(&&|\|\||!|\(|\))|([a-zA-Z0-9][-a-zA-Z0-9]*)(?:\.([A-Za-z]+))?)/y;
  let at = 0;
  let expectOperand = true;
  let depth = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    token.lastIndex = at;
    const match = token.exec(text);
    if (!match) throw new Error(`cannot parse "${text.slice(at).trim()}" (task names are letters, digits and '-')`);
    at = token.lastIndex;
    const [, operator, task, result] = match;
    if (task !== undefined) {
      if (!expectOperand) throw new Error(`missing && or || before "${task}"`);
      if (result !== undefined && !RESULTS.has(result)) throw new Error(`"${task}.${result}" is not a task result (${[...RESULTS].join(', ')})`);
      // A name glued to a following character Argo does not allow (`check_data`) is two tokens.
      if (at < text.length && /[_.A-Za-z0-9]/.test(text[at]!)) throw new Error(`"${task}${text.slice(at).split(/[\s&|()]/)[0]}" is not a task name: '${text[at]}' is not allowed`);
      found.push({ task, ...(result !== undefined ? { result } : {}) });
      expectOperand = false;
    } else if (operator === '!' || operator === '(') {
      if (!expectOperand) throw new Error(`unexpected "${operator}"`);
      if (operator === '(') depth++;
    } else if (operator === ')') {
      if (expectOperand || depth === 0) throw new Error('unbalanced ")"');
      depth--;
    } else {
      if (expectOperand) throw new Error(`unexpected "${operator}"`);
      expectOperand = true;
    }
  }
  if (expectOperand && found.length > 0) throw new Error('ends with an operator');
  if (depth !== 0) throw new Error('unbalanced "("');
  return found;
}

function loops(task: Json): boolean {
  return task.withItems !== undefined || task.withParam !== undefined || task.withSequence !== undefined;
}

export function checkDag(view: WorkflowView, template: Json): DagGraph {
  const dag = template.dag as Json;
  const path = `${templatePath(view, str(template.name) ?? '?')}.dag`;
  const tasks = list(dag.tasks);
  const byName = new Map(tasks.map((task) => [str(task.name) ?? '', task]));
  const upstream = new Map<string, Set<string>>();
  const p = view.problems;
  if (tasks.length === 0) p.add(`${path}.tasks`, 'a DAG needs at least one task');
  checkUnique(view, tasks, `${path}.tasks`, 'DAG task');
  const usingDepends = tasks.some((task) => task.depends !== undefined);
  if (usingDepends && tasks.some((task) => task.dependencies !== undefined)) p.add(path, "cannot use both 'depends' and 'dependencies' in one DAG");
  for (const task of tasks) {
    const name = str(task.name) ?? '';
    const at = `${path}.tasks[${name}]`;
    checkFieldName(view, task.name, `${at}.name`, 'DAG task');
    if ((usingDepends || task.dependencies !== undefined) && /^[0-9]/.test(name)) p.add(`${at}.name`, "a task name cannot begin with a digit when 'depends' or 'dependencies' is used");
    checkCallee(view, task, at);
    checkLoop(view, task, at);
    const deps = new Set<string>();
    if (task.depends !== undefined) {
      try {
        for (const { task: dep, result } of parseDepends(String(task.depends))) {
          deps.add(dep);
          const target = byName.get(dep);
          if (!target) p.add(`${at}.depends`, `task "${dep}" is not defined in this DAG`);
          else if (result !== undefined && ITEM_RESULTS.has(result) && !loops(target)) p.add(`${at}.depends`, `"${dep}.${result}" needs ${dep} to loop (withItems, withParam or withSequence)`);
        }
      } catch (error) {
        p.add(`${at}.depends`, (error as Error).message);
      }
    }
    for (const dep of Array.isArray(task.dependencies) ? task.dependencies : []) {
      deps.add(String(dep));
      if (!byName.has(String(dep))) p.add(`${at}.dependencies`, `task "${String(dep)}" is not defined in this DAG`);
    }
    upstream.set(name, deps);
  }
  const cycle = findCycle(upstream);
  if (cycle) p.add(`${path}.tasks`, `dependency cycle: ${cycle.join(' -> ')}`);
  for (const target of str(dag.target)?.split(' ').filter(Boolean) ?? []) {
    if (!target.includes('{{') && !byName.has(target)) p.add(`${path}.target`, `target "${target}" is not defined`);
  }
  return { upstream, tasks: byName };
}

export function checkSteps(view: WorkflowView, template: Json): void {
  const path = `${templatePath(view, str(template.name) ?? '?')}.steps`;
  const groups = Array.isArray(template.steps) ? template.steps : [];
  const all: Json[] = [];
  groups.forEach((group, i) => {
    list(group).forEach((step) => {
      const at = `${path}[${i}][${str(step.name) ?? '?'}]`;
      // Step names may hold parameters that resolve at run time; only the literal parts must be valid.
      checkFieldName(view, str(step.name)?.replace(/\{\{[^}]*\}\}/g, 'x'), `${at}.name`, 'step');
      checkCallee(view, step, at);
      checkLoop(view, step, at);
      all.push(step);
    });
  });
  checkUnique(view, all, path, 'step');
}

/**
 * At most one of withItems, withParam, withSequence; withItems a list; withParam a tag (resolved
 * to a JSON list at run time) or a JSON list; withSequence count or end, not both.
 */
function checkLoop(view: WorkflowView, task: Json, at: string): void {
  const kinds = ['withItems', 'withParam', 'withSequence'].filter((key) => task[key] !== undefined);
  if (kinds.length > 1) view.problems.add(at, `only one of withItems, withParam, withSequence can be given, found ${kinds.join(' and ')}`);
  if (task.withItems !== undefined && !Array.isArray(task.withItems)) view.problems.add(`${at}.withItems`, 'must be a list');
  const param = task.withParam;
  if (param !== undefined) {
    const text = str(param);
    if (text === undefined) view.problems.add(`${at}.withParam`, 'must be text: a tag such as {{tasks.a.outputs.result}}, or a JSON list');
    else if (!text.includes('{{') && !isJsonList(text)) view.problems.add(`${at}.withParam`, `"${text}" is neither a tag nor a JSON list`);
  }
  const sequence = task.withSequence as Json | undefined;
  if (sequence !== undefined && sequence.count !== undefined && sequence.end !== undefined) view.problems.add(`${at}.withSequence`, 'only one of count or end can be given');
}

function isJsonList(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

/** A DAG task or step calls a template of this workflow, a templateRef, or an inline template. */
function checkCallee(view: WorkflowView, task: Json, at: string): void {
  const name = str(task.template);
  if (task.templateRef !== undefined || task.inline !== undefined) return;
  if (name === undefined) return view.problems.add(at, 'needs template, templateRef or inline');
  if (!view.templates.has(name) && !view.spec.workflowTemplateRef) view.problems.add(`${at}.template`, `template "${name}" is not defined`);
}

/** Every task reachable upstream of `task` (its ancestors). */
export function ancestors(graph: DagGraph, task: string): Set<string> {
  const out = new Set<string>();
  const visit = (name: string): void => {
    for (const dep of graph.upstream.get(name) ?? []) {
      if (out.has(dep)) continue;
      out.add(dep);
      visit(dep);
    }
  };
  visit(task);
  return out;
}

function findCycle(upstream: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'open');
    stack.push(name);
    for (const dep of upstream.get(name) ?? []) {
      const found = upstream.has(dep) ? visit(dep) : undefined;
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of upstream.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}
