// One schedule of a cron source: works out which ticks are due, hands them to the sink in order,
// records each fired tick only after the sink has taken it, and arms the timer for the next.
//
// `cursor` is the instant up to which every tick has been dealt with (fired, or skipped by the
// catch-up policy). On start it is the last fired tick from the store, so ticks missed while the
// server was down are the ticks in (cursor, now]; with no stored tick there is nothing to catch up.
// The tick the timer was armed for always fires ("regular"); any other due tick — an outage, a
// stall, a failed delivery retried late — is a missed tick and goes by the catch-up policy.
import type { IncomingEvent } from '../../model.js';
import type { EventSink } from '../../source.js';
import type { CronClock } from './clock.js';
import { CONCURRENCY_POLICY_EXTENSION, type ConcurrencyPolicy } from '../../concurrency.js';
import type { CatchUpPolicy } from './schema.js';
import { tickId, type Schedule } from './ticks.js';
import { backoffDelay } from '../../../util/backoff.js';
import type { CronTickStore } from '../../../store/ports/cron-ticks.js';

export interface RunnerSettings {
  sourceName: string;
  index: number;
  schedule: Schedule;
  catchUp: CatchUpPolicy;
  catchUpLimit: number;
  concurrencyPolicy: ConcurrencyPolicy;
  jitterMs: number;
  clock: CronClock;
  store: CronTickStore;
  random: () => number;
  retryMs: { initial: number; max: number };
  /** Called after each tick the sink took, and on each failed attempt. */
  onFired: () => void;
  onError: (error: unknown) => void;
}

interface DueTick {
  tick: number;
  catchUp: boolean;
}

const CRON_EVENT_TYPE = 'dev.tandem.cron.tick';

export class ScheduleRunner {
  private cursor: number | undefined;
  private armedFor: number | undefined;
  private cancelTimer: (() => void) | undefined;
  private failures = 0;
  private stopped = false;
  private sink: EventSink | undefined;
  /** The run in progress, if any: runs never overlap. */
  private current: Promise<void> | undefined;
  lastFired: number | undefined;

  constructor(private readonly s: RunnerSettings) {}

  /** Reads the last fired tick, fires what the catch-up policy says, arms the timer. */
  async start(sink: EventSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    // Started again after a stop, the runner knows only what the store knows, as a new process
    // would: the tick it was armed for, or was retrying, passed while stopped and goes by catchUp.
    this.armedFor = undefined;
    this.failures = 0;
    const stored = await this.s.store.getCronTick(this.s.sourceName, this.s.schedule.expression);
    this.lastFired = stored;
    this.cursor = stored ?? this.s.clock.now();
    await this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.current;
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }

  get nextTick(): number | undefined {
    return this.armedFor;
  }

  private wake(): Promise<void> {
    if (this.current) return this.current;
    const run = this.run().finally(() => {
      this.current = undefined;
    });
    this.current = run;
    return run;
  }

  private arm(delayMs: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.s.clock.setTimer(() => {
      this.cancelTimer = undefined;
      void this.wake();
    }, Math.max(0, delayMs));
  }

  private due(now: number, cursor: number): DueTick[] {
    const regular = this.armedFor !== undefined && this.armedFor > cursor && this.armedFor <= now ? this.armedFor : undefined;
    const keep = this.s.catchUp === 'none' ? 0 : this.s.catchUp === 'last' ? 1 : this.s.catchUpLimit;
    // One more than kept, in case the regular tick is among the latest.
    const latest = this.s.schedule.latest(cursor, now, keep === 0 ? 0 : keep + 1).filter((t) => t !== regular);
    const missed = latest.slice(Math.max(0, latest.length - keep));
    const ticks: DueTick[] = missed.map((tick) => ({ tick, catchUp: true }));
    if (regular !== undefined) ticks.push({ tick: regular, catchUp: false });
    return ticks.sort((a, b) => a.tick - b.tick);
  }

  private async run(): Promise<void> {
    const sink = this.sink;
    if (this.stopped || sink === undefined || this.cursor === undefined) return;
    const now = this.s.clock.now();
    // A timer that fired early (the clock stepped back): wait for the rest.
    if (this.armedFor !== undefined && this.armedFor > now && this.failures === 0) {
      this.arm(this.armedFor - now);
      return;
    }
    for (const { tick, catchUp } of this.due(now, this.cursor)) {
      if (this.stopped) return;
      try {
        await sink.receive(this.event(tick, catchUp));
        await this.s.store.setCronTick(this.s.sourceName, this.s.schedule.expression, tick);
      } catch (error) {
        this.failures += 1;
        this.s.onError(error);
        if (!this.stopped) this.arm(backoffDelay({ initialMs: this.s.retryMs.initial, maxMs: this.s.retryMs.max }, this.failures - 1));
        return;
      }
      this.cursor = tick;
      this.lastFired = tick;
      this.s.onFired();
    }
    this.failures = 0;
    this.cursor = Math.max(this.cursor, now);
    const next = this.s.schedule.next(this.cursor);
    this.armedFor = next;
    if (next === undefined || this.stopped) return;
    const jitter = this.s.jitterMs > 0 ? Math.floor(this.s.random() * this.s.jitterMs) : 0;
    this.arm(next - now + jitter);
  }

  private event(tick: number, catchUp: boolean): IncomingEvent {
    const scheduledTime = new Date(tick).toISOString();
    const { sourceName, index, schedule } = this.s;
    return {
      sourceName,
      id: tickId(sourceName, index, tick),
      source: `cron/${sourceName}`,
      type: CRON_EVENT_TYPE,
      subject: schedule.expression,
      time: scheduledTime,
      datacontenttype: 'application/json',
      data: { schedule: schedule.expression, scheduledTime, firedTime: new Date(this.s.clock.now()).toISOString(), catchUp },
      extensions: {
        [CONCURRENCY_POLICY_EXTENSION]: this.s.concurrencyPolicy,
        scheduleindex: String(index),
        ...(schedule.timezone !== undefined ? { timezone: schedule.timezone } : {}),
      },
    };
  }
}
