// One run on the embedded engine: an event-driven walk of the task graph. A task becomes ready
// the moment its last upstream settles; the dispatcher starts it when limits allow; each attempt
// is recorded before and after it runs. Resumed runs replay recorded attempts instead of rerunning
// what already succeeded.
import { attemptDir as attemptPath } from './layout.js';
import { durationMs } from '../../spec/duration.js';
import { buildGraph } from '../../spec/graph.js';
import { evaluateCondition } from '../../expr/cel.js';
import { renderValue } from '../../expr/template.js';
import type { WorkflowSpec } from '../../spec/schema.js';
import type { TaskRunRecord } from '../../store/ports/runs.js';
import type { OutputValue, RunEvent, RunStatus, TaskStatus } from '../model.js';
import { adoptAttempt } from './adopt.js';
import { runAttempt, type AttemptOutcome, type AttemptPlan } from './attempt.js';
import { buildContext as contextOf, type ContextParts, type UpstreamView } from './context.js';
import { Gate } from './dispatcher.js';
import type { EngineServices } from './services.js';
import { forEachItems } from './foreach.js';
import { replayOf, type PriorState } from './resume.js';
import { retryDelayMs, shouldRetry, type FailedStatus } from './retry.js';
import { recordInputs, recordMetrics, recordOutputs } from './records.js';
import { lockFor, TaskNode, TaskUnit, type Group } from './task-state.js';
import { RunCache } from './cache/run-cache.js';
import type { LockRequest } from './sync-locks.js';
import { errorMessage } from '../../util/error-message.js';
import { MAX_TIMER_DELAY_MS } from '../../util/timers.js';

const FAILED: ReadonlySet<TaskStatus | undefined> = new Set(['Failed', 'Error', 'Interrupted', 'Omitted', 'Cancelled']);

export interface ExecutionInit {
  runId: string;
  spec: WorkflowSpec;
  params: Record<string, unknown>;
  baseDir: string;
  /** Attempts and outputs recorded before a resume. */
  prior?: PriorState;
  /** A cancel was requested before the run was (re)started: tasks that have not run will not. */
  cancelled?: boolean;
  /** False (--no-cache): cached results are not reused; successful results are still cached. */
  reuseCache?: boolean;
}

export class RunExecution {
  readonly runId: string;
  readonly history: RunEvent[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly nodes = new Map<string, TaskNode>();
  private readonly queued = new Set<TaskUnit>();
  private readonly running = new Set<TaskUnit>();
  private readonly runGate: Gate;
  private readonly cancelController = new AbortController();
  /** Finally tasks run after a cancel, so they answer only to the engine shutting down. */
  private readonly finallyController = new AbortController();
  private readonly cache: RunCache;
  private mainLeft = 0;
  private finallyLeft = 0;
  private mainFailed = false;
  private finallyFailed = false;
  private cancelled = false;
  private finished = false;
  private firstFailure: string | undefined;
  private readonly done: Promise<RunStatus>;
  private resolveDone!: (status: RunStatus) => void;

  constructor(
    private readonly init: ExecutionInit,
    private readonly services: EngineServices,
  ) {
    this.runId = init.runId;
    this.runGate = new Gate(init.spec.parallelism ?? Number.POSITIVE_INFINITY);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.addGroup(init.spec.tasks, 'main');
    this.addGroup(init.spec.finally ?? [], 'finally');
    this.mainLeft = init.spec.tasks.length;
    this.cancelled = init.cancelled ?? false;
    // A cancel requested before a resume also stops the main-group attempts the resume adopts.
    if (this.cancelled) this.cancelController.abort();
    this.finallyLeft = init.spec.finally?.length ?? 0;
    const { runId, spec, baseDir } = init;
    this.cache = new RunCache(services.cache, { runId, spec, baseDir, reuse: init.reuseCache !== false, writer: services.writer });
  }

  /** Resolves with the final status once the run has finished and its records are committed. */
  finishedStatus(): Promise<RunStatus> {
    return this.done;
  }

  /** Resolves when no attempt of this run is running (for a draining shutdown). */
  async runningSettled(): Promise<void> {
    while (this.running.size > 0 && !this.finished) {
      await new Promise<void>((resolve) => {
        const unsubscribe = this.subscribe(() => {
          unsubscribe();
          resolve();
        });
      });
    }
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    // No directory is made here: the first attempt that needs one creates it (most runs of a
    // busy control plane would otherwise pay a mkdir for nothing).
    this.writeRun('Running');
    this.readyRoots('main');
  }

  /** Stops what runs (the runner signals the process group), withdraws what waits, then runs finally tasks. */
  cancel(): void {
    if (this.cancelled || this.finished) return;
    this.cancelled = true;
    this.cancelController.abort();
    for (const unit of [...this.queued]) this.withdraw(unit, 'Cancelled', 'cancelled before it started');
    for (const node of this.nodes.values()) {
      for (const unit of node.units) {
        if (unit.phase === 'backoff' && node.group === 'main') {
          clearTimeout(unit.retryTimer);
          this.settleUnit(unit, 'Cancelled', 'cancelled while waiting to retry');
        }
      }
    }
  }

  private addGroup(tasks: WorkflowSpec['tasks'], group: Group): void {
    const graph = buildGraph(tasks);
    for (const task of tasks) {
      const node = new TaskNode(task, group, graph.upstreams.get(task.name) ?? [], graph.downstreams.get(task.name) ?? []);
      this.nodes.set(task.name, node);
    }
  }

  // ---- readiness -------------------------------------------------------------------------

  private nodeReady(node: TaskNode): void {
    node.readied = true;
    if (node.group === 'main' && this.cancelled) return this.settleNode(node, 'Cancelled', 'run cancelled before it started');
    for (const upstream of node.upstreams) {
      const up = this.nodes.get(upstream)!;
      if (FAILED.has(up.status)) return this.settleNode(node, 'Omitted', `upstream ${upstream} ${up.status?.toLowerCase()}`);
    }
    if (node.group === 'main' && this.mainFailed && this.init.spec.failFast !== false) {
      return this.settleNode(node, 'Omitted', `not started: ${this.firstFailure ?? 'an earlier task failed'}`);
    }
    for (const name of node.readsOutputsOf) {
      if (this.nodes.get(name)?.status === 'Skipped') return this.settleNode(node, 'Skipped', `needs outputs of skipped task ${name}`);
    }
    const parts = this.contextParts(node, node.name, 0);
    try {
      if (node.spec.when !== undefined && !node.whenPerItem && !evaluateCondition(node.spec.when, contextOf(parts))) {
        return this.settleNode(node, 'Skipped', `when: ${node.spec.when} was false`);
      }
      if (node.spec.forEach === undefined) {
        this.addUnits(node, [new TaskUnit(node.name, node, [this.runGate], this.lockOf(node, node.name))]);
        return;
      }
      const items = forEachItems(node.name, node.spec.forEach, contextOf(parts));
      node.gate = new Gate(node.spec.parallelism ?? Number.POSITIVE_INFINITY);
      const gates = [this.runGate, node.gate];
      this.writeTaskRun({ runId: this.runId, task: node.name, attempt: 0, status: 'Running', message: `${items.length} items` }, items.length);
      this.addUnits(
        node,
        items.map((item, index) => {
          const key = `${node.name}[${index}]`;
          return new TaskUnit(key, node, gates, this.lockOf(node, key), index, item);
        }),
      );
    } catch (error) {
      if (error instanceof Error) this.settleNode(node, 'Failed', error.message);
    }
  }

  /** Readies a group's tasks that wait on nothing. Settling one may ready others as we go. */
  private readyRoots(group: Group): void {
    for (const node of this.nodes.values()) {
      if (node.group === group && node.waitingOn === 0 && !node.readied) this.nodeReady(node);
    }
  }

  /** The mutex or semaphore a unit asks for, held in the store under RUN/KEY. */
  private lockOf(node: TaskNode, key: string): LockRequest | undefined {
    return lockFor(node.spec, `${this.runId}/${key}`);
  }

  private addUnits(node: TaskNode, units: TaskUnit[]): void {
    node.units = units;
    node.unitsLeft = units.length;
    if (units.length === 0) return this.settleNode(node, 'Succeeded', 'no items');
    for (const unit of units) {
      unit.prior = this.init.prior?.taskRuns.filter((r) => r.task === unit.key && r.attempt > 0) ?? [];
      unit.onStart = () => this.startAttempt(unit);
      this.unitReady(unit);
    }
  }

  private unitReady(unit: TaskUnit): void {
    const replay = replayOf(unit.prior, this.init.prior?.notStarted);
    unit.prior = [];
    switch (replay.kind) {
      case 'settled':
        unit.attempt = replay.attempt;
        unit.outputs = this.init.prior?.outputs.get(unit.key) ?? {};
        return this.settleUnit(unit, replay.status, replay.message, false);
      case 'reattach':
        // The attempt's child run is a run of its own that went on (or is resumed) without us:
        // continue the same attempt, which finds that child instead of starting a second one.
        // A process task's attempt is adopted the same way: its helper outlived the engine.
        unit.reattach = replay.record;
        return this.enqueue(unit);
      case 'restart':
        // The attempt never had a process: nothing ran, so the task starts as if fresh.
        unit.attempt = replay.attempt;
        break;
      case 'failed':
        unit.attempt = replay.attempt;
        return this.afterFailure(unit, replay.status, replay.message);
      case 'fresh':
        break;
    }
    if (unit.node.whenPerItem && unit.node.spec.when !== undefined) {
      try {
        const parts = this.contextParts(unit.node, unit.key, unit.attempt, unit);
        if (!evaluateCondition(unit.node.spec.when, contextOf(parts))) {
          return this.settleUnit(unit, 'Skipped', `when: ${unit.node.spec.when} was false`);
        }
      } catch (error) {
        return this.settleUnit(unit, 'Failed', errorMessage(error));
      }
    }
    this.enqueueUnlessCached(unit);
  }

  /** A cacheable task is looked up first: a verified hit settles it Cached, a miss queues it. */
  private enqueueUnlessCached(unit: TaskUnit): void {
    const policy = this.cache.policy(unit.node.spec, unit.node.group);
    if (policy === undefined) return this.enqueue(unit);
    this.cache
      .lookup(unit.key, unit.node.spec, policy, this.contextParts(unit.node, unit.key, 0, unit))
      .then((hit) => {
        if (unit.phase === 'done') return;
        if (this.cancelled && unit.node.group === 'main') return this.settleUnit(unit, 'Cancelled', 'run cancelled before it started');
        if (hit === undefined) {
          const failFast = this.mainFailed && this.init.spec.failFast !== false && !unit.node.units.some((u) => FAILED.has(u.status));
          return failFast ? this.settleUnit(unit, 'Omitted', `not started: ${this.firstFailure ?? 'an earlier task failed'}`) : this.enqueue(unit);
        }
        unit.outputs = hit.outputs;
        recordOutputs(this.services.writer, this.runId, unit.key, hit.outputs, this.services.artifacts);
        recordMetrics(this.services.writer, this.runId, unit.key, hit.metrics);
        recordInputs(this.services.writer, this.runId, unit.key, unit.attempt, unit.node.spec, this.contextParts(unit.node, unit.key, 0, unit));
        this.settleUnit(unit, 'Cached', hit.message);
      })
      .catch((error: unknown) => this.services.onError(error));
  }

  private enqueue(unit: TaskUnit): void {
    unit.phase = 'queued';
    this.queued.add(unit);
    this.services.dispatcher.submit(unit);
  }

  // ---- attempts --------------------------------------------------------------------------

  private startAttempt(unit: TaskUnit): void {
    this.queued.delete(unit);
    this.running.add(unit);
    unit.phase = 'running';
    const reattach = unit.reattach;
    unit.reattach = undefined;
    unit.attempt = reattach?.attempt ?? unit.attempt + 1;
    unit.startedAt = reattach?.startedAt ?? Date.now();
    unit.pid = reattach?.pid;
    const attemptDir = attemptPath(this.services.runsDir, this.runId, unit.key, unit.attempt);
    const base = { runId: this.runId, task: unit.key, attempt: unit.attempt, startedAt: unit.startedAt, logDir: attemptDir };
    this.writeTaskRun({ ...base, status: 'Running', ...(unit.pid !== undefined ? { pid: unit.pid } : {}) });
    const timeout = unit.node.spec.timeout ?? this.init.spec.defaults?.timeout;
    const plan: AttemptPlan = {
      runId: this.runId,
      key: unit.key,
      attempt: unit.attempt,
      spec: unit.node.spec,
      parts: this.contextParts(unit.node, unit.key, unit.attempt, unit),
      baseDir: this.init.baseDir,
      attemptDir,
      timeoutMs: timeout !== undefined ? durationMs(timeout) : undefined,
      cancelSignal: unit.node.group === 'main' ? this.cancelController.signal : this.finallyController.signal,
      onStarted: (pid) => {
        unit.pid = pid;
        if (unit.phase === 'running') this.services.writer.push({ kind: 'taskRun', record: { ...base, status: 'Running', pid } });
      },
    };
    const adopted = reattach !== undefined && unit.node.spec.workflow === undefined;
    (adopted
      ? adoptAttempt(plan, unit.startedAt, this.services.artifacts, { killGraceMs: this.services.killGraceMs })
      : runAttempt(plan, this.services.runners, this.services.artifacts)
    )
      .catch((error: unknown): AttemptOutcome => ({ status: 'Error', message: errorMessage(error) }))
      .then((outcome) => this.attemptEnded(unit, base, outcome))
      .catch((error: unknown) => this.services.onError(error));
  }

  private attemptEnded(unit: TaskUnit, base: Omit<TaskRunRecord, 'status'>, outcome: AttemptOutcome): void {
    this.running.delete(unit);
    // Settle first, release the slot after: a failure must withdraw waiting tasks before the
    // freed slot could start one of them.
    try {
      this.recordOutcome(unit, base, outcome);
    } finally {
      this.services.dispatcher.release(unit);
    }
  }

  private recordOutcome(unit: TaskUnit, base: Omit<TaskRunRecord, 'status'>, outcome: AttemptOutcome): void {
    const record: TaskRunRecord = {
      ...base,
      status: outcome.status,
      finishedAt: Date.now(),
      ...(unit.pid !== undefined ? { pid: unit.pid } : {}),
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...('signal' in outcome && outcome.signal ? { signal: outcome.signal } : {}),
      ...('message' in outcome ? { message: outcome.message } : {}),
    };
    if (outcome.status === 'Succeeded') {
      unit.outputs = outcome.outputs;
      recordOutputs(this.services.writer, this.runId, unit.key, outcome.outputs, this.services.artifacts);
      recordMetrics(this.services.writer, this.runId, unit.key, outcome.metrics);
      recordInputs(this.services.writer, this.runId, unit.key, unit.attempt, unit.node.spec, this.contextParts(unit.node, unit.key, unit.attempt, unit));
      const cacheNote = this.cache.remember(unit.key, outcome.outputs, outcome.metrics);
      if (cacheNote !== undefined && record.message === undefined) record.message = cacheNote;
      this.writeTaskRun(record);
      return this.settleUnit(unit, 'Succeeded', undefined, false);
    }
    this.writeTaskRun(record);
    if (outcome.status === 'Cancelled') return this.settleUnit(unit, 'Cancelled', outcome.message, false);
    this.afterFailure(unit, outcome.status, outcome.message);
  }

  private afterFailure(unit: TaskUnit, status: FailedStatus, message: string): void {
    const retry = unit.node.spec.retry ?? this.init.spec.defaults?.retry;
    const stopping = this.cancelled && unit.node.group === 'main';
    // A finally task runs once per run whatever happens: one cut short by a crash of its engine
    // and helper runs again whatever its retry policy says.
    const rerunFinally = status === 'Interrupted' && unit.node.group === 'finally';
    if (!rerunFinally && (stopping || !shouldRetry(retry, status, unit.attempt))) return this.settleUnit(unit, status, message, false);
    unit.phase = 'backoff';
    // A backoff grown past what setTimeout holds (about 24.8 days) would fire at once: capped there.
    const delay = Math.min(retryDelayMs(retry, unit.attempt), MAX_TIMER_DELAY_MS);
    unit.retryTimer = setTimeout(() => {
      unit.retryTimer = undefined;
      if (unit.phase === 'backoff') this.enqueue(unit);
    }, delay);
  }

  // ---- settling --------------------------------------------------------------------------

  /** A unit is final. `write` is false when its last attempt's row already says so. */
  private settleUnit(unit: TaskUnit, status: TaskStatus, message: string | undefined, write = true): void {
    if (unit.phase === 'done') return;
    unit.phase = 'done';
    unit.status = status;
    unit.message = message;
    if (write) this.writeTaskRun({ runId: this.runId, task: unit.key, attempt: 0, status, ...(message ? { message } : {}) });
    if (FAILED.has(status)) this.noteFailure(unit.node, `${unit.key} ${status.toLowerCase()}${message ? `: ${message}` : ''}`);
    const node = unit.node;
    node.unitsLeft -= 1;
    if (node.unitsLeft > 0) return;
    if (node.spec.forEach === undefined) {
      this.collectNodeOutputs(node);
      return this.settleNode(node, status, message, false);
    }
    const statuses = node.units.map((u) => u.status);
    const aggregate: TaskStatus = statuses.includes('Failed')
      ? 'Failed'
      : statuses.includes('Error') || statuses.includes('Interrupted')
        ? 'Error'
        : statuses.includes('Cancelled')
          ? 'Cancelled'
          : statuses.includes('Omitted')
            ? 'Omitted'
            : statuses.every((s) => s === 'Skipped')
              ? 'Skipped'
              : statuses.every((s) => s === 'Cached')
                ? 'Cached'
                : 'Succeeded';
    this.collectNodeOutputs(node);
    const summary = `${statuses.filter((s) => s === 'Succeeded' || s === 'Cached').length}/${statuses.length} items succeeded`;
    this.settleNode(node, aggregate, summary);
  }

  private collectNodeOutputs(node: TaskNode): void {
    node.gatherOutputs((digest) => this.services.artifacts.blobPath(digest));
    const names = Object.keys(node.spec.outputs ?? {});
    if (node.spec.forEach !== undefined && names.length > 0 && node.units.length > 0) {
      // A forEach task's outputs are lists; they are recorded under the task's own name as well.
      const aggregated: Record<string, OutputValue> = {};
      for (const name of names) aggregated[name] = { kind: 'param', value: node.outputs[name] };
      recordOutputs(this.services.writer, this.runId, node.name, aggregated, this.services.artifacts);
    }
  }

  private settleNode(node: TaskNode, status: TaskStatus, message: string | undefined, write = true): void {
    if (node.settled) return;
    node.settled = true;
    node.status = status;
    node.message = message;
    if (write) this.writeTaskRun({ runId: this.runId, task: node.name, attempt: 0, status, ...(message ? { message } : {}) });
    if (FAILED.has(status) && status !== 'Omitted') this.noteFailure(node, `${node.name} ${status.toLowerCase()}${message ? `: ${message}` : ''}`);
    for (const name of node.downstreams) {
      const downstream = this.nodes.get(name)!;
      downstream.waitingOn -= 1;
      if (downstream.waitingOn === 0 && !downstream.readied) this.nodeReady(downstream);
    }
    if (node.group === 'main') {
      this.mainLeft -= 1;
      if (this.mainLeft === 0) this.startFinally();
    } else {
      if (FAILED.has(status)) this.finallyFailed = true;
      this.finallyLeft -= 1;
      if (this.finallyLeft === 0) void this.finish();
    }
  }

  private noteFailure(node: TaskNode, description: string): void {
    if (node.group !== 'main' || this.cancelled) return;
    if (!this.mainFailed) this.firstFailure = description;
    this.mainFailed = true;
    if (this.init.spec.failFast === false) return;
    // Fail fast, as Argo does: tasks of other nodes that have not started yet will not.
    for (const unit of [...this.queued]) {
      if (unit.node !== node && unit.attempt === 0) this.withdraw(unit, 'Omitted', `not started: ${description}`);
    }
  }

  private withdraw(unit: TaskUnit, status: TaskStatus, message: string): void {
    this.queued.delete(unit);
    unit.withdrawn = true;
    this.settleUnit(unit, status, message);
  }

  private startFinally(): void {
    if (this.finallyLeft === 0) return void this.finish();
    this.readyRoots('finally');
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    let status: RunStatus = this.cancelled ? 'Cancelled' : this.mainFailed || this.finallyFailed ? 'Failed' : 'Succeeded';
    let message = this.cancelled ? 'cancelled' : this.firstFailure;
    let outputs: Record<string, unknown> | undefined;
    if (status === 'Succeeded' && this.init.spec.outputs) {
      try {
        outputs = this.workflowOutputs();
      } catch (error) {
        status = 'Failed';
        message = `workflow outputs: ${errorMessage(error)}`;
      }
    }
    if (!message && this.finallyFailed) message = 'a finally task failed';
    this.writeRun(status, message, outputs);
    try {
      await Promise.all([this.services.writer.flushed(), this.services.cache.settled()]);
    } catch (error) {
      this.services.onError(error);
    } finally {
      this.resolveDone(status);
    }
  }

  private workflowOutputs(): Record<string, unknown> {
    const tasks: Record<string, UpstreamView> = {};
    for (const node of this.nodes.values()) tasks[node.name] = this.viewOf(node);
    const context = contextOf({ params: this.init.params, run: this.runView(), tasks, task: { name: '', attempt: 0 } });
    const outputs: Record<string, unknown> = {};
    for (const [name, template] of Object.entries(this.init.spec.outputs ?? {})) outputs[name] = renderValue(template, context);
    return outputs;
  }

  // ---- context and records ---------------------------------------------------------------

  private contextParts(node: TaskNode, key: string, attempt: number, unit?: TaskUnit): ContextParts {
    const tasks: Record<string, UpstreamView> = {};
    for (const name of node.referencedTasks) {
      const upstream = this.nodes.get(name);
      if (upstream) tasks[name] = this.viewOf(upstream);
    }
    const parts: ContextParts = {
      params: this.init.params,
      run: this.runView(node.group),
      tasks,
      task: { name: key, attempt, ...(unit?.index !== undefined ? { index: unit.index } : {}) },
    };
    if (unit?.index !== undefined) parts.item = unit.item;
    return parts;
  }

  private viewOf(node: TaskNode): UpstreamView {
    return { status: node.status ?? 'Pending', outputs: node.outputs, artifacts: node.artifacts };
  }

  private runView(group?: Group): Record<string, unknown> {
    const view: Record<string, unknown> = { id: this.runId, name: this.init.spec.name };
    if (group === 'finally') {
      view.status = this.cancelled ? 'Cancelled' : this.mainFailed ? 'Failed' : 'Succeeded';
      view.failures = [...this.nodes.values()]
        .filter((n) => n.group === 'main' && FAILED.has(n.status))
        .map((n) => ({ task: n.name, status: n.status, message: n.message ?? '' }));
    }
    return view;
  }

  private writeTaskRun(record: TaskRunRecord, items?: number): void {
    this.services.writer.push({ kind: 'taskRun', record });
    const time = record.finishedAt ?? record.startedAt ?? Date.now();
    const event = { runId: this.runId, time, task: record.task, attempt: record.attempt, status: record.status };
    this.services.writer.push({ kind: 'event', ...event, ...(record.message ? { message: record.message } : {}) });
    this.emit({ type: 'task', ...event, ...(record.message ? { message: record.message } : {}), ...(items !== undefined ? { items } : {}) });
  }

  private writeRun(status: RunStatus, message?: string, outputs?: Record<string, unknown>): void {
    const time = Date.now();
    this.services.writer.push({ kind: 'run', runId: this.runId, status, time, ...(message ? { message } : {}), ...(outputs ? { outputs } : {}) });
    this.services.writer.push({ kind: 'event', runId: this.runId, time, status, ...(message ? { message } : {}) });
    this.emit({ type: 'run', runId: this.runId, time, status, ...(message ? { message } : {}) });
  }

  private emit(event: RunEvent): void {
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}

