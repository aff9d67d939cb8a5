// A running `tandem serve` adopts runs whose process died after it started: a `tandem run` killed
// or crashed leaves its run in flight with no one to move it on. Start-up already resumes the runs
// an earlier process left; this check, every few seconds, does the same for the ones orphaned
// later, through the engines registry (each run reaches the engine it was routed to). Taking a run
// over is a claim in the store, so two servers on one store never both adopt it.
import type { Engines } from '../engines/registry.js';
import type { Logger } from './log.js';

/** How often a running server looks for orphaned runs. */
const ADOPT_EVERY_MS = 3_000;

export class OrphanAdoption {
  private timer: NodeJS.Timeout | undefined;
  /** The check under way, so that checks never overlap and stop() can wait for it. */
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly engines: Pick<Engines, 'resume'>,
    private readonly logger: Logger,
    private readonly everyMs: number = ADOPT_EVERY_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.everyMs).unref();
  }

  /** Adopts every run in flight whose owner is gone (failures are logged, never thrown). */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.adopt().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** No check starts after this; one under way is waited for. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async adopt(): Promise<void> {
    try {
      const adopted = await this.engines.resume();
      if (adopted.length > 0) this.logger.info({ runIds: adopted }, `adopted ${adopted.length} orphaned run(s): their process is gone`);
    } catch (error) {
      this.logger.error({ err: error }, 'orphaned runs could not be adopted');
    }
  }
}
