// State shared while one workflow compiles to KFP IR: options, KFP task names, where each task
// was placed, the binder that threads values between DAG scopes, and the resolution of a tandem
// reference (`params.x`, `tasks.t.outputs.o`, `item.f`, `run.id`…) to what KFP can read.
import { CompileError } from '../../../errors.js';
import { compileCel } from '../../../expr/cel.js';
import { celMemberPath } from '../../../expr/cel-ast.js';
import { referencesInValue } from '../../../expr/references.js';
import { buildGraph, type TaskGraph } from '../../../spec/graph.js';
import type { TaskSpec, WorkflowSpec } from '../../../spec/schema.js';
import { isArtifactType, outputType } from '../../../spec/value-types.js';
import { Binder, type Scope, type Source } from './scopes.js';
import { isStdoutOutput } from './stdout-capture.js';
import { artifactDef, parameterType, paramParameterType, type IrValueDef } from './types.js';

export interface KfpCompileOptions {
  /** Image for tasks without `image` and without `defaults.image`. */
  defaultImage?: string;
  /** Image that runs `node` tasks: Node.js 20+, with tsx for .ts modules (default `node:20-slim`). */
  nodeImage?: string;
  /** Where the workflow file's folder sits inside nodeImage (default `/workspace`). */
  projectDir?: string;
  /** pipelineInfo.name; default the workflow name. */
  pipelineName?: string;
  /** The Kubernetes Secret whose keys hold the variables tasks name in inheritEnv (default `tandem-secrets`). */
  secretName?: string;
}

/** What a reference in a template turns into. */
export type Resolved =
  | { kind: 'source'; source: Source }
  | { kind: 'input'; name: string }
  | { kind: 'placeholder'; placeholder: RunPlaceholder };

/**
 * A run-level value KFP fills in. The driver substitutes these placeholders only where a task
 * input's runtimeValue constant is exactly the placeholder (resolve.go), never in container
 * command or args, so each travels as the component input `input`, as the KFP SDK passes them.
 */
export interface RunPlaceholder {
  input: string;
  text: string;
}

const RUN_PLACEHOLDERS: Record<string, RunPlaceholder> = {
  'run.id': { input: 'tandem-run-id', text: '{{$.pipeline_job_uuid}}' },
  'run.name': { input: 'tandem-run-name', text: '{{$.pipeline_job_name}}' },
  'task.name': { input: 'tandem-task-name', text: '{{$.pipeline_task_name}}' },
};

export class CompileContext {
  readonly workflow: string;
  readonly locations = new Map<string, { scope: Scope; dagName: string }>();
  readonly binder: Binder;
  readonly finallyNames: ReadonlySet<string>;
  /** For a task that joined its producer's loop (fused-loop.ts): what its `item` is. */
  readonly fusedItems = new Map<string, Source>();
  private readonly tasks = new Map<string, TaskSpec>();
  private readonly dagNames = new Map<string, string>();
  private readonly iterated = new Set<string>();
  private counter = 0;
  private graph?: TaskGraph;

  constructor(
    readonly spec: WorkflowSpec,
    readonly options: KfpCompileOptions,
  ) {
    this.workflow = spec.name;
    this.finallyNames = new Set((spec.finally ?? []).map((t) => t.name));
    this.binder = new Binder(this.locations, (task) => this.dagName(task));
    const taken = new Map<string, string>([
      ['exit-handler-1', '(the exit handler)'],
      ['tandem-finally', '(the DAG of the finally tasks)'],
    ]);
    const stdoutSteps: Array<[string, string]> = [];
    for (const task of [...spec.tasks, ...(spec.finally ?? [])]) {
      this.tasks.set(task.name, task);
      const dag = task.name.toLowerCase().replace(/_/g, '-');
      const clash = taken.get(dag);
      if (clash !== undefined || /^(for-loop|condition)-[0-9]+$/.test(dag)) {
        this.fail('task name', task.name, `its KFP name "${dag}" (lower case, "-" for "_") clashes with ${clash ?? 'a generated sub-DAG name'}`);
      }
      taken.set(dag, task.name);
      this.dagNames.set(task.name, dag);
      if (Object.values(task.outputs ?? {}).some(isStdoutOutput)) stdoutSteps.push([task.name, `${dag}-stdout`]);
      if (typeof task.forEach === 'string') {
        for (const ref of referencesInValue(task.forEach)) {
          if (ref.root === 'tasks') this.iterated.add(ref.path.join('.'));
        }
      }
    }
    for (const [task, step] of stdoutSteps) {
      const clash = taken.get(step);
      if (clash !== undefined) this.fail('task name', clash, `its KFP name "${step}" clashes with the step that captures the stdout outputs of ${task}`);
      taken.set(step, `(the stdout capture of ${task})`);
      this.dagNames.set(this.stdoutTask(task), step);
    }
  }

  /** Throws the CompileError for a feature KFP cannot express. */
  fail(feature: string, task: string | undefined, reason: string): never {
    throw new CompileError('kfp', feature, this.where(task), reason);
  }

  where(task?: string, field?: string): string {
    return [`workflow ${this.workflow}`, task !== undefined ? `task ${task}` : undefined, field].filter(Boolean).join(', ');
  }

  /** The KFP DAG task name of a tandem task (`check_data` → `check-data`). */
  dagName = (task: string): string => this.dagNames.get(task) ?? task;

  /** Next number for a generated sub-DAG (`for-loop-2`, `condition-3`), as the KFP SDK numbers them. */
  next(): number {
    this.counter += 1;
    return this.counter;
  }

  /** The graph of the main tasks, built once when first asked for. */
  mainGraph(): TaskGraph {
    this.graph ??= buildGraph(this.spec.tasks);
    return this.graph;
  }

  /** The key under which the capture step of `task`'s stdout outputs is placed (stdout-capture.ts). */
  stdoutTask(task: string): string {
    return `${task}\u0000stdout`;
  }

  /** Where a consumer reads output `output` of `task`: the task itself, or its stdout capture step. */
  outputSource(task: string, output: string): Source & { kind: 'output' } {
    const decl = this.task(task).outputs?.[output];
    const producer = decl && isStdoutOutput(decl) ? this.stdoutTask(task) : task;
    return { kind: 'output', task: producer, output, def: this.outputDef(task, output) };
  }

  task(name: string): TaskSpec {
    const task = this.tasks.get(name);
    if (!task) return this.fail('reference', undefined, `no task named "${name}"`);
    return task;
  }

  /** The definition of one output as its task's component declares it. */
  outputDef(taskName: string, output: string): IrValueDef {
    const task = this.task(taskName);
    const decl = task.outputs?.[output];
    if (!decl) return this.fail('reference', taskName, `task ${taskName} has no output "${output}"`);
    const type = outputType(task, decl);
    if (isArtifactType(type)) return artifactDef(type);
    return { kind: 'parameter', type: parameterType(type, this.iterated.has(`${taskName}.outputs.${output}`) ? 'LIST' : 'STRUCT') };
  }

  paramDef(name: string, task: string): IrValueDef {
    const decl = this.spec.params?.[name];
    if (!decl) return this.fail('reference', task, `no param named "${name}"`);
    return { kind: 'parameter', type: paramParameterType(this.workflow, name, decl) };
  }

  /** Resolves one `{{ expr }}` (or condition operand) used by `task`; `loop` is its loop scope, if any. */
  resolve(expression: string, task: string, loop: Scope | undefined): Resolved {
    const path = plainPath(expression);
    if (!path) {
      return this.fail('computed expression', task, `"${expression}" is computed; KFP passes values by reference only (params.X, tasks.T.outputs.O, item, item.F, inputs.N, run.id, run.name, task.name)`);
    }
    const [root, ...rest] = path;
    const placeholder = RUN_PLACEHOLDERS[path.join('.')];
    if (placeholder !== undefined) return { kind: 'placeholder', placeholder };
    if (path.join('.') === 'run.status' && this.finallyNames.has(task)) return { kind: 'source', source: { kind: 'status' } };
    if (root === 'params' && rest.length === 1 && rest[0] !== undefined) {
      return { kind: 'source', source: { kind: 'param', name: rest[0], def: this.paramDef(rest[0], task) } };
    }
    if (root === 'tasks' && rest.length === 3 && rest[1] === 'outputs' && rest[0] !== undefined && rest[2] !== undefined) {
      if (this.finallyNames.has(task) && !this.finallyNames.has(rest[0])) {
        this.fail('finally task reading a main task output', task, `KFP's exit handler hands exit tasks no outputs of the tasks it guards (found "${expression}")`);
      }
      return { kind: 'source', source: this.outputSource(rest[0], rest[2]) };
    }
    if (root === 'item' && rest.length <= 1) {
      const fused = this.fusedItems.get(task);
      if (fused && rest.length === 0) return { kind: 'source', source: fused };
      if (fused) return this.fail('item field of an artifact', task, `"${expression}": the item is an artifact, which has no fields`);
      if (!loop) return this.fail('item outside forEach', task, `"${expression}" needs a forEach`);
      return { kind: 'source', source: { kind: 'item', loop, ...(rest[0] !== undefined ? { field: rest[0] } : {}) } };
    }
    if (root === 'inputs' && rest.length === 1 && rest[0] !== undefined) return { kind: 'input', name: rest[0] };
    return this.fail(path.join('.'), task, `KFP has no value for "${expression}" (${NO_VALUE[path.join('.')] ?? 'not a reference KFP can pass'})`);
  }
}

const NO_VALUE: Record<string, string> = {
  'run.status': 'only finally tasks see the run status',
  'run.failures': 'KFP reports no list of failed tasks to exit tasks',
  'task.attempt': 'KFP exposes no attempt number to the container',
  'task.index': 'KFP exposes no iteration index to the container',
};

/** `a.b["c"]` as ['a', 'b', 'c'] when the expression is nothing but that path; else undefined. */
export function plainPath(expression: string): string[] | undefined {
  const path = celMemberPath(compileCel(expression).ast, { index: true });
  return path && path.length > 0 ? path : undefined;
}

