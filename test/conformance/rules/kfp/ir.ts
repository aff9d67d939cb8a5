// Reading compiled KFP IR for the semantic rules: every component (the root included) and every
// task of every DAG, each with its JSON-pointer path, without trusting the document's shape (the
// rules run on IR the proto check already accepted, but report rather than throw on anything odd).

export interface Problem {
  /** JSON pointer into the document (`#2/…` for the platform spec document). */
  path: string;
  message: string;
}

export type Json = Record<string, unknown>;

export function record(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** JSON-pointer escaping of one key. */
export function esc(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export interface ComponentView {
  name: string;
  path: string;
  component: Json;
}

export interface TaskView {
  name: string;
  path: string;
  task: Json;
  /** The DAG component the task is in. */
  parent: ComponentView;
  /** The component the task runs (empty when its componentRef does not resolve). */
  component: Json;
  /** Its sibling tasks, by name. */
  siblings: Json;
}

export function components(doc: Json): ComponentView[] {
  const found: ComponentView[] = [{ name: 'root', path: '/root', component: record(doc.root) }];
  for (const [name, component] of Object.entries(record(doc.components))) found.push({ name, path: `/components/${esc(name)}`, component: record(component) });
  return found;
}

export function tasks(doc: Json): TaskView[] {
  const all = record(doc.components);
  const found: TaskView[] = [];
  for (const parent of components(doc)) {
    const siblings = record(record(parent.component.dag).tasks);
    for (const [name, raw] of Object.entries(siblings)) {
      const task = record(raw);
      const ref = record(task.componentRef).name;
      found.push({ name, path: `${parent.path}/dag/tasks/${esc(name)}`, task, parent, component: record(typeof ref === 'string' ? all[ref] : undefined), siblings });
    }
  }
  return found;
}

/** `inputDefinitions` / `outputDefinitions` parameters or artifacts of a component. */
export function definitions(component: Json, side: 'inputDefinitions' | 'outputDefinitions', kind: 'parameters' | 'artifacts'): Json {
  return record(record(component[side])[kind]);
}

/** The component a sibling task runs. */
export function siblingComponent(doc: Json, siblings: Json, name: unknown): Json | undefined {
  if (typeof name !== 'string' || !(name in siblings)) return undefined;
  const ref = record(record(siblings[name]).componentRef).name;
  return typeof ref === 'string' ? record(record(doc.components)[ref]) : undefined;
}

/** Exit tasks: the backend turns them into Argo exit hooks of the tasks they depend on. */
export function isExitTask(task: Json): boolean {
  return record(task.triggerPolicy).strategy === 'ALL_UPSTREAM_TASKS_COMPLETED';
}
