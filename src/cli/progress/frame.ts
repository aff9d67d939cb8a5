// The live task tree as text lines, a pure function of the state and the clock (tty.ts draws it).
import type { TaskStatus } from '../../engines/model.js';
import type { Palette } from '../format/color.js';
import { statusPaint, visibleLength } from '../format/color.js';
import { formatSpan } from '../format/duration.js';
import type { ProgressEntry, ProgressState, TaskRow } from './progress-state.js';
import { groupSpan, progressEntries, summarizeCounts } from './progress-state.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Groups with at most this many iterations show every one; bigger groups show a summary. */
export const GROUP_EXPAND_LIMIT = 6;
/** Iterations listed under a summarised group (running and failed ones first). */
const GROUP_DETAIL_LINES = 4;

export interface FrameOptions {
  now: number;
  palette: Palette;
  /** Terminal width; lines are cut to fit so that cursor movement stays exact. */
  width?: number;
  /** Terminal height; the tree is cut to fit, with a "… N more" line. */
  height?: number;
  tick?: number;
  notes?: readonly string[];
}

function statusSymbol(status: TaskStatus, tick = 0): string {
  switch (status) {
    case 'Pending':
      return '·';
    case 'Running':
      return SPINNER[tick % SPINNER.length] ?? '*';
    case 'Succeeded':
    case 'Cached':
      return '✓';
    case 'Failed':
    case 'Error':
      return '✗';
    case 'Interrupted':
      return '↻';
    case 'Skipped':
      return '↷';
    case 'Omitted':
      return '-';
    case 'Cancelled':
      return '⊘';
  }
}

export function renderFrame(state: ProgressState, options: FrameOptions): string[] {
  const p = options.palette;
  const tick = options.tick ?? 0;
  const entries = progressEntries(state);
  const header = [
    p.bold(state.workflow),
    p.dim(state.runId),
    statusPaint(p, state.status)(state.status),
    formatSpan(state.startedAt ?? state.createdAt, state.finishedAt, options.now),
  ].join('  ');
  const keyWidth = Math.max(4, ...entries.map((e) => (e.kind === 'task' ? label(e.row).length : e.name.length)));
  const body: string[] = [];
  for (const entry of entries) body.push(...entryLines(entry, keyWidth, options, tick));
  const notes = (options.notes ?? []).map((n) => p.yellow(n));
  const room = options.height !== undefined ? Math.max(3, options.height - 1 - 1 - notes.length) : Infinity;
  let lines = body;
  if (body.length > room) {
    lines = body.slice(0, room - 1);
    lines.push(p.dim(`  … ${body.length - lines.length} more lines`));
  }
  const all = [header, ...lines, ...notes];
  return options.width !== undefined ? all.map((l) => truncate(l, options.width ?? 80)) : all;
}

function entryLines(entry: ProgressEntry, keyWidth: number, options: FrameOptions, tick: number): string[] {
  const p = options.palette;
  if (entry.kind === 'task') return [rowLine(entry.row, '  ', keyWidth, options, tick)];
  const span = groupSpan(entry);
  const symbol = statusPaint(p, entry.status)(statusSymbol(entry.status, tick));
  const lines = [
    `  ${symbol} ${entry.name.padEnd(keyWidth)}  ${summarizeCounts(entry.counts)}  ${p.dim(formatSpan(span.startedAt, span.finishedAt, options.now))}`,
  ];
  const width = Math.max(...entry.iterations.map((r) => label(r).length));
  if (entry.iterations.length <= GROUP_EXPAND_LIMIT) {
    for (const row of entry.iterations) lines.push(rowLine(row, '      ', width, options, tick));
    return lines;
  }
  const interesting = entry.iterations.filter((r) => r.status === 'Running' || r.status === 'Failed' || r.status === 'Error');
  const failedFirst = [...interesting.filter((r) => r.status !== 'Running'), ...interesting.filter((r) => r.status === 'Running')];
  const shown = failedFirst.slice(0, GROUP_DETAIL_LINES);
  for (const row of shown) lines.push(rowLine(row, '      ', width, options, tick));
  if (interesting.length > shown.length) lines.push(p.dim(`      … ${interesting.length - shown.length} more`));
  return lines;
}

function rowLine(row: TaskRow, indent: string, keyWidth: number, options: FrameOptions, tick: number): string {
  const p = options.palette;
  const paint = statusPaint(p, row.status);
  const parts = [`${indent}${paint(statusSymbol(row.status, tick))} ${label(row).padEnd(keyWidth)}`];
  if (row.status !== 'Pending' && row.status !== 'Skipped' && row.status !== 'Omitted') {
    parts.push(p.dim(formatSpan(row.startedAt, row.finishedAt, options.now)));
  }
  if (row.status !== 'Running' && row.status !== 'Succeeded' && row.status !== 'Pending') parts.push(paint(row.status));
  if (row.message && row.status !== 'Succeeded' && row.status !== 'Running') parts.push(p.dim(row.message.split('\n')[0] ?? ''));
  return parts.join('  ');
}

function label(row: TaskRow): string {
  return row.attempt > 1 ? `${row.key} (attempt ${row.attempt})` : row.key;
}

/** Cuts a line to `width` printable characters, keeping ANSI escapes intact. */
export function truncate(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  let out = '';
  let visible = 0;
  for (let i = 0; i < line.length; ) {
    // eslint-disable-next-line no-control-regex
    const escape = /^\x1b\[[0-9;?]*[A-Za-z]/.exec(line.slice(i));
    if (escape) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) ?? 32);
    if (visible >= width - 1) {
      out += '…';
      break;
    }
    out += char;
    visible++;
    i += char.length;
  }
  return `${out}\x1b[0m`;
}
