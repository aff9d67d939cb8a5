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

/** A state the fold may change: its own task table, names and iteration counts. */
type DraftState = Omit<ProgressState, 'names' | 'rows' | 'expected'> & {
  names: string[];
  rows: Map<string, TaskRow>;
  expected: Record<string, number>;
};

function draftOf(state: ProgressState): DraftState {
  return { ...state, names: [...state.names], rows: new Map(state.rows), expected: { ...state.expected } };
}

/**
 * Folds one event into `draft`, in place; false when it changes nothing (another run's event, a
 * late event of an earlier attempt). Row objects are replaced, never changed, so a state the
 * draft was copied from keeps its rows as they were. `addName` appends a name not seen before.
 */
function foldInto(draft: DraftState, event: RunEvent, addName: (name: string) => void): boolean {
  if (event.runId !== draft.runId) return false;
  if (event.type === 'run') {
    draft.status = event.status;
    if (event.message !== undefined) draft.message = event.message;
    if (event.status === 'Running' && draft.startedAt === undefined) draft.startedAt = event.time;
    if (isTerminalRunStatus(event.status)) draft.finishedAt = event.time;
    return true;
  }
  const { name, index } = parseTaskKey(event.task);
  let changed = false;
  if (event.items !== undefined && draft.expected[name] !== event.items) {
    draft.expected[name] = event.items;
    changed = true;
  }
  const previous = draft.rows.get(event.task);
  const row: TaskRow = previous ? { ...previous } : { key: event.task, name, attempt: event.attempt, status: 'Pending' };
  if (index !== undefined) row.index = index;
  if (event.attempt !== row.attempt) {
    if (event.attempt < row.attempt) return changed; // a late event of an earlier attempt
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
  draft.rows.set(event.task, row);
  addName(name);
  return true;
}

/**
 * The pure fold: a new state, `state` untouched (the same object back when the event changes
 * nothing). It copies the task table, so it costs O(tasks) an event; a live run is followed
 * with a ProgressTracker instead.
 */
export function applyEvent(state: ProgressState, event: RunEvent): ProgressState {
  if (event.runId !== state.runId) return state;
  const draft = draftOf(state);
  const addName = (name: string): void => {
    if (!draft.names.includes(name)) draft.names.push(name);
  };
  return foldInto(draft, event, addName) ? draft : state;
}

/**
 * Follows a run's events in one state, changed in place: O(1) an event however many tasks the
 * run has (applyEvent would make following a 1,000-task run quadratic). Renderers hold `state`
 * and always see the latest.
 */
export class ProgressTracker {
  private readonly draft: DraftState;
  private readonly known: Set<string>;

  constructor(initial: ProgressState) {
    this.draft = draftOf(initial);
    this.known = new Set(initial.names);
  }

  get state(): ProgressState {
    return this.draft;
  }

  apply(event: RunEvent): ProgressState {
    foldInto(this.draft, event, (name) => {
      if (this.known.has(name)) return;
      this.known.add(name);
      this.draft.names.push(name);
    });
    return this.draft;
  }
}

/** Folds `events` into a copy of `state`. */
export function foldEvents(state: ProgressState, events: Iterable<RunEvent>): ProgressState {
  const tracker = new ProgressTracker(state);
  for (const event of events) tracker.apply(event);
  return tracker.state;
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
