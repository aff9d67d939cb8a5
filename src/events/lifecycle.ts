// Start and stop calls on an event source, taken in the order they were made, as the EventSource
// port promises (src/events/source.ts). A call waits for the one before it to finish, so a start()
// made while stop() is draining opens a connection of its own afterwards instead of racing the
// stop that is closing the old one; and a call of the same kind as the last one made is that call:
// start twice is one start, stop twice is one stop. A start that failed is not remembered, so the
// next start() tries again (the control plane retries with backoff).

type Kind = 'start' | 'stop';

interface Call {
  kind: Kind;
  done: Promise<void>;
  failed: boolean;
  settled: boolean;
}

export class Lifecycle {
  private last: Call | undefined;

  start(work: () => Promise<void>): Promise<void> {
    return this.call('start', work);
  }

  stop(work: () => Promise<void>): Promise<void> {
    return this.call('stop', work);
  }

  private call(kind: Kind, work: () => Promise<void>): Promise<void> {
    const previous = this.last;
    if (previous !== undefined && previous.kind === kind && !previous.failed) return previous.done;
    const call: Call = { kind, done: Promise.resolve(), failed: false, settled: false };
    // With nothing under way the work begins at once, so what it does before its first await (a
    // source saying `starting`) is seen as soon as the call returns.
    call.done =
      previous === undefined || previous.settled
        ? (async () => work())()
        : previous.done.catch(() => undefined).then(work);
    // Marked before any caller sees the outcome: these handlers are attached first.
    void call.done.then(
      () => {
        call.settled = true;
      },
      () => {
        call.settled = true;
        call.failed = true;
      },
    );
    this.last = call;
    return call.done;
  }
}
