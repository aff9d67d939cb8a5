// Inputs and outputs as the executor and controller handle them: an output parameter takes one
// source fit for its template (a file path in a container or script, a parameter or expression in
// a DAG or steps template); an input artifact is given a source by its template or by every caller
// (from, fromExpression, a location or key); a loop's artifact outputs are never read through
// `from` (Argo does not aggregate them); a key-only artifact needs an artifact repository.
import { isLeaf, list, obj, str, templatePath, templateType, type Json, type WorkflowView } from './model.js';

const LOCATIONS = ['s3', 'gcs', 'http', 'git', 'raw', 'artifactory', 'hdfs', 'oss', 'azure', 'plugin'] as const;

export function checkOutputs(view: WorkflowView): void {
  for (const [name, template] of view.templates) {
    const path = templatePath(view, name);
    const type = templateType(template);
    for (const param of list(obj(template.outputs)?.parameters)) checkOutputParameter(view, param, `${path}.outputs.parameters[${str(param.name) ?? '?'}]`, type);
    for (const art of list(obj(template.outputs)?.artifacts)) {
      const at = `${path}.outputs.artifacts[${str(art.name) ?? '?'}]`;
      if (isLeaf(template) && type !== 'resource' && type !== 'suspend' && type !== 'plugin' && art.path === undefined && art.from === undefined) view.problems.add(at, 'an output artifact of a container or script needs a path');
      if (!isLeaf(template) && art.path !== undefined) view.problems.add(`${at}.path`, 'path is only valid in container/script templates');
      checkLocation(view, art, at);
    }
    for (const art of list(obj(template.inputs)?.artifacts)) {
      checkLocation(view, art, `${path}.inputs.artifacts[${str(art.name) ?? '?'}]`);
      if (art.from !== undefined) view.problems.add(`${path}.inputs.artifacts[${str(art.name) ?? '?'}].from`, 'from is not valid in inputs');
    }
  }
  checkArtifactSources(view);
}

function checkOutputParameter(view: WorkflowView, param: Json, at: string, type: string | undefined): void {
  const from = obj(param.valueFrom);
  const p = view.problems;
  if (from && param.value !== undefined) return p.add(at, 'has both value and valueFrom');
  if (!from) {
    if (param.value === undefined) p.add(at, 'needs valueFrom or value');
    return;
  }
  const sources = ['path', 'jqFilter', 'jsonPath', 'parameter', 'expression', 'supplied', 'event', 'configMapKeyRef'].filter((key) => from[key] !== undefined && from[key] !== '');
  if (sources.length === 0) return p.add(`${at}.valueFrom`, 'names no source (path, jqFilter, jsonPath, parameter, expression or supplied)');
  if (sources.length > 1 && !(sources.length === 2 && sources.includes('supplied'))) p.add(`${at}.valueFrom`, `names several sources (${sources.join(', ')})`);
  if ((type === 'container' || type === 'script' || type === 'containerSet') && from.path === undefined && from.supplied === undefined) p.add(`${at}.valueFrom`, `a ${type} template reads output parameters from a path`);
  if ((type === 'dag' || type === 'steps') && from.parameter === undefined && from.expression === undefined && from.supplied === undefined) p.add(`${at}.valueFrom`, `a ${type} template takes output parameters from a parameter or an expression`);
}

/** A location block that is there must name what it reads: an s3/gcs bucket location needs a key. */
function checkLocation(view: WorkflowView, art: Json, at: string): void {
  for (const kind of ['s3', 'gcs'] as const) {
    const location = obj(art[kind]);
    if (location && location.key === undefined && location.bucket === undefined) view.problems.add(`${at}.${kind}`, 'needs a key (and a bucket unless the artifact repository gives one)');
    if (location && location.bucket === undefined && location.key !== undefined && !hasRepository(view)) {
      view.problems.add(`${at}.${kind}`, 'a key-only artifact needs an artifact repository (spec.artifactRepositoryRef, or the controller\'s default)');
    }
  }
}

function hasRepository(view: WorkflowView): boolean {
  return view.spec.artifactRepositoryRef !== undefined || view.context.defaultArtifactRepository;
}

function hasSource(art: Json): boolean {
  return art.from !== undefined || art.fromExpression !== undefined || art.optional === true || LOCATIONS.some((kind) => art[kind] !== undefined);
}

/** Every caller gives each input artifact a source, and `from` never names a loop's artifact. */
function checkArtifactSources(view: WorkflowView): void {
  for (const [name, template] of view.templates) {
    const path = templatePath(view, name);
    const callers: Array<{ node: Json; at: string; siblings: Map<string, Json> }> = [];
    if (obj(template.dag)) {
      const tasks = list(obj(template.dag)!.tasks);
      const siblings = new Map(tasks.map((task) => [str(task.name) ?? '', task]));
      for (const task of tasks) callers.push({ node: task, at: `${path}.dag.tasks[${str(task.name) ?? '?'}]`, siblings });
    }
    if (Array.isArray(template.steps)) {
      const steps = template.steps.flatMap((group) => list(group));
      const siblings = new Map(steps.map((step) => [str(step.name) ?? '', step]));
      template.steps.forEach((group, i) => list(group).forEach((step) => callers.push({ node: step, at: `${path}.steps[${i}][${str(step.name) ?? '?'}]`, siblings })));
    }
    for (const { node, at, siblings } of callers) {
      const given = new Map(list(obj(node.arguments)?.artifacts).map((art) => [str(art.name) ?? '', art]));
      for (const [argName, art] of given) {
        const match = /^\{\{(tasks|steps)\.([^.]+)\.outputs\.artifacts\.[^}]+\}\}$/.exec(str(art.from) ?? '');
        const producer = match ? siblings.get(match[2]!) : undefined;
        if (producer && (producer.withItems !== undefined || producer.withParam !== undefined || producer.withSequence !== undefined)) {
          view.problems.add(`${at}.arguments.artifacts[${argName}].from`, `${str(art.from)!} names an artifact of a loop, which Argo does not aggregate (the reader gets one iteration's, or none)`);
        }
      }
      const callee = view.templates.get(str(node.template) ?? '');
      for (const input of list(obj(callee?.inputs)?.artifacts)) {
        if (hasSource(input)) continue;
        const arg = given.get(str(input.name) ?? '');
        if (!arg || !hasSource(arg)) view.problems.add(`${at}.arguments.artifacts`, `input artifact ${str(input.name) ?? '?'} of template ${str(node.template)!} is given no from, location or key`);
      }
      for (const input of list(obj(callee?.inputs)?.parameters)) {
        if (input.value !== undefined || input.default !== undefined || input.valueFrom !== undefined) continue;
        if (!list(obj(node.arguments)?.parameters).some((param) => param.name === input.name)) view.problems.add(`${at}.arguments.parameters`, `input parameter ${str(input.name) ?? '?'} of template ${str(node.template)!} is not supplied`);
      }
    }
  }
}
