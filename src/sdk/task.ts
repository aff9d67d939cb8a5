// Task builders: `task.process`, `task.script`, `task.node`. Each returns a handle whose
// `outputs` are typed from the declared outputs, so a reference to an undeclared output does not
// compile, and whose spec is the plain task object a YAML file would hold.
import type { Cache, Duration, ForEachRange, OutputDecl, Retry, Synchronization, TaskSpec } from '../spec/schema.js';
import type { ValueType } from '../spec/value-types.js';
import { toPlain, type Value } from './plain.js';
import { OutputRef, Ref, type AnyRef } from './refs.js';

export type OutputDecls = Record<string, OutputDecl>;

type TypeOf<D> = D extends { type: infer T extends ValueType } ? T : 'unknown';

/** References to a task's outputs, keyed by the declared output names. */
export type TaskOutputs<O extends OutputDecls> = { readonly [K in keyof O & string]: OutputRef<TypeOf<O[K]>> };

declare const TASK: unique symbol;

export interface TaskHandle<O extends OutputDecls = OutputDecls> {
  readonly name: string;
  /** The task as plain spec data. */
  readonly spec: TaskSpec;
  readonly outputs: TaskOutputs<O>;
  /** Serialises as its spec, so a handle may stand wherever a task does. */
  toJSON(): TaskSpec;
  readonly [TASK]?: true;
}

/** Options every task takes, whatever runs it. */
export interface TaskOptions<O extends OutputDecls> {
  name: string;
  description?: string;
  /** Values (literals, templates, references) or `input(value, { type, path })` declarations. */
  inputs?: Record<string, Value>;
  outputs?: O;
  /** Tasks to wait for, as handles or names. References to outputs imply dependencies by themselves. */
  dependsOn?: ReadonlyArray<string | TaskHandle<OutputDecls>>;
  /** A CEL condition (build one with `cel`), or a reference to a boolean value. */
  when?: string | AnyRef;
  forEach?: readonly Value[] | string | AnyRef | ForEachRange;
  parallelism?: number;
  retry?: Retry;
  timeout?: Duration;
  cache?: Cache;
  synchronization?: Synchronization;
}

type Text = string | AnyRef;

export interface ProcessTaskOptions<O extends OutputDecls> extends TaskOptions<O> {
  command: Text;
  args?: readonly Text[];
  env?: Record<string, Text>;
  /** Variables passed through from the tandem process's environment (embedded engine only). */
  inheritEnv?: readonly string[];
  cwd?: Text;
  shell?: boolean;
}

export interface ScriptTaskOptions<O extends OutputDecls> extends TaskOptions<O> {
  source: Text;
  interpreter?: string;
  args?: readonly Text[];
  env?: Record<string, Text>;
  /** Variables passed through from the tandem process's environment (embedded engine only). */
  inheritEnv?: readonly string[];
  cwd?: Text;
}

export interface NodeTaskOptions<O extends OutputDecls> extends TaskOptions<O> {
  /** Path of a .js, .mjs or .ts module, relative to the workflow file. */
  module: string;
  /** Exported function to call; default "default". */
  export?: string;
  env?: Record<string, Text>;
  /** Variables passed through from the tandem process's environment (embedded engine only). */
  inheritEnv?: readonly string[];
  cwd?: Text;
}

type NoOutputs = Record<never, OutputDecl>;

function build<O extends OutputDecls>(options: TaskOptions<O>, runner: 'process' | 'script' | 'node', fields: object): TaskHandle<O> {
  const when = options.when instanceof Ref ? options.when.expression : options.when;
  const spec = toPlain({
    name: options.name,
    description: options.description,
    [runner]: fields,
    inputs: options.inputs,
    outputs: options.outputs,
    dependsOn: options.dependsOn?.map((dep) => (typeof dep === 'string' ? dep : dep.name)),
    when,
    forEach: options.forEach,
    parallelism: options.parallelism,
    retry: options.retry,
    timeout: options.timeout,
    cache: options.cache,
    synchronization: options.synchronization,
  }) as TaskSpec;
  const outputs: Record<string, OutputRef> = {};
  for (const key of Object.keys(options.outputs ?? {})) outputs[key] = new OutputRef(options.name, key);
  return { name: options.name, spec, outputs: outputs as TaskOutputs<O>, toJSON: () => spec };
}

/** Task builders, one per runner. */
export const task = {
  /** Runs a program (no shell unless `shell: true`). */
  process<const O extends OutputDecls = NoOutputs>(options: ProcessTaskOptions<O>): TaskHandle<O> {
    const { command, args, env, inheritEnv, cwd, shell } = options;
    return build(options, 'process', { command, args, env, inheritEnv, cwd, shell });
  },
  /** Runs inline source with an interpreter (default "sh"). */
  script<const O extends OutputDecls = NoOutputs>(options: ScriptTaskOptions<O>): TaskHandle<O> {
    const { interpreter, source, args, env, inheritEnv, cwd } = options;
    return build(options, 'script', { interpreter, source, args, env, inheritEnv, cwd });
  },
  /** Calls an exported function of a Node module; its return value holds the outputs. */
  node<const O extends OutputDecls = NoOutputs>(options: NodeTaskOptions<O>): TaskHandle<O> {
    const { module, env, inheritEnv, cwd } = options;
    return build(options, 'node', { module, export: options.export, env, inheritEnv, cwd });
  },
} as const;

export function isTaskHandle(value: unknown): value is TaskHandle {
  return value !== null && typeof value === 'object' && 'spec' in value && 'outputs' in value && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
