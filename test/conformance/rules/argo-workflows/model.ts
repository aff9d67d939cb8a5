// The shared shape of the Argo Workflows checks: a manifest read as plain JSON, the workflow spec
// inside it (a CronWorkflow nests it under workflowSpec), templates by name, and a list of problems,
// each naming the object path it was found at (`spec.templates[main].dag.tasks[a].depends`).
export type Json = Record<string, unknown>;

/** What a check may know beyond the manifest itself. */
export interface CheckContext {
  /**
   * ConfigMaps that exist beside the manifest: name → its data keys. `user-provided` accepts any
   * (the upstream examples assume the user created them; tandem emits its own and says so).
   */
  configMaps: Map<string, Set<string>> | 'user-provided';
  /** Whether the cluster has a default artifact repository (key-only artifacts resolve there). */
  defaultArtifactRepository: boolean;
}

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

export interface WorkflowView {
  kind: string;
  manifest: Json;
  spec: Json;
  /** Where `spec` is in the manifest (`spec` or `spec.workflowSpec`). */
  specPath: string;
  templates: Map<string, Json>;
  context: CheckContext;
  problems: Problems;
}

export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map((item) => obj(item) ?? {}) : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function templatePath(view: WorkflowView, name: string): string {
  return `${view.specPath}.templates[${name}]`;
}

/** The kind of a template: the one type field it sets. */
export function templateType(template: Json): string | undefined {
  return ['container', 'script', 'containerSet', 'resource', 'dag', 'steps', 'suspend', 'http', 'plugin', 'data'].find((key) => template[key] !== undefined);
}

export function isLeaf(template: Json): boolean {
  const type = templateType(template);
  return type !== 'dag' && type !== 'steps';
}

/** Every string under `value` with its path, for finding `{{...}}` tags. */
export function eachString(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => eachString(item, `${path}[${i}]`, visit));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) eachString(item, `${path}.${key}`, visit);
}

/** The tags in a text: `{{x}}` as { expression: false, body: 'x' }, `{{=x}}` as { expression: true }. */
export function tagsIn(text: string): Array<{ expression: boolean; body: string }> {
  return [...text.matchAll(/\{\{(=?)(.*?)\}\}/gs)].map((match) => ({ expression: match[1] === '=', body: (match[2] ?? '').trim() }));
}
