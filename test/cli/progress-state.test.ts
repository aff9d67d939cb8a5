import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent, TaskStatus } from '../../src/engines/model.js';
import {
  applyEvent,
  expectedIterations,
  foldEvents,
  initialProgress,
  parseTaskKey,
  ProgressTracker,
  progressEntries,
  summarizeCounts,
} from '../../src/cli/progress/progress-state.js';

const RUN = 'r1';
const task = (key: string, status: TaskStatus, time: number, attempt = 1, message?: string): RunEvent => ({
  type: 'task',
  runId: RUN,
  task: key,
  attempt,
  status,
  time,
  ...(message !== undefined ? { message } : {}),
});
const start = () => initialProgress({ runId: RUN, workflow: 'wf', taskNames: ['fetch', 'parse', 'report'], createdAt: 0 });

void test('parseTaskKey splits forEach iteration keys', () => {
  assert.deepEqual(parseTaskKey('parse[12]'), { name: 'parse', index: 12 });
  assert.deepEqual(parseTaskKey('parse'), { name: 'parse' });
  assert.deepEqual(parseTaskKey('[3]'), { name: '[3]' });
});

void test('declared tasks start Pending, in declared order', () => {
  const entries = progressEntries(start());
  assert.deepEqual(
    entries.map((e) => (e.kind === 'task' ? [e.row.key, e.row.status] : [e.name, e.status])),
    [
      ['fetch', 'Pending'],
      ['parse', 'Pending'],
      ['report', 'Pending'],
    ],
  );
});

void test('run events set status and times; the fold is pure', () => {
  const s0 = start();
  const s1 = applyEvent(s0, { type: 'run', runId: RUN, time: 10, status: 'Running' });
  const s2 = applyEvent(s1, { type: 'run', runId: RUN, time: 50, status: 'Failed', message: 'task parse failed' });
  assert.equal(s0.status, 'Pending');
  assert.equal(s1.status, 'Running');
  assert.equal(s2.startedAt, 10);
  assert.equal(s2.finishedAt, 50);
  assert.equal(s2.message, 'task parse failed');
});

void test('events of another run are ignored', () => {
  const s0 = start();
  assert.equal(applyEvent(s0, { type: 'run', runId: 'other', time: 1, status: 'Running' }), s0);
});

void test('task rows track attempts, start and finish of the current attempt', () => {
  const s = foldEvents(start(), [
    task('fetch', 'Running', 100),
    task('fetch', 'Failed', 200, 1, 'exit 1'),
    task('fetch', 'Running', 300, 2),
    task('fetch', 'Running', 350, 2),
  ]);
  const row = s.rows.get('fetch');
  assert.equal(row?.attempt, 2);
  assert.equal(row?.status, 'Running');
  assert.equal(row?.startedAt, 300);
  assert.equal(row?.finishedAt, undefined);
  assert.equal(row?.message, undefined);
  const done = applyEvent(s, task('fetch', 'Succeeded', 400, 2));
  assert.equal(done.rows.get('fetch')?.finishedAt, 400);
  // a late event from attempt 1 changes nothing
  assert.equal(applyEvent(done, task('fetch', 'Failed', 410, 1)), done);
});

void test('forEach iterations group under their parent with counts', () => {
  const events: RunEvent[] = [];
  for (let i = 0; i < 40; i++) events.push(task(`parse[${i}]`, 'Running', 100 + i));
  for (let i = 0; i < 12; i++) events.push(task(`parse[${i}]`, 'Succeeded', 200 + i));
  events.push(task('parse[12]', 'Failed', 300));
  const s = foldEvents(start(), events);
  const group = progressEntries(s).find((e) => e.kind === 'group');
  assert.ok(group && group.kind === 'group');
  assert.equal(group.name, 'parse');
  assert.equal(group.iterations.length, 40);
  assert.deepEqual(group.counts, { total: 40, done: 12, running: 27, failed: 1, pending: 0, other: 0 });
  assert.equal(group.status, 'Running');
  assert.equal(summarizeCounts(group.counts), '12/40 done, 27 running, 1 failed');
  assert.deepEqual(
    group.iterations.slice(0, 3).map((r) => r.index),
    [0, 1, 2],
  );
});

void test('a finished group takes the parent status when the engine reports one', () => {
  const s = foldEvents(start(), [
    task('parse[0]', 'Succeeded', 1),
    task('parse[1]', 'Failed', 2),
    task('parse', 'Failed', 3, 1, '1 of 2 iterations failed'),
  ]);
  const group = progressEntries(s).find((e) => e.kind === 'group');
  assert.ok(group && group.kind === 'group');
  assert.equal(group.status, 'Failed');
  assert.equal(group.parent?.message, '1 of 2 iterations failed');
});

void test('tasks not declared up front are appended in the order seen', () => {
  const s = foldEvents(start(), [task('cleanup', 'Running', 1)]);
  assert.deepEqual(s.names, ['fetch', 'parse', 'report', 'cleanup']);
});

void test('forEach sizes known from the spec count unseen iterations as pending', () => {
  const expected = expectedIterations([
    { name: 'a', forEach: [1, 2, 3] },
    { name: 'b', forEach: { start: 0, count: 40 } },
    { name: 'c', forEach: { start: 2, end: 5 } },
    { name: 'd', forEach: '{{ tasks.list.outputs.files }}' },
    { name: 'e' },
  ]);
  assert.deepEqual(expected, { a: 3, b: 40, c: 4 });
  const s = foldEvents(initialProgress({ runId: RUN, workflow: 'wf', taskNames: ['b'], expected, createdAt: 0 }), [
    task('b[0]', 'Succeeded', 1),
    task('b[1]', 'Running', 1),
  ]);
  const group = progressEntries(s)[0];
  assert.ok(group && group.kind === 'group');
  assert.deepEqual(group.counts, { total: 40, done: 1, running: 1, failed: 0, pending: 38, other: 0 });
  assert.equal(summarizeCounts(group.counts), '1/40 done, 1 running');
});

void test('a forEach fanning out over an upstream output counts the items its Running event announces', () => {
  const fanOut: RunEvent = { type: 'task', runId: RUN, task: 'parse', attempt: 0, status: 'Running', time: 1, message: '5 items', items: 5 };
  const state = foldEvents(start(), [
    fanOut,
    task('parse[0]', 'Running', 2),
    task('parse[0]', 'Succeeded', 3),
  ]);
  const group = progressEntries(state).find((e) => e.kind === 'group');
  assert.ok(group && group.kind === 'group');
  assert.deepEqual([group.counts.total, group.counts.done, group.counts.pending], [5, 1, 4]);
});

void test('a tracker folds in place to the same state as the pure fold, leaving its initial state untouched', () => {
  const events: RunEvent[] = [
    { type: 'run', runId: RUN, time: 1, status: 'Running' },
    task('fetch', 'Running', 2),
    task('fetch', 'Failed', 3, 1, 'exit 1'),
    task('fetch', 'Running', 4, 2),
    task('fetch', 'Failed', 5, 1, 'late'),
    task('parse[1]', 'Running', 6),
    task('cleanup', 'Succeeded', 7),
    { type: 'task', runId: 'other', task: 'fetch', attempt: 9, status: 'Failed', time: 8 },
    task('fetch', 'Succeeded', 9, 2),
  ];
  const initial = start();
  let pure = initial;
  for (const event of events) pure = applyEvent(pure, event);
  const tracker = new ProgressTracker(initial);
  const state = tracker.state;
  const rows = state.rows;
  for (const event of events) assert.equal(tracker.apply(event), state, 'one state object throughout');
  assert.equal(tracker.state.rows, rows, 'the task table is changed in place, never copied');
  assert.deepEqual(tracker.state, pure);
  assert.deepEqual(tracker.state.names, ['fetch', 'parse', 'report', 'cleanup']);
  assert.equal(initial.status, 'Pending');
  assert.equal(initial.rows.get('fetch')?.status, 'Pending');
  assert.deepEqual(initial.names, ['fetch', 'parse', 'report']);
});
