// Semantic checks of Argo Workflows manifests, modelled on the controller's rules
// (workflow/validate/validate.go and its run-time resolution), for what the schema cannot see.
// checkArgoManifests takes the documents of one file or bundle (a Workflow and the ConfigMaps
// written beside it) and returns every problem, each naming its object path.
import { checkDag, checkSteps, type DagGraph } from './dag.js';
import { list, obj, Problems, str, type CheckContext, type Json, type WorkflowView } from './model.js';
import { checkMetadata, checkTemplateNames } from './names.js';
import { checkOutputs } from './outputs.js';
import { checkPolicies } from './policies.js';
import { checkVariables } from './variables.js';

export type { CheckContext } from './model.js';

const WORKFLOW_KINDS = new Set(['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);
const CONCURRENCY = new Set(['Allow', 'Forbid', 'Replace']);
const CRON_MACRO = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every\s+\S+)$/;

/**
 * Checks each Workflow-like document; the ConfigMaps among them are what semaphores may name
 * (unless `context.configMaps` says they are user-provided). Other kinds are skipped.
 */
export function checkArgoManifests(documents: readonly unknown[], context: Partial<CheckContext> = {}): string[] {
  const emitted = new Map<string, Set<string>>();
  for (const doc of documents) {
    const manifest = obj(doc);
    if (manifest?.kind === 'ConfigMap') emitted.set(str(obj(manifest.metadata)?.name) ?? '', new Set(Object.keys(obj(manifest.data) ?? {})));
  }
  const full: CheckContext = { configMaps: context.configMaps ?? emitted, defaultArtifactRepository: context.defaultArtifactRepository ?? true };
  return documents.flatMap((doc, i) => {
    const manifest = obj(doc);
    if (!manifest || !WORKFLOW_KINDS.has(String(manifest.kind))) return [];
    const label = `${String(manifest.kind)} ${str(obj(manifest.metadata)?.name) ?? str(obj(manifest.metadata)?.generateName) ?? `#${i}`}`;
    return checkWorkflow(manifest, full).map((problem) => `${label}: ${problem}`);
  });
}

function checkWorkflow(manifest: Json, context: CheckContext): string[] {
  const kind = String(manifest.kind);
  const outer = obj(manifest.spec) ?? {};
  const cron = kind === 'CronWorkflow';
  const spec = cron ? (obj(outer.workflowSpec) ?? {}) : outer;
  const problems = new Problems();
  const templates = new Map(list(spec.templates).map((template) => [str(template.name) ?? '', template]));
  const view: WorkflowView = { kind, manifest, spec, specPath: cron ? 'spec.workflowSpec' : 'spec', templates, context, problems };
  checkMetadata(view);
  if (cron) checkCron(view, outer);
  checkTemplateNames(view);
  checkEntryPoints(view, kind);
  const dags = new Map<string, DagGraph>();
  for (const [name, template] of templates) {
    if (obj(template.dag)) dags.set(name, checkDag(view, template));
    if (Array.isArray(template.steps)) checkSteps(view, template);
  }
  checkVariables(view, dags);
  checkPolicies(view);
  checkOutputs(view);
  return problems.list;
}

/** entrypoint, onExit and hooks name templates that exist; arguments are well formed. */
function checkEntryPoints(view: WorkflowView, kind: string): void {
  const p = view.problems;
  const at = view.specPath;
  const entry = str(view.spec.entrypoint);
  const referenced = view.spec.workflowTemplateRef !== undefined;
  // A WorkflowTemplate may leave the entrypoint to the Workflow that uses it.
  if (entry === undefined && !referenced && kind !== 'WorkflowTemplate' && kind !== 'ClusterWorkflowTemplate') p.add(`${at}.entrypoint`, 'is required');
  if (entry !== undefined && !referenced && !view.templates.has(entry)) p.add(`${at}.entrypoint`, `template "${entry}" is not defined`);
  const onExit = str(view.spec.onExit);
  if (onExit !== undefined && !referenced && !view.templates.has(onExit)) p.add(`${at}.onExit`, `exit handler template "${onExit}" is not defined`);
  for (const [name, hook] of Object.entries(obj(view.spec.hooks) ?? {})) {
    const template = str(obj(hook)?.template);
    if (template !== undefined && !referenced && !view.templates.has(template)) p.add(`${at}.hooks.${name}.template`, `template "${template}" is not defined`);
    if (name !== 'exit' && !str(obj(hook)?.expression)) p.add(`${at}.hooks.${name}`, 'a hook other than exit needs an expression');
  }
  for (const param of list(obj(view.spec.arguments)?.parameters)) {
    const values = Array.isArray(param.enum) ? param.enum.map(String) : undefined;
    if (values && values.length === 0) p.add(`${at}.arguments.parameters[${str(param.name) ?? '?'}].enum`, 'should contain at least one value');
    if (values && param.value !== undefined && !values.includes(String(param.value))) p.add(`${at}.arguments.parameters[${str(param.name) ?? '?'}].value`, `"${String(param.value)}" is not in its enum`);
  }
}

function checkCron(view: WorkflowView, spec: Json): void {
  const schedules = [...(Array.isArray(spec.schedules) ? spec.schedules : []), ...(spec.schedule !== undefined ? [spec.schedule] : [])];
  if (schedules.length === 0) view.problems.add('spec.schedules', 'a CronWorkflow needs at least one schedule');
  schedules.forEach((schedule, i) => {
    const text = String(schedule).trim().replace(/^CRON_TZ=\S+\s+/, '');
    if (!CRON_MACRO.test(text) && text.split(/\s+/).length !== 5) view.problems.add(`spec.schedules[${i}]`, `"${String(schedule)}" is not a five-field cron expression`);
  });
  if (spec.concurrencyPolicy !== undefined && !CONCURRENCY.has(String(spec.concurrencyPolicy))) view.problems.add('spec.concurrencyPolicy', `"${String(spec.concurrencyPolicy)}" is not Allow, Forbid or Replace`);
  if (spec.startingDeadlineSeconds !== undefined && !(typeof spec.startingDeadlineSeconds === 'number' && spec.startingDeadlineSeconds >= 0)) view.problems.add('spec.startingDeadlineSeconds', 'must be a non-negative number');
}
