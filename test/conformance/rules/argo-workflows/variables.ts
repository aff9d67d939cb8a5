// Every `{{...}}` reference resolvable where it is written, as Argo's validator and controller
// resolve them. Three scopes exist: a leaf template (its own inputs, pod.name, retries, node.name,
// its outputs' paths), a DAG task or step (the DAG's inputs, `tasks.T...` of an upstream task T,
// `steps.S...` of an earlier step group, `item` inside a loop), and the global `workflow.*`
// variables everywhere. A reference to an undeclared parameter, to a task that is not upstream
// (its outputs do not exist yet when the reader runs), or to a task output its template does not
// declare is a problem. Expression tags (`{{=...}}`) are checked for the tasks and inputs they name.
import { ancestors, type DagGraph } from './dag.js';
import { eachString, isLeaf, list, obj, str, tagsIn, templatePath, templateType, type Json, type WorkflowView } from './model.js';

/** Roots Argo checks (common.GlobalVarValidWorkflowVariablePrefix), plus the bare loop item and node name. */
const CHECKED = /^(item$|item\.|steps\.|inputs\.|outputs\.|pod\.|workflow\.|tasks\.|node\.)/;
const GLOBAL_FIXED = new Set(['workflow.name', 'workflow.namespace', 'workflow.uid', 'workflow.serviceAccountName', 'workflow.mainEntrypoint', 'workflow.duration', 'workflow.priority', 'workflow.status', 'workflow.parameters', 'workflow.parameters.json', 'workflow.labels', 'workflow.labels.json', 'workflow.annotations', 'workflow.annotations.json']);
const GLOBAL_PREFIXES = ['workflow.creationTimestamp', 'workflow.scheduledTime', 'workflow.labels.', 'workflow.annotations.'];
const RESULT_TYPES = new Set(['container', 'script', 'containerSet', 'http', 'data', 'plugin']);

interface Scope {
  has(tag: string): boolean;
}

class TagScope implements Scope {
  readonly exact = new Set<string>();
  readonly prefixes: string[] = [];
  constructor(private readonly parent?: Scope) {}
  has(tag: string): boolean {
    return this.exact.has(tag) || this.prefixes.some((prefix) => tag.startsWith(prefix)) || (this.parent?.has(tag) ?? false);
  }
}

export function checkVariables(view: WorkflowView, dags: Map<string, DagGraph>): void {
  const global = globalScope(view);
  for (const [name, template] of view.templates) {
    const path = templatePath(view, name);
    const own = templateScope(template, global);
    if (isLeaf(template)) {
      checkTags(view, template, path, own);
    } else if (templateType(template) === 'dag') {
      const graph = dags.get(name);
      if (graph) checkDagTags(view, template, path, own, graph);
    } else {
      checkStepsTags(view, template, path, own);
    }
  }
}

function globalScope(view: WorkflowView): TagScope {
  const scope = new TagScope();
  for (const tag of GLOBAL_FIXED) scope.exact.add(tag);
  scope.prefixes.push(...GLOBAL_PREFIXES);
  for (const param of list(obj(view.spec.arguments)?.parameters)) scope.exact.add(`workflow.parameters.${str(param.name) ?? ''}`);
  // A template's parameters may come from the Workflow that uses it (validate.go allows them when validating a template).
  if (view.spec.workflowTemplateRef !== undefined || view.kind === 'WorkflowTemplate' || view.kind === 'ClusterWorkflowTemplate') scope.prefixes.push('workflow.parameters.');
  // workflow.failures exists once the workflow has an exit handler (validate.go adds it with onExit).
  if (view.spec.onExit !== undefined || view.spec.hooks !== undefined) scope.exact.add('workflow.failures');
  for (const template of view.templates.values()) {
    for (const param of list(obj(template.outputs)?.parameters)) if (str(param.globalName)) scope.exact.add(`workflow.outputs.parameters.${str(param.globalName)!}`);
    for (const art of list(obj(template.outputs)?.artifacts)) if (str(art.globalName)) scope.exact.add(`workflow.outputs.artifacts.${str(art.globalName)!}`);
  }
  scope.exact.add('workflow.outputs.parameters');
  return scope;
}

function templateScope(template: Json, global: Scope): TagScope {
  const scope = new TagScope(global);
  const inputs = obj(template.inputs);
  scope.exact.add('inputs.parameters');
  for (const param of list(inputs?.parameters)) scope.exact.add(`inputs.parameters.${str(param.name) ?? ''}`);
  for (const art of list(inputs?.artifacts)) {
    scope.exact.add(`inputs.artifacts.${str(art.name) ?? ''}`);
    if (isLeaf(template)) scope.exact.add(`inputs.artifacts.${str(art.name) ?? ''}.path`);
  }
  // Metrics read the template's own outputs; the validator lets every outputs.* through.
  scope.prefixes.push('outputs.');
  scope.exact.add('node.name');
  if (isLeaf(template)) {
    scope.exact.add('pod.name');
    if (template.retryStrategy !== undefined) scope.prefixes.push('retries', 'lastRetry.');
  }
  return scope;
}

function checkTags(view: WorkflowView, value: unknown, path: string, scope: Scope, names?: Set<string>): void {
  eachString(value, path, (text, at) => {
    for (const tag of tagsIn(text)) {
      if (tag.expression) checkExpression(view, tag.body, at, scope, names);
      else if (CHECKED.test(tag.body) && !scope.has(tag.body)) view.problems.add(at, `{{${tag.body}}} cannot be resolved here`);
    }
  });
}

/** In an expression, names of tasks/steps and inputs that must be in scope. */
function checkExpression(view: WorkflowView, body: string, at: string, scope: Scope, names?: Set<string>): void {
  for (const match of body.matchAll(/\b(tasks|steps)(?:\.([a-zA-Z0-9]+)|\['([^']+)'\])/g)) {
    const name = match[2] ?? match[3] ?? '';
    if (name === 'name') continue;
    if (!names?.has(name)) view.problems.add(at, `expression {{=${body}}} reads ${match[1]!}.${name}, which is not upstream here`);
  }
  for (const match of body.matchAll(/\binputs\.parameters(?:\.([A-Za-z0-9_]+)|\['([^']+)'\])/g)) {
    const name = match[1] ?? match[2] ?? '';
    if (!scope.has(`inputs.parameters.${name}`)) view.problems.add(at, `expression {{=${body}}} reads inputs.parameters.${name}, which is not declared`);
  }
}

function checkDagTags(view: WorkflowView, template: Json, path: string, own: TagScope, graph: DagGraph): void {
  const dag = obj(template.dag) ?? {};
  // The DAG's own outputs and target may read any of its tasks.
  const all = new TagScope(own);
  for (const [name, task] of graph.tasks) addNodeOutputs(view, all, 'tasks', name, task, true);
  checkTags(view, { inputs: template.inputs, outputs: template.outputs, target: dag.target }, path, all, new Set(graph.tasks.keys()));
  for (const [name, task] of graph.tasks) {
    const scope = new TagScope(own);
    scope.exact.add('tasks.name');
    const upstream = ancestors(graph, name);
    for (const up of upstream) addNodeOutputs(view, scope, 'tasks', up, graph.tasks.get(up), true);
    if (task.hooks !== undefined) addNodeOutputs(view, scope, 'tasks', name, task, true);
    addItems(scope, task);
    checkTags(view, task, `${path}.dag.tasks[${name}]`, scope, new Set([...upstream, ...(task.hooks !== undefined ? [name] : [])]));
  }
}

function checkStepsTags(view: WorkflowView, template: Json, path: string, own: TagScope): void {
  checkTags(view, { inputs: template.inputs }, path, own);
  const earlier = new TagScope(own);
  const names = new Set<string>();
  earlier.exact.add('steps.name');
  const groups = Array.isArray(template.steps) ? template.steps : [];
  groups.forEach((group, i) => {
    for (const step of list(group)) {
      const scope = new TagScope(earlier);
      addItems(scope, step);
      if (step.hooks !== undefined) addNodeOutputs(view, scope, 'steps', str(step.name) ?? '', step, true);
      checkTags(view, step, `${path}.steps[${i}][${str(step.name) ?? '?'}]`, scope, names);
    }
    for (const step of list(group)) {
      addNodeOutputs(view, earlier, 'steps', str(step.name) ?? '', step, true);
      names.add(str(step.name) ?? '');
    }
  });
  const all = new TagScope(earlier);
  checkTags(view, { outputs: template.outputs }, path, all, names);
}

/** What `tasks.NAME.` / `steps.NAME.` offers once NAME has run: status, ids, and the outputs its template declares. */
function addNodeOutputs(view: WorkflowView, scope: TagScope, root: 'tasks' | 'steps', name: string, node: Json | undefined, finished: boolean): void {
  const at = `${root}.${name}.`;
  for (const key of ['id', 'startedAt', 'finishedAt', 'hostNodeName', 'ip', ...(finished ? ['status'] : [])]) scope.exact.add(at + key);
  const calleeName = str(node?.template);
  const callee = calleeName !== undefined ? view.templates.get(calleeName) : undefined;
  if (!callee) {
    // A templateRef or inline template: its outputs are not known here.
    scope.prefixes.push(at);
    return;
  }
  const type = templateType(callee) ?? '';
  if (RESULT_TYPES.has(type)) scope.exact.add(`${at}outputs.result`).add(`${at}exitCode`);
  const looped = node !== undefined && (node.withItems !== undefined || node.withParam !== undefined || node.withSequence !== undefined);
  if (looped) scope.exact.add(`${at}outputs.parameters`);
  for (const param of list(obj(callee.outputs)?.parameters)) scope.exact.add(`${at}outputs.parameters.${str(param.name) ?? ''}`);
  for (const art of list(obj(callee.outputs)?.artifacts)) scope.exact.add(`${at}outputs.artifacts.${str(art.name) ?? ''}`);
}

function addItems(scope: TagScope, task: Json): void {
  if (task.withParam !== undefined || task.withSequence !== undefined) {
    scope.exact.add('item');
    scope.prefixes.push('item.');
    return;
  }
  if (!Array.isArray(task.withItems)) return;
  // The controller sets item for every kind of item (a list or map as its JSON), and item.KEY per map key.
  scope.exact.add('item');
  for (const item of task.withItems as unknown[]) {
    if (Array.isArray(item)) item.forEach((_, i) => scope.exact.add(`item.[${i}]`));
    else if (item !== null && typeof item === 'object') for (const key of Object.keys(item)) scope.prefixes.push(`item.${key}`);
  }
}
