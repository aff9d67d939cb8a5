// Progress for logs and pipes: one line per status change, e.g. `12:00:01 parse[3] Running attempt 1`.
import type { RunEvent } from '../../engines/model.js';
import { TERMINAL_TASK_STATUSES } from '../../engines/model.js';
import { formatClock, formatDuration } from '../format/duration.js';
import type { Palette } from '../format/color.js';
import { paintStatus } from '../format/color.js';
import type { ProgressState } from './progress-state.js';
import type { OutputStream, ProgressRenderer } from './renderer.js';

export function formatPlainEvent(event: RunEvent, state: ProgressState | undefined, p: Palette): string {
  const clock = formatClock(event.time);
  const message = event.message ? `: ${event.message}` : '';
  if (event.type === 'run') return `${clock} run ${event.runId} ${paintStatus(p, event.status)}${message}`;
  let duration = '';
  const row = state?.rows.get(event.task);
  if (TERMINAL_TASK_STATUSES.has(event.status) && row?.startedAt !== undefined && row.finishedAt !== undefined) {
    duration = ` (${formatDuration(row.finishedAt - row.startedAt)})`;
  }
  const attempt = event.attempt > 0 ? ` attempt ${event.attempt}` : '';
  return `${clock} ${event.task} ${paintStatus(p, event.status)}${attempt}${duration}${message}`;
}

export class PlainRenderer implements ProgressRenderer {
  private readonly last = new Map<string, string>();

  constructor(
    private readonly out: OutputStream,
    private readonly palette: Palette,
    /** Put before each line, e.g. the run id when several runs share the output. */
    private readonly prefix = '',
  ) {}

  update(state: ProgressState, event: RunEvent): void {
    const key = event.type === 'run' ? '\0run' : event.task;
    const signature = event.type === 'run' ? event.status : `${event.attempt}:${event.status}`;
    if (this.last.get(key) === signature) return;
    this.last.set(key, signature);
    this.out.write(`${this.prefix}${formatPlainEvent(event, state, this.palette)}\n`);
  }

  note(text: string): void {
    this.out.write(`${formatClock(Date.now())} ${text}\n`);
  }

  stop(): void {
    // Every change was printed as it happened.
  }
}
