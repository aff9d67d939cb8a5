// A clock tests move by hand, a tick store in memory, a sink that records.
import type { IncomingEvent } from '../../../src/events/model.js';
import type { DispatchResult, EventSink } from '../../../src/events/source.js';
import type { CronClock, CronTickStore } from '../../../src/events/sources/cron/source.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements CronClock {
  private timers: Timer[] = [];
  private seq = 0;
  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time to `target`, firing due timers in order and letting `settle` finish after each. */
  async advanceTo(target: number, settle: () => Promise<void>): Promise<void> {
    await settle();
    for (;;) {
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = target;
  }
}

export class MemoryTickStore implements CronTickStore {
  readonly ticks = new Map<string, number>();
  writes = 0;
  async getCronTick(source: string, schedule: string): Promise<number | undefined> {
    return this.ticks.get(`${source}\u0000${schedule}`);
  }
  async setCronTick(source: string, schedule: string, tick: number): Promise<void> {
    this.writes += 1;
    const key = `${source}\u0000${schedule}`;
    if ((this.ticks.get(key) ?? -Infinity) < tick) this.ticks.set(key, tick);
  }
}

export class RecordingSink implements EventSink {
  readonly events: IncomingEvent[] = [];
  /** Rejects the next `failures` calls. */
  failures = 0;
  attempts = 0;
  async receive(event: IncomingEvent): Promise<DispatchResult> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('store unavailable');
    }
    this.events.push(event);
    return { eventId: `evt-${this.events.length}`, duplicate: false, runIds: [] };
  }
  get scheduled(): string[] {
    return this.events.map((e) => (e.data as { scheduledTime: string }).scheduledTime);
  }
}
