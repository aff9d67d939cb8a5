// The in-memory state of one sensor: the latest matched event per dependency, whether the
// condition is met, and what each dependency has seen. When the condition is met the sensor
// fires with the events of the condition's satisfied dependencies and consumes them (as Argo
// Events does); reset() clears everything (the caller runs the conditionsReset schedule).
// Serialisable with toJSON / fromJSON so the server can persist it between events.
import { TandemError } from '../../errors.js';
import type { IncomingEvent } from '../model.js';
import { compileCondition, type CompiledCondition } from './conditions.js';
import { matchesDependency } from './filters.js';
import type { SensorSpec } from './schema.js';
import { isRecord } from '../../util/is-record.js';

/** The last event a dependency was offered, and whether it matched. */
export interface DependencySeen {
  sourceName: string;
  /** The event's id at its source. */
  id: string;
  /** ISO time it was offered. */
  at: string;
  ok: boolean;
  reason?: string;
}

/** The condition was met: these events (by dependency) fire the sensor's triggers. */
export interface Firing {
  dependencies: string[];
  events: Record<string, IncomingEvent>;
  /** ISO time of the firing. */
  at: string;
}

export interface ObserveResult {
  /** One entry per dependency: whether the event satisfied it and, if not, why. */
  matches: Array<{ dependency: string; ok: boolean; reason?: string }>;
  firing?: Firing;
}

export interface SensorStateSnapshot {
  version: 1;
  sensor: string;
  /** Latest matched event per dependency, not yet consumed. */
  events: Record<string, IncomingEvent>;
  seen: Record<string, DependencySeen>;
  fired: number;
  lastFiredAt?: string;
  lastResetAt?: string;
}

export class SensorStateError extends TandemError {
  readonly code = 'SENSOR_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'SensorStateError';
  }
}

type SensorShape = Pick<SensorSpec, 'name' | 'dependencies' | 'conditions'>;

export class SensorState {
  readonly condition: CompiledCondition;
  private readonly names: readonly string[];
  private pending = new Map<string, IncomingEvent>();
  private lastSeen = new Map<string, DependencySeen>();
  private fired = 0;
  private lastFiredAt: string | undefined;
  private lastResetAt: string | undefined;

  /** Throws ConditionError when the sensor's condition does not parse or names unknown dependencies. */
  constructor(readonly sensor: SensorShape) {
    this.names = sensor.dependencies.map((d) => d.name);
    this.condition = compileCondition(sensor.conditions, this.names);
  }

  /** Runs an event through every dependency's filters, records what matched and fires when the condition is met. */
  observe(event: IncomingEvent, now: Date = new Date()): ObserveResult {
    const matches: ObserveResult['matches'] = [];
    let matched = false;
    for (const dep of this.sensor.dependencies) {
      const result = matchesDependency(dep, event, now);
      const entry: ObserveResult['matches'][number] = { dependency: dep.name, ok: result.ok };
      if (result.reason !== undefined) entry.reason = result.reason;
      matches.push(entry);
      // A dependency's "seen" is about events from its own source; others would only be noise.
      if (event.sourceName === dep.eventSource) this.see(dep.name, event, now, result.ok, result.reason);
      if (result.ok) {
        this.pending.set(dep.name, event);
        matched = true;
      }
    }
    const firing = matched ? this.tryFire(now) : undefined;
    return firing ? { matches, firing } : { matches };
  }

  /**
   * Records an event the caller has already matched to a dependency and fires when the condition
   * is met. Throws SensorStateError for a dependency the sensor does not declare.
   */
  accept(dependency: string, event: IncomingEvent, now: Date = new Date()): Firing | undefined {
    if (!this.names.includes(dependency)) throw new SensorStateError(`sensor ${this.sensor.name} has no dependency ${JSON.stringify(dependency)}`);
    this.see(dependency, event, now, true, undefined);
    this.pending.set(dependency, event);
    return this.tryFire(now);
  }

  /** Dependencies holding an unconsumed event. */
  satisfied(): string[] {
    return this.names.filter((name) => this.pending.has(name));
  }

  /** Whether the condition holds right now (it never stays true: a firing consumes its events). */
  isMet(): boolean {
    return this.condition.holds(new Set(this.pending.keys()));
  }

  events(): Record<string, IncomingEvent> {
    return Object.fromEntries(this.pending);
  }

  seen(): Record<string, DependencySeen> {
    return Object.fromEntries(this.lastSeen);
  }

  /** Drops every unconsumed event (the conditionsReset schedule); returns the dependencies cleared. */
  reset(now: Date = new Date()): string[] {
    const cleared = this.satisfied();
    this.pending.clear();
    this.lastResetAt = now.toISOString();
    return cleared;
  }

  toJSON(): SensorStateSnapshot {
    const snapshot: SensorStateSnapshot = {
      version: 1,
      sensor: this.sensor.name,
      events: this.events(),
      seen: this.seen(),
      fired: this.fired,
    };
    if (this.lastFiredAt !== undefined) snapshot.lastFiredAt = this.lastFiredAt;
    if (this.lastResetAt !== undefined) snapshot.lastResetAt = this.lastResetAt;
    return snapshot;
  }

  /**
   * Restores a state saved by toJSON. Entries for dependencies the sensor no longer declares are
   * dropped (the sensor may have been edited since); a snapshot of the wrong shape throws SensorStateError.
   */
  static fromJSON(sensor: SensorShape, snapshot: unknown): SensorState {
    const state = new SensorState(sensor);
    if (!isRecord(snapshot) || snapshot.version !== 1) throw new SensorStateError('sensor state: expected a version 1 snapshot');
    if (!isRecord(snapshot.events) || !isRecord(snapshot.seen)) throw new SensorStateError('sensor state: events and seen must be objects');
    for (const [name, event] of Object.entries(snapshot.events)) {
      if (!state.names.includes(name)) continue;
      if (!isEvent(event)) throw new SensorStateError(`sensor state: the event kept for ${JSON.stringify(name)} is not an event`);
      state.pending.set(name, event);
    }
    for (const [name, seen] of Object.entries(snapshot.seen)) {
      if (!state.names.includes(name)) continue;
      if (!isRecord(seen) || typeof seen.id !== 'string' || typeof seen.ok !== 'boolean') {
        throw new SensorStateError(`sensor state: "seen" of ${JSON.stringify(name)} is malformed`);
      }
      state.lastSeen.set(name, seen as unknown as DependencySeen);
    }
    state.fired = typeof snapshot.fired === 'number' ? snapshot.fired : 0;
    if (typeof snapshot.lastFiredAt === 'string') state.lastFiredAt = snapshot.lastFiredAt;
    if (typeof snapshot.lastResetAt === 'string') state.lastResetAt = snapshot.lastResetAt;
    return state;
  }

  private see(name: string, event: IncomingEvent, now: Date, ok: boolean, reason: string | undefined): void {
    const seen: DependencySeen = { sourceName: event.sourceName, id: event.id, at: now.toISOString(), ok };
    if (reason !== undefined) seen.reason = reason;
    this.lastSeen.set(name, seen);
  }

  private tryFire(now: Date): Firing | undefined {
    if (!this.isMet()) return undefined;
    const dependencies = this.condition.dependencies.filter((name) => this.pending.has(name));
    const events: Record<string, IncomingEvent> = {};
    for (const name of dependencies) {
      events[name] = this.pending.get(name)!;
      this.pending.delete(name);
    }
    this.fired++;
    this.lastFiredAt = now.toISOString();
    return { dependencies, events, at: this.lastFiredAt };
  }
}


function isEvent(value: unknown): value is IncomingEvent {
  return (
    isRecord(value) &&
    typeof value.sourceName === 'string' &&
    typeof value.id === 'string' &&
    typeof value.source === 'string' &&
    typeof value.type === 'string' &&
    typeof value.time === 'string' &&
    typeof value.datacontenttype === 'string'
  );
}
