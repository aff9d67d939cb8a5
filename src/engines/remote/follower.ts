// The reconcile loop of one remote run: submits it (idempotently) if the remote object does not
// exist yet, then observes it — at once when the backend's watch says it changed, else every poll
// interval — and mirrors each observation into the store, until the run ends. Whatever goes wrong
// is sorted by what it means:
// - the remote API is down or slow (a retryable error): retried with backoff, said in the run's
//   message, never the run's failure by itself (the remote run goes on without us);
// - the remote object is gone, or will never finish: the run ends Lost, with the reason;
// - anything else (a manifest the server refuses, bad credentials): the run ends Error.
// A cancel request (from this process or, through the store, from another) is passed on once.
import { TandemError } from '../../errors.js';
import type { RunRecord, RunStore } from '../../store/ports/runs.js';
import { backoffDelay, type ExponentialBackoff } from '../../util/backoff.js';
import { errorMessage } from '../../util/error-message.js';
import { isTerminalRunStatus, type RemoteRunRef } from '../model.js';
import type { RemoteBackend } from './backend.js';
import { RemoteNotFoundError, RemoteRunLostError } from './errors.js';
import { RunMirror } from './mirror.js';

export interface FollowSettings {
  /** How long between two observations when no watch says anything changed. */
  pollMs: number;
  /** The delays between attempts after the remote API failed. */
  backoff: ExponentialBackoff;
}

export interface FollowDeps {
  backend: RemoteBackend;
  store: RunStore;
  settings: FollowSettings;
  onError: (error: unknown) => void;
}

/** Whether an error is worth trying again: a TandemError says so itself; anything else is a bug. */
function retryable(error: unknown): boolean {
  return error instanceof TandemError && error.retryable;
}

export class RunFollower {
  private readonly stopping = new AbortController();
  private wakeUp: (() => void) | undefined;
  private cancelSent = false;
  private failures = 0;
  private outageSince: number | undefined;
  private watching = false;
  /** Settles when the loop has stopped: the run ended, or the follower was stopped. */
  readonly done: Promise<void>;

  constructor(
    readonly runId: string,
    private readonly deps: FollowDeps,
  ) {
    // Ending, however it ends, also ends the watch.
    this.done = this.loop()
      .catch(deps.onError)
      .finally(() => this.stopping.abort());
  }

  /** Observe now rather than at the next poll (a cancel was requested, a watch saw a change). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops following; the run stays as it is in the store, for the next process to pick up. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.wake();
    await this.done;
  }

  private get name(): string {
    return this.deps.backend.engine;
  }

  private async loop(): Promise<void> {
    const { store } = this.deps;
    const mirror = await RunMirror.load(store, this.runId);
    while (!this.stopping.signal.aborted) {
      const run = await store.getRun(this.runId);
      if (!run || isTerminalRunStatus(run.status)) return;
      let ended: boolean;
      try {
        ended = await this.step(run, mirror);
        this.failures = 0;
        this.outageSince = undefined;
      } catch (error) {
        ended = await this.failed(error, run, mirror);
      }
      if (ended) return;
      await this.pause();
    }
  }

  /** One round: submit if needed, pass on a cancel, observe and mirror. True once the run has ended. */
  private async step(run: RunRecord, mirror: RunMirror): Promise<boolean> {
    const { backend, store } = this.deps;
    let ref = run.remote;
    if (!ref) {
      if (run.cancelRequested) return this.apply(mirror.end('Cancelled', `cancelled before it was submitted to ${this.name}`));
      ref = await backend.submit(run);
      await store.applyWrites([{ kind: 'remote', runId: run.id, remote: ref }]);
    }
    if (run.cancelRequested && !this.cancelSent) {
      await this.cancelRemote(ref);
      this.cancelSent = true;
    }
    this.watch(ref);
    const state = await backend.observe(ref, { ...run, remote: ref });
    await store.applyWrites(mirror.update(state));
    return isTerminalRunStatus(state.status);
  }

  private async cancelRemote(ref: RemoteRunRef): Promise<void> {
    try {
      await this.deps.backend.cancel(ref);
    } catch (error) {
      // Gone already: the observation that follows says so (Lost).
      if (!(error instanceof RemoteNotFoundError)) throw error;
    }
  }

  /** Sorts a failed round (see the header); true when the run has ended because of it. */
  private async failed(error: unknown, run: RunRecord, mirror: RunMirror): Promise<boolean> {
    if (error instanceof RemoteRunLostError) return this.apply(mirror.end('Lost', error.reason));
    if (error instanceof RemoteNotFoundError && run.remote) {
      if (run.cancelRequested) return this.apply(mirror.end('Cancelled', `cancelled; ${this.name} no longer has ${describe(run.remote)}`));
      return this.apply(mirror.end('Lost', `${describe(run.remote)} no longer exists on ${this.name}: it was deleted outside tandem, so what it did is unknown`));
    }
    if (!retryable(error)) return this.apply(mirror.end('Error', `${this.name}: ${errorMessage(error)}`));
    this.failures += 1;
    this.outageSince ??= Date.now();
    const retryIn = backoffDelay(this.deps.settings.backoff, this.failures - 1);
    const since = new Date(this.outageSince).toISOString();
    const detail = `waiting for ${this.name} since ${since} (${this.failures} failed ${this.failures === 1 ? 'try' : 'tries'}, next in ${Math.ceil(retryIn / 1000)}s): ${errorMessage(error)}`;
    await this.deps.store.applyWrites(mirror.detail(detail)).catch(this.deps.onError);
    return false;
  }

  private async apply(writes: Parameters<RunStore['applyWrites']>[0]): Promise<true> {
    await this.deps.store.applyWrites(writes);
    return true;
  }

  /** Waits for the next round: the poll interval or the backoff, cut short by a wake-up. */
  private pause(): Promise<void> {
    const { settings } = this.deps;
    const ms = this.failures > 0 ? backoffDelay(settings.backoff, this.failures - 1) : settings.pollMs;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  /** Where the backend can watch, a change wakes the loop; a dropped watch is started again by the next round. */
  private watch(ref: RemoteRunRef): void {
    const changes = this.deps.backend.changes;
    if (!changes || this.watching || this.stopping.signal.aborted) return;
    this.watching = true;
    void (async () => {
      try {
        for await (const _ of changes.call(this.deps.backend, ref, this.stopping.signal)) this.wake();
      } catch {
        // The poll goes on meanwhile; the next round watches again.
      } finally {
        this.watching = false;
      }
    })();
  }
}

function describe(ref: RemoteRunRef): string {
  const where = ref.namespace ? `${ref.namespace}/${ref.id}` : ref.id;
  return ref.engine === 'argo' ? `Workflow ${where}` : `run ${where}`;
}
