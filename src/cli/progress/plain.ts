// Progress for logs and pipes: one line per status change, e.g. `12:00:01 parse[3] Running attempt 1`.
// Lines are gathered and written together at most every FLUSH_MS: a run of a thousand quick
// tasks would otherwise pay a write (and a wake-up of the reader) per line. The run's end, a note
// and stop() write at once, so nothing is held back when it matters and the order is kept.
import type { RunEvent } from '../../engines/model.js';
import { TERMINAL_TASK_STATUSES, isTerminalRunStatus } from '../../engines/model.js';
import { formatClock, formatDuration } from '../format/duration.js';
import type { Palette } from '../format/color.js';
import { paintStatus } from '../format/color.js';
import type { ProgressState } from './progress-state.js';
import type { OutputStream, ProgressRenderer } from './renderer.js';

/** The longest a printed change waits for companions: short enough to read as live in a log. */
export const FLUSH_MS = 50;

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
  private pending = '';
  private timer: NodeJS.Timeout | undefined;

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
    this.queue(`${this.prefix}${formatPlainEvent(event, state, this.palette)}\n`);
    if (event.type === 'run' && isTerminalRunStatus(event.status)) this.flush();
  }

  note(text: string): void {
    this.queue(`${formatClock(Date.now())} ${text}\n`);
    this.flush();
  }

  /** Writes what is gathered; every change has then been printed. */
  stop(): void {
    this.flush();
  }

  /** Writes the gathered lines now (before a forced exit, or before other output). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.out.write(text);
  }

  private queue(line: string): void {
    this.pending += line;
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }
}
