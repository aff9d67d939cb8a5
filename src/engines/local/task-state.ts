// The in-memory state of a run's tasks: a TaskNode per task of the spec, and a TaskUnit per
// executable piece of it (one, or one per forEach item). Units are what the dispatcher schedules.
import { taskReferences } from '../../spec/graph.js';
import type { TaskSpec } from '../../spec/schema.js';
import type { ArtifactRef, OutputValue, TaskStatus } from '../model.js';
import type { TaskRunRecord } from '../../store/ports/runs.js';
import type { Gate, Schedulable } from './dispatcher.js';
import type { LockRequest } from './sync-locks.js';
import { isArtifactOutput } from './outputs.js';

export type Group = 'main' | 'finally';

export class TaskNode {
  /** Upstream tasks not yet settled; the node is ready when this reaches 0. */
  waitingOn: number;
  readied = false;
  settled = false;
  status: TaskStatus | undefined;
  message: string | undefined;
  units: TaskUnit[] = [];
  unitsLeft = 0;
  /** Context values of its outputs (lists, for a forEach task). */
  outputs: Record<string, unknown> = {};
  artifacts: Record<string, ArtifactRef | ArtifactRef[]> = {};
  /** Tasks this task's templates and condition mention, and those whose outputs it reads. */
  readonly referencedTasks: string[];
  readonly readsOutputsOf: ReadonlySet<string>;
  readonly whenPerItem: boolean;
  readonly artifactOutputs: ReadonlySet<string>;
  /** Limits how many iterations of a forEach run at once. */
  gate: Gate | undefined;

  constructor(
    readonly spec: TaskSpec,
    readonly group: Group,
    readonly upstreams: readonly string[],
    readonly downstreams: readonly string[],
  ) {
    this.waitingOn = upstreams.length;
    const referenced = new Set<string>();
    const readsOutputs = new Set<string>();
    let itemInWhen = false;
    for (const ref of taskReferences(spec)) {
      const name = ref.path[0];
      if (ref.root === 'tasks' && name !== undefined) {
        referenced.add(name);
        if (ref.path[1] === 'outputs') readsOutputs.add(name);
      }
      if (ref.root === 'item' && spec.when !== undefined && ref.expression === spec.when) itemInWhen = true;
    }
    this.referencedTasks = [...referenced];
    this.readsOutputsOf = readsOutputs;
    this.whenPerItem = itemInWhen;
    this.artifactOutputs = new Set(
      Object.entries(spec.outputs ?? {})
        .filter(([, decl]) => isArtifactOutput(decl))
        .map(([name]) => name),
    );
  }

  get name(): string {
    return this.spec.name;
  }

  /**
   * Sets the context values of its outputs from its units' results: a value (an artifact as the
   * path of its blob) for a plain task, a list in item order for a forEach task; artifacts kept
   * aside as references.
   */
  gatherOutputs(blobPath: (digest: string) => string): void {
    const single = this.spec.forEach === undefined;
    const contextValue = (value: OutputValue | undefined): unknown =>
      value === undefined ? null : value.kind === 'param' ? value.value : blobPath(value.artifact.digest);
    for (const name of Object.keys(this.spec.outputs ?? {})) {
      const values = this.units.map((unit) => unit.outputs[name]);
      if (single) {
        const value = values[0];
        this.outputs[name] = contextValue(value);
        if (value?.kind === 'artifact') this.artifacts[name] = value.artifact;
      } else {
        this.outputs[name] = values.map(contextValue);
        if (this.artifactOutputs.has(name)) this.artifacts[name] = values.flatMap((value) => (value?.kind === 'artifact' ? [value.artifact] : []));
      }
    }
  }
}

export type UnitPhase = 'idle' | 'queued' | 'running' | 'backoff' | 'done';

export class TaskUnit implements Schedulable {
  attempt = 0;
  phase: UnitPhase = 'idle';
  status: TaskStatus | undefined;
  message: string | undefined;
  outputs: Record<string, OutputValue> = {};
  withdrawn = false;
  abort: AbortController | undefined;
  retryTimer: NodeJS.Timeout | undefined;
  /** Attempts recorded before a resume, oldest first. */
  prior: TaskRunRecord[] = [];
  /** Set when a resumed `workflow` task's attempt was running: the next start continues it. */
  reattach: TaskRunRecord | undefined;
  /** Start time and pid of the attempt in progress, repeated in each write of its row. */
  startedAt: number | undefined;
  pid: number | undefined;
  onStart: () => void = () => undefined;

  constructor(
    readonly key: string,
    readonly node: TaskNode,
    readonly gates: readonly Gate[],
    readonly lock: LockRequest | undefined,
    readonly index?: number,
    readonly item?: unknown,
  ) {}

  readonly hasItem = (): boolean => this.index !== undefined;

  get takesSlot(): boolean {
    return this.node.spec.workflow === undefined;
  }

  start(): void {
    this.onStart();
  }
}

/** The lock a task's synchronization asks for, if any; `holder` names the task (RUN/TASK). */
export function lockFor(spec: TaskSpec, holder: string): LockRequest | undefined {
  const sync = spec.synchronization;
  if (!sync) return undefined;
  if ('mutex' in sync) return { name: `mutex/${sync.mutex}`, limit: 1, holder };
  return { name: `semaphore/${sync.semaphore.name}`, limit: sync.semaphore.limit, holder };
}
