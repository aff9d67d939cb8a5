// Drives a renderer from an engine's event stream until the run ends.
import type { Engine } from '../../engines/engine.js';
import type { TaskSpec } from '../../spec/schema.js';
import type { Palette } from '../format/color.js';
import { PlainRenderer } from './plain.js';
import type { ProgressState } from './progress-state.js';
import { expectedIterations, initialProgress, ProgressTracker } from './progress-state.js';
import type { OutputStream, ProgressRenderer } from './renderer.js';
import { TtyRenderer } from './tty.js';

export interface FollowOptions {
  runId: string;
  workflow: string;
  /** Declared tasks (tasks, then finally), so pending tasks and forEach sizes show from the start. */
  tasks: readonly TaskSpec[];
  out: OutputStream;
  palette: Palette;
  /** Live tree when true; one line per change otherwise. */
  live: boolean;
}

export class RunFollower {
  private readonly tracker: ProgressTracker;
  readonly renderer: ProgressRenderer;
  private readonly tty: TtyRenderer | undefined;
  private readonly plain: PlainRenderer | undefined;

  constructor(private readonly options: FollowOptions) {
    this.tracker = new ProgressTracker(
      initialProgress({
        runId: options.runId,
        workflow: options.workflow,
        taskNames: options.tasks.map((t) => t.name),
        expected: expectedIterations(options.tasks),
        createdAt: Date.now(),
      }),
    );
    if (options.live) {
      this.tty = new TtyRenderer(options.out, options.palette);
      this.renderer = this.tty;
    } else {
      this.plain = new PlainRenderer(options.out, options.palette);
      this.renderer = this.plain;
    }
  }

  /** Consumes `engine.watch` until the run is terminal; the final frame stays on screen. */
  async follow(engine: Pick<Engine, 'watch'>): Promise<ProgressState> {
    this.tty?.start(this.tracker.state);
    try {
      for await (const event of engine.watch(this.options.runId)) this.renderer.update(this.tracker.apply(event), event);
    } finally {
      this.renderer.stop(this.tracker.state);
    }
    return this.tracker.state;
  }

  note(text: string): void {
    this.renderer.note(text);
  }

  /** Prints what is gathered and puts the cursor back, before a forced exit. */
  abandon(): void {
    this.plain?.flush();
    this.tty?.restoreTerminal();
  }
}
