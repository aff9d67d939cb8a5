// The cron event source: each schedule fires IncomingEvents at its ticks, computed by croner in the
// configured time zone. Ticks have stable ids (`<source>/<schedule index>/<tick ISO time>`), and a
// tick is recorded as fired (store.setCronTick) only after sink.receive resolved: a crash between the
// two redelivers the tick, which the pipeline drops as a duplicate — a tick is never lost.
//
// Missed ticks (the server was down) follow catchUp.policy: none skips them, last fires the latest,
// all fires the latest `limit` of them, oldest first. Jitter delays a tick's firing, not its identity.
// concurrencyPolicy is carried on every event (extensions.concurrencypolicy) for the trigger layer,
// which alone knows whether the previous run is still going (see src/events/concurrency.ts).
import { durationMs } from '../../../spec/duration.js';
import type { EventSink, EventSource, SourceHealth, SourceState } from '../../source.js';
import { systemClock, type CronClock } from './clock.js';
import { ScheduleRunner } from './schedule-runner.js';
import type { CronTickStore } from '../../../store/ports/cron-ticks.js';
import { CATCH_UP_DEFAULT_LIMIT, type CronSourceConfig } from './schema.js';
import { Schedule } from './ticks.js';
import { errorMessage } from '../../../util/error-message.js';
import { Lifecycle } from '../../lifecycle.js';

export type { CronClock } from './clock.js';
export type { CronTickStore } from '../../../store/ports/cron-ticks.js';

export interface CronSourceOptions {
  clock?: CronClock;
  /** In [0, 1), for jitter; default Math.random. */
  random?: () => number;
  /** Backoff between attempts at a tick the sink refused; default 1s doubling up to 1m. */
  retry?: { initialMs?: number; maxMs?: number };
  onError?: (error: unknown) => void;
}

export class CronEventSource implements EventSource {
  readonly kind = 'cron' as const;
  private readonly runners: ScheduleRunner[];
  private state: SourceState = 'starting';
  private lastError: string | undefined;
  private received = 0;
  private readonly lifecycle = new Lifecycle();

  constructor(
    readonly name: string,
    private readonly config: CronSourceConfig,
    store: CronTickStore,
    private readonly options: CronSourceOptions = {},
  ) {
    const clock = options.clock ?? systemClock;
    const jitterMs = config.jitter !== undefined ? durationMs(config.jitter) : 0;
    this.runners = config.schedules.map(
      (expression, index) =>
        new ScheduleRunner({
          sourceName: name,
          index,
          schedule: new Schedule(expression.trim(), config.timezone),
          catchUp: config.catchUp?.policy ?? 'none',
          catchUpLimit: config.catchUp?.limit ?? CATCH_UP_DEFAULT_LIMIT,
          concurrencyPolicy: config.concurrencyPolicy ?? 'Allow',
          jitterMs,
          clock,
          store,
          random: options.random ?? Math.random,
          retryMs: { initial: options.retry?.initialMs ?? 1000, max: options.retry?.maxMs ?? 60_000 },
          onFired: () => {
            this.received += 1;
            if (this.state === 'reconnecting') this.state = 'connected';
          },
          onError: (error) => {
            this.lastError = errorMessage(error);
            if (this.state === 'connected') this.state = 'reconnecting';
            this.options.onError?.(error);
          },
        }),
    );
  }

  /**
   * Fires the catch-up ticks and arms every schedule. Resolves once the catch-up ticks were handed
   * over (or, when the sink refused one, its retry was scheduled). Calling it again while started
   * does nothing; a call made while stop() is under way starts once that stop has finished.
   */
  start(sink: EventSink): Promise<void> {
    return this.lifecycle.start(async () => {
      this.state = 'starting';
      const started = await Promise.allSettled(this.runners.map((runner) => runner.start(sink)));
      const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure !== undefined) {
        // A schedule that could not read its last tick: the others are stopped too, so the source
        // is not half running, and a later start() begins them all again from the store.
        await Promise.all(this.runners.map((runner) => runner.stop()));
        this.state = 'failed';
        this.lastError = errorMessage(failure.reason);
        throw failure.reason;
      }
      if (this.state === 'starting') this.state = 'connected';
    });
  }

  /** Cancels the timers and waits for a tick being handed over; a second call does nothing more. */
  stop(): Promise<void> {
    return this.lifecycle.stop(async () => {
      await Promise.all(this.runners.map((runner) => runner.stop()));
      this.state = 'stopped';
    });
  }

  /** Resolves when no schedule is handing a tick over (tests drive a fake clock with it). */
  async idle(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.idle()));
  }

  health(): SourceHealth {
    return {
      name: this.name,
      kind: this.kind,
      state: this.state,
      detail: {
        timezone: this.config.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
        catchUp: this.config.catchUp?.policy ?? 'none',
        concurrencyPolicy: this.config.concurrencyPolicy ?? 'Allow',
        schedules: this.runners.map((runner, index) => ({
          schedule: this.config.schedules[index],
          next: runner.nextTick !== undefined ? new Date(runner.nextTick).toISOString() : undefined,
          lastFired: runner.lastFired !== undefined ? new Date(runner.lastFired).toISOString() : undefined,
        })),
      },
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      received: this.received,
    };
  }
}
