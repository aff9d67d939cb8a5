// The live task tree for a terminal: redrawn in place about ten times a second with ANSI cursor
// movement; the final frame stays on screen.
import type { RunEvent } from '../../engines/model.js';
import type { Palette } from '../format/color.js';
import { renderFrame } from './frame.js';
import type { ProgressState } from './progress-state.js';
import type { OutputStream, ProgressRenderer } from './renderer.js';

const FRAME_INTERVAL_MS = 100;
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_LINE = '\x1b[2K';
const CLEAR_DOWN = '\x1b[J';

export class TtyRenderer implements ProgressRenderer {
  private state: ProgressState | undefined;
  private drawnLines = 0;
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly notes: string[] = [];
  private stopped = false;

  constructor(
    private readonly out: OutputStream,
    private readonly palette: Palette,
  ) {}

  start(state: ProgressState): void {
    this.state = state;
    this.out.write(HIDE_CURSOR);
    this.draw();
    this.timer = setInterval(() => {
      this.tick++;
      this.draw();
    }, FRAME_INTERVAL_MS);
    this.timer.unref();
  }

  update(state: ProgressState, _event: RunEvent): void {
    this.state = state;
  }

  note(text: string): void {
    this.notes.push(text);
    this.draw();
  }

  stop(state: ProgressState): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.state = state;
    this.draw();
    this.out.write(SHOW_CURSOR);
  }

  /** Restores the cursor if the process is leaving abruptly. */
  restoreTerminal(): void {
    this.out.write(SHOW_CURSOR);
  }

  private draw(): void {
    if (!this.state) return;
    const lines = renderFrame(this.state, {
      now: Date.now(),
      palette: this.palette,
      width: this.out.columns || 80,
      height: this.out.rows || 40,
      tick: this.tick,
      notes: this.notes,
    });
    let text = this.drawnLines > 0 ? `\r\x1b[${this.drawnLines}A` : '\r';
    for (const line of lines) text += `${CLEAR_LINE}${line}\n`;
    text += CLEAR_DOWN;
    this.out.write(text);
    this.drawnLines = lines.length;
  }
}
