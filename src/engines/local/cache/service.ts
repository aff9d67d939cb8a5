// What the component cache shares across every run of one engine: the store holding entries, the
// artifact store their outputs point to, remembered file digests, and the cache writes in flight
// (entries stored, hits counted, stale entries dropped), which a run's end and the engine's close
// wait for so that what a finished run cached is visible to the next one.
import type { CacheStore } from '../../../store/ports/cache.js';
import type { ArtifactStore } from '../artifacts.js';
import { FileDigests } from './file-digests.js';

export class CacheService {
  readonly files = new FileDigests();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly store: CacheStore,
    readonly artifacts: ArtifactStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs a cache write in the background; a failure is reported, never thrown at a task. */
  track(write: Promise<unknown>): void {
    const tracked: Promise<void> = write.then(
      () => undefined,
      (error: unknown) => this.onError(error),
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Resolves once every cache write started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
