// Names the API server and the Argo controller accept (k8s.io/apimachinery validation, Argo's
// validate.go): object names and generateName, labels, template/DAG task/step names (Argo's
// workflow field names), parameter and artifact names, and CronWorkflow's 52-character limit.
import { list, obj, str, templatePath, type Json, type WorkflowView } from './model.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const FIELD_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const PARAM_NAME = /^[-a-zA-Z0-9_]+$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Longest name per kind: Argo refuses longer Workflows and CronWorkflows. */
const NAME_MAX: Record<string, number> = { Workflow: 63, CronWorkflow: 52 };

export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

export function checkMetadata(view: WorkflowView): void {
  const metadata = obj(view.manifest.metadata) ?? {};
  const name = str(metadata.name);
  const generateName = str(metadata.generateName);
  const p = view.problems;
  if (name === undefined && generateName === undefined) p.add('metadata', 'needs name or generateName');
  if (name !== undefined) {
    if (!isDnsSubdomain(name)) p.add('metadata.name', `"${name}" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')`);
    const max = NAME_MAX[view.kind];
    if (max !== undefined && name.length > max) p.add('metadata.name', `a ${view.kind} name may be at most ${max} characters, "${name}" has ${name.length}`);
  }
  // The API server appends 5 characters to generateName and keeps the name a DNS-1123 subdomain.
  if (generateName !== undefined && !isDnsSubdomain(`${generateName}x`)) p.add('metadata.generateName', `"${generateName}" cannot start a DNS-1123 subdomain`);
  const namespace = str(metadata.namespace);
  if (namespace !== undefined && (namespace.length > 63 || !DNS_LABEL.test(namespace))) p.add('metadata.namespace', `"${namespace}" is not a DNS-1123 label`);
  checkLabels(view, obj(metadata.labels), 'metadata.labels');
  checkKeys(view, obj(metadata.annotations), 'metadata.annotations');
  const workflowMetadata = obj(view.spec.workflowMetadata) ?? obj(view.manifest.spec && obj(view.manifest.spec)?.workflowMetadata);
  if (workflowMetadata) checkLabels(view, obj(workflowMetadata.labels), `${view.specPath}.workflowMetadata.labels`);
}

function checkLabels(view: WorkflowView, labels: Json | undefined, path: string): void {
  checkKeys(view, labels, path);
  for (const [key, value] of Object.entries(labels ?? {})) {
    const text = str(value);
    if (text === undefined || text.length > 63 || !LABEL_VALUE.test(text)) view.problems.add(`${path}.${key}`, `${JSON.stringify(value)} is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)`);
  }
}

/** Label and annotation keys: an optional DNS-1123 subdomain prefix and a qualified name of at most 63 characters. */
function checkKeys(view: WorkflowView, map: Json | undefined, path: string): void {
  for (const key of Object.keys(map ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const base = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && !isDnsSubdomain(prefix)) || base.length > 63 || !QUALIFIED_NAME.test(base)) view.problems.add(`${path}.${key}`, 'is not a valid label or annotation key');
  }
}

/** An Argo workflow field name (templates, DAG tasks, steps, output names): at most 128 characters, `[a-zA-Z0-9][-a-zA-Z0-9]*`. */
export function checkFieldName(view: WorkflowView, name: unknown, path: string, what: string): void {
  const text = str(name);
  if (text === undefined || text === '') return view.problems.add(path, `${what} needs a name`);
  if (text.length > 128) view.problems.add(path, `${what} name "${text}" is longer than 128 characters`);
  if (!FIELD_NAME.test(text)) view.problems.add(path, `${what} name "${text}" must be letters, digits and '-', starting with a letter or digit (Argo refuses '_', and its depends parser reads it as two names)`);
}

export function checkUnique(view: WorkflowView, items: Json[], path: string, what: string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const name = str(item.name) ?? '';
    if (seen.has(name)) view.problems.add(`${path}[${name}]`, `${what} name "${name}" is not unique`);
    seen.add(name);
  }
}

export function checkTemplateNames(view: WorkflowView): void {
  const templates = list(view.spec.templates);
  templates.forEach((template, i) => checkFieldName(view, template.name, `${view.specPath}.templates[${str(template.name) ?? i}].name`, 'template'));
  checkUnique(view, templates, `${view.specPath}.templates`, 'template');
  for (const template of templates) checkIoNames(view, template, templatePath(view, str(template.name) ?? '?'));
  checkIoNames(view, { inputs: view.spec.arguments }, `${view.specPath}.arguments`);
}

/** Parameters and artifacts: `[-a-zA-Z0-9_]+`, unique within their list. */
function checkIoNames(view: WorkflowView, template: Json, path: string): void {
  for (const side of ['inputs', 'outputs'] as const) {
    const io = obj(template[side]);
    for (const kind of ['parameters', 'artifacts'] as const) {
      const items = list(io?.[kind]);
      const where = side === 'inputs' && path.endsWith('.arguments') ? `${path}.${kind}` : `${path}.${side}.${kind}`;
      for (const item of items) {
        const name = str(item.name) ?? '';
        if (!PARAM_NAME.test(name)) view.problems.add(`${where}[${name}]`, `name "${name}" must be letters, digits, '_' or '-'`);
      }
      checkUnique(view, items, where, kind === 'parameters' ? 'parameter' : 'artifact');
    }
  }
}
