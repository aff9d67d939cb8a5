// `workflow()` assembles task handles and declarations into a plain WorkflowSpec, identical to
// what loading the equivalent YAML gives. `params()` declares params and hands back references.
import type { ParamDecl, TaskSpec, WorkflowSpec, WorkflowType } from '../spec/schema.js';
import { toPlain } from './plain.js';
import { ParamRef, type AnyRef } from './refs.js';
import { isTaskHandle, type OutputDecls, type TaskHandle } from './task.js';

const DECLS: unique symbol = Symbol('tandem.params');

/** Param references keyed by name, holding the declarations for `workflow({ params })`. */
export type ParamSet<D extends Record<string, ParamDecl>> = { readonly [K in keyof D & string]: ParamRef<D[K]['type']> } & {
  readonly [DECLS]: D;
};

/**
 * Declares params and returns references to them:
 * `const p = params({ n: param.integer({ default: 3 }) })`, then `args: [\`--n=${p.n}\`]` and
 * `workflow({ params: p, ... })`.
 */
export function params<const D extends Record<string, ParamDecl>>(decls: D): ParamSet<D> {
  const set: Record<string | symbol, unknown> = {};
  for (const name of Object.keys(decls)) set[name] = new ParamRef(name);
  Object.defineProperty(set, DECLS, { value: decls, enumerable: false });
  return set as ParamSet<D>;
}

function isParamSet(value: object): value is ParamSet<Record<string, ParamDecl>> {
  return DECLS in value;
}

type AnyTask = TaskHandle<OutputDecls> | TaskSpec;

export interface WorkflowOptions {
  $schema?: string;
  apiVersion?: 'tandem.dev/v1';
  kind?: 'Workflow';
  name: string;
  version?: string;
  description?: string;
  type?: WorkflowType;
  params?: Record<string, ParamDecl> | ParamSet<Record<string, ParamDecl>>;
  tasks: readonly AnyTask[];
  finally?: readonly AnyTask[];
  /** Workflow outputs: templates over task outputs, or references. */
  outputs?: Record<string, string | AnyRef>;
  defaults?: WorkflowSpec['defaults'];
  parallelism?: number;
  /** After a task fails, start no new tasks (default true, as in Argo). */
  failFast?: boolean;
}

/** Builds the workflow spec: plain, JSON-serialisable data. */
export function workflow(options: WorkflowOptions): WorkflowSpec {
  const paramDecls = options.params && isParamSet(options.params) ? options.params[DECLS] : options.params;
  const taskSpec = (t: AnyTask): TaskSpec => (isTaskHandle(t) ? t.spec : t);
  return toPlain({
    $schema: options.$schema,
    apiVersion: options.apiVersion,
    kind: options.kind,
    name: options.name,
    version: options.version,
    description: options.description,
    type: options.type,
    params: paramDecls,
    tasks: options.tasks.map(taskSpec),
    finally: options.finally?.map(taskSpec),
    outputs: options.outputs,
    defaults: options.defaults,
    parallelism: options.parallelism,
    failFast: options.failFast,
  }) as WorkflowSpec;
}
