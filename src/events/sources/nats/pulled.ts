// The JetStream messages this process holds: pulled from the server and not yet settled. The client
// library pulls ahead of the intake loop (it asks for more as soon as the server has delivered, not
// when the loop has taken them), so a burst can sit in the client longer than ackWait while the
// pipeline is full. Every held message, queued or in the pipeline, is therefore kept alive with
// working() by one ticker, from the moment it arrives until it is settled, and the server does not
// deliver it a second time while it is here. How many are held is bounded by the consumer's
// max_ack_pending (1,000 unless the consumer sets another).
import type { JsMsg } from '@nats-io/jetstream';

export class PulledMessages {
  /** Pulled and not yet settled: what the ticker keeps alive. */
  private readonly held = new Set<JsMsg>();
  /** Pulled and not yet taken by the intake loop, oldest first. */
  private readonly queue: JsMsg[] = [];
  private head = 0;
  private waiter: ((message: JsMsg | undefined) => void) | undefined;
  private ended = false;
  private readonly ticker: NodeJS.Timeout;

  constructor(workingEveryMs: number) {
    this.ticker = setInterval(() => {
      for (const message of this.held) message.working();
    }, workingEveryMs);
    this.ticker.unref();
  }

  /** A message arrived from the server. */
  arrived(message: JsMsg): void {
    this.held.add(message);
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(message);
    } else this.queue.push(message);
  }

  /** The oldest message not yet taken; undefined once end() was called and the queue is empty. */
  next(): Promise<JsMsg | undefined> {
    if (this.head < this.queue.length) {
      const message = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        // Drop what was taken once it is most of the array, so a long burst does not keep it all.
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      return Promise.resolve(message);
    }
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** The message was acked, nak'ed or terminated: it is no longer ours to keep alive. */
  settled(message: JsMsg): void {
    this.held.delete(message);
    if (this.ended && this.held.size === 0) clearInterval(this.ticker);
  }

  /**
   * No more messages will arrive; next() hands out what is queued, then undefined. What is held
   * is kept alive until it is settled (a stopping source lets the pipeline finish its work).
   */
  end(): void {
    this.ended = true;
    if (this.held.size === 0) clearInterval(this.ticker);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(undefined);
  }

  get size(): number {
    return this.held.size;
  }
}
