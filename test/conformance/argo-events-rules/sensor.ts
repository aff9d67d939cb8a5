// The rules the Argo Events controller applies to a Sensor (its reconciler's validate.go):
// dependencies named, with an event source and event, valid filters and logical operators;
// triggers present, uniquely named, each template's action well formed (argoWorkflow, http, nats,
// k8s), parameters with a source, a dependency and (outside http payloads) a destination, and a
// dlqTrigger only on an atLeastOnce trigger and itself atLeastOnce. Two run-time rules are added,
// from how the sensor resolves what it is given: a parameter's dependencyName must be one of the
// sensor's dependencies (otherwise it silently resolves to its default or to nothing), and the
// conditions may name only the sensor's dependencies; and one from the Kubernetes API: a Sensor
// that submits Argo Workflows names the ServiceAccount allowed to (the default one is not).
import { arrayOf, record, text } from './event-source.js';
import { cronProblem, isClockTime, isZone } from './formats.js';

type Json = Record<string, unknown>;

const LOGICAL = new Set([undefined, '', 'and', 'or']);
const COMPARATORS = new Set([undefined, '', '>=', '>', '=', '!=', '<', '<=']);
const PARAM_OPERATIONS = new Set([undefined, '', 'append', 'overwrite', 'prepend']);
const WORKFLOW_OPERATIONS = new Set(['submit', 'submit-from', 'suspend', 'retry', 'resume', 'resubmit', 'terminate', 'stop']);
const K8S_OPERATIONS = new Set([undefined, '', 'create', 'patch', 'update', 'delete']);
const HTTP_METHODS = new Set([undefined, '', 'GET', 'DELETE', 'PATCH', 'POST', 'PUT']);

export function sensorProblems(manifest: Json): string[] {
  const spec = record(manifest.spec) ?? {};
  const dependencies = arrayOf(spec.dependencies).map((d) => record(d) ?? {});
  const problems: string[] = [];
  if (dependencies.length === 0) problems.push('no event dependencies found');
  for (const dep of dependencies) problems.push(...dependencyProblems(dep).map((p) => `dependency ${String(dep.name)}: ${p}`));
  const names = new Set(dependencies.map((d) => String(d.name)));
  const triggers = arrayOf(spec.triggers).map((t) => record(t) ?? {});
  if (triggers.length === 0) problems.push('no triggers found');
  const submits = triggers.some((t) => record(record(t.template)?.argoWorkflow) !== undefined);
  if (submits && !text(record(spec.template)?.serviceAccountName)) {
    problems.push('an argoWorkflow trigger runs as the Sensor\'s ServiceAccount: spec.template.serviceAccountName names none, and the default one may not create Workflows');
  }
  const seen = new Set<string>();
  for (const trigger of triggers) {
    const name = String(record(trigger.template)?.name ?? '');
    problems.push(...triggerProblems(trigger, names).map((p) => `trigger ${name}: ${p}`));
    if (seen.has(name)) problems.push(`duplicate trigger name: ${name}`);
    seen.add(name);
  }
  return problems;
}

function dependencyProblems(dep: Json): string[] {
  if (!text(dep.name)) return ['event dependency must define a name'];
  if (!text(dep.eventSourceName)) return ['event dependency must define the EventSourceName'];
  if (!text(dep.eventName)) return ['event dependency must define the EventName'];
  if (!LOGICAL.has(dep.filtersLogicalOperator as string)) return [`logical operator ${String(dep.filtersLogicalOperator)} not supported`];
  const filters = record(dep.filters);
  return filters === undefined ? [] : filterProblems(filters);
}

function filterProblems(filters: Json): string[] {
  const problems: string[] = [];
  for (const key of ['exprLogicalOperator', 'dataLogicalOperator']) {
    if (!LOGICAL.has(filters[key] as string)) problems.push(`logical operator ${String(filters[key])} not supported`);
  }
  for (const expr of arrayOf(filters.exprs).map((e) => record(e) ?? {})) {
    const fields = arrayOf(expr.fields).map((f) => record(f) ?? {});
    if (!text(expr.expr) || fields.length === 0) problems.push('one of expr filters is not valid (expr and fields must be not empty)');
    if (fields.some((f) => !text(f.path) || !text(f.name))) problems.push('one of expr filters is not valid (path and name in a field must be not empty)');
  }
  for (const data of arrayOf(filters.data).map((d) => record(d) ?? {})) {
    if (!COMPARATORS.has(data.comparator as string)) problems.push(`comparator ${String(data.comparator)} not supported`);
    const values = arrayOf(data.value);
    if (!text(data.path) || !text(data.type) || values.length === 0) problems.push('one of data filters is not valid (type, path and value must be not empty)');
    if (values.some((v) => v === '')) problems.push('one of data filters is not valid (value must be not empty)');
  }
  const context = record(filters.context);
  if (context !== undefined && !['type', 'subject', 'source', 'datacontenttype'].some((key) => text(context[key]))) {
    problems.push('no fields specified in ctx filter (aka all events will be discarded)');
  }
  const time = record(filters.time);
  if (time !== undefined) {
    if (!isZone(time.timezone as string | undefined)) problems.push(`invalid timezone '${String(time.timezone)}'`);
    if (!isClockTime(time.start) || !isClockTime(time.stop)) problems.push(`invalid time filter: ${String(time.start)}-${String(time.stop)} (HH:MM:SS)`);
    else if (time.start === time.stop) problems.push(`invalid event time filter: stop '${String(time.stop)}' is equal to start`);
  }
  return problems;
}

function triggerProblems(trigger: Json, dependencies: ReadonlySet<string>): string[] {
  const template = record(trigger.template);
  if (template === undefined) return ["trigger template can't be nil"];
  if (!text(template.name)) return ['trigger must define a name'];
  const problems: string[] = [];
  for (const reset of arrayOf(template.conditionsReset).map((r) => record(r) ?? {})) {
    const byTime = record(reset.byTime);
    if (byTime === undefined) problems.push('invalid conditionsReset');
    else {
      const cron = cronProblem(String(byTime.cron ?? ''));
      if (cron !== undefined) problems.push(`invalid cron expression: ${cron}`);
      if (!isZone(byTime.timezone as string | undefined)) problems.push(`invalid timezone "${String(byTime.timezone)}"`);
    }
  }
  if (typeof template.conditions === 'string') {
    for (const name of template.conditions.match(/[A-Za-z0-9_-]+/g) ?? []) {
      if (!dependencies.has(name)) problems.push(`conditions name ${name}, which is not a dependency of the sensor`);
    }
  }
  // Trigger-level parameters may rewrite the template before it runs, an action parameter's
  // dependencyName included: such a name is a placeholder, checked once it is written.
  const rewritten = new Set(arrayOf(trigger.parameters).map((p) => String(record(p)?.dest ?? '')));
  problems.push(...actionProblems(template, dependencies, rewritten));
  problems.push(...parameterList(trigger.parameters, dependencies, true));
  const policy = record(trigger.policy);
  if (policy !== undefined) {
    if ((template.k8s !== undefined || template.argoWorkflow !== undefined) && record(policy.k8s) !== undefined && record(policy.k8s)!.labels === undefined) problems.push('resource labels are not specified');
    if (template.http !== undefined && record(policy.status) !== undefined && record(policy.status)!.allow === undefined) problems.push('list of allowed response status is not specified');
  }
  const dlq = record(trigger.dlqTrigger);
  if (dlq !== undefined) {
    if (trigger.atLeastOnce !== true) problems.push('to use dlqTrigger, trigger.atLeastOnce must be set to true');
    if (dlq.atLeastOnce !== true) problems.push('atLeastOnce must be set to true within the dlqTrigger');
    problems.push(...triggerProblems(dlq, dependencies).map((p) => `dlqTrigger: ${p}`));
  }
  return problems;
}

function actionProblems(template: Json, dependencies: ReadonlySet<string>, rewritten: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const list = (action: string, field: string, needsDest: boolean) =>
    parameterList(record(template[action])?.[field], dependencies, needsDest, (index) => rewritten.has(`${action}.${field}.${index}.src.dependencyName`));
  const workflow = record(template.argoWorkflow);
  if (workflow !== undefined) {
    if (record(workflow.source) === undefined) problems.push('argoWorkflow trigger does not contain an absolute action');
    if (!WORKFLOW_OPERATIONS.has(workflow.operation as string)) problems.push(`unknown operation type ${String(workflow.operation)}`);
    problems.push(...list('argoWorkflow', 'parameters', true));
  }
  const k8s = record(template.k8s);
  if (k8s !== undefined) {
    if (record(k8s.source) === undefined) problems.push('k8s trigger does not contain an absolute action');
    if (!K8S_OPERATIONS.has(k8s.operation as string)) problems.push(`unknown operation type ${String(k8s.operation)}`);
    problems.push(...list('k8s', 'parameters', true));
  }
  const http = record(template.http);
  if (http !== undefined) {
    if (!text(http.url)) problems.push('server URL is not specified');
    if (!HTTP_METHODS.has(http.method as string)) problems.push('only GET, DELETE, PATCH, POST and PUT methods are supported');
    problems.push(...list('http', 'parameters', true), ...list('http', 'payload', false));
  }
  const nats = record(template.nats);
  if (nats !== undefined) {
    if (!text(nats.url)) problems.push("nats server url can't be empty");
    if (!text(nats.subject)) problems.push("nats subject can't be empty");
    if (nats.payload === undefined) problems.push("payload can't be nil");
    problems.push(...list('nats', 'payload', true));
  }
  return problems;
}

/** `needsDest`: every parameter list but an http payload needs a destination; `placeholder`: its dependency is written later. */
function parameterList(list: unknown, dependencies: ReadonlySet<string>, needsDest: boolean, placeholder: (index: number) => boolean = () => false): string[] {
  return arrayOf(list).flatMap((raw, index) => {
    const parameter = record(raw) ?? {};
    const src = record(parameter.src);
    if (src === undefined) return [`parameter ${index}: parameter source can't be empty`];
    if (!text(src.dependencyName)) return [`parameter ${index}: parameter dependency name can't be empty`];
    if (!placeholder(index) && !dependencies.has(String(src.dependencyName))) return [`parameter ${index}: dependency ${String(src.dependencyName)} is not one of the sensor's`];
    if (needsDest && !text(parameter.dest)) return [`parameter ${index}: parameter destination can't be empty`];
    if (!PARAM_OPERATIONS.has(parameter.operation as string)) return [`parameter ${index}: parameter operation ${String(parameter.operation)} is invalid`];
    return [];
  });
}
