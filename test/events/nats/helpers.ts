// A sink that records what a source hands it: distinct ids in a Set (what the pipeline's dedup
// would keep), repeats counted, attempts per id, and an optional behaviour (delay, reject).
import type { IncomingEvent } from '../../../src/events/model.js';
import type { DispatchResult, EventSink } from '../../../src/events/source.js';

export type Behaviour = (event: IncomingEvent, attempt: number) => Promise<void> | void;

export class RecordingSink implements EventSink {
  readonly ids = new Set<string>();
  readonly events: IncomingEvent[] = [];
  readonly attempts = new Map<string, number>();
  duplicates = 0;
  rejected = 0;

  constructor(private readonly behaviour?: Behaviour) {}

  async receive(event: IncomingEvent): Promise<DispatchResult> {
    const attempt = (this.attempts.get(event.id) ?? 0) + 1;
    this.attempts.set(event.id, attempt);
    try {
      await this.behaviour?.(event, attempt);
    } catch (error) {
      this.rejected++;
      throw error;
    }
    const duplicate = this.ids.has(event.id);
    if (duplicate) this.duplicates++;
    else {
      this.ids.add(event.id);
      this.events.push(event);
    }
    return { eventId: `ev-${event.id}`, duplicate, runIds: [] };
  }

  /** Resolves when `count` distinct events were accepted; rejects after `timeoutMs` saying how many came. */
  async waitFor(count: number, timeoutMs = 60_000): Promise<void> {
    await waitUntil(() => this.ids.size >= count, timeoutMs, () => `${this.ids.size} of ${count} events arrived`);
  }
}

export async function waitUntil(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs}ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
