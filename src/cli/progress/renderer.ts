// What `run` and `resume` feed while a run progresses; tty.ts and plain.ts implement it.
import type { RunEvent } from '../../engines/model.js';
import type { ProgressState } from './progress-state.js';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface ProgressRenderer {
  /** Called after each event is folded into the state. */
  update(state: ProgressState, event: RunEvent): void;
  /** A message to show alongside the progress (e.g. "cancelling..."). */
  note(text: string): void;
  /** Draws the final frame and releases the terminal. */
  stop(state: ProgressState): void;
}
