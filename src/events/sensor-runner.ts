// One sensor at work: offers each event to the sensor's state machine and, when the condition is
// met, fires every trigger — rate-limited, retried with backoff, dead-lettered when it finally
// fails. A trigger claims its dedup key in the store before it submits, and submits under the
// run id the claim holds, so the same events can never start a second run.
import type { Engines } from '../engines/registry.js';
import { newRunId } from '../util/ids.js';
import { StoreError } from '../errors.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import { resolveParams } from '../spec/params.js';
import type { DeadLetterStore } from '../store/ports/dead-letters.js';
import type { RunReader } from '../store/ports/runs.js';
import type { SensorStateStore } from '../store/ports/sensor-states.js';
import type { TriggerClaimStore } from '../store/ports/trigger-claims.js';
import type { IncomingEvent } from './model.js';
import { retryDelayMs, shouldRetry } from './sensors/backoff.js';
import { dedupKey, ttlMs } from './sensors/dedup.js';
import { resolveTriggerParams } from './sensors/params.js';
import { RateLimiter } from './sensors/rate-limit.js';
import type { SensorSpec, Trigger } from './sensors/schema.js';
import { SensorState, type DependencySeen, type Firing } from './sensors/state.js';
import { ConcurrencyGate, concurrencyPolicyOf } from './concurrency.js';
import { isTerminalRunStatus } from '../engines/model.js';
import { errorMessage } from '../util/error-message.js';

export interface TriggerOutcome {
  sensor: string;
  trigger: string;
  eventIds: string[];
  /** skipped: a cron tick under concurrencyPolicy Forbid while the trigger's previous run goes on. */
  outcome: 'started' | 'duplicate' | 'dead-letter' | 'skipped';
  runId?: string;
  attempts: number;
  error?: string;
}

/** A sensor's store roles: its saved state, trigger claims, dead letters, and runs to read (concurrency policies). */
export type SensorRunnerStore = SensorStateStore & TriggerClaimStore & DeadLetterStore & RunReader;

export interface SensorRunnerDeps {
  store: SensorRunnerStore;
  /** The engines registry: it routes each triggered run, then starts it on its lane's engine. */
  engine: Pick<Engines, 'submit' | 'cancel'>;
  catalog: WorkflowCatalog;
  publishDeadLetter?: (subject: string, letter: Record<string, unknown>) => Promise<void>;
  onTrigger?: (outcome: TriggerOutcome) => void;
  /** Waits (retry backoff, rate limits); tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface SensorDescription {
  name: string;
  dependencies: Record<string, DependencySeen | null>;
  satisfied: string[];
  fired: number;
  lastFire?: { at: string; runIds: string[] };
  errors: string[];
}

const MAX_ERRORS_KEPT = 20;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SensorRunner {
  private state: SensorState;
  private readonly limiters = new Map<string, RateLimiter>();
  /** tandem event ids of the events the state holds, by source and source id. */
  private readonly eventIds = new Map<string, string>();
  private fired = 0;
  private lastFire: { at: string; runIds: string[] } | undefined;
  private readonly errors: string[] = [];
  private readonly gate: ConcurrencyGate;

  constructor(
    readonly spec: SensorSpec,
    private readonly deps: SensorRunnerDeps,
    private readonly now: () => number,
  ) {
    this.state = new SensorState(spec);
    this.gate = new ConcurrencyGate({
      isRunning: async (runId) => {
        const run = await deps.store.getRun(runId);
        return run !== undefined && !isTerminalRunStatus(run.status);
      },
      cancel: (runId) => deps.engine.cancel(runId),
    });
    for (const trigger of spec.triggers) {
      if (trigger.rateLimit) this.limiters.set(trigger.name, new RateLimiter(trigger.rateLimit, now));
    }
  }

  /**
   * Takes back the state saved by an earlier process (events that satisfied some dependencies of
   * a multi-dependency sensor). A saved state that no longer reads is dropped and noted in errors.
   */
  async restore(): Promise<void> {
    if (!this.keepsState()) return;
    const saved = await this.deps.store.loadSensorState(this.spec.name);
    if (!saved) return;
    try {
      this.state = SensorState.fromJSON(this.spec, saved.snapshot);
      for (const [key, eventId] of Object.entries(saved.eventIds)) this.eventIds.set(key, eventId);
    } catch (error) {
      this.noteError(`saved state dropped: ${errorMessage(error)}`);
    }
  }

  /** Offers an event; returns the runs the sensor's triggers started (or had started) for it. */
  async offer(event: IncomingEvent, eventId: string): Promise<string[]> {
    const result = this.state.observe(event, new Date(this.now()));
    if (!result.matches.some((match) => match.ok)) return [];
    this.eventIds.set(eventKey(event), eventId);
    const runIds = result.firing ? await this.fire(result.firing) : [];
    // Saved before the pipeline lets the source acknowledge the event: an event held for a
    // later dependency survives a restart.
    if (this.keepsState()) await this.saveState();
    return runIds;
  }

  /** A sensor with one dependency fires on every match and holds nothing between events. */
  private keepsState(): boolean {
    return this.spec.dependencies.length > 1;
  }

  private async saveState(): Promise<void> {
    const held = new Set(Object.values(this.state.events()).map(eventKey));
    for (const key of this.eventIds.keys()) if (!held.has(key)) this.eventIds.delete(key);
    await this.deps.store.saveSensorState({
      sensor: this.spec.name,
      snapshot: this.state.toJSON(),
      eventIds: Object.fromEntries(this.eventIds),
      updatedAt: this.now(),
    });
  }

  describe(): SensorDescription {
    const seen = this.state.seen();
    const dependencies: Record<string, DependencySeen | null> = {};
    for (const dep of this.spec.dependencies) dependencies[dep.name] = seen[dep.name] ?? null;
    return {
      name: this.spec.name,
      dependencies,
      satisfied: this.state.satisfied(),
      fired: this.fired,
      ...(this.lastFire ? { lastFire: this.lastFire } : {}),
      errors: [...this.errors],
    };
  }

  /** Clears unconsumed events (the conditionsReset schedule). */
  async reset(): Promise<void> {
    this.state.reset(new Date(this.now()));
    if (this.keepsState()) await this.saveState();
  }

  private noteError(message: string): void {
    this.errors.push(`${new Date(this.now()).toISOString()} ${message}`);
    if (this.errors.length > MAX_ERRORS_KEPT) this.errors.shift();
  }

  private async fire(firing: Firing): Promise<string[]> {
    const events = Object.values(firing.events);
    const eventIds = events.map((event) => this.eventIds.get(eventKey(event)) ?? `${event.sourceName}/${event.id}`);
    for (const event of events) this.eventIds.delete(eventKey(event));
    this.fired += 1;
    const runIds: string[] = [];
    for (const trigger of this.spec.triggers) {
      const runId = await this.fireTrigger(trigger, firing.events, eventIds);
      if (runId) runIds.push(runId);
    }
    this.lastFire = { at: firing.at, runIds };
    return runIds;
  }

  private async fireTrigger(trigger: Trigger, events: Record<string, IncomingEvent>, eventIds: string[]): Promise<string | undefined> {
    // A schedule's concurrencyPolicy (as Argo's CronWorkflow has it) rides on its ticks.
    const policy = Object.values(events).map(concurrencyPolicyOf).find((p) => p !== undefined);
    if (!policy || policy === 'Allow') return this.fireTriggerNow(trigger, events, eventIds);
    const { decision, started } = await this.gate.admit(
      `${this.spec.name}/${trigger.name}`,
      policy,
      () => this.previousRun(trigger),
      () => this.fireTriggerNow(trigger, events, eventIds),
    );
    if (decision.action === 'skip') {
      this.deps.onTrigger?.({ sensor: this.spec.name, trigger: trigger.name, eventIds, outcome: 'skipped', runId: decision.previousRunId, attempts: 0 });
    }
    return started;
  }

  /** The newest unfinished run this trigger started, from the store (so it survives restarts). */
  private async previousRun(trigger: Trigger): Promise<string | undefined> {
    const runs = await this.deps.store.listRuns({ workflow: trigger.workflow, status: ['Pending', 'Running'], limit: 200 });
    return runs.find((run) => run.origin.detail?.sensor === this.spec.name && run.origin.detail?.trigger === trigger.name)?.id;
  }

  private async fireTriggerNow(trigger: Trigger, events: Record<string, IncomingEvent>, eventIds: string[]): Promise<string | undefined> {
    const sleep = this.deps.sleep ?? defaultSleep;
    const limiter = this.limiters.get(trigger.name);
    if (limiter) {
      while (!limiter.tryTake(this.now())) await sleep(Math.max(1, limiter.nextAvailable(this.now()) - this.now()));
    }
    for (let attempts = 1; ; attempts++) {
      try {
        const { runId, claimed } = await this.startRun(trigger, events, eventIds);
        this.deps.onTrigger?.({ sensor: this.spec.name, trigger: trigger.name, eventIds, outcome: claimed ? 'started' : 'duplicate', runId, attempts });
        return runId;
      } catch (error) {
        // The store failing is not the trigger's fault: the source redelivers the event later.
        if (error instanceof StoreError) throw error;
        const message = errorMessage(error);
        if (shouldRetry(trigger.retry, attempts)) {
          await sleep(retryDelayMs(trigger.retry!, attempts));
          continue;
        }
        await this.deadLetter(trigger, eventIds, message, attempts);
        return undefined;
      }
    }
  }

  private async startRun(trigger: Trigger, events: Record<string, IncomingEvent>, eventIds: string[]): Promise<{ runId: string; claimed: boolean }> {
    const entry = this.deps.catalog.get(trigger.workflow);
    if (!entry) throw new Error(`trigger ${trigger.name}: workflow "${trigger.workflow}" is not served`);
    const params = resolveParams(entry.spec, resolveTriggerParams(trigger, events));
    const key = dedupKey(trigger, events);
    const now = this.now();
    const claim = await this.deps.store.claimTrigger(
      { sensor: this.spec.name, trigger: trigger.name, key, runId: newRunId(trigger.workflow), expiresAt: now + ttlMs(trigger), eventIds },
      now,
    );
    await this.deps.engine.submit({
      spec: entry.spec,
      params,
      baseDir: entry.baseDir,
      ...(entry.sourceFile ? { sourceFile: entry.sourceFile } : {}),
      runId: claim.runId,
      origin: { kind: 'event', detail: { eventIds, sensor: this.spec.name, trigger: trigger.name, dedupKey: key } },
    });
    return claim;
  }

  private async deadLetter(trigger: Trigger, eventIds: string[], error: string, attempts: number): Promise<void> {
    const letter = { sensor: this.spec.name, trigger: trigger.name, eventIds, error, attempts, time: this.now() };
    this.noteError(`${trigger.name}: ${error}`);
    const id = await this.deps.store.recordDeadLetter(letter);
    const subject = trigger.deadLetter?.subject;
    if (subject && this.deps.publishDeadLetter) {
      // Publishing is best effort: the record in the store is the dead letter of record. A letter
      // that could not be published is noted where `tandem sensors` and /sensors show errors.
      await this.deps.publishDeadLetter(subject, { id, ...letter }).catch((failure: unknown) => this.noteError(`${trigger.name}: ${errorMessage(failure)}`));
    }
    this.deps.onTrigger?.({ sensor: this.spec.name, trigger: trigger.name, eventIds, outcome: 'dead-letter', attempts, error });
  }
}

function eventKey(event: IncomingEvent): string {
  return `${event.sourceName}\u0000${event.id}`;
}
