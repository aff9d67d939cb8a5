// DAG scopes and value bindings. A KFP task can only read values from its own DAG: a pipeline
// param, an upstream sibling's output or an input of the enclosing DAG component. tandem tasks
// end up nested (exit handler, condition and loop sub-DAGs, as the KFP SDK nests them), so a
// reference such as `tasks.prep.outputs.rows` is threaded the way the SDK threads a pipeline
// channel: surfaced up through DAG outputs from the producer to the lowest common scope, then
// passed down as `pipelinechannel--…` inputs to the consumer's scope. Dependencies follow the
// same path, so each DAG lists only its own siblings.
import type { IrParameterType, IrValueDef } from './types.js';
import { collected, literalType } from './types.js';

export type ScopeKind = 'root' | 'exit-handler' | 'finally' | 'condition' | 'loop';

/** One task of a DAG being built; `spec` holds everything but inputs and dependencies. */
export interface DagTask {
  name: string;
  spec: Record<string, unknown>;
  parameters: Map<string, Record<string, unknown>>;
  artifacts: Map<string, Record<string, unknown>>;
  dependsOn: Set<string>;
}

export interface ScopeOutput {
  def: IrValueDef;
  producerSubtask: string;
  key: string;
}

export class Scope {
  readonly tasks = new Map<string, DagTask>();
  readonly inputs = new Map<string, IrValueDef>();
  readonly outputs = new Map<string, ScopeOutput>();
  readonly depth: number;
  /** For a loop scope: the input that holds the current item, and its definition. */
  item?: { input: string; def: IrValueDef; items?: readonly unknown[] };

  constructor(
    readonly kind: ScopeKind,
    /** Component name (`comp-for-loop-2`); `root` for the pipeline's root. */
    readonly component: string,
    readonly parent?: Scope,
    /** The task that runs this scope inside its parent's DAG. */
    readonly task?: DagTask,
  ) {
    this.depth = parent ? parent.depth + 1 : 0;
  }

  /** Scopes from the root down to this one. */
  chain(): Scope[] {
    return this.parent ? [...this.parent.chain(), this] : [this];
  }

  addTask(name: string, spec: Record<string, unknown>): DagTask {
    const task: DagTask = { name, spec, parameters: new Map(), artifacts: new Map(), dependsOn: new Set() };
    this.tasks.set(name, task);
    return task;
  }
}

export type Source =
  | { kind: 'param'; name: string; def: IrValueDef }
  | { kind: 'output'; task: string; output: string; def: IrValueDef }
  | { kind: 'item'; loop: Scope; field?: string }
  /** The run's outcome: the PipelineTaskFinalStatus KFP hands the exit task (finally tasks only). */
  | { kind: 'status' };

/** The input of the finally DAG that holds the PipelineTaskFinalStatus of the exit handler. */
export const RUN_STATUS_INPUT = 'tandem-run-status';
const RUN_STATUS_DEF: IrValueDef = { kind: 'parameter', type: 'TASK_FINAL_STATUS' };

export interface Binding {
  /** The InputParameterSpec / InputArtifactSpec JSON. */
  spec: Record<string, unknown>;
  def: IrValueDef;
  /** A sibling task the consumer must depend on. */
  dependsOn?: string;
}

/** Where each tandem task's KFP task lives: its innermost scope and its name in that DAG. */
export type Locations = ReadonlyMap<string, { scope: Scope; dagName: string }>;

/** The `pipelinechannel--…` name under which a source travels between scopes. */
export function channelName(source: Source, dagName: (task: string) => string): string {
  switch (source.kind) {
    case 'param':
      return `pipelinechannel--${source.name}`;
    case 'output':
      return `pipelinechannel--${dagName(source.task)}-${source.output}`;
    case 'item': {
      const input = source.loop.item?.input ?? 'pipelinechannel--loop-item';
      return source.field === undefined ? input : `${input}-subvar-${source.field}`;
    }
    case 'status':
      return RUN_STATUS_INPUT;
  }
}

export class Binder {
  /** The DAG that runs the finally tasks, whose input holds the run status. */
  finallyScope?: Scope;

  constructor(
    private readonly locations: Locations,
    private readonly dagName: (task: string) => string,
  ) {}

  /** How a task in `scope` reads `source`. */
  bind(scope: Scope, source: Source): Binding {
    const home = this.home(scope, source);
    if (home === scope) return this.direct(scope, source);
    const parent = scope.parent;
    const task = scope.task;
    if (!parent || !task) throw new Error(`internal: scope ${scope.component} has no parent`);
    const name = channelName(source, this.dagName);
    let def = scope.inputs.get(name);
    if (def === undefined) {
      const outer = this.bind(parent, source);
      def = outer.def;
      scope.inputs.set(name, def);
      (def.kind === 'parameter' ? task.parameters : task.artifacts).set(name, outer.spec);
      if (outer.dependsOn !== undefined) task.dependsOn.add(outer.dependsOn);
    }
    return { spec: def.kind === 'parameter' ? { componentInputParameter: name } : { componentInputArtifact: name }, def };
  }

  /** Makes the task `dependent` (in `scope`) run after tandem task `producer`. */
  dependOn(scope: Scope, dependent: DagTask, producer: string): void {
    const loc = this.location(producer);
    const common = lowestCommon(scope, loc.scope);
    const target = loc.scope === common ? loc.dagName : this.childToward(common, loc.scope).task?.name;
    const waiting = scope === common ? dependent : this.childToward(common, scope).task;
    if (target !== undefined && waiting !== undefined && target !== waiting.name) waiting.dependsOn.add(target);
  }

  private home(scope: Scope, source: Source): Scope {
    if (source.kind === 'param') return scope.chain()[0] ?? scope;
    if (source.kind === 'item') return source.loop;
    if (source.kind === 'status') {
      if (!this.finallyScope) throw new Error('internal: run.status outside the finally tasks');
      return this.finallyScope;
    }
    return lowestCommon(scope, this.location(source.task).scope);
  }

  private direct(scope: Scope, source: Source): Binding {
    if (source.kind === 'param') return { spec: { componentInputParameter: source.name }, def: source.def };
    if (source.kind === 'status') return { spec: { componentInputParameter: RUN_STATUS_INPUT }, def: RUN_STATUS_DEF };
    if (source.kind === 'item') {
      const item = source.loop.item;
      if (!item) throw new Error(`internal: loop ${source.loop.component} has no item input`);
      if (source.field === undefined || item.def.kind === 'artifact') {
        const spec = item.def.kind === 'artifact' ? { componentInputArtifact: item.input } : { componentInputParameter: item.input };
        return { spec, def: item.def };
      }
      // The selected field keeps its JSON type; typed as the items' field type (when the items are
      // known), conditions and tasks read a number as a number, not as its text.
      return {
        spec: { componentInputParameter: item.input, parameterExpressionSelector: `parseJson(string_value)[${JSON.stringify(source.field)}]` },
        def: { kind: 'parameter', type: fieldType(item.items, source.field) ?? 'STRING' },
      };
    }
    const loc = this.location(source.task);
    if (loc.scope === scope) return outputBinding(loc.dagName, source.output, source.def);
    const child = this.childToward(scope, loc.scope);
    const name = channelName(source, this.dagName);
    const def = this.surface(child, source, name);
    return outputBinding(child.task?.name ?? '', name, def);
  }

  /** Exposes a producer's output as an output of `scope` (a scope enclosing the producer). */
  private surface(scope: Scope, source: Source & { kind: 'output' }, name: string): IrValueDef {
    const existing = scope.outputs.get(name);
    if (existing) return existing.def;
    const loc = this.location(source.task);
    let def: IrValueDef;
    let output: ScopeOutput;
    if (loc.scope === scope) {
      def = source.def;
      output = { def, producerSubtask: loc.dagName, key: source.output };
    } else {
      const child = this.childToward(scope, loc.scope);
      def = this.surface(child, source, name);
      output = { def, producerSubtask: child.task?.name ?? '', key: name };
    }
    if (scope.kind === 'loop') def = collected(def);
    scope.outputs.set(name, { ...output, def });
    return def;
  }

  private childToward(ancestor: Scope, descendant: Scope): Scope {
    const child = descendant.chain()[ancestor.depth + 1];
    if (!child) throw new Error(`internal: ${descendant.component} is not inside ${ancestor.component}`);
    return child;
  }

  private location(task: string): { scope: Scope; dagName: string } {
    const loc = this.locations.get(task);
    if (!loc) throw new Error(`internal: task ${task} has not been placed yet`);
    return loc;
  }
}

/** The type every item gives `field`, when the items are known and agree; else undefined. */
function fieldType(items: readonly unknown[] | undefined, field: string): IrParameterType | undefined {
  if (!items || items.length === 0) return undefined;
  const values: unknown[] = [];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !(field in item)) return undefined;
    values.push((item as Record<string, unknown>)[field]);
  }
  const types = new Set(values.map(literalType));
  if (types.size === 2 && types.has('NUMBER_INTEGER') && types.has('NUMBER_DOUBLE')) return 'NUMBER_DOUBLE';
  return types.size === 1 ? [...types][0] : undefined;
}

function outputBinding(producerTask: string, key: string, def: IrValueDef): Binding {
  const spec =
    def.kind === 'parameter'
      ? { taskOutputParameter: { producerTask, outputParameterKey: key } }
      : { taskOutputArtifact: { producerTask, outputArtifactKey: key } };
  return { spec, def, dependsOn: producerTask };
}

function lowestCommon(a: Scope, b: Scope): Scope {
  const left = a.chain();
  const right = b.chain();
  let common = left[0] ?? a;
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    if (left[i] !== right[i]) break;
    common = left[i] ?? common;
  }
  return common;
}
