// The event pipeline: every source hands its events here. An event is persisted first (a
// duplicate of one already seen is recognised by its source id), then offered to every sensor;
// a sensor whose condition is met fires its triggers. A trigger claims its dedup key in the store
// (the commit point of exactly-once) and submits the run under the id the claim holds, so a
// redelivered event, a restart or a retry finds the same run instead of starting another.
import type { Engines } from '../engines/registry.js';
import { newEventId } from '../util/ids.js';
import { NotFoundError } from '../errors.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import type { EventStore } from '../store/ports/events.js';
import type { TriggerClaimStore } from '../store/ports/trigger-claims.js';
import type { IncomingEvent } from './model.js';
import type { DispatchResult, EventSink } from './source.js';
import { SensorRunner, type SensorDescription, type SensorRunnerStore, type TriggerOutcome } from './sensor-runner.js';
import { nextReset } from './sensors/reset.js';
import type { SensorSpec } from './sensors/schema.js';
import { errorMessage } from '../util/error-message.js';
import { MAX_TIMER_DELAY_MS } from '../util/timers.js';

/** The pipeline records events and prunes trigger claims; the rest is what its sensors use. */
type PipelineStore = EventStore & TriggerClaimStore & SensorRunnerStore;

export interface PipelineOptions {
  store: PipelineStore;
  /** The engines registry: it routes each triggered run, then starts it on its lane's engine. */
  engine: Pick<Engines, 'submit' | 'cancel'>;
  catalog: WorkflowCatalog;
  sensors: readonly SensorSpec[];
  now?: () => number;
  /** Publishes a dead letter where a trigger names a subject (the server wires NATS in). */
  publishDeadLetter?: (subject: string, letter: Record<string, unknown>) => Promise<void>;
  onTrigger?: (outcome: TriggerOutcome) => void;
  /** Waits (trigger retry backoff, rate limits); tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
  onEvent?: (event: IncomingEvent, result: DispatchResult) => void;
}

export class EventPipeline implements EventSink {
  private readonly sensors: SensorRunner[];
  private readonly resetTimers = new Map<SensorRunner, NodeJS.Timeout>();
  private readonly now: () => number;

  constructor(private readonly options: PipelineOptions) {
    this.now = options.now ?? Date.now;
    this.sensors = options.sensors.map((spec) => new SensorRunner(spec, options, this.now));
  }

  async receive(event: IncomingEvent): Promise<DispatchResult> {
    const { store } = this.options;
    const recorded = await store.recordEvent(event, newEventId(), this.now());
    if (recorded.duplicate) {
      const stored = await store.getEvent(recorded.eventId);
      if (stored?.status === 'dispatched') {
        const result = { eventId: recorded.eventId, duplicate: true, runIds: await store.listRunsForEvent(recorded.eventId) };
        this.options.onEvent?.(event, result);
        return result;
      }
      // Recorded but never dispatched (a crash in between): dispatch it now. Trigger claims keep
      // this from starting a second run if the first attempt got that far.
    }
    const runIds: string[] = [];
    try {
      for (const sensor of this.sensors) runIds.push(...(await sensor.offer(event, recorded.eventId)));
    } catch (error) {
      // On record for `tandem events`; the source gives the delivery back, and a redelivery (or
      // a replay) dispatches the event again. Best effort: the store may be what failed.
      await store.setEventStatus(recorded.eventId, 'failed', errorMessage(error)).catch(() => undefined);
      throw error;
    }
    // Committed before the source acknowledges: an event acknowledged is on record as dispatched.
    await store.setEventStatus(recorded.eventId, 'dispatched');
    const result = { eventId: recorded.eventId, duplicate: recorded.duplicate, runIds };
    this.options.onEvent?.(event, result);
    return result;
  }

  /**
   * Offers a stored event to the sensors again as a new delivery: the same payload under the
   * source id `<original id>#replay-<now>`, so it is not taken for a duplicate of the original.
   * A trigger whose dedupKey is computed from the event's data still deduplicates it into the
   * original run while that key is remembered. NotFoundError for an unknown event id.
   */
  async replay(eventId: string): Promise<DispatchResult> {
    const stored = await this.options.store.getEvent(eventId);
    if (!stored) throw new NotFoundError('event', eventId);
    const { eventId: _eventId, receivedAt: _receivedAt, status: _status, error: _error, ...original } = stored;
    return this.receive({ ...original, id: `${stored.id}#replay-${this.now()}`, extensions: { ...stored.extensions, replayof: eventId } });
  }

  /** Takes back what each sensor held when an earlier process stopped (call before receiving). */
  async restoreSensorStates(): Promise<void> {
    for (const sensor of this.sensors) await sensor.restore();
  }

  /**
   * Dispatches every event still `received` (recorded by a process that died before dispatching
   * it), oldest first; returns how many were dispatched. An event that fails again is reported
   * through `onError`, marked `failed` and left for a redelivery or `tandem events replay`: one bad
   * event never stops start-up.
   */
  async redispatchReceived(onError: (eventId: string, error: unknown) => void = () => undefined): Promise<number> {
    const pending = await this.options.store.listEvents({ status: 'received', limit: REDISPATCH_LIMIT });
    let dispatched = 0;
    for (const stored of pending.reverse()) {
      const { eventId, receivedAt: _receivedAt, status: _status, error: _error, ...original } = stored;
      try {
        await this.receive(original);
        dispatched++;
      } catch (error) {
        onError(eventId, error);
      }
    }
    return dispatched;
  }

  /** Runs each sensor's conditionsReset schedule (dropping unconsumed events) until stop(). */
  startResets(): void {
    for (const sensor of this.sensors) if (sensor.spec.conditionsReset?.length) this.scheduleReset(sensor);
  }

  /** Stops the reset schedules. */
  stop(): void {
    for (const timer of this.resetTimers.values()) clearTimeout(timer);
    this.resetTimers.clear();
  }

  private scheduleReset(sensor: SensorRunner): void {
    const next = nextReset(sensor.spec.conditionsReset, new Date(this.now()));
    if (!next) return;
    // Timers cannot wait longer than about 24.8 days; a longer wait is taken in steps.
    const delay = Math.min(next.getTime() - this.now(), MAX_TIMER_DELAY_MS);
    const timer = setTimeout(() => {
      // A reset that cannot be saved is redone by the next reset; the timer goes on either way.
      if (this.now() >= next.getTime()) void sensor.reset().catch(() => undefined);
      this.scheduleReset(sensor);
    }, Math.max(0, delay));
    timer.unref();
    this.resetTimers.set(sensor, timer);
  }

  /** What each sensor has seen, for the sensors API. */
  sensorStates(): SensorDescription[] {
    return this.sensors.map((sensor) => sensor.describe());
  }

  /** The sensors' definitions (the API reads which namespaces their triggers start runs in). */
  sensorSpecs(): readonly SensorSpec[] {
    return this.options.sensors;
  }

  /** Drops expired trigger claims; the server calls it periodically. */
  pruneClaims(): Promise<number> {
    return this.options.store.pruneTriggerClaims(this.now());
  }
}

/** Events re-dispatched at start-up at most; more than this waits for their sources to redeliver. */
const REDISPATCH_LIMIT = 10_000;
