// Drives a renderer from an engine's event stream until the run ends.
import type { Engine } from '../../engines/engine.js';
import type { TaskSpec } from '../../spec/schema.js';
import type { Palette } from '../format/color.js';
import { PlainRenderer } from './plain.js';
import type { ProgressState } from './progress-state.js';
import { applyEvent, expectedIterations, initialProgress } from './progress-state.js';
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
  private state: ProgressState;
  readonly renderer: ProgressRenderer;
  private readonly tty: TtyRenderer | undefined;

  constructor(private readonly options: FollowOptions) {
    this.state = initialProgress({
      runId: options.runId,
      workflow: options.workflow,
      taskNames: options.tasks.map((t) => t.name),
      expected: expectedIterations(options.tasks),
      createdAt: Date.now(),
    });
    this.tty = options.live ? new TtyRenderer(options.out, options.palette) : undefined;
    this.renderer = this.tty ?? new PlainRenderer(options.out, options.palette);
  }

  /** Consumes `engine.watch` until the run is terminal; the final frame stays on screen. */
  async follow(engine: Pick<Engine, 'watch'>): Promise<ProgressState> {
    this.tty?.start(this.state);
    try {
      for await (const event of engine.watch(this.options.runId)) {
        this.state = applyEvent(this.state, event);
        this.renderer.update(this.state, event);
      }
    } finally {
      this.renderer.stop(this.state);
    }
    return this.state;
  }

  note(text: string): void {
    this.renderer.note(text);
  }

  /** Puts the cursor back before a forced exit. */
  abandon(): void {
    this.tty?.restoreTerminal();
  }
}
