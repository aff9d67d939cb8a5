// A pure fold of RunEvents into a task table, and the grouped view the renderers draw from it:
// one row per task, forEach iterations (`parse[3]`) gathered under their parent.
import type { RunEvent, RunStatus, TaskStatus } from '../../engines/model.js';
import type { TaskSpec } from '../../spec/schema.js';
import { COMPLETED_OK_TASK_STATUSES, TERMINAL_TASK_STATUSES, isTerminalRunStatus } from '../../engines/model.js';

export interface TaskRow {
  key: string;
  /** The task name: `parse` for `parse[3]`. */
  name: string;
  /** forEach iteration index, when the key names one. */
  index?: number;
  attempt: number;
  status: TaskStatus;
  message?: string;
  /** When the current attempt started running. */
  startedAt?: number;
  finishedAt?: number;
}

export interface ProgressState {
  runId: string;
  workflow: string;
  status: RunStatus;
  message?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Task names in display order: declared tasks first, then anything seen later. */
  names: readonly string[];
  rows: ReadonlyMap<string, TaskRow>;
  /** Iterations a forEach task will have, when known before they start (literal lists, ranges). */
  expected: Readonly<Record<string, number>>;
}

export function initialProgress(options: {
  runId: string;
  workflow: string;
  taskNames?: readonly string[];
  expected?: Record<string, number>;
  createdAt: number;
}): ProgressState {
  const rows = new Map<string, TaskRow>();
  // Placeholders have attempt 0 so that any reported attempt (forEach parents report 0) applies.
  for (const name of options.taskNames ?? []) rows.set(name, { key: name, name, attempt: 0, status: 'Pending' });
  return {
    runId: options.runId,
    workflow: options.workflow,
    status: 'Pending',
    createdAt: options.createdAt,
    names: [...new Set(options.taskNames ?? [])],
    rows,
    expected: options.expected ?? {},
  };
}

/** Iteration counts knowable from the spec alone: literal lists and ranges (not templates). */
export function expectedIterations(tasks: readonly TaskSpec[]): Record<string, number> {
  const expected: Record<string, number> = {};
  for (const task of tasks) {
    const forEach = task.forEach;
    if (forEach === undefined || typeof forEach === 'string') continue;
    if (Array.isArray(forEach)) expected[task.name] = forEach.length;
    else if (forEach.count !== undefined) expected[task.name] = forEach.count;
    else if (forEach.end !== undefined) expected[task.name] = Math.max(0, forEach.end - (forEach.start ?? 0) + 1);
  }
  return expected;
}

export function parseTaskKey(key: string): { name: string; index?: number } {
  const match = /^(.*)\[(\d+)\]$/.exec(key);
  if (!match || match[1] === undefined || match[1] === '') return { name: key };
  return { name: match[1], index: Number(match[2]) };
}

export function applyEvent(state: ProgressState, event: RunEvent): ProgressState {
  if (event.runId !== state.runId) return state;
  if (event.type === 'run') {
    const next: ProgressState = { ...state, status: event.status };
    if (event.message !== undefined) next.message = event.message;
    if (event.status === 'Running' && state.startedAt === undefined) next.startedAt = event.time;
    if (isTerminalRunStatus(event.status)) next.finishedAt = event.time;
    return next;
  }
  const { name, index } = parseTaskKey(event.task);
  if (event.items !== undefined && state.expected[name] !== event.items) {
    state = { ...state, expected: { ...state.expected, [name]: event.items } };
  }
  const previous = state.rows.get(event.task);
  const row: TaskRow = previous ? { ...previous } : { key: event.task, name, attempt: event.attempt, status: 'Pending' };
  if (index !== undefined) row.index = index;
  if (event.attempt !== row.attempt) {
    if (event.attempt < row.attempt) return state; // a late event of an earlier attempt
    row.attempt = event.attempt;
    delete row.startedAt;
    delete row.finishedAt;
  }
  row.status = event.status;
  if (event.message !== undefined) row.message = event.message;
  else delete row.message;
  if (event.status === 'Running') {
    row.startedAt ??= event.time;
    delete row.finishedAt;
  } else if (TERMINAL_TASK_STATUSES.has(event.status)) {
    row.finishedAt = event.time;
  }
  const rows = new Map(state.rows);
  rows.set(event.task, row);
  const names = state.names.includes(name) ? state.names : [...state.names, name];
  return { ...state, rows, names };
}

export function foldEvents(state: ProgressState, events: Iterable<RunEvent>): ProgressState {
  let current = state;
  for (const event of events) current = applyEvent(current, event);
  return current;
}

export interface GroupCounts {
  total: number;
  done: number;
  running: number;
  failed: number;
  pending: number;
  other: number;
}

/** What a renderer draws: a plain task, or a forEach parent with its iterations. */
export type ProgressEntry =
  | { kind: 'task'; row: TaskRow }
  | { kind: 'group'; name: string; parent?: TaskRow; iterations: TaskRow[]; counts: GroupCounts; status: TaskStatus };

export function progressEntries(state: ProgressState): ProgressEntry[] {
  const byName = new Map<string, { parent?: TaskRow; iterations: TaskRow[] }>();
  for (const row of state.rows.values()) {
    const slot = byName.get(row.name) ?? { iterations: [] };
    if (row.index === undefined) slot.parent = row;
    else slot.iterations.push(row);
    byName.set(row.name, slot);
  }
  const entries: ProgressEntry[] = [];
  for (const name of state.names) {
    const slot = byName.get(name);
    if (!slot) continue;
    if (slot.iterations.length === 0) {
      if (slot.parent) entries.push({ kind: 'task', row: slot.parent });
      continue;
    }
    const iterations = slot.iterations.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const counts = countRows(iterations, state.expected[name]);
    const entry: ProgressEntry = { kind: 'group', name, iterations, counts, status: groupStatus(slot.parent, counts) };
    // A parent row that is only the Pending placeholder adds nothing once iterations exist.
    if (slot.parent && slot.parent.status !== 'Pending') entry.parent = slot.parent;
    entries.push(entry);
  }
  return entries;
}

/** Counts by kind of status; iterations expected but not seen yet count as pending. */
function countRows(rows: readonly TaskRow[], expected = 0): GroupCounts {
  const unseen = Math.max(0, expected - rows.length);
  const counts: GroupCounts = { total: rows.length + unseen, done: 0, running: 0, failed: 0, pending: unseen, other: 0 };
  for (const row of rows) {
    if (COMPLETED_OK_TASK_STATUSES.has(row.status)) counts.done++;
    else if (row.status === 'Running') counts.running++;
    else if (row.status === 'Failed' || row.status === 'Error') counts.failed++;
    else if (row.status === 'Pending' || row.status === 'Interrupted') counts.pending++;
    else counts.other++;
  }
  return counts;
}

function groupStatus(parent: TaskRow | undefined, counts: GroupCounts): TaskStatus {
  if (parent && parent.status !== 'Pending' && parent.status !== 'Running') return parent.status;
  if (counts.running > 0) return 'Running';
  if (counts.pending > 0) return counts.done + counts.failed + counts.other > 0 ? 'Running' : 'Pending';
  if (counts.failed > 0) return 'Failed';
  if (counts.other > 0 && counts.done === 0) return 'Cancelled';
  return parent?.status === 'Running' ? 'Running' : 'Succeeded';
}

/** `12/40 done, 2 running, 1 failed`. */
export function summarizeCounts(counts: GroupCounts): string {
  const parts = [`${counts.done}/${counts.total} done`];
  if (counts.running > 0) parts.push(`${counts.running} running`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.other > 0) parts.push(`${counts.other} not run`);
  return parts.join(', ');
}

/** Earliest start and latest finish over a group's iterations (finish only when all are finished). */
export function groupSpan(entry: Extract<ProgressEntry, { kind: 'group' }>): { startedAt?: number; finishedAt?: number } {
  const rows = entry.parent ? [entry.parent, ...entry.iterations] : entry.iterations;
  const starts = rows.map((r) => r.startedAt).filter((t): t is number => t !== undefined);
  const span: { startedAt?: number; finishedAt?: number } = {};
  if (starts.length > 0) span.startedAt = Math.min(...starts);
  const allDone = entry.iterations.every((r) => TERMINAL_TASK_STATUSES.has(r.status));
  if (allDone && entry.counts.pending === 0 && entry.status !== 'Running') {
    const ends = rows.map((r) => r.finishedAt).filter((t): t is number => t !== undefined);
    if (ends.length > 0) span.finishedAt = Math.max(...ends);
  }
  return span;
}
