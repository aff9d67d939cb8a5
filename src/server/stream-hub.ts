// The source of the live stream (/api/v1/stream): an in-process pub/sub fed by polling the store,
// so it sees every run and event in the data directory — those this server starts, and those a
// `tandem run` in another process starts — without a hook in the engine or the pipeline.
//
// While anyone listens, every pollMs (default 500 ms) the hub reads the newest runs and events
// (one query each, windowSize rows) and publishes:
//   - a `run` message when a run's status differs from the last poll (a run first seen counts);
//     statuses a run passed through between two polls are not reported, only where it is now;
//   - an `event` message once per event, when it has been dispatched (or failed), with the ids of
//     the runs it started.
// Runs still in flight that fall out of the window are looked up one by one until they end. The
// first poll only records what exists: subscribers hear of changes after they subscribed. More than
// windowSize events arriving within one poll interval are not all reported; the store keeps them
// (GET /api/v1/events). The stream is a live view, not a log to resume from.
import { eventSummary } from '../events/summary.js';
import { isTerminalRunStatus, type RunStatus } from '../engines/model.js';
import type { EventStore } from '../store/ports/events.js';
import type { RunReader, RunRecord } from '../store/ports/runs.js';
import type { TriggerClaimStore } from '../store/ports/trigger-claims.js';
import type { NamespaceRules } from './namespace-rules.js';

export interface RunChange {
  id: string;
  workflow: string;
  namespace: string;
  status: RunStatus;
  /** The status at the previous poll; absent for a run first seen. */
  previous?: RunStatus;
  message?: string;
  origin: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
}

/** An event once dispatched (never one still `received`: its runs are not known yet). */
export type EventArrival = ReturnType<typeof eventSummary> & {
  /** Set for an event that belongs to namespaces (src/server/namespace-rules.ts); absent: any token sees it. */
  namespaces?: string[];
  /** The runs the event started, each with its namespace (undefined when the run was never created). */
  runs: Array<{ id: string; namespace: string | undefined }>;
};

export type StreamMessage = { kind: 'run'; run: RunChange } | { kind: 'event'; event: EventArrival };

export interface StreamHubOptions {
  pollMs?: number;
  windowSize?: number;
  onError?: (error: unknown) => void;
}

interface KnownRun {
  status: RunStatus;
  namespace: string;
}

export class StreamHub {
  private readonly subscribers = new Set<(message: StreamMessage) => void>();
  private readonly runs = new Map<string, KnownRun>();
  private readonly eventsSent = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;
  /** Bumped by stop(): a poll or timer of an earlier generation publishes and reschedules nothing. */
  private generation = 0;
  private readonly pollMs: number;
  private readonly windowSize: number;

  constructor(
    // Polled for the newest runs and events, and the runs each event led to.
    private readonly store: RunReader & EventStore & TriggerClaimStore,
    private readonly rules: NamespaceRules,
    private readonly options: StreamHubOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.windowSize = options.windowSize ?? 200;
  }

  get listeners(): number {
    return this.subscribers.size;
  }

  /** Adds a listener; resolves once the hub knows the current state, so later changes reach it. Returns the unsubscribe function. */
  async subscribe(listener: (message: StreamMessage) => void): Promise<() => void> {
    if (this.closed) throw new Error('the stream hub is closed');
    if (!this.starting) {
      const generation = this.generation;
      const starting = this.poll(true, generation).then(() => this.schedule(generation));
      this.starting = starting;
      starting.catch(() => {
        if (this.starting === starting) this.starting = undefined;
      });
    }
    await this.starting;
    this.subscribers.add(listener);
    return () => {
      this.subscribers.delete(listener);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /** Stops polling and forgets every listener; later subscribes fail. */
  close(): void {
    this.closed = true;
    this.subscribers.clear();
    this.stop();
  }

  private stop(): void {
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.starting = undefined;
    this.runs.clear();
    this.eventsSent.clear();
  }

  private schedule(generation: number): void {
    if (this.closed || generation !== this.generation) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll(false, generation)
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.schedule(generation));
    }, this.pollMs);
    this.timer.unref();
  }

  private async poll(seed: boolean, generation: number): Promise<void> {
    const out: StreamMessage[] = [];
    const runChanges = await this.pollRuns();
    const events = await this.pollEvents();
    if (seed || generation !== this.generation) return;
    out.push(...events.map((event): StreamMessage => ({ kind: 'event', event })));
    out.push(...runChanges.map((run): StreamMessage => ({ kind: 'run', run })));
    for (const message of out) {
      for (const listener of this.subscribers) {
        try {
          listener(message);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    }
  }

  private async pollRuns(): Promise<RunChange[]> {
    const changes: RunChange[] = [];
    const window = await this.store.listRuns({ limit: this.windowSize });
    const inWindow = new Set<string>();
    for (const run of [...window].reverse()) {
      inWindow.add(run.id);
      const change = this.observe(run);
      if (change) changes.push(change);
    }
    for (const [id, known] of [...this.runs]) {
      if (inWindow.has(id)) continue;
      if (isTerminalRunStatus(known.status)) {
        this.runs.delete(id);
        continue;
      }
      const run = await this.store.getRun(id);
      if (!run) {
        this.runs.delete(id);
        continue;
      }
      const change = this.observe(run);
      if (change) changes.push(change);
    }
    return changes;
  }

  private observe(run: RunRecord): RunChange | undefined {
    const known = this.runs.get(run.id);
    if (known?.status === run.status) return undefined;
    const namespace = known?.namespace ?? this.rules.ofWorkflow(run.workflow);
    this.runs.set(run.id, { status: run.status, namespace });
    return {
      id: run.id,
      workflow: run.workflow,
      namespace,
      status: run.status,
      ...(known ? { previous: known.status } : {}),
      ...(run.message !== undefined ? { message: run.message } : {}),
      origin: run.origin.kind,
      createdAt: run.createdAt,
      ...(run.startedAt !== undefined ? { startedAt: run.startedAt } : {}),
      ...(run.finishedAt !== undefined ? { finishedAt: run.finishedAt } : {}),
    };
  }

  private async pollEvents(): Promise<EventArrival[]> {
    const arrivals: EventArrival[] = [];
    const window = await this.store.listEvents({ limit: this.windowSize });
    const inWindow = new Set<string>();
    for (const event of [...window].reverse()) {
      inWindow.add(event.eventId);
      // Not dispatched yet: its runs are not known; it is reported at a later poll.
      if (this.eventsSent.has(event.eventId) || event.status === 'received') continue;
      this.eventsSent.add(event.eventId);
      const runs: EventArrival['runs'] = [];
      for (const id of await this.store.listRunsForEvent(event.eventId)) runs.push({ id, namespace: await this.namespaceOfRun(id) });
      const namespaces = this.rules.ofEvent(event);
      arrivals.push({ ...(namespaces !== undefined ? { namespaces } : {}), ...eventSummary(event), runs });
    }
    for (const id of this.eventsSent) if (!inWindow.has(id)) this.eventsSent.delete(id);
    return arrivals;
  }

  private async namespaceOfRun(id: string): Promise<string | undefined> {
    const known = this.runs.get(id);
    if (known) return known.namespace;
    const run = await this.store.getRun(id);
    return run ? this.rules.ofWorkflow(run.workflow) : undefined;
  }
}
